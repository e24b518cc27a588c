//! Beside the lesson: what the blocking models and the clients ask of a `Stream`, never the
//! reactor — a second handle (`dup(2)`), `shutdown(SHUT_RDWR)` to wake a blocked reader,
//! `SO_RCVTIMEO` for a blocking idle timeout, and `connect(2)`.

use super::{ListenAddr, Stream};
use std::io;
use std::net::{Shutdown, TcpStream};
use std::os::unix::net::UnixStream;

impl Stream {
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

    /// Connect to a server: TCP `HOST:PORT` (each resolved address in turn) or a UNIX path.
    pub fn connect(addr: &ListenAddr) -> io::Result<Stream> {
        match addr {
            ListenAddr::Tcp(host_port) => TcpStream::connect(host_port.as_str()).map(Stream::Tcp),
            ListenAddr::Unix(path) => UnixStream::connect(path).map(Stream::Unix),
        }
    }
}
