//! Timers: a min-heap of deadlines. The loop's wait timeout is "time until the nearest one",
//! so `epoll_wait`/`poll`/`select` sleep exactly until there is work, and no longer.
//!
//! Cancelling is lazy: a cancelled timer is forgotten in the `live` map and skipped when its
//! heap entry surfaces. A connection's timers carry its serial number, so a timer set for a
//! connection that closed can never fire on a newer connection that reuses the same slab key.

use crate::Token;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::time::{Duration, Instant};

/// Names a timer, to cancel it.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct TimerKey(u64);

/// What a timer is for.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum TimerKind {
    /// The connection's idle timeout: close it if it has been quiet long enough.
    Idle,
    /// A timer the handler set, with its own tag.
    User(u64),
    /// Re-enable accepting on a listener after `EMFILE` (readiness rule 8).
    ResumeAccept(usize),
    /// Check a connection whose output is over the high-water mark (`reactor/flow.rs`).
    Stall,
}

/// A timer that is due.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Expired {
    pub key: TimerKey,
    pub token: Token,
    /// The connection's serial when the timer was set.
    pub serial: u64,
    pub kind: TimerKind,
}

#[derive(Default)]
pub struct Timers {
    /// (deadline, key), earliest first.
    heap: BinaryHeap<Reverse<(Instant, u64)>>,
    /// Timers not yet fired or cancelled.
    live: HashMap<u64, (Token, u64, TimerKind)>,
    next_key: u64,
}

impl Timers {
    /// Arm a timer at `deadline`.
    pub fn add(&mut self, deadline: Instant, token: Token, serial: u64, kind: TimerKind) -> TimerKey {
        let key = self.next_key;
        self.next_key += 1;
        self.heap.push(Reverse((deadline, key)));
        self.live.insert(key, (token, serial, kind));
        TimerKey(key)
    }

    /// Forget a timer; harmless if it already fired.
    pub fn cancel(&mut self, key: TimerKey) {
        self.live.remove(&key.0);
    }

    /// How long until the nearest live deadline (zero if one is already due).
    pub fn next_timeout(&mut self, now: Instant) -> Option<Duration> {
        while let Some(&Reverse((deadline, key))) = self.heap.peek() {
            if self.live.contains_key(&key) {
                return Some(deadline.saturating_duration_since(now));
            }
            self.heap.pop(); // cancelled: drop it now so peeks stay cheap
        }
        None
    }

    /// Remove and return the next timer due at `now`, if any.
    pub fn pop_expired(&mut self, now: Instant) -> Option<Expired> {
        while let Some(&Reverse((deadline, key))) = self.heap.peek() {
            if deadline > now {
                return None;
            }
            self.heap.pop();
            if let Some((token, serial, kind)) = self.live.remove(&key) {
                return Some(Expired {
                    key: TimerKey(key),
                    token,
                    serial,
                    kind,
                });
            }
        }
        None
    }

    /// No timer armed.
    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.live.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_deadline_sets_the_timeout_and_cancel_skips() {
        let now = Instant::now();
        let mut timers = Timers::default();
        assert_eq!(timers.next_timeout(now), None);
        let late = timers.add(now + Duration::from_secs(5), Token(1), 0, TimerKind::Idle);
        let soon = timers.add(now + Duration::from_secs(1), Token(2), 0, TimerKind::User(9));
        assert_eq!(timers.next_timeout(now), Some(Duration::from_secs(1)));
        timers.cancel(soon);
        assert_eq!(timers.next_timeout(now), Some(Duration::from_secs(5)));
        assert_eq!(timers.pop_expired(now + Duration::from_secs(4)), None);
        let fired = timers.pop_expired(now + Duration::from_secs(6)).expect("due");
        assert_eq!((fired.key, fired.token, fired.kind), (late, Token(1), TimerKind::Idle));
        assert!(timers.is_empty());
    }

    #[test]
    fn expired_come_out_in_deadline_order() {
        let now = Instant::now();
        let mut timers = Timers::default();
        for (i, secs) in [3u64, 1, 2].into_iter().enumerate() {
            timers.add(now + Duration::from_secs(secs), Token(i), 0, TimerKind::User(secs));
        }
        let later = now + Duration::from_secs(10);
        let order: Vec<_> = std::iter::from_fn(|| timers.pop_expired(later))
            .map(|e| e.kind)
            .collect();
        assert_eq!(order, vec![TimerKind::User(1), TimerKind::User(2), TimerKind::User(3)]);
    }
}
