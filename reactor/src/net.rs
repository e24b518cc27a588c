//! Listening and connected sockets, TCP or UNIX domain, as the servers and clients use them.
//!
//! `Listener::bind` spells out the lecture's server steps: `socket(2)`, `setsockopt(2)`
//! (`SO_REUSEADDR`, so a restarted server can bind while old connections sit in TIME_WAIT),
//! `bind(2)`, `listen(2)` — with a backlog of 1024 rather than the lecture's 2, so a burst of
//! clients is queued by the kernel instead of refused. A `HOST:PORT` is resolved with
//! `getaddrinfo(3)` (through std) and each result is tried in turn, as in the lecture's loop.
//!
//! A UNIX listener owns its path: a stale socket file left by a crashed server is removed at
//! bind time (after checking nobody answers on it), and the file is removed again when the
//! listener is dropped — only by the process that bound it, so a forked child closing its
//! copy of the listener does not pull the file out from under its parent.
//!
//! `Stream` is what the reactor reads and writes: a TCP or UNIX socket, or a plain descriptor
//! such as a pipe or the terminal (stdin for the clients).

use nix::sys::socket::{self, sockopt, AddressFamily, Backlog, SockFlag, SockType, SockaddrStorage};
use std::fmt;
use std::fs::File;
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};
use std::os::unix::fs::FileTypeExt;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};

/// How many not-yet-accepted connections the kernel queues for us (`listen(2)` backlog;
/// the kernel caps it at `net.core.somaxconn`).
pub const BACKLOG: i32 = 1024;

/// Where a server listens: `--listen HOST:PORT` or `--unix PATH`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ListenAddr {
    /// A host (name or address) and a port; port 0 lets the kernel choose.
    Tcp(String),
    /// A filesystem path for a UNIX domain socket.
    Unix(PathBuf),
}

/// Who is on the other end of a connection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Peer {
    Tcp(SocketAddr),
    /// UNIX peers are usually unnamed (clients rarely bind).
    Unix(Option<PathBuf>),
    /// A local descriptor that is not a socket (stdin, a pipe), with a label for logs.
    Local(&'static str),
}

impl fmt::Display for Peer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Peer::Tcp(addr) => write!(f, "{addr}"),
            Peer::Unix(Some(path)) => write!(f, "unix:{}", path.display()),
            Peer::Unix(None) => write!(f, "unix:(unnamed)"),
            Peer::Local(label) => f.write_str(label),
        }
    }
}

/// A listening socket.
pub enum Listener {
    Tcp(TcpListener),
    Unix {
        listener: UnixListener,
        path: PathBuf,
        /// The process that bound the path, the only one that may remove it.
        owner: u32,
    },
}

impl Listener {
    /// socket + setsockopt + bind + listen on `addr`.
    pub fn bind(addr: &ListenAddr) -> io::Result<Listener> {
        match addr {
            ListenAddr::Tcp(host_port) => bind_tcp(host_port).map(Listener::Tcp),
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

impl Drop for Listener {
    fn drop(&mut self) {
        if let Listener::Unix { path, owner, .. } = self {
            if *owner == std::process::id() {
                let _ = std::fs::remove_file(path);
            }
        }
    }
}

/// Resolve HOST:PORT and bind the first address that works, like the lecture's loop over
/// the `getaddrinfo` results.
fn bind_tcp(host_port: &str) -> io::Result<TcpListener> {
    let addrs = host_port.to_socket_addrs().map_err(|e| {
        io::Error::new(
            e.kind(),
            format!("cannot resolve {host_port:?} (expected HOST:PORT, e.g. 127.0.0.1:7000 or [::1]:0): {e}"),
        )
    })?;
    let mut last_error = None;
    for addr in addrs {
        match listen_on(addr) {
            Ok(listener) => return Ok(listener),
            Err(e) => last_error = Some(io::Error::new(e.kind(), format!("bind {addr}: {e}"))),
        }
    }
    Err(last_error.unwrap_or_else(|| io::Error::new(io::ErrorKind::NotFound, format!("{host_port}: no address"))))
}

/// The four system calls of a TCP server, one by one.
fn listen_on(addr: SocketAddr) -> io::Result<TcpListener> {
    let family = if addr.is_ipv4() {
        AddressFamily::Inet
    } else {
        AddressFamily::Inet6
    };
    let fd: OwnedFd = socket::socket(family, SockType::Stream, SockFlag::SOCK_CLOEXEC, None)?;
    socket::setsockopt(&fd, sockopt::ReuseAddr, &true)?;
    socket::bind(fd.as_raw_fd(), &SockaddrStorage::from(addr))?;
    socket::listen(&fd, Backlog::new(BACKLOG)?)?;
    Ok(TcpListener::from(fd))
}

/// Bind a UNIX socket at `path`, replacing a stale socket file but never a live one.
fn bind_unix(path: &Path) -> io::Result<Listener> {
    remove_stale_socket(path)?;
    let listener =
        UnixListener::bind(path).map_err(|e| io::Error::new(e.kind(), format!("bind {}: {e}", path.display())))?;
    Ok(Listener::Unix {
        listener,
        path: path.to_path_buf(),
        owner: std::process::id(),
    })
}

fn remove_stale_socket(path: &Path) -> io::Result<()> {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return Ok(());
    };
    if !meta.file_type().is_socket() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("{} exists and is not a socket; refusing to replace it", path.display()),
        ));
    }
    if UnixStream::connect(path).is_ok() {
        return Err(io::Error::new(
            io::ErrorKind::AddrInUse,
            format!("{}: another server is listening there", path.display()),
        ));
    }
    std::fs::remove_file(path)
}

/// A connected byte stream the reactor can read and write.
pub enum Stream {
    Tcp(TcpStream),
    Unix(UnixStream),
    /// Any other descriptor: a pipe, a terminal, stdin.
    Fd(File),
}

impl Stream {
    pub fn set_nonblocking(&self, nonblocking: bool) -> io::Result<()> {
        match self {
            Stream::Tcp(s) => s.set_nonblocking(nonblocking),
            Stream::Unix(s) => s.set_nonblocking(nonblocking),
            Stream::Fd(f) => set_fd_nonblocking(f.as_fd(), nonblocking),
        }
    }

    /// `shutdown(SHUT_WR)`: send FIN, keep reading. On a plain descriptor: nothing to do.
    pub fn shutdown_write(&self) -> io::Result<()> {
        match self {
            Stream::Tcp(s) => s.shutdown(Shutdown::Write),
            Stream::Unix(s) => s.shutdown(Shutdown::Write),
            Stream::Fd(_) => Ok(()),
        }
    }

    /// A second handle on the same socket (`dup(2)`), e.g. to shut it down from another thread.
    pub fn try_clone(&self) -> io::Result<Stream> {
        match self {
            Stream::Tcp(s) => s.try_clone().map(Stream::Tcp),
            Stream::Unix(s) => s.try_clone().map(Stream::Unix),
            Stream::Fd(f) => f.try_clone().map(Stream::Fd),
        }
    }

    /// `shutdown(SHUT_RDWR)`: wakes a thread blocked reading this socket (its read returns 0).
    pub fn shutdown_both(&self) -> io::Result<()> {
        match self {
            Stream::Tcp(s) => s.shutdown(Shutdown::Both),
            Stream::Unix(s) => s.shutdown(Shutdown::Both),
            Stream::Fd(_) => Ok(()),
        }
    }

    /// `SO_RCVTIMEO`: a blocking read gives up after `timeout` (the blocking idle timeout).
    pub fn set_read_timeout(&self, timeout: Option<std::time::Duration>) -> io::Result<()> {
        match self {
            Stream::Tcp(s) => s.set_read_timeout(timeout),
            Stream::Unix(s) => s.set_read_timeout(timeout),
            Stream::Fd(_) => Ok(()),
        }
    }

    /// Disable Nagle's algorithm on TCP: small replies leave at once.
    pub fn set_nodelay(&self) -> io::Result<()> {
        match self {
            Stream::Tcp(s) => s.set_nodelay(true),
            _ => Ok(()),
        }
    }

    /// `send(2)` with `MSG_MORE`: the kernel may hold these bytes back until more data or a
    /// FIN joins them in one segment (see `outbox.rs`). Other streams: a plain `write(2)`.
    pub fn write_more(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Tcp(s) => {
                // MSG_NOSIGNAL: a peer that is gone is an EPIPE error here, not a SIGPIPE.
                let flags = libc::MSG_MORE | libc::MSG_NOSIGNAL;
                // SAFETY: `buf` is valid for `buf.len()` bytes for the duration of the call.
                let n = unsafe { libc::send(s.as_raw_fd(), buf.as_ptr().cast(), buf.len(), flags) };
                usize::try_from(n).map_err(|_| io::Error::last_os_error())
            }
            _ => self.write(buf),
        }
    }

    /// `TCP_CORK` on or off: while on, TCP sends only full segments; turning it off sends
    /// the partial one it held (see `outbox.rs`). Nothing to do on other streams.
    pub fn set_cork(&self, on: bool) -> io::Result<()> {
        match self {
            Stream::Tcp(s) => Ok(socket::setsockopt(s, sockopt::TcpCork, &on)?),
            _ => Ok(()),
        }
    }

    /// Connect to a server: TCP `HOST:PORT` (each resolved address in turn) or a UNIX path.
    pub fn connect(addr: &ListenAddr) -> io::Result<Stream> {
        match addr {
            ListenAddr::Tcp(host_port) => TcpStream::connect(host_port.as_str()).map(Stream::Tcp),
            ListenAddr::Unix(path) => UnixStream::connect(path).map(Stream::Unix),
        }
    }
}

/// Set or clear `O_NONBLOCK` with `fcntl(2)`.
pub fn set_fd_nonblocking(fd: BorrowedFd<'_>, nonblocking: bool) -> io::Result<()> {
    use nix::fcntl::{fcntl, FcntlArg, OFlag};
    let flags = OFlag::from_bits_truncate(fcntl(fd, FcntlArg::F_GETFL)?);
    let wanted = if nonblocking {
        flags | OFlag::O_NONBLOCK
    } else {
        flags - OFlag::O_NONBLOCK
    };
    if wanted != flags {
        fcntl(fd, FcntlArg::F_SETFL(wanted))?;
    }
    Ok(())
}

impl AsRawFd for Stream {
    fn as_raw_fd(&self) -> RawFd {
        match self {
            Stream::Tcp(s) => s.as_raw_fd(),
            Stream::Unix(s) => s.as_raw_fd(),
            Stream::Fd(f) => f.as_raw_fd(),
        }
    }
}

impl AsFd for Stream {
    fn as_fd(&self) -> BorrowedFd<'_> {
        match self {
            Stream::Tcp(s) => s.as_fd(),
            Stream::Unix(s) => s.as_fd(),
            Stream::Fd(f) => f.as_fd(),
        }
    }
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Tcp(s) => s.read(buf),
            Stream::Unix(s) => s.read(buf),
            Stream::Fd(f) => f.read(buf),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Tcp(s) => s.write(buf),
            Stream::Unix(s) => s.write(buf),
            Stream::Fd(f) => f.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl ListenAddr {
    /// Parse a `--listen` value: anything with a colon is HOST:PORT.
    pub fn tcp(host_port: &str) -> ListenAddr {
        ListenAddr::Tcp(host_port.to_string())
    }
}

impl fmt::Display for ListenAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ListenAddr::Tcp(a) => f.write_str(a),
            ListenAddr::Unix(p) => write!(f, "{}", p.display()),
        }
    }
}
