//! Shared harness for the black-box tests: find the built binaries, start a server on port 0,
//! read its `listening on ADDR` line, talk to it over real sockets, stop it with a signal.
//!
//! Cargo only sets `CARGO_BIN_EXE_*` for a package's own binaries, so the servers and clients
//! are looked up next to this test executable, in the shared target directory (`make test`
//! builds every binary first). A missing binary fails the test with a message saying so.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// Every concurrency model of the servers.
pub const ALL_MODELS: &[&str] = &["iterative", "fork", "thread", "select", "poll", "epoll", "uring"];
/// The models that serve many clients at once.
pub const CONCURRENT_MODELS: &[&str] = &["fork", "thread", "select", "poll", "epoll", "uring"];
/// The completion model (echo-server only): the io_uring proactor.
pub const COMPLETION_MODELS: &[&str] = &["uring-completion"];
/// The one-thread reactor models.
pub const REACTOR_MODELS: &[&str] = &["select", "poll", "epoll", "uring"];

/// How long any single step of a test may wait before it is a failure, not a slow machine.
pub const STEP: Duration = Duration::from_secs(20);

/// Path of a workspace binary in the target directory this test was built into.
pub fn bin(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("current_exe");
    // target/<profile>/deps/<test>-<hash>  ->  target/<profile>/<name>
    let dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("test executable lives in target/<profile>/deps");
    let path = dir.join(name);
    assert!(
        path.exists(),
        "binary {} not found: run `cargo build --workspace --bins` (make test does) first",
        path.display()
    );
    path
}

/// The repository's root (the folder above the `tests` crate): where the docs and scripts are.
pub fn repo_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}

/// A running server process, killed when dropped.
pub struct Server {
    pub child: Child,
    /// What the server printed after `listening on `.
    pub addr: String,
    stderr_lines: mpsc::Receiver<String>,
    stderr_seen: Vec<String>,
}

impl Server {
    /// Start `name` with `args` and wait for its `listening on ADDR` line.
    pub fn start(name: &str, args: &[&str]) -> Server {
        Self::start_with(Command::new(bin(name)).args(args))
    }

    /// Start a prepared command (extra env, a wrapper such as prlimit) and wait for the line.
    pub fn start_with(cmd: &mut Command) -> Server {
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn server");
        let stdout = child.stdout.take().expect("stdout");
        let stderr = child.stderr.take().expect("stderr");
        let (tx, rx) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let (etx, erx) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if etx.send(line).is_err() {
                    break;
                }
            }
        });
        let line = match rx.recv_timeout(STEP) {
            Ok(line) => line,
            Err(_) => {
                let _ = child.kill();
                let errs: Vec<String> = erx.try_iter().collect();
                panic!("server printed no `listening on` line; stderr:\n{}", errs.join("\n"));
            }
        };
        let addr = line
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line: {line:?}"))
            .to_string();
        Server {
            child,
            addr,
            stderr_lines: erx,
            stderr_seen: Vec::new(),
        }
    }

    pub fn pid(&self) -> i32 {
        self.child.id() as i32
    }

    /// Connect a TCP client with read/write timeouts so a hung server fails the test.
    pub fn connect(&self) -> TcpStream {
        connect_tcp(&self.addr)
    }

    /// Send a signal (SIGTERM, SIGINT, …) and wait for the exit status.
    pub fn signal_and_wait(&mut self, sig: nix::sys::signal::Signal) -> ExitStatus {
        nix::sys::signal::kill(nix::unistd::Pid::from_raw(self.pid()), sig).expect("kill");
        self.wait_exit()
    }

    /// Wait for the process to exit, failing the test after [`STEP`].
    pub fn wait_exit(&mut self) -> ExitStatus {
        let deadline = Instant::now() + STEP;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status;
            }
            assert!(Instant::now() < deadline, "server did not exit in time");
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// Everything the server wrote on stderr so far (log lines).
    pub fn stderr_so_far(&mut self) -> String {
        self.stderr_seen.extend(self.stderr_lines.try_iter());
        self.stderr_seen.join("\n")
    }

    /// Wait until a stderr line contains `needle`; panics after [`STEP`].
    pub fn wait_for_log(&mut self, needle: &str) -> String {
        let deadline = Instant::now() + STEP;
        loop {
            if let Some(line) = self.stderr_seen.iter().find(|l| l.contains(needle)) {
                return line.clone();
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match self.stderr_lines.recv_timeout(left.min(Duration::from_millis(200))) {
                Ok(line) => self.stderr_seen.push(line),
                Err(_) if Instant::now() >= deadline => {
                    panic!(
                        "no log line containing {needle:?}; stderr:\n{}",
                        self.stderr_seen.join("\n")
                    )
                }
                Err(_) => {}
            }
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Connect to `HOST:PORT` (as printed by a server) with timeouts set.
pub fn connect_tcp(addr: &str) -> TcpStream {
    let stream = TcpStream::connect(addr).unwrap_or_else(|e| panic!("connect {addr}: {e}"));
    stream.set_read_timeout(Some(STEP)).expect("timeout");
    stream.set_write_timeout(Some(STEP)).expect("timeout");
    stream
}

/// Connect to a UNIX socket path with timeouts set.
pub fn connect_unix(path: &Path) -> UnixStream {
    let stream = UnixStream::connect(path).unwrap_or_else(|e| panic!("connect {}: {e}", path.display()));
    stream.set_read_timeout(Some(STEP)).expect("timeout");
    stream.set_write_timeout(Some(STEP)).expect("timeout");
    stream
}

/// Read exactly `n` bytes or fail the test.
pub fn read_n(stream: &mut impl Read, n: usize) -> Vec<u8> {
    let mut buf = vec![0u8; n];
    stream
        .read_exact(&mut buf)
        .unwrap_or_else(|e| panic!("reading {n} bytes: {e}"));
    buf
}

/// Read one `\n`-terminated line (without the newline) byte by byte, so nothing is lost
/// to a buffered reader between calls.
pub fn read_line(stream: &mut impl Read) -> String {
    let mut line = Vec::new();
    let mut byte = [0u8; 1];
    loop {
        match stream.read(&mut byte) {
            Ok(0) => panic!("EOF before end of line; got {:?}", String::from_utf8_lossy(&line)),
            Ok(_) if byte[0] == b'\n' => break,
            Ok(_) => line.push(byte[0]),
            Err(e) => panic!("reading a line: {e}; got {:?}", String::from_utf8_lossy(&line)),
        }
    }
    String::from_utf8_lossy(&line).trim_end_matches('\r').to_string()
}

/// Write all of `data`, failing the test on error.
pub fn write_all(stream: &mut impl Write, data: &[u8]) {
    stream.write_all(data).unwrap_or_else(|e| panic!("write: {e}"));
}

/// Assert that the peer closes the connection: the next read returns EOF (or a reset).
pub fn assert_closed(stream: &mut impl Read) {
    let mut buf = [0u8; 256];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return,
            Ok(_) => continue, // a goodbye message before the close is fine
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return,
            Err(e) => panic!("expected the server to close the connection, got {e}"),
        }
    }
}

/// A fresh temporary directory, removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        static COUNT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = COUNT.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!("reactor-lab-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create temp dir");
        TempDir(dir)
    }
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Raise this process's soft RLIMIT_NOFILE to at least `want` (bounded by the hard limit).
pub fn raise_nofile(want: u64) -> u64 {
    use nix::sys::resource::{getrlimit, setrlimit, Resource};
    let (soft, hard) = getrlimit(Resource::RLIMIT_NOFILE).expect("getrlimit");
    let target = want.min(hard).max(soft);
    if target > soft {
        setrlimit(Resource::RLIMIT_NOFILE, target, hard).expect("setrlimit");
    }
    target
}

/// Run a client binary to completion with `stdin` fed in, returning (status, stdout, stderr).
pub fn run_client(name: &str, args: &[&str], stdin: &[u8]) -> (ExitStatus, String, String) {
    let mut child = Command::new(bin(name))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("spawn {name}: {e}"));
    let mut input = child.stdin.take().expect("stdin");
    let data = stdin.to_vec();
    let writer = thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let out = wait_output(child, STEP * 3);
    let _ = writer.join();
    out
}

/// Run `bug-probe ARGS` (the workloads behind `--bug` and the lab graders); the `key=value`
/// pairs of its `result:` line, or, when it failed or printed none, its output as the error.
pub fn bug_probe(args: &[&str]) -> Result<std::collections::HashMap<String, String>, String> {
    let (status, out, err) = run_client("bug-probe", args, b"");
    let line = out.lines().rev().find_map(|l| l.strip_prefix("result: "));
    match line {
        Some(line) if status.success() => Ok(line
            .split_whitespace()
            .filter_map(|kv| kv.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()),
        _ => Err(format!(
            "bug-probe {} failed ({status}): {}{}",
            args.join(" "),
            err.trim(),
            out.trim()
        )),
    }
}

/// `bug-probe crowd`: `clients` connections to `server` at once, held `hold_ms`, with the
/// server's threads and liveness sampled from its pid.
pub fn bug_probe_crowd(
    server: &Server,
    clients: u32,
    hold_ms: u32,
) -> Result<std::collections::HashMap<String, String>, String> {
    let (clients, pid, hold) = (clients.to_string(), server.pid().to_string(), hold_ms.to_string());
    bug_probe(&[
        "crowd",
        &server.addr,
        "--clients",
        &clients,
        "--pid",
        &pid,
        "--hold",
        &hold,
    ])
}

/// Wait for a child with a deadline, collecting its output; kills it and fails when late.
pub fn wait_output(child: Child, limit: Duration) -> (ExitStatus, String, String) {
    match wait_output_within(child, limit) {
        (Some(status), out, err) => (status, out, err),
        (None, _, _) => panic!("process did not finish within {limit:?}"),
    }
}

/// Wait for a child with a deadline, collecting its output. A child still running at the
/// deadline is killed and its status is `None`; its output is then not waited for (a process
/// it forked may still hold the pipes), and comes back empty.
pub fn wait_output_within(mut child: Child, limit: Duration) -> (Option<ExitStatus>, String, String) {
    let mut stdout = child.stdout.take().expect("stdout");
    let mut stderr = child.stderr.take().expect("stderr");
    let out_t = thread::spawn(move || {
        let mut s = Vec::new();
        let _ = stdout.read_to_end(&mut s);
        s
    });
    let err_t = thread::spawn(move || {
        let mut s = Vec::new();
        let _ = stderr.read_to_end(&mut s);
        s
    });
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            break status;
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            return (None, String::new(), String::new());
        }
        thread::sleep(Duration::from_millis(10));
    };
    let out = String::from_utf8_lossy(&out_t.join().unwrap_or_default()).into_owned();
    let err = String::from_utf8_lossy(&err_t.join().unwrap_or_default()).into_owned();
    (Some(status), out, err)
}

/// Resident memory (`VmRSS` of /proc/PID/status) of one process, in KiB. Fails the test if
/// the process is gone: a vanished server must not pass a memory check.
pub fn rss_kib(pid: i32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or_else(|| panic!("no VmRSS for process {pid}: is it still running?"))
}

/// The direct children of `pid` (the fork model's per-client processes).
pub fn child_pids(pid: i32) -> Vec<i32> {
    let list = std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children")).unwrap_or_default();
    list.split_whitespace().filter_map(|p| p.parse().ok()).collect()
}

/// Resident memory of `pid` and all its descendants, in KiB (a child that exits meanwhile
/// counts as 0).
pub fn tree_rss_kib(pid: i32) -> u64 {
    let mut total = rss_kib(pid);
    let mut pending = child_pids(pid);
    while let Some(child) = pending.pop() {
        if let Ok(status) = std::fs::read_to_string(format!("/proc/{child}/status")) {
            total += status
                .lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
                .unwrap_or(0);
        }
        pending.extend(child_pids(child));
    }
    total
}

/// Lines of a child's stdout and stderr, as they come (one reader thread per stream; both
/// must be piped). For scripts and debuggers driven line by line (demos, gdb).
pub fn output_lines(child: &mut Child) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    let streams: Vec<Box<dyn Read + Send>> = vec![
        Box::new(child.stdout.take().expect("stdout is piped")),
        Box::new(child.stderr.take().expect("stderr is piped")),
    ];
    for stream in streams {
        let tx = tx.clone();
        thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
    }
    rx
}

/// Type one line into a program driven through its stdin (gdb, in the gdb tests).
pub fn type_line(stdin: &mut ChildStdin, line: &str) {
    stdin
        .write_all(format!("{line}\n").as_bytes())
        .and_then(|()| stdin.flush())
        .unwrap_or_else(|e| panic!("typing {line:?}: {e}"));
}

/// Tell a gdb stopped at a prompt to kill its program and quit; fail (after killing it) if it
/// has not exited within `limit`.
pub fn gdb_quit(gdb: &mut Child, mut stdin: ChildStdin, limit: Duration, what: &str) {
    type_line(&mut stdin, "kill");
    type_line(&mut stdin, "quit");
    drop(stdin);
    let deadline = Instant::now() + limit;
    while gdb.try_wait().ok().flatten().is_none() {
        if Instant::now() > deadline {
            let _ = gdb.kill();
            panic!("{what}: gdb did not quit");
        }
        thread::sleep(Duration::from_millis(20));
    }
}
