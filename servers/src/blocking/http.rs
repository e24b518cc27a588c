//! HTTP on a blocking socket: read until a head is complete, write the response, repeat
//! while the connection is kept alive.
//!
//! Two timeouts share the socket's `SO_RCVTIMEO`, set before each `read` to whichever ends
//! first: the idle timeout (`--idle-timeout`, none by default), and what is left of the
//! header timeout, whose clock starts when the server begins to wait for a request — at
//! accept, and after each response. Past it, a client that sent part of a head gets 408
//! (slowloris); one that sent nothing (a silent or idle keep-alive connection) is closed.
//! Writes get `SO_SNDTIMEO`, so a client that stops reading cannot hold a thread, a process,
//! or the iterative server forever. Files go out with a plain `sendfile(2)` loop: the
//! blocking call simply waits while the client's window is full, and memory stays flat.
//!
//! `--access-log FILE` here writes each line with its own `write(2)`, unbuffered: a blocking
//! server has no loop turn at which to flush, and a forked child's buffer would die with it.
//! The file is opened once with `O_APPEND` before any thread or child exists, so lines from
//! every thread and process land whole at the end of the file. A failing log (a full disk)
//! is reported once for them all, and once when it works again (`reactor::LineSink`).

use crate::proto::http::access_log::{self, RequestLog};
use crate::proto::http::date::format_clf_date;
use crate::proto::http::date::DateCache;
use crate::proto::http::{status, Body, Context, Exchange, Response, Site, Step};
use log::{debug, info, log_enabled, Level};
use nix::sys::socket::{setsockopt, sockopt};
use nix::sys::time::TimeVal;
use reactor::{LineSink, Peer, Stream};
use std::fs::File;
use std::io::{self, Read, Write};
use std::os::fd::AsFd;
use std::time::{Duration, Instant};

/// Bytes read per `read(2)`; the buffer holds at most one incomplete head (16 KiB) plus this.
const READ_CHUNK: usize = 16 * 1024;

/// `SO_SNDTIMEO` when no idle timeout is given: how long a write may wait for a client.
const DEFAULT_SEND_TIMEOUT: Duration = Duration::from_secs(60);

/// What every session needs; shared (read-only) by all threads or inherited by each child.
pub struct HttpSession {
    pub site: Site,
    pub header_timeout: Duration,
    pub idle_timeout: Option<Duration>,
    /// `--access-log`: the log file (`O_APPEND`, or a duplicate of stdout); `None` logs
    /// through the logger instead.
    pub access_log: Option<LineSink>,
}

impl HttpSession {
    /// Serve one client until it closes, asks to close, times out, or breaks the protocol.
    pub fn serve(&self, stream: &mut Stream, peer: &Peer) -> io::Result<()> {
        let _counted = OpenConnection::new();
        let host = access_log::host_of(&peer.to_string());
        let send_timeout = self.idle_timeout.unwrap_or(DEFAULT_SEND_TIMEOUT);
        let secs = libc::time_t::try_from(send_timeout.as_secs()).unwrap_or(libc::time_t::MAX);
        setsockopt(&stream, sockopt::SendTimeout, &TimeVal::new(secs, 0))?;
        let mut dates = DateCache::default();
        let mut exchange = Exchange::default();
        let mut input: Vec<u8> = Vec::with_capacity(READ_CHUNK);
        let mut chunk = vec![0u8; READ_CHUNK];
        // When the wait for the current request began: accept, then the end of each response.
        let mut waiting_since = Instant::now();
        let mut read_timeout = ReadTimeout::default();
        loop {
            // Answer every complete request already received (pipelining), in order.
            let mut at = 0;
            loop {
                let (date, now) = dates.now();
                let cx = Context { site: &self.site, date };
                match exchange.step(&input[at..], &cx) {
                    Step::NeedMore => break,
                    Step::Discarded(n) => at += n,
                    Step::Respond {
                        consumed,
                        response,
                        log,
                    } => {
                        at += consumed;
                        self.log_access(&host, &log, &response, now);
                        let close = response.close;
                        write_response(stream, response)?;
                        if close {
                            return Ok(());
                        }
                        waiting_since = Instant::now();
                    }
                }
            }
            input.drain(..at);
            let head_left = self.header_timeout.saturating_sub(waiting_since.elapsed());
            let wait = self.idle_timeout.map_or(head_left, |idle| idle.min(head_left));
            read_timeout.set(stream, Some(wait))?;
            match stream.read(&mut chunk) {
                Ok(0) => return Ok(()),
                Ok(n) => input.extend_from_slice(&chunk[..n]),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {
                    if reactor::signal::stop_requested() {
                        return Ok(());
                    }
                }
                Err(e) if super::is_idle_timeout(&e) => {
                    let partial = exchange.reading_head() && !input.is_empty();
                    return self.timed_out(stream, &host, partial);
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// A read timed out: 408 in the middle of a head, a quiet close when nothing came.
    fn timed_out(&self, stream: &mut Stream, host: &str, partial_head: bool) -> io::Result<()> {
        if !partial_head {
            info!("{host}: no request in time, closing");
            return Ok(());
        }
        let mut dates = DateCache::default();
        let (date, now) = dates.now();
        let response = Exchange::timeout_response(date);
        self.log_access(host, &RequestLog::unparsed(), &response, now);
        write_response(stream, response)
    }
}

/// `SO_RCVTIMEO`, changed only when the wanted value changes (one `setsockopt` saved per read).
#[derive(Default)]
struct ReadTimeout {
    current: Option<Option<Duration>>,
}

impl ReadTimeout {
    fn set(&mut self, stream: &Stream, wait: Option<Duration>) -> io::Result<()> {
        // Rounded up to a tenth of a second: what is left of the header timeout differs by
        // microseconds from one request to the next, and would cost a setsockopt per read.
        // (Never zero: a zero timeout means "no timeout" to the kernel.)
        let wait = wait.map(round_up_to_tenth);
        if self.current != Some(wait) {
            stream.set_read_timeout(wait)?;
            self.current = Some(wait);
        }
        Ok(())
    }
}

/// `d` rounded up to the next multiple of 100 ms, at least 100 ms.
fn round_up_to_tenth(d: Duration) -> Duration {
    let tenths = d.as_millis().div_ceil(100).max(1);
    Duration::from_millis(u64::try_from(tenths * 100).unwrap_or(u64::MAX))
}

/// Head and in-memory body in one `write`, or head then a `sendfile` loop.
fn write_response(stream: &mut Stream, response: Response) -> io::Result<()> {
    let mut head = response.head;
    if let Body::File { file, offset, len } = response.body {
        stream.write_all(&head)?;
        return send_file(stream, &file, offset, len);
    }
    if let Some(bytes) = response.body.in_memory() {
        head.extend_from_slice(bytes);
    }
    stream.write_all(&head)
}

/// `sendfile(2)` until `len` bytes are out: kernel to kernel, no user-space buffer.
fn send_file(stream: &Stream, file: &File, offset: u64, len: u64) -> io::Result<()> {
    let mut offset = i64::try_from(offset).map_err(|_| io::Error::other("file offset too large"))?;
    let mut left = len;
    while left > 0 {
        let count = left.min(1 << 20) as usize;
        match nix::sys::sendfile::sendfile64(stream.as_fd(), file.as_fd(), Some(&mut offset), count) {
            Ok(0) => {
                // The bytes the head promised no longer exist: the session ends, the driver
                // logs this once and closes (the client sees a short body).
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "a file shrank while being sent: response cut short, closed",
                ));
            }
            Ok(n) => left -= n as u64,
            Err(nix::errno::Errno::EINTR) => continue,
            Err(e) => {
                debug!("sendfile: {e} with {left} bytes left");
                return Err(e.into());
            }
        }
    }
    Ok(())
}

impl HttpSession {
    /// One combined-format line into the access log (one `write(2)`), or else one
    /// common-log-format line at info level (formatted only when it will be shown).
    fn log_access(&self, host: &str, log: &RequestLog, response: &Response, now: i64) {
        if let Some(sink) = self.access_log.as_ref() {
            let mut line = Vec::with_capacity(256);
            access_log::append_combined(&mut line, host, log, response, &format_clf_date(now));
            sink.write_line(&line);
        } else if log_enabled!(Level::Info) {
            info!("{}", access_log::line(host, &log.line, response, now));
        }
    }
}

/// Counts this connection as open in `/status` while it lives (every return path of `serve`).
struct OpenConnection;

impl OpenConnection {
    fn new() -> OpenConnection {
        status::connection_opened();
        OpenConnection
    }
}

impl Drop for OpenConnection {
    fn drop(&mut self) {
        status::connection_closed();
    }
}
