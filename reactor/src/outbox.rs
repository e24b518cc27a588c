//! A connection's pending output: bytes the handler asked to send that the socket has not
//! taken yet, and file ranges to stream with `sendfile(2)`.
//!
//! Readiness rule 4: short writes are normal. `write(2)` on a non-blocking socket takes what
//! fits in the kernel's send buffer and returns how much; the rest stays here until the
//! socket is writable again. The reactor bounds what this may hold in memory
//! (`Config::max_output`): a file range costs no memory, only its descriptor; bytes shared
//! with other connections (`Ctx::send_shared`) cost their memory once, however many
//! outboxes point at them, and count toward each one's limit until sent.
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
use std::sync::Arc;

/// What a queued file range counts toward the output limit: not its length (it stays on
/// disk), but its open descriptor and bookkeeping. A client pipelining thousands of file
/// requests without reading still reaches the limit.
pub const FILE_CHUNK_COST: usize = 16 * 1024;

/// One piece of pending output.
enum Chunk {
    /// Bytes in memory; `data[sent..]` is still to go.
    Bytes { data: Payload, sent: usize },
    /// `len` bytes of `file` from `offset`, sent by `sendfile(2)` without passing through
    /// user space.
    File { file: File, offset: i64, len: u64 },
}

/// Where a `Chunk::Bytes` keeps its bytes; written the same way either way.
enum Payload {
    /// Our own copy (more output can be appended to it).
    Owned(Vec<u8>),
    /// Shared with other connections (one rendering of a large document sent to many
    /// clients): written from the one copy, counted toward the limit until sent.
    Shared(Arc<[u8]>),
}

impl std::ops::Deref for Payload {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Payload::Owned(bytes) => bytes,
            Payload::Shared(bytes) => bytes,
        }
    }
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
        if let Some(Chunk::Bytes {
            data: Payload::Owned(data),
            ..
        }) = self.chunks.back_mut()
        {
            data.extend_from_slice(bytes);
        } else {
            self.chunks.push_back(Chunk::Bytes {
                data: Payload::Owned(bytes.to_vec()),
                sent: 0,
            });
        }
    }

    /// Queue an owned buffer without copying it when nothing else is pending.
    pub fn push_vec(&mut self, bytes: Vec<u8>) {
        if self.chunks.is_empty() && !bytes.is_empty() {
            self.buffered += bytes.len();
            self.chunks.push_back(Chunk::Bytes {
                data: Payload::Owned(bytes),
                sent: 0,
            });
        } else {
            self.push_bytes(&bytes);
        }
    }

    /// Queue bytes shared with other connections: no copy, however many clients get them.
    /// Their unsent part counts toward the high-water mark like owned bytes.
    pub fn push_shared(&mut self, data: Arc<[u8]>) {
        if !data.is_empty() {
            self.buffered += data.len();
            self.chunks.push_back(Chunk::Bytes {
                data: Payload::Shared(data),
                sent: 0,
            });
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
                Chunk::Bytes { data, sent } => {
                    // LAB 8 BEGIN: write what the socket takes, keep the rest
                    match write_part(sink, &data[*sent..], more) {
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
                    }
                    // LAB 8 END
                }
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

/// A connection's outbox, allocated when the connection first has output.
///
/// Most connections of a C10K server are idle: they have never been sent a byte. Each one
/// pays a pointer here (8 bytes, `None`) instead of a whole `Outbox` (56). Once allocated,
/// the outbox stays: its `written` count is what flow control and the trace measure progress
/// by, and a connection that had output once will likely have more.
#[derive(Default)]
pub struct LazyOutbox(Option<Box<Outbox>>);

impl LazyOutbox {
    /// The outbox, allocated now if the connection never had one: to queue output.
    pub fn queue(&mut self) -> &mut Outbox {
        self.0.get_or_insert_with(Box::default)
    }

    pub fn is_empty(&self) -> bool {
        self.0.as_ref().map_or(true, |outbox| outbox.is_empty())
    }

    pub fn written(&self) -> u64 {
        self.0.as_ref().map_or(0, |outbox| outbox.written())
    }

    pub fn buffered(&self) -> usize {
        self.0.as_ref().map_or(0, |outbox| outbox.buffered())
    }

    pub fn clear(&mut self) {
        if let Some(outbox) = self.0.as_mut() {
            outbox.clear();
        }
    }

    /// `Outbox::flush_to`; nothing was ever queued: nothing to write.
    pub fn flush_to(&mut self, sink: &mut Stream, fin_follows: bool) -> io::Result<Flush> {
        match self.0.as_mut() {
            Some(outbox) => outbox.flush_to(sink, fin_follows),
            None => Ok(Flush::Drained),
        }
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
mod tests;
