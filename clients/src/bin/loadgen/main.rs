//! `loadgen`: a ping-pong load generator for the echo servers, to compare concurrency models.
//!
//! ```text
//! loadgen --connections 50 --duration 3 --size 64 [--idle N] [--label epoll] [--json] 127.0.0.1:7000
//! loadgen --connections 4 --unix /tmp/echo.sock
//! ```
//!
//! Each of N connections sends a message of `--size` bytes tagged with its connection and
//! round number, waits until exactly that many bytes came back, checks them, records the
//! round-trip time, and goes again until the deadline. The result is round trips per second
//! and the latency distribution (p50/p99/p999/max), plus every error by reason and the
//! connections that never got an answer (the iterative server serves one client at a time).
//!
//! # Why one thread
//!
//! A load generator that needs more CPU than the server measures itself. So this one is the
//! same design as the `epoll` model it measures: non-blocking sockets, one `epoll_wait(2)` per
//! turn (through `mio`, edge-triggered), and per ready connection one `read(2)` and one
//! `write(2)` per round trip. Run it pinned to its own core (`taskset -c 0`).
//!
//! # Reading order
//!
//! 1. `cli.rs`        — the flags (bad flags exit with status 2);
//! 2. `event_loop.rs` — the loop: open connections, wait, dispatch, stop at the deadline;
//! 3. `conn.rs`       — one connection's state machine (connect, send, receive, verify),
//!    `error.rs` — why a connection stopped;
//! 4. `stream.rs`     — the non-blocking connect and `SO_ERROR`; `pattern.rs` — the message;
//! 5. `recorder.rs`, `histogram.rs`, `report.rs` — the figures; `RLIMIT_NOFILE` is raised by
//!    `clients::fd_limit`, the server's CPU read by `clients::proc_cpu` (`--server-pid`).
//!
//! # Exit status
//!
//! 0 when the run completed (even if some connections stalled), 1 when an echo failed
//! verification or no connection could be made, 2 for bad flags.

mod cli;
mod conn;
mod error;
mod event_loop;
mod histogram;
mod pattern;
mod recorder;
mod report;
mod stream;

use std::io::{self, Write};
use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use crate::cli::Cli;
use crate::event_loop::{Outcome, Settings};
use crate::stream::Target;

fn main() -> ExitCode {
    reactor::closed_stdout::quit_quietly_on_closed_stdout();
    init_logging();
    let cli = Cli::parse(); // exits with status 2 on bad flags
    let json = cli.json;
    let settings = settings_from(cli);
    let outcome = match event_loop::run(&settings) {
        Ok(outcome) => outcome,
        Err(e) => {
            eprintln!("loadgen: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Err(e) = print_report(&outcome, json) {
        eprintln!("loadgen: writing the report: {e}");
        return ExitCode::FAILURE;
    }
    exit_status(&outcome)
}

/// Logs go to stderr; warnings (the first few connection errors) show by default,
/// `RUST_LOG=debug` adds details such as the `RLIMIT_NOFILE` change.
fn init_logging() {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("warn")).init();
}

fn settings_from(cli: Cli) -> Settings {
    let target = match (cli.unix, cli.target) {
        (Some(path), _) => Target::Unix(path),
        (None, Some(addr)) => Target::Tcp(addr),
        // clap's `required_unless_present` rules this out; still a usage error, not a panic.
        (None, None) => Cli::command()
            .error(
                clap::error::ErrorKind::MissingRequiredArgument,
                "HOST:PORT or --unix PATH is required",
            )
            .exit(),
    };
    Settings {
        target,
        connections: cli.connections,
        idle: cli.idle,
        size: cli.size,
        duration: cli.duration,
        warmup: cli.warmup,
        rounds: cli.rounds,
        server_pid: cli.server_pid,
        label: cli.label,
        quiet: cli.quiet,
    }
}

fn print_report(outcome: &Outcome, json: bool) -> io::Result<()> {
    let mut out = io::stdout().lock();
    let written = if json {
        outcome.report.write_json(&mut out)
    } else {
        outcome.report.write_human(&mut out)
    };
    reactor::closed_stdout::or_die_of_sigpipe(written.and_then(|()| out.flush()))
}

/// 1 for a broken echo or when nothing could connect; stalls alone are not a failure.
fn exit_status(outcome: &Outcome) -> ExitCode {
    if outcome.verification_failures > 0 {
        eprintln!(
            "loadgen: {} echo(es) failed verification",
            outcome.verification_failures
        );
        return ExitCode::FAILURE;
    }
    if outcome.established == 0 {
        eprintln!("loadgen: no connection could be made to {}", outcome.report.target);
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
