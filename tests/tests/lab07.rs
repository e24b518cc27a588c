//! Lab 7 grader (labs/07-edge-triggered): `read_ready` reads until `WouldBlock`.

mod lab_common;

use lab_common::*;
use std::io::Write;

/// More than the kernel buffers hold, read 500 ms late: the server pauses reading while its
/// output waits, then resumes with megabytes queued, which no new event announces.
const BURST: u64 = 8 << 20;

/// An 8 MiB burst on `model`: every byte must come back, the same bytes.
fn burst(check: &'static str, model: &str, rule: &str) {
    let mut steps = Steps::new(check);
    steps.step(&format!("start echo-server --model {model}"));
    let server = start("echo-server", &["--model", model]);
    expect_stream(&mut steps, &server, BURST, 500, rule, WHY_CORRUPT);
}

#[test]
fn lab07_burst_echoes_whole_on_epoll() {
    burst(
        "lab07_burst_echoes_whole_on_epoll",
        "epoll",
        "readiness rule 2: edge-triggered epoll reports readiness once, when data arrives; \
         bytes left in the socket after one read() are never announced again, so read_ready \
         must read until WouldBlock (reactor/src/lib.rs, readiness rule 2; strace -e read,epoll_wait)",
    );
}

#[test]
fn lab07_burst_echoes_whole_on_poll() {
    burst(
        "lab07_burst_echoes_whole_on_poll",
        "poll",
        "rule 2 again; poll is level-triggered, so even one read per event would get there: \
         if this fails, read_ready loses or mangles data, not just events",
    );
}

#[test]
fn lab07_clients_served_side_by_side() {
    let mut steps = Steps::new("lab07_clients_served_side_by_side");
    steps.step("start echo-server --model epoll");
    let server = start("echo-server", &["--model", "epoll"]);
    steps.step("a first client sends a line, then resets its connection (SO_LINGER 0, close)");
    if let Ok(mut reset) = connect(&server) {
        let _ = reset.write_all(b"going\n");
        std::thread::sleep(std::time::Duration::from_millis(100));
        let zero = nix::libc::linger {
            l_onoff: 1,
            l_linger: 0,
        };
        let _ = nix::sys::socket::setsockopt(&reset, nix::sys::socket::sockopt::Linger, &zero);
    }
    std::thread::sleep(std::time::Duration::from_millis(200));
    steps.step("connect ten clients, keep them all open");
    let mut clients = Vec::new();
    for i in 0..10 {
        match connect(&server) {
            Ok(c) => clients.push(c),
            Err(e) => steps.expect(
                false,
                &format!("connect #{i}"),
                &e.to_string(),
                "a connection",
                "the listener accepts",
            ),
        }
    }
    steps.step("each client sends one line, in reverse order, and reads its echo");
    for (i, client) in clients.iter_mut().enumerate().rev() {
        let line = format!("client {i} says hello\n");
        let got = round_trip(client, line.as_bytes(), line.len());
        steps.expect(
            got == format!("{line:?}"),
            &format!("{line:?}"),
            &got,
            "the same line back, whatever the order",
            "one thread serves every ready connection: reading must not block nor wait for another \
             client, and a client's reset (ECONNRESET) closes that connection only",
        );
    }
}
