//! The system calls a round trip costs, counted with `strace -f -c` on the real servers: a
//! lock-step client (`loadgen --rounds`, one connection) makes each round trip one message
//! in, one echo out. Rule 2 (`reactor/src/reactor/read_until.rs`): select and poll read once
//! per event, epoll stops at a short read, so on every backend no client read fails with
//! EAGAIN and there is one read per message (plus the one that sees EOF). Also checks
//! `loadgen --rounds` itself.

use nix::sys::signal::Signal;
use std::collections::HashMap;
use std::process::{Command, Stdio};
use tests::{bin, run_client, Server, TempDir, REACTOR_MODELS};

const ROUNDS: u64 = 200;

/// `strace -c` table: syscall -> (calls, errors).
fn parse_strace_c(text: &str) -> HashMap<String, (u64, u64)> {
    let mut counts = HashMap::new();
    for line in text.lines() {
        let cols: Vec<&str> = line.split_whitespace().collect();
        if cols.len() < 5 || !cols[0].starts_with(|c: char| c.is_ascii_digit()) || cols[cols.len() - 1] == "total" {
            continue;
        }
        let calls = cols[3].parse().unwrap_or(0);
        let errors = if cols.len() == 6 {
            cols[4].parse().unwrap_or(0)
        } else {
            0
        };
        counts.insert(cols[cols.len() - 1].to_string(), (calls, errors));
    }
    counts
}

#[test]
fn one_read_per_message_and_no_eagain_on_every_backend() {
    let found = Command::new("strace").arg("-V").stdout(Stdio::null()).status();
    assert!(
        found.is_ok_and(|s| s.success()),
        "strace is not installed (make deps installs it)"
    );
    for &model in REACTOR_MODELS {
        let dir = TempDir::new("syscalls");
        let summary = dir.path().join("strace.txt");
        let echo = bin("echo-server");
        let mut server = Server::start_with(Command::new("strace").args([
            "-f",
            "-c",
            "-o",
            summary.to_str().expect("utf-8"),
            echo.to_str().expect("utf-8"),
            "--model",
            model,
            "--listen",
            "127.0.0.1:0",
        ]));
        let rounds = ROUNDS.to_string();
        let (status, out, err) = run_client(
            "loadgen",
            &[
                "--connections",
                "1",
                "--rounds",
                &rounds,
                "--warmup",
                "0",
                "--duration",
                "60",
                "--json",
                &server.addr,
            ],
            b"",
        );
        assert!(status.success(), "{model}: loadgen: {err}");
        let report: serde_json::Value = serde_json::from_str(&out).expect("loadgen JSON");
        assert_eq!(
            report["round_trips"], ROUNDS,
            "{model}: --rounds is a fixed amount of work"
        );
        // strace's pid is the server's parent: SIGTERM the server itself (strace's child).
        let traced = tests::child_pids(server.pid());
        for pid in traced {
            let _ = nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), Signal::SIGTERM);
        }
        let exit = server.wait_exit();
        assert!(exit.success(), "{model}: strace/server exit {exit:?}");
        let counts = parse_strace_c(&std::fs::read_to_string(&summary).expect("strace summary"));
        let (reads, read_errors) = counts.get("recvfrom").copied().unwrap_or_default();
        let (writes, _) = counts.get("sendto").copied().unwrap_or_default();
        assert_eq!(read_errors, 0, "{model}: a read that only said EAGAIN: {counts:?}");
        assert_eq!(
            reads,
            ROUNDS + 1,
            "{model}: one read per message, and the EOF: {counts:?}"
        );
        assert_eq!(writes, ROUNDS, "{model}: one write per echo: {counts:?}");
    }
}
