//! `Ctx`: what a handler may ask of the reactor during a callback.
//!
//! Nothing here performs I/O. Each call records an operation; the reactor applies them right
//! after the callback returns (see `reactor/apply.rs`). That keeps one place where output
//! enters a connection's buffer and the high-water rules are checked, and it means a chat
//! handler broadcasting to 100 members never holds a reference into the slab while the
//! reactor holds another.

use crate::timer::{TimerKey, TimerKind, Timers};
use crate::Token;
use std::fs::File;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// An operation recorded by a handler, applied after its callback.
pub(crate) enum Op {
    Send(Token, Vec<u8>),
    SendFile {
        to: Token,
        file: File,
        offset: u64,
        len: u64,
    },
    SendShared(Token, Arc<[u8]>),
    Broadcast {
        data: Vec<u8>,
        except: Option<Token>,
    },
    /// Close after the pending output is written.
    Close(Token),
    /// Close now, dropping pending output.
    Abort(Token),
    /// `shutdown(SHUT_WR)` once the pending output is written.
    ShutdownWrite(Token),
    /// Stop the reactor gracefully.
    Stop,
}

/// The handler's window onto the reactor for the duration of one callback.
pub struct Ctx<'a> {
    pub(crate) ops: &'a mut Vec<Op>,
    pub(crate) timers: &'a mut Timers,
    pub(crate) now: Instant,
    /// The connection this callback is about and its serial (for timers).
    pub(crate) current: Option<(Token, u64)>,
    /// During `on_accept`: which listener accepted the connection.
    pub(crate) listener: Option<usize>,
}

impl<'a> Ctx<'a> {
    pub(crate) fn new(
        ops: &'a mut Vec<Op>,
        timers: &'a mut Timers,
        now: Instant,
        current: Option<(Token, u64)>,
    ) -> Self {
        Ctx {
            ops,
            timers,
            now,
            current,
            listener: None,
        }
    }

    /// In `on_accept`: the index of the listener that accepted this connection (0 for the
    /// first `Reactor::listen`), for a server with several (e.g. a protocol port and an
    /// HTTP port). `None` in other callbacks.
    pub fn listener(&self) -> Option<usize> {
        self.listener
    }

    /// Queue `bytes` for `to` (this connection or another).
    pub fn send(&mut self, to: Token, bytes: &[u8]) {
        if !bytes.is_empty() {
            self.ops.push(Op::Send(to, bytes.to_vec()));
        }
    }

    /// Queue an owned buffer for `to`, without a copy when possible.
    pub fn send_vec(&mut self, to: Token, bytes: Vec<u8>) {
        if !bytes.is_empty() {
            self.ops.push(Op::Send(to, bytes));
        }
    }

    /// Queue bytes shared with other connections (`Arc`): a large document rendered once
    /// and sent to many clients costs its memory once, not once per client.
    pub fn send_shared(&mut self, to: Token, bytes: Arc<[u8]>) {
        if !bytes.is_empty() {
            self.ops.push(Op::SendShared(to, bytes));
        }
    }

    /// Queue `len` bytes of `file` from `offset`, streamed with `sendfile(2)` as the socket
    /// becomes writable; the file never passes through memory.
    pub fn send_file(&mut self, to: Token, file: File, offset: u64, len: u64) {
        self.ops.push(Op::SendFile { to, file, offset, len });
    }

    /// Queue `bytes` for every connection (sockets only), except `except`.
    pub fn broadcast(&mut self, bytes: &[u8], except: Option<Token>) {
        self.ops.push(Op::Broadcast {
            data: bytes.to_vec(),
            except,
        });
    }

    /// Close `token` once its pending output has been written.
    pub fn close(&mut self, token: Token) {
        self.ops.push(Op::Close(token));
    }

    /// Close `token` now, discarding pending output.
    pub fn abort(&mut self, token: Token) {
        self.ops.push(Op::Abort(token));
    }

    /// Send FIN on `token` (`shutdown(SHUT_WR)`) once its output is written; keep reading.
    pub fn shutdown_write(&mut self, token: Token) {
        self.ops.push(Op::ShutdownWrite(token));
    }

    /// Ask the reactor to stop: stop accepting, flush, close everything, return from `run`.
    pub fn stop(&mut self) {
        self.ops.push(Op::Stop);
    }

    /// Call `on_timer(tag)` for the current connection after `after`, unless it closes first.
    /// Returns `None` outside a connection callback.
    pub fn set_timer(&mut self, after: Duration, tag: u64) -> Option<TimerKey> {
        let (token, serial) = self.current?;
        Some(self.timers.add(self.now + after, token, serial, TimerKind::User(tag)))
    }

    /// Cancel a timer; harmless if it already fired.
    pub fn cancel_timer(&mut self, key: TimerKey) {
        self.timers.cancel(key);
    }

    /// The time this turn of the loop started (one clock read per turn).
    pub fn now(&self) -> Instant {
        self.now
    }
}
