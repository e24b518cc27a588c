//! One exchange over UDP: `socket(AF_INET, SOCK_DGRAM)`, `sendto` the query, `recvfrom` with a
//! deadline. A datagram whose id is not ours, or that does not come from the server, is
//! someone else's (or a spoofing attempt, RFC 5452): drop it and keep waiting.

use std::net::{SocketAddr, ToSocketAddrs, UdpSocket};
use std::time::{Duration, Instant};

/// Send `query` to `server` and return the first datagram from it that carries `id`.
pub fn exchange(server: &str, query: &[u8], id: u16, timeout: Duration) -> Result<Vec<u8>, String> {
    let to: SocketAddr = server
        .to_socket_addrs()
        .map_err(|e| e.to_string())?
        .next()
        .ok_or("no address")?;
    let local = if to.is_ipv4() { "0.0.0.0:0" } else { "[::]:0" };
    let socket = UdpSocket::bind(local).map_err(|e| format!("socket: {e}"))?;
    socket.send_to(query, to).map_err(|e| format!("sendto: {e}"))?;
    // LAB 17 BEGIN: wait for our answer, not any datagram
    let deadline = Instant::now() + timeout;
    let mut buf = [0u8; 4096];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(format!("no answer within {timeout:?}"));
        }
        socket.set_read_timeout(Some(left)).map_err(|e| e.to_string())?;
        let (n, from) = match socket.recv_from(&mut buf) {
            Ok(got) => got,
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {
                return Err(format!("no answer within {timeout:?}"))
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(format!("recvfrom: {e}")),
        };
        let reply = &buf[..n];
        if from == to && reply.len() >= 2 && u16::from_be_bytes([reply[0], reply[1]]) == id {
            return Ok(reply.to_vec());
        }
        eprintln!("dns-by-hand: dropped a datagram of {n} bytes from {from} that is not our answer");
    }
    // LAB 17 END
}
