//! Closing connections, and timers (a graceful shutdown is beside: `shutdown.rs`).
//!
//! Rule 5: deregister before close, and free the slab slot only at the end of the turn.
//! `close_now` deregisters the fd and marks the record dead; the descriptor is closed when
//! `reap_closed` removes the record. Until then the key cannot be reused, so an event for the
//! old connection later in this turn's batch finds a dead record instead of a new stranger.

use super::traced::Seen;
use super::Reactor;
use crate::timer::TimerKind;
use crate::{CloseReason, Ctx, Handler, Token};
use log::{debug, info, warn};
use std::os::fd::AsRawFd;

impl<H: Handler> Reactor<H> {
    /// Close a connection now: deregister, drop its output, tell the handler.
    pub(super) fn close_now(&mut self, token: Token, reason: CloseReason) {
        let Some(conn) = self.conns.get_mut(token.0) else {
            return;
        };
        if conn.dead {
            return;
        }
        conn.dead = true;
        self.observe(Seen::Closed(token, &reason));
        let Some(conn) = self.conns.get_mut(token.0) else {
            return;
        };
        if let Err(e) = self.backend.deregister(conn.stream.as_raw_fd()) {
            warn!("{token}: deregister: {e}");
        }
        conn.outbox.clear();
        if let Some(key) = conn.idle_timer.take() {
            self.timers.cancel(key);
        }
        debug!("close {token} ({}): {reason}", conn.peer);
        let mut ctx = Ctx::new(&mut self.ops, &mut self.timers, self.now, None);
        self.handler.on_close(&mut ctx, token, &mut conn.state, &reason);
        self.to_reap.push(token);
        self.pending_reads.retain(|&t| t != token);
        self.release_senders(token); // if it was holding any (`flow.rs`)
        self.apply_ops();
    }

    /// End of turn: free the slots of closed connections, which closes their descriptors.
    pub(super) fn reap_closed(&mut self) {
        for token in self.to_reap.drain(..) {
            if self.conns.contains(token.0) {
                drop(self.conns.remove(token.0));
            }
        }
    }

    /// Run every timer that is due.
    pub(super) fn fire_timers(&mut self) {
        while let Some(expired) = self.timers.pop_expired(self.now) {
            self.observe(Seen::TimerFired);
            match expired.kind {
                TimerKind::ResumeAccept(index) => self.resume_accepting(index),
                TimerKind::Idle => self.idle_timer_fired(expired.token, expired.serial),
                TimerKind::User(tag) => self.user_timer_fired(expired.token, expired.serial, tag),
                TimerKind::Stall => self.stall_timer_fired(expired.token, expired.serial),
            }
        }
    }

    /// Close the connection if it stayed quiet for the whole idle timeout, else re-arm for
    /// the rest (activity only updates `last_active`: no heap work per read).
    fn idle_timer_fired(&mut self, token: Token, serial: u64) {
        let Some(idle) = self.config.idle_timeout else { return };
        let Some(conn) = self.conns.get_mut(token.0).filter(|c| c.serial == serial && !c.dead) else {
            return;
        };
        conn.idle_timer = None;
        if self.now.duration_since(conn.last_active) >= idle {
            info!("{token} ({}): idle for {}s, closing", conn.peer, idle.as_secs_f32());
            self.close_now(token, CloseReason::IdleTimeout);
        } else {
            self.arm_idle_timer(token);
        }
    }

    fn user_timer_fired(&mut self, token: Token, serial: u64, tag: u64) {
        let Some(conn) = self.conns.get_mut(token.0).filter(|c| c.serial == serial && !c.dead) else {
            return;
        };
        let mut ctx = Ctx::new(&mut self.ops, &mut self.timers, self.now, Some((token, serial)));
        self.handler.on_timer(&mut ctx, token, &mut conn.state, tag);
        self.apply_ops();
    }
}
