//! One rule for an output that fails: said once when it starts failing, once when it works
//! again (with what was lost in between), never once per write.
//!
//! A server writes to *sinks* besides its clients: the access log, the trace file, any
//! output file. When one fails (`ENOSPC` on a full disk, `EIO`, a pipe whose reader left),
//! it usually fails for every write that follows: logging each failure turns a full disk
//! into thousands of identical lines on stderr — on the disk that is full, often. nginx says
//! it once; so does every sink here, through this one type:
//!
//! ```text
//! ERROR access log: No space left on device (os error 28): lines are being lost until writes succeed again
//! WARN  access log: writing again; 8050 lines were lost while it failed
//! ```
//!
//! The state is two atomics, so it can be shared by threads (`&SinkHealth` in an `Arc`) and
//! by processes: [`SinkHealth::shared`] places it in a `MAP_SHARED` page (`mmap(2)`) made
//! before any `fork(2)`, so the fork model's children, each writing its own requests' lines,
//! still report the failure once between them all.
//!
//! [`BufferedSink`] is the same rule for a sink owned by one loop (the reactor's trace, the
//! reactor models' access log): lines gather in memory and go out in one `write(2)`; a
//! failed write drops what it carried (a full disk must not grow the server's memory), and
//! the next write tries again with what came after. [`LineSink`] is the blocking models'
//! shape: one `write(2)` per line on an `O_APPEND` file shared by threads and children.

use std::fs::File;
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Whether a sink is failing, and how many records were lost since it began to.
#[derive(Debug, Default)]
pub struct SinkHealth {
    failing: AtomicBool,
    lost: AtomicU64,
}

impl SinkHealth {
    pub const fn new() -> SinkHealth {
        SinkHealth {
            failing: AtomicBool::new(false),
            lost: AtomicU64::new(0),
        }
    }

    /// A health shared with the children this process will fork (`shared_page.rs`). Falls
    /// back to a private one (each child then reports on its own) if the kernel refuses the
    /// mapping.
    pub fn shared() -> &'static SinkHealth {
        // SAFETY: `SinkHealth` is two atomics, no pointer.
        unsafe { crate::shared_page::alloc::<SinkHealth>() }.unwrap_or_else(|e| {
            log::debug!("sink health: mmap: {e}");
            Box::leak(Box::new(SinkHealth::new()))
        })
    }

    /// The outcome of one write to `sink` that carried `records` lines: a failure is
    /// reported only if the sink was working until now, a success only if it was failing.
    pub fn record(&self, sink: &str, result: &io::Result<()>, records: u64) {
        match result {
            Ok(()) => self.succeeded(sink),
            Err(e) => self.failed(sink, e, records),
        }
    }

    fn failed(&self, sink: &str, e: &io::Error, records: u64) {
        self.lost.fetch_add(records, Ordering::Relaxed);
        if !self.failing.swap(true, Ordering::AcqRel) {
            log::error!("{sink}: {e}: lines are being lost until writes succeed again");
        }
    }

    fn succeeded(&self, sink: &str) {
        if self.failing.load(Ordering::Relaxed) && self.failing.swap(false, Ordering::AcqRel) {
            let lost = self.lost.swap(0, Ordering::Relaxed);
            log::warn!("{sink}: writing again; {lost} lines were lost while it failed");
        }
    }

    /// The sink's last write failed.
    pub fn is_failing(&self) -> bool {
        self.failing.load(Ordering::Relaxed)
    }

    /// Records lost since the sink began to fail (0 once it recovered).
    pub fn lost(&self) -> u64 {
        self.lost.load(Ordering::Relaxed)
    }
}

/// Lines gathered in memory and written to a file in one `write(2)` when the buffer is full
/// or the owner says so (`flush`, and on drop); failures follow the rule of [`SinkHealth`].
#[derive(Debug)]
pub struct BufferedSink {
    /// What the log lines call it ("access log", "trace").
    name: &'static str,
    out: File,
    buf: Vec<u8>,
    /// Write once the buffer holds this much.
    capacity: usize,
    health: SinkHealth,
}

impl BufferedSink {
    pub fn new(name: &'static str, out: File, capacity: usize) -> BufferedSink {
        BufferedSink {
            name,
            out,
            buf: Vec::with_capacity(capacity),
            capacity,
            health: SinkHealth::new(),
        }
    }

    /// Where the next line goes (complete each line with `\n`, then call [`Self::line_done`]).
    pub fn buffer(&mut self) -> &mut Vec<u8> {
        &mut self.buf
    }

    /// A line was appended: write the buffer if it is full.
    pub fn line_done(&mut self) {
        if self.buf.len() >= self.capacity {
            self.flush();
        }
    }

    /// Write every buffered line (one `write(2)`, more only if the kernel takes part). On
    /// failure the lines are dropped, once reported.
    pub fn flush(&mut self) {
        if self.buf.is_empty() {
            return;
        }
        let result = self.out.write_all(&self.buf);
        let lines = self.buf.iter().filter(|&&b| b == b'\n').count() as u64;
        self.health.record(self.name, &result, lines);
        self.buf.clear();
    }

    pub fn health(&self) -> &SinkHealth {
        &self.health
    }
}

impl Drop for BufferedSink {
    /// The server is stopping: what the last turn did not write goes now.
    fn drop(&mut self) {
        self.flush();
    }
}

/// A file written one whole line per `write(2)` by every thread and forked child of a
/// blocking server (`O_APPEND`: lines land whole at the end, no lock), with one health for
/// them all.
#[derive(Debug)]
pub struct LineSink {
    name: &'static str,
    out: File,
    health: &'static SinkHealth,
}

impl LineSink {
    /// Call this before any thread or child exists: the health is shared with them.
    pub fn new(name: &'static str, out: File) -> LineSink {
        LineSink {
            name,
            out,
            health: SinkHealth::shared(),
        }
    }

    /// Write one line (its `\n` included) with one `write(2)`.
    pub fn write_line(&self, line: &[u8]) {
        let result = (&self.out).write_all(line);
        self.health.record(self.name, &result, 1);
    }

    pub fn health(&self) -> &SinkHealth {
        self.health
    }
}

#[cfg(test)]
mod tests {
    use super::{BufferedSink, SinkHealth};
    use std::io;

    #[test]
    fn a_failure_is_counted_and_cleared_by_the_next_success() {
        let health = SinkHealth::new();
        let full = || Err(io::Error::from_raw_os_error(libc::ENOSPC));
        health.record("test sink", &Ok(()), 1);
        assert!(!health.is_failing());
        for _ in 0..5 {
            health.record("test sink", &full(), 2);
        }
        assert!(health.is_failing());
        assert_eq!(health.lost(), 10);
        health.record("test sink", &Ok(()), 1);
        assert!(!health.is_failing());
        assert_eq!(health.lost(), 0);
    }

    #[test]
    fn a_shared_health_is_seen_by_a_forked_child() {
        let health = SinkHealth::shared();
        // SAFETY: the child only touches the shared page and exits at once.
        match unsafe { nix::unistd::fork() }.expect("fork") {
            nix::unistd::ForkResult::Child => {
                health.record("test sink", &Err(io::Error::from_raw_os_error(libc::EIO)), 3);
                unsafe { libc::_exit(0) };
            }
            nix::unistd::ForkResult::Parent { child } => {
                nix::sys::wait::waitpid(child, None).expect("waitpid");
                assert!(health.is_failing(), "the child's failure is seen by the parent");
                assert_eq!(health.lost(), 3);
            }
        }
    }

    #[test]
    fn a_full_disk_drops_the_buffer_instead_of_growing_it() {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full");
        let mut sink = BufferedSink::new("test sink", full, 64);
        for _ in 0..100 {
            sink.buffer().extend_from_slice(b"0123456789abcdef\n");
            sink.line_done();
            assert!(sink.buffer().len() < 64, "the buffer is emptied by each failed write");
        }
        assert!(sink.health().is_failing());
        assert_eq!(sink.health().lost(), 100, "4 lines per failed write of 64 bytes");
    }
}
