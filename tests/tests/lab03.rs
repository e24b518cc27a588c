//! Lab 3 grader (labs/03-fork): the child closes the listener, serves and `_exit`s; the parent
//! closes the client socket and reaps every child with `waitpid(WNOHANG)`.

mod bugs_common;
mod lab_common;

use bugs_common::{fd_count, live_descendants, settle, zombie_children};
use lab_common::*;
use std::net::TcpStream;

/// 50 clients each get one echo, then all close at once.
fn fifty_clients(steps: &mut Steps, server: &tests::Server) {
    steps.step("connect 50 clients, each sends `ping N` and reads its echo");
    let mut clients: Vec<TcpStream> = Vec::new();
    for i in 0..50 {
        let line = format!("ping {i}\n");
        let got = match connect(server) {
            Ok(mut c) => {
                let got = round_trip(&mut c, line.as_bytes(), line.len());
                clients.push(c);
                got
            }
            Err(e) => format!("connect failed: {e}"),
        };
        steps.expect(
            got == format!("{line:?}"),
            &format!("{line:?}"),
            &got,
            "the same line back",
            "the child serves the client: fork(2) returns 0 in the child, which must serve then _exit",
        );
    }
    steps.step("close the 50 clients at once");
    drop(clients);
}

#[test]
fn lab03_each_client_served_by_a_child() {
    let mut steps = Steps::new("lab03_each_client_served_by_a_child");
    steps.step("start echo-server --model fork");
    let server = start("echo-server", &["--model", "fork"]);
    steps.step("connect one client and send `hello`");
    let mut client = connect(&server).expect("connect");
    let got = round_trip(&mut client, b"hello\n", 6);
    steps.expect(
        got == "\"hello\\n\"",
        "\"hello\\n\"",
        &got,
        "\"hello\\n\"",
        "the child serves its client",
    );
    let children = tests::child_pids(server.pid());
    steps.step("look for the child serving it (ps --ppid SERVER)");
    steps.expect(
        !children.is_empty(),
        "one open connection",
        &format!("{} child process(es)", children.len()),
        "one child process per connected client",
        "lecture « Serveur qui fork » : one process per client",
    );
}

#[test]
fn lab03_no_zombie_after_50_clients() {
    let mut steps = Steps::new("lab03_no_zombie_after_50_clients");
    steps.step("start echo-server --model fork");
    let server = start("echo-server", &["--model", "fork"]);
    fifty_clients(&mut steps, &server);
    // First the children must be done (a child still closing is not a zombie *yet*: counting
    // then would pass a server that never reaps), then each must be reaped.
    steps.step("wait up to 5 s for every child to exit (ps -o pid,stat --ppid SERVER)");
    settle(|| live_descendants(server.pid()), |live| live.is_empty());
    steps.step("wait up to 5 s for the exited children to be reaped");
    let zombies = settle(|| zombie_children(server.pid()), |z| z.is_empty());
    steps.expect(
        zombies.is_empty(),
        "50 clients, then close",
        &format!("{} zombie children (state Z): {zombies:?}", zombies.len()),
        "0 zombies",
        "a child that exits stays a zombie until its parent calls waitpid: on SIGCHLD, loop on \
         waitpid(-1, WNOHANG) until it returns 0 (signals merge: one SIGCHLD may stand for many \
         children)",
    );
}

#[test]
fn lab03_no_server_left_behind() {
    let mut steps = Steps::new("lab03_no_server_left_behind");
    steps.step("start echo-server --model fork");
    let server = start("echo-server", &["--model", "fork"]);
    fifty_clients(&mut steps, &server);
    steps.step("wait up to 5 s for every child to end (pstree -p SERVER)");
    let live = settle(|| live_descendants(server.pid()), |l| l.is_empty());
    steps.expect(
        live.is_empty(),
        "50 clients, then close",
        &format!("{} processes still running below the server: {live:?}", live.len()),
        "none: each child ends when its client does",
        "the child must _exit(2) after serving; otherwise it falls back into the accept loop \
         it inherited and becomes one more server (docs/bugs.md, fork-no-exit)",
    );
}

#[test]
fn lab03_parent_fd_count_back_to_start() {
    let mut steps = Steps::new("lab03_parent_fd_count_back_to_start");
    steps.step("start echo-server --model fork, serve one client, count the descriptors (ls /proc/PID/fd)");
    let server = start("echo-server", &["--model", "fork"]);
    // One client first: the server is then surely past its setup (signal pipe, listener).
    if let Ok(mut c) = connect(&server) {
        round_trip(&mut c, b"warm-up\n", 8);
    }
    std::thread::sleep(std::time::Duration::from_millis(200));
    let before = fd_count(server.pid());
    fifty_clients(&mut steps, &server);
    steps.step("count the parent's descriptors again");
    let after = settle(|| fd_count(server.pid()), |&n| n <= before);
    steps.expect(
        after <= before,
        "50 clients, then close",
        &format!("{after} descriptors (started with {before})"),
        &format!("{before} descriptors"),
        "after fork the parent holds a copy of the client socket: it must close it, or it leaks \
         one descriptor per client and the client never sees EOF (docs/bugs.md, parent-keeps-socket)",
    );
}
