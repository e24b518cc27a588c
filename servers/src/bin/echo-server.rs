//! `echo-server`: the echo protocol (RFC 862) on any of the six concurrency models, on
//! io_uring readiness (`--model uring`), and on io_uring completions (`--model uring-completion`).
//!
//! ```text
//! echo-server --model select --listen 127.0.0.1:0
//! listening on 127.0.0.1:40123
//! ```
//! Try it with `tcp-client 127.0.0.1 40123`, `socat - TCP:127.0.0.1:40123`, or under
//! `strace -f` to see which system calls each model makes.

use clap::{CommandFactory, Parser};
use servers::blocking::{self, echo::echo_session};
use servers::cli::{self, Model, ServerArgs};
use servers::completion;
use servers::reactive::{self, echo::EchoHandler};
use servers::workers::{self, WorkerArgs};

/// Echo server: every byte received is sent back.
#[derive(Parser, Debug)]
#[command(name = env!("CARGO_BIN_NAME"), version, after_help = r#"Examples:
  echo-server --model select               prints `listening on 127.0.0.1:PORT` (a free port)
  echo-server --model fork --listen [::1]:7000
  echo-server --model epoll --unix /tmp/echo.sock
Then, in another terminal: tcp-client 127.0.0.1 PORT"#)]
struct Args {
    #[command(flatten)]
    server: ServerArgs,

    #[command(flatten)]
    workers: WorkerArgs,
}

fn main() {
    reactor::closed_stdout::quit_quietly_on_closed_stdout();
    let args = Args::parse();
    args.server.check("echo-server", true);
    let workers = (args.workers.count(args.server.model)).unwrap_or_else(|why| {
        Args::command()
            .error(clap::error::ErrorKind::ArgumentConflict, why)
            .exit()
    });
    cli::init_logging();
    cli::raise_fd_limit();
    let addr = args.server.listen_addr(cli::DEFAULT_LISTEN);
    let listener = cli::listen(&args.server, &addr).unwrap_or_else(|e| cli::fail(&format!("listen on {addr}"), &e));
    let attached = args.server.attached();
    let result = match args.server.model.backend() {
        Some(kind) => match workers {
            Some(n) => {
                let config = workers::config(args.server.reactor_config());
                workers::run(n, listener, |l| {
                    reactive::run(kind, l, EchoHandler, config.clone(), &attached)
                })
            }
            None => reactive::run(kind, listener, EchoHandler, args.server.reactor_config(), &attached),
        },
        None if args.server.model == Model::UringCompletion => completion::echo(listener, args.server.reactor_config()),
        None => blocking::run(
            args.server.model,
            listener,
            echo_session,
            blocking::Options::from_args(&args.server),
        ),
    };
    if let Err(e) = result {
        cli::fail("server", &e);
    }
}
