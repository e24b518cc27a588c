//! Connected byte streams: what the reactor reads and writes — a TCP or UNIX socket, or a
//! plain descriptor such as a pipe or the terminal (stdin for the clients).

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

    /// Disable Nagle's algorithm on TCP: small replies leave at once.
    pub fn set_nodelay(&self) -> io::Result<()> {
        match self {
            Stream::Tcp(s) => s.set_nodelay(true),
            _ => Ok(()),
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
