//! DNS over TCP (RFC 1035 §4.2.2, RFC 7766): the same message, framed by a 2-byte
//! big-endian length, because a stream has no message boundaries. Used when a UDP answer
//! comes back truncated (TC bit) or with `--tcp`.
//!
//! System calls: `socket(SOCK_STREAM)`, `connect`, one `write` (length + message), then
//! `read`s until the announced length is in. Every wait is bounded by the caller's
//! deadline, so a server that accepts and says nothing, or sends one byte at a time, ends in
//! a timeout error, not a hang. Read [`tcp_exchange`] first.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use super::lenient::parse_best_effort;
use super::transport::{check_answer, is_timeout, Expect, Reply, Verdict};
use super::DnsError;

/// What is left before `deadline`, or a timeout error once it has passed.
fn time_left(deadline: Instant, server: SocketAddr) -> Result<Duration, DnsError> {
    match deadline.checked_duration_since(Instant::now()) {
        Some(left) if !left.is_zero() => Ok(left),
        _ => Err(DnsError::Timeout(format!("{server} did not answer over TCP in time"))),
    }
}

/// One query over TCP: the message is framed by a 2-byte big-endian length (RFC 1035 §4.2.2).
pub fn tcp_exchange(
    query: &[u8],
    expect: &Expect,
    server: SocketAddr,
    deadline: Instant,
) -> Result<(Vec<u8>, Reply), DnsError> {
    let io_err = |what: &str, e: io::Error| {
        if is_timeout(&e) {
            DnsError::Timeout(format!("{server} did not answer over TCP in time ({what})"))
        } else {
            DnsError::Io(format!("TCP {what} {server}: {e}"))
        }
    };
    let mut stream =
        TcpStream::connect_timeout(&server, time_left(deadline, server)?).map_err(|e| io_err("connect to", e))?;
    let len = u16::try_from(query.len()).map_err(|_| DnsError::BadName("query too long for TCP".into()))?;
    let mut framed = len.to_be_bytes().to_vec();
    framed.extend_from_slice(query);
    let _ = stream.set_write_timeout(Some(time_left(deadline, server)?));
    stream.write_all(&framed).map_err(|e| io_err("write to", e))?;
    let mut len_bytes = [0u8; 2];
    read_full(&mut stream, &mut len_bytes, deadline, server)?;
    let mut bytes = vec![0u8; usize::from(u16::from_be_bytes(len_bytes))];
    read_full(&mut stream, &mut bytes, deadline, server)?;
    match check_answer(&bytes, expect) {
        Verdict::Accept(reply) => Ok((bytes, reply)),
        // TC over TCP: nothing more to try; show what came, as dig does.
        Verdict::Truncated => Ok((bytes.clone(), Reply::Parsed(parse_best_effort(&bytes)?))),
        Verdict::Ignore(why) => Err(DnsError::Malformed(format!("over TCP, {why}"))),
    }
}

/// `read_exact`, but each `read` only waits for what is left before `deadline`, so a server
/// that sends one byte at a time cannot stretch the exchange forever.
fn read_full(stream: &mut TcpStream, buf: &mut [u8], deadline: Instant, server: SocketAddr) -> Result<(), DnsError> {
    let mut filled = 0;
    while filled < buf.len() {
        let _ = stream.set_read_timeout(Some(time_left(deadline, server)?));
        match stream.read(&mut buf[filled..]) {
            Ok(0) => {
                return Err(DnsError::Malformed(format!(
                    "{server} closed the TCP connection after {filled} of {} bytes",
                    buf.len()
                )))
            }
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) if is_timeout(&e) => {
                return Err(DnsError::Timeout(format!("{server} did not answer over TCP in time")))
            }
            Err(e) => return Err(DnsError::Io(format!("TCP read from {server}: {e}"))),
        }
    }
    Ok(())
}
