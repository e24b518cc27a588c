//! `--bug NAME`: switch one of the lecture's classic bugs back on (see `reactor::Bug` and
//! `docs/bugs.md`). Off by default; each one is announced by a loud warning at startup that
//! names the file where the correct code (and the buggy branch beside it) lives.
//!
//! Two bugs are decided here, at startup, rather than in a driver:
//!
//! - `sigpipe`: `sigaction(SIGPIPE, SIG_DFL)` instead of `SIG_IGN` (`sigpipe_disposition`);
//! - `naive-join`: the server refuses to start unless it listens on loopback or a UNIX
//!   socket (`refuse_unsafe_exposure`), since it then serves any file the process can read.

use crate::cli::Model;
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::Args;
use nix::sys::signal::{signal, SigHandler, Signal};
use reactor::{Bug, Bugs, ListenAddr};
use std::io;
use std::net::ToSocketAddrs;

/// The `--bug` flag, flattened into `ServerArgs`.
#[derive(Args, Debug, Clone, Default)]
pub struct BugArgs {
    /// Switch one of the lecture's classic bugs back on, to watch it happen (repeatable;
    /// see docs/bugs.md and `make demo-bug BUG=NAME`).
    #[arg(long = "bug", value_name = "NAME", value_parser = bug_parser(),
          help_heading = "Lecture bugs, on purpose (off by default)")]
    pub bugs: Vec<Bug>,
}

impl BugArgs {
    /// The bugs asked for, as the set the drivers check.
    pub fn set(&self) -> Bugs {
        self.bugs.iter().copied().collect()
    }
}

/// Accepts the bug names only; `--help` shows one line per bug.
fn bug_parser() -> impl TypedValueParser<Value = Bug> {
    let names = Bug::ALL.map(|bug| PossibleValue::new(bug.name()).help(bug.summary()));
    PossibleValuesParser::new(names).try_map(|name| name.parse::<Bug>())
}

/// Startup for the bugs switched on: refuse an unsafe combination, set SIGPIPE, then one
/// loud warning per bug. Call after logging is set up, before binding.
pub fn switch_on(bugs: Bugs, model: Model, addr: &ListenAddr) -> io::Result<()> {
    if bugs.has(Bug::NaiveJoin) {
        refuse_unsafe_exposure(addr)?;
    }
    sigpipe_disposition(bugs);
    for bug in bugs.iter() {
        log::warn!(
            "!!! BUG ON PURPOSE: --bug {bug}: {}. The correct code is in {} (docs/bugs.md).",
            bug.summary(),
            bug.fixed_in()
        );
        if !applies_to(bug, model) {
            log::warn!("!!! --bug {bug} lives in code that --model {model:?} does not run here: no effect");
        }
    }
    Ok(())
}

/// SIGPIPE's disposition. Rust's runtime already ignores SIGPIPE before `main` (a C program
/// does not); we state it here so the bug can sit beside it. Ignored, a write to a reset
/// connection fails with `EPIPE`, an error we handle for that one client. At its default
/// action it *terminates the process*: every client lost. std's socket writes pass
/// `MSG_NOSIGNAL` anyway; `sendfile(2)` and a plain `write(2)` cannot.
pub fn sigpipe_disposition(bugs: Bugs) {
    let action = if bugs.has(Bug::Sigpipe) {
        SigHandler::SigDfl // BUG sigpipe: C's default, death by signal 13 on a write to a reset peer
    } else {
        SigHandler::SigIgn
    };
    // SAFETY: setting a disposition (no handler function) has no preconditions.
    if let Err(e) = unsafe { signal(Signal::SIGPIPE, action) } {
        log::warn!("signal(SIGPIPE): {e}");
    }
}

/// `naive-join` serves any file of the machine the process can read: only to this machine.
fn refuse_unsafe_exposure(addr: &ListenAddr) -> io::Result<()> {
    let ListenAddr::Tcp(host_port) = addr else {
        return Ok(()); // a UNIX socket: local by construction
    };
    let resolved: Vec<_> = host_port.to_socket_addrs()?.collect();
    if !resolved.is_empty() && resolved.iter().all(|a| a.ip().is_loopback()) {
        return Ok(());
    }
    Err(io::Error::new(
        io::ErrorKind::PermissionDenied,
        format!(
            "--bug naive-join serves files from outside its root (GET /../../etc/passwd); it only \
             runs on loopback (127.0.0.0/8, ::1) or a UNIX socket, and {host_port} is not"
        ),
    ))
}

/// Does this bug live in code that `model` runs?
pub fn applies_to(bug: Bug, model: Model) -> bool {
    let reactor = model.backend().is_some();
    match bug {
        Bug::ForkNoExit | Bug::NoReap | Bug::ParentKeepsSocket => model == Model::Fork,
        Bug::ThreadPerClientUncapped => model == Model::Thread,
        Bug::NoFdsetsizeGuard => model == Model::Select,
        Bug::ReadOnce | Bug::IgnoreShortWrite | Bug::BlockingWrite => reactor,
        // chat's fork model keeps the room in a reactor in the parent.
        Bug::UnboundedOutbox => reactor || model == Model::Fork,
        Bug::Backlog2 | Bug::Sigpipe | Bug::NaiveJoin => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn naive_join_runs_only_on_loopback_or_a_unix_socket() {
        for ok in ["127.0.0.1:0", "127.0.0.2:8080", "[::1]:0", "localhost:0"] {
            assert!(refuse_unsafe_exposure(&ListenAddr::tcp(ok)).is_ok(), "{ok}");
        }
        assert!(refuse_unsafe_exposure(&ListenAddr::Unix("/tmp/x.sock".into())).is_ok());
        for refused in ["0.0.0.0:0", "[::]:0"] {
            let error = refuse_unsafe_exposure(&ListenAddr::tcp(refused)).err();
            assert!(
                error.is_some_and(|e| e.to_string().contains("only runs on loopback")),
                "{refused}"
            );
        }
    }

    #[test]
    fn each_bug_applies_to_the_models_whose_code_holds_it() {
        assert!(applies_to(Bug::NoReap, Model::Fork) && !applies_to(Bug::NoReap, Model::Epoll));
        assert!(applies_to(Bug::NoFdsetsizeGuard, Model::Select) && !applies_to(Bug::NoFdsetsizeGuard, Model::Poll));
        assert!(applies_to(Bug::ReadOnce, Model::Epoll) && !applies_to(Bug::ReadOnce, Model::Thread));
        use clap::ValueEnum;
        assert!(Model::value_variants().iter().all(|&m| applies_to(Bug::Backlog2, m)));
    }
}
