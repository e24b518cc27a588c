//! A member's outgoing queue in the thread model, and the writer thread that drains it.
//!
//! Why a queue and a second thread per client? A broadcast must never wait for the slowest
//! member. If the thread that handles Alice's line wrote to Bob's socket itself, a Bob who
//! does not read would block it in `write(2)` — while it holds the room's lock, freezing the
//! whole room. Instead the broadcaster only *pushes* bytes onto each recipient's queue (a
//! memory copy under a short lock) and each member's own writer thread does the blocking
//! `write`, outside every lock.
//!
//! Flow control, the same rules as the reactor's `Overflow::HoldSenders`:
//!
//! - past the high-water `mark`, a push still succeeds but says so ([`Pushed::OverMark`]);
//!   the *sender's* reader thread then waits in [`OutQueue::wait_below`] — it stops reading
//!   its socket, so TCP slows the sending client down — until the queue is back at half
//!   the mark;
//! - that wait ends with [`Wait::TooSlow`] if the writer makes no progress for `stall`, or
//!   the queue stays over the mark for `over_limit`: one burst never does it;
//! - memory is bounded anyway: a push past [`HARD_LIMIT_FACTOR`] × `mark` fails at once.
//!
//! The queue counts bytes the writer has taken but not yet written, and the writer reports
//! progress after every slice it writes, so a reader that keeps reading is seen moving.

use std::collections::VecDeque;
use std::io::Write;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// A queue past this many times its mark refuses pushes: the member is too slow (the same
/// bound as the reactor's flow control).
pub use reactor::HARD_LIMIT_FACTOR;

/// Bytes the writer writes before reporting progress.
const WRITE_SLICE: usize = 64 * 1024;

/// The queue refused a push: the member is too slow.
#[derive(Debug)]
pub struct TooSlow;

/// A push that succeeded.
#[derive(Debug, PartialEq, Eq)]
pub enum Pushed {
    Queued,
    /// The queue is now over its mark: the sender should [`OutQueue::wait_below`].
    OverMark,
}

/// How a sender's wait on a full queue ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Wait {
    /// Back at half the mark, or the member is leaving anyway.
    Drained,
    /// No progress for `stall`, or over the mark for `over_limit`.
    TooSlow,
}

/// How long a member may stay over its mark.
#[derive(Copy, Clone, Debug)]
pub struct Patience {
    /// Writes making no progress for this long: too slow.
    pub stall: Duration,
    /// Over the mark this long, even moving: too slow.
    pub over_limit: Duration,
}

impl Default for Patience {
    fn default() -> Self {
        let reactor = reactor::Config::default();
        Patience {
            stall: reactor.stall_timeout,
            over_limit: reactor.over_limit_timeout,
        }
    }
}

/// Bytes waiting for one member's writer.
pub struct OutQueue {
    state: Mutex<QueueState>,
    /// Signalled on every push, close and abort: the writer waits on it.
    changed: Condvar,
    /// Signalled when the writer made progress, closes or aborts: waiting senders wait on it.
    progressed: Condvar,
    /// High-water mark, in bytes queued or being written.
    mark: usize,
}

#[derive(Default)]
struct QueueState {
    chunks: VecDeque<Vec<u8>>,
    /// Bytes in `chunks` plus bytes taken by the writer and not yet written.
    bytes: usize,
    /// Write what is queued, then stop (after `/quit`, or when the session ends).
    closing: bool,
    /// Stop now, dropping what is queued (too slow, or the socket failed).
    aborted: bool,
    /// Over the mark since then (cleared at half the mark).
    over_since: Option<Instant>,
    /// The writer's last progress while over the mark.
    last_progress: Option<Instant>,
}

impl OutQueue {
    pub fn new(mark: usize) -> OutQueue {
        OutQueue {
            state: Mutex::default(),
            changed: Condvar::new(),
            progressed: Condvar::new(),
            mark,
        }
    }

    fn lock(&self) -> MutexGuard<'_, QueueState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Queue bytes for the writer; never blocks. Dropped silently once closing or aborted.
    pub fn push(&self, bytes: Vec<u8>) -> Result<Pushed, TooSlow> {
        let mut state = self.lock();
        if state.closing || state.aborted {
            return Ok(Pushed::Queued);
        }
        if state.bytes + bytes.len() > self.mark.saturating_mul(HARD_LIMIT_FACTOR) {
            return Err(TooSlow);
        }
        state.bytes += bytes.len();
        state.chunks.push_back(bytes);
        self.changed.notify_one();
        if state.bytes <= self.mark {
            return Ok(Pushed::Queued);
        }
        if state.over_since.is_none() {
            let now = Instant::now();
            state.over_since = Some(now);
            state.last_progress = Some(now);
        }
        Ok(Pushed::OverMark)
    }

    /// The sender's side: wait until the queue is back at half its mark (or the member
    /// leaves), or decide that the member is too slow.
    pub fn wait_below(&self, patience: Patience) -> Wait {
        let mut state = self.lock();
        loop {
            if state.aborted || state.closing || state.bytes <= self.mark / 2 {
                return Wait::Drained;
            }
            let now = Instant::now();
            let since = state.over_since.unwrap_or(now);
            let progress = state.last_progress.unwrap_or(now);
            let stall_ends = progress + patience.stall;
            let over_ends = since + patience.over_limit;
            let until = stall_ends.min(over_ends);
            if now >= until {
                return Wait::TooSlow;
            }
            state = match self.progressed.wait_timeout(state, until - now) {
                Ok((state, _)) => state,
                Err(poisoned) => poisoned.into_inner().0,
            };
        }
    }

    /// Let the writer finish what is queued, then stop.
    pub fn close_after_flush(&self) {
        self.lock().closing = true;
        self.changed.notify_one();
        self.progressed.notify_all();
    }

    /// Stop the writer as soon as it is not inside a write; drop what is queued.
    pub fn abort(&self) {
        let mut state = self.lock();
        state.aborted = true;
        state.chunks.clear();
        self.changed.notify_one();
        self.progressed.notify_all();
    }

    /// The writer's side: wait for bytes; `None` when it is time to stop.
    fn next_batch(&self) -> Option<Vec<Vec<u8>>> {
        let mut state = self.lock();
        loop {
            if state.aborted || (state.closing && state.chunks.is_empty()) {
                return None;
            }
            if !state.chunks.is_empty() {
                return Some(state.chunks.drain(..).collect());
            }
            state = self.changed.wait(state).unwrap_or_else(PoisonError::into_inner);
        }
    }

    /// The writer wrote `n` bytes it had taken: they no longer count, and senders waiting
    /// on this queue see the progress.
    fn written(&self, n: usize) {
        let mut state = self.lock();
        state.bytes = state.bytes.saturating_sub(n);
        if state.bytes <= self.mark / 2 {
            state.over_since = None;
            state.last_progress = None;
        } else if state.over_since.is_some() {
            state.last_progress = Some(Instant::now());
        }
        self.progressed.notify_all();
    }
}

/// The writer thread's loop: take everything queued, write it in slices (no lock held;
/// progress reported after each slice), repeat. Returns when the queue closes or aborts,
/// or the socket fails.
pub fn write_queue(queue: &OutQueue, socket: &mut impl Write) {
    let mut out = Vec::new();
    while let Some(batch) = queue.next_batch() {
        out.clear();
        for chunk in batch {
            out.extend_from_slice(&chunk);
        }
        for slice in out.chunks(WRITE_SLICE) {
            if socket.write_all(slice).is_err() {
                queue.abort(); // the client is gone; the reader will see it too
                return;
            }
            queue.written(slice.len());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn past_the_mark_a_push_says_so_and_past_the_hard_limit_it_fails() {
        let queue = OutQueue::new(10);
        assert_eq!(queue.push(vec![0; 6]).ok(), Some(Pushed::Queued));
        assert_eq!(queue.push(vec![0; 6]).ok(), Some(Pushed::OverMark));
        assert!(queue.push(vec![0; 40]).is_err(), "52 bytes would pass 4 x 10");
    }

    #[test]
    fn the_writer_writes_in_order_then_stops_on_close() {
        let queue = OutQueue::new(100);
        queue.push(b"one ".to_vec()).ok();
        queue.push(b"two".to_vec()).ok();
        queue.close_after_flush();
        queue.push(b"late".to_vec()).ok();
        let mut out = Vec::new();
        write_queue(&queue, &mut out);
        assert_eq!(out, b"one two");
    }

    #[test]
    fn abort_drops_what_is_queued() {
        let queue = OutQueue::new(100);
        queue.push(b"lost".to_vec()).ok();
        queue.abort();
        let mut out = Vec::new();
        write_queue(&queue, &mut out);
        assert!(out.is_empty());
    }

    #[test]
    fn a_sender_waits_for_a_writer_that_moves_and_gives_up_on_one_that_does_not() {
        let patience = Patience {
            stall: Duration::from_millis(100),
            over_limit: Duration::from_secs(5),
        };
        let stuck = OutQueue::new(10);
        stuck.push(vec![0; 30]).ok();
        assert_eq!(stuck.wait_below(patience), Wait::TooSlow, "nobody writes");
        let queue = std::sync::Arc::new(OutQueue::new(10));
        queue.push(vec![0; 30]).ok();
        let writer_queue = std::sync::Arc::clone(&queue);
        let writer = std::thread::spawn(move || {
            let mut sink = Vec::new();
            write_queue(&writer_queue, &mut sink);
            sink.len()
        });
        assert_eq!(queue.wait_below(patience), Wait::Drained, "the writer took it");
        queue.close_after_flush();
        assert_eq!(writer.join().ok(), Some(30));
    }
}
