//! Black-box tests of `loadgen` over real sockets.
//!
//! Each test starts a tiny threaded server of its own (std listeners on port 0 or a UNIX path
//! in a temp dir): a correct echo, one that flips a byte, one that accepts and never answers.
//! They run `loadgen` as a process and check its JSON report and exit status. Only counts and
//! orderings are asserted, never timings: speed belongs to `make bench`.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::net::UnixListener;
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::thread;

use serde_json::Value;
use tests::{bin, wait_output, TempDir, STEP};

/// What a test server does with the bytes it receives.
#[derive(Clone, Copy)]
enum Behaviour {
    Echo,
    /// Echo with the first byte of every chunk flipped.
    Corrupt,
    /// Accept and hold the connection, never read or write.
    Silent,
}

/// Serve one connection according to `behaviour` until the peer goes away.
fn serve(mut stream: impl Read + Write, behaviour: Behaviour) {
    let mut buf = [0u8; 4096];
    loop {
        let n = match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        if let Behaviour::Corrupt = behaviour {
            buf[0] ^= 0x20;
        }
        if stream.write_all(&buf[..n]).is_err() {
            return;
        }
    }
}

/// A thread-per-connection TCP server on 127.0.0.1:0; returns its address. The threads are
/// left to die with the test process (they block in accept/read, use no CPU).
fn tcp_server(behaviour: Behaviour) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("local_addr").to_string();
    thread::spawn(move || {
        let mut held: Vec<TcpStream> = Vec::new();
        for stream in listener.incoming().map_while(Result::ok) {
            match behaviour {
                Behaviour::Silent => held.push(stream),
                _ => {
                    thread::spawn(move || serve(stream, behaviour));
                }
            }
        }
    });
    addr
}

/// The same echo server on a UNIX domain socket at `path`.
fn unix_echo_server(path: &Path) {
    let listener = UnixListener::bind(path).expect("bind unix");
    thread::spawn(move || {
        for stream in listener.incoming().map_while(Result::ok) {
            thread::spawn(move || serve(stream, Behaviour::Echo));
        }
    });
}

/// Run loadgen with `args` to completion: (status, stdout, stderr).
fn loadgen(args: &[&str]) -> (ExitStatus, String, String) {
    let child = Command::new(bin("loadgen"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn loadgen");
    wait_output(child, STEP)
}

/// A short JSON run of 4 connections × 64 bytes (unless `extra` sets `--size`) against `target` (plus `extra` flags).
fn json_run(target: &[&str], extra: &[&str]) -> (ExitStatus, Value, String) {
    let mut args = vec!["--duration", "1", "--warmup", "0.2", "--connections", "4", "--json"];
    if !extra.contains(&"--size") {
        args.extend_from_slice(&["--size", "64"]);
    }
    args.extend_from_slice(extra);
    args.extend_from_slice(target);
    let (status, out, err) = loadgen(&args);
    let report: Value = serde_json::from_str(out.trim())
        .unwrap_or_else(|e| panic!("stdout is not one JSON object ({e}):\n{out}\nstderr:\n{err}"));
    (status, report, err)
}

fn num(report: &Value, field: &str) -> f64 {
    report[field]
        .as_f64()
        .unwrap_or_else(|| panic!("{field} is not a number in {report}"))
}

/// Round trips happened, nothing failed, and p50 <= p99 <= p999 <= max.
fn assert_healthy(status: ExitStatus, report: &Value, err: &str) {
    assert_eq!(status.code(), Some(0), "report {report}\nstderr:\n{err}");
    assert!(num(report, "round_trips") > 0.0, "{report}");
    assert!(num(report, "rtt_per_sec") > 0.0, "{report}");
    assert_eq!(num(report, "errors"), 0.0, "{report}");
    assert_eq!(num(report, "stalled_connections"), 0.0, "{report}");
    let p: Vec<f64> = ["p50_us", "p99_us", "p999_us", "max_us"]
        .iter()
        .map(|f| num(report, f))
        .collect();
    assert!(
        p[0] > 0.0 && p[0] <= p[1] && p[1] <= p[2] && p[2] <= p[3],
        "percentiles out of order: {report}"
    );
}

#[test]
fn echo_over_tcp_completes_round_trips() {
    let addr = tcp_server(Behaviour::Echo);
    let (status, report, err) = json_run(&[&addr], &["--label", "threaded-test-echo"]);
    assert_healthy(status, &report, &err);
    assert_eq!(report["label"], "threaded-test-echo");
    assert_eq!(num(&report, "connections"), 4.0);
    assert_eq!(num(&report, "size"), 64.0);
}

#[test]
fn echo_with_idle_connections_and_a_large_message() {
    // 100 KB does not fit one read or write: exercises short writes and partial reads.
    let addr = tcp_server(Behaviour::Echo);
    let (status, report, err) = json_run(&[&addr], &["--idle", "3", "--size", "100000"]);
    assert_healthy(status, &report, &err);
    assert_eq!(num(&report, "idle"), 3.0);
}

#[test]
fn echo_over_unix_socket() {
    let dir = TempDir::new("loadgen");
    let path = dir.path().join("echo.sock");
    unix_echo_server(&path);
    let path = path.to_string_lossy().into_owned();
    let (status, report, err) = json_run(&[], &["--unix", &path]);
    assert_healthy(status, &report, &err);
}

#[test]
fn corrupted_echo_fails_verification() {
    let addr = tcp_server(Behaviour::Corrupt);
    let (status, report, err) = json_run(&[&addr], &[]);
    assert_eq!(status.code(), Some(1), "report {report}\nstderr:\n{err}");
    assert!(num(&report, "errors") >= 1.0, "{report}");
    let kinds = report["error_kinds"].as_object().expect("error_kinds object");
    assert!(kinds.keys().any(|k| k.starts_with("verification")), "{report}");
    assert!(err.contains("expected"), "the mismatch is described on stderr:\n{err}");
}

#[test]
fn silent_server_stalls_every_connection_but_the_run_ends() {
    let addr = tcp_server(Behaviour::Silent);
    let (status, report, err) = json_run(&[&addr], &[]);
    assert_eq!(status.code(), Some(0), "report {report}\nstderr:\n{err}");
    assert_eq!(num(&report, "round_trips"), 0.0, "{report}");
    assert_eq!(num(&report, "errors"), 0.0, "{report}");
    assert_eq!(num(&report, "stalled_connections"), 4.0, "{report}");
    assert!(report["p50_us"].is_null(), "no latency without round trips: {report}");
}

#[test]
fn human_report_says_how_many_connections_stalled() {
    let addr = tcp_server(Behaviour::Silent);
    let (status, out, err) = loadgen(&["-d", "0.5", "--warmup", "0", "-c", "3", "--quiet", &addr]);
    assert_eq!(status.code(), Some(0), "stdout:\n{out}\nstderr:\n{err}");
    assert!(out.contains("3 of 3 connections completed no round trip"), "{out}");
    assert!(out.contains("round trips/s"), "{out}");
}

#[test]
fn refused_connections_are_counted_and_exit_1() {
    // Bind then drop a listener: nothing listens on that port any more.
    let addr = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("bind")
        .to_string();
    let (status, report, err) = json_run(&[&addr], &[]);
    assert_eq!(status.code(), Some(1), "report {report}\nstderr:\n{err}");
    assert_eq!(num(&report, "errors"), 4.0, "{report}");
    assert_eq!(report["error_kinds"]["connect: connection refused"], 4, "{report}");
    assert!(err.contains("no connection could be made"), "{err}");
}

#[test]
fn bad_flags_exit_2() {
    let dir = TempDir::new("loadgen-flags");
    let sock = dir.path().join("none.sock");
    let sock = sock.to_string_lossy().into_owned();
    let cases: &[&[&str]] = &[
        &[],                                       // no target
        &["127.0.0.1"],                            // no port
        &["--connections", "0", "127.0.0.1:1"],    // nothing to run
        &["--connections", "many", "127.0.0.1:1"], // not a number
        &["--duration", "0", "127.0.0.1:1"],       // nothing to measure
        &["--duration", "-1", "127.0.0.1:1"],
        &["--size", "0", "127.0.0.1:1"],
        &["--bogus", "127.0.0.1:1"],
        &["--unix", &sock, "127.0.0.1:1"], // two targets
    ];
    for args in cases {
        let (status, out, err) = loadgen(args);
        assert_eq!(status.code(), Some(2), "args {args:?}\nstdout:\n{out}\nstderr:\n{err}");
        assert!(!err.is_empty(), "args {args:?}: a message on stderr");
    }
}

#[test]
fn unix_socket_without_server_is_a_connect_error() {
    let dir = TempDir::new("loadgen-nosrv");
    let path = dir.path().join("absent.sock");
    let path = path.to_string_lossy().into_owned();
    let (status, report, _err) = json_run(&[], &["--unix", &path]);
    assert_eq!(status.code(), Some(1), "{report}");
    let kinds = report["error_kinds"].as_object().expect("error_kinds object");
    assert!(kinds.keys().all(|k| k.starts_with("connect:")), "{report}");
}
