//! A connection's pending output: bytes the handler asked to send that the socket has not
//! taken yet, and file ranges to stream with `sendfile(2)`.
//!
//! Readiness rule 4: short writes are normal. `write(2)` on a non-blocking socket takes what
//! fits in the kernel's send buffer and returns how much; the rest stays here until the
//! socket is writable again. The reactor bounds what this may hold in memory
//! (`Config::max_output`): a file range costs no memory, only its descriptor.
//!
//! # Fewer, fuller TCP segments: `MSG_MORE` and `TCP_CORK`
//!
//! The reactor sets `TCP_NODELAY` on every connection, so each `write(2)` leaves at once as
//! its own segment: right for a chat line, wasteful for an HTTP response whose head, body and
//! closing FIN could share segments. Every segment costs both ends a trip through the TCP
//! stack (and the receiver a wake-up), so on loopback the count matters more than the bytes.
//! Two ways to tell the kernel "more is coming, hold partial segments":
//!
//! - `send(2)` with **`MSG_MORE`** holds back that one call's bytes. Used for the last bytes
//!   before a FIN (a `Connection: close` reply): the reactor's `shutdown(2)` then carries
//!   them and the FIN in one segment instead of two (`reactor/io.rs`: why not `close(2)`).
//! - **`TCP_CORK`** (`setsockopt(2)`) holds partial segments until it is cleared. `sendfile(2)`
//!   has no flags argument, and without the cork each call ends with a short segment (and the
//!   head before it goes alone). So the socket is corked while a file range is queued, and
//!   uncorked (which sends the tail) once the outbox drains — nginx's `tcp_nopush`. When a
//!   FIN follows the drain, the uncork is left to it: the FIN pushes everything.
//!
//! Neither delays anything: full segments leave at once, and the held tail goes as soon as
//! the outbox drains (uncork or FIN, in the same turn) — or, if the socket buffer fills up
//! first, with the next ACK, as any queued data does.

use crate::net::Stream;
use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, Write};
use std::os::fd::AsFd;

/// What a queued file range counts toward the output limit: not its length (it stays on
/// disk), but its open descriptor and bookkeeping. A client pipelining thousands of file
/// requests without reading still reaches the limit.
pub const FILE_CHUNK_COST: usize = 16 * 1024;

/// One piece of pending output.
enum Chunk {
    /// Bytes in memory; `data[sent..]` is still to go.
    Bytes { data: Vec<u8>, sent: usize },
    /// `len` bytes of `file` from `offset`, sent by `sendfile(2)` without passing through
    /// user space.
    File { file: File, offset: i64, len: u64 },
}

/// What a flush achieved.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Flush {
    /// Everything was written.
    Drained,
    /// The socket buffer is full (`WouldBlock`): wait for WRITABLE.
    Blocked,
}

/// FIFO of pending output for one connection.
#[derive(Default)]
pub struct Outbox {
    chunks: VecDeque<Chunk>,
    /// Bytes held in memory, plus `FILE_CHUNK_COST` per queued file: what the high-water mark
    /// is about.
    buffered: usize,
    /// Bytes written so far, ever: a flush that moved it made progress.
    written: u64,
    /// `TCP_CORK` is set on the socket (see the module doc).
    corked: bool,
}

impl Outbox {
    /// Total bytes written to the socket by this outbox.
    pub fn written(&self) -> u64 {
        self.written
    }

    pub fn is_empty(&self) -> bool {
        self.chunks.is_empty()
    }

    /// Bytes waiting in memory (plus the fixed charge per queued file).
    pub fn buffered(&self) -> usize {
        self.buffered
    }

    /// Queue bytes, appending to the last in-memory chunk when there is one.
    pub fn push_bytes(&mut self, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        self.buffered += bytes.len();
        if let Some(Chunk::Bytes { data, .. }) = self.chunks.back_mut() {
            data.extend_from_slice(bytes);
        } else {
            self.chunks.push_back(Chunk::Bytes {
                data: bytes.to_vec(),
                sent: 0,
            });
        }
    }

    /// Queue an owned buffer without copying it when nothing else is pending.
    pub fn push_vec(&mut self, bytes: Vec<u8>) {
        if self.chunks.is_empty() && !bytes.is_empty() {
            self.buffered += bytes.len();
            self.chunks.push_back(Chunk::Bytes { data: bytes, sent: 0 });
        } else {
            self.push_bytes(&bytes);
        }
    }

    /// Queue `len` bytes of `file` starting at `offset`.
    pub fn push_file(&mut self, file: File, offset: u64, len: u64) -> io::Result<()> {
        if len == 0 {
            return Ok(());
        }
        let offset =
            i64::try_from(offset).map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "file offset too large"))?;
        self.chunks.push_back(Chunk::File { file, offset, len });
        self.buffered += FILE_CHUNK_COST;
        Ok(())
    }

    /// Drop everything pending (the connection is being aborted).
    pub fn clear(&mut self) {
        self.chunks.clear();
        self.buffered = 0;
    }

    /// Is a file range queued? Then the socket is corked while it is sent.
    fn holds_file(&self) -> bool {
        self.chunks.iter().any(|chunk| matches!(chunk, Chunk::File { .. }))
    }

    /// Write as much as the socket takes, until drained or `WouldBlock`.
    /// `EINTR` is retried here: it is a write that did nothing, not an event wait.
    /// `fin_follows`: the caller closes or shuts down the socket once this drains, so the last
    /// bytes may wait for the FIN and leave with it (module doc).
    pub fn flush_to(&mut self, sink: &mut Stream, fin_follows: bool) -> io::Result<Flush> {
        if !self.corked && self.holds_file() {
            sink.set_cork(true)?;
            self.corked = true;
        }
        loop {
            // More output or a FIN right behind the front chunk: its bytes may wait for it.
            let more = fin_follows || self.chunks.len() > 1;
            let Some(front) = self.chunks.front_mut() else { break };
            let done = match front {
                Chunk::Bytes { data, sent } => match write_part(sink, &data[*sent..], more) {
                    Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                    Ok(n) => {
                        *sent += n;
                        self.buffered -= n;
                        self.written += n as u64;
                        *sent == data.len()
                    }
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(Flush::Blocked),
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => false,
                    Err(e) => return Err(e),
                },
                Chunk::File { file, offset, len } => match send_file_part(sink, file, offset, *len) {
                    Ok(0) => {
                        return Err(io::Error::new(
                            io::ErrorKind::UnexpectedEof,
                            "file shrank while being sent",
                        ))
                    }
                    Ok(n) => {
                        *len -= n as u64;
                        self.written += n as u64;
                        if *len == 0 {
                            self.buffered -= FILE_CHUNK_COST;
                        }
                        *len == 0
                    }
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(Flush::Blocked),
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => false,
                    Err(e) => return Err(e),
                },
            };
            if done {
                self.chunks.pop_front();
            }
        }
        if self.corked && !fin_follows {
            // Drained: send the partial segment the cork was holding.
            sink.set_cork(false)?;
            self.corked = false;
        }
        Ok(Flush::Drained)
    }
}

/// One `write(2)`, or `send(2)` with `MSG_MORE` when more follows at once.
fn write_part(sink: &mut Stream, bytes: &[u8], more: bool) -> io::Result<usize> {
    if more {
        sink.write_more(bytes)
    } else {
        sink.write(bytes)
    }
}

/// One `sendfile(2)` call: file -> socket inside the kernel; advances `offset`.
fn send_file_part(sink: &Stream, file: &File, offset: &mut i64, len: u64) -> io::Result<usize> {
    // Cap one call so a huge file does not monopolise a turn of the loop.
    let count = len.min(1 << 20) as usize;
    nix::sys::sendfile::sendfile64(sink.as_fd(), file.as_fd(), Some(offset), count).map_err(io::Error::from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;
    use std::os::unix::net::UnixStream;

    #[test]
    fn short_writes_keep_the_rest_in_order() {
        let (a, mut b) = UnixStream::pair().expect("pair");
        a.set_nonblocking(true).expect("nonblocking");
        let mut a = Stream::Unix(a);
        let mut out = Outbox::default();
        let big: Vec<u8> = (0..4_000_000u32).map(|i| (i % 251) as u8).collect();
        out.push_bytes(&big[..1000]);
        out.push_vec(big[1000..].to_vec());
        assert_eq!(out.buffered(), big.len());
        // The socket buffer is far smaller than 4 MB: the first flush must block.
        assert_eq!(out.flush_to(&mut a, false).expect("flush"), Flush::Blocked);
        assert!(out.buffered() < big.len() && out.buffered() > 0);
        let reader = std::thread::spawn(move || {
            let mut got = Vec::new();
            b.read_to_end(&mut got).expect("read");
            got
        });
        while out.flush_to(&mut a, false).expect("flush") == Flush::Blocked {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        assert_eq!(out.buffered(), 0);
        drop(a);
        assert_eq!(reader.join().expect("join"), big);
    }

    #[test]
    fn file_ranges_go_out_with_sendfile() {
        let dir = std::env::temp_dir().join(format!("outbox-test-{}", std::process::id()));
        std::fs::write(&dir, b"0123456789").expect("write file");
        let (a, mut b) = UnixStream::pair().expect("pair");
        let mut a = Stream::Unix(a);
        let mut out = Outbox::default();
        out.push_bytes(b"<");
        out.push_file(File::open(&dir).expect("open"), 2, 5).expect("push");
        out.push_bytes(b">");
        assert_eq!(
            out.buffered(),
            2 + FILE_CHUNK_COST,
            "a file range costs a fixed charge, not its length"
        );
        assert_eq!(out.flush_to(&mut a, false).expect("flush"), Flush::Drained);
        assert_eq!(out.buffered(), 0);
        drop(a);
        let mut got = String::new();
        b.read_to_string(&mut got).expect("read");
        assert_eq!(got, "<23456>");
        let _ = std::fs::remove_file(dir);
    }

    /// A connected TCP pair on loopback: (server side as a `Stream`, client side).
    fn tcp_pair() -> (Stream, std::net::TcpStream) {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let client = std::net::TcpStream::connect(listener.local_addr().expect("addr")).expect("connect");
        let (server, _) = listener.accept().expect("accept");
        server.set_nodelay(true).expect("nodelay");
        client
            .set_read_timeout(Some(std::time::Duration::from_secs(10)))
            .expect("timeout"); // only to fail a hung test
        (Stream::Tcp(server), client)
    }

    fn corked(stream: &Stream) -> bool {
        let Stream::Tcp(tcp) = stream else { return false };
        nix::sys::socket::getsockopt(tcp, nix::sys::socket::sockopt::TcpCork).expect("getsockopt")
    }

    #[test]
    fn a_file_is_sent_corked_and_the_cork_lifted_when_drained() {
        let path = std::env::temp_dir().join(format!("outbox-cork-{}", std::process::id()));
        std::fs::write(&path, b"0123456789").expect("write file");
        let (mut server, mut client) = tcp_pair();
        let mut out = Outbox::default();
        out.push_bytes(b"head:");
        out.push_file(File::open(&path).expect("open"), 0, 10).expect("push");
        assert_eq!(out.flush_to(&mut server, false).expect("flush"), Flush::Drained);
        assert!(
            !corked(&server),
            "the cork must be lifted once drained, or the tail waits"
        );
        out.push_file(File::open(&path).expect("open"), 5, 5).expect("push");
        assert_eq!(out.flush_to(&mut server, true).expect("flush"), Flush::Drained);
        assert!(corked(&server), "with a FIN to follow, the FIN lifts the cork");
        server.shutdown_write().expect("shutdown");
        let mut got = Vec::new();
        client.read_to_end(&mut got).expect("read to EOF");
        assert_eq!(got, b"head:012345678956789");
        let _ = std::fs::remove_file(path);
    }

    #[test]
    fn bytes_held_for_the_fin_leave_with_it() {
        let (mut server, mut client) = tcp_pair();
        let mut out = Outbox::default();
        out.push_bytes(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nbye");
        assert_eq!(out.flush_to(&mut server, true).expect("flush"), Flush::Drained);
        server.shutdown_write().expect("shutdown");
        let mut got = String::new();
        client.read_to_string(&mut got).expect("read to EOF");
        assert_eq!(got, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nbye");
    }
}
