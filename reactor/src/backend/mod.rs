//! The `Backend` trait: "tell me which of these descriptors are ready" — select(2), poll(2),
//! epoll(7) or io_uring poll operations behind one interface, chosen at run time
//! (`--model select|poll|epoll|uring`) so that strace and benchmark comparisons use one binary.
//!
//! The shape is Redis's `ae` backend API: register / reregister / deregister a descriptor
//! with a token and an interest, then `poll` for a batch of events with a timeout.
//! Read one backend file in one sitting; start with `select.rs`, the lecture's program.
//!
//! | backend | what the kernel keeps between calls | cost of one wait        |
//! |---------|-------------------------------------|-------------------------|
//! | select  | nothing: fd sets rebuilt every turn | O(highest fd), fd < 1024 |
//! | poll    | nothing: the `pollfd` array is passed every turn | O(registered fds) |
//! | epoll   | the interest list (`epoll_ctl`)      | O(ready fds)             |
//! | uring   | armed poll operations (`io_uring`)   | O(ready fds), changes batched into the wait |

mod epoll;
mod poll;
mod select;
mod uring;

pub use self::epoll::EpollBackend;
pub use self::poll::PollBackend;
pub use self::select::SelectBackend;
pub use self::uring::UringBackend;

use crate::{Event, Interest, Token};
use std::fmt;
use std::io;
use std::os::fd::RawFd;
use std::str::FromStr;
use std::time::Duration;

/// A readiness notification mechanism.
pub trait Backend {
    /// "select", "poll" or "epoll": shown in logs and traces.
    fn name(&self) -> &'static str;

    /// Start watching `fd` for `interest`; events for it carry `token`.
    fn register(&mut self, fd: RawFd, token: Token, interest: Interest) -> io::Result<()>;

    /// Change what `fd` is watched for (its token may change too).
    fn reregister(&mut self, fd: RawFd, token: Token, interest: Interest) -> io::Result<()>;

    /// Stop watching `fd`. Must be called before the descriptor is closed (readiness rule 5).
    fn deregister(&mut self, fd: RawFd) -> io::Result<()>;

    /// Wait until at least one descriptor is ready or `timeout` passes (`None`: no limit).
    /// Clears `events`, fills it, and returns how many there are. `EINTR` comes back as
    /// `ErrorKind::Interrupted`: retrying is the loop's decision (readiness rule 6).
    fn poll(&mut self, events: &mut Vec<Event>, timeout: Option<Duration>) -> io::Result<usize>;

    /// How many descriptors are registered (for the per-turn debug line).
    fn registered(&self) -> usize;

    /// Does an event mean "became ready" (edge-triggered, reported once: epoll through mio)
    /// rather than "is ready" (level-triggered, reported by every wait while it stays true:
    /// select, poll)? It decides how much `read_ready` must read per event (rule 2).
    fn edge_triggered(&self) -> bool {
        false
    }

    /// Watch a listening socket that other processes watch too, each in its own reactor
    /// (`--workers`). Where the backend can, one new connection wakes only one of them
    /// (epoll's `EPOLLEXCLUSIVE`); select and poll cannot ask for that, and every waiting
    /// process wakes: the thundering herd, one `accept` that wins and the others `EAGAIN`.
    fn register_shared_listener(&mut self, fd: RawFd, token: Token) -> io::Result<()> {
        self.register(fd, token, Interest::READABLE)
    }

    /// Does a wait report a shared listener again while connections are queued on it
    /// (level-triggered)? Then the reactor accepts one connection per wakeup and leaves the
    /// others for the next wait, its own or another worker's (`reactor/accept.rs`).
    fn shared_listener_level_triggered(&self) -> bool {
        !self.edge_triggered()
    }
}

/// Which backend to build; parsed from `--model select|poll|epoll|uring`.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum BackendKind {
    Select,
    Poll,
    Epoll,
    /// io_uring poll operations (`uring.rs`); fails to build where io_uring is unavailable.
    Uring,
}

impl BackendKind {
    pub const ALL: [BackendKind; 4] = [
        BackendKind::Select,
        BackendKind::Poll,
        BackendKind::Epoll,
        BackendKind::Uring,
    ];

    /// Build a fresh backend of this kind.
    pub fn create(self) -> io::Result<Box<dyn Backend>> {
        Ok(match self {
            BackendKind::Select => Box::new(SelectBackend::new()),
            BackendKind::Poll => Box::new(PollBackend::new()),
            BackendKind::Epoll => Box::new(EpollBackend::new()?),
            BackendKind::Uring => Box::new(UringBackend::new()?),
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            BackendKind::Select => "select",
            BackendKind::Poll => "poll",
            BackendKind::Epoll => "epoll",
            BackendKind::Uring => "uring",
        }
    }
}

impl fmt::Display for BackendKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for BackendKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "select" => Ok(BackendKind::Select),
            "poll" => Ok(BackendKind::Poll),
            "epoll" => Ok(BackendKind::Epoll),
            "uring" => Ok(BackendKind::Uring),
            other => Err(format!(
                "unknown backend {other:?} (expected select, poll, epoll or uring)"
            )),
        }
    }
}

/// Milliseconds for poll(2)/epoll_wait(2), rounded *up* so a timer is never woken early
/// (waking 0.4 ms early would cost a useless extra turn); `None` means wait forever (-1).
pub(crate) fn timeout_millis(timeout: Option<Duration>) -> i32 {
    match timeout {
        None => -1,
        Some(d) => {
            let ms = d.as_nanos().div_ceil(1_000_000);
            i32::try_from(ms).unwrap_or(i32::MAX)
        }
    }
}

#[cfg(test)]
mod tests;
