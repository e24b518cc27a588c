//! The metrics server on the reactor (select, poll or epoll): one thread, one store, no lock.
//!
//! Two listeners on one reactor: the protocol port (index 0) and, with `--http`, the HTTP
//! port (index 1). `on_accept` asks `Ctx::listener()` which one accepted the connection and
//! gives it a metrics `Session` or an HTTP state. Every session works on the same `Store`,
//! which lives in the handler: callbacks run one at a time, so no `Mutex` is needed — compare
//! with `blocking/metrics.rs`.
//!
//! Bounded output: a session appends at most `OUTPUT_BUDGET` (64 KiB) of replies per call and
//! then returns with commands left over; the reactor calls again once the output is written.
//! `max_output` is set *below* that budget (32 KiB), so a client that sends commands without
//! reading the replies crosses the high-water mark and is paused (backpressure: we stop
//! reading it, TCP flow control stops it), instead of making us buffer its replies.
//!
//! Scrapes (`proto/metrics/scrape.rs`): the exposition is rendered once per store version
//! and queued with `Ctx::send_shared`, so every scraper's outbox points at the same bytes;
//! at most `--max-scrapes` at once (the next get 503 + `Retry-After`), each dropped when its
//! `--scrape-deadline` timer fires before the reply is out. A scrape is counted from its
//! complete head to the end of its reply: a client still sending its head holds no slot (it
//! is bounded by the same deadline, started at accept, and by `--max-connections`), so 70
//! clients trickling a byte every 3 s cannot turn every normal scrape into a 503.

use crate::proto::metrics::scrape::{ExpositionCache, ScrapeLimits, SCRAPE_SEND_BUFFER};
use crate::proto::metrics::{http, unix_millis, Session, Store};
use crate::reactive::Attached;
use log::{debug, info, warn};
use nix::sys::socket::{getsockname, setsockopt, sockopt, SockaddrStorage};
use reactor::{BackendKind, CloseReason, Config, Ctx, Handler, Listener, Overflow, Peer, Stream, Token};
use std::io;
use std::os::fd::{AsFd, AsRawFd};

/// Index of the `--http` listener (the protocol listener is 0).
const HTTP_LISTENER: usize = 1;

/// The reactor limits for the metrics server, on top of the command-line ones.
pub fn config(base: Config) -> Config {
    Config {
        max_output: 32 * 1024,
        overflow: Overflow::Backpressure,
        // Frames and lines are at most 1 KiB and an HTTP head 8 KiB; more than this pending
        // means a client that does not read its replies.
        max_input: 64 * 1024,
        ..base
    }
}

/// What a connection is.
pub enum Conn {
    /// A protocol client; `pending` bytes of an incomplete frame or line wait for more.
    Metrics { session: Session, pending: usize },
    /// A connection on the HTTP port still sending its head: not counted as a scrape yet.
    HttpHead,
    /// A scrape whose reply is on its way (counted in `MetricsHandler::scrapes` until closed).
    Http,
    /// A scrape refused with 503: closed once the reply is out, not counted.
    Refused,
}

/// The timer tag of a scrape's deadline.
const SCRAPE_TIMER: u64 = 1;

/// The one store, and the buffer replies are encoded into.
#[derive(Default)]
pub struct MetricsHandler {
    pub store: Store,
    /// Reused output buffer: no allocation per command.
    out: Vec<u8>,
    /// The last rendering of each document, shared by every scrape.
    cache: ExpositionCache,
    /// Scrapes open now.
    scrapes: usize,
    /// How many scrapes at once, and how long each may take.
    pub scrape_limits: ScrapeLimits,
    /// The port of the `--http` listener: `on_connect` knows a scrape by it.
    http_port: Option<u16>,
}

impl Handler for MetricsHandler {
    type State = Conn;

    /// A scrape socket (accepted on the HTTP port) gets a small send buffer (`scrape.rs`).
    fn on_connect(&mut self, stream: Stream, _peer: &Peer) -> io::Result<Stream> {
        if self.http_port.is_some() && local_port(&stream) == self.http_port {
            shrink_send_buffer(&stream);
        }
        Ok(stream)
    }

    fn on_accept(&mut self, ctx: &mut Ctx<'_>, token: Token, peer: &Peer) -> Conn {
        if ctx.listener() == Some(HTTP_LISTENER) {
            debug!("{token}: HTTP scrape from {peer}");
            // The deadline covers head and reply: it starts now, not at the complete head.
            ctx.set_timer(self.scrape_limits.deadline, SCRAPE_TIMER);
            return Conn::HttpHead;
        }
        debug!("{token}: metrics client {peer}");
        Conn::Metrics {
            session: Session::new(),
            pending: 0,
        }
    }

    fn on_data(&mut self, ctx: &mut Ctx<'_>, token: Token, conn: &mut Conn, input: &[u8]) -> usize {
        match conn {
            Conn::Metrics { session, pending } => {
                self.out.clear();
                let progress = session.on_bytes(input, &mut self.store, unix_millis(), &mut self.out);
                ctx.send(token, &self.out);
                if progress.close {
                    ctx.close(token);
                }
                *pending = input.len() - progress.consumed;
                progress.consumed
            }
            Conn::HttpHead => match self.answer_head(ctx, token, input) {
                Some(next) => {
                    *conn = next;
                    input.len()
                }
                None => 0, // head incomplete: wait for more
            },
            Conn::Http | Conn::Refused => input.len(), // one request per connection
        }
    }

    fn on_timer(&mut self, ctx: &mut Ctx<'_>, token: Token, conn: &mut Conn, tag: u64) {
        if tag == SCRAPE_TIMER && matches!(conn, Conn::HttpHead | Conn::Http) {
            warn!(
                "{token}: scrape not done in {:?}, dropping it",
                self.scrape_limits.deadline
            );
            ctx.abort(token);
        }
    }

    fn on_close(&mut self, _ctx: &mut Ctx<'_>, token: Token, conn: &mut Conn, reason: &CloseReason) {
        if matches!(conn, Conn::Http) {
            self.scrapes = self.scrapes.saturating_sub(1);
        }
        match conn {
            Conn::Metrics { session, pending } if *pending > 0 => {
                let encoding = session.encoding().map_or("?", |e| e.as_str());
                info!("{token}: {reason} in the middle of a {encoding} frame; {pending} bytes discarded");
            }
            _ => debug!("{token}: closed ({reason})"),
        }
    }
}

impl MetricsHandler {
    /// Once the head is complete (`None` before): take a scrape slot and queue the reply, or
    /// answer 503 when `--max-scrapes` replies are already in flight. Either way the
    /// connection closes once its reply is out; the new state is returned.
    fn answer_head(&mut self, ctx: &mut Ctx<'_>, token: Token, input: &[u8]) -> Option<Conn> {
        if !http::head_done(input) {
            return None;
        }
        let next = if self.scrapes >= self.scrape_limits.max {
            warn!("{token}: {} scrapes already running, 503", self.scrapes);
            ctx.send_vec(token, http::busy(self.scrapes).to_vec());
            Conn::Refused
        } else {
            let reply = http::respond(input, &self.store, &mut self.cache)?;
            self.scrapes += 1;
            ctx.send_vec(token, reply.head);
            ctx.send_shared(token, reply.body);
            Conn::Http
        };
        ctx.close(token);
        Some(next)
    }
}

/// Serve the protocol on `listener` (and HTTP on `http`) until SIGINT/SIGTERM.
pub fn run(
    kind: BackendKind,
    listener: Listener,
    http: Option<Listener>,
    config: Config,
    attached: &Attached,
    scrape_limits: ScrapeLimits,
) -> io::Result<()> {
    let handler = MetricsHandler {
        scrape_limits,
        http_port: http.as_ref().and_then(local_port),
        ..MetricsHandler::default()
    };
    let mut reactor = attached.reactor(kind, handler, config)?;
    reactor.listen(listener)?;
    if let Some(http) = http {
        reactor.listen(http)?;
    }
    reactor.watch_signals(&[])?;
    info!("serving metrics on the {kind} reactor");
    reactor.run()?;
    info!("stopped with {} metrics in the store", reactor.handler().store.len());
    Ok(())
}

/// The local port of a socket (`getsockname(2)`), for TCP.
fn local_port(socket: &impl AsFd) -> Option<u16> {
    let addr: SockaddrStorage = getsockname(socket.as_fd().as_raw_fd()).ok()?;
    addr.as_sockaddr_in()
        .map(|a| a.port())
        .or_else(|| addr.as_sockaddr_in6().map(|a| a.port()))
}

/// `setsockopt(SO_SNDBUF)` to `SCRAPE_SEND_BUFFER` (best effort: a failure only costs memory).
pub fn shrink_send_buffer(socket: &impl AsFd) {
    if let Err(e) = setsockopt(socket, sockopt::SndBuf, &SCRAPE_SEND_BUFFER) {
        debug!("SO_SNDBUF on a scrape socket: {e}");
    }
}
