//! The relay at the heart of `tcp-client`: bytes from stdin go to the socket, bytes from the
//! socket go to stdout, both watched by one thread — the classic select client.
//!
//! Half-close: when stdin reaches EOF we `shutdown(SHUT_WR)` the socket (the server sees EOF)
//! but keep reading, so everything the server still sends is printed. The client ends when
//! the server closes its side.

use reactor::{CloseReason, Ctx, Handler, Peer, Token};
use std::io::{self, Write};

/// Which stream a connection record is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Stdin,
    Socket,
}

/// Relays between stdin/stdout and one socket.
pub struct Relay {
    /// The socket's token, once added.
    pub socket: Option<Token>,
    /// How the socket ended, when it did not end cleanly.
    pub failure: Option<String>,
}

impl Relay {
    pub fn new() -> Relay {
        Relay {
            socket: None,
            failure: None,
        }
    }

    /// Print what the server sent. A blocking write: stdout is ours alone.
    fn print(bytes: &[u8]) -> io::Result<()> {
        let mut out = io::stdout().lock();
        reactor::closed_stdout::or_die_of_sigpipe(out.write_all(bytes).and_then(|()| out.flush()))
    }
}

impl Default for Relay {
    fn default() -> Self {
        Self::new()
    }
}

impl Handler for Relay {
    type State = Side;

    fn on_accept(&mut self, _ctx: &mut Ctx<'_>, _token: Token, _peer: &Peer) -> Side {
        Side::Socket // a client accepts nothing; never called
    }

    fn on_data(&mut self, ctx: &mut Ctx<'_>, _token: Token, side: &mut Side, input: &[u8]) -> usize {
        match side {
            Side::Stdin => {
                if let Some(socket) = self.socket {
                    ctx.send(socket, input);
                }
            }
            Side::Socket => {
                if let Err(e) = Self::print(input) {
                    // stdout closed (e.g. `| head`): nothing more to do.
                    self.failure = Some(format!("stdout: {e}"));
                    ctx.stop();
                }
            }
        }
        input.len()
    }

    fn on_close(&mut self, ctx: &mut Ctx<'_>, _token: Token, side: &mut Side, reason: &CloseReason) {
        match side {
            Side::Stdin => {
                if let Some(socket) = self.socket {
                    ctx.shutdown_write(socket);
                }
            }
            Side::Socket => {
                if let CloseReason::Error(kind) = reason {
                    self.failure = Some(format!("connection lost: {}", io::Error::from(*kind)));
                }
                ctx.stop();
            }
        }
    }
}
