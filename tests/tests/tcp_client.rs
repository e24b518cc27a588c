//! Black-box tests of `tcp-client`: the relay between stdin/stdout and a socket on one
//! thread, half-close on stdin EOF, UNIX sockets, and its failure messages.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::thread;
use tests::*;

#[test]
fn relays_stdin_and_prints_everything_on_each_backend() {
    let server = Server::start("echo-server", &["--model", "epoll", "--listen", "127.0.0.1:0"]);
    let (host, port) = server.addr.rsplit_once(':').expect("host:port");
    let input: Vec<u8> = (0..200_000u32).map(|i| b"abcdefghij\n"[(i % 11) as usize]).collect();
    for model in ["select", "poll", "epoll"] {
        // stdin is a pipe here (run_client), which epoll can watch too.
        let (status, out, err) = run_client("tcp-client", &["--model", model, host, port], &input);
        assert!(status.success(), "{model}: {err}");
        assert_eq!(out.as_bytes(), &input[..], "{model}: echo printed differs");
        assert_eq!(
            err.lines().next(),
            Some(format!("connected to {}", server.addr).as_str()),
            "{model}: like nc -v, the address connected to goes to stderr"
        );
    }
}

#[test]
fn stdin_eof_half_closes_and_the_rest_of_the_reply_is_still_printed() {
    // A server that reads until EOF, *then* answers: only a half-close lets the reply through.
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port().to_string();
    let server = thread::spawn(move || {
        let (mut conn, _) = listener.accept().expect("accept");
        let mut got = Vec::new();
        conn.read_to_end(&mut got).expect("read to EOF");
        conn.write_all(format!("you sent {} bytes after which I saw EOF\n", got.len()).as_bytes())
            .expect("write");
    });
    let (status, out, err) = run_client("tcp-client", &["127.0.0.1", &port], b"one\ntwo\n");
    server.join().expect("server");
    assert!(status.success(), "{err}");
    assert_eq!(out, "you sent 8 bytes after which I saw EOF\n");
}

#[test]
fn unix_socket() {
    let dir = TempDir::new("tcp-client-unix");
    let path = dir.path().join("echo.sock");
    let path_str = path.to_str().expect("utf-8");
    let _server = Server::start("echo-server", &["--model", "poll", "--unix", path_str]);
    let (status, out, err) = run_client("tcp-client", &["--unix", path_str], b"over unix\n");
    assert!(status.success(), "{err}");
    assert_eq!(out, "over unix\n");
    assert!(err.starts_with(&format!("connected to unix:{path_str}\n")), "{err}");
}

#[test]
fn failures_are_explained_with_exit_1_and_bad_flags_exit_2() {
    // A port nobody listens on: bind one, note it, close it.
    let port = TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
        .to_string();
    let (status, _, err) = run_client("tcp-client", &["127.0.0.1", &port], b"");
    assert_eq!(status.code(), Some(1), "{err}");
    assert!(err.contains("Connection refused"), "{err}");

    let (status, _, err) = run_client("tcp-client", &["nonexistent.invalid", "80"], b"");
    assert_eq!(status.code(), Some(1), "{err}");
    assert!(err.contains("getaddrinfo"), "{err}");

    let (status, _, err) = run_client("tcp-client", &["127.0.0.1"], b"");
    assert_eq!(status.code(), Some(2), "{err}");
}

#[test]
fn epoll_explains_that_it_cannot_watch_a_regular_file() {
    let server = Server::start("echo-server", &["--listen", "127.0.0.1:0"]);
    let (host, port) = server.addr.rsplit_once(':').expect("host:port");
    let dir = TempDir::new("tcp-client-file");
    let file = dir.path().join("input.txt");
    std::fs::write(&file, "from a file\n").expect("write");
    let run = |model: &str| {
        let child = Command::new(bin("tcp-client"))
            .args(["--model", model, host, port])
            .stdin(std::fs::File::open(&file).expect("open"))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        wait_output(child, STEP)
    };
    let (status, _, err) = run("epoll");
    assert_eq!(status.code(), Some(1), "{err}");
    assert!(err.contains("regular file") && err.contains("--model poll"), "{err}");
    // poll (the default) reads a regular file like any stream.
    let (status, out, err) = run("poll");
    assert!(status.success(), "{err}");
    assert_eq!(out, "from a file\n");
}
