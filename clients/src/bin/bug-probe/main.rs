//! `bug-probe`: the workloads that make the lecture's bugs show (`--bug NAME`, docs/bugs.md),
//! measured. `make demo-bug` runs each against the buggy and then the correct server; the
//! tests in `tests/tests/bugs_*.rs` run the same workloads and check the figures.
//!
//! ```text
//! bug-probe sequential 127.0.0.1:7000 --clients 5     # five echo clients, one after another
//! bug-probe burst 127.0.0.1:7000 --clients 200        # connect times of a burst
//! bug-probe big-echo 127.0.0.1:7000 --bytes 262144    # sent versus echoed
//! bug-probe stuck-reader 127.0.0.1:7000               # others' latency while one never reads
//! bug-probe crowd 127.0.0.1:7000 --clients 1100 --pid PID  # many idle clients, then a check
//! bug-probe reset 127.0.0.1:8080 /big.bin             # download, then reset mid-transfer
//! bug-probe get 127.0.0.1:8080 /../secret.txt         # a raw GET, the target as written
//! bug-probe chat-flood 127.0.0.1:7001 --pid PID       # flood a room with a member who never reads
//! ```
//!
//! Every command prints what it sees, then one last line `result: key=value ...` that a
//! script or a test can read. All traffic goes to the address given (use loopback); every
//! count and every wait is bounded.

mod burst;
mod chat;
mod crowd;
mod echo;
mod http;
mod proc;

use clap::{Parser, Subcommand};
use std::io;
use std::net::TcpStream;
use std::process::ExitCode;
use std::time::Duration;

/// Workloads that make the lecture's bugs visible, with figures.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Echo clients one after another: send a line, half-close, wait for the server's EOF.
    Sequential {
        addr: String,
        #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=200))]
        clients: u32,
        /// How long each client waits for EOF, in milliseconds.
        #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..=10_000))]
        eof_wait: u64,
    },
    /// Connect many clients at once; print the distribution of connect and first-echo times.
    Burst {
        addr: String,
        #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u32).range(1..=1000))]
        clients: u32,
    },
    /// Send BYTES, half-close, read the echo; print sent versus received.
    BigEcho {
        addr: String,
        #[arg(long, default_value_t = 256 * 1024, value_parser = clap::value_parser!(u64).range(1..=64 << 20))]
        bytes: u64,
        /// Start reading the echo only after this many milliseconds.
        #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u64).range(0..=5000))]
        read_delay: u64,
        /// Give up after this many milliseconds without a byte.
        #[arg(long, default_value_t = 2000, value_parser = clap::value_parser!(u64).range(1..=30_000))]
        idle: u64,
    },
    /// One client sends and never reads; another measures its round trips meanwhile.
    StuckReader {
        addr: String,
        #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=100))]
        rounds: u32,
    },
    /// Open CLIENTS idle connections, then check the first one still gets its echo.
    Crowd {
        addr: String,
        #[arg(long, default_value_t = 1100, value_parser = clap::value_parser!(u32).range(1..=4000))]
        clients: u32,
        /// The server's pid: print its threads and memory as the crowd grows.
        #[arg(long)]
        pid: Option<i32>,
        /// Keep the crowd connected this many milliseconds after the last connect.
        #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u64).range(0..=10_000))]
        hold: u64,
    },
    /// GET a large file, read a little, then reset the connection (RST); repeat; then check
    /// the server still answers.
    Reset {
        addr: String,
        target: String,
        #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=50))]
        rounds: u32,
    },
    /// Send `GET TARGET` exactly as written (no `..` clean-up, unlike a browser or curl).
    Get { addr: String, target: String },
    /// Join a chat room twice: one member never reads, the other floods BYTES of lines.
    ChatFlood {
        addr: String,
        #[arg(long, default_value_t = 32 << 20, value_parser = clap::value_parser!(u64).range(1..=256 << 20))]
        bytes: u64,
        /// The server's pid: print its resident memory during the flood.
        #[arg(long)]
        pid: Option<i32>,
    },
}

fn main() -> ExitCode {
    reactor::closed_stdout::quit_quietly_on_closed_stdout();
    let args = Args::parse();
    let result = match args.command {
        Command::Sequential {
            addr,
            clients,
            eof_wait,
        } => echo::sequential(&addr, clients, Duration::from_millis(eof_wait)),
        Command::Burst { addr, clients } => burst::run(&addr, clients),
        Command::BigEcho {
            addr,
            bytes,
            read_delay,
            idle,
        } => echo::big_echo(
            &addr,
            bytes,
            Duration::from_millis(read_delay),
            Duration::from_millis(idle),
        ),
        Command::StuckReader { addr, rounds } => echo::stuck_reader(&addr, rounds),
        Command::Crowd {
            addr,
            clients,
            pid,
            hold,
        } => crowd::run(&addr, clients, pid, Duration::from_millis(hold)),
        Command::Reset { addr, target, rounds } => http::reset(&addr, &target, rounds),
        Command::Get { addr, target } => http::get(&addr, &target),
        Command::ChatFlood { addr, bytes, pid } => chat::flood(&addr, bytes, pid),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bug-probe: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Connect with both timeouts set, so no wait is unbounded.
fn connect(addr: &str, timeout: Duration) -> io::Result<TcpStream> {
    let stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    Ok(stream)
}

/// The last line of every command: `result: k=v k=v`.
fn result_line(pairs: &[(&str, String)]) {
    let fields: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
    println!("result: {}", fields.join(" "));
}

/// Was this error a read or write timeout?
fn timed_out(e: &io::Error) -> bool {
    matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut)
}
