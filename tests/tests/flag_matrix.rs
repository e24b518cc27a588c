//! Every flag is honoured by every model that accepts it, or refused.
//!
//! For each server × model × flag, the server is started with the flag and either exits 2
//! with a message naming the model (a usage error: the model does not implement it), or it
//! serves, and a probe sees the flag's effect over a real socket. A flag accepted and then
//! silently ignored (`echo-server --model uring-completion --trace` wrote no trace; its
//! `--fd-reserve` let every descriptor go) fails here, and so does a refusal that comes
//! after the `listening on` line. Each case takes a second or two at most, sixteen run at
//! once: the whole walk (176 cases) takes about 5 s.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};
use tests::{bin, TempDir};

const SERVERS: &[&str] = &["echo-server", "chat-server", "http-server", "metrics-server"];
const MODELS: &[&str] = &[
    "iterative",
    "fork",
    "thread",
    "select",
    "poll",
    "epoll",
    "uring",
    "uring-completion",
];

/// A flag as given, and how its effect is seen.
#[derive(Copy, Clone, Debug)]
enum Flag {
    /// `--trace FILE`: the file holds the `start` line and more once the server stopped.
    Trace,
    /// `--fd-reserve 60` under `RLIMIT_NOFILE` 64: the first client is refused (closed).
    FdReserve,
    /// `--idle-timeout 1`: a client that says nothing is closed.
    IdleTimeout,
    /// `--max-connections 1`: a second client is refused while the first is served.
    MaxConnections,
    /// `--workers 2`: the server serves.
    Workers,
    /// `--access-log FILE` (http-server): a request leaves its line there.
    AccessLog,
    /// `--header-timeout 1` (http-server): half a request head is answered 408 and closed.
    HeaderTimeout,
    /// `--idle-kick 2` (chat-server): a silent member is warned, then disconnected.
    IdleKick,
}

const FLAGS: &[Flag] = &[
    Flag::Trace,
    Flag::FdReserve,
    Flag::IdleTimeout,
    Flag::MaxConnections,
    Flag::Workers,
    Flag::AccessLog,
    Flag::HeaderTimeout,
    Flag::IdleKick,
];

impl Flag {
    fn applies_to(self, server: &str) -> bool {
        match self {
            Flag::Workers => server != "chat-server",
            Flag::AccessLog | Flag::HeaderTimeout => server == "http-server",
            Flag::IdleKick => server == "chat-server",
            _ => true,
        }
    }

    fn args(self, file: &Path) -> Vec<String> {
        let file = file.display().to_string();
        let args: Vec<&str> = match self {
            Flag::Trace => vec!["--trace", &file],
            Flag::FdReserve => vec!["--fd-reserve", "60"],
            Flag::IdleTimeout => vec!["--idle-timeout", "1"],
            Flag::MaxConnections => vec!["--max-connections", "1"],
            Flag::Workers => vec!["--workers", "2"],
            Flag::AccessLog => vec!["--access-log", &file],
            Flag::HeaderTimeout => vec!["--header-timeout", "1"],
            Flag::IdleKick => vec!["--idle-kick", "2"],
        };
        args.into_iter().map(String::from).collect()
    }
}

/// How a case ended.
enum Outcome {
    /// Exit 2, with stderr.
    Refused(String),
    /// Exit 1 before serving because io_uring cannot be used here (the uring models only).
    NoUring,
    /// Served: the address it listens on, and the process.
    Serving(String, Child),
}

fn launch(server: &str, model: &str, flag: Flag, dir: &Path) -> Outcome {
    let mut cmd = Command::new(bin(server));
    cmd.args(["--model", model, "--listen", "127.0.0.1:0"]);
    cmd.args(flag.args(&dir.join("out")));
    if server == "http-server" {
        cmd.arg("--root").arg(dir);
    }
    if let Flag::FdReserve = flag {
        // SAFETY: only setrlimit(2) between fork and exec.
        unsafe {
            cmd.pre_exec(|| {
                let limit = libc::rlimit {
                    rlim_cur: 64,
                    rlim_max: 64,
                };
                if libc::setrlimit(libc::RLIMIT_NOFILE, &limit) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
    }
    let mut child = cmd
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let line = rx.recv_timeout(Duration::from_secs(20)).unwrap_or_default();
    if let Some(addr) = line.trim().strip_prefix("listening on ") {
        return Outcome::Serving(addr.to_string(), child);
    }
    let status = wait(&mut child);
    let mut err = String::new();
    if let Some(mut stderr) = child.stderr.take() {
        let _ = stderr.read_to_string(&mut err);
    }
    match status {
        Some(2) => Outcome::Refused(err),
        Some(1) if model.starts_with("uring") && err.contains("io_uring") => Outcome::NoUring,
        other => panic!("{server} --model {model} {flag:?}: exit {other:?} without serving: {err}"),
    }
}

/// The exit code, waiting at most 10 s (then killed: `None`).
fn wait(child: &mut Child) -> Option<i32> {
    let until = Instant::now() + Duration::from_secs(10);
    while Instant::now() < until {
        if let Ok(Some(status)) = child.try_wait() {
            return status.code();
        }
        thread::sleep(Duration::from_millis(10));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

fn connect(addr: &str) -> TcpStream {
    let stream = TcpStream::connect(addr).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(4))).expect("timeout");
    stream
}

/// Did the server close this connection (EOF or reset) within the read timeout?
fn closed_by_server(stream: &mut TcpStream) -> bool {
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => continue, // a busy line or a greeting: keep reading
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {
                return false
            }
            Err(_) => return true,
        }
    }
}

/// One request of the server's protocol that gets an answer (and stays open).
fn request(server: &str) -> &'static [u8] {
    match server {
        "http-server" => b"GET / HTTP/1.1\r\nHost: t\r\n\r\n",
        "metrics-server" => b"LIST\n",
        "chat-server" => b"/nick probe\n",
        _ => b"ping\n",
    }
}

/// Stop with SIGTERM and wait (the trace and the access log are flushed on a clean exit).
fn stop(mut child: Child) {
    let _ = nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGTERM,
    );
    if wait(&mut child).is_none() {
        panic!("no exit within 10 s of SIGTERM");
    }
}

/// The flag's effect, seen from outside; `Err(why)` if it is not there.
fn probe(server: &str, model: &str, flag: Flag, addr: &str, child: Child, out: &Path) -> Result<(), String> {
    match flag {
        Flag::Trace | Flag::AccessLog | Flag::Workers => {
            let mut c = connect(addr);
            let _ = c.write_all(request(server));
            let mut buf = [0u8; 256];
            let answered = matches!(c.read(&mut buf), Ok(n) if n > 0);
            drop(c);
            thread::sleep(Duration::from_millis(100));
            stop(child);
            if !answered {
                return Err("no answer to a request".into());
            }
            let text = std::fs::read_to_string(out).unwrap_or_default();
            match flag {
                Flag::Trace if !text.contains(r#""type":"start""#) || text.lines().count() < 2 => {
                    Err(format!("trace file without records: {text:?}"))
                }
                Flag::AccessLog if !text.contains("\"GET / HTTP/1.1\"") => Err(format!("access log: {text:?}")),
                _ => Ok(()),
            }
        }
        Flag::FdReserve | Flag::IdleTimeout | Flag::HeaderTimeout | Flag::IdleKick => {
            let mut c = connect(addr);
            match flag {
                Flag::HeaderTimeout => drop(c.write_all(b"GET / HTTP/1.1\r\n")),
                Flag::IdleKick => drop(c.write_all(request(server))),
                _ => {}
            }
            let closed = closed_by_server(&mut c);
            stop(child);
            closed.then_some(()).ok_or_else(|| "the client was not closed".into())
        }
        Flag::MaxConnections => {
            let mut first = connect(addr);
            let _ = first.write_all(request(server));
            let mut buf = [0u8; 256];
            let _ = first.read(&mut buf);
            let mut second = connect(addr);
            // Iterative serves one client at a time whatever N: the second waits in the
            // backlog, as the model teaches, and is not refused.
            let refused = model == "iterative" || closed_by_server(&mut second);
            stop(child);
            refused
                .then_some(())
                .ok_or_else(|| "a second client was not refused".into())
        }
    }
}

fn run_case(server: &'static str, model: &'static str, flag: Flag) -> Result<(), String> {
    let dir = TempDir::new("flags");
    let name = format!("{server} --model {model} {:?}", flag);
    match launch(server, model, flag, dir.path()) {
        // Refused for this model, or for this server whatever the model (metrics-server
        // and --workers 2: one store, one process).
        Outcome::Refused(err) if err.contains(model) || err.contains(server) => Ok(()),
        Outcome::Refused(err) => Err(format!("{name}: exit 2 naming neither the model nor the server: {err}")),
        Outcome::NoUring => Ok(()),
        Outcome::Serving(addr, child) => {
            probe(server, model, flag, &addr, child, &dir.path().join("out")).map_err(|why| format!("{name}: {why}"))
        }
    }
}

#[test]
fn every_flag_is_honoured_or_refused_naming_the_model() {
    let mut cases: Vec<(&'static str, &'static str, Flag)> = Vec::new();
    for &server in SERVERS {
        for &model in MODELS {
            for &flag in FLAGS.iter().filter(|f| f.applies_to(server)) {
                cases.push((server, model, flag));
            }
        }
    }
    let total = cases.len();
    // 16 cases at a time, each worker taking the next when done (most cases are idle waits).
    let queue = Arc::new(Mutex::new(cases));
    let workers: Vec<_> = (0..16)
        .map(|_| {
            let queue = Arc::clone(&queue);
            thread::spawn(move || {
                let mut failures = Vec::new();
                while let Some((server, model, flag)) = queue.lock().ok().and_then(|mut q| q.pop()) {
                    let case = thread::spawn(move || run_case(server, model, flag)).join();
                    match case {
                        Ok(Ok(())) => {}
                        Ok(Err(why)) => failures.push(why),
                        Err(_) => failures.push(format!("{server} --model {model} {flag:?}: panicked (see above)")),
                    }
                }
                failures
            })
        })
        .collect();
    let failures: Vec<String> = workers.into_iter().flat_map(|w| w.join().unwrap_or_default()).collect();
    assert!(
        failures.is_empty(),
        "{} of {total} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
