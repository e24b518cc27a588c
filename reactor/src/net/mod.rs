//! Sockets as the servers and clients use them: where to listen (`ListenAddr`), who is on
//! the other end (`Peer`), listening sockets (`listener.rs`: socket, bind, listen, accept) and
//! connected byte streams (`stream.rs`: read, write, shutdown, corking).

mod blocking;
mod cork;
mod listener;
mod stream;
mod unix_listener;

pub use listener::{Listener, BACKLOG};
pub use stream::{set_fd_nonblocking, Stream};

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;

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
