//! The epoll(7) backend, through `mio::Poll`.
//!
//! epoll keeps the interest list *in the kernel*: `epoll_ctl(ADD|MOD|DEL)` changes it once,
//! and each `epoll_wait` returns only the ready descriptors, so a wait costs O(ready), not
//! O(watched). That is why 1000 idle connections slow select and poll but not epoll.
//!
//! mio registers every descriptor **edge-triggered** (`EPOLLET`): an event says "this fd
//! *became* ready", once. If the loop reads only part of what is buffered and goes back to
//! wait, no new event comes for the rest and the connection stalls. Readiness rule 2 (read
//! until `WouldBlock` or a short read, accept until `WouldBlock`: `reactor/read_until.rs`)
//! is what makes the reactor behave the same on all backends.
//! `epoll_ctl(MOD)` re-arms the edge: when the reactor asks for READABLE again after backing
//! off, data already waiting is reported on the next wait.
//!
//! Raw descriptors are registered through `mio::unix::SourceFd`, so mio never owns them.

use super::Backend;
use crate::{Event, Interest, Token};
use mio::unix::SourceFd;
use mio::{Events, Poll};
use std::io;
use std::os::fd::{AsRawFd, RawFd};
use std::time::Duration;

/// How many events one `epoll_wait` may return; the rest wait for the next turn.
const EVENTS_PER_WAIT: usize = 1024;

pub struct EpollBackend {
    /// The epoll instance (one fd from `epoll_create1`).
    poll: Poll,
    /// Reused buffer for `epoll_wait`'s output array.
    events: Events,
    /// How many fds are registered (epoll itself cannot tell us).
    count: usize,
}

impl EpollBackend {
    pub fn new() -> io::Result<EpollBackend> {
        Ok(EpollBackend {
            poll: Poll::new()?,
            events: Events::with_capacity(EVENTS_PER_WAIT),
            count: 0,
        })
    }

    /// mio has no empty interest: an fd must be watched for something while registered.
    fn mio_interest(interest: Interest) -> io::Result<mio::Interest> {
        match (interest.readable, interest.writable) {
            (true, true) => Ok(mio::Interest::READABLE | mio::Interest::WRITABLE),
            (true, false) => Ok(mio::Interest::READABLE),
            (false, true) => Ok(mio::Interest::WRITABLE),
            (false, false) => Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "epoll backend: empty interest",
            )),
        }
    }

    /// Translate one mio event. `is_write_closed` is EPOLLHUP (or an error while writing):
    /// the peer can receive nothing more.
    fn to_event(event: &mio::event::Event) -> Event {
        let mut out = Event::new(Token(event.token().0));
        out.readable = event.is_readable() || event.is_read_closed();
        out.writable = event.is_writable();
        out.hangup = event.is_write_closed();
        out.error = event.is_error();
        out.read_closed = event.is_read_closed();
        out
    }
}

impl Backend for EpollBackend {
    fn name(&self) -> &'static str {
        "epoll"
    }

    fn register(&mut self, fd: RawFd, token: Token, interest: Interest) -> io::Result<()> {
        let interest = Self::mio_interest(interest)?;
        self.poll
            .registry()
            .register(&mut SourceFd(&fd), mio::Token(token.0), interest)?;
        self.count += 1;
        Ok(())
    }

    fn reregister(&mut self, fd: RawFd, token: Token, interest: Interest) -> io::Result<()> {
        if interest.is_empty() {
            // mio cannot watch for nothing. Keeping the old interest is harmless here:
            // edge-triggered, a descriptor we do not read reports each *new* arrival once,
            // it does not wake every turn as select and poll would (they do get NONE).
            return Ok(());
        }
        let interest = Self::mio_interest(interest)?;
        self.poll
            .registry()
            .reregister(&mut SourceFd(&fd), mio::Token(token.0), interest)
    }

    fn deregister(&mut self, fd: RawFd) -> io::Result<()> {
        self.poll.registry().deregister(&mut SourceFd(&fd))?;
        self.count -= 1;
        Ok(())
    }

    fn poll(&mut self, events: &mut Vec<Event>, timeout: Option<Duration>) -> io::Result<usize> {
        events.clear();
        self.poll.poll(&mut self.events, timeout)?;
        events.extend(self.events.iter().map(Self::to_event));
        Ok(events.len())
    }

    fn registered(&self) -> usize {
        self.count
    }

    fn edge_triggered(&self) -> bool {
        true
    }

    /// The shared listener is the one level-triggered registration (below).
    fn shared_listener_level_triggered(&self) -> bool {
        true
    }

    /// `EPOLLEXCLUSIVE` (Linux 4.5) is not in mio's API, so this one registration is made
    /// with `epoll_ctl(2)` on mio's epoll descriptor, with the token where mio puts it
    /// (`epoll_event.u64`): among the epoll instances waiting on this listener, a new
    /// connection wakes one, not all. The kernel accepts only IN, OUT, ET and WAKEUP beside
    /// EXCLUSIVE (EINVAL for RDHUP, which a listener never needs).
    ///
    /// Level-triggered, unlike mio's registrations: the reactor takes one connection per
    /// wakeup (`reactor/accept.rs`), and a wait must report the listener again while others
    /// are queued. nginx registers its listeners the same way.
    fn register_shared_listener(&mut self, fd: RawFd, token: Token) -> io::Result<()> {
        let flags = libc::EPOLLIN | libc::EPOLLEXCLUSIVE;
        let mut event = libc::epoll_event {
            events: flags as u32,
            u64: token.0 as u64,
        };
        // SAFETY: both descriptors are open; `event` is a valid epoll_event for the call.
        let rc = unsafe { libc::epoll_ctl(self.poll.as_raw_fd(), libc::EPOLL_CTL_ADD, fd, &mut event) };
        if rc < 0 {
            return Err(io::Error::last_os_error());
        }
        self.count += 1;
        Ok(())
    }
}
