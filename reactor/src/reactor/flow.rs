//! Flow control between connections: `Overflow::HoldSenders`, for a relay such as a chat.
//!
//! In a chat the output of a member comes from the *others*: one member sending 3,000 lines
//! at once puts 3 MB into every other member's outbox in a few milliseconds. Dropping any
//! member whose outbox passes the high-water mark punishes a reader that is merely behind;
//! buffering without bound lets one sender exhaust memory. So the pressure goes back to the
//! one who causes it, as TCP itself does:
//!
//! 1. **Hold the sender.** When output produced while handling connection S's input pushes a
//!    recipient R past `max_output`, the reactor stops reading S (S is *held* by R). TCP flow
//!    control then slows S's client down. S is released when R's outbox drains to half the
//!    mark, or R closes. A connection held by several recipients waits for all of them.
//! 2. **Call R too slow only after a while.** R is disconnected (`CloseReason::TooSlow`) when
//!    its writes make no progress for `Config::stall_timeout`, or it stays over the mark for
//!    `Config::over_limit_timeout` although it moves: one burst never does it.
//! 3. **Bound memory anyway.** Past `HARD_LIMIT_FACTOR` × `max_output` (many senders landing
//!    at once before each is held) R is disconnected at once.
//!
//! A recipient over the mark is checked by a `TimerKind::Stall` timer every
//! `stall_timeout`; no work per write.

use super::Reactor;
use crate::timer::TimerKind;
use crate::{CloseReason, Handler, Token};
use log::{debug, warn};
use std::time::Instant;

/// A recipient whose outbox passes this many times `max_output` is dropped at once.
pub const HARD_LIMIT_FACTOR: usize = 4;

/// A recipient over the high-water mark: since when, and its write count at the last check.
#[derive(Copy, Clone, Debug)]
pub(crate) struct OverMark {
    pub since: Instant,
    pub written: u64,
}

impl<H: Handler> Reactor<H> {
    /// `token`'s outbox holds `buffered` bytes under `HoldSenders`: hold the current sender,
    /// start or stop watching `token`. Returns true when `token` was closed.
    pub(super) fn hold_senders(&mut self, token: Token, buffered: usize) -> bool {
        let limit = self.config.max_output;
        let Some(conn) = self.conns.get_mut(token.0) else {
            return true;
        };
        if buffered > limit.saturating_mul(HARD_LIMIT_FACTOR) {
            warn!(
                "{token} ({}): {buffered} bytes pending output, past {HARD_LIMIT_FACTOR} x the limit: too slow",
                conn.peer
            );
            self.close_now(token, CloseReason::TooSlow);
            return true;
        }
        if buffered > limit {
            if conn.over.is_none() {
                conn.over = Some(OverMark {
                    since: self.now,
                    written: conn.outbox.written(),
                });
                let serial = conn.serial;
                self.timers
                    .add(self.now + self.config.stall_timeout, token, serial, TimerKind::Stall);
            }
            self.hold_current_sender(token);
        } else if buffered <= limit / 2 && conn.over.take().is_some() {
            self.release_senders(token);
        }
        false
    }

    /// Stop reading the connection whose input produced this output, until `recipient` drains.
    fn hold_current_sender(&mut self, recipient: Token) {
        let Some(sender) = self.sender.filter(|&s| s != recipient) else {
            return;
        };
        let Some(sender_serial) = self.conns.get(sender.0).filter(|c| !c.dead).map(|c| c.serial) else {
            return;
        };
        let Some(conn) = self.conns.get_mut(recipient.0) else {
            return;
        };
        if conn.holding.contains(&(sender, sender_serial)) {
            return;
        }
        conn.holding.push((sender, sender_serial));
        if let Some(held) = self.conns.get_mut(sender.0) {
            held.held_by += 1;
            debug!("{sender}: held while {recipient} drains its output");
        }
        self.update_interest(sender); // select and poll stop watching it
    }

    /// `recipient` drained or closed: the senders it held may be read again.
    pub(super) fn release_senders(&mut self, recipient: Token) {
        let Some(conn) = self.conns.get_mut(recipient.0) else {
            return;
        };
        for (sender, serial) in std::mem::take(&mut conn.holding) {
            let Some(held) = self.conns.get_mut(sender.0).filter(|c| c.serial == serial) else {
                continue;
            };
            held.held_by = held.held_by.saturating_sub(1);
            if held.held_by == 0 && held.can_read() {
                debug!("{sender}: released by {recipient}");
                // Its socket may hold data already (no new edge with epoll): read it next turn.
                if !self.pending_reads.contains(&sender) {
                    self.pending_reads.push(sender);
                }
                self.update_interest(sender);
            }
        }
    }

    /// The stall check of a recipient over the mark: too slow if its writes made no
    /// progress since the last check, or it has been over for too long; else check again.
    pub(super) fn stall_timer_fired(&mut self, token: Token, serial: u64) {
        let Some(conn) = self.conns.get_mut(token.0).filter(|c| c.serial == serial && !c.dead) else {
            return;
        };
        let Some(mark) = conn.over else { return };
        let written = conn.outbox.written();
        let stalled = written == mark.written;
        let too_long = self.now.duration_since(mark.since) >= self.config.over_limit_timeout;
        if stalled || too_long {
            let why = if stalled { "no progress" } else { "still over the limit" };
            warn!(
                "{token} ({}): {} bytes pending, {why} after {:?}: too slow",
                conn.peer,
                conn.outbox.buffered(),
                self.now.duration_since(mark.since)
            );
            self.close_now(token, CloseReason::TooSlow);
            return;
        }
        conn.over = Some(OverMark { written, ..mark });
        self.timers
            .add(self.now + self.config.stall_timeout, token, serial, TimerKind::Stall);
    }
}
