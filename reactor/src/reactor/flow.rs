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
use crate::{CloseReason, Handler, Token, HARD_LIMIT_FACTOR};
use log::{debug, warn};
use std::collections::HashMap;
use std::time::Instant;

/// Flow control's state, kept beside the connection records rather than in each of them:
/// only the few connections over the mark, or held, have an entry. A connection is named by
/// (token, serial): a token is reused after a close, a serial never.
#[derive(Default)]
pub(super) struct Flow {
    /// Recipients over the high-water mark.
    over: HashMap<Token, OverMark>,
    /// Senders held, with how many recipients hold each (reading it waits for all of them).
    held: HashMap<(Token, u64), usize>,
}

/// A recipient over the high-water mark: since when, its write count at the last check, and
/// the senders (token, serial) it holds.
struct OverMark {
    serial: u64,
    since: Instant,
    written: u64,
    holding: Vec<(Token, u64)>,
}

impl<H: Handler> Reactor<H> {
    /// `token`'s outbox holds `buffered` bytes under `HoldSenders`: hold the current sender,
    /// start or stop watching `token`. Returns true when `token` was closed.
    pub(super) fn hold_senders(&mut self, token: Token, buffered: usize) -> bool {
        let limit = self.config.max_output;
        let Some(conn) = self.conns.get(token.0) else {
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
            if !self.flow.over.contains_key(&token) {
                let mark = OverMark {
                    serial: conn.serial,
                    since: self.now,
                    written: conn.outbox.written(),
                    holding: Vec::new(),
                };
                self.flow.over.insert(token, mark);
                self.timers.add(
                    self.now + self.config.stall_timeout,
                    token,
                    conn.serial,
                    TimerKind::Stall,
                );
            }
            self.hold_current_sender(token);
        } else if buffered <= limit / 2 {
            self.release_senders(token);
        }
        false
    }

    /// Stop reading the connection whose input produced this output, until `recipient` drains.
    fn hold_current_sender(&mut self, recipient: Token) {
        let Some(sender) = self.sender.filter(|&s| s != recipient) else {
            return;
        };
        let Some(held) = self.conns.get_mut(sender.0).filter(|c| !c.dead) else {
            return;
        };
        let key = (sender, held.serial);
        let Some(mark) = self.flow.over.get_mut(&recipient) else {
            return;
        };
        if mark.holding.contains(&key) {
            return;
        }
        mark.holding.push(key);
        *self.flow.held.entry(key).or_insert(0) += 1;
        held.paused = true;
        debug!("{sender}: held while {recipient} drains its output");
        self.update_interest(sender); // select and poll stop watching it
    }

    /// `recipient` drained or closed: it is no longer over the mark, and the senders it held
    /// may be read again (once no other recipient holds them).
    pub(super) fn release_senders(&mut self, recipient: Token) {
        let Some(mark) = self.flow.over.remove(&recipient) else {
            return;
        };
        for key in mark.holding {
            let (sender, serial) = key;
            let holders = self.flow.held.get(&key).copied().unwrap_or(0).saturating_sub(1);
            if holders > 0 {
                self.flow.held.insert(key, holders);
                continue;
            }
            self.flow.held.remove(&key);
            let Some(held) = self.conns.get_mut(sender.0).filter(|c| c.serial == serial) else {
                continue; // the sender is gone
            };
            held.paused = false;
            if held.can_read() {
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
        let Some(conn) = self.conns.get(token.0).filter(|c| c.serial == serial && !c.dead) else {
            return;
        };
        let Some(mark) = self.flow.over.get_mut(&token).filter(|m| m.serial == serial) else {
            return;
        };
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
        mark.written = written;
        self.timers
            .add(self.now + self.config.stall_timeout, token, serial, TimerKind::Stall);
    }
}
