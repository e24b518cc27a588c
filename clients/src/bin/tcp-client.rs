//! `tcp-client HOST PORT` (or `--unix PATH`): a netcat-like client on the reactor.
//!
//! Resolves HOST with `getaddrinfo(3)`, tries each address in turn (`clients::connect`), then
//! one thread watches stdin and the socket with select, poll, epoll or io_uring (`--model`, default
//! poll: epoll cannot watch stdin redirected from a file). Typed lines go to the server; what
//! the server sends is printed. EOF on stdin half-closes the connection (`shutdown(SHUT_WR)`)
//! and the client still prints the rest of the server's output until it closes.
//!
//! Like `nc -v`, it says on stderr where it connected (`connected to 127.0.0.1:7000`), so
//! stdout carries only what the server sent; when every address fails, each one is named
//! with its error.
//!
//! Exit status: 0 when the server closed cleanly, 1 when the connection failed or was lost,
//! 2 for bad arguments.

use clap::Parser;
use clients::connect::connect_tcp;
use clients::relay::{Relay, Side};
use clients::stdin::{explain_register_error, stdin_stream};
use reactor::{BackendKind, Config, Peer, Reactor, Stream};
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = env!("CARGO_BIN_NAME"),
    version,
    about = "Relay stdin to a TCP or UNIX socket and the socket to stdout, in one thread",
    after_help = r#"Examples:
  tcp-client 127.0.0.1 PORT                 prints `connected to 127.0.0.1:PORT` on stderr
  tcp-client localhost echo                 a service name, looked up in /etc/services
  tcp-client --unix /tmp/echo.sock < lines.txt"#
)]
struct Args {
    /// Server host name or address (resolved with getaddrinfo).
    #[arg(required_unless_present = "unix")]
    host: Option<String>,
    /// Port number or service name.
    #[arg(required_unless_present = "unix")]
    port: Option<String>,
    /// Connect to a UNIX domain socket instead.
    #[arg(long, value_name = "PATH", conflicts_with_all = ["host", "port"])]
    unix: Option<PathBuf>,
    /// Readiness backend watching stdin and the socket.
    #[arg(long, default_value = "poll", value_parser = ["select", "poll", "epoll", "uring"])]
    model: String,
    /// Record every turn of the client's event loop in FILE (docs/trace-format.md).
    #[arg(long, value_name = "FILE")]
    trace: Option<PathBuf>,
}

fn main() -> ExitCode {
    reactor::closed_stdout::quit_quietly_on_closed_stdout();
    let args = Args::parse();
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("warn")).init();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("tcp-client: {message}");
            ExitCode::from(1)
        }
    }
}

/// Connect, relay until the server closes, report how it ended.
fn run(args: &Args) -> Result<(), String> {
    let (stream, peer) = connect(args)?;
    eprintln!("connected to {peer}");
    let kind: BackendKind = args.model.parse()?;
    let mut reactor = Reactor::new(kind, Relay::new(), Config::default())
        .and_then(|reactor| reactor.with_trace(args.trace.as_deref()))
        .map_err(|e| e.to_string())?;
    reactor.watch_signals(&[]).map_err(|e| e.to_string())?;
    let socket = reactor
        .add_stream(stream, peer, Side::Socket)
        .map_err(|e| e.to_string())?;
    reactor.handler_mut().socket = Some(socket);
    let (stdin, _restore_stdin) = stdin_stream().map_err(|e| format!("stdin: {e}"))?;
    reactor
        .add_stream(stdin, Peer::Local("stdin"), Side::Stdin)
        .map_err(|e| explain_register_error(e, kind.name()).to_string())?;
    reactor.run().map_err(|e| e.to_string())?;
    match reactor.handler_mut().failure.take() {
        Some(failure) => Err(failure),
        None => Ok(()),
    }
}

/// TCP through getaddrinfo, or a UNIX socket path.
fn connect(args: &Args) -> Result<(Stream, Peer), String> {
    if let Some(path) = &args.unix {
        let stream = UnixStream::connect(path).map_err(|e| format!("connect {}: {e}", path.display()))?;
        return Ok((Stream::Unix(stream), Peer::Unix(Some(path.clone()))));
    }
    let (host, port) = (
        args.host.as_deref().unwrap_or_default(),
        args.port.as_deref().unwrap_or_default(),
    );
    let (stream, addr) = connect_tcp(host, port).map_err(|e| format!("{host} {port}: {e}"))?;
    Ok((Stream::Tcp(stream), Peer::Tcp(addr)))
}
