//! Echo on the reactor: the handler hands each input straight back through `Ctx::send`.
//!
//! All the hard parts (partial writes, a client that never reads, EOF with output still
//! pending) are the reactor's; compare with `blocking/echo.rs`, where a blocked `write_all`
//! does the same job by stopping the whole thread.

use crate::proto::echo::Echo;
use reactor::{Ctx, Handler, Peer, Token};

/// Echo for every connection (the protocol has no per-connection state).
#[derive(Default)]
pub struct EchoHandler {
    /// Reused output buffer: one allocation for the server's lifetime.
    out: Vec<u8>,
}

impl Handler for EchoHandler {
    type State = Echo;

    fn on_accept(&mut self, _ctx: &mut Ctx<'_>, _token: Token, _peer: &Peer) -> Echo {
        Echo
    }

    fn on_data(&mut self, ctx: &mut Ctx<'_>, token: Token, echo: &mut Echo, input: &[u8]) -> usize {
        self.out.clear();
        let consumed = echo.on_bytes(input, &mut self.out);
        ctx.send(token, &self.out);
        consumed
    }
}
