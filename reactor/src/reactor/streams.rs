//! Streams the loop did not accept (beside the lesson): a client's connected socket, stdin,
//! a child's end of a `socketpair(2)`, adopted and driven by the same handler as accepted
//! connections; and output queued from outside a callback.

use super::traced::Seen;
use super::Reactor;
use crate::conn::Conn;
use crate::ctx::Op;
use crate::{Handler, Interest, Peer, Stream, Token};
use std::io as stdio;
use std::os::fd::AsRawFd;

impl<H: Handler> Reactor<H> {
    /// Drive an already-connected stream (a client socket, stdin, a child's socketpair)
    /// with the handler, starting from `state`. `on_accept` is not called for it.
    pub fn add_stream(&mut self, stream: Stream, peer: Peer, state: H::State) -> stdio::Result<Token> {
        stream.set_nonblocking(true)?;
        let is_socket = !matches!(stream, Stream::Fd(_));
        let token = Token(self.conns.vacant_key());
        self.backend.register(stream.as_raw_fd(), token, Interest::READABLE)?;
        self.observe(Seen::Descriptor(token, stream.as_raw_fd(), "stream", &peer));
        let serial = self.take_serial();
        self.conns
            .insert(Conn::new(stream, peer, state, serial, self.now, is_socket));
        self.arm_idle_timer(token);
        Ok(token)
    }

    /// Queue bytes for a connection from outside a callback (e.g. a client's first line).
    pub fn send(&mut self, token: Token, bytes: &[u8]) {
        self.ops.push(Op::Send(token, bytes.to_vec()));
        self.apply_ops();
    }
}
