//! `BIN … | head -c1`: every binary of the workspace, writing to a pipe whose reader is gone,
//! ends quietly the way a C tool does (killed by SIGPIPE, no complaint on stderr), never with
//! Rust's "failed printing to stdout: Broken pipe" panic (status 101).
//!
//! The reader is closed before the program starts, so the first write fails for certain
//! (with a real `head -c1` the outcome would depend on who runs first). Every binary is
//! run doing its real work; `--help` is run for all too: it ends with status 0, since clap
//! swallows `EPIPE` on its own output.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream, UdpSocket};
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use tests::{bin, run_client, Server, TempDir, STEP};

/// Run `name args` with stdout on a pipe nobody reads; (status, stderr).
fn run_into_closed_pipe(name: &str, args: &[&str]) -> (ExitStatus, String) {
    let (read_end, write_end) = nix::unistd::pipe().expect("pipe");
    drop(read_end);
    let mut child = Command::new(bin(name))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::from(write_end))
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("spawn {name}: {e}"));
    let mut stderr = child.stderr.take().expect("stderr");
    let reader = thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let deadline = Instant::now() + STEP;
    let status = loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            break status;
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{name} {args:?} still running after {STEP:?} with a closed stdout");
        }
        thread::sleep(Duration::from_millis(5));
    };
    (status, reader.join().unwrap_or_default())
}

/// The program printed real output: it must die of SIGPIPE, silently.
fn assert_dies_of_sigpipe(name: &str, args: &[&str]) {
    let (status, err) = run_into_closed_pipe(name, args);
    assert_eq!(
        status.signal(),
        Some(libc::SIGPIPE),
        "{name} {args:?}: {status}, stderr: {err}"
    );
    assert_no_complaint(name, &err);
}

/// Only clap's help was printed: quiet, status 0 (clap ignores `EPIPE` there).
fn assert_help_is_quiet(name: &str) {
    let (status, err) = run_into_closed_pipe(name, &["--help"]);
    assert!(
        status.success() || status.signal() == Some(libc::SIGPIPE),
        "{name} --help: {status}, stderr: {err}"
    );
    assert_no_complaint(name, &err);
}

/// What the program said on stderr is its usual chatter (`connected to …`), not a panic
/// or an error about the pipe.
fn assert_no_complaint(name: &str, err: &str) {
    for word in ["panicked", "failed printing", "Broken pipe", "os error 32"] {
        assert!(!err.contains(word), "{name}: {word:?} on stderr:\n{err}");
    }
}

/// A loopback TCP server that sends `reply` to its first client, then closes.
fn one_shot_tcp(reply: &'static [u8]) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    thread::spawn(move || {
        if let Ok((mut s, _)) = listener.accept() {
            s.set_read_timeout(Some(Duration::from_millis(300))).ok();
            let mut buf = [0u8; 1024];
            let _ = s.read(&mut buf);
            let _ = s.write_all(reply);
        }
    });
    port
}

/// A loopback DNS responder: answers its first query with NOERROR and no records.
fn one_shot_dns() -> u16 {
    let socket = UdpSocket::bind("127.0.0.1:0").expect("bind");
    socket.set_read_timeout(Some(STEP)).ok();
    let port = socket.local_addr().expect("addr").port();
    thread::spawn(move || {
        let mut buf = [0u8; 512];
        if let Ok((n, from)) = socket.recv_from(&mut buf) {
            let mut end = 12;
            while end < n && buf[end] != 0 {
                end += 1 + buf[end] as usize;
            }
            let end = (end + 5).min(n); // the root label, QTYPE, QCLASS
            let mut reply = buf[..end].to_vec();
            reply[2] |= 0x80; // QR
            reply[3] = 0x80; // RA, NOERROR
            reply[6..12].fill(0); // no answer, authority or additional record
            let _ = socket.send_to(&reply, from);
        }
    });
    port
}

#[test]
fn network_basics_clients_die_quietly() {
    assert_dies_of_sigpipe("routes", &[]);
    assert_dies_of_sigpipe("ifaces", &[]);
    assert_dies_of_sigpipe("ipcalc", &["192.168.1.7/24"]);
    assert_dies_of_sigpipe("ipcalc", &["2001:db8::1/64"]);
    assert_dies_of_sigpipe("resolve", &["localhost"]);
    let server = format!("127.0.0.1:{}", one_shot_dns());
    assert_dies_of_sigpipe("dns-query", &["--server", &server, "--tries", "1", "example.test"]);
}

#[test]
fn socket_clients_die_quietly() {
    let port = one_shot_tcp(b"hello from the server\n").to_string();
    assert_dies_of_sigpipe("tcp-client", &["127.0.0.1", &port]);
    let port = one_shot_tcp(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello");
    assert_dies_of_sigpipe("http-get", &[&format!("http://127.0.0.1:{port}/")]);
}

#[test]
fn clients_of_our_servers_die_quietly() {
    let echo = Server::start("echo-server", &["--listen", "127.0.0.1:0"]);
    let chat = Server::start("chat-server", &["--listen", "127.0.0.1:0"]);
    let metrics = Server::start("metrics-server", &["--listen", "127.0.0.1:0"]);
    assert_dies_of_sigpipe("loadgen", &[&echo.addr, "--rounds", "5", "--warmup", "0"]);
    assert_dies_of_sigpipe("bug-probe", &["sequential", &echo.addr, "--clients", "1"]);
    assert_dies_of_sigpipe("chat-bench", &[&chat.addr, "--clients", "2", "--messages", "2"]);
    let (host, port) = metrics.addr.rsplit_once(':').expect("HOST:PORT");
    assert_dies_of_sigpipe("metrics-client", &[host, port, "val", "cpu", "0.5"]);
    let port = one_shot_tcp(b"* welcome to the room\n").to_string();
    assert_dies_of_sigpipe("chat-client", &["127.0.0.1", &port]);
    assert_dies_of_sigpipe("idle-conns", &["--count", "2", "--hold", "0", &echo.addr]);
}

/// loadgen's JSON report, drawn by bench-charts, which prints the paths of its charts.
#[test]
fn bench_charts_dies_quietly() {
    let echo = Server::start("echo-server", &["--listen", "127.0.0.1:0"]);
    let dir = TempDir::new("closed-pipe-bench");
    let args = [
        echo.addr.as_str(),
        "--rounds",
        "5",
        "--warmup",
        "0",
        "--json",
        "--label",
        "epoll",
        "-q",
    ];
    let (status, report, err) = run_client("loadgen", &args, b"");
    assert!(status.success(), "loadgen: {err}");
    std::fs::write(dir.path().join("epoll.json"), report).expect("write the report");
    let input = dir.path().to_str().expect("utf-8 path");
    let out = dir.path().join("charts");
    assert_dies_of_sigpipe(
        "bench-charts",
        &["echo", input, "--out", out.to_str().expect("utf-8 path")],
    );
}

/// tcp-client records a trace of its event loop; loop-timeline draws it and prints the
/// paths it wrote.
#[test]
fn loop_timeline_dies_quietly() {
    let dir = TempDir::new("closed-pipe-trace");
    let trace = dir.path().join("client.trace");
    let trace = trace.to_str().expect("utf-8 path");
    let port = one_shot_tcp(b"hello\n").to_string();
    let (status, _, err) = run_client("tcp-client", &["--trace", trace, "127.0.0.1", &port], b"");
    assert!(status.success(), "tcp-client: {err}");
    let base = dir.path().join("timeline");
    assert_dies_of_sigpipe("loop-timeline", &[trace, "-o", base.to_str().expect("utf-8 path")]);
}

#[test]
fn servers_die_quietly_when_their_announce_cannot_be_written() {
    for name in ["echo-server", "chat-server", "http-server", "metrics-server"] {
        assert_dies_of_sigpipe(name, &["--listen", "127.0.0.1:0"]);
    }
}

#[test]
fn every_binary_help_is_quiet() {
    for name in [
        "echo-server",
        "chat-server",
        "http-server",
        "metrics-server",
        "bug-probe",
        "chat-bench",
        "chat-client",
        "dns-query",
        "http-get",
        "idle-conns",
        "ifaces",
        "ipcalc",
        "loadgen",
        "metrics-client",
        "resolve",
        "routes",
        "tcp-client",
        "bench-charts",
        "loop-timeline",
    ] {
        assert_help_is_quiet(name);
    }
}

/// `echo-server | head -1`: the reader takes the announce line and leaves; the server has
/// nothing more to print and must go on serving (SIGPIPE stays ignored for its sockets).
#[test]
fn a_server_keeps_serving_after_its_stdout_reader_left() {
    let mut child = Command::new(bin("echo-server"))
        .args(["--listen", "127.0.0.1:0"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn echo-server");
    let mut line = String::new();
    let stdout = child.stdout.take().expect("stdout");
    BufReader::new(stdout).read_line(&mut line).expect("announce"); // the reader is dropped here
    let addr = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_default()
        .to_string();
    let echoed = TcpStream::connect(&addr).and_then(|mut client| {
        client.set_read_timeout(Some(STEP))?;
        client.write_all(b"still here\n")?;
        let mut buf = [0u8; 11];
        client.read_exact(&mut buf).map(|()| buf)
    });
    let alive = child.try_wait().ok().flatten().is_none();
    let _ = nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGTERM,
    );
    let status = child.wait().expect("wait");
    assert!(alive, "echo-server died when its stdout reader left: {status}");
    assert_eq!(&echoed.expect("echo"), b"still here\n");
    assert!(status.success(), "{status}");
}
