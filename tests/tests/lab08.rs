//! Lab 8 grader (labs/08-short-writes): the outbox keeps what a short write left, WRITABLE
//! interest comes back until it drains, and the backlog of a slow reader is bounded.

mod lab_common;

use lab_common::*;
use std::time::Duration;

const BYTES: u64 = 8 << 20;

/// 8 MiB to `model`, read only `delay_ms` later: the server's writes come up short (the
/// client's receive buffer is full) and every byte must still arrive, the same bytes. While
/// the client does not read, the server must sleep: its CPU time is measured then.
fn slow_reader(check: &'static str, model: &str, delay_ms: u64) {
    let mut steps = Steps::new(check);
    steps.step(&format!("start echo-server --model {model}"));
    let server = start("echo-server", &["--model", model]);
    let pid = server.pid();
    let cpu = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(300));
        let before = busy_ns(pid);
        let window = delay_ms.saturating_sub(500).max(100);
        std::thread::sleep(Duration::from_millis(window));
        busy_ns(pid).saturating_sub(before) / 10_000 / window // ns to % of the window
    });
    expect_stream(
        &mut steps,
        &server,
        BYTES,
        delay_ms,
        "readiness rule 4: a short write is normal; write(2) returns how much the kernel took, \
         the rest stays in the outbox until the socket is WRITABLE again (rule 3); \
         strace -e write shows `write(5, ..., 8388608) = 2626560` then EAGAIN",
        WHY_CORRUPT,
    );
    let used = cpu.join().unwrap_or(0);
    steps.step("how long the server was not asleep while the client was not reading (schedstat)");
    steps.expect(
        used < 50,
        &format!("{BYTES} bytes, read {delay_ms} ms late"),
        &format!("the server used {used} % of a core while a client was not reading"),
        "about 0 %: asleep until the socket is WRITABLE",
        "a busy loop on WouldBlock: when write(2) says EAGAIN, keep the rest and return \
         (Flush::Blocked); the reactor asks for WRITABLE and calls back when the client has \
         read. Retrying at once spins a core and serves nobody else meanwhile",
    );
}

#[test]
fn lab08_large_echo_to_slow_reader_on_epoll() {
    slow_reader("lab08_large_echo_to_slow_reader_on_epoll", "epoll", 1500);
}

#[test]
fn lab08_large_echo_to_slow_reader_on_poll() {
    slow_reader("lab08_large_echo_to_slow_reader_on_poll", "poll", 1500);
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
