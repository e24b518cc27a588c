//! The reactor's side of the flight recorder (`crate::trace`): the loop tells what it sees
//! through one hook, `observe(Seen::…)`, at a few points of a turn. With no recorder
//! attached (`Reactor::with_trace`) the hook is one predictable branch that returns; the
//! work is in `record`, out of line.
//!
//! `record` translates what the loop knows (tokens, connection records, outboxes) into what
//! a trace line says (descriptor numbers, peers, byte counts); the recorder only formats.

use super::Reactor;
use crate::trace::{Callback, Recorder};
use crate::{CloseReason, Handler, Token};
use std::fmt::Display;
use std::os::fd::{AsRawFd, RawFd};
use std::path::Path;
use std::time::{Duration, Instant};

/// What the loop saw, told to its observer.
pub(super) enum Seen<'a> {
    /// A stream the loop did not accept joined it (`add_stream`): its row in the timeline
    /// gets this label. (Listeners and the signal pipe are named at the next wait.)
    Descriptor(Token, RawFd, &'static str, &'a dyn Display),
    /// The wait starts, with this timeout. Listeners and the signal pipe added since the
    /// last wait get their rows first.
    WaitBegins(Option<Duration>),
    /// The wait returned: how long it blocked, what it returned.
    WaitEnded,
    TurnEnded,
    /// A callback is about to run on this connection: remember its output counters.
    CallbackBegins(Token),
    /// The callback ran with this many bytes of input: what it queued and wrote.
    CallbackEnded(Token, Callback, usize),
    Accepted(Token),
    Closed(Token, &'a CloseReason),
    TimerFired,
}

/// The recorder and what it remembers between two hooks of one turn.
pub(super) struct Observer {
    recorder: Recorder,
    /// When the current wait began.
    wait_began: Option<Instant>,
    /// A connection's output counters before a callback: (token, bytes written so far,
    /// bytes pending).
    mark: Option<(Token, u64, usize)>,
    /// Listeners whose row is written (they are only ever added, in order).
    listeners_named: usize,
    /// The signal pipe's row is written.
    signals_named: bool,
}

impl<H: Handler> Reactor<H> {
    /// Record every turn of this loop in `path` (`--trace FILE`, docs/trace-format.md);
    /// `None` records nothing. Call it before the first `listen` or `add_stream`, so the
    /// trace names every descriptor.
    pub fn with_trace(mut self, path: Option<&Path>) -> std::io::Result<Reactor<H>> {
        if let Some(path) = path {
            let recorder = Recorder::create(path, self.backend.name())?;
            self.observer = Some(Box::new(Observer {
                recorder,
                wait_began: None,
                mark: None,
                listeners_named: 0,
                signals_named: false,
            }));
        }
        Ok(self)
    }

    /// The loop's one hook: nothing to do unless a recorder is attached.
    #[inline]
    pub(super) fn observe(&mut self, seen: Seen) {
        if self.observer.is_some() {
            self.record(seen);
        }
    }

    #[cold]
    fn record(&mut self, seen: Seen) {
        let Some(observer) = self.observer.as_mut() else { return };
        let recorder = &mut observer.recorder;
        match seen {
            Seen::Descriptor(token, fd, what, label) => recorder.descriptor(token, fd, what, &label.to_string()),
            Seen::WaitBegins(timeout) => {
                for (index, slot) in self.listeners.iter().enumerate().skip(observer.listeners_named) {
                    let label = slot.listener.local_addr_string().unwrap_or_default();
                    recorder.descriptor(Token::listener(index), slot.listener.as_raw_fd(), "listener", &label);
                }
                observer.listeners_named = observer.listeners_named.max(self.listeners.len());
                if let Some(pipe) = self.signals.as_ref().filter(|_| !observer.signals_named) {
                    recorder.descriptor(Token::SIGNAL, pipe.as_raw_fd(), "signal", "signal pipe");
                    observer.signals_named = true;
                }
                let now = Instant::now();
                recorder.wait_begins(now, timeout);
                observer.wait_began = Some(now);
            }
            Seen::WaitEnded => {
                let Some(began) = observer.wait_began.take() else {
                    return;
                };
                let watched = self.backend.registered();
                recorder.wait_ended(self.stats.turns, self.now - began, watched, self.events.len());
                for event in &self.events {
                    let fd = fd_of(&self.listeners, &self.conns, &self.signals, event.token);
                    recorder.event(fd, *event);
                }
            }
            Seen::TurnEnded => recorder.turn_ended(),
            Seen::CallbackBegins(token) => {
                observer.mark = self
                    .conns
                    .get(token.0)
                    .map(|conn| (token, conn.outbox.written(), conn.outbox.buffered()));
            }
            Seen::CallbackEnded(token, callback, bytes_in) => {
                let Some((marked, written_before, pending_before)) = observer.mark.take() else {
                    return;
                };
                let Some(conn) = self.conns.get(token.0).filter(|_| marked == token) else {
                    return;
                };
                let written = conn.outbox.written().saturating_sub(written_before);
                // Output queued by the callback = what was written since plus what still
                // waits, minus what was waiting before (a close drops pending output: never
                // negative).
                let queued = (written + conn.outbox.buffered() as u64).saturating_sub(pending_before as u64);
                let queued = if callback == Callback::Writable { 0 } else { queued };
                recorder.callback(token, conn.stream.as_raw_fd(), callback, bytes_in, queued, written);
            }
            Seen::Accepted(token) => {
                if let Some(conn) = self.conns.get(token.0) {
                    recorder.accepted(token, conn.stream.as_raw_fd(), conn.peer.to_string());
                }
            }
            Seen::Closed(token, reason) => {
                if let Some(conn) = self.conns.get(token.0) {
                    recorder.closed(token, conn.stream.as_raw_fd(), reason.to_string());
                }
            }
            Seen::TimerFired => recorder.timer_fired(),
        }
    }
}

/// The descriptor behind a token (-1 when it is already gone).
fn fd_of<S>(
    listeners: &[super::ListenerSlot],
    conns: &slab::Slab<crate::conn::Conn<S>>,
    signals: &Option<crate::SignalPipe>,
    token: Token,
) -> RawFd {
    if token == Token::SIGNAL {
        return signals.as_ref().map_or(-1, |p| p.as_raw_fd());
    }
    if let Some(index) = token.listener_index() {
        return listeners.get(index).map_or(-1, |s| s.listener.as_raw_fd());
    }
    conns.get(token.0).map_or(-1, |c| c.stream.as_raw_fd())
}
