//! Hostile input, per encoding, on every model: each case gets the documented error reply
//! (and, where the stream can no longer be framed, a closed connection), and a fresh client
//! is served normally afterwards.

mod metrics_common;

use metrics_common::*;
use std::io::Write;
use std::net::Shutdown;
use tests::{assert_closed, read_line, rss_kib, write_all};

// Error codes of the ERR frame (servers/src/proto/metrics/command.rs).
const BAD_VALUE: u8 = 3;
const QUOTA: u8 = 8;
const TOO_LONG: u8 = 9;
const BAD_UTF8: u8 = 10;
const BAD_FRAME: u8 = 11;
const BAD_MAGIC: u8 = 12;
const BAD_VERSION: u8 = 13;
const UNKNOWN_TYPE: u8 = 14;
const BAD_CANARY: u8 = 15;

/// Frames after which the server answers ERR `code` and closes.
fn fatal_cases() -> Vec<(&'static str, Vec<u8>, u8)> {
    let good = val_frame(b"x", 1.0, 0);
    let with = |i: usize, b: u8| {
        let mut f = good.clone();
        f[i] = b;
        f
    };
    let mut lying = with(4, good[4] + 3); // claims 3 more bytes than it has...
    lying.extend_from_slice(&[0x11, 0x22, 0x33]); // ...and they arrive, but no canary
    vec![
        ("bad magic", with(1, b'Z'), BAD_MAGIC),
        ("wrong version", with(2, 9), BAD_VERSION),
        ("length over the limit", vec![0xB5, 0x4D, 1, 1, 0x00, 0x04], TOO_LONG),
        ("bad canary", with(good.len() - 1, 0x5A), BAD_CANARY),
        ("lying length", lying, BAD_CANARY),
    ]
}

#[test]
fn unframeable_binary_input_gets_an_error_then_a_close() {
    for &model in MODELS {
        let (server, _) = start(model);
        for (what, bytes, code) in fatal_cases() {
            let mut c = server.connect();
            write_all(&mut c, &bytes);
            let (got, message) = read_err(&mut c, &format!("{model} {what}"));
            assert_eq!(got, code, "[{model}] {what}: {message}");
            assert_closed(&mut c);
            assert_serves_others(&server, model, what);
        }
    }
}

#[test]
fn bad_frame_content_gets_an_error_and_the_session_goes_on() {
    for &model in MODELS {
        let (server, _) = start(model);
        let mut c = server.connect();
        write_all(&mut c, &desc_frame("g", 1, ""));
        read_ok(&mut c, model);
        let mut wrong_name_len = get_frame(b"g");
        wrong_name_len[6] = 200; // the str8 length lies inside a well-framed payload
        let cases: Vec<(&str, Vec<u8>, u8)> = vec![
            ("unknown type", frame(0x42, b"??"), UNKNOWN_TYPE),
            ("a reply type sent as a request", frame(OK, b"\x00"), UNKNOWN_TYPE),
            ("string length lies", wrong_name_len, BAD_FRAME),
            ("non-UTF-8 name", val_frame(b"\xff\xfe", 1.0, 0), BAD_UTF8),
            ("NaN", val_frame(b"g", f64::NAN, 0), BAD_VALUE),
            ("infinity", val_frame(b"g", f64::NEG_INFINITY, 0), BAD_VALUE),
        ];
        for (what, bytes, code) in cases {
            write_all(&mut c, &bytes);
            let (got, message) = read_err(&mut c, &format!("{model} {what}"));
            assert_eq!(got, code, "[{model}] {what}: {message}");
        }
        write_all(&mut c, &val_frame(b"g", 4.0, 0));
        assert_eq!(read_ok(&mut c, model), "g 4", "[{model}] session still usable");
    }
}

#[test]
fn a_truncated_frame_then_eof_is_closed_and_logged() {
    for &model in MODELS {
        let (mut server, _) = start(model);
        let mut c = server.connect();
        let f = val_frame(b"half", 1.0, 0);
        write_all(&mut c, &f[..f.len() / 2]);
        c.shutdown(Shutdown::Write)
            .unwrap_or_else(|e| panic!("[{model}] shutdown: {e}"));
        assert_closed(&mut c);
        server.wait_for_log("bytes discarded");
        assert_serves_others(&server, model, "truncated");
    }
}

#[test]
fn text_and_json_errors_are_replies() {
    for &model in MODELS {
        let (server, _) = start(model);
        let mut t = server.connect();
        assert_eq!(text_cmd(&mut t, "DESC t gauge"), "OK described t", "[{model}]");
        for (line, prefix) in [
            ("VAL t nan", "ERR bad-value "),
            ("VAL t inf", "ERR bad-value "),
            ("VAL t -infinity", "ERR bad-value "),
            ("VAL nobody 1", "ERR unknown-metric "),
            ("DESC 1bad gauge", "ERR bad-name "),
            ("FLY away", "ERR bad-command "),
            ("VAL t", "ERR bad-command "),
        ] {
            let reply = text_cmd(&mut t, line);
            assert!(reply.starts_with(prefix), "[{model}] {line:?} -> {reply:?}");
        }
        write_all(&mut t, b"GET \xc3\x28\n");
        assert!(
            read_line(&mut t).starts_with("ERR bad-utf8 "),
            "[{model}] non-UTF-8 text"
        );
        let long = format!("VAL t {}\n", "9".repeat(5000));
        write_all(&mut t, long.as_bytes());
        assert!(read_line(&mut t).starts_with("ERR too-long "), "[{model}] long line");
        assert_eq!(text_cmd(&mut t, "VAL t 1 5"), "OK t 1", "[{model}] after a long line");

        let mut j = server.connect();
        for (line, code) in [
            (r#"{"command":"val","param":"t","value":NaN}"#, "bad-json"),
            (r#"{"command":"val","param":"t","value":1e999}"#, "bad-json"),
            (r#"{"command":"get""#, "bad-json"),
            (r#"{"command":"get","param":"t","extra":1}"#, "bad-json"),
            (r#"{"command":"val","param":"t","value":"5"}"#, "bad-json"),
            (r#"{"command":"desc","param":"t","kind":"histogram"}"#, "bad-command"),
        ] {
            let reply = text_cmd(&mut j, line);
            assert!(
                reply.contains(&format!(r#""error":"{code}""#)),
                "[{model}] {line} -> {reply}"
            );
        }
        write_all(&mut j, b"{\"command\":\"get\",\"param\":\"\xff\"}\n");
        assert!(
            read_line(&mut j).contains(r#""error":"bad-utf8""#),
            "[{model}] non-UTF-8 JSON"
        );
    }
}

#[test]
fn a_first_byte_of_no_encoding_is_refused() {
    for &model in MODELS {
        let (server, _) = start(model);
        for first in [&b"\x00\x01"[..], b"  LIST\n", b"[1,2]\n", b"\xff"] {
            let mut c = server.connect();
            write_all(&mut c, first);
            let line = read_line(&mut c);
            assert!(line.starts_with("ERR bad-encoding "), "[{model}] {first:?}: {line}");
            assert_closed(&mut c);
        }
        assert_serves_others(&server, model, "bad first byte");
    }
}

#[test]
fn ten_thousand_metrics_from_one_client_hit_the_quota() {
    for &model in MODELS {
        let (server, _) = start(model);
        let mut c = server.connect();
        let writer = {
            let mut w = c.try_clone().unwrap_or_else(|e| panic!("[{model}] clone: {e}"));
            std::thread::spawn(move || {
                let mut batch = Vec::new();
                for i in 0..10_000 {
                    batch.extend_from_slice(&desc_frame(&format!("m{i}"), 1, "flood"));
                }
                w.write_all(&batch)
            })
        };
        for i in 0..10_000 {
            if i < 1000 {
                assert_eq!(read_ok(&mut c, model), format!("described m{i}"), "[{model}]");
            } else {
                let (code, message) = read_err(&mut c, model);
                assert_eq!(code, QUOTA, "[{model}] DESC #{i}: {message}");
            }
        }
        let sent = writer.join().map(|r| r.is_ok()).unwrap_or(false);
        assert!(sent, "[{model}] flood written");
        // Others can still create metrics, and the flooder's are in the store.
        assert_serves_others(&server, model, "after the flood");
        let mut other = server.connect();
        assert_eq!(text_cmd(&mut other, "LIST"), "OK 1001", "[{model}]");
    }
}

#[test]
fn a_client_that_never_reads_its_replies_costs_bounded_memory() {
    for &model in MODELS {
        let (server, _) = start(model);
        let mut c = server.connect();
        let descs: String = (0..1000)
            .map(|i| format!("DESC metric_number_{i:04} gauge\n"))
            .collect();
        write_all(&mut c, descs.as_bytes());
        for _ in 0..1000 {
            read_line(&mut c);
        }
        // 3000 LISTs of 1000 entries are ~100 MB of replies; the client reads none of them.
        let mut flooder = server.connect();
        flooder
            .set_nonblocking(true)
            .unwrap_or_else(|e| panic!("[{model}] nonblocking: {e}"));
        let flood = "LIST\n".repeat(3000);
        let mut written = 0;
        let deadline = std::time::Instant::now() + tests::STEP;
        while written < flood.len() && std::time::Instant::now() < deadline {
            match flooder.write(&flood.as_bytes()[written..]) {
                Ok(n) => written += n,
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    std::thread::sleep(std::time::Duration::from_millis(5))
                }
                Err(e) => panic!("[{model}] flood write: {e}"),
            }
        }
        // Whether the server paused it (reactor) or blocked its thread in write, others go on.
        assert_serves_others(&server, model, "while a client does not read");
        let rss = rss_kib(server.pid());
        assert!(
            rss < 64 * 1024,
            "[{model}] server resident memory {rss} KiB with an unread flood"
        );
    }
}
