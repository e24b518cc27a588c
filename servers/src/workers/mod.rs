//! `--workers N`: prefork reactors, as nginx runs them — the fork lesson and the reactor
//! lesson together (docs/workers.md).
//!
//! ```text
//!   parent (supervisor)          bind + listen once; fork N workers; then only waits:
//!     │                          SIGCHLD -> waitpid, log, fork a replacement;
//!     │                          SIGTERM -> SIGTERM every worker, waitpid each, exit 0
//!     ├── worker 0   Reactor::run()  on the inherited listener (epoll | poll | select)
//!     └── worker 1   Reactor::run()  on the same listener
//! ```
//!
//! The listening socket is created before `fork(2)`, so every worker inherits the *same*
//! socket (one accept queue) and registers it in its own reactor. Which worker gets a new
//! connection is decided by who calls `accept` first. Without care every waiting worker is
//! woken for each connection and all but one get `EAGAIN`: the *thundering herd*. On epoll
//! the listener is registered with `EPOLLEXCLUSIVE` (`Config::shared_listener`), which wakes
//! one waiter; select and poll cannot ask for that, so there each idle worker pays one
//! failed `accept`. (The other way, `SO_REUSEPORT`, gives each worker its own socket and
//! accept queue, balanced by the kernel's hash of the client address and port: no herd, but a
//! worker that dies takes the connections waiting in its queue with it.)
//!
//! Each worker runs the unchanged `Reactor` with the same handler: a worker *is* the
//! one-thread server, and nothing is shared between workers but the listener (and the
//! O_APPEND access log file, whose buffered writes stay whole lines).
//!
//! The parent is single-threaded when it forks (no logger thread), so a worker may run any
//! code. It never accepts: it only supervises (`supervise.rs`).

mod supervise;

use crate::cli::Model;
use clap::Args;
use reactor::{Config, Listener};
use std::io;

/// `--workers N` (flattened into echo-server, http-server and metrics-server).
#[derive(Args, Debug, Clone, Default)]
pub struct WorkerArgs {
    /// Prefork N worker processes, each running its own reactor (select, poll, epoll or uring) on
    /// the one listening socket; the parent restarts a worker that dies and stops them all on
    /// SIGTERM. Without it, one process serves (no supervisor).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=64))]
    pub workers: Option<u64>,
}

impl WorkerArgs {
    /// How many workers were asked for, if any. An error message (for clap, exit 2) when the
    /// model is not a reactor: a worker is one reactor.
    pub fn count(&self, model: Model) -> Result<Option<usize>, String> {
        let Some(n) = self.workers else { return Ok(None) };
        if model.backend().is_none() {
            return Err(format!(
                "--workers runs one reactor per worker: use --model select, poll, epoll or uring \
                 (not {}, which has its own processes or threads)",
                model.name()
            ));
        }
        Ok(Some(usize::try_from(n).unwrap_or(1)))
    }
}

/// The reactor limits for a worker: the listener is shared with the other workers.
pub fn config(base: Config) -> Config {
    Config {
        shared_listener: true,
        ..base
    }
}

/// Run `workers` processes, each calling `serve` on the inherited `listener` (typically
/// `reactive::run` with a handler and `config(…)`), until SIGTERM.
///
/// `serve` is only ever called in a freshly forked worker, on that process's own copy of the
/// closure and what it captured: it may move its captures out (an `Option::take`) without
/// taking them from the parent or the next worker.
pub fn run(workers: usize, listener: Listener, serve: impl FnMut(Listener) -> io::Result<()>) -> io::Result<()> {
    supervise::Supervisor::new(workers, listener)?.run(serve)
}
