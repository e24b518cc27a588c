//! The blocking models' flight recorder (`--trace FILE`): a lighter trace than the reactor's
//! per-turn lines, in the same format (one JSON object per line, see docs/trace-format.md).
//!
//! A blocking server has no turns to record: its story is accept, then fork(2) or a new
//! thread, then the connection's bytes and its close, then (fork) the parent's waitpid(2).
//! One record per step. Because the fork model writes from several processes and the thread
//! model from several threads, the file is opened with `O_APPEND` and each record is one
//! `write(2)` of a whole line: the kernel appends each line atomically at the end of the
//! file, so lines from different writers never interleave and no lock is needed. A trace
//! file that fails is reported once for all of them (`reactor::LineSink`), not per record.
//!
//! Bytes per connection come from the kernel's own counters on the TCP socket
//! (`getsockopt(TCP_INFO)`, what `ss -ti` shows), read when the session ends: no counting
//! wrapper around the socket, and the same numbers for all three models.

use reactor::trace::push_json_str;
use reactor::LineSink;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::fs::{File, OpenOptions};
use std::io;
use std::os::fd::RawFd;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// The trace file of a blocking server, shared by its threads and inherited by its children.
#[derive(Debug)]
pub struct ConnTrace {
    file: LineSink,
    /// Time zero: `t_us` counts from here (a forked child inherits it: same clock).
    start: Instant,
    /// Serial number of the last accepted connection (descriptor numbers are reused).
    last_conn: AtomicU64,
    /// The serial number of each open client descriptor, so that the code serving a client
    /// needs only its socket to record the close (a forked child inherits a copy).
    open: Mutex<HashMap<RawFd, u64>>,
}

impl ConnTrace {
    /// Create (truncate) `path` for appending and write the `start` line.
    pub fn create(path: &Path, model: &str) -> io::Result<ConnTrace> {
        File::create(path)?; // empty it: O_APPEND and O_TRUNC do not go together in std
        let file = OpenOptions::new().append(true).open(path)?;
        let trace = ConnTrace {
            file: LineSink::new("trace", file),
            start: Instant::now(),
            last_conn: AtomicU64::new(0),
            open: Mutex::new(HashMap::new()),
        };
        let unix_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis());
        let pid = std::process::id();
        trace.write(&format!(
            r#"{{"type":"start","version":{},"model":"{model}","pid":{pid},"unix_ms":{unix_ms}}}"#,
            reactor::trace::TRACE_VERSION
        ));
        Ok(trace)
    }

    /// `accept(2)` returned a client: its serial number from now on.
    pub fn accepted(&self, fd: RawFd, peer: &str) -> u64 {
        let conn = self.last_conn.fetch_add(1, Ordering::Relaxed) + 1;
        self.open_fds().insert(fd, conn);
        let mut line = self.head("accept", conn);
        let _ = write!(line, r#","fd":{fd},"peer":"#);
        push_json_str(&mut line, peer);
        self.finish(line);
        conn
    }

    /// A process or thread was started to serve `conn` ("pid 1234", "thread client-3").
    pub fn spawned(&self, conn: u64, worker: &str) {
        let mut line = self.head("spawn", conn);
        line.push_str(r#","worker":"#);
        push_json_str(&mut line, worker);
        self.finish(line);
    }

    /// The session on `fd` ended, before the descriptor is closed: the bytes it read and
    /// wrote.
    pub fn closed(&self, fd: RawFd, bytes: Option<(u64, u64)>) {
        let conn = self.open_fds().remove(&fd).unwrap_or(0);
        let mut line = self.head("close", conn);
        let _ = write!(line, r#","fd":{fd},"pid":{}"#, std::process::id());
        if let Some((read, written)) = bytes {
            let _ = write!(line, r#","in":{read},"out":{written}"#);
        }
        self.finish(line);
    }

    /// The parent reaped a child (`waitpid`); `status` as nix prints it.
    pub fn reaped(&self, pid: i32, status: &str) {
        let mut line = self.head("reap", 0);
        let _ = write!(line, r#","pid":{pid},"status":"#);
        push_json_str(&mut line, status);
        self.finish(line);
    }

    /// The open descriptors' serial numbers (a panic elsewhere cannot make them unusable).
    fn open_fds(&self) -> std::sync::MutexGuard<'_, HashMap<RawFd, u64>> {
        self.open.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// `{"type":KIND,"t_us":…,"conn":N` (the record is completed by the caller).
    fn head(&self, kind: &str, conn: u64) -> String {
        let t_us = self.start.elapsed().as_micros();
        format!(r#"{{"type":"{kind}","t_us":{t_us},"conn":{conn}"#)
    }

    fn finish(&self, mut line: String) {
        line.push('}');
        self.write(&line);
    }

    /// One `write(2)` per line (`O_APPEND`: atomic against the other writers).
    fn write(&self, line: &str) {
        let mut bytes = Vec::with_capacity(line.len() + 1);
        bytes.extend_from_slice(line.as_bytes());
        bytes.push(b'\n');
        self.file.write_line(&bytes);
    }
}

/// The start of Linux's `struct tcp_info` (`<linux/tcp.h>`), up to the two byte counters
/// this trace wants. glibc's older copy of the struct (and so `libc::tcp_info`) stops
/// before them; the kernel fills as much as the caller's buffer holds.
#[repr(C)]
#[derive(Default)]
struct TcpInfo {
    state_and_flags: [u8; 8],
    /// rto, ato, snd_mss, rcv_mss, unacked, sacked, lost, retrans, fackets,
    /// last_data_sent, last_ack_sent, last_data_recv, last_ack_recv, pmtu, rcv_ssthresh,
    /// rtt, rttvar, snd_ssthresh, snd_cwnd, advmss, reordering, rcv_rtt, rcv_space,
    /// total_retrans
    counters: [u32; 24],
    pacing_rate: u64,
    max_pacing_rate: u64,
    /// Bytes we sent that the peer acknowledged (Linux 4.1+).
    bytes_acked: u64,
    /// Bytes received from the peer (Linux 4.1+).
    bytes_received: u64,
}

/// (bytes received, bytes sent and acknowledged) on a TCP socket, as the kernel counted
/// them: `getsockopt(fd, IPPROTO_TCP, TCP_INFO)`, the numbers `ss -ti` prints. `None` for a
/// UNIX socket or an older kernel.
pub fn tcp_bytes(fd: RawFd) -> Option<(u64, u64)> {
    let mut info = TcpInfo::default();
    let wanted = std::mem::size_of::<TcpInfo>();
    let mut len = libc::socklen_t::try_from(wanted).ok()?;
    // SAFETY: `info` is a plain C struct of `len` bytes that the kernel fills at most.
    let rc = unsafe {
        libc::getsockopt(
            fd,
            libc::IPPROTO_TCP,
            libc::TCP_INFO,
            (&mut info as *mut TcpInfo).cast(),
            &mut len,
        )
    };
    (rc == 0 && usize::try_from(len).ok()? >= wanted).then_some((info.bytes_received, info.bytes_acked))
}

#[cfg(test)]
mod tests {
    use super::tcp_bytes;
    use std::io::{Read, Write};
    use std::net::{TcpListener, TcpStream};
    use std::os::fd::AsRawFd;

    #[test]
    fn tcp_info_counts_the_bytes_of_a_connection() -> std::io::Result<()> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let mut client = TcpStream::connect(listener.local_addr()?)?;
        let (mut server, _) = listener.accept()?;
        client.write_all(b"hello")?;
        let mut buf = [0u8; 5];
        server.read_exact(&mut buf)?;
        server.write_all(b"hi")?;
        client.read_exact(&mut buf[..2])?;
        // The peer's ACK may lag a little behind its read: wait for it, bounded.
        let mut counted = tcp_bytes(server.as_raw_fd());
        for _ in 0..100 {
            if counted.is_some_and(|(_, acked)| acked == 2) {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
            counted = tcp_bytes(server.as_raw_fd());
        }
        assert_eq!(counted, Some((5, 2)), "5 bytes received, 2 sent and acknowledged");
        Ok(())
    }
}
