//! The lecture's bugs, on purpose: each classic mistake of the C servers can be switched back
//! on with `--bug NAME`, to watch it happen and then watch the fix prevent it.
//!
//! A bug is never a second implementation. The correct code comes first; the buggy variant
//! sits right after it, as a small `#[cold]` function (or a branch) reached from one switch
//! point behind `bugs.has(Bug::…)`; `grep -rn 'Bug::ReadOnce'` finds it.
//! [`Bug::fixed_in`] names that file, and every server logs it in a loud warning at startup.
//! `docs/bugs.md` explains each one: the C code, what goes wrong, how to see it, the fix.
//!
//! [`Bugs`] is a small set attached to a reactor with `Reactor::with_bugs` (apart from its
//! `Config`: bugs are not limits) and carried in the blocking models' `Options`, so labs can
//! switch the same branches.

use std::fmt;
use std::str::FromStr;

/// One classic mistake of the lecture's C servers.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Bug {
    /// fork: the child returns into the accept loop instead of `_exit`.
    ForkNoExit,
    /// fork: no SIGCHLD handling, no `waitpid`: zombies.
    NoReap,
    /// fork: the parent does not close the client socket after `fork`.
    ParentKeepsSocket,
    /// `listen(fd, 2)`.
    Backlog2,
    /// One `read` per readiness event instead of reading until `EAGAIN`.
    ReadOnce,
    /// One `write`, and what the kernel did not take is dropped.
    IgnoreShortWrite,
    /// The reactor writes with a blocking socket.
    BlockingWrite,
    /// select(2) with an fd >= FD_SETSIZE.
    NoFdsetsizeGuard,
    /// SIGPIPE left at its default action (terminate).
    Sigpipe,
    /// The HTTP server joins the URL path onto its root without checking.
    NaiveJoin,
    /// No limit on a connection's pending output.
    UnboundedOutbox,
    /// A thread per client, no cap, never joined.
    ThreadPerClientUncapped,
}

impl Bug {
    /// Every bug, in the order of `docs/bugs.md`.
    pub const ALL: [Bug; 12] = [
        Bug::ForkNoExit,
        Bug::NoReap,
        Bug::ParentKeepsSocket,
        Bug::Backlog2,
        Bug::ReadOnce,
        Bug::IgnoreShortWrite,
        Bug::BlockingWrite,
        Bug::NoFdsetsizeGuard,
        Bug::Sigpipe,
        Bug::NaiveJoin,
        Bug::UnboundedOutbox,
        Bug::ThreadPerClientUncapped,
    ];

    /// The flag's value: `--bug read-once`.
    pub fn name(self) -> &'static str {
        match self {
            Bug::ForkNoExit => "fork-no-exit",
            Bug::NoReap => "no-reap",
            Bug::ParentKeepsSocket => "parent-keeps-socket",
            Bug::Backlog2 => "backlog-2",
            Bug::ReadOnce => "read-once",
            Bug::IgnoreShortWrite => "ignore-short-write",
            Bug::BlockingWrite => "blocking-write",
            Bug::NoFdsetsizeGuard => "no-fdsetsize-guard",
            Bug::Sigpipe => "sigpipe",
            Bug::NaiveJoin => "naive-join",
            Bug::UnboundedOutbox => "unbounded-outbox",
            Bug::ThreadPerClientUncapped => "thread-per-client-uncapped",
        }
    }

    /// One line for `--help`: the mistake and its symptom.
    pub fn summary(self) -> &'static str {
        match self {
            Bug::ForkNoExit => "fork model: the child falls back into accept(); processes multiply",
            Bug::NoReap => "fork model: no waitpid(); one zombie per finished client",
            Bug::ParentKeepsSocket => "fork model: the parent keeps the client socket; no EOF, fds leak",
            Bug::Backlog2 => "listen(fd, 2): bursts of connects wait ~1 s for a SYN retransmission",
            Bug::ReadOnce => "one read per event: a large transfer stalls on edge-triggered epoll",
            Bug::IgnoreShortWrite => "what write() did not take is dropped: large echoes lose bytes",
            Bug::BlockingWrite => "reactor writes block: one client that stops reading freezes all",
            Bug::NoFdsetsizeGuard => "select model: fd >= 1024 goes into the fd_set; the server panics",
            Bug::Sigpipe => "SIGPIPE at its default: a client that resets kills the server",
            Bug::NaiveJoin => "http-server joins the URL onto its root: GET /../secret leaks files",
            Bug::UnboundedOutbox => "no output limit: a member who never reads grows server memory",
            Bug::ThreadPerClientUncapped => "thread model: no cap, no join: one thread per client, unbounded",
        }
    }

    /// Where the correct code lives (and the buggy branch beside it).
    pub fn fixed_in(self) -> &'static str {
        match self {
            Bug::ForkNoExit | Bug::NoReap | Bug::ParentKeepsSocket => "servers/src/blocking/fork.rs",
            Bug::Backlog2 => "reactor/src/net/listener.rs (listen_on)",
            Bug::ReadOnce => "reactor/src/reactor/io.rs (read_ready)",
            Bug::IgnoreShortWrite | Bug::BlockingWrite => "reactor/src/reactor/io.rs (write_pending)",
            Bug::NoFdsetsizeGuard => "reactor/src/backend/select.rs (register)",
            Bug::Sigpipe => "servers/src/bugs.rs (sigpipe_disposition)",
            Bug::NaiveJoin => "servers/src/proto/http/serve.rs (respond) and site.rs (open_beneath)",
            Bug::UnboundedOutbox => "reactor/src/reactor/io.rs (over_output_limit)",
            Bug::ThreadPerClientUncapped => "servers/src/blocking/thread.rs (run)",
        }
    }

    fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

impl fmt::Display for Bug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Bug {
    type Err = String;
    fn from_str(s: &str) -> Result<Bug, String> {
        Bug::ALL
            .into_iter()
            .find(|bug| bug.name() == s)
            .ok_or_else(|| format!("unknown bug {s:?}"))
    }
}

/// A set of bugs switched on. Empty by default: the correct code everywhere.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct Bugs(u16);

impl Bugs {
    /// No bug: what every server runs unless asked.
    pub const NONE: Bugs = Bugs(0);

    /// Is this bug switched on?
    pub fn has(self, bug: Bug) -> bool {
        self.0 & bug.bit() != 0
    }

    pub fn with(self, bug: Bug) -> Bugs {
        Bugs(self.0 | bug.bit())
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The bugs switched on, in `Bug::ALL` order.
    pub fn iter(self) -> impl Iterator<Item = Bug> {
        Bug::ALL.into_iter().filter(move |bug| self.has(*bug))
    }
}

impl FromIterator<Bug> for Bugs {
    fn from_iter<I: IntoIterator<Item = Bug>>(iter: I) -> Bugs {
        iter.into_iter().fold(Bugs::NONE, Bugs::with)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_sets_hold_what_was_put_in() {
        for bug in Bug::ALL {
            assert_eq!(bug.name().parse::<Bug>(), Ok(bug));
        }
        let set: Bugs = [Bug::NoReap, Bug::Sigpipe].into_iter().collect();
        assert!(set.has(Bug::NoReap) && set.has(Bug::Sigpipe) && !set.has(Bug::ReadOnce));
        assert_eq!(set.iter().collect::<Vec<_>>(), vec![Bug::NoReap, Bug::Sigpipe]);
        assert!(Bugs::NONE.is_empty() && "no-such-bug".parse::<Bug>().is_err());
    }
}
