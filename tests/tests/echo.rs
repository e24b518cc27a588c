//! Black-box tests of `echo-server` on all its models (the six, uring, uring-completion), over real sockets: every test body runs
//! across each model it applies to, so the models cannot drift apart.

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};
use tests::*;

fn start(model: &str, extra: &[&str]) -> Server {
    let mut args = vec!["--model", model, "--listen", "127.0.0.1:0"];
    args.extend_from_slice(extra);
    Server::start("echo-server", &args)
}

/// Send `data` and read the same number of bytes back, writing from another thread so a
/// large echo cannot deadlock on full socket buffers.
fn echo_round_trip(stream: &mut TcpStream, data: &[u8]) -> Vec<u8> {
    let mut writer = stream.try_clone().expect("clone");
    let payload = data.to_vec();
    let sender = thread::spawn(move || writer.write_all(&payload));
    let back = read_n(stream, data.len());
    sender.join().expect("join").expect("write");
    back
}

#[test]
fn many_clients_at_once_each_get_exactly_their_bytes() {
    for &model in CONCURRENT_MODELS.iter().chain(COMPLETION_MODELS) {
        let server = start(model, &[]);
        let clients: Vec<_> = (0..40)
            .map(|id| {
                let addr = server.addr.clone();
                thread::spawn(move || {
                    let mut stream = connect_tcp(&addr);
                    for round in 0..10 {
                        let msg = format!("client {id} round {round}\n");
                        write_all(&mut stream, msg.as_bytes());
                        assert_eq!(read_n(&mut stream, msg.len()), msg.as_bytes(), "{model}: client {id}");
                    }
                })
            })
            .collect();
        for client in clients {
            client.join().unwrap_or_else(|_| panic!("{model}: a client failed"));
        }
    }
}

#[test]
fn iterative_serves_the_second_client_only_after_the_first_leaves() {
    let server = start("iterative", &[]);
    let mut a = server.connect();
    write_all(&mut a, b"first\n");
    assert_eq!(read_n(&mut a, 6), b"first\n");
    let mut b = server.connect(); // completed by the kernel, queued in the backlog
    write_all(&mut b, b"second\n");
    // The server is blocked in read(2) on A: nobody has read B's bytes, so nothing can have
    // come back. A non-blocking read must find nothing (deterministic, not a race).
    write_all(&mut a, b"still A\n");
    assert_eq!(read_n(&mut a, 8), b"still A\n");
    b.set_nonblocking(true).expect("nonblocking");
    let mut buf = [0u8; 16];
    let err = b.read(&mut buf).expect_err("B must not be answered while A is served");
    assert_eq!(err.kind(), ErrorKind::WouldBlock);
    b.set_nonblocking(false).expect("blocking");
    drop(a);
    assert_eq!(read_n(&mut b, 7), b"second\n", "B is served once A has left");
}

#[test]
fn frames_split_one_byte_at_a_time_come_back_whole() {
    for &model in ALL_MODELS.iter().chain(COMPLETION_MODELS) {
        let server = start(model, &[]);
        let mut stream = server.connect();
        stream.set_nodelay(true).expect("nodelay");
        let msg = b"split into single bytes\n";
        for byte in msg {
            write_all(&mut stream, &[*byte]);
        }
        assert_eq!(read_n(&mut stream, msg.len()), msg, "{model}");
    }
}

#[test]
fn four_mib_come_back_identical() {
    let data: Vec<u8> = (0..4u32 << 20)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    for &model in ALL_MODELS.iter().chain(COMPLETION_MODELS) {
        let server = start(model, &[]);
        let mut stream = server.connect();
        assert!(
            echo_round_trip(&mut stream, &data) == data,
            "{model}: 4 MiB echo differs"
        );
    }
}

#[test]
fn a_client_that_floods_without_reading_costs_bounded_memory_and_others_are_served() {
    for &model in CONCURRENT_MODELS.iter().chain(COMPLETION_MODELS) {
        let server = start(model, &[]);
        let before = tree_rss_kib(server.pid());
        let mut flooder = server.connect();
        flooder
            .set_write_timeout(Some(Duration::from_millis(500)))
            .expect("timeout");
        let chunk = vec![b'x'; 256 * 1024];
        let mut sent = 0usize;
        // Write until the server stops taking our bytes (it stopped reading us), bounded.
        while sent < 256 << 20 {
            match flooder.write(&chunk) {
                Ok(n) => sent += n,
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => break,
                Err(e) => panic!("{model}: flood write: {e}"),
            }
        }
        assert!(
            sent < 256 << 20,
            "{model}: the server kept reading 256 MiB from a client that never reads"
        );
        let mut other = server.connect();
        write_all(&mut other, b"still served\n");
        assert_eq!(
            read_n(&mut other, 13),
            b"still served\n",
            "{model}: another client starved"
        );
        let grown = tree_rss_kib(server.pid()).saturating_sub(before);
        assert!(
            grown < 32 * 1024,
            "{model}: server memory grew by {grown} KiB after a {sent}-byte flood"
        );
    }
}

#[test]
fn a_client_that_vanishes_mid_stream_does_not_disturb_the_next() {
    for &model in ALL_MODELS.iter().chain(COMPLETION_MODELS) {
        let server = start(model, &[]);
        {
            let mut gone = server.connect();
            write_all(&mut gone, &vec![b'z'; 300_000]); // part of it still in flight
                                                        // SO_LINGER 0: close sends RST instead of FIN, as a crashed client's kernel may.
            let linger = libc::linger {
                l_onoff: 1,
                l_linger: 0,
            };
            let fd = std::os::fd::AsRawFd::as_raw_fd(&gone);
            // SAFETY: a valid socket fd and a correctly sized option value.
            let rc = unsafe {
                libc::setsockopt(
                    fd,
                    libc::SOL_SOCKET,
                    libc::SO_LINGER,
                    (&linger as *const libc::linger).cast(),
                    std::mem::size_of::<libc::linger>() as libc::socklen_t,
                )
            };
            assert_eq!(rc, 0);
        }
        let mut next = server.connect();
        write_all(&mut next, b"next one\n");
        assert_eq!(read_n(&mut next, 9), b"next one\n", "{model}");
    }
}

#[test]
fn unix_socket_works_with_socat_and_sigterm_removes_the_file() {
    for &model in ALL_MODELS.iter().chain(COMPLETION_MODELS) {
        let dir = TempDir::new("echo-unix");
        let path = dir.path().join("echo.sock");
        let path_str = path.to_str().expect("utf-8 path");
        let mut server = Server::start("echo-server", &["--model", model, "--unix", path_str]);
        assert_eq!(server.addr, path_str, "{model}");
        let out = Command::new("socat")
            .args(["-t", "2", "-", &format!("UNIX-CONNECT:{path_str}")])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("socat (install it: apt-get install socat)");
        let mut stdin = out.stdin.as_ref().expect("stdin");
        stdin.write_all(b"over a unix socket\n").expect("write");
        let mut child = out;
        drop(child.stdin.take());
        let (status, stdout, stderr) = wait_output(child, STEP);
        assert!(status.success(), "{model}: socat failed: {stderr}");
        assert_eq!(stdout, "over a unix socket\n", "{model}");
        let status = server.signal_and_wait(nix::sys::signal::Signal::SIGTERM);
        assert_eq!(status.code(), Some(0), "{model}: exit status after SIGTERM");
        assert!(!path.exists(), "{model}: socket file left behind");
    }
}

#[test]
fn sigterm_and_sigint_exit_0_with_clients_connected() {
    for &model in ALL_MODELS.iter().chain(COMPLETION_MODELS) {
        for signal in [nix::sys::signal::Signal::SIGTERM, nix::sys::signal::Signal::SIGINT] {
            let mut server = start(model, &[]);
            let mut client = server.connect();
            write_all(&mut client, b"hi\n");
            assert_eq!(read_n(&mut client, 3), b"hi\n");
            let status = server.signal_and_wait(signal);
            assert_eq!(status.code(), Some(0), "{model}: exit after {signal}");
            assert_closed(&mut client);
        }
    }
}

#[test]
fn ipv6_loopback_works() {
    for &model in ALL_MODELS.iter().chain(COMPLETION_MODELS) {
        let server = Server::start("echo-server", &["--model", model, "--listen", "[::1]:0"]);
        assert!(server.addr.starts_with("[::1]:"), "{model}: {}", server.addr);
        let mut stream = server.connect();
        write_all(&mut stream, b"v6\n");
        assert_eq!(read_n(&mut stream, 3), b"v6\n", "{model}");
    }
}

#[test]
fn idle_timeout_closes_quiet_clients_only() {
    for &model in ALL_MODELS.iter().chain(COMPLETION_MODELS) {
        let server = start(model, &["--idle-timeout", "1"]);
        let mut quiet = server.connect();
        assert_closed(&mut quiet); // returns once the server closed it
        let mut talker = server.connect();
        write_all(&mut talker, b"ok\n");
        assert_eq!(read_n(&mut talker, 3), b"ok\n", "{model}");
    }
}

#[test]
fn clients_past_max_connections_are_told_and_closed() {
    for &model in CONCURRENT_MODELS.iter().chain(COMPLETION_MODELS) {
        let server = start(model, &["--max-connections", "2"]);
        let mut a = server.connect();
        let mut b = server.connect();
        for (s, m) in [(&mut a, b"a\n"), (&mut b, b"b\n")] {
            write_all(s, m);
            assert_eq!(read_n(s, 2), m, "{model}");
        }
        let mut c = server.connect();
        let mut told = String::new();
        let _ = c.read_to_string(&mut told);
        assert!(told.contains("server busy"), "{model}: third client was told {told:?}");
        write_all(&mut a, b"a again\n");
        assert_eq!(
            read_n(&mut a, 8),
            b"a again\n",
            "{model}: first clients keep being served"
        );
    }
}

#[test]
fn select_refuses_fds_past_fd_setsize_and_keeps_serving_the_first() {
    raise_nofile(4096);
    let mut server = start("select", &["--max-connections", "5000"]);
    let mut clients: Vec<TcpStream> = Vec::new();
    for _ in 0..1100 {
        clients.push(server.connect());
    }
    // Every client below the limit is served, including the first and one near the edge.
    for i in [0usize, 500, 1000] {
        let msg = format!("client {i}\n");
        write_all(&mut clients[i], msg.as_bytes());
        assert_eq!(read_n(&mut clients[i], msg.len()), msg.as_bytes(), "client {i}");
    }
    // The last ones got fds >= 1024 in the server: refused, told, closed.
    let mut last = clients.pop().expect("last");
    let mut told = String::new();
    let _ = last.read_to_string(&mut told);
    assert!(told.contains("server busy"), "excess client was told {told:?}");
    let line = server.wait_for_log("FD_SETSIZE");
    assert!(line.contains("refusing"), "{line}");
    let status = server.signal_and_wait(nix::sys::signal::Signal::SIGTERM);
    assert_eq!(status.code(), Some(0));
}

/// Children of `pid` from /proc, with their state letter (Z for a zombie).
fn children(pid: i32) -> Vec<(i32, char)> {
    let list = std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children")).unwrap_or_default();
    list.split_whitespace()
        .filter_map(|c| c.parse::<i32>().ok())
        .filter_map(|c| {
            let stat = std::fs::read_to_string(format!("/proc/{c}/stat")).ok()?;
            let state = stat.rsplit(')').next()?.trim_start().chars().next()?;
            Some((c, state))
        })
        .collect()
}

#[test]
fn fork_serves_each_client_in_a_child_and_leaves_no_zombies() {
    let server = start("fork", &[]);
    let mut clients: Vec<TcpStream> = (0..10).map(|_| server.connect()).collect();
    for (i, c) in clients.iter_mut().enumerate() {
        let msg = format!("child {i}\n");
        write_all(c, msg.as_bytes());
        assert_eq!(read_n(c, msg.len()), msg.as_bytes());
    }
    assert_eq!(children(server.pid()).len(), 10, "one child per client");
    drop(clients);
    let deadline = Instant::now() + STEP;
    loop {
        let left = children(server.pid());
        if left.is_empty() {
            break;
        }
        assert!(Instant::now() < deadline, "children not reaped: {left:?} (Z = zombie)");
        thread::sleep(Duration::from_millis(50));
    }
    // The parent still accepts: no child fell back into the accept loop instead of it.
    let mut again = server.connect();
    write_all(&mut again, b"again\n");
    assert_eq!(read_n(&mut again, 6), b"again\n");
}

#[test]
fn out_of_descriptors_backs_off_logs_once_and_keeps_serving() {
    for &model in &["select", "poll", "epoll", "thread", "uring", "uring-completion"] {
        // 40 descriptors: the server runs out after some 30 clients (with no reserve kept,
        // so that accept itself meets EMFILE).
        let mut cmd = Command::new("prlimit");
        cmd.args(["--nofile=40:40", "--"]).arg(bin("echo-server")).args([
            "--model",
            model,
            "--listen",
            "127.0.0.1:0",
            "--fd-reserve",
            "0",
        ]);
        cmd.env("RUST_LOG", "debug");
        let mut server = Server::start_with(&mut cmd);
        let mut clients: Vec<TcpStream> = (0..50).map(|_| server.connect()).collect();
        let mut first = clients.remove(0);
        write_all(&mut first, b"first\n");
        assert_eq!(
            read_n(&mut first, 6),
            b"first\n",
            "{model}: open connections keep being served"
        );
        server.wait_for_log("Too many open files");
        // Let the condition last several back-off periods before counting log lines.
        thread::sleep(Duration::from_millis(600));
        write_all(&mut first, b"still\n");
        assert_eq!(read_n(&mut first, 6), b"still\n", "{model}");
        let log = server.stderr_so_far();
        let warnings = log.lines().filter(|l| l.contains("Too many open files")).count();
        assert_eq!(warnings, 1, "{model}: EMFILE must be logged once, got {warnings}");
        if model != "thread" {
            // No spinning: a loop that retried accept at once would log thousands of turns.
            let turns = log.lines().filter(|l| l.contains(" turn ")).count();
            assert!(
                turns < 2000,
                "{model}: {turns} turns while out of descriptors: spinning"
            );
        }
        // Free descriptors: the clients still queued in the backlog get served.
        drop(first);
        let cut = clients.len() / 2;
        clients.truncate(cut);
        let mut late = clients.pop().expect("client");
        write_all(&mut late, b"late\n");
        drop(clients);
        assert_eq!(
            read_n(&mut late, 5),
            b"late\n",
            "{model}: queued client served after descriptors freed"
        );
    }
}

#[test]
fn bad_flags_exit_2_with_a_message() {
    for args in [
        &["--model", "kqueue"][..],
        &["--listen", "127.0.0.1:0", "--unix", "/tmp/x.sock"],
        &["--idle-timeout", "0"],
        &["--max-connections", "lots"],
    ] {
        let (status, _out, err) = run_client("echo-server", args, b"");
        assert_eq!(status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("error"), "{args:?}: {err}");
    }
    let (status, _out, err) = run_client("echo-server", &["--listen", "256.1.1.1:80"], b"");
    assert_eq!(status.code(), Some(1), "{err}");
    assert!(err.contains("256.1.1.1"), "{err}");
}
