//! File-descriptor budget: every connection is a descriptor, and the default soft limit
//! (`ulimit -n`, often 1024) is below what "1000 connections + 1000 idle" needs.
//!
//! `getrlimit(2)`/`setrlimit(2)` on `RLIMIT_NOFILE`: an unprivileged process may raise its
//! *soft* limit up to the *hard* one, so we do that, and only when the run needs it.

use nix::sys::resource::{getrlimit, setrlimit, Resource};

/// Descriptors besides the connections: stdio, the epoll instance, mio's waker, slack.
const RESERVED_FDS: u64 = 32;

/// Make room for `sockets` connections; warns when even the hard limit is too low (the
/// connections beyond it will then fail with `EMFILE`, counted as connect errors).
pub fn ensure_fds_for(sockets: u64) {
    let needed = sockets + RESERVED_FDS;
    let (soft, hard) = match getrlimit(Resource::RLIMIT_NOFILE) {
        Ok(limits) => limits,
        Err(e) => {
            log::warn!("getrlimit(RLIMIT_NOFILE): {e}; keeping the current limit");
            return;
        }
    };
    if needed <= soft {
        return;
    }
    match setrlimit(Resource::RLIMIT_NOFILE, hard, hard) {
        Ok(()) => log::debug!(
            "raised RLIMIT_NOFILE soft limit from {soft} to the hard limit {hard} for {sockets} connections"
        ),
        Err(e) => log::warn!("setrlimit(RLIMIT_NOFILE, {hard}): {e}"),
    }
    if needed > hard {
        log::warn!(
            "{sockets} connections need ~{needed} file descriptors but the hard limit is {hard}: \
             expect `connect: too many open files` errors"
        );
    }
}
