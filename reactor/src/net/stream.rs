//! Connected byte streams: what the reactor reads and writes — a TCP or UNIX socket, or a
//! plain descriptor such as a pipe or the terminal (stdin for the clients).

use super::ListenAddr;
use nix::sys::socket::{self, sockopt};
use std::fs::File;
use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::os::unix::net::UnixStream;

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
        self.as_fd().as_raw_fd()
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

/// Reading through a shared reference, as `&TcpStream` allows: one thread reads a socket
/// while another writes it (the thread chat's reader and writer), with one descriptor.
impl Read for &Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Tcp(s) => (&*s).read(buf),
            Stream::Unix(s) => (&*s).read(buf),
            Stream::Fd(f) => (&*f).read(buf),
        }
    }
}

/// Writing through a shared reference (see `Read for &Stream`).
impl Write for &Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Tcp(s) => (&*s).write(buf),
            Stream::Unix(s) => (&*s).write(buf),
            Stream::Fd(f) => (&*f).write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Reading an owned stream is reading through a reference (`read(2)` on its descriptor).
impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        (&*self).read(buf)
    }
}

/// Writing an owned stream is writing through a reference (`write(2)` on its descriptor).
impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        (&*self).write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
