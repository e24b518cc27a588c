//! The reason logged when a reactor closes a client says what happened. A client that
//! pipelines requests and never reads the answers is closed once the requests it keeps
//! sending pass the input limit: they are complete requests, held back until it reads —
//! not "bytes without a complete frame", which is a request too large to ever complete.

use std::io::Write;
use std::net::TcpStream;
use std::time::{Duration, Instant};
use tests::{Server, TempDir};

fn closed_reason(model: &str, payload: &[u8]) -> String {
    let dir = TempDir::new("close-logs");
    std::fs::write(dir.path().join("big.bin"), vec![b'x'; 1 << 20]).expect("write");
    let root = dir.path().to_str().expect("utf-8");
    let mut server = Server::start(
        "http-server",
        &["--model", model, "--root", root, "--listen", "127.0.0.1:0"],
    );
    let mut c = TcpStream::connect(&server.addr).expect("connect");
    c.set_write_timeout(Some(Duration::from_secs(5))).expect("timeout");
    let until = Instant::now() + Duration::from_secs(10);
    // Send until the server closes (the write fails) or 4 MiB are out; never read.
    let mut sent = 0;
    while sent < 4 << 20 && Instant::now() < until {
        match c.write(payload) {
            Ok(n) => sent += n,
            Err(_) => break,
        }
    }
    let line = server.wait_for_log("closing");
    drop(c);
    line
}

#[test]
fn a_pipelining_client_that_does_not_read_is_logged_as_such() {
    for model in ["select", "poll", "epoll"] {
        let requests = b"GET /big.bin HTTP/1.1\r\nHost: t\r\n\r\n".repeat(512);
        let line = closed_reason(model, &requests);
        assert!(
            line.contains("bytes of complete requests unanswered because the client is not reading"),
            "[{model}] {line}"
        );
    }
}
