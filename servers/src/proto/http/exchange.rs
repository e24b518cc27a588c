//! One connection's side of HTTP/1.1, as a state machine the drivers feed with bytes.
//!
//! ```text
//!        ┌──────────── head complete, no body ────────────┐
//!        v                                                 │
//!   ReadingHead ── head complete, Content-Length: n ──> DiscardingBody(n) ── n bytes ──┘
//!        │
//!        └── invalid head / timeout / Connection: close ──> (response with close = true)
//! ```
//!
//! [`Exchange::step`] looks at the unconsumed input and does *one* thing: answers one
//! request, discards some body bytes, or says it needs more. The drivers loop over it, so
//! pipelined requests are answered in order, and the reactor can stop after a few responses
//! to bound what it queues. Nothing here reads a socket: the tests feed it byte slices.
//!
//! A body on GET/HEAD has no meaning to us, but its bytes are on the wire and must be
//! skipped to find the next request: up to [`MAX_DISCARD`] bytes are read and dropped; a
//! longer one gets 413 and a close. A chunked body is not decoded: we answer and close.

use super::access_log::RequestLog;
use super::request::{parse_head, BodyFraming, Method, Parsed, Request};
use super::response::{refusal, simple, Response, Status};
use super::serve::{respond, Context};

/// Largest request body read and thrown away to keep a connection alive.
pub const MAX_DISCARD: u64 = 1 << 20;

/// Where the connection is in its current request.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Phase {
    ReadingHead,
    DiscardingBody(u64),
}

/// What one step did.
#[derive(Debug)]
pub enum Step {
    /// Nothing complete in the input: wait for more bytes.
    NeedMore,
    /// Skipped this many body bytes.
    Discarded(usize),
    /// A response, after consuming this many bytes of input; `log`: what the access log
    /// says about the request.
    Respond {
        consumed: usize,
        response: Response,
        log: RequestLog,
    },
}

/// Per-connection protocol state.
#[derive(Debug)]
pub struct Exchange {
    phase: Phase,
    /// How far the current head was already searched for its end (see `parse_head`).
    scanned: usize,
}

impl Default for Exchange {
    fn default() -> Self {
        Exchange {
            phase: Phase::ReadingHead,
            scanned: 0,
        }
    }
}

impl Exchange {
    /// Waiting for (the rest of) a head: what the header timeout watches.
    pub fn reading_head(&self) -> bool {
        self.phase == Phase::ReadingHead
    }

    /// Do one thing with `input` (all bytes received and not yet consumed).
    pub fn step(&mut self, input: &[u8], cx: &Context<'_>) -> Step {
        match self.phase {
            Phase::DiscardingBody(left) => self.discard(input, left),
            Phase::ReadingHead => self.read_head(input, cx),
        }
    }

    fn discard(&mut self, input: &[u8], left: u64) -> Step {
        if input.is_empty() {
            return Step::NeedMore;
        }
        let n = input.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        let left = left - n as u64;
        self.phase = if left == 0 {
            Phase::ReadingHead
        } else {
            Phase::DiscardingBody(left)
        };
        Step::Discarded(n)
    }

    fn read_head(&mut self, input: &[u8], cx: &Context<'_>) -> Step {
        match parse_head(input, &mut self.scanned) {
            Parsed::Incomplete => Step::NeedMore,
            Parsed::Invalid(status, why) => {
                self.scanned = 0;
                Step::Respond {
                    consumed: input.len(),
                    response: refusal(status, Some(why), cx.date, true, 1, false, &[]),
                    log: RequestLog::unparsed(),
                }
            }
            Parsed::Complete(request, head_len) => {
                self.scanned = 0;
                let response = self.answer(&request, cx);
                let log = RequestLog {
                    line: request_line(&request),
                    referer: request.referer,
                    user_agent: request.user_agent,
                };
                Step::Respond {
                    consumed: head_len,
                    response,
                    log,
                }
            }
        }
    }

    /// Respond, and set up what follows the head on the wire.
    fn answer(&mut self, request: &Request, cx: &Context<'_>) -> Response {
        super::status::request_served();
        let head_only = request.method == Method::Head;
        match request.body {
            BodyFraming::None => respond(request, cx),
            BodyFraming::Length(n) if n <= MAX_DISCARD => {
                self.phase = Phase::DiscardingBody(n);
                respond(request, cx)
            }
            BodyFraming::Length(_) => simple(Status::PayloadTooLarge, cx.date, true, request.minor, head_only),
            BodyFraming::Chunked => {
                let mut closing = request.clone();
                closing.keep_alive = false;
                respond(&closing, cx)
            }
        }
    }

    /// The 408 for a head that did not complete in time (the driver closes after it).
    pub fn timeout_response(date: &str) -> Response {
        simple(Status::RequestTimeout, date, true, 1, false)
    }
}

/// `GET /path HTTP/1.1`, as the access log shows it (the target escaped by the logger).
fn request_line(request: &Request) -> String {
    let method = match &request.method {
        Method::Get => "GET",
        Method::Head => "HEAD",
        Method::Other(m) => m,
    };
    format!("{method} {} HTTP/1.{}", request.target, request.minor)
}
