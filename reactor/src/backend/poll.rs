//! The poll(2) backend: an array of `struct pollfd { fd, events, revents }` handed to the
//! kernel every turn.
//!
//! poll lifts select's FD_SETSIZE limit (any fd number works) and reports hang-ups
//! (`POLLHUP`) and errors (`POLLERR`, `POLLNVAL`) even when not asked for. Like select it
//! keeps nothing between calls: the kernel walks the whole array each time, so a wait costs
//! O(registered fds). We keep the array packed and an fd -> index map so that register,
//! reregister and deregister are O(1) (deregister swaps the last entry into the hole).

use super::{timeout_millis, Backend};
use crate::{Event, Interest, Token};
use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use std::collections::HashMap;
use std::io;
use std::os::fd::{BorrowedFd, RawFd};
use std::time::Duration;

pub struct PollBackend {
    /// The array passed to poll(2), packed: no holes.
    pollfds: Vec<PollFd<'static>>,
    /// `tokens[i]` is the token of `pollfds[i]`.
    tokens: Vec<Token>,
    /// fd -> its index in `pollfds`, for O(1) reregister/deregister.
    index_of: HashMap<RawFd, usize>,
}

impl PollBackend {
    pub fn new() -> PollBackend {
        PollBackend {
            pollfds: Vec::new(),
            tokens: Vec::new(),
            index_of: HashMap::new(),
        }
    }

    fn flags(interest: Interest) -> PollFlags {
        // LAB 6 BEGIN: interest to POLLIN and POLLOUT
        let mut flags = PollFlags::empty();
        if interest.readable {
            flags |= PollFlags::POLLIN;
        }
        if interest.writable {
            flags |= PollFlags::POLLOUT;
        }
        flags
        // LAB 6 END
    }

    fn not_registered(fd: RawFd) -> io::Error {
        io::Error::new(io::ErrorKind::NotFound, format!("fd {fd} is not registered"))
    }

    /// Translate one `revents` into an Event (None when nothing happened to this fd).
    fn to_event(token: Token, revents: PollFlags) -> Option<Event> {
        // LAB 6 BEGIN: revents to an Event
        if revents.is_empty() {
            return None;
        }
        let mut event = Event::new(token);
        event.readable = revents.contains(PollFlags::POLLIN);
        event.writable = revents.contains(PollFlags::POLLOUT);
        event.hangup = revents.contains(PollFlags::POLLHUP);
        // POLLNVAL: the fd is not open. A bug upstream (closed before deregister); report it
        // as an error so the reactor drops the record instead of spinning on it.
        event.error = revents.intersects(PollFlags::POLLERR | PollFlags::POLLNVAL);
        Some(event)
        // LAB 6 END
    }
}

impl Default for PollBackend {
    fn default() -> Self {
        Self::new()
    }
}

impl Backend for PollBackend {
    fn name(&self) -> &'static str {
        "poll"
    }

    fn register(&mut self, fd: RawFd, token: Token, interest: Interest) -> io::Result<()> {
        if fd < 0 {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("invalid fd {fd}")));
        }
        if self.index_of.contains_key(&fd) {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!("fd {fd} is already registered"),
            ));
        }
        // SAFETY: the reactor deregisters before closing, so fd stays open while it is here.
        let borrowed = unsafe { BorrowedFd::borrow_raw(fd) };
        self.index_of.insert(fd, self.pollfds.len());
        self.pollfds.push(PollFd::new(borrowed, Self::flags(interest)));
        self.tokens.push(token);
        Ok(())
    }

    fn reregister(&mut self, fd: RawFd, token: Token, interest: Interest) -> io::Result<()> {
        let &index = self.index_of.get(&fd).ok_or_else(|| Self::not_registered(fd))?;
        self.pollfds[index].set_events(Self::flags(interest));
        self.tokens[index] = token;
        Ok(())
    }

    fn deregister(&mut self, fd: RawFd) -> io::Result<()> {
        let index = self.index_of.remove(&fd).ok_or_else(|| Self::not_registered(fd))?;
        self.pollfds.swap_remove(index);
        self.tokens.swap_remove(index);
        // The former last entry now sits at `index`: point its map entry there.
        if let Some(moved) = self.pollfds.get(index) {
            use std::os::fd::{AsFd, AsRawFd};
            self.index_of.insert(moved.as_fd().as_raw_fd(), index);
        }
        Ok(())
    }

    fn poll(&mut self, events: &mut Vec<Event>, timeout: Option<Duration>) -> io::Result<usize> {
        // LAB 6 BEGIN: one poll(2) call, one Event per pollfd with revents
        events.clear();
        let timeout = PollTimeout::try_from(timeout_millis(timeout)).unwrap_or(PollTimeout::MAX);
        let ready = poll(&mut self.pollfds, timeout).map_err(io::Error::from)?;
        if ready == 0 {
            return Ok(0);
        }
        for (pollfd, &token) in self.pollfds.iter().zip(&self.tokens) {
            if let Some(event) = pollfd.revents().and_then(|r| Self::to_event(token, r)) {
                events.push(event);
            }
        }
        Ok(events.len())
        // LAB 6 END
    }

    fn registered(&self) -> usize {
        self.pollfds.len()
    }
}
