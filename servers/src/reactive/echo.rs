//! Echo on the reactor: the handler hands each input straight back through `Ctx::send`.
//!
//! All the hard parts (partial writes, a client that never reads, EOF with output still
//! pending) are the reactor's; compare with `blocking/echo.rs`, where a blocked `write_all`
//! does the same job by stopping the whole thread.

use crate::proto::echo::Echo;
use reactor::{Ctx, Handler, Peer, Token};

/// Echo for every connection (the protocol has no per-connection state).
#[derive(Default)]
pub struct EchoHandler;

impl Handler for EchoHandler {
    type State = Echo;

    fn on_accept(&mut self, _ctx: &mut Ctx<'_>, _token: Token, _peer: &Peer) -> Echo {
        Echo
    }

    fn on_data(&mut self, ctx: &mut Ctx<'_>, token: Token, echo: &mut Echo, input: &[u8]) -> usize {
        // One owned reply buffer, moved (not copied again) into the connection's outbox.
        let mut out = Vec::with_capacity(input.len());
        let consumed = echo.on_bytes(input, &mut out);
        ctx.send_vec(token, out);
        consumed
    }
}
