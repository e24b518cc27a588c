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
    /// Descriptors kept for the clients already served (`reactor::fd_reserve`).
    pub fd_reserve: usize,
}

impl Options {
    pub fn from_args(args: &ServerArgs) -> Options {
        Options {
            idle_timeout: args.idle_timeout(),
            max_connections: args.max_connections(),
            busy_message: reactor::Config::default().busy_message,
            fd_reserve: args.limits.fd_reserve,
        }
    }
}

/// Run `session` for every client under a blocking `model` until SIGINT/SIGTERM.
pub fn run<S: Session>(model: Model, listener: Listener, session: S, options: Options) -> io::Result<()> {
    match model {
        Model::Iterative => iterative::run(Acceptor::new(listener, &[])?, &session, &options),
        Model::Fork => fork::run(Acceptor::new(listener, &[fork::SIGCHLD])?, &session, &options),
        Model::Thread => thread::run(Acceptor::new(listener, &[])?, Arc::new(session), &options),
        reactive => Err(io::Error::other(format!("{reactive:?} is not a blocking model"))),
    }
}

/// A blocking client socket with the idle timeout set.
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
