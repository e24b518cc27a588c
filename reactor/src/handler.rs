//! `Handler`: what a server writes to run on the reactor — protocol logic that never touches
//! a socket.
//!
//! The reactor does every `accept`, `read` and `write`. A handler sees bytes that arrived and
//! answers through [`Ctx`](crate::Ctx): send to this or another connection, close, set a
//! timer. The same handler therefore runs unchanged on select, poll and epoll, and the
//! protocol inside it can be unit-tested with no socket at all.

use crate::{Ctx, Peer, Stream, Token};
use nix::sys::signal::Signal;
use std::fmt;
use std::io;

/// The protocol side of a reactor-driven server.
pub trait Handler {
    /// Per-connection protocol state (a parser position, a nickname, …), kept by the reactor
    /// in the connection's slab entry and handed back on every callback.
    type State;

    /// A client was accepted; decide what the reactor serves for it. The default serves the
    /// accepted socket itself. A fork-model driver may hand the socket to a child process and
    /// return its own end of a `socketpair(2)` instead. An error refuses the client.
    /// `stream` is non-blocking (`accept4(SOCK_NONBLOCK)`), and the stream returned must be
    /// too: the reactor does not spend a system call making it so.
    fn on_connect(&mut self, stream: Stream, _peer: &Peer) -> io::Result<Stream> {
        Ok(stream)
    }

    /// A new connection was accepted. Return its initial state; greet it through `ctx`.
    fn on_accept(&mut self, ctx: &mut Ctx<'_>, token: Token, peer: &Peer) -> Self::State;

    /// Bytes arrived. `input` is everything received and not yet consumed. Consume whole
    /// frames and return how many bytes that was; a partial frame left at the end is not an
    /// error, it is *incomplete*: the reactor keeps it and calls again with more appended.
    ///
    /// A handler may also stop after *some* whole frames (to bound the replies it queues at
    /// once, e.g. pipelined HTTP requests): the reactor calls again with the rest as long as
    /// the calls make progress and the output has drained, and again after a later drain.
    fn on_data(&mut self, ctx: &mut Ctx<'_>, token: Token, state: &mut Self::State, input: &[u8]) -> usize;

    /// All pending output of this connection has been written after the socket had been full.
    fn on_drained(&mut self, _ctx: &mut Ctx<'_>, _token: Token, _state: &mut Self::State) {}

    /// A timer set with [`Ctx::set_timer`] on this connection is due.
    fn on_timer(&mut self, _ctx: &mut Ctx<'_>, _token: Token, _state: &mut Self::State, _tag: u64) {}

    /// The connection is closed: deregistered already, its slot freed at the end of the turn.
    /// Messages to *other* connections (a "left" notice) may still be sent through `ctx`.
    fn on_close(&mut self, _ctx: &mut Ctx<'_>, _token: Token, _state: &mut Self::State, _reason: &CloseReason) {}

    /// A signal other than SIGINT/SIGTERM that the reactor was asked to watch arrived.
    fn on_signal(&mut self, _ctx: &mut Ctx<'_>, _signal: Signal) {}

    /// The turn's events are handled and the loop is about to wait again: the place to write
    /// what the handler buffered during the turn (the HTTP access log), once per turn rather
    /// than once per request. The last turn of a graceful stop calls it too.
    fn on_turn_end(&mut self) {}
}

/// Why a connection was closed (logged at debug level, passed to `on_close`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CloseReason {
    /// The peer closed its side (read returned 0) and our output was flushed.
    PeerClosed,
    /// The handler asked for it (`Ctx::close` or `Ctx::abort`).
    Requested,
    /// No data for longer than the idle timeout.
    IdleTimeout,
    /// Its pending output passed the limit and the policy is to disconnect it.
    TooSlow,
    /// It sent more than `max_input` bytes without completing a frame.
    InputTooLarge,
    /// The server is shutting down.
    Shutdown,
    /// A read or write failed (connection reset, broken pipe, …).
    Error(io::ErrorKind),
}

impl fmt::Display for CloseReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CloseReason::PeerClosed => f.write_str("peer closed"),
            CloseReason::Requested => f.write_str("closed by the handler"),
            CloseReason::IdleTimeout => f.write_str("idle timeout"),
            CloseReason::TooSlow => f.write_str("too slow: output limit reached"),
            CloseReason::InputTooLarge => f.write_str("input too large: frame over the limit"),
            CloseReason::Shutdown => f.write_str("server shutdown"),
            CloseReason::Error(kind) => write!(f, "error: {kind}"),
        }
    }
}
