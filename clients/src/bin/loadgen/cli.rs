//! Command-line flags of `loadgen`, parsed with clap's derive API.
//!
//! Everything that can be checked before a socket is opened is checked here, so a typo is a
//! clear message and exit code 2 (clap's convention), never a half-started run. The target is
//! resolved here too (`getaddrinfo(3)` through `ToSocketAddrs`): an unresolvable `HOST:PORT` is
//! a bad flag, not a network error.

use std::net::{SocketAddr, ToSocketAddrs};
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;

/// Longest run we accept: every load loop in this course is bounded in time.
const MAX_SECS: f64 = 3600.0;
/// Largest message: keeps one round trip well inside the kernel's socket buffers' reach and
/// the run's memory bounded.
const MAX_SIZE: u32 = 16 * 1024 * 1024;

/// Ping-pong load generator for the echo servers: N connections each send a message, wait for
/// exactly that echo, verify it and record the round-trip latency, until the deadline.
#[derive(Parser, Debug)]
#[command(name = env!("CARGO_BIN_NAME"), version, after_help = r#"Examples:
  loadgen --connections 50 --duration 3 127.0.0.1:PORT
  loadgen --connections 1 --idle 1000 --json 127.0.0.1:PORT
  loadgen --unix /tmp/echo.sock"#)]
pub struct Cli {
    /// Server address as HOST:PORT (e.g. 127.0.0.1:7000 or [::1]:7000; a name is resolved and
    /// its first address used); omit with --unix.
    #[arg(value_name = "HOST:PORT", value_parser = parse_target,
          required_unless_present = "unix", conflicts_with = "unix")]
    pub target: Option<SocketAddr>,

    /// Connect to a UNIX domain socket at PATH instead of TCP.
    #[arg(long, value_name = "PATH")]
    pub unix: Option<PathBuf>,

    /// Active connections, each doing ping-pong round trips.
    #[arg(short = 'c', long, default_value_t = 1,
          value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub connections: u32,

    /// Extra connections that connect and then stay silent (the "1 active + N idle" table).
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..=100_000))]
    pub idle: u32,

    /// Measured time in seconds (after the warmup).
    #[arg(short = 'd', long, default_value = "3", value_parser = parse_duration)]
    pub duration: Duration,

    /// Seconds run before measuring starts (connection setup, caches); excluded from figures.
    #[arg(long, default_value = "0.5", value_parser = parse_warmup)]
    pub warmup: Duration,

    /// Each active connection stops after N round trips (the run then ends, before the
    /// deadline if it can): a fixed amount of work, for counting system calls per round trip
    /// (`scripts/bench/syscalls.sh`). Use `--warmup 0` so every round trip is in the report.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub rounds: Option<u64>,

    /// Bytes per message.
    #[arg(short = 's', long, default_value_t = 64,
          value_parser = clap::value_parser!(u32).range(1..=MAX_SIZE as i64))]
    pub size: u32,

    /// Charge the server for its work: the CPU time of process group PID (a server started
    /// with `setsid`: its processes and threads) over the measured window, from
    /// `/proc/*/task/*/schedstat`, reported as `server_cpu_us_per_rt`.
    #[arg(long, value_name = "PID", value_parser = clap::value_parser!(i32).range(1..))]
    pub server_pid: Option<i32>,

    /// Free text carried into the report, e.g. the server's model ("epoll").
    #[arg(long)]
    pub label: Option<String>,

    /// Print one JSON object on stdout instead of the human table.
    #[arg(long)]
    pub json: bool,

    /// No progress lines on stderr.
    #[arg(short = 'q', long)]
    pub quiet: bool,
}

/// Resolve `HOST:PORT` to its first address; failures become clap errors (exit 2).
fn parse_target(s: &str) -> Result<SocketAddr, String> {
    let mut addrs = s
        .to_socket_addrs()
        .map_err(|e| format!("cannot resolve {s:?} as HOST:PORT: {e}"))?;
    addrs.next().ok_or_else(|| format!("{s:?} resolved to no address"))
}

/// Seconds as a decimal number, strictly positive and bounded.
fn parse_duration(s: &str) -> Result<Duration, String> {
    let d = parse_secs(s)?;
    if d.is_zero() {
        return Err("must be greater than 0".into());
    }
    Ok(d)
}

/// Seconds as a decimal number, zero allowed (no warmup).
fn parse_warmup(s: &str) -> Result<Duration, String> {
    parse_secs(s)
}

fn parse_secs(s: &str) -> Result<Duration, String> {
    let secs: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("{s:?} is not a number of seconds"))?;
    if !(0.0..=MAX_SECS).contains(&secs) {
        return Err(format!("{s} is outside 0..={MAX_SECS} seconds"));
    }
    Duration::try_from_secs_f64(secs).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_are_checked() {
        assert_eq!(parse_duration("1.5"), Ok(Duration::from_millis(1500)));
        assert!(parse_duration("0").is_err());
        assert!(parse_duration("-1").is_err());
        assert!(parse_duration("abc").is_err());
        assert!(parse_duration("1e9").is_err());
        assert_eq!(parse_warmup("0"), Ok(Duration::ZERO));
    }

    #[test]
    fn target_needs_a_port() {
        assert!(parse_target("127.0.0.1:7000").is_ok());
        assert!(parse_target("[::1]:7000").is_ok());
        assert!(parse_target("127.0.0.1").is_err());
    }
}
