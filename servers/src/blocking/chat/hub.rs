//! The thread model's shared state: the room and every member's queue, behind one lock.
//!
//! A reader thread hands the hub everything one `read(2)` brought (`Hub::feed`): under
//! *one* lock it splits the lines, runs the room's logic for each, and pushes the result —
//! the bytes for one recipient concatenated, one push per recipient per read, not one per
//! line. The lock is never held across a socket write, so a broadcast to a thousand members
//! costs a thousand memory copies, not a thousand possibly blocking `write(2)`s.
//!
//! Flow control (`queue.rs`): the recipients a feed pushed past their mark are returned to
//! the reader, which waits on each *after* releasing the lock — so the sender is slowed to
//! the pace of the members who read, and a member that stalls is dropped after a bounded
//! time (`Hub::drop_too_slow`): removed from the room, its queue aborted and its socket shut
//! down (which wakes both of its threads), and the others told `* nick left (too slow)`.
//!
//! The hub keeps a member's socket as a bare descriptor number, for that shutdown: the
//! session closes its socket only after `leave` removed the member under the lock, so the
//! number is open whenever the hub can see it (no `dup`, one descriptor per member).

use super::queue::{OutQueue, Patience, Pushed, Wait};
use crate::proto::chat::{Chat, LeaveReason, LineFramer, MemberId, Output, Protocol};
use std::collections::HashMap;
use std::os::fd::RawFd;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// The room, shared by all session threads.
pub struct Hub {
    inner: Mutex<Inner>,
    /// Per-member high-water mark (bytes).
    max_output: usize,
    /// How long a member may stay over it.
    patience: Patience,
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
    /// Its socket's descriptor, to shut it down when it is too slow (see the module doc).
    socket: RawFd,
}

/// Queues a feed pushed past their mark: the reader waits on them, lock released.
pub type OverMark = Vec<(MemberId, Arc<OutQueue>)>;

impl Hub {
    pub fn new(protocol: Protocol, max_output: usize) -> Hub {
        Hub {
            inner: Mutex::new(Inner {
                chat: Chat::new(protocol),
                members: HashMap::new(),
            }),
            max_output,
            patience: Patience::default(),
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
    pub fn join(&self, id: MemberId, queue: Arc<OutQueue>, socket: RawFd) -> String {
        let mut inner = self.lock();
        inner.members.insert(id, Member { queue, socket });
        let outputs = inner.chat.join(id);
        inner.deliver(outputs);
        inner.chat.nick(id).unwrap_or_default().to_string()
    }

    /// Everything a read brought from member `id`: whole lines go to the room under one
    /// lock; returns the bytes consumed (an incomplete line stays with the caller).
    pub fn feed(&self, id: MemberId, framer: &mut LineFramer, input: &[u8]) -> usize {
        let (used, over) = {
            let mut inner = self.lock();
            let mut outputs = Vec::new();
            let chat = &mut inner.chat;
            let used = framer.feed(input, |frame| outputs.extend(chat.frame(id, frame)));
            (used, inner.deliver(outputs))
        };
        self.wait_for(over);
        used
    }

    /// Flow control: wait (no lock held) until each queue is back under its mark; drop the
    /// members that are too slow for it.
    fn wait_for(&self, over: OverMark) {
        for (id, queue) in over {
            if queue.wait_below(self.patience) == Wait::TooSlow {
                let mut inner = self.lock();
                let outputs = inner.drop_too_slow(id);
                let more = inner.deliver(outputs);
                drop(inner);
                self.wait_for(more);
            }
        }
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
    /// Push the outputs, one concatenated push per recipient (a close after that member's
    /// bytes); drop the members whose queue refused, which makes more outputs ("left (too
    /// slow)"), until none is left. Returns the queues now over their mark.
    fn deliver(&mut self, mut outputs: Vec<Output>) -> OverMark {
        let mut over = OverMark::new();
        loop {
            let mut too_slow = Vec::new();
            let mut batches: Vec<(MemberId, Vec<u8>)> = Vec::new();
            for output in outputs {
                match output {
                    Output::Send(to, bytes) => match batches.iter_mut().find(|(id, _)| *id == to) {
                        Some((_, batch)) => batch.extend_from_slice(&bytes),
                        None => batches.push((to, bytes)),
                    },
                    Output::Close(to) => {
                        if let Some(at) = batches.iter().position(|(id, _)| *id == to) {
                            let (_, bytes) = batches.swap_remove(at);
                            self.push(to, bytes, &mut too_slow, &mut over);
                        }
                        if let Some(member) = self.members.get(&to) {
                            member.queue.close_after_flush();
                        }
                    }
                }
            }
            for (to, bytes) in batches {
                self.push(to, bytes, &mut too_slow, &mut over);
            }
            if too_slow.is_empty() {
                return over;
            }
            outputs = too_slow.into_iter().flat_map(|id| self.drop_too_slow(id)).collect();
        }
    }

    fn push(&self, to: MemberId, bytes: Vec<u8>, too_slow: &mut Vec<MemberId>, over: &mut OverMark) {
        let Some(member) = self.members.get(&to) else { return };
        match member.queue.push(bytes) {
            Ok(Pushed::Queued) => {}
            Ok(Pushed::OverMark) => {
                if !over.iter().any(|(id, _)| *id == to) {
                    over.push((to, Arc::clone(&member.queue)));
                }
            }
            Err(_) if !too_slow.contains(&to) => too_slow.push(to),
            Err(_) => {}
        }
    }

    fn drop_too_slow(&mut self, id: MemberId) -> Vec<Output> {
        let Some(member) = self.members.remove(&id) else {
            return Vec::new(); // already gone
        };
        // The room logs the leave ("NICK left: too slow …"), as on every model.
        member.queue.abort();
        // Wakes its reader and a blocked writer. The descriptor is open: see the module doc.
        let _ = nix::sys::socket::shutdown(member.socket, nix::sys::socket::Shutdown::Both);
        self.chat.leave(id, LeaveReason::TooSlow)
    }
}
