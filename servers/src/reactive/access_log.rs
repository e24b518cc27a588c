//! `http-server --access-log FILE|-`: the access log in nginx's combined format, buffered.
//!
//! Writing one line per request with its own `write(2)` (what nginx does for a plain
//! `access_log path;`) costs a system call per request: on a keep-alive benchmark, one more
//! for every `read` + `write` pair. Here lines are appended to a buffer in memory and the
//! buffer is written with one `write(2)`:
//!
//! - when it is full (`BUFFER` bytes; a busy turn can fill it),
//! - once per turn of the loop, when the reactor is about to wait (`Handler::on_turn_end`):
//!   a line is on disk before the server sleeps, so `tail -f` shows each request at once
//!   and an idle server holds nothing back; under load one write carries every line of a
//!   turn;
//! - when the server stops (`Drop`, after the last turn): SIGTERM loses no line.
//!
//! This is nginx's `access_log path buffer=size flush=time`, with the turn of the loop as the
//! flush interval. The file is opened with `O_APPEND`: each write lands at the end even if
//! another process (a log rotation tool, a second worker) writes there too. A failed write
//! drops its lines and is logged once, and once more when writes succeed again, with the
//! count of lines lost (`reactor::sink`, the rule every sink follows): the log must never
//! stop the server, nor flood stderr. The writes are
//! blocking, as nginx's are: a disk is fast, but with `-` piped into a reader that stops
//! reading, the loop waits for that reader.
//!
//! The date is formatted once per second (`06/Nov/1994:08:49:37 +0000`), like `Date:`.

use crate::proto::http::access_log::{append_combined, RequestLog};
use crate::proto::http::date::format_clf_date;
use crate::proto::http::Response;
use reactor::BufferedSink;
use std::fs::{File, OpenOptions};
use std::io;
use std::os::fd::AsFd;

/// Bytes of lines held before a write is forced (about 500 lines).
pub const BUFFER: usize = 64 * 1024;

/// The log's file: a path (created if missing, appended to: `O_APPEND`) or `-` for a
/// duplicate of standard output.
pub fn open_file(spec: &str) -> io::Result<File> {
    if spec == "-" {
        Ok(File::from(io::stdout().as_fd().try_clone_to_owned()?))
    } else {
        OpenOptions::new().create(true).append(true).open(spec)
    }
}

pub struct AccessLog {
    /// The log file (`O_APPEND`), or a duplicate of standard output for `-`, behind a
    /// buffer of the lines not yet written.
    out: BufferedSink,
    /// The second `clf_date` was formatted for, and the text.
    date: (i64, String),
}

impl AccessLog {
    /// Open `spec` (see `open_file`) behind a buffer.
    pub fn open(spec: &str) -> io::Result<AccessLog> {
        let out = open_file(spec)?;
        Ok(AccessLog {
            out: BufferedSink::new("access log", out, BUFFER),
            date: (i64::MIN, String::new()),
        })
    }

    /// Add the line for one response at Unix time `now`; write the buffer if it is full.
    pub fn record(&mut self, host: &str, log: &RequestLog, response: &Response, now: i64) {
        if self.date.0 != now {
            self.date = (now, format_clf_date(now));
        }
        append_combined(self.out.buffer(), host, log, response, &self.date.1);
        self.out.line_done();
    }

    /// Write every buffered line (one `write(2)`, more only if the kernel takes part); the
    /// sink flushes on drop too, when the server stops.
    pub fn flush(&mut self) {
        self.out.flush();
    }
}
