//! Kicking idle members, with a warning first, on the reactor's timers (`Ctx::set_timer`).
//!
//! Each member has one timer at a time. A line from the member cancels it and starts the
//! countdown again. After `after - warning` of silence the warning timer fires: the member
//! reads `* you will be disconnected in 5 s`, and the kick timer is set for the rest. A line
//! before it restarts everything; otherwise the member is closed and the others read
//! `* nick left (idle timeout)`.
//!
//! No thread, no signal, no polling: the timers sit in the reactor's heap (`reactor/src/
//! timer.rs`), whose earliest deadline becomes the timeout of the next `select`, `poll` or
//! `epoll_wait`. A timer of a connection that closed never fires (`Ctx::set_timer`).

use reactor::{Ctx, TimerKey, Token};
use std::collections::HashMap;
use std::time::Duration;

/// The tag of the warning timer.
const WARN: u64 = 1;
/// The tag of the kick timer.
const KICK: u64 = 2;

/// What a fired timer means for its member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdleStep {
    /// Tell the member it will be disconnected after this much more silence.
    Warn(Duration),
    /// Disconnect it.
    Kick,
}

/// The idle policy of a room and each member's pending timer.
#[derive(Debug)]
pub struct IdleKick {
    /// Silence after which a member is disconnected.
    after: Duration,
    /// How long before the kick the warning comes: 5 s, or half of `after` if shorter.
    warning: Duration,
    /// The timer each member has pending.
    timers: HashMap<Token, TimerKey>,
}

impl IdleKick {
    /// Disconnect members silent for `after` (whole seconds, at least 2).
    pub fn new(after: Duration) -> IdleKick {
        let secs = after.as_secs().max(2);
        IdleKick {
            after: Duration::from_secs(secs),
            warning: Duration::from_secs((secs / 2).min(5)),
            timers: HashMap::new(),
        }
    }

    /// The member showed activity (it joined, or sent a line): start its countdown again.
    pub fn restart(&mut self, ctx: &mut Ctx<'_>, token: Token) {
        // LAB 12 BEGIN: restart the countdown on activity
        if let Some(key) = self.timers.remove(&token) {
            ctx.cancel_timer(key);
        }
        if let Some(key) = ctx.set_timer(self.after - self.warning, WARN) {
            self.timers.insert(token, key);
        }
        // LAB 12 END
    }

    /// The member's timer `tag` fired: warn it (and set the kick timer), or kick it.
    pub fn fired(&mut self, ctx: &mut Ctx<'_>, token: Token, tag: u64) -> Option<IdleStep> {
        // LAB 12 BEGIN: warn, then kick
        self.timers.remove(&token);
        match tag {
            WARN => {
                if let Some(key) = ctx.set_timer(self.warning, KICK) {
                    self.timers.insert(token, key);
                }
                Some(IdleStep::Warn(self.warning))
            }
            KICK => Some(IdleStep::Kick),
            _ => None,
        }
        // LAB 12 END
    }

    /// The member's connection closed: its timers are gone with it.
    pub fn forget(&mut self, token: Token) {
        self.timers.remove(&token);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_warning_comes_five_seconds_before_or_half_way() {
        assert_eq!(IdleKick::new(Duration::from_secs(60)).warning, Duration::from_secs(5));
        assert_eq!(IdleKick::new(Duration::from_secs(4)).warning, Duration::from_secs(2));
        assert_eq!(IdleKick::new(Duration::from_secs(0)).after, Duration::from_secs(2));
    }
}
