//! Reading and writing connections.
//!
//! `read_ready`: read until `WouldBlock` or a short read (rule 2; how much one event needs is
//! in `read_until.rs`), handing each chunk to the handler; stop early when the connection's
//! read budget for this turn is spent (it is then revisited next turn without waiting — with
//! edge-triggered epoll no new event would come).
//! `write_ready`: flush the outbox; short writes keep the rest (rule 4). A connection that
//! closes once drained sends its FIN with `shutdown(2)` before `close(2)` (see `flush`).
//! `update_interest`: READABLE while we may read, WRITABLE only while output is pending
//! (rule 3); the backend is called only when that changes.

use super::read_until::ReadUntil;
use super::traced::Seen;
use super::{Reactor, READ_BUDGET};
use crate::conn::Conn;
use crate::outbox::Flush;
use crate::trace::Callback;
use crate::{Bug, Bugs, CloseReason, Ctx, Handler, Token};
use log::{debug, warn};
use std::io::{self, Read};
use std::os::fd::AsRawFd;

impl<H: Handler> Reactor<H> {
    /// The socket has data (or EOF, or an error): read it all, or as much as `until` says
    /// shows it drained.
    pub(super) fn read_ready(&mut self, token: Token, until: ReadUntil) {
        // LAB 7 BEGIN: read until WouldBlock (or a short read, where that proves it drained)
        let Some(conn) = self.conns.get(token.0) else { return };
        let until = until.for_stream(conn.is_socket); // a terminal's short read proves nothing
        for _ in 0..READ_BUDGET {
            let Some(conn) = self.conns.get_mut(token.0) else {
                return;
            };
            if !conn.can_read() {
                return; // spurious or stale event (rule 1), or reading is paused
            }
            match conn.stream.read(&mut self.scratch) {
                Ok(0) => return self.peer_closed(token),
                Ok(n) => {
                    conn.last_active = self.now;
                    self.deliver(token, n);
                    if self.bugs.has(Bug::ReadOnce) {
                        // BUG read-once: one read per event. select and poll report the rest
                        // again (level-triggered); edge-triggered epoll never does: a stall.
                        return;
                    }
                    // Rule 2: a short read drained the socket; the read that would say
                    // WouldBlock is a system call saved (`read_until.rs` says when).
                    if until.done_after(n, self.scratch.len()) {
                        return;
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return self.close_now(token, CloseReason::Error(e.kind())),
            }
        }
        // Budget spent with data possibly left: come back next turn, without sleeping.
        if !self.pending_reads.contains(&token) {
            self.pending_reads.push(token);
        }
        // LAB 7 END
    }

    /// Read what the budget left behind last turn.
    pub(super) fn retry_pending_reads(&mut self) {
        let pending = std::mem::take(&mut self.pending_reads);
        for token in pending {
            // No event announces these: read until WouldBlock, as before the budget ran out.
            self.read_ready(token, ReadUntil::WouldBlock);
        }
    }

    /// The one delivery path: give the handler the connection's input — the `fresh` bytes
    /// just read into `scratch` (none when called after a drain) behind what it left last
    /// time — keep what it does not consume, and offer the rest again while it makes progress
    /// and the output has drained (a handler may consume only some whole frames per call).
    /// Output it causes meanwhile is charged to this connection (`sender`, `flow.rs`).
    pub(super) fn deliver(&mut self, token: Token, fresh: usize) {
        if fresh > 0 {
            self.observe(Seen::CallbackBegins(token));
        }
        self.sender = Some(token);
        let mut unread = fresh;
        while let Some(conn) = self.conns.get_mut(token.0) {
            let waits = conn.inbuf.is_empty() || conn.dead || conn.closing.is_some() || !conn.outbox.is_empty();
            if unread == 0 && waits {
                break;
            }
            let mut ctx = Ctx::new(&mut self.ops, &mut self.timers, self.now, Some((token, conn.serial)));
            let consumed = if conn.inbuf.is_empty() {
                // Common case: no partial frame pending, hand over the read buffer directly.
                let input = &self.scratch[..unread];
                let consumed = self
                    .handler
                    .on_data(&mut ctx, token, &mut conn.state, input)
                    .min(unread);
                conn.inbuf.extend_from_slice(&input[consumed..]);
                consumed
            } else {
                conn.inbuf.extend_from_slice(&self.scratch[..unread]);
                let consumed = self
                    .handler
                    .on_data(&mut ctx, token, &mut conn.state, &conn.inbuf)
                    .min(conn.inbuf.len());
                conn.inbuf.drain(..consumed);
                consumed
            };
            unread = 0;
            self.apply_ops();
            if consumed == 0 {
                break;
            }
        }
        self.sender = None;
        if fresh > 0 {
            self.check_input_limit(token);
            self.observe(Seen::CallbackEnded(token, Callback::Data, fresh));
        }
    }

    /// An incomplete frame larger than `max_input` will never complete: close. Input left
    /// while output waits is the other case: complete requests the handler holds back until
    /// the client reads its answers (a pipelining client that never reads).
    fn check_input_limit(&mut self, token: Token) {
        let Some(conn) = self.conns.get(token.0) else { return };
        if !conn.dead && conn.inbuf.len() > self.config.max_input {
            let why = if conn.outbox.is_empty() {
                "bytes without a complete frame, closing"
            } else {
                "bytes of complete requests unanswered because the client is not reading, closing"
            };
            warn!("{token} ({}): {} {why}", conn.peer, conn.inbuf.len());
            self.close_now(token, CloseReason::InputTooLarge);
        }
    }

    /// read() returned 0: the peer sent FIN. Finish writing what we owe, then close.
    fn peer_closed(&mut self, token: Token) {
        let Some(conn) = self.conns.get_mut(token.0) else {
            return;
        };
        conn.read_closed = true;
        if conn.closing.is_none() {
            conn.closing = Some(CloseReason::PeerClosed);
        }
        debug!("{token}: EOF from {}", conn.peer);
        self.flush(token);
    }

    /// The socket has room: write pending output.
    pub(super) fn write_ready(&mut self, token: Token) {
        let Some(conn) = self.conns.get(token.0) else { return };
        if conn.dead || conn.outbox.is_empty() {
            return; // spurious (rule 1)
        }
        self.observe(Seen::CallbackBegins(token));
        self.write_and_drain(token);
        self.observe(Seen::CallbackEnded(token, Callback::Writable, 0));
    }

    /// Flush; once the outbox is empty, tell the handler (`on_drained`).
    fn write_and_drain(&mut self, token: Token) {
        if self.flush(token) == Some(Flush::Drained) {
            let Some(conn) = self.conns.get_mut(token.0) else {
                return;
            };
            if conn.dead {
                return;
            }
            let mut ctx = Ctx::new(&mut self.ops, &mut self.timers, self.now, Some((token, conn.serial)));
            self.handler.on_drained(&mut ctx, token, &mut conn.state);
            self.apply_ops();
            self.deliver(token, 0); // what it left waiting for the drain
        }
    }

    /// POLLHUP/EPOLLHUP or an error: if reading did not already close it, nothing more can
    /// be delivered to this peer — unless unread input remains, which is read first.
    pub(super) fn hangup_ready(&mut self, token: Token) {
        let Some(conn) = self.conns.get(token.0) else { return };
        // Data the peer sent before hanging up is still to be read (the read budget ran out
        // this turn): let the next turn read it to EOF, which closes the connection.
        let reading_on = conn.can_read() && self.pending_reads.contains(&token);
        if !conn.dead && !reading_on {
            self.close_now(token, CloseReason::Error(io::ErrorKind::ConnectionReset));
        }
    }

    /// Write what the socket takes, apply the output limits, then close, shut down or
    /// update the interest as the new state requires. Returns how the write went.
    pub(super) fn flush(&mut self, token: Token) -> Option<Flush> {
        let conn = self.conns.get_mut(token.0)?;
        if conn.dead {
            return None;
        }
        let written_before = conn.outbox.written();
        // Once drained, a closing connection is closed and a shutdown one sends its FIN.
        let fin_follows = conn.closing.is_some() || conn.shutdown_pending;
        let flushed = match write_pending(token, conn, fin_follows, self.bugs) {
            Ok(flushed) => {
                // A peer that is still taking our output (a long download) is not idle.
                if conn.outbox.written() != written_before {
                    conn.last_active = self.now;
                }
                flushed
            }
            Err(e) => {
                self.close_now(token, CloseReason::Error(e.kind()));
                return None;
            }
        };
        if self.over_output_limit(token) {
            return None;
        }
        let conn = self.conns.get_mut(token.0)?;
        if conn.outbox.is_empty() {
            if conn.shutdown_pending {
                send_fin(token, conn);
            }
            if let Some(reason) = conn.closing.clone() {
                // close(2) on a socket with unread input sends RST instead of FIN, and RST
                // throws away what the kernel has not sent yet: here, the last bytes held back
                // (MSG_MORE, TCP_CORK: `outbox.rs`) to leave with the FIN. shutdown(2) never
                // discards: it sends them with the FIN, and close only frees the descriptor.
                send_fin(token, conn);
                self.close_now(token, reason);
                return Some(flushed);
            }
        }
        self.update_interest(token);
        Some(flushed)
    }

    /// Rule 4's bound: past `max_output`, pause reading (backpressure) or disconnect.
    /// Returns true when the connection was closed.
    fn over_output_limit(&mut self, token: Token) -> bool {
        let Some(conn) = self.conns.get_mut(token.0) else {
            return true;
        };
        let buffered = conn.outbox.buffered();
        if buffered > self.config.max_output {
            if self.bugs.has(Bug::UnboundedOutbox) {
                return bug_unbounded_outbox();
            }
            match self.config.overflow {
                crate::Overflow::Backpressure => {
                    if !conn.paused {
                        debug!("{token}: {buffered} bytes pending, pausing reads (backpressure)");
                        conn.paused = true;
                    }
                }
                crate::Overflow::HoldSenders => return self.hold_senders(token, buffered),
                crate::Overflow::Disconnect => {
                    warn!(
                        "{token} ({}): {buffered} bytes pending output, disconnecting slow reader",
                        conn.peer
                    );
                    self.close_now(token, CloseReason::TooSlow);
                    return true;
                }
            }
        } else if self.config.overflow == crate::Overflow::HoldSenders {
            return self.hold_senders(token, buffered);
        } else if conn.paused && buffered <= self.config.max_output / 2 {
            debug!("{token}: output drained to {buffered} bytes, resuming reads");
            conn.paused = false;
        }
        false
    }

    /// Tell the backend what we now want from this fd, if that changed.
    pub(super) fn update_interest(&mut self, token: Token) {
        let Some(conn) = self.conns.get_mut(token.0) else {
            return;
        };
        let wanted = conn.wanted();
        // Wanting nothing is a state too (a sender held by `flow.rs` with no output of its
        // own): select and poll must stop watching it, or its pending input would wake
        // every turn.
        if conn.dead || wanted == conn.registered {
            return;
        }
        match self.backend.reregister(conn.stream.as_raw_fd(), token, wanted) {
            Ok(()) => conn.registered = wanted,
            Err(e) => {
                warn!("{token}: reregister {wanted:?}: {e}");
                self.close_now(token, CloseReason::Error(e.kind()));
            }
        }
    }
}

/// `shutdown(SHUT_WR)`, once: the FIN goes out after (and with) the last bytes written.
fn send_fin<S>(token: Token, conn: &mut Conn<S>) {
    if !conn.write_shut {
        conn.write_shut = true;
        if let Err(e) = conn.stream.shutdown_write() {
            debug!("{token}: shutdown(SHUT_WR): {e}");
        }
    }
}

/// Write the outbox: `write(2)`/`sendfile(2)` until drained or `WouldBlock` (rule 4). Two of
/// the lecture's bugs (`--bug`, docs/bugs.md) change what happens after a short write.
fn write_pending<S>(token: Token, conn: &mut Conn<S>, fin_follows: bool, bugs: Bugs) -> io::Result<Flush> {
    let result = conn.outbox.flush_to(&mut conn.stream, fin_follows);
    if matches!(result, Ok(Flush::Blocked)) && !bugs.is_empty() {
        return bug_after_short_write(token, conn, fin_follows, bugs);
    }
    result
}

/// BUG blocking-write: finish the write on a blocking socket, so a peer that stops
/// reading stops the whole loop. BUG ignore-short-write: throw away what the kernel did
/// not take. Neither: the rest stays in the outbox (the correct `Blocked`).
#[cold]
fn bug_after_short_write<S>(token: Token, conn: &mut Conn<S>, fin_follows: bool, bugs: Bugs) -> io::Result<Flush> {
    if bugs.has(Bug::BlockingWrite) {
        let _ = conn.stream.set_nonblocking(false);
        let result = conn.outbox.flush_to(&mut conn.stream, fin_follows);
        let _ = conn.stream.set_nonblocking(true);
        return result;
    }
    if bugs.has(Bug::IgnoreShortWrite) {
        let lost = conn.outbox.buffered();
        warn!("{token}: short write, {lost} bytes dropped (--bug ignore-short-write)");
        conn.outbox.clear();
        return Ok(Flush::Drained);
    }
    Ok(Flush::Blocked)
}

/// BUG unbounded-outbox: over the limit, do nothing (no pause, no held sender, no drop):
/// a peer that never reads costs unbounded memory.
#[cold]
fn bug_unbounded_outbox() -> bool {
    false
}
