//! Connecting a client: `getaddrinfo(3)`, then `socket(2)` + `connect(2)` on each address in
//! turn until one answers — the lecture's "Connect via getaddrinfo" loop, with every failure
//! reported instead of only the last.
//!
//! A name such as `localhost` often resolves to both `::1` and `127.0.0.1`; a server
//! listening on only one of them refuses the other, and the loop moves on.

use crate::gai::{getaddrinfo, Hints, SockType};
use std::fmt;
use std::io;
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// Why no connection could be made.
#[derive(Debug)]
pub enum ConnectError {
    /// The name did not resolve (the `gai_strerror` text).
    Resolve(String),
    /// Every address refused or failed: (address, error) for each.
    AllFailed(Vec<(SocketAddr, io::Error)>),
}

impl fmt::Display for ConnectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConnectError::Resolve(e) => write!(f, "getaddrinfo: {e}"),
            ConnectError::AllFailed(tries) if tries.is_empty() => write!(f, "no address to try"),
            ConnectError::AllFailed(tries) => {
                let parts: Vec<String> = tries.iter().map(|(addr, e)| format!("{addr}: {e}")).collect();
                write!(f, "could not connect to any address ({})", parts.join("; "))
            }
        }
    }
}

impl std::error::Error for ConnectError {}

/// Resolve `host`/`port` and connect to the first address that accepts.
pub fn connect_tcp(host: &str, port: &str) -> Result<(TcpStream, SocketAddr), ConnectError> {
    connect_tcp_within(host, port, None)
}

/// [`connect_tcp`], giving each address at most `timeout` to answer (`None`: the kernel's
/// own limit, about two minutes for an address that never replies).
pub fn connect_tcp_within(
    host: &str,
    port: &str,
    timeout: Option<Duration>,
) -> Result<(TcpStream, SocketAddr), ConnectError> {
    // LAB 1 BEGIN: try every address getaddrinfo returns
    let hints = Hints::default().socktype(SockType::Stream);
    let addrs = getaddrinfo(Some(host), Some(port), hints).map_err(|e| ConnectError::Resolve(e.to_string()))?;
    let mut failures = Vec::new();
    for ai in addrs {
        let attempt = match timeout {
            Some(limit) => TcpStream::connect_timeout(&ai.addr, limit),
            None => TcpStream::connect(ai.addr),
        };
        match attempt {
            Ok(stream) => return Ok((stream, ai.addr)),
            Err(e) => {
                log::debug!("connect {}: {e}", ai.addr);
                failures.push((ai.addr, e));
            }
        }
    }
    Err(ConnectError::AllFailed(failures))
    // LAB 1 END
}
