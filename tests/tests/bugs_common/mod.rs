//! Helpers shared by the `bugs_*` tests (`--bug NAME`, docs/bugs.md): start a server with
//! or without a bug, run a `bug-probe` workload and read its `result:` line, and look at the
//! server's processes in /proc.

#![allow(dead_code)]

use std::collections::HashMap;
use std::time::{Duration, Instant};
use tests::{child_pids, Server};

/// Start `name` on loopback port 0 with `args`, plus `--bug bug` when given; with a bug,
/// check the loud startup warning names it and the file where the correct code lives.
pub fn start(name: &str, args: &[&str], bug: Option<&str>) -> Server {
    let mut all = vec!["--listen", "127.0.0.1:0"];
    all.extend_from_slice(args);
    if let Some(bug) = bug {
        all.extend_from_slice(&["--bug", bug]);
    }
    let mut server = Server::start(name, &all);
    if let Some(bug) = bug {
        let line = server.wait_for_log(&format!("BUG ON PURPOSE: --bug {bug}"));
        assert!(
            line.contains("The correct code is in "),
            "warning names no file: {line}"
        );
    }
    server
}

/// Run `bug-probe ARGS` and return the `key=value` pairs of its `result:` line.
pub fn probe(args: &[&str]) -> HashMap<String, String> {
    tests::bug_probe(args).unwrap_or_else(|e| panic!("{e}"))
}

/// `bug-probe crowd`: `clients` at once against `server`, each held `hold_ms`.
pub fn crowd(server: &Server, clients: u32, hold_ms: u32) -> HashMap<String, String> {
    tests::bug_probe_crowd(server, clients, hold_ms).unwrap_or_else(|e| panic!("{e}"))
}

/// A numeric field of a probe result.
pub fn num(result: &HashMap<String, String>, key: &str) -> u64 {
    result
        .get(key)
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no numeric {key:?} in {result:?}"))
}

/// A text field of a probe result.
pub fn field<'a>(result: &'a HashMap<String, String>, key: &str) -> &'a str {
    result
        .get(key)
        .map(String::as_str)
        .unwrap_or_else(|| panic!("no {key:?} in {result:?}"))
}

/// The process state letter of `/proc/PID/stat` (`R`, `S`, `Z`, ...); None once reaped.
pub fn state(pid: i32) -> Option<char> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name is in parentheses and may contain spaces: the state follows the `)`.
    stat.rsplit_once(')')?.1.trim_start().chars().next()
}

/// Every descendant of `pid` (children, grandchildren, ...).
pub fn descendants(pid: i32) -> Vec<i32> {
    let mut all = Vec::new();
    let mut pending = child_pids(pid);
    while let Some(child) = pending.pop() {
        all.push(child);
        pending.extend(child_pids(child));
    }
    all
}

/// Descendants that are running or sleeping (not zombies).
pub fn live_descendants(pid: i32) -> Vec<i32> {
    descendants(pid)
        .into_iter()
        .filter(|&p| state(p).is_some_and(|s| s != 'Z'))
        .collect()
}

/// Direct children that are zombies (exited, not reaped).
pub fn zombie_children(pid: i32) -> Vec<i32> {
    child_pids(pid).into_iter().filter(|&p| state(p) == Some('Z')).collect()
}

/// Open descriptors of a process.
pub fn fd_count(pid: i32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd")).map_or(0, |dir| dir.count())
}

/// SIGKILL every descendant of `pid` (a buggy fork server leaves servers behind it).
pub fn kill_descendants(pid: i32) {
    for child in descendants(pid) {
        let _ = nix::sys::signal::kill(nix::unistd::Pid::from_raw(child), nix::sys::signal::Signal::SIGKILL);
    }
}

/// Poll `measure` until `done` holds of its value or 5 s pass; returns the last value.
pub fn settle<T: std::fmt::Debug>(mut measure: impl FnMut() -> T, done: impl Fn(&T) -> bool) -> T {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let value = measure();
        if done(&value) || Instant::now() >= deadline {
            return value;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}
