//! The lecture's bugs about reading, writing and queueing (`--bug NAME`, docs/bugs.md): with
//! the flag the symptom happens, measured; without it, it does not. backlog-2, read-once,
//! ignore-short-write, blocking-write, unbounded-outbox.

mod bugs_common;

use bugs_common::*;

#[test]
fn backlog_2_drops_syns_of_a_burst() {
    let server = start("echo-server", &["--model", "epoll"], Some("backlog-2"));
    let result = probe(&["burst", &server.addr, "--clients", "50"]);
    assert!(
        num(&result, "retransmitted") > 0,
        "a queue of 2 overflows and SYNs are retransmitted: {result:?}"
    );

    let server = start("echo-server", &["--model", "epoll"], None);
    let result = probe(&["burst", &server.addr, "--clients", "50"]);
    assert_eq!(num(&result, "retransmitted"), 0, "{result:?}");
    assert_eq!(num(&result, "no_echo"), 0, "{result:?}");
}

/// `big-echo` of 256 KiB on `model`, with or without read-once.
fn echo_256k(model: &str, bug: Option<&str>) -> std::collections::HashMap<String, String> {
    let server = start("echo-server", &["--model", model], bug);
    probe(&["big-echo", &server.addr, "--bytes", "262144", "--idle", "1000"])
}

#[test]
fn read_once_stalls_on_edge_triggered_epoll_only() {
    let stalled = echo_256k("epoll", Some("read-once"));
    assert_eq!(field(&stalled, "stalled"), "true", "{stalled:?}");
    assert!(num(&stalled, "received") < 262144, "{stalled:?}");

    // Level-triggered poll reports the unread rest again: the same bug goes unnoticed.
    let level = echo_256k("poll", Some("read-once"));
    assert_eq!(num(&level, "received"), 262144, "{level:?}");

    let fixed = echo_256k("epoll", None);
    assert_eq!(num(&fixed, "received"), 262144, "{fixed:?}");
    assert_eq!(field(&fixed, "stalled"), "false");
}

#[test]
fn ignore_short_write_loses_bytes_of_a_large_echo() {
    let args = [
        "big-echo",
        "--bytes",
        "16777216",
        "--read-delay",
        "300",
        "--idle",
        "3000",
    ];
    let server = start("echo-server", &["--model", "epoll"], Some("ignore-short-write"));
    let result = probe(&[&args[..1], &[server.addr.as_str()], &args[1..]].concat());
    assert_eq!(num(&result, "sent"), 16 << 20);
    assert!(num(&result, "lost") > 0, "{result:?}");

    let server = start("echo-server", &["--model", "epoll"], None);
    let result = probe(&[&args[..1], &[server.addr.as_str()], &args[1..]].concat());
    assert_eq!(num(&result, "received"), 16 << 20, "{result:?}");
    assert_eq!(num(&result, "lost"), 0);
}

#[test]
fn blocking_write_lets_one_stuck_reader_freeze_everyone() {
    let server = start("echo-server", &["--model", "epoll"], Some("blocking-write"));
    let result = probe(&["stuck-reader", &server.addr, "--rounds", "3"]);
    assert!(
        num(&result, "timeouts") > 0,
        "the loop is stuck in write(2): {result:?}"
    );

    let server = start("echo-server", &["--model", "epoll"], None);
    let result = probe(&["stuck-reader", &server.addr, "--rounds", "3"]);
    assert_eq!(num(&result, "answered"), 3, "{result:?}");
    assert_eq!(num(&result, "timeouts"), 0);
}

#[test]
fn unbounded_outbox_grows_memory_for_a_member_who_never_reads() {
    let flood = |bug| {
        let server = start("chat-server", &["--model", "epoll"], bug);
        let pid = server.pid().to_string();
        probe(&["chat-flood", &server.addr, "--bytes", "16777216", "--pid", &pid])
    };
    let unbounded = flood(Some("unbounded-outbox"));
    assert_eq!(field(&unbounded, "silent_disconnected"), "false", "{unbounded:?}");
    assert!(num(&unbounded, "rss_growth_kib") > 8 * 1024, "{unbounded:?}");

    let bounded = flood(None);
    assert_eq!(field(&bounded, "silent_disconnected"), "true", "{bounded:?}");
    assert!(num(&bounded, "rss_growth_kib") < 4 * 1024, "{bounded:?}");
}
