//! The thread model's shared state: the room and every member's queue, behind one lock.
//!
//! Every session thread calls in here with its member id. The lock is held only to run the
//! room's logic and to *push* the resulting bytes onto queues — never across a socket
//! write — so a broadcast to a thousand members costs a thousand memory copies, not a
//! thousand possibly blocking `write(2)`s.
//!
//! A push refused by a full queue marks that member too slow: it is removed from the room,
//! its queue aborted and its socket shut down (which wakes both of its threads), and the
//! others are told `* nick left (too slow)` — all before the lock is released.

use super::queue::OutQueue;
use crate::proto::chat::{Chat, Frame, LeaveReason, MemberId, Output, Protocol};
use reactor::Stream;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// The room, shared by all session threads.
pub struct Hub {
    inner: Mutex<Inner>,
    /// Per-member output bound (bytes).
    max_output: usize,
    /// Source of member ids.
    next_id: AtomicU64,
}

struct Inner {
    chat: Chat,
    members: HashMap<MemberId, Member>,
}

/// What the hub keeps of a member's connection.
struct Member {
    queue: Arc<OutQueue>,
    /// A `dup` of its socket, to shut it down when it is too slow.
    socket: Stream,
}

impl Hub {
    pub fn new(protocol: Protocol, max_output: usize) -> Hub {
        Hub {
            inner: Mutex::new(Inner {
                chat: Chat::new(protocol),
                members: HashMap::new(),
            }),
            max_output,
            next_id: AtomicU64::new(1),
        }
    }

    pub fn new_member_id(&self) -> MemberId {
        self.next_id.fetch_add(1, Ordering::Relaxed)
    }

    pub fn max_output(&self) -> usize {
        self.max_output
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A new member, with the queue its writer drains; returns its nick.
    pub fn join(&self, id: MemberId, queue: Arc<OutQueue>, socket: Stream) -> String {
        let mut inner = self.lock();
        inner.members.insert(id, Member { queue, socket });
        let outputs = inner.chat.join(id);
        inner.deliver(outputs);
        inner.chat.nick(id).unwrap_or_default().to_string()
    }

    /// One frame from a member's reader.
    pub fn frame(&self, id: MemberId, frame: Frame<'_>) {
        let mut inner = self.lock();
        let outputs = inner.chat.frame(id, frame);
        inner.deliver(outputs);
    }

    /// A member's session ended (or was ended).
    pub fn leave(&self, id: MemberId, reason: LeaveReason) {
        let mut inner = self.lock();
        inner.members.remove(&id);
        let outputs = inner.chat.leave(id, reason);
        inner.deliver(outputs);
    }
}

impl Inner {
    /// Push each output onto its member's queue; then drop the members that were too slow,
    /// which makes more outputs ("left (too slow)"), until none is left.
    fn deliver(&mut self, mut outputs: Vec<Output>) {
        loop {
            let mut too_slow = Vec::new();
            for output in outputs {
                match output {
                    Output::Send(to, bytes) => {
                        let full = self.members.get(&to).is_some_and(|m| m.queue.push(bytes).is_err());
                        if full && !too_slow.contains(&to) {
                            too_slow.push(to);
                        }
                    }
                    Output::Close(to) => {
                        if let Some(member) = self.members.get(&to) {
                            member.queue.close_after_flush();
                        }
                    }
                }
            }
            if too_slow.is_empty() {
                return;
            }
            outputs = too_slow.into_iter().flat_map(|id| self.drop_too_slow(id)).collect();
        }
    }

    fn drop_too_slow(&mut self, id: MemberId) -> Vec<Output> {
        // The room logs the leave ("NICK left: too slow …"), as on every model.
        if let Some(member) = self.members.remove(&id) {
            member.queue.abort();
            let _ = member.socket.shutdown_both(); // wakes its reader, and a blocked writer
        }
        self.chat.leave(id, LeaveReason::TooSlow)
    }
}
