//! The client's two conversations on one reactor: what the user types (stdin) goes to the
//! server, what the server says goes to stdout.
//!
//! Neither `read` may block the other — a user who types nothing must still see the room —
//! so both descriptors are watched by one `poll(2)` (or select, or epoll) and read only when
//! ready: the lecture's multiplexed server, turned into a client.
//!
//! Endings: `/quit` typed, or stdin's EOF (which sends `/quit` and `shutdown(SHUT_WR)`, so
//! even a server that ignores `/quit` sees EOF), then the server closes: exit 0. The server
//! closing on its own: a message on stderr, exit 1.

use crate::wire::{controls, text, Command, Frame, LineFramer, Protocol};
use reactor::{CloseReason, Ctx, Handler, Peer, Token};
use std::io::{self, Write};

/// Which descriptor a connection of this reactor is.
pub enum Side {
    Stdin,
    Server,
}

/// Per-descriptor state: what it is and its line framer.
pub struct State {
    side: Side,
    framer: LineFramer,
}

impl State {
    pub fn new(side: Side) -> State {
        State {
            side,
            framer: LineFramer::new(),
        }
    }
}

/// How the session ended, for the exit status.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// We quit (or stdin ended) and the server closed: exit 0.
    Quit,
    /// The server closed without being asked: exit 1.
    ServerGone,
    /// SIGINT/SIGTERM: exit 130.
    Interrupted,
}

pub struct ClientHandler {
    protocol: Protocol,
    /// The server connection's token (set once it is added to the reactor).
    pub server: Token,
    /// `/quit` was sent: the server closing is the expected end.
    quitting: bool,
    server_closed: bool,
    pub outcome: Option<Outcome>,
}

impl ClientHandler {
    pub fn new(protocol: Protocol) -> ClientHandler {
        ClientHandler {
            protocol,
            server: Token(usize::MAX),
            quitting: false,
            server_closed: false,
            outcome: None,
        }
    }

    /// The bytes to send for a typed line, or why it cannot be sent (JSON needs a valid
    /// command; in text the line goes as typed and the server judges it).
    pub fn encode_typed(&mut self, line: &str) -> Result<Vec<u8>, String> {
        let command = text::parse_command(line);
        if matches!(command, Ok(Command::Quit(_))) {
            self.quitting = true;
        }
        let mut bytes = match self.protocol {
            Protocol::Text => line.as_bytes().to_vec(),
            Protocol::Json => self.protocol.format_command(&command?).into_bytes(),
        };
        bytes.push(b'\n');
        Ok(bytes)
    }

    fn typed(&mut self, ctx: &mut Ctx<'_>, frame: Frame<'_>) {
        match frame {
            Frame::Line(line) => match self.encode_typed(line) {
                Ok(bytes) => ctx.send_vec(self.server, bytes),
                Err(reason) => eprintln!("chat-client: {reason}"),
            },
            Frame::TooLong => eprintln!("chat-client: line too long (over 4096 bytes), not sent"),
            Frame::BadUtf8 => eprintln!("chat-client: line is not UTF-8, not sent"),
        }
    }

    fn received(&mut self, ctx: &mut Ctx<'_>, frame: Frame<'_>) {
        let shown = match frame {
            Frame::Line(line) => crate::wire::render_received(self.protocol, line),
            Frame::TooLong => Some("(a line over 4096 bytes from the server was dropped)".to_string()),
            Frame::BadUtf8 => Some("(a line that is not UTF-8 from the server was dropped)".to_string()),
        };
        if let Some(line) = shown {
            if print_line(&line).is_err() {
                // stdout is gone (a closed pipe): nobody can see the room any more.
                self.outcome.get_or_insert(Outcome::Quit);
                ctx.stop();
            }
        }
    }
}

/// Print a line from the network with control characters made visible (`^[`, `\u{202e}`),
/// so another member cannot clear our screen, move the cursor or reorder the text.
fn print_line(line: &str) -> io::Result<()> {
    reactor::closed_stdout::or_die_of_sigpipe(writeln!(io::stdout().lock(), "{}", controls::escape(line)))
}

impl Handler for ClientHandler {
    type State = State;

    fn on_accept(&mut self, _ctx: &mut Ctx<'_>, _token: Token, _peer: &Peer) -> State {
        State::new(Side::Server) // never called: the client accepts nothing
    }

    fn on_data(&mut self, ctx: &mut Ctx<'_>, _token: Token, state: &mut State, input: &[u8]) -> usize {
        match state.side {
            Side::Stdin => state.framer.feed(input, |frame| self.typed(ctx, frame)),
            Side::Server => state.framer.feed(input, |frame| self.received(ctx, frame)),
        }
    }

    fn on_close(&mut self, ctx: &mut Ctx<'_>, _token: Token, state: &mut State, reason: &CloseReason) {
        match state.side {
            Side::Stdin => self.stdin_closed(ctx, reason),
            Side::Server => self.server_closed(ctx, reason),
        }
    }
}

impl ClientHandler {
    /// EOF on stdin: say `/quit` (unless already said) and send FIN; wait for the server.
    fn stdin_closed(&mut self, ctx: &mut Ctx<'_>, reason: &CloseReason) {
        if self.server_closed || *reason == CloseReason::Shutdown {
            return;
        }
        if !self.quitting {
            self.quitting = true;
            let quit = self.protocol.format_command(&Command::Quit(None));
            ctx.send_vec(self.server, format!("{quit}\n").into_bytes());
        }
        ctx.shutdown_write(self.server);
    }

    fn server_closed(&mut self, ctx: &mut Ctx<'_>, reason: &CloseReason) {
        self.server_closed = true;
        let outcome = match reason {
            CloseReason::Shutdown => Outcome::Interrupted,
            _ if self.quitting => Outcome::Quit,
            CloseReason::Error(kind) => {
                eprintln!("chat-client: connection to the server lost: {kind}");
                Outcome::ServerGone
            }
            _ => {
                eprintln!("chat-client: the server closed the connection");
                Outcome::ServerGone
            }
        };
        self.outcome.get_or_insert(outcome);
        ctx.stop();
    }
}
