//! One client socket, TCP or UNIX domain, opened with a *non-blocking* `connect(2)`.
//!
//! A blocking `connect` would stall the whole single-threaded load generator for a round trip
//! (or, against a full accept queue, for seconds of SYN retries). So the socket is created
//! with `O_NONBLOCK` (mio does it), `connect` returns `EINPROGRESS` at once, and completion is
//! learned from readiness: the socket becomes *writable* when the handshake is over, and then
//! `getsockopt(SO_ERROR)` says whether it succeeded (0) or why it failed (`ECONNREFUSED`, …).
//!
//! UNIX domain sockets differ: their `connect` completes (or fails) immediately, and a full
//! backlog gives `EAGAIN` instead of waiting; that is reported as a connect error.

use std::io::{self, Read, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use mio::event::Source;
use mio::net::{TcpStream, UnixStream};
use mio::{Interest, Registry, Token};

/// Where to connect: what the command line named.
#[derive(Debug, Clone)]
pub enum Target {
    Tcp(SocketAddr),
    Unix(PathBuf),
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::Tcp(addr) => write!(f, "{addr} (tcp)"),
            Target::Unix(path) => write!(f, "{} (unix)", path.display()),
        }
    }
}

/// A connected or connecting non-blocking socket of either family.
#[derive(Debug)]
pub enum Stream {
    Tcp(TcpStream),
    Unix(UnixStream),
}

/// Where a non-blocking connect stands after a readiness event.
#[derive(Debug)]
pub enum ConnectState {
    /// The handshake is still running: wait for the next event.
    InProgress,
    Connected,
}

impl Stream {
    /// Start a non-blocking connect: `socket(2)` + `connect(2)` returning `EINPROGRESS`.
    pub fn connect(target: &Target) -> io::Result<Stream> {
        match target {
            Target::Tcp(addr) => TcpStream::connect(*addr).map(Stream::Tcp),
            Target::Unix(path) => connect_unix(path).map(Stream::Unix),
        }
    }

    /// After a readiness event during connect: did the handshake finish, and how?
    ///
    /// `SO_ERROR` first (a refused connect is also "writable"), then `getpeername(2)`: it fails
    /// with `ENOTCONN` while the handshake is still in flight (mio's documented recipe, since
    /// an event can be spurious).
    pub fn connect_state(&self) -> io::Result<ConnectState> {
        if let Some(err) = self.take_error()? {
            return Err(err);
        }
        let peer = match self {
            Stream::Tcp(s) => s.peer_addr().map(drop),
            Stream::Unix(s) => s.peer_addr().map(drop),
        };
        match peer {
            Ok(()) => Ok(ConnectState::Connected),
            Err(e) if e.kind() == io::ErrorKind::NotConnected => Ok(ConnectState::InProgress),
            Err(e) if e.raw_os_error() == Some(libc::EINPROGRESS) => Ok(ConnectState::InProgress),
            Err(e) => Err(e),
        }
    }

    /// `getsockopt(SO_ERROR)`: the pending error of the socket, cleared by reading it.
    fn take_error(&self) -> io::Result<Option<io::Error>> {
        match self {
            Stream::Tcp(s) => s.take_error(),
            Stream::Unix(s) => s.take_error(),
        }
    }

    /// Turn off Nagle's algorithm: a ping-pong client waits for every answer, so holding back
    /// a small write for an ACK would only add latency. No-op for UNIX sockets.
    pub fn set_nodelay(&self) -> io::Result<()> {
        match self {
            Stream::Tcp(s) => s.set_nodelay(true),
            Stream::Unix(_) => Ok(()),
        }
    }
}

/// A full listen backlog makes a non-blocking UNIX connect fail with `EAGAIN`; name it, since
/// "resource temporarily unavailable" reads like a transient glitch.
fn connect_unix(path: &Path) -> io::Result<UnixStream> {
    UnixStream::connect(path).map_err(|e| {
        if e.kind() == io::ErrorKind::WouldBlock {
            io::Error::other("listen backlog full (EAGAIN)")
        } else {
            e
        }
    })
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Tcp(s) => s.read(buf),
            Stream::Unix(s) => s.read(buf),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Tcp(s) => s.write(buf),
            Stream::Unix(s) => s.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Registration with mio (`epoll_ctl(2)`), delegated to the concrete socket.
impl Source for Stream {
    fn register(&mut self, registry: &Registry, token: Token, interests: Interest) -> io::Result<()> {
        match self {
            Stream::Tcp(s) => s.register(registry, token, interests),
            Stream::Unix(s) => s.register(registry, token, interests),
        }
    }

    fn reregister(&mut self, registry: &Registry, token: Token, interests: Interest) -> io::Result<()> {
        match self {
            Stream::Tcp(s) => s.reregister(registry, token, interests),
            Stream::Unix(s) => s.reregister(registry, token, interests),
        }
    }

    fn deregister(&mut self, registry: &Registry) -> io::Result<()> {
        match self {
            Stream::Tcp(s) => s.deregister(registry),
            Stream::Unix(s) => s.deregister(registry),
        }
    }
}
