//! Black-box tests of `http-server`'s limits against peers that hold resources without
//! making progress (docs/reliability.md lists every limit): silent connections, endless
//! blank lines, descriptor exhaustion.

#[path = "http_common.rs"]
mod common;

use common::{for_each_model, read_reply, site, start};
use std::io::Read;
use std::time::Duration;
use tests::{write_all, ALL_MODELS};

const GET_HELLO: &[u8] = b"GET /hello.txt HTTP/1.1\r\nHost: t\r\n\r\n";

/// Read until the server closes; returns what it sent (a reset counts as a close).
fn bytes_until_close(stream: &mut std::net::TcpStream, model: &str) -> Vec<u8> {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return got,
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return got,
            Err(e) => panic!("{model}: the server did not close the connection: {e}"),
        }
    }
}

#[test]
fn silent_connections_are_closed_at_the_header_timeout() {
    for_each_model(ALL_MODELS, |model| {
        let dir = site();
        // Every slot taken by a client that never sends a byte: before the fix they stayed
        // forever and every later client was told "server busy".
        let server = start(model, dir.path(), &["--header-timeout", "1", "--max-connections", "3"]);
        let mut silent: Vec<_> = (0..3).map(|_| server.connect()).collect();
        for stream in &mut silent {
            stream.set_read_timeout(Some(Duration::from_secs(8))).expect("timeout");
            let got = bytes_until_close(stream, model);
            assert!(got.is_empty(), "{model}: a silent connection is closed without a word");
        }
        let mut stream = server.connect();
        write_all(&mut stream, GET_HELLO);
        assert_eq!(read_reply(&mut stream, false).status, 200, "{model}: served after");
        // The clock restarts after each response: an idle keep-alive connection closes too.
        stream.set_read_timeout(Some(Duration::from_secs(8))).expect("timeout");
        assert!(
            bytes_until_close(&mut stream, model).is_empty(),
            "{model}: idle keep-alive"
        );
    });
}

#[test]
fn endless_blank_lines_are_refused_at_the_head_limit() {
    for_each_model(ALL_MODELS, |model| {
        let dir = site();
        let server = start(model, dir.path(), &["--header-timeout", "5"]);
        let mut stream = server.connect();
        // 20 KB of empty lines, more than a head may be (16 KiB): before the fix they were
        // buffered without limit (and rescanned on every read) until the header timeout.
        write_all(&mut stream, &b"\r\n".repeat(10_000));
        let reply = read_reply(&mut stream, false);
        assert_eq!(reply.status, 431, "{model}: blank lines count against the head limit");
        bytes_until_close(&mut stream, model);
        let mut again = server.connect();
        write_all(&mut again, &[&b"\r\n\r\n"[..], GET_HELLO].concat());
        assert_eq!(read_reply(&mut again, false).status, 200, "{model}: a few are fine");
    });
}

#[test]
fn at_the_descriptor_limit_admitted_clients_get_200_or_503_never_500() {
    tests::raise_nofile(2048);
    for_each_model(&["fork", "thread", "select", "poll", "epoll"], |model| {
        let dir = site();
        let root = dir.path().to_str().expect("utf-8 path");
        let server = tests::Server::start_with(std::process::Command::new("prlimit").args([
            "--nofile=64",
            tests::bin("http-server").to_str().expect("utf-8 path"),
            "--model",
            model,
            "--root",
            root,
            "--listen",
            "127.0.0.1:0",
        ]));
        let mut admitted: Vec<_> = (0..20).map(|_| server.connect()).collect();
        for stream in &mut admitted {
            write_all(stream, GET_HELLO);
            assert_eq!(read_reply(stream, false).status, 200, "{model}: before the flood");
        }
        // 200 more clients, far past 64 descriptors: each one is served or told 503 at once.
        let mut flood = Vec::new();
        for _ in 0..200 {
            let mut stream = server.connect();
            write_all(&mut stream, GET_HELLO);
            let reply = read_reply(&mut stream, false);
            assert_ok_or_busy(&reply, model, "a newcomer");
            flood.push(stream);
        }
        // The clients admitted first are still served: a descriptor is left to open a file
        // or read a directory (before: `500`, open: Too many open files).
        for stream in &mut admitted {
            for request in [GET_HELLO, b"GET /share/ HTTP/1.1\r\nHost: t\r\n\r\n"] {
                write_all(stream, request);
                let reply = read_reply(stream, false);
                assert_eq!(reply.status, 200, "{model}: an admitted client: {}", reply.head);
            }
        }
    });
}

/// 200, or 503 with a `Retry-After` the client can act on; never 500.
fn assert_ok_or_busy(reply: &common::Reply, model: &str, who: &str) {
    match reply.status {
        200 => {}
        503 => assert_eq!(reply.field("retry-after").as_deref(), Some("1"), "{model}: {who}"),
        other => panic!("{model}: {who} got {other}: {}", reply.head),
    }
}
