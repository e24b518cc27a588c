//! Applying what the handler asked for through `Ctx`, right after each callback.
//!
//! Sends go into the target's outbox and are written at once (most replies fit in the socket
//! buffer, so no WRITABLE round trip is needed); whatever does not fit waits for WRITABLE.
//! Closing a connection may make the handler send more (a chat "left" notice), so this loops
//! until no operation is left.

use super::Reactor;
use crate::ctx::Op;
use crate::{CloseReason, Handler, Token};
use log::warn;

impl<H: Handler> Reactor<H> {
    pub(super) fn apply_ops(&mut self) {
        // Connections that received output and must be flushed. The buffer is the reactor's,
        // reused by every callback; a nested call (a close inside a flush) gets a fresh one.
        let mut touched = std::mem::take(&mut self.touched);
        while !self.ops.is_empty() {
            let mut batch = std::mem::take(&mut self.ops);
            for op in batch.drain(..) {
                self.apply_op(op, &mut touched);
            }
            if self.ops.is_empty() {
                self.ops = batch; // keep the allocation for the next callback
            }
            for token in touched.drain(..) {
                self.flush(token);
            }
        }
        self.touched = touched;
    }

    fn apply_op(&mut self, op: Op, touched: &mut Vec<Token>) {
        match op {
            Op::Send(to, data) => {
                if let Some(conn) = self.live_writable(to) {
                    conn.outbox.queue().push_vec(data);
                    touched.push(to);
                }
            }
            Op::SendShared(to, data) => {
                if let Some(conn) = self.live_writable(to) {
                    conn.outbox.queue().push_shared(data);
                    touched.push(to);
                }
            }
            Op::SendFile { to, file, offset, len } => {
                if let Some(conn) = self.live_writable(to) {
                    if let Err(e) = conn.outbox.queue().push_file(file, offset, len) {
                        warn!("{to}: send_file: {e}");
                        return self.close_now(to, CloseReason::Error(e.kind()));
                    }
                    touched.push(to);
                }
            }
            Op::Broadcast { data, except } => {
                for (key, conn) in self.conns.iter_mut() {
                    if Some(Token(key)) != except && conn.is_socket && !conn.dead && !conn.write_shut {
                        conn.outbox.queue().push_bytes(&data);
                        touched.push(Token(key));
                    }
                }
            }
            Op::Close(token) => {
                if let Some(conn) = self.conns.get_mut(token.0).filter(|c| !c.dead) {
                    conn.closing.get_or_insert(CloseReason::Requested);
                    touched.push(token);
                }
            }
            Op::Abort(token) => self.close_now(token, CloseReason::Requested),
            Op::ShutdownWrite(token) => {
                if let Some(conn) = self.conns.get_mut(token.0).filter(|c| !c.dead) {
                    conn.shutdown_pending = true;
                    touched.push(token);
                }
            }
            Op::Stop => self.begin_shutdown(),
        }
    }

    /// A connection that can still take output.
    fn live_writable(&mut self, token: Token) -> Option<&mut crate::conn::Conn<H::State>> {
        self.conns
            .get_mut(token.0)
            .filter(|c| !c.dead && !c.write_shut && !c.shutdown_pending)
    }
}
