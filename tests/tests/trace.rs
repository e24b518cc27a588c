//! The flight recorder (`--trace FILE`) and its picture (`loop-timeline`), over real sockets.
//!
//! A scripted session (three clients connect, each echoes a line, then they leave one by one)
//! must leave a trace whose accepts, reads and closes follow the script, on select and epoll;
//! the blocking models' lighter trace must show accept, spawn, close and reap; the timeline
//! drawn from a trace must be well-formed XML with one row per descriptor and the marks the
//! session implies; and a 10 000-turn trace must still render, aggregated.

use nix::sys::signal::Signal;
use serde_json::Value;
use std::io::Write;
use std::net::{Shutdown, TcpStream};
use std::path::Path;
use std::process::Command;
use std::time::Instant;
use tests::*;

/// Start a traced echo server.
fn traced(model: &str, trace: &Path) -> Server {
    let path = trace.to_str().expect("utf-8 temp path");
    Server::start(
        "echo-server",
        &["--model", model, "--listen", "127.0.0.1:0", "--trace", path],
    )
}

/// Stop the server with SIGTERM (which flushes the trace) and read the trace's records.
fn finish(mut server: Server, trace: &Path) -> Vec<Value> {
    let status = server.signal_and_wait(Signal::SIGTERM);
    assert!(status.success(), "server exit: {status:?}");
    let text = std::fs::read_to_string(trace).expect("trace file written");
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("trace line is not JSON ({e}): {l}")))
        .collect()
}

/// The script: A, B, C connect one after the other and each echoes one line; then each in
/// turn half-closes and waits for the server's close (EOF), so the server has handled one
/// departure before the next begins. Returns the clients' local addresses (their peers).
fn three_client_script(server: &Server) -> Vec<String> {
    let mut clients = Vec::new();
    for name in ["a", "b", "c"] {
        let mut stream = connect_tcp(&server.addr);
        let line = format!("{name}1\n");
        write_all(&mut stream, line.as_bytes());
        assert_eq!(read_n(&mut stream, line.len()), line.as_bytes());
        clients.push(stream);
    }
    let peers: Vec<String> = clients.iter().map(local).collect();
    for mut stream in clients {
        stream.shutdown(Shutdown::Write).expect("shutdown");
        assert_closed(&mut stream);
    }
    peers
}

fn local(stream: &TcpStream) -> String {
    stream.local_addr().expect("local_addr").to_string()
}

/// (what, peer, bytes) for each accept, data callback and close, in trace order.
fn story(records: &[Value]) -> Vec<(String, String, u64)> {
    let mut peer_of = std::collections::HashMap::new();
    let mut out = Vec::new();
    for turn in records.iter().filter(|r| r["type"] == "turn") {
        for a in turn["accepted"].as_array().expect("accepted[]") {
            let peer = a["peer"].as_str().expect("peer").to_string();
            peer_of.insert(a["token"].as_u64().expect("token"), peer.clone());
            out.push(("accept".to_string(), peer, 0));
        }
        for c in turn["calls"].as_array().expect("calls[]") {
            if c["cb"] == "data" {
                let peer = peer_of[&c["token"].as_u64().expect("token")].clone();
                assert_eq!(c["in"], c["queued"], "echo queues what it reads: {c}");
                out.push(("read".to_string(), peer, c["in"].as_u64().expect("in")));
            }
        }
        for c in turn["closed"].as_array().expect("closed[]") {
            let peer = peer_of[&c["token"].as_u64().expect("token")].clone();
            out.push(("close".to_string(), peer, 0));
        }
    }
    out
}

#[test]
fn a_scripted_session_leaves_the_trace_of_the_script() {
    for model in ["select", "epoll"] {
        let dir = TempDir::new("trace");
        let trace = dir.path().join("trace.jsonl");
        let server = traced(model, &trace);
        let peers = three_client_script(&server);
        let records = finish(server, &trace);

        assert_eq!(records[0]["type"], "start", "{model}");
        assert_eq!(records[0]["backend"], model);
        let kinds: Vec<&str> = records[1..3].iter().map(|r| r["what"].as_str().unwrap_or("")).collect();
        assert_eq!(kinds, ["listener", "signal"], "{model}: descriptors announced first");

        let expected: Vec<(String, String, u64)> = [
            ("accept", 0, 0),
            ("read", 0, 3),
            ("accept", 1, 0),
            ("read", 1, 3),
            ("accept", 2, 0),
            ("read", 2, 3),
            ("close", 0, 0),
            ("close", 1, 0),
            ("close", 2, 0),
        ]
        .iter()
        .map(|&(what, i, n)| (what.to_string(), peers[i].clone(), n))
        .collect();
        assert_eq!(story(&records), expected, "{model}");

        let turns: Vec<&Value> = records.iter().filter(|r| r["type"] == "turn").collect();
        for (i, turn) in turns.iter().enumerate() {
            assert_eq!(
                turn["turn"].as_u64(),
                Some(i as u64 + 1),
                "{model}: turns numbered in order"
            );
            assert_eq!(turn["backend"], Value::Null);
            let events = turn["events"].as_array().expect("events[]");
            assert_eq!(turn["ready"].as_u64(), Some(events.len() as u64), "{model}: {turn}");
            assert!(
                turn["watched"].as_u64().unwrap_or(0) >= 2,
                "listener + signal pipe always watched"
            );
        }
        let max_watched = turns.iter().filter_map(|t| t["watched"].as_u64()).max();
        assert_eq!(max_watched, Some(5), "{model}: listener, signal pipe and three clients");
    }
}

#[test]
fn blocking_models_trace_accept_spawn_close_and_reap() {
    for model in ["fork", "thread"] {
        let dir = TempDir::new("trace-blocking");
        let trace = dir.path().join("trace.jsonl");
        let server = traced(model, &trace);
        let peers = three_client_script(&server);
        let records = finish(server, &trace);
        assert_eq!(records[0]["model"], model);
        let count = |kind: &str| records.iter().filter(|r| r["type"] == kind).count();
        assert_eq!(count("accept"), 3, "{model}");
        assert_eq!(count("spawn"), 3, "{model}");
        assert_eq!(count("close"), 3, "{model}");
        assert_eq!(count("reap"), if model == "fork" { 3 } else { 0 }, "{model}");
        let accepted: Vec<&str> = records
            .iter()
            .filter(|r| r["type"] == "accept")
            .map(|r| r["peer"].as_str().unwrap_or(""))
            .collect();
        assert_eq!(
            accepted,
            peers.iter().map(String::as_str).collect::<Vec<_>>(),
            "{model}"
        );
        // Each close names the connection its accept numbered: the serving code knows only
        // its socket, and the trace finds the number from the descriptor.
        let conns = |kind: &str| {
            let mut conns: Vec<u64> = records
                .iter()
                .filter(|r| r["type"] == kind)
                .filter_map(|r| r["conn"].as_u64())
                .collect();
            conns.sort_unstable();
            conns
        };
        assert_eq!(conns("close"), vec![1, 2, 3], "{model}");
        assert_eq!(conns("close"), conns("accept"), "{model}");
        for close in records.iter().filter(|r| r["type"] == "close") {
            // 3 bytes of data, plus the FIN, which takes a sequence number (TCP_INFO).
            assert_eq!(close["in"], 4, "{model}: {close}");
            assert_eq!(close["out"], 3, "{model}: {close}");
        }
    }
}

/// Run loop-timeline on `trace`; returns the SVG text.
fn render(trace: &Path) -> String {
    let out = Command::new(bin("loop-timeline"))
        .arg(trace)
        .output()
        .expect("run loop-timeline");
    assert!(
        out.status.success(),
        "loop-timeline: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(
        printed.contains(".svg") && printed.contains(".html"),
        "prints its paths: {printed}"
    );
    eprintln!("{}", String::from_utf8_lossy(&out.stderr).trim());
    std::fs::read_to_string(trace.with_extension("svg")).expect("svg written")
}

#[test]
fn the_timeline_has_a_row_per_descriptor_and_the_sessions_marks() {
    let dir = TempDir::new("timeline");
    let trace = dir.path().join("select.jsonl");
    let server = traced("select", &trace);
    let peers = three_client_script(&server);
    finish(server, &trace);
    let svg = render(&trace);
    let doc = roxmltree::Document::parse(&svg).expect("the SVG is well-formed XML");

    let texts: Vec<&str> = doc
        .descendants()
        .filter(|n| n.is_element())
        .filter_map(|n| n.text())
        .collect();
    let rows: Vec<&&str> = texts.iter().filter(|t| t.contains("(fd ")).collect();
    assert_eq!(rows.len(), 5, "listener, signal pipe, three clients: {rows:?}");
    assert!(rows[0].starts_with("listener 127.0.0.1:"), "{rows:?}");
    assert!(rows[1].starts_with("signal pipe"), "{rows:?}");
    for (row, peer) in rows[2..].iter().zip(&peers) {
        assert!(
            row.starts_with(peer.as_str()),
            "client row labelled with its peer: {row} vs {peer}"
        );
    }

    let titles: Vec<&str> = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("mark"))
        .filter_map(|g| g.children().find(|c| c.has_tag_name("title")).and_then(|t| t.text()))
        .collect();
    let with = |word: &str| titles.iter().filter(|t| t.contains(word)).count();
    assert_eq!(
        with(": accept —"),
        6,
        "each accept on the listener's row and its own: {titles:?}"
    );
    assert_eq!(with(": read —"), 3, "{titles:?}");
    assert_eq!(with(": write —"), 3, "{titles:?}");
    assert_eq!(with(": close —"), 3, "{titles:?}");
    let waits = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("wait"))
        .count();
    assert!(waits > 0, "waits are shaded");
}

/// A synthetic trace: `turns` turns of one busy client beside a listener and a signal pipe.
fn synthetic_trace(turns: u64) -> String {
    let mut t = String::new();
    t.push_str(r#"{"type":"start","version":1,"backend":"epoll","pid":1,"unix_ms":0}"#);
    t.push('\n');
    t.push_str(
        r#"{"type":"fd","t_us":0,"token":18446744073709551614,"fd":3,"what":"listener","label":"127.0.0.1:7000"}"#,
    );
    t.push('\n');
    let mut now = 10;
    for n in 1..=turns {
        let (accepted, events, calls) = if n == 1 {
            (
                r#"{"token":0,"fd":7,"peer":"127.0.0.1:40000"}"#,
                r#"{"token":18446744073709551614,"fd":3,"r":true,"w":false,"hup":false,"err":false}"#,
                "",
            )
        } else {
            (
                "",
                r#"{"token":0,"fd":7,"r":true,"w":false,"hup":false,"err":false}"#,
                r#"{"token":0,"fd":7,"cb":"data","in":64,"queued":64,"written":64}"#,
            )
        };
        let wait = 20 + n % 7;
        t.push_str(&format!(
            r#"{{"type":"turn","turn":{n},"t_us":{now},"timeout_ms":null,"wait_us":{wait},"watched":3,"ready":1,"events":[{events}],"calls":[{calls}],"accepted":[{accepted}],"closed":[],"timers":0,"dispatch_us":5}}"#
        ));
        t.push('\n');
        now += wait + 5;
    }
    t
}

#[test]
fn ten_thousand_turns_render_to_an_aggregated_picture() {
    let dir = TempDir::new("timeline-big");
    let trace = dir.path().join("big.jsonl");
    let mut file = std::fs::File::create(&trace).expect("create");
    file.write_all(synthetic_trace(10_000).as_bytes()).expect("write");
    drop(file);
    let started = Instant::now();
    let svg = render(&trace);
    eprintln!(
        "10 000 turns: loop-timeline took {:?} (informative, not asserted)",
        started.elapsed()
    );
    let doc = roxmltree::Document::parse(&svg).expect("well-formed XML");
    let marks = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("mark"))
        .count();
    assert!(marks > 100, "the busy client's reads are drawn: {marks}");
    assert!(
        marks < 5_000,
        "20 000 reads and writes are merged, not drawn one by one: {marks}"
    );
    let ruler_labels = doc
        .descendants()
        .filter(|n| n.attribute("font-size") == Some("10") && n.attribute("text-anchor") == Some("middle"))
        .filter_map(|n| n.text())
        .filter(|t| t.parse::<u64>().is_ok())
        .count();
    assert!(
        (5..=40).contains(&ruler_labels),
        "a readable turn ruler: {ruler_labels} labels"
    );
}

/// The servers print `listening on` before they install their SIGTERM handler; a SIGTERM in
/// between would kill them outright. Wait until /proc says the signal is caught (`SigCgt`).
fn wait_until_catching_sigterm(pid: i32) {
    let sigterm_bit = 1u64 << (libc::SIGTERM - 1);
    let deadline = Instant::now() + STEP;
    loop {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        let caught = status
            .lines()
            .find_map(|l| l.strip_prefix("SigCgt:"))
            .and_then(|hex| u64::from_str_radix(hex.trim(), 16).ok())
            .unwrap_or(0);
        if caught & sigterm_bit != 0 {
            return;
        }
        assert!(Instant::now() < deadline, "pid {pid} never caught SIGTERM");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

#[test]
fn every_server_takes_trace_on_reactor_and_blocking_models() {
    for server in ["echo-server", "chat-server", "http-server", "metrics-server"] {
        for model in ["poll", "thread"] {
            let dir = TempDir::new("trace-every");
            let trace = dir.path().join("t.jsonl");
            let path = trace.to_str().expect("utf-8 temp path");
            let running = Server::start(server, &["--model", model, "--listen", "127.0.0.1:0", "--trace", path]);
            wait_until_catching_sigterm(running.pid());
            let records = finish(running, &trace);
            let key = if model == "poll" { "backend" } else { "model" };
            assert_eq!(records[0]["type"], "start", "{server} {model}");
            assert_eq!(records[0][key], model, "{server} {model}: {}", records[0]);
        }
    }
}
