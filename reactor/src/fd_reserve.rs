//! A reserve of file descriptors for the connections already admitted.
//!
//! A server out of descriptors fails in two places: `accept(2)` (EMFILE, rule 8: back off),
//! and — worse — inside a connection it already serves, when an HTTP request must `open(2)`
//! a file or a chat member a pipe. Accepting right up to `RLIMIT_NOFILE` hands the last
//! descriptors to newcomers and leaves the admitted clients nothing: they get errors while
//! the new ones wait. So stop admitting *before* the limit: a newcomer is refused (told
//! "busy") when fewer than `reserve` descriptors would be left.
//!
//! How many are left? POSIX: `accept`, `open`, `socket` return the *lowest* free number. So
//! if `accept` returned fd N, every number below N is in use, and at most `limit - N - 1` are
//! free above it: when `N + reserve >= limit`, the reserve is gone. One comparison, no
//! syscall per accept (the limit is read once, with `getrlimit(2)`, after the server raised
//! it at startup). It is a lower bound: descriptors freed in the middle of the table leave
//! holes, and a newcomer that fills a hole passes while higher numbers are in use. So the
//! failures it prevents are still handled where they happen: HTTP answers `503` when `open`
//! meets EMFILE, the chat's fork parent checks its socketpair the same way and sends the
//! busy line.

use nix::sys::resource::{getrlimit, Resource};
use std::fmt;
use std::io;
use std::os::fd::RawFd;
use std::sync::OnceLock;
use std::time::Duration;

/// Rule 8: how long accepting pauses after `EMFILE`/`ENFILE`, in the reactor
/// (`reactor/accept.rs`) and in the blocking models' acceptor alike.
pub const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

/// EMFILE (this process) or ENFILE (the whole system) is out of file descriptors.
pub fn is_out_of_descriptors(e: &io::Error) -> bool {
    matches!(e.raw_os_error(), Some(libc::EMFILE) | Some(libc::ENFILE))
}

/// Rule 8's log line, once per episode: the first `EMFILE` is logged, the next ones are not
/// until an accept succeeds again (not one line per back-off period).
#[derive(Debug, Default)]
pub struct OutOfFds {
    logged: bool,
}

impl OutOfFds {
    /// An accept succeeded: the next `EMFILE` starts a new episode.
    pub fn accepted(&mut self) {
        self.logged = false;
    }

    /// Out of descriptors: log `error` and what is done about it, the first time only.
    pub fn log_once(&mut self, error: &io::Error, what: fmt::Arguments<'_>) {
        if !self.logged {
            self.logged = true;
            log::warn!("accept: {error}; {what}");
        }
    }
}

/// The soft `RLIMIT_NOFILE`, read once (when the first reactor starts, after startup raised
/// it).
pub fn fd_limit() -> u64 {
    static LIMIT: OnceLock<u64> = OnceLock::new();
    *LIMIT.get_or_init(|| getrlimit(Resource::RLIMIT_NOFILE).map_or(u64::MAX, |(soft, _)| soft))
}

/// Would admitting the connection that got descriptor `fd` eat into the last `reserve`
/// descriptors of the process?
pub fn eats_reserve(fd: RawFd, reserve: usize) -> bool {
    let (Ok(fd), Ok(reserve)) = (u64::try_from(fd), u64::try_from(reserve)) else {
        return false;
    };
    fd.saturating_add(reserve) >= fd_limit()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_descriptors_are_kept() {
        let limit = fd_limit();
        if limit > i32::MAX as u64 {
            return; // unlimited: nothing to reserve against
        }
        let last = (limit - 1) as RawFd;
        assert!(eats_reserve(last, 1), "the very last descriptor");
        assert!(eats_reserve(last - 15, 16));
        assert!(!eats_reserve(last - 16, 16), "17 left: the reserve of 16 is intact");
        assert!(!eats_reserve(3, 0));
    }
}
