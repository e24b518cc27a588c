//! The select(2) backend: the lecture's multiplexed server, one turn at a time.
//!
//! select keeps nothing between calls: every turn we rebuild the fd sets from our own table
//! (`FD_ZERO`, then `FD_SET` for each watched fd), pass `nfds = highest fd + 1`, and after it
//! returns test each fd with `FD_ISSET`. The kernel scans every fd below `nfds`, so the cost of
//! a wait grows with the highest descriptor number, not with how many are ready — the "idle
//! connections" benchmark shows it.
//!
//! `fd_set` is a fixed bitmap of `FD_SETSIZE` (1024) bits: an fd of 1024 or more cannot be
//! watched at all (writing its bit would overflow the set; nix's `FdSet::insert` panics).
//! Readiness rule 7: `register` refuses such an fd with an error the reactor turns into a
//! log line and a closed socket. `--bug no-fdsetsize-guard` skips that check, to watch the
//! panic it prevents (docs/bugs.md).

use super::Backend;
use crate::{Bug, Bugs, Event, Interest, Token};
use nix::sys::select::{select, FdSet, FD_SETSIZE};
use nix::sys::time::TimeVal;
use std::io;
use std::os::fd::{BorrowedFd, RawFd};
use std::time::Duration;

/// What we watch: indexed by fd, so the table itself is bounded by FD_SETSIZE.
pub struct SelectBackend {
    /// `watched[fd]` = the token and interest of fd, or None. Length <= FD_SETSIZE.
    watched: Vec<Option<(Token, Interest)>>,
    /// How many entries of `watched` are Some.
    count: usize,
    /// The lecture's bugs; only `no-fdsetsize-guard` lives here.
    bugs: Bugs,
}

impl SelectBackend {
    pub fn new() -> SelectBackend {
        SelectBackend::with_bugs(Bugs::NONE)
    }

    pub fn with_bugs(bugs: Bugs) -> SelectBackend {
        SelectBackend {
            watched: Vec::new(),
            count: 0,
            bugs,
        }
    }

    /// Rule 7: only 0 <= fd < FD_SETSIZE fits in an fd_set.
    fn check_fits(fd: RawFd) -> io::Result<usize> {
        // LAB 5 BEGIN: only fds below FD_SETSIZE fit in an fd_set
        match usize::try_from(fd) {
            Ok(index) if index < FD_SETSIZE => Ok(index),
            _ => Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("select(2) cannot watch fd {fd}: fd_set holds only fds below FD_SETSIZE ({FD_SETSIZE})"),
            )),
        }
        // LAB 5 END
    }

    /// FD_ZERO + FD_SET for every watched fd: the sets select(2) will overwrite.
    fn build_fd_sets(&self) -> (FdSet<'static>, FdSet<'static>, RawFd) {
        // LAB 5 BEGIN: FD_ZERO, then FD_SET for every watched fd
        let mut readfds = FdSet::new();
        let mut writefds = FdSet::new();
        let mut highest = -1;
        for (fd, slot) in self.watched.iter().enumerate() {
            let Some((_, interest)) = slot else { continue };
            // SAFETY: the fd is registered, and the reactor deregisters before it closes a
            // descriptor, so it is open for the whole call.
            let borrowed = unsafe { BorrowedFd::borrow_raw(fd as RawFd) };
            if interest.readable {
                readfds.insert(borrowed);
            }
            if interest.writable {
                writefds.insert(borrowed);
            }
            highest = fd as RawFd;
        }
        (readfds, writefds, highest)
        // LAB 5 END
    }

    /// FD_ISSET over every watched fd: one Event per fd found in either set.
    fn collect_ready(&self, readfds: &FdSet, writefds: &FdSet, events: &mut Vec<Event>) {
        // LAB 5 BEGIN: FD_ISSET for every watched fd
        for (fd, slot) in self.watched.iter().enumerate() {
            let Some((token, _)) = slot else { continue };
            // SAFETY: as in build_fd_sets.
            let borrowed = unsafe { BorrowedFd::borrow_raw(fd as RawFd) };
            let readable = readfds.contains(borrowed);
            let writable = writefds.contains(borrowed);
            if readable || writable {
                let mut event = Event::new(*token);
                event.readable = readable;
                event.writable = writable;
                events.push(event);
            }
        }
        // LAB 5 END
    }
}

impl SelectBackend {
    /// BUG no-fdsetsize-guard (`--bug`, docs/bugs.md): take the fd `check_fits` refused anyway;
    /// FD_SET(1024) will not fit (C: memory corruption; nix: a panic in `build_fd_sets` that
    /// kills the whole server). Without the bug, the refusal stands.
    #[cold]
    fn bug_no_fdsetsize_guard(&self, fd: RawFd, refused: io::Error) -> io::Result<usize> {
        if !self.bugs.has(Bug::NoFdsetsizeGuard) {
            return Err(refused);
        }
        usize::try_from(fd).map_err(|_| refused)
    }
}

impl Default for SelectBackend {
    fn default() -> Self {
        Self::new()
    }
}

impl Backend for SelectBackend {
    fn name(&self) -> &'static str {
        "select"
    }

    fn register(&mut self, fd: RawFd, token: Token, interest: Interest) -> io::Result<()> {
        let index = Self::check_fits(fd).or_else(|refused| self.bug_no_fdsetsize_guard(fd, refused))?;
        if self.watched.len() <= index {
            self.watched.resize(index + 1, None);
        }
        if self.watched[index].is_some() {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!("fd {fd} is already registered"),
            ));
        }
        self.watched[index] = Some((token, interest));
        self.count += 1;
        Ok(())
    }

    fn reregister(&mut self, fd: RawFd, token: Token, interest: Interest) -> io::Result<()> {
        let index = Self::check_fits(fd)?;
        match self.watched.get_mut(index) {
            Some(slot @ Some(_)) => {
                *slot = Some((token, interest));
                Ok(())
            }
            _ => Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!("fd {fd} is not registered"),
            )),
        }
    }

    fn deregister(&mut self, fd: RawFd) -> io::Result<()> {
        let index = Self::check_fits(fd)?;
        match self.watched.get_mut(index) {
            Some(slot @ Some(_)) => {
                *slot = None;
                self.count -= 1;
                // Keep the table (and the next scan) as short as the highest fd still watched.
                while matches!(self.watched.last(), Some(None)) {
                    self.watched.pop();
                }
                Ok(())
            }
            _ => Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!("fd {fd} is not registered"),
            )),
        }
    }

    fn poll(&mut self, events: &mut Vec<Event>, timeout: Option<Duration>) -> io::Result<usize> {
        // LAB 5 BEGIN: one select(2) call
        events.clear();
        let (mut readfds, mut writefds, highest) = self.build_fd_sets();
        let mut timeval = timeout.map(|d| TimeVal::new(d.as_secs() as _, d.subsec_micros() as _));
        select(highest + 1, &mut readfds, &mut writefds, None, timeval.as_mut()).map_err(io::Error::from)?;
        self.collect_ready(&readfds, &writefds, events);
        Ok(events.len())
        // LAB 5 END
    }

    fn registered(&self) -> usize {
        self.count
    }
}
