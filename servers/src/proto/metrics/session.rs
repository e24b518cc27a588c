//! One connection of the metrics protocol, sans I/O: bytes in, replies out, against the
//! shared store. Every driver (thread, select, poll, epoll) runs this same code.
//!
//! `on_bytes` is given everything received and not yet consumed. It picks the encoding from
//! the first byte (`sniff.rs`), then takes whole frames (binary) or whole lines (text, JSON),
//! executes each command on the store and appends the encoded reply. A partial frame or line
//! at the end is left unconsumed: it is *incomplete*, not an error.
//!
//! Bounds, so that no client costs unbounded memory or time:
//! - a frame is at most 1 KiB (`binary.rs`); a line at most [`MAX_LINE`] bytes: a longer one
//!   gets `ERR too-long` once and is discarded up to its newline, and the session goes on;
//! - one call appends at most about [`OUTPUT_BUDGET`] bytes of replies and then returns, even
//!   with whole commands left: the driver calls again once that output is written, so a client
//!   that pipelines thousands of LISTs without reading is paused, not buffered;
//! - a connection may create at most [`MAX_NEW_METRICS`] metrics (`ERR quota` after that), so
//!   one client cannot fill the store alone; the store itself holds at most 10 000.

use super::binary::{self, Decoded};
use super::command::{Command, Error, ErrorCode, Reply};
use super::message::Message;
use super::sniff::{sniff, Encoding};
use super::store::Store;
use super::{json, text};

/// Longest text or JSON line, newline excluded.
pub const MAX_LINE: usize = 1024;
/// Reply bytes one call may produce before it yields to the driver.
pub const OUTPUT_BUDGET: usize = 64 * 1024;
/// Metrics one connection may create.
pub const MAX_NEW_METRICS: usize = 1000;

/// Per-connection protocol state.
#[derive(Debug, Default)]
pub struct Session {
    /// Chosen by the first byte, then fixed.
    encoding: Option<Encoding>,
    /// A line passed `MAX_LINE`: skip input up to the next newline.
    discarding: bool,
    /// Metrics this connection created, for the quota.
    created: usize,
    /// QUIT or a fatal error: the reply is out, the connection must close, input is ignored.
    closed: bool,
}

/// What a call to `on_bytes` did.
#[derive(Debug, PartialEq, Eq)]
pub struct Progress {
    /// Bytes of input used; the rest is kept for the next call.
    pub consumed: usize,
    /// Close the connection once the output is written.
    pub close: bool,
}

impl Session {
    pub fn new() -> Session {
        Session::default()
    }

    /// The encoding, once the first byte has arrived.
    pub fn encoding(&self) -> Option<Encoding> {
        self.encoding
    }

    /// Handle the commands at the start of `input`; append replies to `out`. `now_ms`
    /// (milliseconds since 1970) stamps values sent without a timestamp.
    pub fn on_bytes(&mut self, input: &[u8], store: &mut Store, now_ms: i64, out: &mut Vec<u8>) -> Progress {
        let budget_end = out.len() + OUTPUT_BUDGET;
        let mut pos = 0;
        while pos < input.len() && !self.closed && out.len() < budget_end {
            match self.step(&input[pos..], store, now_ms, out) {
                Some(used) => pos += used,
                None => break, // incomplete: wait for more bytes
            }
        }
        if self.closed {
            pos = input.len(); // nothing after a QUIT or a fatal error is read
        }
        Progress {
            consumed: pos,
            close: self.closed,
        }
    }

    /// One frame or line. `None`: it is not complete yet.
    fn step(&mut self, input: &[u8], store: &mut Store, now_ms: i64, out: &mut Vec<u8>) -> Option<usize> {
        let encoding = match self.encoding {
            Some(encoding) => encoding,
            None => match sniff(input[0]) {
                Ok(encoding) => *self.encoding.insert(encoding),
                Err(e) => {
                    text::write_reply(&Reply::Err(e), out); // no encoding agreed: plain text
                    self.closed = true;
                    return Some(0);
                }
            },
        };
        match encoding {
            Encoding::Binary => self.binary_step(input, store, now_ms, out),
            Encoding::Text | Encoding::Json => self.line_step(encoding, input, store, now_ms, out),
        }
    }

    fn binary_step(&mut self, input: &[u8], store: &mut Store, now_ms: i64, out: &mut Vec<u8>) -> Option<usize> {
        match binary::decode(input) {
            Decoded::Incomplete => None,
            Decoded::Fatal(error) => {
                binary::encode_reply(&Reply::Err(error), out);
                self.closed = true;
                Some(input.len())
            }
            Decoded::Frame { len, message } => {
                let reply = match message {
                    Ok(Message::Request(command)) => self.execute(command, store, now_ms),
                    Ok(reply) => {
                        let why = format!("type 0x{:02x} is a reply, not a request", reply.type_code());
                        Reply::Err(Error::new(ErrorCode::UnknownType, why))
                    }
                    Err(error) => Reply::Err(error),
                };
                binary::encode_reply(&reply, out);
                Some(len)
            }
        }
    }

    fn line_step(
        &mut self,
        encoding: Encoding,
        input: &[u8],
        store: &mut Store,
        now_ms: i64,
        out: &mut Vec<u8>,
    ) -> Option<usize> {
        let newline = input.iter().position(|&b| b == b'\n');
        if self.discarding {
            return Some(match newline {
                Some(i) => {
                    self.discarding = false;
                    i + 1
                }
                None => input.len(),
            });
        }
        let too_long = || {
            Reply::Err(Error::new(
                ErrorCode::TooLong,
                format!("line over {MAX_LINE} bytes, ignored"),
            ))
        };
        let (reply, used) = match newline {
            Some(i) if i > MAX_LINE => (too_long(), i + 1),
            Some(i) => {
                let parsed = match encoding {
                    Encoding::Json => json::parse_line(&input[..i]),
                    _ => text::parse_line(&input[..i]),
                };
                match parsed {
                    Ok(Some(command)) => (self.execute(command, store, now_ms), i + 1),
                    Ok(None) => return Some(i + 1), // blank line
                    Err(error) => (Reply::Err(error), i + 1),
                }
            }
            None if input.len() > MAX_LINE => {
                self.discarding = true;
                (too_long(), input.len())
            }
            None => return None,
        };
        match encoding {
            Encoding::Json => json::write_reply(&reply, out),
            _ => text::write_reply(&reply, out),
        }
        Some(used)
    }

    /// Run a command on the store, enforcing the per-connection quota and QUIT.
    fn execute(&mut self, command: Command, store: &mut Store, now_ms: i64) -> Reply {
        let creates = matches!(&command, Command::Desc { name, .. } if !store.contains(name));
        if creates && self.created >= MAX_NEW_METRICS {
            let why = format!("this connection already created {MAX_NEW_METRICS} metrics");
            return Reply::Err(Error::new(ErrorCode::Quota, why));
        }
        if command == Command::Quit {
            self.closed = true;
        }
        let reply = store.execute(command, now_ms);
        if creates && matches!(reply, Reply::Ok(_)) {
            self.created += 1;
        }
        reply
    }
}
