//! The reactor's side of the flight recorder (`crate::trace`): small hooks called from the
//! turn functions. Each starts with "is a recorder attached?" and returns at once when not,
//! so an untraced loop pays one predictable branch per hook.
//!
//! The hooks translate what the loop knows (tokens, connection records, outboxes) into what
//! a trace line says (descriptor numbers, peers, byte counts); the recorder only formats.

use super::Reactor;
use crate::trace::{Callback, Recorder};
use crate::{CloseReason, Handler, Token};
use std::os::fd::{AsRawFd, RawFd};
use std::path::Path;
use std::time::{Duration, Instant};

/// A connection's output counters before a callback: (bytes written so far, bytes pending).
pub(super) type OutMark = Option<(u64, usize)>;

impl<H: Handler> Reactor<H> {
    /// The recorder `Config::trace` asks for, if any.
    pub(super) fn open_trace(path: Option<&Path>, backend: &str) -> std::io::Result<Option<Box<Recorder>>> {
        match path {
            None => Ok(None),
            Some(path) => Ok(Some(Box::new(Recorder::create(path, backend)?))),
        }
    }

    /// A descriptor other than an accepted connection joined the loop (listener, signal
    /// pipe, adopted stream): its row in the timeline gets this label.
    pub(super) fn trace_descriptor(&mut self, token: Token, fd: RawFd, what: &str, label: &dyn std::fmt::Display) {
        if let Some(recorder) = self.trace.as_mut() {
            recorder.descriptor(token, fd, what, &label.to_string());
        }
    }

    /// Before the wait: the time it starts, when tracing.
    pub(super) fn trace_wait_begins(&mut self, timeout: Option<Duration>) -> Option<Instant> {
        let recorder = self.trace.as_mut()?;
        let now = Instant::now();
        recorder.wait_begins(now, timeout);
        Some(now)
    }

    /// After the wait: how long it blocked, what it returned.
    pub(super) fn trace_wait_ended(&mut self, began: Instant) {
        let Some(recorder) = self.trace.as_mut() else { return };
        let watched = self.backend.registered();
        recorder.wait_ended(self.stats.turns, self.now - began, watched, self.events.len());
        for event in &self.events {
            let fd = fd_of(&self.listeners, &self.conns, &self.signals, event.token);
            recorder.event(fd, *event);
        }
    }

    pub(super) fn trace_turn_ended(&mut self) {
        if let Some(recorder) = self.trace.as_mut() {
            recorder.turn_ended();
        }
    }

    /// A connection's output counters, to compare after a callback.
    pub(super) fn trace_out_mark(&self, token: Token) -> OutMark {
        self.trace.as_ref()?;
        let conn = self.conns.get(token.0)?;
        Some((conn.outbox.written(), conn.outbox.buffered()))
    }

    /// A callback ran on `token` with `bytes_in` input: record what it queued and wrote.
    pub(super) fn trace_callback(&mut self, token: Token, callback: Callback, bytes_in: usize, mark: OutMark) {
        let (Some(recorder), Some((written_before, pending_before))) = (self.trace.as_mut(), mark) else {
            return;
        };
        let Some(conn) = self.conns.get(token.0) else { return };
        let written = conn.outbox.written().saturating_sub(written_before);
        // Output queued by the callback = what was written since plus what still waits,
        // minus what was waiting before (a close drops pending output: never negative).
        let queued = (written + conn.outbox.buffered() as u64).saturating_sub(pending_before as u64);
        let queued = if callback == Callback::Writable { 0 } else { queued };
        recorder.callback(token, conn.stream.as_raw_fd(), callback, bytes_in, queued, written);
    }

    pub(super) fn trace_accepted(&mut self, token: Token) {
        let (Some(recorder), Some(conn)) = (self.trace.as_mut(), self.conns.get(token.0)) else {
            return;
        };
        recorder.accepted(token, conn.stream.as_raw_fd(), conn.peer.to_string());
    }

    pub(super) fn trace_closed(&mut self, token: Token, reason: &CloseReason) {
        let (Some(recorder), Some(conn)) = (self.trace.as_mut(), self.conns.get(token.0)) else {
            return;
        };
        recorder.closed(token, conn.stream.as_raw_fd(), reason.to_string());
    }

    pub(super) fn trace_timer_fired(&mut self) {
        if let Some(recorder) = self.trace.as_mut() {
            recorder.timer_fired();
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
