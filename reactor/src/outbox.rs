//! A connection's pending output: bytes the handler asked to send that the socket has not
//! taken yet, and file ranges to stream with `sendfile(2)`.
//!
//! Readiness rule 4: short writes are normal. `write(2)` on a non-blocking socket takes what
//! fits in the kernel's send buffer and returns how much; the rest stays here until the
//! socket is writable again. The reactor bounds what this may hold in memory
//! (`Config::max_output`): a file range costs no memory, only its descriptor.

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

    /// Write as much as the socket takes, until drained or `WouldBlock`.
    /// `EINTR` is retried here: it is a write that did nothing, not an event wait.
    pub fn flush_to<S: Write + AsFd>(&mut self, sink: &mut S) -> io::Result<Flush> {
        while let Some(front) = self.chunks.front_mut() {
            let done = match front {
                Chunk::Bytes { data, sent } => match sink.write(&data[*sent..]) {
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
        Ok(Flush::Drained)
    }
}

/// One `sendfile(2)` call: file -> socket inside the kernel; advances `offset`.
fn send_file_part<S: AsFd>(sink: &S, file: &File, offset: &mut i64, len: u64) -> io::Result<usize> {
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
        let (mut a, mut b) = UnixStream::pair().expect("pair");
        a.set_nonblocking(true).expect("nonblocking");
        let mut out = Outbox::default();
        let big: Vec<u8> = (0..4_000_000u32).map(|i| (i % 251) as u8).collect();
        out.push_bytes(&big[..1000]);
        out.push_vec(big[1000..].to_vec());
        assert_eq!(out.buffered(), big.len());
        // The socket buffer is far smaller than 4 MB: the first flush must block.
        assert_eq!(out.flush_to(&mut a).expect("flush"), Flush::Blocked);
        assert!(out.buffered() < big.len() && out.buffered() > 0);
        let reader = std::thread::spawn(move || {
            let mut got = Vec::new();
            b.read_to_end(&mut got).expect("read");
            got
        });
        while out.flush_to(&mut a).expect("flush") == Flush::Blocked {
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
        let (mut a, mut b) = UnixStream::pair().expect("pair");
        let mut out = Outbox::default();
        out.push_bytes(b"<");
        out.push_file(File::open(&dir).expect("open"), 2, 5).expect("push");
        out.push_bytes(b">");
        assert_eq!(
            out.buffered(),
            2 + FILE_CHUNK_COST,
            "a file range costs a fixed charge, not its length"
        );
        assert_eq!(out.flush_to(&mut a).expect("flush"), Flush::Drained);
        assert_eq!(out.buffered(), 0);
        drop(a);
        let mut got = String::new();
        b.read_to_string(&mut got).expect("read");
        assert_eq!(got, "<23456>");
        let _ = std::fs::remove_file(dir);
    }
}
