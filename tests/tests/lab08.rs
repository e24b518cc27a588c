//! Lab 8 grader (labs/08-short-writes): the outbox keeps what a short write left, WRITABLE
//! interest comes back until it drains, and the backlog of a slow reader is bounded.

mod lab_common;

use lab_common::*;

const BYTES: u64 = 8 << 20;

/// 8 MiB to `model`, read only after 300 ms: the server's writes come up short (the client's
/// receive buffer is full) and every byte must still arrive.
fn slow_reader(check: &'static str, model: &str) {
    let mut steps = Steps::new(check);
    steps.step(&format!("start echo-server --model {model}"));
    let server = start("echo-server", &["--model", model]);
    expect_stream(
        &mut steps,
        &server,
        BYTES,
        300,
        "readiness rule 4: a short write is normal; write(2) returns how much the kernel took, \
         the rest stays in the outbox until the socket is WRITABLE again (rule 3); \
         strace -e write shows `write(5, ..., 8388608) = 2626560` then EAGAIN",
        WHY_CORRUPT,
    );
}

#[test]
fn lab08_large_echo_to_slow_reader_on_epoll() {
    slow_reader("lab08_large_echo_to_slow_reader_on_epoll", "epoll");
}

#[test]
fn lab08_large_echo_to_slow_reader_on_poll() {
    slow_reader("lab08_large_echo_to_slow_reader_on_poll", "poll");
}

#[test]
fn lab08_member_who_never_reads_costs_bounded_memory() {
    let mut steps = Steps::new("lab08_member_who_never_reads_costs_bounded_memory");
    steps.step("start chat-server --model epoll");
    let server = start("chat-server", &["--model", "epoll"]);
    let pid = server.pid().to_string();
    steps.step("join twice: one member never reads, the other sends 16 MiB of lines");
    let result = probe(&["chat-flood", &server.addr, "--bytes", "16777216", "--pid", &pid]);
    let got = match &result {
        Ok(r) => format!(
            "server memory grew by {} KiB; silent member disconnected: {}",
            num(r, "rss_growth_kib"),
            r.get("silent_disconnected").map_or("?", |s| s)
        ),
        Err(e) => e.clone(),
    };
    let bounded = result.as_ref().is_ok_and(|r| num(r, "rss_growth_kib") < 4 * 1024);
    steps.expect(
        bounded,
        "16 MiB of chat lines, one member never reading",
        &got,
        "less than 4 MiB of growth: the never-reading member is dropped past --max-output",
        "readiness rule 4: buffers are bounded; a slow reader gets backpressure or is dropped, \
         never unbounded memory (docs/bugs.md, unbounded-outbox)",
    );
}
