//! Black-box tests of `http-get`: against `http-server` (Content-Length), and against tiny
//! hand-written servers for the other framings (chunked, until close), `-i`, `-I`, `-o`, and
//! the exit status of a non-2xx answer.

#[path = "http_common.rs"]
mod common;

use common::{site, start};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::thread;
use tests::{run_client, TempDir};

/// Serve one connection with `response` (after reading the request head); returns the URL
/// and a handle yielding the request the client sent.
fn one_shot(response: &'static [u8]) -> (String, thread::JoinHandle<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}/file", listener.local_addr().expect("addr"));
    let handle = thread::spawn(move || {
        let (mut conn, _) = listener.accept().expect("accept");
        let mut request = Vec::new();
        let mut byte = [0u8; 1];
        while !request.ends_with(b"\r\n\r\n") && conn.read(&mut byte).map(|n| n == 1).unwrap_or(false) {
            request.push(byte[0]);
        }
        let _ = conn.write_all(response);
        String::from_utf8_lossy(&request).into_owned()
    });
    (url, handle)
}

#[test]
fn content_length_from_http_server_with_i_and_o() {
    let dir = site();
    let server = start("epoll", dir.path(), &[]);
    let url = format!("http://{}/hello.txt", server.addr);
    let (status, out, err) = run_client("http-get", &[&url], b"");
    assert_eq!((status.code(), out.as_str()), (Some(0), "hello, world\n"), "{err}");
    let (_, out, _) = run_client("http-get", &["-i", &url], b"");
    assert!(
        out.starts_with("HTTP/1.1 200 OK\r\n") && out.ends_with("\r\n\r\nhello, world\n"),
        "{out}"
    );
    let (status, out, _) = run_client("http-get", &["-I", &url], b"");
    assert_eq!(status.code(), Some(0));
    assert!(
        out.contains("Content-Length: 13\r\n") && out.ends_with("\r\n\r\n"),
        "HEAD: {out}"
    );
    let saved = TempDir::new("http-get");
    let file = saved.path().join("out.txt");
    let (status, out, _) = run_client("http-get", &["-o", file.to_str().expect("utf-8"), &url], b"");
    assert_eq!((status.code(), out.as_str()), (Some(0), ""));
    assert_eq!(std::fs::read(&file).expect("saved"), b"hello, world\n");
}

#[test]
fn non_2xx_exits_1_with_the_status_line_on_stderr() {
    let dir = site();
    let server = start("thread", dir.path(), &[]);
    let (status, _, err) = run_client("http-get", &[&format!("http://{}/missing", server.addr)], b"");
    assert_eq!(status.code(), Some(1));
    assert_eq!(err.trim(), "HTTP/1.1 404 Not Found");
}

#[test]
fn chunked_and_until_close_framings() {
    let (url, request) =
        one_shot(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\n\r\n");
    let (status, out, err) = run_client("http-get", &[&url], b"");
    assert_eq!(
        (status.code(), out.as_str()),
        (Some(0), "hello, world"),
        "chunked: {err}"
    );
    let sent = request.join().expect("server");
    assert!(
        sent.starts_with("GET /file HTTP/1.1\r\nHost: 127.0.0.1:"),
        "request: {sent}"
    );
    let (url, _) = one_shot(b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nread until the server closes");
    let (status, out, _) = run_client("http-get", &[&url], b"");
    assert_eq!((status.code(), out.as_str()), (Some(0), "read until the server closes"));
    let (url, _) = one_shot(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\ncut short");
    let (status, _, err) = run_client("http-get", &[&url], b"");
    assert_eq!(status.code(), Some(1), "a truncated body is an error: {err}");
}

#[test]
fn ipv6_and_bad_urls() {
    let dir = site();
    let root = dir.path().to_str().expect("utf-8");
    let server = tests::Server::start(
        "http-server",
        &["--model", "poll", "--root", root, "--listen", "[::1]:0"],
    );
    let (status, out, err) = run_client("http-get", &[&format!("http://{}/hello.txt", server.addr)], b"");
    assert_eq!(
        (status.code(), out.as_str()),
        (Some(0), "hello, world\n"),
        "IPv6: {err}"
    );
    let (status, _, err) = run_client("http-get", &["https://127.0.0.1/"], b"");
    assert_eq!(status.code(), Some(1));
    assert!(err.contains("https is not supported"), "{err}");
    let (status, _, _) = run_client("http-get", &[], b"");
    assert_eq!(status.code(), Some(2), "missing URL: clap's exit code");
}
