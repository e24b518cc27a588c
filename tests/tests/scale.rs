//! The scale demo's tools at a tiny size: `idle-conns` (hold N connections, count the ones a
//! full server refuses), `loadgen --server-pid` (the server's CPU per round trip), and
//! `scripts/demo-scale.sh` itself on two models with 150 idle connections: its tables have
//! their columns, and it leaves no process and no network namespace behind. And what lets
//! the demo pass one process's descriptor limit: `--workers` whose full workers step aside
//! for the others instead of refusing. The real run (`make demo-scale`, up to 100k) is a
//! campaign of its own, not a test.

use std::io::{ErrorKind, Read};
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value;
use tests::{bin, read_n, wait_output, write_all, Server, TempDir, STEP};

/// The JSON of idle-conns' `ready {…}` line.
fn ready_line(stdout: &str) -> Value {
    let line = stdout
        .lines()
        .find_map(|l| l.strip_prefix("ready "))
        .unwrap_or_else(|| panic!("no ready line in {stdout:?}"));
    serde_json::from_str(line).expect("ready line is JSON")
}

#[test]
fn idle_conns_holds_what_the_server_admits_and_counts_the_refused() {
    let server = Server::start("echo-server", &["--model", "epoll", "--max-connections", "50"]);
    let child = Command::new(bin("idle-conns"))
        .args(["--count", "120", "--sources", "3", "--hold", "0", &server.addr])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn idle-conns");
    let (status, stdout, stderr) = wait_output(child, STEP);
    assert!(status.success(), "idle-conns failed: {stderr}");
    let tally = ready_line(&stdout);
    assert_eq!(tally["requested"], 120, "{tally}");
    assert_eq!(tally["open"], 50, "the server admits 50: {tally}");
    assert_eq!(tally["closed_by_server"], 70, "and refuses the rest: {tally}");
    assert_eq!(tally["failed"], 0, "{tally}");
}

#[test]
fn idle_conns_reports_a_server_that_is_not_there() {
    // A port nobody listens on: every connect is refused; it gives up and exits 1.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let child = Command::new(bin("idle-conns"))
        .args(["--count", "1000", "--give-up-after", "20", "--hold", "0"])
        .arg(format!("127.0.0.1:{port}"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn idle-conns");
    let (status, stdout, _) = wait_output(child, STEP);
    assert_eq!(status.code(), Some(1));
    let tally = ready_line(&stdout);
    assert_eq!(tally["gave_up"], true, "{tally}");
    assert_eq!(tally["open"], 0, "{tally}");
}

#[test]
fn loadgen_charges_the_server_its_cpu_per_round_trip() {
    // In a process group of its own, as the bench scripts start it (setsid).
    let server = Server::start_with(
        Command::new(bin("echo-server"))
            .args(["--model", "epoll"])
            .process_group(0),
    );
    let child = Command::new(bin("loadgen"))
        .args([
            "--duration",
            "0.5",
            "--warmup",
            "0.1",
            "--json",
            "--quiet",
            "--server-pid",
        ])
        .arg(server.pid().to_string())
        .arg(&server.addr)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn loadgen");
    let (status, stdout, stderr) = wait_output(child, STEP);
    assert!(status.success(), "loadgen failed: {stderr}");
    let report: Value = serde_json::from_str(stdout.trim()).expect("JSON report");
    let per_rt = report["server_cpu_us_per_rt"].as_f64().expect("server_cpu_us_per_rt");
    let total_ms = report["server_cpu_ms"].as_f64().expect("server_cpu_ms");
    assert!(per_rt > 0.0 && total_ms > 0.0, "{report}");
}

#[test]
fn a_full_worker_steps_aside_and_the_others_take_the_queue() {
    // Two workers of 3 connections each: 6 clients are all served, none is told "busy",
    // whichever worker the kernel wakes first. The 7th waits in the accept queue, and is
    // served once a connection closes.
    let server = Server::start(
        "echo-server",
        &["--model", "epoll", "--workers", "2", "--max-connections", "3"],
    );
    let mut clients: Vec<_> = (0..6).map(|_| server.connect()).collect();
    for (i, c) in clients.iter_mut().enumerate() {
        let line = format!("client {i}\n");
        write_all(c, line.as_bytes());
        assert_eq!(read_n(c, line.len()), line.as_bytes(), "client {i} echoed");
    }
    let mut seventh = server.connect();
    write_all(&mut seventh, b"seventh\n");
    seventh
        .set_read_timeout(Some(Duration::from_millis(500)))
        .expect("timeout");
    let mut buf = [0u8; 64];
    match seventh.read(&mut buf) {
        Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
        other => panic!("the 7th client must wait while both workers are full, got {other:?}"),
    }
    drop(clients.pop());
    seventh.set_read_timeout(Some(STEP)).expect("timeout");
    assert_eq!(read_n(&mut seventh, 8), b"seventh\n", "served once a worker had room");
}

/// Processes whose process group is `pgid` (from /proc/*/stat), zombies included.
fn group_members(pgid: i32) -> Vec<i32> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<i32>().ok())
        .filter(|pid| {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            clients::proc_cpu::process_group(&stat) == Some(pgid)
        })
        .collect()
}

#[test]
fn demo_scale_at_a_tiny_size_prints_its_tables_and_leaves_nothing() {
    let out = TempDir::new("demo-scale");
    let bin_dir = bin("idle-conns").parent().expect("target dir").to_path_buf();
    let profile = bin_dir
        .file_name()
        .and_then(|s| s.to_str())
        .unwrap_or("debug")
        .to_string();
    let child = Command::new("bash")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/demo-scale.sh"))
        .args([
            "--counts",
            "0 150",
            "--models",
            "select epoll",
            "--secs",
            "0.5",
            "--out",
        ])
        .arg(out.path())
        .env("REACTOR_LAB_PROFILE", profile)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("bash runs scripts/demo-scale.sh");
    let (status, stdout, stderr) = wait_output(child, Duration::from_secs(120));
    assert!(status.success(), "demo-scale failed:\n{stdout}\n{stderr}");

    for heading in ["== 0 idle connection(s)", "== 150 idle connection(s)"] {
        assert!(stdout.contains(heading), "no {heading:?} table:\n{stdout}");
    }
    let header = stdout.lines().find(|l| l.starts_with("model")).expect("a table header");
    for column in [
        "accepted",
        "refused",
        "mem MiB",
        "B/conn",
        "thr",
        "tcp inuse",
        "p50 µs",
        "p99 µs",
        "CPU µs/rt",
    ] {
        assert!(header.contains(column), "no {column:?} column in {header:?}");
    }
    // epoll at 150: every idle connection accepted, and the active client measured.
    let epoll_150: Vec<&str> = stdout
        .lines()
        .skip_while(|l| !l.starts_with("== 150"))
        .find(|l| l.starts_with("epoll"))
        .expect("an epoll row at N=150")
        .split_whitespace()
        .collect();
    assert_eq!(epoll_150[1], "150", "accepted: {epoll_150:?}");
    assert_eq!(epoll_150[2], "0", "refused: {epoll_150:?}");
    assert!(epoll_150[10].parse::<f64>().is_ok(), "p99: {epoll_150:?}");

    // Nothing left behind: no process in any group it started, no namespace.
    let groups = std::fs::read_to_string(out.path().join("groups.txt")).expect("groups.txt");
    let started: Vec<i32> = groups.lines().filter_map(|l| l.trim().parse().ok()).collect();
    assert!(started.len() >= 4, "servers and idle-conns were started: {started:?}");
    for pgid in started {
        assert!(group_members(pgid).is_empty(), "process group {pgid} is still there");
    }
    if let Ok(netns) = std::fs::read_to_string(out.path().join("netns.txt")) {
        let list = Command::new("ip")
            .args(["netns", "list"])
            .output()
            .expect("ip netns list");
        let list = String::from_utf8_lossy(&list.stdout);
        assert!(
            !list.contains(netns.trim()),
            "namespace {} left behind: {list}",
            netns.trim()
        );
    }
}
