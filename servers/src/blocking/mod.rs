//! The blocking models: each connection is served by code that simply calls `read(2)` and
//! `write(2)` and waits; concurrency comes from *where* that code runs.
//!
//! | model       | who serves a client          | lesson |
//! |-------------|------------------------------|--------|
//! | `iterative` | the accepting process itself | the second client waits for the first |
//! | `fork`      | a child process per client   | isolation; the parent must reap (`waitpid`) |
//! | `thread`    | a thread per client          | shared memory; a cap on threads |
//!
//! A *session* is the per-client code: a function that owns one connected, blocking stream
//! and returns when the client is done. `acceptor.rs` is the accept loop they share.

mod acceptor;
pub mod chat;
pub mod echo;
pub mod fork;
pub mod http;
pub mod iterative;
pub mod metrics;
pub mod thread;
pub mod trace;

pub use acceptor::{Acceptor, Next};

use crate::cli::{Model, ServerArgs};
use reactor::{Listener, Peer, Stream};
use std::io::{self, Write};
use std::os::fd::AsRawFd;
use std::sync::Arc;
use std::time::Duration;

/// Serves one client with blocking I/O until it leaves. The driver owns the socket and
/// closes it afterwards (the thread model must unregister it first, see `thread.rs`).
pub trait Session: Fn(&mut Stream, &Peer) -> io::Result<()> + Send + Sync + 'static {}
impl<F: Fn(&mut Stream, &Peer) -> io::Result<()> + Send + Sync + 'static> Session for F {}

/// What the blocking models need from the command line.
#[derive(Clone, Debug)]
pub struct Options {
    /// `SO_RCVTIMEO` on each client: a read waits at most this long.
    pub idle_timeout: Option<Duration>,
    /// Most clients at once (fork and thread); the next are told and closed.
    pub max_connections: usize,
    /// What a refused client is told.
    pub busy_message: Vec<u8>,
    /// The lecture's bugs switched back on (`--bug NAME`); none by default.
    pub bugs: reactor::Bugs,
    /// `--trace FILE`: accepts, forks/threads, closes and reaps, one JSON line each.
    pub trace: Option<Arc<trace::ConnTrace>>,
    /// Descriptors kept for the clients already served (`reactor::fd_reserve`).
    pub fd_reserve: usize,
}

impl Options {
    pub fn from_args(args: &ServerArgs) -> Options {
        Options {
            idle_timeout: args.idle_timeout(),
            max_connections: args.max_connections(),
            busy_message: reactor::Config::default().busy_message,
            bugs: args.bugs.set(),
            trace: args.trace.open_for_blocking(args.model),
            fd_reserve: args.limits.fd_reserve,
        }
    }

    /// Record an accepted client (when tracing); returns its serial number for the
    /// records that follow (0 when not tracing).
    pub fn trace_accept(&self, stream: &Stream, peer: &Peer) -> u64 {
        self.trace
            .as_ref()
            .map_or(0, |t| t.accepted(stream.as_raw_fd(), &peer.to_string()))
    }

    /// Record the process or thread that serves connection `conn`.
    pub fn trace_spawn(&self, conn: u64, worker: &str) {
        if let Some(trace) = &self.trace {
            trace.spawned(conn, worker);
        }
    }
}

/// Serve one client: make its socket blocking with the idle timeout, run the session, and
/// record the close with the bytes moved (when tracing).
pub fn serve<S: Session>(session: &S, stream: &mut Stream, peer: &Peer, options: &Options) -> io::Result<()> {
    let result = prepare(stream, options).and_then(|_| session(stream, peer));
    if let Some(trace) = &options.trace {
        let fd = stream.as_raw_fd();
        trace.closed(fd, trace::tcp_bytes(fd));
    }
    result
}

/// Run `session` for every client under a blocking `model` until SIGINT/SIGTERM.
pub fn run<S: Session>(model: Model, listener: Listener, session: S, options: Options) -> io::Result<()> {
    match model {
        Model::Iterative => {
            let guarded = within_reserve(session, &options);
            iterative::run(Acceptor::new(listener, &[])?, &guarded, &options)
        }
        Model::Fork => fork::run(Acceptor::new(listener, &[fork::SIGCHLD])?, &session, &options),
        Model::Thread => thread::run(Acceptor::new(listener, &[])?, Arc::new(session), &options),
        reactive => Err(io::Error::other(format!("{reactive:?} is not a blocking model"))),
    }
}

/// The iterative model's `--fd-reserve`: fork and thread check it at accept (`admit`); the
/// iterative loop has no admission step (it serves whoever `accept` returns), so its
/// session checks first and tells a client whose descriptor eats into the reserve.
fn within_reserve<S: Session>(session: S, options: &Options) -> impl Session {
    let (reserve, busy) = (options.fd_reserve, options.busy_message.clone());
    move |stream: &mut Stream, peer: &Peer| {
        let fd = stream.as_raw_fd();
        if reactor::fd_reserve::eats_reserve(fd, reserve) {
            log::warn!("refusing connection from {peer}: fd {fd} would leave fewer than {reserve} descriptors free");
            let _ = stream.write(&busy);
            return Ok(());
        }
        session(stream, peer)
    }
}

/// A blocking client socket with the idle timeout set. Under strace, per client:
///
/// - `ioctl(fd, FIONBIO, [0])`: make sure the socket blocks. The acceptor's listener is
///   non-blocking (`acceptor.rs`: a client that vanishes between `poll` and `accept` must
///   not hang it). Linux does not pass O_NONBLOCK from a listener to the sockets `accept`
///   returns, but BSD and macOS do, and these models are written for blocking reads: so the
///   mode is said, not assumed;
/// - `setsockopt(fd, SO_RCVTIMEO, …)`: the `--idle-timeout` as a receive timeout, so a
///   blocked `read` returns `EAGAIN` after that long (a zero timeval, "no timeout", when the
///   flag is not given: std makes the call either way);
/// - `setsockopt(fd, TCP_NODELAY)`: small replies leave at once (no Nagle delay).
pub fn prepare(stream: &Stream, options: &Options) -> io::Result<()> {
    stream.set_nonblocking(false)?;
    stream.set_read_timeout(options.idle_timeout)?;
    stream.set_nodelay()
}

/// Admit a client while fewer than `max_connections` are `serving` and the descriptors
/// kept for them are not touched; otherwise tell it so and close it (`None`).
pub fn admit(stream: Stream, peer: &Peer, serving: usize, options: &Options) -> Option<Stream> {
    let fd = stream.as_raw_fd();
    let why = if serving >= options.max_connections {
        format!("at max connections ({})", options.max_connections)
    } else if reactor::fd_reserve::eats_reserve(fd, options.fd_reserve) {
        format!(
            "fd {fd} would leave fewer than {} descriptors for the {serving} clients served",
            options.fd_reserve
        )
    } else {
        return Some(stream);
    };
    refuse(stream, peer, &why, options);
    None
}

/// Turn a client away: one line saying why, then close.
pub fn refuse(mut stream: Stream, peer: &Peer, why: &str, options: &Options) {
    log::warn!("refusing connection from {peer}: {why}");
    let _ = stream.set_nonblocking(true);
    let _ = stream.write(&options.busy_message);
}

/// Did a blocking read end because of the idle timeout (`SO_RCVTIMEO` reports EAGAIN)?
pub fn is_idle_timeout(e: &io::Error) -> bool {
    matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut)
}
