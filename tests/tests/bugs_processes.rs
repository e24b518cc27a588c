//! The lecture's bugs about processes, threads and the whole server (`--bug NAME`,
//! docs/bugs.md): with the flag the symptom happens, measured; without it, it does not.
//! fork-no-exit, no-reap, parent-keeps-socket, thread-per-client-uncapped,
//! no-fdsetsize-guard, sigpipe, naive-join.

mod bugs_common;

use bugs_common::*;
use std::os::unix::process::ExitStatusExt;
use tests::{run_client, TempDir};

const FORK: &[&str] = &["--model", "fork"];

#[test]
fn help_lists_every_bug_under_its_own_heading() {
    for server in ["echo-server", "chat-server", "http-server", "metrics-server"] {
        let (status, out, _) = run_client(server, &["--help"], b"");
        assert!(status.success());
        let heading = out.find("Lecture bugs").expect("a heading for the bugs");
        for bug in ["fork-no-exit", "backlog-2", "naive-join", "thread-per-client-uncapped"] {
            assert!(
                out[heading..].contains(&format!("- {bug}:")),
                "{server} --help lacks {bug}"
            );
        }
    }
}

#[test]
fn fork_no_exit_leaves_a_server_per_client_behind() {
    let server = start("echo-server", FORK, Some("fork-no-exit"));
    let result = probe(&["sequential", &server.addr, "--clients", "5", "--eof-wait", "2000"]);
    assert_eq!(num(&result, "echoed"), 5);
    let live = settle(|| live_descendants(server.pid()).len(), |n| *n >= 5);
    kill_descendants(server.pid());
    assert_eq!(live, 5, "each of the 5 children should have fallen back into accept()");

    let server = start("echo-server", FORK, None);
    let result = probe(&["sequential", &server.addr, "--clients", "5", "--eof-wait", "2000"]);
    assert_eq!(num(&result, "echoed"), 5);
    let live = settle(|| live_descendants(server.pid()), Vec::is_empty);
    assert!(
        live.is_empty(),
        "children still running after their clients left: {live:?}"
    );
}

#[test]
fn no_reap_leaves_one_zombie_per_finished_client() {
    let server = start("echo-server", FORK, Some("no-reap"));
    probe(&["sequential", &server.addr, "--clients", "5", "--eof-wait", "2000"]);
    let zombies = settle(|| zombie_children(server.pid()).len(), |n| *n >= 5);
    assert_eq!(zombies, 5, "one zombie per finished client");

    let server = start("echo-server", FORK, None);
    probe(&["sequential", &server.addr, "--clients", "5", "--eof-wait", "2000"]);
    let children = settle(|| tests::child_pids(server.pid()), Vec::is_empty);
    assert!(children.is_empty(), "children left (zombies or not): {children:?}");
}

#[test]
fn parent_keeps_socket_means_no_eof_and_leaked_descriptors() {
    // One client first: the server opens its signal pipe after printing `listening on`.
    let server = start("echo-server", FORK, Some("parent-keeps-socket"));
    probe(&["sequential", &server.addr, "--clients", "1", "--eof-wait", "100"]);
    let before = fd_count(server.pid());
    let result = probe(&["sequential", &server.addr, "--clients", "5", "--eof-wait", "500"]);
    assert_eq!(num(&result, "echoed"), 5);
    assert_eq!(
        num(&result, "eof"),
        0,
        "the parent's copy of the socket holds back the FIN"
    );
    assert_eq!(fd_count(server.pid()), before + 5, "one leaked descriptor per client");

    let server = start("echo-server", FORK, None);
    probe(&["sequential", &server.addr, "--clients", "1", "--eof-wait", "5000"]);
    let before = fd_count(server.pid());
    let result = probe(&["sequential", &server.addr, "--clients", "5", "--eof-wait", "5000"]);
    assert_eq!(num(&result, "eof"), 5);
    assert_eq!(fd_count(server.pid()), before);
}

#[test]
fn thread_per_client_uncapped_starts_a_thread_for_every_client() {
    let args = ["--model", "thread", "--max-connections", "50"];
    let server = start("echo-server", &args, Some("thread-per-client-uncapped"));
    let result = crowd(&server, 200, 200);
    assert_eq!(num(&result, "answered"), 200);
    assert!(num(&result, "threads") > 200, "a thread per client: {result:?}");

    let server = start("echo-server", &args, None);
    let result = crowd(&server, 200, 200);
    assert_eq!(num(&result, "answered"), 50);
    assert_eq!(num(&result, "refused"), 150);
    assert!(num(&result, "threads") <= 51, "capped: {result:?}");
}

#[test]
fn no_fdsetsize_guard_kills_the_select_server_past_fd_1023() {
    let args = ["--model", "select", "--max-connections", "2000"];
    let mut server = start("echo-server", &args, Some("no-fdsetsize-guard"));
    let result = crowd(&server, 1100, 500);
    // It dies once it has accepted fd 1024, maybe after the probe's check on a busy machine.
    let status = server.wait_exit();
    assert_eq!(
        status.code(),
        Some(101),
        "a Rust panic exits with 101: {status:?} {result:?}"
    );
    server.wait_for_log("FD_SETSIZE");

    let server = start("echo-server", &args, None);
    let result = crowd(&server, 1100, 500);
    assert_eq!(field(&result, "server_alive"), "true");
    assert!(num(&result, "answered") > 1000, "{result:?}");
    assert!(
        num(&result, "refused") > 0,
        "fds >= 1024 refused one by one: {result:?}"
    );
    assert_eq!(num(&result, "lost"), 0);
}

/// A root with a 16 MiB file, and a secret *beside* the root.
fn site() -> TempDir {
    let dir = TempDir::new("bugs-site");
    std::fs::create_dir(dir.path().join("www")).expect("mkdir");
    std::fs::write(dir.path().join("www/index.html"), "<h1>hello</h1>\n").expect("write");
    let big = std::fs::File::create(dir.path().join("www/big.bin")).expect("create");
    big.set_len(16 << 20).expect("set_len");
    std::fs::write(dir.path().join("secret.txt"), "the exam answers\n").expect("write");
    dir
}

#[test]
fn sigpipe_at_its_default_kills_the_server_when_a_client_hangs_up() {
    let dir = site();
    let root = dir.path().join("www");
    let args = ["--model", "epoll", "--root", root.to_str().expect("utf-8")];
    let mut server = start("http-server", &args, Some("sigpipe"));
    let result = probe(&["reset", &server.addr, "/big.bin", "--rounds", "5"]);
    assert_eq!(field(&result, "status_after"), "none");
    let status = server.wait_exit();
    assert_eq!(status.signal(), Some(13), "killed by SIGPIPE: {status:?}");

    let mut server = start("http-server", &args, None);
    let result = probe(&["reset", &server.addr, "/big.bin", "--rounds", "5"]);
    assert_eq!(field(&result, "status_after"), "200");
    assert!(server.child.try_wait().expect("try_wait").is_none(), "still running");
}

#[test]
fn naive_join_serves_a_file_beside_the_root() {
    let dir = site();
    let root = dir.path().join("www");
    let args = ["--root", root.to_str().expect("utf-8")];
    let server = start("http-server", &args, Some("naive-join"));
    let (status, out, _) = run_client("bug-probe", &["get", &server.addr, "/../secret.txt"], b"");
    assert!(status.success());
    assert!(out.contains("200 OK") && out.contains("the exam answers"), "{out}");

    let server = start("http-server", &args, None);
    let (_, out, _) = run_client("bug-probe", &["get", &server.addr, "/../secret.txt"], b"");
    assert!(out.contains("404") && !out.contains("exam answers"), "{out}");
}

#[test]
fn naive_join_refuses_to_listen_beyond_loopback() {
    let dir = site();
    let root = dir.path().join("www");
    let args = ["--root", root.to_str().expect("utf-8"), "--listen", "0.0.0.0:0"];
    let (status, out, err) = run_client("http-server", &[&args[..], &["--bug", "naive-join"]].concat(), b"");
    assert!(!status.success() && !out.contains("listening on"), "{out}");
    assert!(err.contains("only runs on loopback"), "{err}");
}

#[test]
fn demo_bug_script_prints_the_symptom_beside_its_absence() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = std::process::Command::new("bash")
        .args(["scripts/demo-bug.sh", "no-reap"])
        .current_dir(&root)
        .env("NO_COLOR", "1")
        .output()
        .expect("run scripts/demo-bug.sh");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}\n{}", String::from_utf8_lossy(&out.stderr));
    let row = text
        .lines()
        .find(|l| l.contains("zombies (Z) after 5 clients"))
        .unwrap_or_else(|| panic!("no zombie row in:\n{text}"));
    let figures: Vec<&str> = row.split_whitespace().rev().take(2).collect();
    assert_eq!(figures, ["0", "5"], "fixed 0, buggy 5: {row}");
    assert!(text.contains("<defunct>"), "the ps lines with Z: {text}");
}
