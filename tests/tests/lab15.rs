//! Lab 15 grader (labs/15-own-protocol): the student's key-value store (`kv-server`, a
//! reactor `Handler`) and its client (`kv-client`), of the student's own binary design. The
//! grader checks behaviour, not bytes: it drives the server through the student's client,
//! makes bad frames by changing the bytes `kv-client --layout` locates in frames
//! `kv-client --encode` made, reads the server's answers with `kv-client --decode`, and
//! checks the server stays up, answers errors, and stays within bounds.

mod lab_common;

use lab_common::run::{run_bounded, Run};
use lab_common::{alive, panic_message, read_to_close, start, LabServer, Steps};
use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::thread;
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(8);

fn client(server: &LabServer, words: &[&str]) -> Run {
    let mut args = vec!["--server", server.addr.as_str()];
    args.extend_from_slice(words);
    run_bounded("kv-client", &args, b"", LIMIT)
}

fn client_stdin(server: &LabServer, input: &str) -> Run {
    run_bounded("kv-client", &["--server", &server.addr, "-"], input.as_bytes(), LIMIT)
}

/// The request frame the student's client makes for `words`.
fn encode(words: &[&str]) -> Vec<u8> {
    let mut args = vec!["--encode"];
    args.extend_from_slice(words);
    let run = run_bounded("kv-client", &args, b"", LIMIT);
    assert!(
        run.code() == Some(0) && !run.out.is_empty(),
        "kv-client --encode {words:?} made no frame: {}",
        run.said()
    );
    // The frame is binary: read it again as bytes (the lossy text of Run would alter it).
    let out = std::process::Command::new(tests::bin("kv-client"))
        .args(&args)
        .output()
        .expect("kv-client --encode");
    out.stdout
}

/// The student's decoding of the response bytes: one line per frame.
fn decode(bytes: &[u8]) -> Run {
    run_bounded("kv-client", &["--decode"], bytes, LIMIT)
}

/// Where `kv-client --layout` says the version, length and canary are.
struct Layout {
    version: usize,
    length: (usize, usize),
    header: usize,
    canary: isize,
}

fn layout() -> Layout {
    let run = run_bounded("kv-client", &["--layout"], b"", LIMIT);
    let field = |name: &str| {
        run.out
            .split_whitespace()
            .find_map(|kv| kv.strip_prefix(&format!("{name}=")))
            .unwrap_or_else(|| panic!("kv-client --layout has no {name}=…: {}", run.said()))
            .to_string()
    };
    let num = |s: &str| {
        s.parse::<isize>()
            .unwrap_or_else(|_| panic!("--layout: {s:?} is not a number"))
    };
    let (off, size) = field("length")
        .split_once(':')
        .map(|(o, s)| (num(o) as usize, num(s) as usize))
        .unwrap_or_else(|| panic!("--layout: length=OFFSET:SIZE expected: {}", run.said()));
    Layout {
        version: num(&field("version")) as usize,
        length: (off, size),
        header: num(&field("header")) as usize,
        canary: num(&field("canary")),
    }
}

fn connect(server: &LabServer) -> TcpStream {
    let s = TcpStream::connect(&server.addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(2))).expect("timeout");
    s.set_write_timeout(Some(Duration::from_secs(2))).expect("timeout");
    s
}

/// Send `bytes` on a fresh connection and read what comes back within 2 s (until EOF):
/// the bytes, and whether the server closed.
fn send_raw(server: &LabServer, bytes: &[u8], then_fin: bool) -> (Vec<u8>, bool) {
    let mut s = connect(server);
    let _ = s.write_all(bytes);
    if then_fin {
        let _ = s.shutdown(Shutdown::Write);
    }
    read_to_close(&mut s, Duration::from_secs(2))
}

fn still_standing(steps: &mut Steps, server: &mut LabServer) {
    steps.step("the server still runs, never panicked, and answers a new client");
    let running = alive(server);
    let panic = panic_message(&server.stderr_so_far());
    let probe = client(server, &["get", "probe-that-was-never-set"]);
    steps.expect(
        running && panic.is_none() && probe.out.trim() == "NOT_FOUND",
        "kv-client get probe-that-was-never-set",
        &format!("running: {running}; panic: {panic:?}; probe: {}", probe.said()),
        "running, no panic, NOT_FOUND",
        "a malformed frame is the peer's problem: answer an ERROR (and close if the stream \
         cannot be trusted), never crash the server that serves the others",
    );
}

#[test]
fn lab15_client_commands() {
    let mut steps = Steps::new("lab15_client_commands");
    for model in ["select", "poll", "epoll"] {
        steps.step(&format!(
            "[{model}] start kv-server; set, get, overwrite, del through kv-client"
        ));
        let mut server = start("kv-server", &["--model", model]);
        let script: [(&[&str], &str, i32); 8] = [
            (&["get", "city"], "NOT_FOUND", 0),
            (&["set", "city", "Versailles"], "OK", 0),
            (&["get", "city"], "VALUE Versailles", 0),
            (&["set", "city", "Saint-Quentin en Yvelines"], "OK", 0),
            (&["get", "city"], "VALUE Saint-Quentin en Yvelines", 0),
            (&["set", "été", "chaud"], "OK", 0),
            (&["del", "city"], "OK", 0),
            (&["get", "city"], "NOT_FOUND", 0),
        ];
        for (words, want, code) in script {
            let run = client(&server, words);
            steps.expect(
                run.out.trim_end() == want && run.code() == Some(code),
                &format!("kv-client --server ADDR {}", words.join(" ")),
                &run.said(),
                &format!("`{want}`, exit {code}"),
                "the statement's client: one line per answer (OK, VALUE text, NOT_FOUND, ERROR why); \
                 the value is every byte the SET carried, spaces and UTF-8 included",
            );
        }
        let run = client(&server, &["get", "été"]);
        steps.expect(
            run.out.trim_end() == "VALUE chaud",
            "kv-client get été",
            &run.said(),
            "VALUE chaud",
            "keys are bytes: UTF-8 keys work like any other",
        );
        still_standing(&mut steps, &mut server);
    }
}

#[test]
fn lab15_many_commands_one_connection() {
    let mut steps = Steps::new("lab15_many_commands_one_connection");
    let mut server = start("kv-server", &["--model", "epoll"]);
    steps.step("kv-client - with 300 commands on stdin (one connection)");
    let mut input = String::new();
    let mut want = Vec::new();
    for i in 0..100 {
        // k(i/2) was set at step i/2 <= i; the first del of it (i even) finds it, the second not.
        input.push_str(&format!("set k{i} v{}\nget k{i}\ndel k{}\n", i * 7, i / 2));
        want.push("OK".to_string());
        want.push(format!("VALUE v{}", i * 7));
        want.push(if i % 2 == 0 { "OK" } else { "NOT_FOUND" }.to_string());
    }
    let run = client_stdin(&server, &input);
    let got: Vec<&str> = run.out.lines().collect();
    let first_bad = got.iter().zip(&want).position(|(g, w)| g != w);
    steps.expect(
        got.len() == want.len() && first_bad.is_none(),
        "set kI vJ / get kI / del k(I/2), 100 times",
        &format!(
            "{} lines, first difference at {first_bad:?}: {:?}",
            got.len(),
            first_bad.map(|i| (got[i], &want[i]))
        ),
        &format!("{} lines, each the answer to its command", want.len()),
        "one connection carries many frames: read exactly one response frame per request, keep \
         any extra bytes for the next one",
    );
    steps.step("a value set by one client is read by another");
    let _ = client(&server, &["set", "shared", "yes"]);
    let run = client(&server, &["get", "shared"]);
    steps.expect(
        run.out.trim_end() == "VALUE yes",
        "client A: set shared yes; client B: get shared",
        &run.said(),
        "VALUE yes",
        "the store belongs to the server (the Handler), not to a connection",
    );
    still_standing(&mut steps, &mut server);
}

#[test]
fn lab15_frames_in_pieces() {
    let mut steps = Steps::new("lab15_frames_in_pieces");
    let mut server = start("kv-server", &["--model", "epoll"]);
    let set = encode(&["set", "piece", "by piece"]);
    let get = encode(&["get", "piece"]);
    steps.step("a SET frame written one byte at a time, then a GET; both frames read back");
    let mut s = connect(&server);
    for b in &set {
        let _ = s.write_all(&[*b]);
        thread::sleep(Duration::from_millis(5));
    }
    let _ = s.write_all(&get);
    thread::sleep(Duration::from_millis(300));
    let _ = s.shutdown(Shutdown::Write);
    let mut got = Vec::new();
    let _ = s.read_to_end(&mut got);
    let run = decode(&got);
    steps.expect(
        run.out.lines().collect::<Vec<_>>() == ["OK", "VALUE by piece"],
        "SET piece (byte by byte), GET piece",
        &format!("{} bytes back, decoded: {}", got.len(), run.said()),
        "OK, then VALUE by piece",
        "TCP is a byte stream: a frame may arrive in pieces; decode returns Incomplete until the \
         whole frame is there, and on_data consumes nothing of it until then",
    );
    steps.step("two frames in one write: two answers");
    let mut both = set.clone();
    both.extend_from_slice(&get);
    let (got, _) = send_raw(&server, &both, true);
    let run = decode(&got);
    steps.expect(
        run.out.lines().collect::<Vec<_>>() == ["OK", "VALUE by piece"],
        "SET + GET in one write",
        &run.said(),
        "OK, then VALUE by piece",
        "on_data may hold several frames: answer each, return the bytes consumed",
    );
    still_standing(&mut steps, &mut server);
}

#[test]
fn lab15_bad_frames_get_errors() {
    let mut steps = Steps::new("lab15_bad_frames_get_errors");
    let mut server = start("kv-server", &["--model", "epoll"]);
    let lay = layout();
    let good = encode(&["get", "some-key"]);
    let at = |off: isize| {
        if off < 0 {
            (good.len() as isize + off) as usize
        } else {
            off as usize
        }
    };
    let mut bad_version = good.clone();
    bad_version[lay.version] ^= 0xff;
    let mut bad_canary = good.clone();
    bad_canary[at(lay.canary)] ^= 0xff;
    let mut oversized = good[..lay.header].to_vec();
    for b in &mut oversized[lay.length.0..lay.length.0 + lay.length.1] {
        *b = 0xff;
    }
    let set = encode(&["set", "key", "value"]);
    let body_end = if lay.canary < 0 {
        (set.len() as isize + lay.canary) as usize
    } else {
        set.len()
    };
    let mut noise_body = set.clone();
    for b in &mut noise_body[lay.header..body_end] {
        *b = 0xff;
    }
    for (what, bytes) in [
        ("a SET frame whose body bytes are all 0xff", &noise_body),
        ("a bad version", &bad_version),
        ("a bad canary", &bad_canary),
        ("a header whose length is all 0xff bytes (and no body)", &oversized),
    ] {
        steps.step(&format!("a GET frame with {what}"));
        let (got, _) = send_raw(&server, bytes, false);
        let run = decode(&got);
        steps.expect(
            run.out.starts_with("ERROR"),
            &format!("{what}: {bytes:02x?}"),
            &format!("{} bytes back within 2 s, decoded: {}", got.len(), run.said()),
            "an ERROR frame (kv-client --decode prints ERROR …) within 2 s",
            "check the version and the length from the header alone, the canary once the frame is \
             whole: a frame that fails is answered with an ERROR (then close: the stream is out \
             of step), never waited on, never obeyed; a whole frame whose body makes no sense \
             (a key length past the end) is an ERROR too, never a slice out of bounds",
        );
    }
    steps.step("a SET of a 5000-byte value, a SET with a 300-byte key: ERROR");
    let value = "v".repeat(5000);
    let key = "k".repeat(300);
    for args in [["set", "big", value.as_str()], ["set", key.as_str(), "v"]] {
        let run = client(&server, &args);
        let refused_by_server = run.out.starts_with("ERROR") && run.code() == Some(1);
        let refused_by_client = run.code() == Some(2) && run.out.is_empty() && !run.err.trim().is_empty();
        steps.expect(
            refused_by_server || refused_by_client,
            &format!(
                "kv-client set ({} bytes of key, {} of value)",
                args[1].len(),
                args[2].len()
            ),
            &format!("{}…", run.said().chars().take(200).collect::<String>()),
            "ERROR … and exit 1 (the server refused it), or exit 2 with a message (the client did)",
            "the statement's limits: a key is 1 to 255 bytes, a value at most 4096; a key of 300 \
             bytes must not be cut to fit a length byte and stored under another name",
        );
    }
    still_standing(&mut steps, &mut server);
}

#[test]
fn lab15_truncated_and_garbage() {
    let mut steps = Steps::new("lab15_truncated_and_garbage");
    let mut server = start("kv-server", &["--model", "epoll"]);
    let good = encode(&["set", "t", "truncated"]);
    for cut in [1, good.len() / 2, good.len() - 1] {
        steps.step(&format!("the first {cut} bytes of a SET frame, then FIN"));
        let (got, closed) = send_raw(&server, &good[..cut], true);
        steps.expect(
            closed,
            &format!("{:02x?} then FIN", &good[..cut]),
            &format!("{} bytes back, closed: {closed}", got.len()),
            "the connection closed (an ERROR before is fine)",
            "a peer that leaves mid-frame: drop its partial frame and close, nothing applied",
        );
    }
    let run = client(&server, &["get", "t"]);
    steps.expect(
        run.out.trim_end() == "NOT_FOUND",
        "kv-client get t",
        &run.said(),
        "NOT_FOUND: no truncated SET was applied",
        "a frame is applied only when it is whole and its canary is right",
    );
    steps.step("64 KiB of pseudo-random bytes");
    let garbage: Vec<u8> = (0..64 * 1024u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 11) as u8)
        .collect();
    let (got, closed) = send_raw(&server, &garbage, false);
    let run = decode(&got);
    steps.expect(
        closed || run.out.starts_with("ERROR"),
        "64 KiB of noise",
        &format!("{} bytes back, closed: {closed}, decoded: {}", got.len(), run.said()),
        "an ERROR and/or the connection closed within 2 s",
        "noise is a bad version or a length over the limit at once: refuse it from the header",
    );
    still_standing(&mut steps, &mut server);
}

#[test]
fn lab15_store_and_memory_bounded() {
    let mut steps = Steps::new("lab15_store_and_memory_bounded");
    let mut server = start("kv-server", &["--model", "epoll"]);
    steps.step("1100 SETs of new keys: the first 1024 are OK, then ERROR (store full)");
    let input: String = (0..1100).map(|i| format!("set key{i} value{i}\n")).collect();
    let run = client_stdin(&server, &input);
    let oks = run.out.lines().take_while(|l| *l == "OK").count();
    let errors = run.out.lines().skip(oks).filter(|l| l.starts_with("ERROR")).count();
    steps.expect(
        oks == 1024 && errors == 76,
        "set key0 … set key1099",
        &format!("{oks} OK then {errors} ERROR ({} lines)", run.out.lines().count()),
        "1024 OK then 76 ERROR",
        "the statement's store holds 1024 keys: a peer must not make the server grow without bound",
    );
    let run = client(&server, &["set", "key5", "again"]);
    steps.expect(
        run.out.trim_end() == "OK",
        "set key5 again (an existing key, store full)",
        &run.said(),
        "OK",
        "overwriting a key does not grow the store: allowed when full",
    );
    steps.step("200 connections each send a header announcing the longest length, then 2 KiB");
    let before = tests::rss_kib(server.pid());
    let lay = layout();
    let good = encode(&["get", "x"]);
    let mut streams = Vec::new();
    for _ in 0..200 {
        let Ok(mut s) = TcpStream::connect(&server.addr) else {
            break;
        };
        let mut head = good[..lay.header].to_vec();
        for b in &mut head[lay.length.0..lay.length.0 + lay.length.1] {
            *b = 0xff;
        }
        head.extend_from_slice(&[0x55; 2048]);
        let _ = s.set_write_timeout(Some(Duration::from_secs(1)));
        let _ = s.write_all(&head);
        streams.push(s);
    }
    thread::sleep(Duration::from_millis(500));
    let after = tests::rss_kib(server.pid());
    drop(streams);
    steps.expect(
        after < before + 32 * 1024,
        "200 × (oversized header + 2 KiB)",
        &format!("RSS {before} KiB before, {after} KiB after"),
        "less than 32 MiB more",
        "a length over the limit is refused from the header: nothing is buffered for it",
    );
    still_standing(&mut steps, &mut server);
}
