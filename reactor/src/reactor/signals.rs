//! Signals in the loop (beside the lesson): SIGINT and SIGTERM, and the signals a handler
//! asks for, arrive through the self-pipe (`crate::signal`, `pipe(2)`, `sigaction(2)`) as one
//! more readable descriptor, `Token::SIGNAL`. A stop signal begins a graceful shutdown
//! (`close.rs`); any other goes to `Handler::on_signal`.

use super::Reactor;
use crate::signal::{SignalPipe, STOP_SIGNALS};
use crate::{Handler, Interest, Token};
use log::info;
use nix::sys::signal::Signal;
use std::io as stdio;
use std::os::fd::AsRawFd;

impl<H: Handler> Reactor<H> {
    /// Route SIGINT and SIGTERM (graceful stop) and `extra` signals (to `Handler::on_signal`)
    /// into the loop through the self-pipe.
    pub fn watch_signals(&mut self, extra: &[Signal]) -> stdio::Result<()> {
        let mut all = STOP_SIGNALS.to_vec();
        all.extend_from_slice(extra);
        let pipe = SignalPipe::install(&all)?;
        self.backend
            .register(pipe.as_raw_fd(), Token::SIGNAL, Interest::READABLE)?;
        self.signals = Some(pipe);
        Ok(())
    }

    /// The self-pipe is readable: stop on SIGINT/SIGTERM, pass other signals on.
    pub(super) fn signal_ready(&mut self) {
        let Some(pipe) = self.signals.as_mut() else { return };
        for signal in pipe.drain() {
            if STOP_SIGNALS.contains(&signal) {
                info!("received {signal}: stopping (no new connections; flushing and closing open ones)");
                self.begin_shutdown();
            } else {
                let mut ctx = crate::Ctx::new(&mut self.ops, &mut self.timers, self.now, None);
                self.handler.on_signal(&mut ctx, signal);
                self.apply_ops();
            }
        }
    }
}
