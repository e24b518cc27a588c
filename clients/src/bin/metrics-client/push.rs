//! `push`: report a local figure, the 1-minute load average from `/proc/loadavg`, as a gauge
//! every interval until interrupted (or `--count` values are sent).
//!
//! The wait between two values is a `poll(2)` on the signal self-pipe with the interval as
//! timeout: SIGINT/SIGTERM end the wait at once, the loop says QUIT and the client exits 0.
//! (A `sleep` would make Ctrl-C wait for the end of the interval, or kill the client in the
//! middle of a frame.)

use crate::conn::{Answer, Connection};
use crate::wire::command::{Command, Kind};
use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use reactor::signal::{SignalPipe, STOP_SIGNALS};
use std::os::fd::AsFd;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const LOADAVG: &str = "/proc/loadavg";

/// Push the load average as gauge `name`. Returns whether every reply was OK.
pub fn push(conn: &mut Connection, name: &str, interval: Duration, count: Option<u64>) -> Result<bool, String> {
    let mut signals = SignalPipe::install(&STOP_SIGNALS).map_err(|e| format!("signal handlers: {e}"))?;
    let doc = format!("1-minute load average of the pushing host ({LOADAVG})");
    let describe = Command::Desc {
        name: name.to_string(),
        kind: Kind::Gauge,
        doc,
    };
    if !show(conn.request(&describe).map_err(|e| e.to_string())?) {
        return Ok(false);
    }
    let mut sent = 0u64;
    let mut all_ok = true;
    loop {
        let value = read_loadavg()?;
        let val = Command::Val {
            name: name.to_string(),
            value,
            timestamp: unix_millis(),
        };
        all_ok &= show(conn.request(&val).map_err(|e| e.to_string())?);
        sent += 1;
        if count.is_some_and(|n| sent >= n) || stop_within(&mut signals, interval) {
            break;
        }
    }
    let _ = conn.request(&Command::Quit);
    eprintln!("metrics-client: pushed {sent} values of {name}");
    Ok(all_ok)
}

fn show(answer: Answer) -> bool {
    print!("{}", answer.printed);
    answer.ok
}

/// The first field of `/proc/loadavg`: `0.42 0.35 0.30 1/123 4567`.
fn read_loadavg() -> Result<f64, String> {
    let text = std::fs::read_to_string(LOADAVG).map_err(|e| format!("{LOADAVG}: {e}"))?;
    let first = text.split_whitespace().next().unwrap_or("");
    first
        .parse::<f64>()
        .map_err(|_| format!("{LOADAVG}: {first:?} is not a number"))
}

/// Wait `interval`; true if SIGINT/SIGTERM arrived meanwhile.
fn stop_within(signals: &mut SignalPipe, interval: Duration) -> bool {
    let timeout = PollTimeout::try_from(interval).unwrap_or(PollTimeout::MAX);
    let mut fds = [PollFd::new(signals.as_fd(), PollFlags::POLLIN)];
    match poll(&mut fds, timeout) {
        Ok(0) => false,
        Ok(_) => !signals.drain().is_empty(),
        Err(_) => reactor::signal::stop_requested(), // EINTR: the handler ran
    }
}

fn unix_millis() -> i64 {
    let since = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    i64::try_from(since.as_millis()).unwrap_or(i64::MAX)
}
