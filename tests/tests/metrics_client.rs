//! metrics-client against metrics-server: each subcommand in each encoding on every model,
//! `--dump`'s hex, exit codes, and `push` bounded by `--count` or stopped by SIGTERM.

mod metrics_common;

use metrics_common::*;
use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use tests::{bin, run_client, wait_output, Server, STEP};

fn host_port(server: &Server) -> (String, String) {
    let (host, port) = server
        .addr
        .rsplit_once(':')
        .unwrap_or_else(|| panic!("address {}", server.addr));
    (host.to_string(), port.to_string())
}

/// Run metrics-client with `--encoding enc` (and `extra` flags) against `server`.
fn client(server: &Server, enc: &str, extra: &[&str], action: &[&str]) -> (Option<i32>, String, String) {
    let (host, port) = host_port(server);
    let args: Vec<&str> = [&["--encoding", enc], extra, &[&host, &port], action].concat();
    let (status, out, err) = run_client("metrics-client", &args, b"");
    (status.code(), out, err)
}

#[test]
fn every_subcommand_in_every_encoding_on_every_model() {
    for &model in MODELS {
        let (server, _) = start(model);
        for enc in ["text", "binary", "json"] {
            let name = format!("m_{enc}");
            let ctx = format!("[{model} {enc}]");
            let (code, out, err) = client(&server, enc, &[], &["desc", &name, "counter", "made", "by", "hand"]);
            assert_eq!(code, Some(0), "{ctx} desc: {out}{err}");
            let (code, out, _) = client(&server, enc, &[], &["val", &name, "1.5", "--timestamp", "1234"]);
            assert_eq!(code, Some(0), "{ctx} val: {out}");
            let (code, out, _) = client(&server, enc, &[], &["get", &name]);
            assert_eq!(code, Some(0), "{ctx} get");
            if enc == "json" {
                let v: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{ctx} {e}: {out}"));
                assert_eq!(v["metric"]["doc"], "made by hand", "{ctx}");
                assert_eq!(v["metric"]["value"], 1.5, "{ctx}");
            } else {
                assert_eq!(out, format!("OK {name} counter 1.5 1234 made by hand\n"), "{ctx}");
            }
            let (code, out, _) = client(&server, enc, &[], &["val", &name, "-1"]);
            assert_eq!(
                code,
                Some(1),
                "{ctx} a negative counter increment is an ERR reply: {out}"
            );
            assert!(out.contains("bad-value"), "{ctx} {out}");
        }
        let (code, out, _) = client(&server, "binary", &[], &["list"]);
        assert_eq!(code, Some(0), "[{model}] list");
        let expected = "OK 3\nm_binary counter 1.5 1234\nm_json counter 1.5 1234\nm_text counter 1.5 1234\n";
        assert_eq!(out, expected, "[{model}] list over binary");
    }
}

#[test]
fn dump_shows_each_message_field_by_field_in_every_encoding() {
    let (server, _) = start("epoll");
    client(&server, "text", &[], &["desc", "cpu", "gauge"]);
    let (code, out, err) = client(
        &server,
        "binary",
        &["--dump"],
        &["val", "cpu", "0.5", "--timestamp", "1700000000000"],
    );
    assert_eq!((code, out.as_str()), (Some(0), "OK cpu 0.5\n"), "{err}");
    // The frame documented in servers/src/proto/metrics/binary.rs and docs/metrics-protocol.md.
    let sent = "> sent 27 bytes: one binary frame
  b5 4d 01 01 14 00                  header: magic, version 1, type VAL, payload 20 bytes
  00 00 00 00 00 00 e0 3f            value 0.5 (f64 LE)
  00 68 e5 cf 8b 01 00 00            timestamp 1700000000000 (i64 LE)
  03 63 70 75                        name \"cpu\" (str8)
  a5                                 canary
";
    assert!(err.starts_with(sent), "stderr was:\n{err}");
    let received = "< received 15 bytes: one binary frame
  b5 4d 01 80 08 00                  header: magic, version 1, type OK, payload 8 bytes
  07 63 70 75 20 30 2e 35            message \"cpu 0.5\" (str8)
  a5                                 canary
";
    assert!(err.contains(received), "{err}");
    // Text and JSON: the line as sent or received, then its fields; never hex.
    let (code, _, err) = client(&server, "text", &["--dump"], &["val", "cpu", "2"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        err.contains("> sent 10 bytes: one text line \"VAL cpu 2\\n\"\n  VAL "),
        "{err}"
    );
    assert!(err.contains("< received ") && err.contains("status: ok"), "{err}");
    let (code, _, err) = client(&server, "json", &["--dump"], &["get", "cpu"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        err.contains("> sent 32 bytes: one JSON line") && err.contains("\"param\": \"cpu\""),
        "{err}"
    );
    assert!(err.contains("< received ") && err.contains("\"ok\": true"), "{err}");
    assert!(!err.contains("b5 4d"), "no binary frame in a JSON exchange: {err}");
}

#[test]
fn unix_socket_like_the_other_clients() {
    let dir = tests::TempDir::new("metrics-client-unix");
    let path = dir.path().join("m.sock");
    let path = path.to_str().expect("utf-8");
    let _server = Server::start("metrics-server", &["--model", "poll", "--unix", path]);
    let (status, out, err) = run_client("metrics-client", &["--unix", path, "desc", "up", "gauge"], b"");
    assert!(status.success(), "{err}");
    assert_eq!(out, "OK described up\n");
}

#[test]
fn bad_flags_exit_2() {
    for args in [
        &["127.0.0.1", "1", "desc", "x", "histogram"][..],
        &["--encoding", "xml", "h", "1", "list"],
        &["h"],
    ] {
        let (status, _, err) = run_client("metrics-client", args, b"");
        assert_eq!(status.code(), Some(2), "{args:?}: {err}");
    }
}

#[test]
fn push_sends_count_values_as_a_gauge() {
    for &model in MODELS {
        let (server, _) = start(model);
        let (code, out, err) = client(
            &server,
            "binary",
            &[],
            &["push", "--interval", "10", "--count", "3", "load1"],
        );
        assert_eq!(code, Some(0), "[{model}] {out}{err}");
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 4, "[{model}] DESC + 3 VAL replies: {out}");
        assert_eq!(lines[0], "OK described load1", "[{model}]");
        assert!(lines[1..].iter().all(|l| l.starts_with("OK load1 ")), "[{model}] {out}");
        let mut c = server.connect();
        let get = text_cmd(&mut c, "GET load1");
        assert!(get.starts_with("OK load1 gauge "), "[{model}] {get}");
        let loadavg = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
        assert!(
            loadavg
                .split_whitespace()
                .next()
                .is_some_and(|v| v.parse::<f64>().is_ok()),
            "{loadavg}"
        );
    }
}

#[test]
fn push_stops_cleanly_on_sigterm() {
    let (server, _) = start("epoll");
    let (host, port) = host_port(&server);
    let child = Command::new(bin("metrics-client"))
        .args([&host, &port, "push", "--interval", "60000", "load_sig"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("spawn metrics-client: {e}"));
    // Wait for its first value to land: it is then waiting out its 60 s interval.
    let mut c = server.connect();
    let deadline = Instant::now() + STEP;
    while !text_cmd(&mut c, "GET load_sig").starts_with("OK load_sig gauge") {
        assert!(Instant::now() < deadline, "push never reported a value");
        std::thread::sleep(Duration::from_millis(20));
    }
    kill(Pid::from_raw(child.id() as i32), Signal::SIGTERM).unwrap_or_else(|e| panic!("kill: {e}"));
    let (status, out, err) = wait_output(child, STEP);
    assert_eq!(status.code(), Some(0), "{out}{err}");
    assert!(err.contains("pushed 1 values of load_sig"), "{err}");
}
