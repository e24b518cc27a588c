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
/// When the grader sets `LAB_FAILURE_DIR`, a failure is also written to `DIR/CHECK.txt` with
/// the steps so far: a run stopped at its time limit loses libtest's report, not this.
pub struct Steps {
    check: &'static str,
    n: u32,
    log: String,
}

impl Steps {
    pub fn new(check: &'static str) -> Steps {
        println!("{check}");
        Steps {
            check,
            n: 0,
            log: String::new(),
        }
    }

    /// Announce the next step.
    pub fn step(&mut self, what: &str) {
        self.n += 1;
        let line = format!("  step {}: {what}", self.n);
        println!("{line}");
        self.log.push_str(&line);
        self.log.push('\n');
    }

    /// Fail the current step unless `ok`, with the expected-versus-actual explanation.
    #[track_caller]
    pub fn expect(&self, ok: bool, sent: &str, got: &str, expected: &str, rule: &str) {
        if !ok {
            let failure = format!(
                "\n{} failed at step {}\n  sent:     {sent}\n  received: {got}\n  expected: {expected}\n  why:      {rule}\n",
                self.check, self.n
            );
            if let Some(dir) = std::env::var_os("LAB_FAILURE_DIR") {
                let file = std::path::Path::new(&dir).join(format!("{}.txt", self.check));
                let _ = std::fs::write(file, format!("{}{failure}", self.log));
            }
            panic!("{failure}");
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
    LabServer {
        server: Server::start(name, &all),
        name: name.to_string(),
    }
}

/// A server started for a check. When the check fails, the last lines the server wrote on
/// stderr are printed with it: the panic of a stub or of the student's code shows there.
/// When the check passed, dropping it is one more check (no crash passes): the server must
/// not have logged a panic (its message and location are quoted), must not have crashed, and
/// must still answer.
pub struct LabServer {
    pub server: Server,
    name: String,
}

impl std::ops::Deref for LabServer {
    type Target = Server;
    fn deref(&self) -> &Server {
        &self.server
    }
}

impl std::ops::DerefMut for LabServer {
    fn deref_mut(&mut self) -> &mut Server {
        &mut self.server
    }
}

impl Drop for LabServer {
    fn drop(&mut self) {
        let _reap = KillDescendants(self.server.pid());
        if std::thread::panicking() {
            let log = self.server.stderr_so_far();
            let lines: Vec<&str> = log.lines().filter(|l| !l.trim().is_empty()).collect();
            if !lines.is_empty() {
                println!("  the server's last words on stderr:");
                for line in &lines[lines.len().saturating_sub(6)..] {
                    println!("    {line}");
                }
            }
            return;
        }
        if let Err(problem) = self.health() {
            panic!("\nafter the checks: {problem}\n");
        }
    }
}

/// Kills every descendant of a server when dropped, before the server itself goes: a fork
/// server's children (or a wrong one's extra servers) must not outlive the check.
struct KillDescendants(i32);

impl Drop for KillDescendants {
    fn drop(&mut self) {
        let mut pending = tests::child_pids(self.0);
        while let Some(pid) = pending.pop() {
            pending.extend(tests::child_pids(pid));
            let _ = nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), nix::sys::signal::Signal::SIGKILL);
        }
    }
}

impl LabServer {
    /// Wrap a server started by the grader itself (`name` is its binary: how to ask it
    /// whether it still answers).
    pub fn new(server: Server, name: &str) -> LabServer {
        LabServer {
            server,
            name: name.to_string(),
        }
    }

    /// No panic logged, no crash, and an answer to a fresh client (retried for 3 s: a
    /// capped server may still be closing the check's clients).
    pub fn health(&mut self) -> Result<(), String> {
        std::thread::sleep(Duration::from_millis(50)); // the last stderr lines on their way
        if let Some(panic) = panic_in(&self.server.stderr_so_far()) {
            return Err(format!(
                "the server panicked: {panic}\n  expected: no panic on ordinary input; the line \
                 above names the file and line of the student's code that panicked (unwrap, \
                 index out of bounds, todo!, arithmetic overflow...)"
            ));
        }
        match self.server.child.try_wait() {
            Ok(None) => {}
            // The check stopped it itself (SIGTERM, SIGINT) or it ended on purpose.
            Ok(Some(status)) if !crashed(&status) => return Ok(()),
            Ok(Some(status)) => {
                return Err(format!(
                    "the server ended by itself ({status}) although nobody stopped it: an error \
                     returned with `?` from the accept loop, or a crash"
                ))
            }
            Err(e) => return Err(format!("cannot wait for the server: {e}")),
        }
        let deadline = std::time::Instant::now() + Duration::from_secs(3);
        loop {
            match answers(&self.name, &self.server.addr) {
                Ok(()) => return Ok(()),
                Err(e) if std::time::Instant::now() >= deadline => {
                    return Err(format!(
                        "the server stopped answering after the checks: a new client got {e}\n  \
                         expected: an answer within 3 s\n  why: the loop must go on serving \
                         after any client, whatever it sent: a blocking call, a missed \
                         wake-up or a lost listener?"
                    ))
                }
                Err(_) => std::thread::sleep(Duration::from_millis(200)),
            }
        }
    }

    /// How much of `window` the server's threads were running or waiting to run, as a
    /// percentage of one core (see [`busy_ns`]).
    pub fn busy_percent(&self, window: Duration) -> u64 {
        let before = busy_ns(self.server.pid());
        let started = std::time::Instant::now();
        std::thread::sleep(window);
        let busy = busy_ns(self.server.pid()).saturating_sub(before) as f64;
        (busy / 1e7 / started.elapsed().as_secs_f64()).round() as u64
    }
}

impl Steps {
    /// With nothing to do, the server must sleep in its wait (select, poll, epoll_wait,
    /// accept, read): measured over one second of silence.
    pub fn expect_idle(&mut self, server: &LabServer) {
        self.step("leave the server idle for 1 s and measure how long it was not asleep (/proc/PID/task/*/schedstat)");
        let busy = server.busy_percent(Duration::from_secs(1));
        self.expect(
            busy < 30,
            "nothing, for 1 s",
            &format!("the server used {busy} % of a core while idle (running or ready to run)"),
            "about 0 %: asleep in its wait",
            "a busy loop: the wait must block while nothing is ready (a zero timeout, an \
             interest that is always ready such as WRITABLE with nothing to write, or a retry \
             on WouldBlock instead of waiting for the next readiness event)",
        );
    }
}

/// Nanoseconds the threads of `pid` spent on a CPU or waiting for one, so far (the first two
/// fields of each `/proc/PID/task/TID/schedstat`). Unlike CPU time, this does not depend on
/// how busy the machine is: a thread that never sleeps counts the whole wall time.
pub fn busy_ns(pid: i32) -> u64 {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return 0;
    };
    tasks
        .flatten()
        .filter_map(|t| std::fs::read_to_string(t.path().join("schedstat")).ok())
        .map(|stat| {
            let mut fields = stat.split_whitespace().map(|f| f.parse::<u64>().unwrap_or(0));
            fields.next().unwrap_or(0) + fields.next().unwrap_or(0)
        })
        .sum()
}

/// The first panic in a server's stderr: the `panicked at FILE:LINE:COL:` line and its message.
pub fn panic_in(log: &str) -> Option<String> {
    let lines: Vec<&str> = log.lines().collect();
    let at = lines.iter().position(|l| l.contains("panicked at"))?;
    let mut text = lines[at].trim().to_string();
    if let Some(message) = lines.get(at + 1).filter(|l| !l.starts_with("note:")) {
        text.push(' ');
        text.push_str(message.trim());
    }
    Some(text)
}

/// An end the check did not ask for: a failure status (a Rust panic's 101, an error
/// returned from main) or a fatal signal; SIGINT, SIGTERM and SIGKILL are the checks' own.
fn crashed(status: &std::process::ExitStatus) -> bool {
    use std::os::unix::process::ExitStatusExt;
    !status.success() && !matches!(status.signal(), Some(2 | 9 | 15))
}

/// One exchange a healthy `name` server answers (echo: a line; chat: the welcome; HTTP: a
/// status line; others: the connection is accepted).
fn answers(name: &str, addr: &str) -> Result<(), String> {
    let mut stream = TcpStream::connect(addr).map_err(|e| format!("connect: {e}"))?;
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let _ = stream.set_write_timeout(Some(Duration::from_secs(2)));
    let (send, want): (&[u8], &[u8]) = match name {
        "echo-server" => (b"still there?\n", b"still there?\n"),
        "chat-server" => (b"", b""), // any line: the welcome, in text or JSON
        "http-server" => (b"HEAD / HTTP/1.0\r\n\r\n", b"HTTP/1."),
        _ => return Ok(()),
    };
    stream.write_all(send).map_err(|e| format!("write: {e}"))?;
    let mut got = Vec::new();
    let mut buf = [0u8; 256];
    while got.len() < want.len() || (want.is_empty() && !got.contains(&b'\n')) {
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) => return Err(format!("no answer ({e}) after {:?}", String::from_utf8_lossy(&got))),
        }
    }
    if got.starts_with(want) && !got.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{:?} instead of {:?}",
            String::from_utf8_lossy(&got),
            String::from_utf8_lossy(want)
        ))
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

/// Connect with short timeouts (a full accept queue drops SYNs: connect(2) alone would wait
/// minutes): a stuck server fails the step instead of hanging it.
pub fn connect(server: &Server) -> std::io::Result<TcpStream> {
    use std::net::ToSocketAddrs;
    let addr = server
        .addr
        .to_socket_addrs()?
        .next()
        .ok_or(std::io::ErrorKind::InvalidInput)?;
    let stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
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

/// Threads of a process, from /proc/PID/status (0 once it is gone).
pub fn threads(pid: i32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("Threads:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0)
}

/// `bug-probe big-echo`: `bytes` of a seeded pattern sent, the echo read `read_delay_ms`
/// later and compared end to end. One check, with lost and corrupted bytes told apart:
/// `why_lost` is the likely cause when bytes are missing, `why_corrupt` when they differ.
pub fn expect_stream(
    steps: &mut Steps,
    server: &Server,
    bytes: u64,
    read_delay_ms: u64,
    why_lost: &str,
    why_corrupt: &str,
) {
    steps.step(&format!(
        "send {bytes} bytes of a seeded pattern to {}, read the echo {read_delay_ms} ms later and \
         compare it byte for byte",
        server.addr
    ));
    let (bytes_text, delay) = (bytes.to_string(), read_delay_ms.to_string());
    let result = probe(&[
        "big-echo",
        &server.addr,
        "--bytes",
        &bytes_text,
        "--read-delay",
        &delay,
        "--idle",
        "3000",
    ]);
    let r = match result {
        Ok(r) => r,
        Err(e) => return steps.expect(false, &format!("{bytes} bytes"), &e, "the probe runs", why_lost),
    };
    let (received, lost, corrupted) = (num(&r, "received"), num(&r, "lost"), num(&r, "corrupted"));
    let mut got = format!("{received} of {bytes} bytes back: {lost} lost, {corrupted} corrupted");
    if corrupted > 0 {
        got += &format!(" (the first at offset {})", r.get("first_corrupt").map_or("?", |s| s));
    }
    let ending = r.get("ending").map_or("", String::as_str);
    let stalled = ending == "stalled";
    if stalled {
        got += &format!("; the server stopped answering after {received} bytes (nothing for 3 s)");
    } else if ending == "reset" {
        got += "; the connection was reset (RST)";
    }
    let why = if corrupted > 0 {
        why_corrupt
    } else if stalled && lost == 0 {
        "every byte came back but the connection never closed: read() returning 0 is the \
         client's FIN (the client is done), the server must then close its side"
    } else if lost > 0 && !stalled {
        "the server closed the connection with bytes still to echo: a short write is normal, \
         what it left must wait in the outbox for WRITABLE; and WouldBlock (EAGAIN) is not an \
         error, it means \"nothing more for now, wait for the next readiness event\""
    } else {
        why_lost
    };
    steps.expect(
        received == bytes && lost == 0 && corrupted == 0 && !stalled,
        &format!("{bytes} bytes"),
        &got,
        "every byte back, the same bytes, in order: 0 lost, 0 corrupted, then EOF",
        why,
    );
}

/// The usual cause of an echo whose bytes came back in number but not in content.
pub const WHY_CORRUPT: &str = "the bytes came back but not the right ones: after a short write \
     the next write must start where the last one stopped (buf[written..]), and a read must \
     append only the n bytes it returned (buf[..n]), never the whole buffer";
