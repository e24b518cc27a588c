//! `chat-client`: talk to a `chat-server` from a terminal or a script.
//!
//! ```text
//! chat-client [--nick NAME] [--protocol text|json] [--model poll|select|epoll|uring] HOST PORT
//! chat-client --unix PATH
//! ```
//! One thread watches two descriptors with the reactor (`handler.rs`): stdin and the
//! socket. Lines typed go to the server, lines received are printed (JSON events are shown
//! as the text protocol's lines). `/quit` or the end of stdin ends it.
//!
//! Two details of sharing stdin with the shell:
//! - the reactor makes stdin non-blocking, and `O_NONBLOCK` belongs to the *open file*,
//!   shared with the shell and every process on the terminal: it is put back on exit, or
//!   the next program reading the terminal would get `EAGAIN`;
//! - `epoll(7)` refuses a regular file (`epoll_ctl` fails with `EPERM`: a file is always
//!   "ready"), so `chat-client < script.txt` needs `--model poll` — the default.
//!
//! HOST is resolved with `getaddrinfo(3)` and each address tried in turn.

mod handler;
mod wire;

use clap::Parser;
use clients::connect::connect_tcp;
use clients::stdin::{explain_register_error, stdin_stream};
use handler::{ClientHandler, Outcome, Side, State};
use reactor::{BackendKind, Config, Peer, Reactor, Stream};
use std::io;
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::process::ExitCode;
use wire::{Command, Protocol};

/// Chat client: lines typed go to the room, lines from the room are printed.
#[derive(Parser, Debug)]
#[command(name = env!("CARGO_BIN_NAME"), version, after_help = r#"Examples:
  chat-client --nick ada 127.0.0.1 PORT
  chat-client --protocol json --unix /tmp/chat.sock"#)]
struct Args {
    /// Server host name or address.
    #[arg(required_unless_present = "unix", conflicts_with = "unix")]
    host: Option<String>,
    /// Server port (or service name).
    #[arg(required_unless_present = "unix")]
    port: Option<String>,
    /// Connect to a UNIX domain socket instead.
    #[arg(long, value_name = "PATH")]
    unix: Option<PathBuf>,
    /// Ask for this nick on arrival (/nick NAME).
    #[arg(long, value_name = "NAME")]
    nick: Option<String>,
    /// The server's encoding: text or json (JSON events are shown as text lines).
    #[arg(long, default_value = "text", value_parser = ["text", "json"])]
    protocol: String,
    /// Readiness API: poll (default: works with any stdin), select, uring, or epoll (not with a
    /// stdin redirected from a file).
    #[arg(long, default_value = "poll", value_parser = ["select", "poll", "epoll", "uring"])]
    model: String,
    /// Record every turn of the client's event loop in FILE (docs/trace-format.md).
    #[arg(long, value_name = "FILE")]
    trace: Option<std::path::PathBuf>,
}

fn main() -> ExitCode {
    reactor::closed_stdout::quit_quietly_on_closed_stdout();
    let args = Args::parse();
    let protocol: Protocol = args.protocol.parse().unwrap_or_default();
    let kind: BackendKind = match args.model.parse() {
        Ok(kind) => kind,
        Err(_) => return fail(&format!("unknown model {}", args.model)),
    };
    let server = match connect(&args) {
        Ok(server) => server,
        Err(e) => return fail(&e.to_string()),
    };
    let result = chat(kind, protocol, server, args.nick.as_deref(), args.trace.as_deref());
    match result {
        Ok(Outcome::Quit) => ExitCode::SUCCESS,
        Ok(Outcome::ServerGone) => ExitCode::from(1),
        Ok(Outcome::Interrupted) => ExitCode::from(130),
        Err(e) => fail(&e.to_string()),
    }
}

fn fail(message: &str) -> ExitCode {
    eprintln!("chat-client: {message}");
    ExitCode::from(1)
}

/// Connect to `--unix PATH`, or to HOST PORT trying each address `getaddrinfo` gives
/// (`clients::connect`, shared with tcp-client).
fn connect(args: &Args) -> io::Result<Stream> {
    if let Some(path) = &args.unix {
        return UnixStream::connect(path)
            .map(Stream::Unix)
            .map_err(|e| io::Error::new(e.kind(), format!("connect to {}: {e}", path.display())));
    }
    let (host, port) = (
        args.host.as_deref().unwrap_or_default(),
        args.port.as_deref().unwrap_or_default(),
    );
    match connect_tcp(host, port) {
        Ok((stream, _addr)) => Ok(Stream::Tcp(stream)),
        Err(e) => Err(io::Error::other(format!("{host} {port}: {e}"))),
    }
}

/// Run the session until it ends; returns how.
fn chat(
    kind: BackendKind,
    protocol: Protocol,
    server: Stream,
    nick: Option<&str>,
    trace: Option<&std::path::Path>,
) -> io::Result<Outcome> {
    let mut reactor = Reactor::new(kind, ClientHandler::new(protocol), Config::default())?.with_trace(trace)?;
    reactor.watch_signals(&[])?;
    // stdin's O_NONBLOCK is shared with the shell: the guard puts it back (clients::stdin).
    let (stdin, _restore_stdin) = stdin_stream()?;
    reactor
        .add_stream(stdin, Peer::Local("stdin"), State::new(Side::Stdin))
        .map_err(|e| explain_register_error(e, kind.name()))?;
    let token = reactor.add_stream(server, Peer::Local("server"), State::new(Side::Server))?;
    reactor.handler_mut().server = token;
    if let Some(nick) = nick {
        let line = format!("{}\n", protocol.format_command(&Command::Nick(nick.to_string())));
        reactor.send(token, line.as_bytes());
    }
    reactor.run()?;
    Ok(reactor.handler().outcome.unwrap_or(Outcome::Interrupted))
}
