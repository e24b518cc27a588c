//! A graceful stop, beside the lesson (SIGINT, SIGTERM, `Ctx::stop`, `Reactor::stop`): stop
//! accepting (close the listeners), let every connection flush what it owes, and after
//! `Config::shutdown_grace` close what is still open. `Reactor::run` returns once no
//! connection is left.

use super::Reactor;
use crate::{CloseReason, Handler, Token};
use log::info;
use std::os::fd::AsRawFd;

impl<H: Handler> Reactor<H> {
    /// Begin a graceful stop, as SIGTERM would.
    pub fn stop(&mut self) {
        self.begin_shutdown();
    }

    /// Stop accepting (closing the listeners removes a UNIX socket file), then close every
    /// connection once its output is flushed; `before_sleep` ends the wait after the grace.
    pub(super) fn begin_shutdown(&mut self) {
        if self.stopping.is_some() {
            return;
        }
        self.stopping = Some(self.now + self.config.shutdown_grace);
        for slot in self.listeners.drain(..) {
            if !slot.paused {
                let _ = self.backend.deregister(slot.listener.as_raw_fd());
            }
        }
        let tokens: Vec<Token> = self.conns.iter().map(|(key, _)| Token(key)).collect();
        for token in tokens {
            if let Some(conn) = self.conns.get_mut(token.0).filter(|c| !c.dead) {
                conn.closing.get_or_insert(CloseReason::Shutdown);
                self.flush(token);
            }
        }
    }

    /// Before waiting: if a shutdown's grace period is over, close what is still open.
    pub(super) fn before_sleep(&mut self) {
        let Some(deadline) = self.stopping else { return };
        self.now = std::time::Instant::now();
        if self.now < deadline {
            return;
        }
        let open: Vec<Token> = self
            .conns
            .iter()
            .filter(|(_, c)| !c.dead)
            .map(|(key, _)| Token(key))
            .collect();
        if !open.is_empty() {
            info!(
                "shutdown: closing {} connections that did not drain in time",
                open.len()
            );
        }
        for token in open {
            self.close_now(token, CloseReason::Shutdown);
        }
        self.reap_closed();
    }
}
