//! An output that fails is reported once, not once per write: `--access-log /dev/full`
//! (every write fails with ENOSPC, as on a full disk) and `--trace /dev/full`, on every
//! model. The blocking models used to log one error per request (8,050 lines for 8,050
//! requests), the reactor's trace one warning per turn (701 lines for 2,000 round trips).

#[path = "http_common.rs"]
mod common;

use common::for_each_model;
use std::io::{Read, Write};
use std::time::Duration;
use tests::{read_n, Server, ALL_MODELS};

/// Lines of the server's stderr that mention `sink`, after the work is done.
fn lines_about(server: &mut Server, sink: &str) -> Vec<String> {
    std::thread::sleep(Duration::from_millis(300));
    server
        .stderr_so_far()
        .lines()
        .filter(|l| l.contains(sink))
        .map(String::from)
        .collect()
}

#[test]
fn a_full_access_log_is_reported_once_on_every_model() {
    for_each_model(ALL_MODELS, |model| {
        let dir = common::site();
        let mut server = common::start(model, dir.path(), &["--access-log", "/dev/full"]);
        // Several connections (the fork model's children each write their own lines).
        for _ in 0..10 {
            let mut c = server.connect();
            for _ in 0..20 {
                c.write_all(b"GET /hello.txt HTTP/1.1\r\nHost: t\r\n\r\n")
                    .expect("send");
                let head = read_until_body(&mut c);
                assert!(head.starts_with("HTTP/1.1 200"), "[{model}] {head}");
            }
        }
        let lines = lines_about(&mut server, "access log");
        assert_eq!(
            lines.len(),
            1,
            "[{model}] 200 requests on a full disk:\n{}",
            lines.join("\n")
        );
        assert!(lines[0].contains("No space left on device"), "[{model}] {}", lines[0]);
    });
}

/// Read one response to `GET /hello.txt` (its 13-byte body): the head as text.
fn read_until_body(c: &mut std::net::TcpStream) -> String {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        assert_eq!(c.read(&mut byte).expect("read"), 1, "closed mid-head");
        head.push(byte[0]);
    }
    read_n(c, 13);
    String::from_utf8_lossy(&head).into_owned()
}

#[test]
fn a_full_trace_file_is_reported_once_on_every_model() {
    for_each_model(ALL_MODELS, |model| {
        let mut server = Server::start(
            "echo-server",
            &["--model", model, "--listen", "127.0.0.1:0", "--trace", "/dev/full"],
        );
        for _ in 0..10 {
            let mut c = server.connect();
            for _ in 0..200 {
                c.write_all(b"ping\n").expect("send");
                assert_eq!(read_n(&mut c, 5), b"ping\n", "[{model}]");
            }
        }
        let lines = lines_about(&mut server, "trace");
        assert_eq!(lines.len(), 1, "[{model}] 2,000 round trips:\n{}", lines.join("\n"));
    });
}
