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
        let ok = got == format!("{line:?}");
        let why = if !ok && blocked_in_wait(server.pid()) {
            format!(
                "the parent is blocked in waitpid (/proc/PID/wchan: do_wait) while {i} earlier \
                 clients are still connected, so nobody accepts client {i}: a waitpid without \
                 WNOHANG waits for a child to exit; reap with waitpid(-1, WNOHANG) and go back \
                 to accept at once"
            )
        } else {
            "the child serves the client: fork(2) returns 0 in the child, which must serve then \
             _exit"
                .to_string()
        };
        steps.expect(ok, &format!("{line:?}"), &got, "the same line back", &why);
    }
    steps.step("close the 50 clients at once");
    drop(clients);
}

/// Is `pid` asleep in wait4/waitpid? (`/proc/PID/wchan` names the kernel function.)
fn blocked_in_wait(pid: i32) -> bool {
    std::thread::sleep(std::time::Duration::from_millis(100));
    let wchan = std::fs::read_to_string(format!("/proc/{pid}/wchan")).unwrap_or_default();
    wchan.contains("do_wait") || wchan.contains("wait4") || wchan.contains("waitid")
}

/// Inodes of the sockets `pid` holds (`/proc/PID/fd/N -> socket:[INODE]`).
fn socket_inodes(pid: i32) -> Vec<u64> {
    let Ok(entries) = std::fs::read_dir(format!("/proc/{pid}/fd")) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| std::fs::read_link(e.path()).ok())
        .filter_map(|target| {
            let t = target.to_string_lossy().into_owned();
            t.strip_prefix("socket:[")?.strip_suffix(']')?.parse().ok()
        })
        .collect()
}

/// The inode of the socket listening on TCP `port` (/proc/net/tcp, state 0A = LISTEN).
fn listener_inode(port: u16) -> Option<u64> {
    let table = std::fs::read_to_string("/proc/net/tcp").unwrap_or_default();
    table.lines().skip(1).find_map(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let local_port = fields.get(1)?.rsplit_once(':')?.1;
        let listening = *fields.get(3)? == "0A";
        (listening && u16::from_str_radix(local_port, 16).ok()? == port).then(|| fields.get(9)?.parse().ok())?
    })
}

#[test]
fn lab03_child_closes_the_listener() {
    let mut steps = Steps::new("lab03_child_closes_the_listener");
    steps.step("start echo-server --model fork; one client connects and echoes");
    let server = start("echo-server", &["--model", "fork"]);
    let mut client = connect(&server).expect("connect");
    round_trip(&mut client, b"hello\n", 6);
    let port: u16 = server
        .addr
        .rsplit_once(':')
        .and_then(|(_, p)| p.parse().ok())
        .unwrap_or(0);
    steps.step("the child's descriptors (ls -l /proc/CHILD/fd): is the listening socket among them?");
    let listener = listener_inode(port);
    let children = tests::child_pids(server.pid());
    let holders: Vec<i32> = children
        .iter()
        .copied()
        .filter(|&c| listener.is_some_and(|l| socket_inodes(c).contains(&l)))
        .collect();
    steps.expect(
        listener.is_some() && !children.is_empty() && holders.is_empty(),
        "one client connected",
        &format!(
            "listener socket:[{}]; children {children:?}; children holding it: {holders:?}",
            listener.map_or("?".into(), |l| l.to_string())
        ),
        "a child holding only its client's socket",
        "after fork the child holds a copy of every descriptor: it must close the listener \
         first (drop the acceptor), or it keeps the port open after the server stops and may \
         accept clients it will never serve",
    );
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
