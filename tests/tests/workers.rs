//! `--workers N`: a supervising parent and N forked reactors on one listener.
//! Kill a worker: it is reaped (no zombie), logged, replaced, and clients are still served.
//! SIGTERM: every worker stops and is reaped, the parent exits 0. Models that are not a
//! reactor, and metrics-server with more than one store, are refused (exit 2).

#[path = "http_common.rs"]
mod common;

use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;
use std::io::{Read, Write};
use std::process::Command;
use std::thread::sleep;
use std::time::{Duration, Instant};
use tests::{bin, child_pids, read_n, write_all, Server, TempDir};

/// A process's state letter from /proc/PID/stat (R, S, Z, …), or None once it is gone.
fn state(pid: i32) -> Option<char> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat.rsplit_once(") ").and_then(|(_, rest)| rest.chars().next())
}

/// The parent's children that are alive (not zombies).
fn live_workers(parent: i32) -> Vec<i32> {
    child_pids(parent)
        .into_iter()
        .filter(|&p| !matches!(state(p), None | Some('Z')))
        .collect()
}

/// Wait until `parent` has exactly `n` live children and none of `gone` among its children.
fn wait_for_workers(parent: i32, n: usize, gone: &[i32]) -> Vec<i32> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let live = live_workers(parent);
        let children = child_pids(parent);
        if live.len() == n && !gone.iter().any(|g| children.contains(g)) {
            return live;
        }
        assert!(
            Instant::now() < deadline,
            "expected {n} workers of {parent}, without {gone:?}; children now: {children:?}"
        );
        sleep(Duration::from_millis(20));
    }
}

/// Several connections at once (so both workers get some), each echoing its own bytes.
fn echo_round(server: &Server, conns: usize) {
    let mut clients: Vec<_> = (0..conns).map(|_| server.connect()).collect();
    for (i, c) in clients.iter_mut().enumerate() {
        write_all(c, format!("hello from {i}\n").as_bytes());
    }
    for (i, c) in clients.iter_mut().enumerate() {
        let want = format!("hello from {i}\n");
        assert_eq!(read_n(c, want.len()), want.as_bytes());
    }
}

#[test]
fn a_killed_worker_is_reaped_logged_and_replaced_and_sigterm_stops_all() {
    for model in ["epoll", "poll", "select", "uring"] {
        let mut server = Server::start(
            "echo-server",
            &["--model", model, "--workers", "2", "--listen", "127.0.0.1:0"],
        );
        let parent = server.pid();
        let first = wait_for_workers(parent, 2, &[]);
        echo_round(&server, 8);

        let victim = first[0];
        kill(Pid::from_raw(victim), Signal::SIGKILL).expect("kill worker");
        let now = wait_for_workers(parent, 2, &[victim]);
        assert!(
            now.contains(&first[1]) && !now.contains(&victim),
            "{model}: {first:?} -> {now:?}"
        );
        server.wait_for_log(&format!("(pid {victim}) died: killed by SIGKILL"));
        echo_round(&server, 8);

        let status = server.signal_and_wait(Signal::SIGTERM);
        assert_eq!(status.code(), Some(0), "{model}: supervisor exit");
        for pid in now {
            assert_eq!(state(pid), None, "{model}: worker {pid} left behind (not reaped)");
        }
        let log = server.stderr_so_far();
        assert_eq!(
            log.matches("exited with 0").count(),
            2,
            "{model}: workers not reaped cleanly:\n{log}"
        );
    }
}

#[test]
fn http_workers_share_one_access_log_and_lose_no_line_on_sigterm() {
    let dir = common::site();
    let logs = TempDir::new("workers-log");
    let log = logs.path().join("access.log");
    let root = dir.path().to_str().expect("utf-8");
    let mut server = Server::start(
        "http-server",
        &[
            "--workers",
            "2",
            "--root",
            root,
            "--listen",
            "127.0.0.1:0",
            "--access-log",
            log.to_str().expect("utf-8"),
        ],
    );
    wait_for_workers(server.pid(), 2, &[]);
    const CONNS: usize = 6;
    const PER_CONN: usize = 50;
    let mut clients: Vec<_> = (0..CONNS).map(|_| server.connect()).collect();
    for c in &mut clients {
        c.write_all(&b"GET /hello.txt HTTP/1.1\r\nHost: t\r\n\r\n".repeat(PER_CONN))
            .expect("write");
    }
    for c in &mut clients {
        for _ in 0..PER_CONN {
            assert_eq!(common::read_reply(c, false).status, 200);
        }
    }
    let status = server.signal_and_wait(Signal::SIGTERM);
    assert_eq!(status.code(), Some(0));
    let text = std::fs::read_to_string(&log).expect("log");
    assert_eq!(text.lines().count(), CONNS * PER_CONN, "lines lost or torn:\n{text}");
    assert!(
        text.lines().all(|l| l.contains("\"GET /hello.txt HTTP/1.1\" 200 13")),
        "{text}"
    );
}

#[test]
fn workers_need_a_reactor_model_and_metrics_one_store() {
    for (name, args) in [
        ("echo-server", &["--model", "thread", "--workers", "2"][..]),
        ("http-server", &["--model", "fork", "--workers", "2"][..]),
        ("metrics-server", &["--workers", "2"][..]),
        ("echo-server", &["--workers", "0"][..]),
    ] {
        let out = Command::new(bin(name)).args(args).output().expect("run");
        assert_eq!(out.status.code(), Some(2), "{name} {args:?}");
        let mut err = String::new();
        out.stderr.as_slice().read_to_string(&mut err).expect("utf-8");
        assert!(err.contains("--workers"), "{name} {args:?}: {err}");
    }
}

#[test]
fn workers_stop_when_their_supervisor_is_killed() {
    let mut server = Server::start("echo-server", &["--workers", "2", "--listen", "127.0.0.1:0"]);
    let workers = wait_for_workers(server.pid(), 2, &[]);
    // SIGKILL cannot be caught: the parent cannot stop its workers, the kernel must
    // (PR_SET_PDEATHSIG). No worker may serve on as an orphan.
    kill(Pid::from_raw(server.pid()), Signal::SIGKILL).expect("kill supervisor");
    let _ = server.wait_exit();
    let deadline = Instant::now() + Duration::from_secs(10);
    for pid in workers {
        while !matches!(state(pid), None | Some('Z')) {
            assert!(
                Instant::now() < deadline,
                "worker {pid} still running after its supervisor died"
            );
            sleep(Duration::from_millis(20));
        }
    }
}
