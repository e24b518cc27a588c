//! HTTP on the reactor: the `Exchange` state machine per connection, files streamed with
//! `sendfile(2)` as the socket becomes writable (`Ctx::send_file`).
//!
//! `on_data` answers pipelined requests in order but queues a bounded amount per call
//! (`MAX_QUEUED` bytes of heads and small bodies, or one file) and returns how much input it
//! consumed up to there. The reactor calls again once that output has drained: a client that
//! pipelines a thousand requests without reading gets backpressure, not a thousand open
//! files in its outbox.
//!
//! The header timeout (`Ctx::set_timer`) starts when the server begins to wait for a request:
//! at accept, and again after each response. A client that sent part of a head when it fires
//! gets 408 (slowloris); one that sent nothing at all — a silent connection, or an idle
//! keep-alive one — is closed without a word. Starting the clock at the first byte instead
//! would let a thousand silent connections hold every slot forever.
//!
//! Logging: with `--access-log`, one combined-format line per response goes to a buffer
//! written once per turn (`access_log.rs`), and the logger's info line is not formatted at
//! all; without it, the info line on stderr (for demos; `RUST_LOG=warn` turns it off).

use super::access_log::AccessLog;
use crate::proto::http::access_log::{self, RequestLog};
use crate::proto::http::date::DateCache;
use crate::proto::http::{status, Body, Context, Exchange, Response, Site, Step};
use log::{info, log_enabled, Level};
use reactor::{CloseReason, Ctx, Handler, Peer, TimerKey, Token};
use std::time::Duration;

/// Most head and small-body bytes queued by one `on_data` call; a file body counts as this
/// much on its own, so at most one file is queued per call.
const MAX_QUEUED: usize = 64 * 1024;

/// The one timer tag this handler uses.
const HEAD_TIMER: u64 = 1;

/// The server: shared by every connection on this thread.
pub struct HttpHandler {
    site: Site,
    /// `Date` formatted once per second.
    dates: DateCache,
    /// How long a client may take to send a complete head.
    header_timeout: Duration,
    /// `--access-log`: the buffered log file; `None` logs through the logger instead.
    access_log: Option<AccessLog>,
}

impl HttpHandler {
    pub fn new(site: Site, header_timeout: Duration) -> HttpHandler {
        HttpHandler {
            site,
            dates: DateCache::default(),
            header_timeout,
            access_log: None,
        }
    }

    /// Write the access log to `log` (and no per-request line through the logger).
    pub fn with_access_log(mut self, log: AccessLog) -> HttpHandler {
        self.access_log = Some(log);
        self
    }
}

/// One line for a response: into the access log if there is one, else to the logger.
fn log_response(file: &mut Option<AccessLog>, conn: &HttpConn, log: &RequestLog, response: &Response, now: i64) {
    match file {
        Some(file) => file.record(&conn.host, log, response, now),
        None => log_access(&conn.peer, &log.line, response, now),
    }
}

/// Per-connection state.
pub struct HttpConn {
    exchange: Exchange,
    /// The client, for the logger's line (formatted only when a line is logged).
    peer: Peer,
    /// The client's address without the port, formatted once at accept for `--access-log`
    /// (empty without it).
    host: String,
    /// The header timeout, armed while the server waits for a request.
    head_timer: Option<TimerKey>,
    /// Some bytes of the awaited request arrived (a 408 is owed if time runs out).
    started: bool,
    /// `on_data` stopped with whole requests unanswered, waiting for our own output to
    /// drain: then the client is not the slow one, and the header timeout waits too.
    backlogged: bool,
}

impl Handler for HttpHandler {
    type State = HttpConn;

    fn on_accept(&mut self, ctx: &mut Ctx<'_>, _token: Token, peer: &Peer) -> HttpConn {
        status::connection_opened();
        let host = match self.access_log {
            Some(_) => access_log::host_of(&peer.to_string()),
            None => String::new(),
        };
        let mut conn = HttpConn {
            exchange: Exchange::default(),
            peer: peer.clone(),
            host,
            head_timer: None,
            started: false,
            backlogged: false,
        };
        restart_head_timer(ctx, &mut conn, self.header_timeout);
        conn
    }

    fn on_data(&mut self, ctx: &mut Ctx<'_>, token: Token, conn: &mut HttpConn, input: &[u8]) -> usize {
        let (date, now) = self.dates.now();
        let cx = Context { site: &self.site, date };
        let mut consumed = 0;
        let mut queued = 0;
        conn.backlogged = false;
        while queued < MAX_QUEUED {
            match conn.exchange.step(&input[consumed..], &cx) {
                Step::NeedMore => {
                    conn.started |= input.len() > consumed;
                    return consumed;
                }
                Step::Discarded(n) => consumed += n,
                Step::Respond {
                    consumed: used,
                    response,
                    log,
                } => {
                    consumed += used;
                    restart_head_timer(ctx, conn, self.header_timeout);
                    log_response(&mut self.access_log, conn, &log, &response, now);
                    let close = response.close;
                    queued += queue(ctx, token, response);
                    if close {
                        ctx.close(token);
                        return input.len();
                    }
                }
            }
        }
        conn.backlogged = consumed < input.len();
        consumed
    }

    fn on_timer(&mut self, ctx: &mut Ctx<'_>, token: Token, conn: &mut HttpConn, tag: u64) {
        if tag != HEAD_TIMER || conn.head_timer.take().is_none() {
            return;
        }
        if conn.backlogged {
            // Requests are waiting for *our* output to drain: not the client's delay.
            return restart_head_timer(ctx, conn, self.header_timeout);
        }
        if !conn.started {
            log::debug!("{token} ({}): no request within the header timeout, closing", conn.peer);
            return ctx.close(token); // after any response still being written
        }
        let (date, now) = self.dates.now();
        let response = Exchange::timeout_response(date);
        log_response(&mut self.access_log, conn, &RequestLog::unparsed(), &response, now);
        queue(ctx, token, response);
        ctx.close(token);
    }

    fn on_close(&mut self, _ctx: &mut Ctx<'_>, token: Token, conn: &mut HttpConn, reason: &CloseReason) {
        status::connection_closed();
        // The outbox's `sendfile(2)` found the end of a file before the bytes its head
        // promised: they no longer exist, so the connection ends (the client sees a short
        // body), said once, as nginx does.
        if *reason == CloseReason::Error(std::io::ErrorKind::UnexpectedEof) {
            log::warn!(
                "{token} ({}): a file shrank while being sent: response cut short, closed",
                conn.peer
            );
        }
    }

    /// The turn is over: write the access log lines it produced (one `write(2)`).
    fn on_turn_end(&mut self) {
        if let Some(log) = &mut self.access_log {
            log.flush();
        }
    }
}

/// The server starts waiting for a (next) request: the client has `after` to send it whole.
fn restart_head_timer(ctx: &mut Ctx<'_>, conn: &mut HttpConn, after: Duration) {
    if let Some(key) = conn.head_timer.take() {
        ctx.cancel_timer(key);
    }
    conn.started = false;
    conn.head_timer = ctx.set_timer(after, HEAD_TIMER);
}

/// Hand the response to the reactor; returns what it counts toward `MAX_QUEUED`.
fn queue(ctx: &mut Ctx<'_>, token: Token, response: Response) -> usize {
    let mut head = response.head;
    if let Body::File { file, offset, len } = response.body {
        ctx.send_vec(token, head);
        ctx.send_file(token, file, offset, len);
        return MAX_QUEUED;
    }
    if let Some(bytes) = response.body.in_memory() {
        head.extend_from_slice(bytes); // one buffer, one write(2) for both
    }
    let cost = head.len();
    ctx.send_vec(token, head);
    cost
}

/// One common-log-format line at info level (formatted only when it will be shown: the
/// benchmarks run with RUST_LOG=warn and pay for none of it).
fn log_access(peer: &Peer, request_line: &str, response: &Response, now: i64) {
    if log_enabled!(Level::Info) {
        let host = access_log::host_of(&peer.to_string());
        info!("{}", access_log::line(&host, request_line, response, now));
    }
}
