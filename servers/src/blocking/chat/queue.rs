//! A member's outgoing queue in the thread model, and the writer thread that drains it.
//!
//! Why a queue and a second thread per client? A broadcast must never wait for the slowest
//! member. If the thread that handles Alice's line wrote to Bob's socket itself, a Bob who
//! does not read would block it in `write(2)` — while it holds the room's lock, freezing the
//! whole room. Instead the broadcaster only *pushes* bytes onto each recipient's queue (a
//! memory copy under a short lock) and each member's own writer thread does the blocking
//! `write_all`, outside every lock.
//!
//! The queue is bounded in bytes, counting what its writer has taken but not yet written.
//! A push that would pass the bound fails: the caller declares that member too slow.

use std::collections::VecDeque;
use std::io::Write;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

/// The queue refused a push: the member is too slow.
#[derive(Debug)]
pub struct TooSlow;

/// Bytes waiting for one member's writer.
pub struct OutQueue {
    state: Mutex<QueueState>,
    /// Signalled on every push, close and abort: the writer waits on it.
    changed: Condvar,
    /// Most bytes queued or being written at once.
    limit: usize,
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
}

impl OutQueue {
    pub fn new(limit: usize) -> OutQueue {
        OutQueue {
            state: Mutex::default(),
            changed: Condvar::new(),
            limit,
        }
    }

    fn lock(&self) -> MutexGuard<'_, QueueState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Queue bytes for the writer; never blocks. Dropped silently once closing or aborted.
    pub fn push(&self, bytes: Vec<u8>) -> Result<(), TooSlow> {
        let mut state = self.lock();
        if state.closing || state.aborted {
            return Ok(());
        }
        if state.bytes + bytes.len() > self.limit {
            return Err(TooSlow);
        }
        state.bytes += bytes.len();
        state.chunks.push_back(bytes);
        self.changed.notify_one();
        Ok(())
    }

    /// Let the writer finish what is queued, then stop.
    pub fn close_after_flush(&self) {
        self.lock().closing = true;
        self.changed.notify_one();
    }

    /// Stop the writer as soon as it is not inside a write; drop what is queued.
    pub fn abort(&self) {
        let mut state = self.lock();
        state.aborted = true;
        state.chunks.clear();
        self.changed.notify_one();
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

    /// The writer wrote `n` bytes it had taken: they no longer count toward the limit.
    fn written(&self, n: usize) {
        let mut state = self.lock();
        state.bytes = state.bytes.saturating_sub(n);
    }
}

/// The writer thread's loop: take everything queued, write it with one blocking
/// `write_all` (no lock held: one system call for a whole backlog, not one per line),
/// repeat. Returns when the queue closes or aborts, or the socket fails.
pub fn write_queue(queue: &OutQueue, socket: &mut impl Write) {
    let mut out = Vec::new();
    while let Some(batch) = queue.next_batch() {
        out.clear();
        for chunk in batch {
            out.extend_from_slice(&chunk);
        }
        if socket.write_all(&out).is_err() {
            queue.abort(); // the client is gone; the reader will see it too
            return;
        }
        queue.written(out.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_counts_bytes_and_refuses_past_it() {
        let queue = OutQueue::new(10);
        assert!(queue.push(vec![0; 6]).is_ok());
        assert!(queue.push(vec![0; 4]).is_ok());
        assert!(queue.push(vec![0; 1]).is_err(), "11 bytes would pass the limit of 10");
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
}
