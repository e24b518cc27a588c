//! Rule 8, beside the lesson: out of descriptors (`EMFILE`, `ENFILE`), `accept(2)` fails but
//! the kernel keeps the connection queued, so with level-triggered select/poll the listener
//! stays "readable" and the loop would spin at 100% CPU. Instead: stop watching the listener
//! (`deregister`), serve the open connections, and watch it again after `ACCEPT_BACKOFF`
//! (a `TimerKind::ResumeAccept` timer, `close.rs`'s `fire_timers`). See `fd_reserve.rs`.

use super::{register_listener, Reactor};
use crate::fd_reserve::ACCEPT_BACKOFF;
use crate::timer::TimerKind;
use crate::{Handler, Token};
use log::warn;
use std::io;
use std::os::fd::AsRawFd;

impl<H: Handler> Reactor<H> {
    /// Rule 8: out of descriptors. Stop watching the listener and retry after a pause.
    pub(super) fn pause_accepting(&mut self, index: usize, error: &io::Error) {
        let Some(slot) = self.listeners.get_mut(index) else {
            return;
        };
        if let Err(e) = self.backend.deregister(slot.listener.as_raw_fd()) {
            warn!("deregister listener: {e}");
        }
        slot.paused = true;
        slot.out_of_fds.log_once(
            error,
            format_args!(
                "pausing accepts ({} ms at a time) while serving the {} open connections",
                ACCEPT_BACKOFF.as_millis(),
                self.conns.len()
            ),
        );
        self.timers.add(
            self.now + ACCEPT_BACKOFF,
            Token::listener(index),
            0,
            TimerKind::ResumeAccept(index),
        );
    }

    /// The back-off is over: watch the listener again (a pending connection shows at once).
    pub(super) fn resume_accepting(&mut self, index: usize) {
        let Some(slot) = self.listeners.get_mut(index) else {
            return;
        };
        if !slot.paused || self.stopping.is_some() {
            return;
        }
        // A shared listener goes back as it came (EXCLUSIVE, level-triggered).
        match register_listener(
            self.backend.as_mut(),
            &slot.listener,
            Token::listener(index),
            slot.shared,
        ) {
            Ok(()) => slot.paused = false,
            Err(e) => warn!("re-register listener: {e}"),
        }
    }
}
