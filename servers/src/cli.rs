//! The command-line contract shared by every server (DESIGN.md):
//!
//! - `--model iterative|fork|thread|select|poll|epoll|uring` (default `epoll`), and
//!   `uring-completion` for echo-server (the io_uring proactor, `reactor::proactor`);
//! - `--listen HOST:PORT` (port 0: the kernel picks) or `--unix PATH`;
//! - once bound, exactly one line `listening on ADDR` on stdout; logs on stderr
//!   (`RUST_LOG=debug` shows each turn of the loop, `trace` each event);
//! - SIGINT/SIGTERM: stop accepting, finish or close connections, remove the UNIX socket
//!   file, exit 0; bad flags: a message and exit code 2 (clap's convention).

pub mod limits;

use clap::{Args, ValueEnum};
use reactor::{BackendKind, ListenAddr, Listener};
use std::io::{self, Write};
use std::path::PathBuf;
use std::time::Duration;

/// How a server handles concurrency.
#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum Model {
    /// One client at a time: accept, serve until it leaves, accept the next.
    Iterative,
    /// A child process per client (fork(2)); the parent only accepts and reaps.
    Fork,
    /// A thread per client, up to --max-connections.
    Thread,
    /// One thread, select(2).
    Select,
    /// One thread, poll(2).
    Poll,
    /// One thread, epoll(7) through mio.
    Epoll,
    /// One thread, io_uring poll operations: readiness through a ring.
    Uring,
    /// echo-server only: io_uring completions (a proactor; the kernel owns the buffers).
    UringCompletion,
}

impl Model {
    /// The reactor backend for the one-thread models; `None` for the blocking ones.
    pub fn backend(self) -> Option<BackendKind> {
        match self {
            Model::Select => Some(BackendKind::Select),
            Model::Poll => Some(BackendKind::Poll),
            Model::Epoll => Some(BackendKind::Epoll),
            Model::Uring => Some(BackendKind::Uring),
            Model::Iterative | Model::Fork | Model::Thread | Model::UringCompletion => None,
        }
    }

    /// Before binding: refuse `uring-completion` where the server has no completion driver
    /// (exit 2, a usage error), and check that io_uring can be used at all for `uring*`
    /// (exit 1 with the cause: no io_uring in the kernel, the sysctl, or seccomp).
    pub fn check(self, server: &str, has_completion_driver: bool) {
        if self == Model::UringCompletion && !has_completion_driver {
            eprintln!(
                "{server}: --model uring-completion is implemented by echo-server only \
                 (see reactor/src/proactor/); use --model uring for io_uring readiness"
            );
            std::process::exit(2);
        }
        if matches!(self, Model::Uring | Model::UringCompletion) {
            if let Err(e) = reactor::uring::open_ring(2, 4) {
                fail(&format!("--model {}", self.name()), &e);
            }
        }
    }

    /// The name given on the command line.
    pub fn name(self) -> String {
        self.to_possible_value()
            .map(|v| v.get_name().to_string())
            .unwrap_or_default()
    }
}

/// Where a server listens when neither `--listen` nor `--unix` is given: loopback, port 0.
/// On a shared lab machine a fixed default port would make two students' servers collide;
/// the kernel picks a free port and the `listening on ADDR` line says which.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:0";

/// Flags every server takes (`#[command(flatten)]` them into a binary's own).
#[derive(Args, Debug, Clone)]
pub struct ServerArgs {
    /// Concurrency model.
    #[arg(long, value_enum, default_value_t = Model::Epoll)]
    pub model: Model,

    /// TCP address to listen on [default: 127.0.0.1:0]; port 0 lets the kernel pick a free
    /// port, printed on stdout as `listening on ADDR`.
    #[arg(long, value_name = "HOST:PORT", conflicts_with = "unix")]
    pub listen: Option<String>,

    /// Listen on a UNIX domain socket at PATH instead (removed again on exit).
    #[arg(long, value_name = "PATH")]
    pub unix: Option<PathBuf>,

    /// Close connections that send nothing for SECS seconds.
    #[arg(long, value_name = "SECS", value_parser = at_least_one)]
    pub idle_timeout: Option<u64>,

    /// Most clients served at once; the next ones are told so and closed.
    #[arg(long, value_name = "N", default_value_t = 1024, value_parser = at_least_one)]
    pub max_connections: u64,

    #[command(flatten)]
    pub bugs: crate::bugs::BugArgs,

    #[command(flatten)]
    pub trace: crate::trace_args::TraceArgs,

    #[command(flatten)]
    pub limits: limits::LimitArgs,
}

impl ServerArgs {
    /// Before binding: the model can run here (`Model::check`), and every flag given is one
    /// this model honours. A flag a model would silently ignore is refused instead: exit 2,
    /// naming the model, like any other usage error.
    pub fn check(&self, server: &str, has_completion_driver: bool) {
        self.model.check(server, has_completion_driver);
        if let Some((flag, why)) = self.unsupported_flag() {
            eprintln!(
                "{server}: {flag} is not supported by --model {}: {why}",
                self.model.name()
            );
            std::process::exit(2);
        }
    }

    /// The first flag given that `self.model` does not implement, and why.
    fn unsupported_flag(&self) -> Option<(&'static str, &'static str)> {
        let no_recorder = "the io_uring proactor has no flight recorder; --model uring traces every turn";
        (self.model == Model::UringCompletion && self.trace.trace.is_some()).then_some(("--trace", no_recorder))
    }

    /// Where to listen, with `default` (HOST:PORT) when neither flag is given.
    pub fn listen_addr(&self, default: &str) -> ListenAddr {
        match (&self.unix, &self.listen) {
            (Some(path), _) => ListenAddr::Unix(path.clone()),
            (None, Some(host_port)) => ListenAddr::tcp(host_port),
            (None, None) => ListenAddr::tcp(default),
        }
    }

    pub fn idle_timeout(&self) -> Option<Duration> {
        self.idle_timeout.map(Duration::from_secs)
    }

    pub fn max_connections(&self) -> usize {
        usize::try_from(self.max_connections).unwrap_or(usize::MAX)
    }

    /// What these flags attach to a reactor beside its limits: `--bug`, `--trace`.
    pub fn attached(&self) -> crate::reactive::Attached {
        crate::reactive::Attached {
            bugs: self.bugs.set(),
            trace: self.trace.trace.clone(),
        }
    }

    /// The reactor limits these flags imply.
    pub fn reactor_config(&self) -> reactor::Config {
        reactor::Config {
            max_connections: self.max_connections(),
            idle_timeout: self.idle_timeout(),
            fd_reserve: self.limits.fd_reserve,
            ..reactor::Config::default()
        }
    }
}

/// A count or a duration that must be 1 or more, with a message a person can read (clap's
/// own range check answers "0 is not in 1..18446744073709551615").
pub fn at_least_one(text: &str) -> Result<u64, String> {
    match text.trim().parse::<u64>() {
        Ok(0) => Err("must be at least 1".to_string()),
        Ok(n) => Ok(n),
        Err(_) => Err("expected a whole number, 1 or more".to_string()),
    }
}

/// Logs to stderr; `RUST_LOG` overrides the default level (info).
pub fn init_logging() {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info"))
        .format_timestamp_millis()
        .init();
}

/// Bind, then print the one `listening on ADDR` line and flush it: scripts and tests wait
/// for that line to know the server is ready and which port it got.
///
/// SIGINT/SIGTERM are caught from before that line on (`signal::catch_stop_early`): a
/// script may send SIGTERM as soon as it reads the line, before the loop is set up.
pub fn bind_and_announce(addr: &ListenAddr) -> io::Result<Listener> {
    bind_and_announce_with(addr, reactor::Bugs::NONE)
}

/// Start a server: switch on the bugs it was asked for (loudly, `bugs.rs`), then bind and
/// announce.
pub fn listen(server: &ServerArgs, addr: &ListenAddr) -> io::Result<Listener> {
    let bugs = server.bugs.set();
    crate::bugs::switch_on(bugs, server.model, addr)?;
    bind_and_announce_with(addr, bugs)
}

/// `bind_and_announce`, with the bugs that live in the listener (`backlog-2`).
pub fn bind_and_announce_with(addr: &ListenAddr, bugs: reactor::Bugs) -> io::Result<Listener> {
    reactor::signal::catch_stop_early()?;
    let listener = Listener::bind_with(addr, bugs)?;
    let mut out = io::stdout().lock();
    let announced = writeln!(out, "listening on {}", listener.local_addr_string()?);
    reactor::closed_stdout::or_die_of_sigpipe(announced.and_then(|()| out.flush()))?;
    Ok(listener)
}

/// Raise the soft RLIMIT_NOFILE to the hard limit: a server of a thousand clients needs
/// more than the usual 1024 descriptors.
pub fn raise_fd_limit() {
    use nix::sys::resource::{getrlimit, setrlimit, Resource};
    if let Ok((soft, hard)) = getrlimit(Resource::RLIMIT_NOFILE) {
        if soft < hard && setrlimit(Resource::RLIMIT_NOFILE, hard, hard).is_ok() {
            log::debug!("RLIMIT_NOFILE raised from {soft} to {hard}");
        }
    }
}

/// Print a startup failure and exit 1 (bad flags exit 2, through clap).
pub fn fail(what: &str, error: &dyn std::fmt::Display) -> ! {
    eprintln!("error: {what}: {error}");
    std::process::exit(1)
}
