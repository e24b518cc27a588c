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

use crate::proto::metrics::{http, unix_millis, Session, Store};
use log::{debug, info};
use reactor::{BackendKind, CloseReason, Config, Ctx, Handler, Listener, Overflow, Peer, Reactor, Token};
use std::io;

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
    /// A scrape on the HTTP port.
    Http,
}

/// The one store, and the buffer replies are encoded into.
#[derive(Default)]
pub struct MetricsHandler {
    pub store: Store,
    /// Reused output buffer: no allocation per command.
    out: Vec<u8>,
}

impl Handler for MetricsHandler {
    type State = Conn;

    fn on_accept(&mut self, ctx: &mut Ctx<'_>, token: Token, peer: &Peer) -> Conn {
        if ctx.listener() == Some(HTTP_LISTENER) {
            debug!("{token}: HTTP scrape from {peer}");
            return Conn::Http;
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
            Conn::Http => match http::respond(input, &self.store) {
                None => 0, // head incomplete: wait for more
                Some(response) => {
                    ctx.send_vec(token, response);
                    ctx.close(token);
                    input.len()
                }
            },
        }
    }

    fn on_close(&mut self, _ctx: &mut Ctx<'_>, token: Token, conn: &mut Conn, reason: &CloseReason) {
        match conn {
            Conn::Metrics { session, pending } if *pending > 0 => {
                let encoding = session.encoding().map_or("?", |e| e.as_str());
                info!("{token}: {reason} in the middle of a {encoding} frame; {pending} bytes discarded");
            }
            _ => debug!("{token}: closed ({reason})"),
        }
    }
}

/// Serve the protocol on `listener` (and HTTP on `http`) until SIGINT/SIGTERM.
pub fn run(kind: BackendKind, listener: Listener, http: Option<Listener>, config: Config) -> io::Result<()> {
    let mut reactor = Reactor::new(kind, MetricsHandler::default(), config)?;
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
