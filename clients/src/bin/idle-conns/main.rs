//! `idle-conns`: open N TCP connections to a server and hold them, silent — the idle crowd
//! of the C10K problem, for `make demo-scale`.
//!
//! ```text
//! idle-conns --count 100000 --sources 4 --hold 60 127.0.0.1:PORT
//! ready {"requested":100000,"open":100000,"closed_by_server":0,"failed":0,...}
//! ```
//!
//! Once every connect has finished it prints one line, `ready {JSON}`, on stdout (what the
//! demo waits for), then holds the connections for `--hold` seconds or until SIGTERM; the
//! kernel closes them all when the process ends. Meanwhile a separate `loadgen` measures
//! one active client beside them.
//!
//! # Reading order
//!
//! `cli.rs` (flags, the source addresses), then `hold.rs` (the connect window and the loop).
//! Descriptors: one per connection, so the soft `RLIMIT_NOFILE` is raised to the hard one
//! (`clients::fd_limit`); the demo raises the hard one first when it may.
//!
//! # Exit status
//!
//! 0 after the hold, 1 when no connection could be opened, 2 for bad flags.

mod cli;
mod hold;

use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;

use crate::cli::Cli;
use crate::hold::Holder;

fn main() -> ExitCode {
    reactor::closed_stdout::quit_quietly_on_closed_stdout();
    let cli = Cli::parse(); // exits with status 2 on bad flags
    if let Err(msg) = cli.check() {
        eprintln!("idle-conns: {msg}");
        return ExitCode::from(2);
    }
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("warn")).init();
    clients::fd_limit::ensure_fds_for(u64::from(cli.count));
    match run(&cli) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("idle-conns: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Open, report, hold. Ok(false) when nothing could be opened.
fn run(cli: &Cli) -> std::io::Result<bool> {
    let mut holder = Holder::new(cli)?;
    let tally = holder.open_all()?;
    let opened = tally.open + tally.closed_by_server > 0;
    let mut out = std::io::stdout().lock();
    let line = format!("ready {}\n", serde_json::to_string(tally)?);
    reactor::closed_stdout::or_die_of_sigpipe(out.write_all(line.as_bytes()).and_then(|()| out.flush()))?;
    drop(out);
    if !opened {
        eprintln!("idle-conns: no connection could be opened to {}", cli.target);
        return Ok(false);
    }
    holder.hold_until(Instant::now() + cli.hold())?;
    Ok(true)
}
