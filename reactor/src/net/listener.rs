//! Listening sockets: the lecture's server steps, `socket(2)`, `setsockopt(2)`
//! (`SO_REUSEADDR`, so a restarted server can bind while old connections sit in TIME_WAIT),
//! `bind(2)`, `listen(2)` — with a backlog of 1024 rather than the lecture's 2, so a burst of
//! clients is queued by the kernel instead of refused — then `accept(2)`. A `HOST:PORT` is
//! resolved with `getaddrinfo(3)` (through std) and each result is tried in turn, as in the
//! lecture's loop. `--bug backlog-2` puts the lecture's 2 back, to watch a burst of connects
//! wait for SYN retransmissions (docs/bugs.md).
//!
//! A UNIX listener (`--unix PATH`) owns its socket file: `unix_listener.rs`, beside.

use super::unix_listener::{bind_unix, FileId};
use super::{ListenAddr, Peer, Stream};
use crate::{Bug, Bugs};
use nix::sys::socket::{self, sockopt, AddressFamily, Backlog, SockFlag, SockType, SockaddrStorage};
use std::io;
use std::net::{SocketAddr, TcpListener, ToSocketAddrs};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};
use std::os::unix::net::UnixListener;
use std::path::{Path, PathBuf};

/// How many not-yet-accepted connections the kernel queues for us (`listen(2)` backlog;
/// the kernel caps it at `net.core.somaxconn`).
pub const BACKLOG: i32 = 1024;

/// A listening socket.
pub enum Listener {
    Tcp(TcpListener),
    Unix {
        listener: UnixListener,
        path: PathBuf,
        /// The process that bound the path, the only one that may remove it.
        owner: u32,
        /// Device and inode of the socket file `bind(2)` created: the file to remove at the
        /// end is this one, not whatever the path names by then.
        file_id: FileId,
    },
}

impl Listener {
    /// socket + setsockopt + bind + listen on `addr`.
    pub fn bind(addr: &ListenAddr) -> io::Result<Listener> {
        Listener::bind_with(addr, Bugs::NONE)
    }

    /// `bind`, with the lecture's bugs that live here (`backlog-2`) switched on or not.
    pub fn bind_with(addr: &ListenAddr, bugs: Bugs) -> io::Result<Listener> {
        match addr {
            ListenAddr::Tcp(host_port) => bind_tcp(host_port, bugs).map(Listener::Tcp),
            ListenAddr::Unix(path) => bind_unix(path),
        }
    }

    /// The address to print in `listening on ADDR` (the real port when 0 was asked).
    pub fn local_addr_string(&self) -> io::Result<String> {
        match self {
            Listener::Tcp(l) => Ok(l.local_addr()?.to_string()),
            Listener::Unix { path, .. } => Ok(path.display().to_string()),
        }
    }

    /// The UNIX socket path, if this is a UNIX listener.
    pub fn unix_path(&self) -> Option<&Path> {
        match self {
            Listener::Tcp(_) => None,
            Listener::Unix { path, .. } => Some(path),
        }
    }

    pub fn set_nonblocking(&self, nonblocking: bool) -> io::Result<()> {
        match self {
            Listener::Tcp(l) => l.set_nonblocking(nonblocking),
            Listener::Unix { listener, .. } => listener.set_nonblocking(nonblocking),
        }
    }

    /// `accept(2)` one connection (std uses `accept4(…, SOCK_CLOEXEC)`). The new socket is
    /// blocking; the reactor makes it non-blocking, the blocking models leave it so.
    pub fn accept(&self) -> io::Result<(Stream, Peer)> {
        match self {
            Listener::Tcp(l) => {
                let (stream, addr) = l.accept()?;
                Ok((Stream::Tcp(stream), Peer::Tcp(addr)))
            }
            Listener::Unix { listener, .. } => {
                let (stream, addr) = listener.accept()?;
                Ok((
                    Stream::Unix(stream),
                    Peer::Unix(addr.as_pathname().map(Path::to_path_buf)),
                ))
            }
        }
    }
}

impl Listener {
    /// For the reactor: `accept4(2)` with `SOCK_NONBLOCK`, so the new socket is non-blocking
    /// from birth — one `ioctl(FIONBIO)` per connection saved. (std's `accept` only passes
    /// `SOCK_CLOEXEC`.) A UNIX listener takes std's path plus that ioctl.
    pub fn accept_nonblocking(&self) -> io::Result<(Stream, Peer)> {
        match self {
            Listener::Tcp(l) => {
                let (stream, addr) = accept4_nonblocking(l)?;
                Ok((Stream::Tcp(stream), Peer::Tcp(addr)))
            }
            Listener::Unix { .. } => {
                let (stream, peer) = self.accept()?;
                stream.set_nonblocking(true)?;
                Ok((stream, peer))
            }
        }
    }
}

/// `accept4(fd, &addr, &len, SOCK_NONBLOCK | SOCK_CLOEXEC)`, the peer's address from the same
/// call.
fn accept4_nonblocking(listener: &TcpListener) -> io::Result<(std::net::TcpStream, SocketAddr)> {
    use std::os::fd::FromRawFd;
    // SAFETY: an all-zero sockaddr_storage is a valid value of this plain C struct.
    let mut storage: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
    let mut len = std::mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
    // SAFETY: `storage` and `len` are valid for writes and describe the buffer's real size.
    let fd = unsafe {
        libc::accept4(
            listener.as_raw_fd(),
            (&mut storage as *mut libc::sockaddr_storage).cast(),
            &mut len,
            libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC,
        )
    };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: accept4 returned a new descriptor that nothing else owns.
    let stream = unsafe { std::net::TcpStream::from_raw_fd(fd) };
    // SAFETY: the kernel wrote a socket address of `len` bytes into `storage`.
    let addr = unsafe {
        <SockaddrStorage as socket::SockaddrLike>::from_raw(
            (&storage as *const libc::sockaddr_storage).cast(),
            Some(len),
        )
    };
    let addr = match addr.as_ref().and_then(|a| a.as_sockaddr_in().copied()) {
        Some(v4) => SocketAddr::V4(v4.into()),
        None => match addr.as_ref().and_then(|a| a.as_sockaddr_in6().copied()) {
            Some(v6) => SocketAddr::V6(v6.into()),
            None => stream.peer_addr()?,
        },
    };
    Ok((stream, addr))
}

impl AsRawFd for Listener {
    fn as_raw_fd(&self) -> RawFd {
        match self {
            Listener::Tcp(l) => l.as_raw_fd(),
            Listener::Unix { listener, .. } => listener.as_raw_fd(),
        }
    }
}

impl AsFd for Listener {
    fn as_fd(&self) -> BorrowedFd<'_> {
        match self {
            Listener::Tcp(l) => l.as_fd(),
            Listener::Unix { listener, .. } => listener.as_fd(),
        }
    }
}

/// Resolve HOST:PORT and bind the first address that works, like the lecture's loop over
/// the `getaddrinfo` results.
fn bind_tcp(host_port: &str, bugs: Bugs) -> io::Result<TcpListener> {
    let addrs = host_port.to_socket_addrs().map_err(|e| {
        io::Error::new(
            e.kind(),
            format!("cannot resolve {host_port:?} (expected HOST:PORT, e.g. 127.0.0.1:7000 or [::1]:0): {e}"),
        )
    })?;
    let mut last_error = None;
    for addr in addrs {
        match listen_on(addr, bugs) {
            Ok(listener) => return Ok(listener),
            Err(e) => last_error = Some(io::Error::new(e.kind(), format!("bind {addr}: {e}"))),
        }
    }
    Err(last_error.unwrap_or_else(|| io::Error::new(io::ErrorKind::NotFound, format!("{host_port}: no address"))))
}

/// The four system calls of a TCP server, one by one.
fn listen_on(addr: SocketAddr, bugs: Bugs) -> io::Result<TcpListener> {
    // LAB 2 BEGIN: socket, SO_REUSEADDR, bind, listen
    let family = if addr.is_ipv4() {
        AddressFamily::Inet
    } else {
        AddressFamily::Inet6
    };
    let fd: OwnedFd = socket::socket(family, SockType::Stream, SockFlag::SOCK_CLOEXEC, None)?;
    socket::setsockopt(&fd, sockopt::ReuseAddr, &true)?;
    socket::bind(fd.as_raw_fd(), &SockaddrStorage::from(addr))?;
    let backlog = if bugs.has(Bug::Backlog2) {
        2 // BUG backlog-2: the lecture's `listen(listen_sock, 2)`; a burst overflows the queue
    } else {
        BACKLOG
    };
    socket::listen(&fd, Backlog::new(backlog)?)?;
    Ok(TcpListener::from(fd))
    // LAB 2 END
}

#[cfg(test)]
#[path = "listener_tests.rs"]
mod tests;
