//! The io_uring backend: readiness through *poll operations* on a ring (`--model uring`).
//!
//! io_uring is a completion interface (see `proactor/` for that side of it), but one of its
//! operations is readiness itself: `IORING_OP_POLL_ADD` says "complete when this descriptor
//! has one of these `poll(2)` events", and its result is the `revents` mask. So the ring can
//! stand in for epoll under the unchanged reactor:
//!
//! | Backend call  | what goes into the submission queue                            |
//! |---------------|----------------------------------------------------------------|
//! | `register`    | one `POLL_ADD` (multishot: it stays armed after it fires)      |
//! | `reregister`  | `POLL_REMOVE` of the old one, then a `POLL_ADD` with the new mask |
//! | `deregister`  | `POLL_REMOVE`, submitted at once (see below)                   |
//! | `poll`        | `io_uring_enter`: submit everything queued *and* wait, one call |
//!
//! Registering costs no system call: the entry is written into shared memory and goes to the
//! kernel with the next wait. A turn that accepts 50 clients makes one `io_uring_enter`
//! where epoll makes 50 `epoll_ctl` and one `epoll_wait`. That is batching.
//!
//! **Edge- or level-triggered?** A multishot poll (Linux 5.13) posts a completion each time
//! the socket's wait queue is woken — new data, new room in the send buffer, a hang-up — and
//! not again for readiness that is merely still there: it is *edge-triggered*, like mio's
//! epoll. Each (re)arm starts with a check of the current state, so a `reregister` reports
//! data already waiting, exactly like `epoll_ctl(MOD)`. A completion without the
//! `IORING_CQE_F_MORE` flag means the kernel dropped the poll (one-shot on older kernels, or
//! an overflowing completion queue); it is re-armed at once, which on a one-shot kernel makes
//! this backend level-triggered. Readiness rule 2 (read until `WouldBlock`) makes the
//! reactor correct either way.
//!
//! **Stale completions.** Every `POLL_ADD` gets a fresh number as its `user_data`; `live`
//! maps the numbers still wanted to their fd. A completion whose number is not there belongs
//! to a removed poll (or is the removal's own completion) and is dropped. That is how a
//! completion racing with a `reregister` can never reach the wrong connection.
//!
//! **Why deregister enters the kernel at once.** A submitted poll holds a reference to the
//! socket. If the removal waited for the next turn, the `close(2)` that follows
//! `deregister` would not really close the socket (the peer would see no FIN) until then.

use super::Backend;
use crate::uring::open_ring;
use crate::{Event, Interest, Token};
use io_uring::{cqueue, opcode, squeue, types, IoUring};
use std::collections::HashMap;
use std::io;
use std::os::fd::RawFd;
use std::time::Duration;

/// Submission slots; more pending entries are flushed with an early `io_uring_enter`.
const SQ_ENTRIES: u32 = 256;
/// Completion slots: room for one event per connection of a busy turn.
const CQ_ENTRIES: u32 = 4096;
/// The `user_data` of `POLL_REMOVE` entries: their completions are of no interest.
const REMOVAL: u64 = u64::MAX;

/// What the backend remembers about one registered descriptor.
struct Registration {
    token: Token,
    interest: Interest,
    /// `user_data` of the poll currently armed for it, if any.
    armed: Option<u64>,
}

pub struct UringBackend {
    /// The submission and completion queues, shared with the kernel.
    ring: IoUring,
    /// Registered descriptors.
    registrations: HashMap<RawFd, Registration>,
    /// `user_data` of every poll still wanted -> its descriptor.
    live: HashMap<u64, RawFd>,
    /// The next `user_data` to hand out (never reused).
    next_id: u64,
    /// Multishot polls; turned off if the kernel refuses them (before Linux 5.13).
    multishot: bool,
    /// Entries queued since the last `io_uring_enter` (shown by the per-turn debug line).
    queued: usize,
    /// fd -> index in this turn's `events`, to merge completions for one descriptor.
    merge: HashMap<RawFd, usize>,
}

impl UringBackend {
    pub fn new() -> io::Result<UringBackend> {
        Ok(UringBackend {
            ring: open_ring(SQ_ENTRIES, CQ_ENTRIES)?,
            registrations: HashMap::new(),
            live: HashMap::new(),
            next_id: 0,
            multishot: true,
            queued: 0,
            merge: HashMap::new(),
        })
    }

    /// The `poll(2)` mask for an interest. Hang-ups and errors are always reported.
    fn mask(interest: Interest) -> u32 {
        let mut mask = 0;
        if interest.readable {
            // POLLRDHUP too: the peer's FIN is then flagged (`read_closed`), so a short read in
            // the same event does not end the reading before the EOF (rule 2, read_until.rs).
            mask |= (libc::POLLIN | libc::POLLRDHUP) as u32;
        }
        if interest.writable {
            mask |= libc::POLLOUT as u32;
        }
        mask
    }

    /// Write one entry into the submission queue; if it is full, hand it to the kernel first.
    fn push(&mut self, entry: squeue::Entry) -> io::Result<()> {
        // SAFETY: poll entries point to no memory of ours (only an fd and a mask).
        while unsafe { self.ring.submission().push(&entry) }.is_err() {
            self.ring.submit()?;
            self.queued = 0;
        }
        self.queued += 1;
        Ok(())
    }

    /// Queue a `POLL_ADD` for `fd` with its current interest.
    fn arm(&mut self, fd: RawFd) -> io::Result<()> {
        let Some(registration) = self.registrations.get_mut(&fd) else {
            return Ok(());
        };
        if registration.interest.is_empty() || registration.armed.is_some() {
            return Ok(());
        }
        let id = self.next_id;
        self.next_id += 1;
        registration.armed = Some(id);
        self.live.insert(id, fd);
        let entry = opcode::PollAdd::new(types::Fd(fd), Self::mask(registration.interest))
            .multi(self.multishot)
            .build()
            .user_data(id);
        self.push(entry)
    }

    /// Queue a `POLL_REMOVE` for the poll armed on `fd`, and forget that poll.
    fn disarm(&mut self, fd: RawFd) -> io::Result<()> {
        let Some(id) = self.registrations.get_mut(&fd).and_then(|r| r.armed.take()) else {
            return Ok(());
        };
        self.live.remove(&id);
        self.push(opcode::PollRemove::new(id).build().user_data(REMOVAL))
    }

    /// Submit what is queued and sleep until a completion arrives or `timeout` passes.
    fn enter(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        let result = match timeout {
            None => self.ring.submit_and_wait(1),
            Some(timeout) => {
                let timespec = types::Timespec::from(timeout);
                let args = types::SubmitArgs::new().timespec(&timespec);
                self.ring.submitter().submit_with_args(1, &args)
            }
        };
        self.queued = 0;
        match result {
            Ok(_) => Ok(()),
            // ETIME: the timeout passed. EBUSY: completions are waiting to be read first.
            Err(e) if matches!(e.raw_os_error(), Some(libc::ETIME | libc::EBUSY)) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Translate one poll completion: `res` is the `revents` mask, or `-errno`.
    fn fill(event: &mut Event, res: i32) {
        if res < 0 {
            event.error = true;
            return;
        }
        let revents = res as u32 as i16;
        event.readable |= revents & (libc::POLLIN | libc::POLLRDHUP) != 0;
        event.read_closed |= revents & libc::POLLRDHUP != 0;
        event.writable |= revents & libc::POLLOUT != 0;
        event.hangup |= revents & libc::POLLHUP != 0;
        event.error |= revents & (libc::POLLERR | libc::POLLNVAL) != 0;
    }

    /// Read every completion; turn the live ones into events, re-arm the finished polls.
    /// Returns how many completions were read.
    fn reap(&mut self, events: &mut Vec<Event>) -> io::Result<usize> {
        self.merge.clear();
        let completions: Vec<cqueue::Entry> = self.ring.completion().collect();
        let mut finished = Vec::new();
        for cqe in &completions {
            let Some(&fd) = self.live.get(&cqe.user_data()) else {
                continue; // a removed poll, or a removal's own completion
            };
            if !cqueue::more(cqe.flags()) {
                self.live.remove(&cqe.user_data());
                if let Some(registration) = self.registrations.get_mut(&fd) {
                    registration.armed = None;
                }
                finished.push(fd);
            }
            if cqe.result() == -libc::EINVAL && self.multishot {
                log::info!("uring: multishot poll refused by this kernel; using one-shot polls");
                self.multishot = false;
                continue;
            }
            if cqe.result() == -libc::ECANCELED {
                continue; // the kernel dropped a poll we still want: re-armed below, no event
            }
            let Some(token) = self.registrations.get(&fd).map(|r| r.token) else {
                continue;
            };
            let index = *self.merge.entry(fd).or_insert_with(|| {
                events.push(Event::new(token));
                events.len() - 1
            });
            Self::fill(&mut events[index], cqe.result());
        }
        for fd in finished {
            self.arm(fd)?;
        }
        Ok(completions.len())
    }
}

impl Backend for UringBackend {
    fn name(&self) -> &'static str {
        "uring"
    }

    /// Multishot polls report readiness once per wake-up, like epoll's edge trigger; the
    /// one-shot fallback re-arms after every completion and so reports what is left.
    fn edge_triggered(&self) -> bool {
        self.multishot
    }

    fn register(&mut self, fd: RawFd, token: Token, interest: Interest) -> io::Result<()> {
        if fd < 0 {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("invalid fd {fd}")));
        }
        if self.registrations.contains_key(&fd) {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!("fd {fd} is already registered"),
            ));
        }
        let armed = None;
        self.registrations.insert(fd, Registration { token, interest, armed });
        self.arm(fd)
    }

    fn reregister(&mut self, fd: RawFd, token: Token, interest: Interest) -> io::Result<()> {
        if !self.registrations.contains_key(&fd) {
            return Err(not_registered(fd));
        }
        self.disarm(fd)?;
        if let Some(registration) = self.registrations.get_mut(&fd) {
            registration.token = token;
            registration.interest = interest;
        }
        self.arm(fd)
    }

    fn deregister(&mut self, fd: RawFd) -> io::Result<()> {
        if !self.registrations.contains_key(&fd) {
            return Err(not_registered(fd));
        }
        self.disarm(fd)?;
        self.registrations.remove(&fd);
        self.ring.submit()?;
        self.queued = 0;
        Ok(())
    }

    fn poll(&mut self, events: &mut Vec<Event>, timeout: Option<Duration>) -> io::Result<usize> {
        events.clear();
        let submitting = self.queued;
        self.enter(timeout)?;
        let completed = self.reap(events)?;
        log::debug!(
            "uring: io_uring_enter submitted {submitting} entries, reaped {completed} completions -> {} events",
            events.len()
        );
        Ok(events.len())
    }

    fn registered(&self) -> usize {
        self.registrations.len()
    }
}

fn not_registered(fd: RawFd) -> io::Error {
    io::Error::new(io::ErrorKind::NotFound, format!("fd {fd} is not registered"))
}

#[cfg(test)]
#[path = "uring_tests.rs"]
mod tests;
