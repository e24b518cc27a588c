//! `chat-server`: one chat room on any concurrent model, in a text or a JSON encoding.
//!
//! ```text
//! chat-server --model epoll --listen 127.0.0.1:0
//! listening on 127.0.0.1:40123
//! ```
//! Join with `chat-client 127.0.0.1 40123` (or `nc`, `telnet`); see `proto/chat/` for the
//! protocol. Where each model keeps the room:
//!
//! - `select`, `poll`, `epoll`: in the reactor's handler, one thread (`reactive/chat/`);
//! - `fork`: in the parent, on the reactor; a child per client relays over a socketpair
//!   (`reactive/chat/fork.rs`);
//! - `thread`: behind a lock, with a reader and a writer thread per client
//!   (`blocking/chat/`);
//! - `iterative`: nowhere — it refuses to start (see [`ITERATIVE_CANNOT_CHAT`]).

use clap::Parser;
use reactor::BackendKind;
use servers::blocking;
use servers::cli::{self, Model, ServerArgs};
use servers::proto::chat::{Protocol, DEFAULT_MAX_OUTPUT};
use servers::reactive::{self, chat::ChatHandler};

/// Why the iterative model has no chat (printed, then exit 2).
const ITERATIVE_CANNOT_CHAT: &str = "\
chat-server: the iterative model cannot host a chat room. An iterative server serves one \
client at a time: it accepts a connection, talks to it until it leaves, and only then \
accepts the next. A room needs every member connected at the same moment — Alice's line \
must reach Bob while Alice is still there — but under the iterative model Bob is still \
waiting in the listen queue, not yet accepted, until Alice quits. Use --model thread, \
fork, select, poll or epoll.";

/// Chat server: one room; lines from a member go to every other member.
#[derive(Parser, Debug)]
#[command(name = env!("CARGO_BIN_NAME"), version,
    mut_arg("model", |a| a.help("Concurrency model (not iterative: a room needs its members connected at once)")), after_help = r#"Models: thread, fork, select, poll, epoll. Not iterative: it serves one client at a time,
so a room of several members cannot exist (chat-server says why and exits 2).

Examples:
  chat-server --model epoll                prints `listening on 127.0.0.1:PORT`
  chat-server --model thread --protocol json --listen 127.0.0.1:7001
Then: chat-client --nick ada 127.0.0.1 PORT"#)]
struct Args {
    #[command(flatten)]
    server: ServerArgs,

    /// Encoding of the lines: text (for people) or json (one object per line).
    #[arg(long, default_value = "text", value_parser = ["text", "json"])]
    protocol: String,

    /// High-water mark of a member's unsent output: past it the sender is held until the
    /// member drains; a member stuck over it (no progress 2 s, or over 10 s) is dropped.
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_OUTPUT as u64,
          value_parser = clap::value_parser!(u64).range(1024..=1 << 30))]
    max_output: u64,

    /// Warn a member silent for SECS (5 s before, or half-way if SECS < 10), then disconnect
    /// it. select, poll and epoll only: the reactor's timers.
    #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(2..=86_400))]
    idle_kick: Option<u64>,
}

fn main() {
    reactor::closed_stdout::quit_quietly_on_closed_stdout();
    let args = Args::parse();
    args.server.check("chat-server", false);
    if args.server.model == Model::Iterative {
        refuse_iterative();
    }
    // Before binding: a refused flag never leaves a `listening on` line behind.
    if args.idle_kick.is_some() && args.server.model.backend().is_none() {
        eprintln!(
            "chat-server: --idle-kick is not supported by --model {}: it needs the reactor's \
             timers (--model select, poll, epoll or uring)",
            args.server.model.name()
        );
        std::process::exit(2);
    }
    cli::init_logging();
    cli::raise_fd_limit();
    let protocol: Protocol = args.protocol.parse().unwrap_or_default();
    let max_output = usize::try_from(args.max_output).unwrap_or(DEFAULT_MAX_OUTPUT);
    let addr = args.server.listen_addr(cli::DEFAULT_LISTEN);
    let listener = cli::listen(&args.server, &addr).unwrap_or_else(|e| cli::fail(&format!("listen on {addr}"), &e));
    let config = reactive::chat::config(args.server.reactor_config(), max_output);
    let attached = args.server.attached();
    let mut handler = ChatHandler::new(protocol);
    if let Some(secs) = args.idle_kick {
        handler = handler.with_idle_kick(std::time::Duration::from_secs(secs));
    }
    let result = match args.server.model {
        Model::Thread => {
            let options = blocking::Options::from_args(&args.server);
            blocking::chat::run(listener, options, protocol, max_output)
        }
        // The parent of the fork model waits on epoll; the children use poll(2).
        Model::Fork => reactive::chat::fork::run(BackendKind::Epoll, listener, protocol, config, &attached),
        one_thread => match one_thread.backend() {
            Some(kind) => reactive::run(kind, listener, handler, config, &attached),
            None => refuse_iterative(),
        },
    };
    if let Err(e) = result {
        cli::fail("server", &e);
    }
}

/// Explain why there is no iterative chat, and exit 2 (a usage error).
fn refuse_iterative() -> ! {
    eprintln!("{ITERATIVE_CANNOT_CHAT}");
    std::process::exit(2)
}
