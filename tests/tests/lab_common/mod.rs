//! Helpers of the lab graders (`tests/tests/labNN.rs`, run by `make lab-check N`): numbered
//! steps a student can follow, servers started with the lab's wrong solution when CI asks for
//! it (`LAB_BUG=NAME` → `--bug NAME`), and failures that say what was sent, what came back,
//! what was expected and which rule of the lecture applies.

#![allow(dead_code)]

pub mod backend;
pub mod run;

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};
use tests::Server;

/// A check's numbered steps; each is printed (libtest shows them when the check fails).
pub struct Steps {
    check: &'static str,
    n: u32,
}

impl Steps {
    pub fn new(check: &'static str) -> Steps {
        println!("{check}");
        Steps { check, n: 0 }
    }

    /// Announce the next step.
    pub fn step(&mut self, what: &str) {
        self.n += 1;
        println!("  step {}: {what}", self.n);
    }

    /// Fail the current step unless `ok`, with the expected-versus-actual explanation.
    #[track_caller]
    pub fn expect(&self, ok: bool, sent: &str, got: &str, expected: &str, rule: &str) {
        if !ok {
            panic!(
                "\n{} failed at step {}\n  sent:     {sent}\n  received: {got}\n  expected: {expected}\n  why:      {rule}\n",
                self.check, self.n
            );
        }
    }
}

/// The lecture bug CI switches on to prove the grader fails the lab's wrong solution.
pub fn lab_bug() -> Option<String> {
    std::env::var("LAB_BUG").ok().filter(|b| !b.is_empty())
}

/// Start `name` on loopback port 0 with `args` (and `--bug $LAB_BUG` when set).
pub fn start(name: &str, args: &[&str]) -> LabServer {
    let bug = lab_bug();
    let mut all = vec!["--listen", "127.0.0.1:0"];
    all.extend_from_slice(args);
    if let Some(bug) = &bug {
        all.extend_from_slice(&["--bug", bug]);
    }
    LabServer(Server::start(name, &all))
}

/// A server started for a check. When the check fails, the last lines the server wrote on
/// stderr are printed with it: the panic of a stub or of the student's code shows there.
pub struct LabServer(pub Server);

impl std::ops::Deref for LabServer {
    type Target = Server;
    fn deref(&self) -> &Server {
        &self.0
    }
}

impl std::ops::DerefMut for LabServer {
    fn deref_mut(&mut self) -> &mut Server {
        &mut self.0
    }
}

impl Drop for LabServer {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            return;
        }
        let log = self.0.stderr_so_far();
        let lines: Vec<&str> = log.lines().filter(|l| !l.trim().is_empty()).collect();
        if !lines.is_empty() {
            println!("  the server's last words on stderr:");
            for line in &lines[lines.len().saturating_sub(6)..] {
                println!("    {line}");
            }
        }
    }
}

/// Run `bug-probe ARGS` (see `tests::bug_probe`).
pub fn probe(args: &[&str]) -> Result<HashMap<String, String>, String> {
    tests::bug_probe(args)
}

/// A numeric field of a probe result (0 when absent).
pub fn num(result: &HashMap<String, String>, key: &str) -> u64 {
    result.get(key).and_then(|v| v.parse().ok()).unwrap_or(0)
}

/// Connect with short timeouts: a stuck server fails the step instead of hanging it.
pub fn connect(server: &Server) -> std::io::Result<TcpStream> {
    let stream = TcpStream::connect(&server.addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    stream.set_write_timeout(Some(Duration::from_secs(5)))?;
    Ok(stream)
}

/// Send `line` and read until `want` bytes came back (or EOF, a timeout, an error).
pub fn round_trip(stream: &mut TcpStream, line: &[u8], want: usize) -> String {
    if let Err(e) = stream.write_all(line) {
        return format!("write failed: {e}");
    }
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    while got.len() < want {
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) => return format!("{:?} then {e}", String::from_utf8_lossy(&got)),
        }
    }
    format!("{:?}", String::from_utf8_lossy(&got))
}

/// Read until EOF (a reset counts) or `within`: what arrived, and whether the peer closed.
pub fn read_to_close(stream: &mut TcpStream, within: Duration) -> (Vec<u8>, bool) {
    let _ = stream.set_read_timeout(Some(within));
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    let deadline = Instant::now() + within;
    while Instant::now() < deadline {
        match stream.read(&mut buf) {
            Ok(0) => return (got, true),
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return (got, true),
            Err(_) => return (got, false),
        }
    }
    (got, false)
}

/// The panic a server wrote on stderr, if any: the `panicked at FILE:LINE` line and the
/// message under it.
pub fn panic_message(stderr: &str) -> Option<String> {
    let lines: Vec<&str> = stderr.lines().collect();
    let at = lines.iter().position(|l| l.contains("panicked"))?;
    Some(lines[at..lines.len().min(at + 2)].join(" "))
}

/// Is the server process still alive (not exited, not a zombie)?
pub fn alive(server: &mut Server) -> bool {
    matches!(server.child.try_wait(), Ok(None))
}
