//! metrics-server round trips in each encoding on every model it runs on, and clients of
//! different encodings interleaved on one store.

mod metrics_common;

use metrics_common::*;
use nix::sys::signal::Signal;
use std::io::Read;
use tests::{read_line, write_all, Server, TempDir};

#[test]
fn text_round_trip_on_every_model() {
    for &model in MODELS {
        let (server, _) = start(model);
        let mut c = server.connect();
        assert_eq!(
            text_cmd(&mut c, "DESC hits counter requests served"),
            "OK described hits",
            "[{model}]"
        );
        assert_eq!(text_cmd(&mut c, "VAL hits 2 1000"), "OK hits 2", "[{model}]");
        assert_eq!(text_cmd(&mut c, "val hits 0.5 2000"), "OK hits 2.5", "[{model}]");
        assert_eq!(text_cmd(&mut c, "DESC load gauge"), "OK described load", "[{model}]");
        assert_eq!(text_cmd(&mut c, "VAL load -3 3000"), "OK load -3", "[{model}]");
        assert_eq!(
            text_cmd(&mut c, "GET hits"),
            "OK hits counter 2.5 2000 requests served",
            "[{model}]"
        );
        assert_eq!(text_cmd(&mut c, "LIST"), "OK 2", "[{model}]");
        assert_eq!(read_line(&mut c), "hits counter 2.5 2000", "[{model}]");
        assert_eq!(read_line(&mut c), "load gauge -3 3000", "[{model}]");
        assert_eq!(text_cmd(&mut c, "QUIT"), "OK bye", "[{model}]");
        tests::assert_closed(&mut c);
    }
}

#[test]
fn json_round_trip_on_every_model() {
    for &model in MODELS {
        let (server, _) = start(model);
        let mut c = server.connect();
        let mut ask = |line: &str| -> serde_json::Value {
            let reply = text_cmd(&mut c, line);
            serde_json::from_str(&reply).unwrap_or_else(|e| panic!("[{model}] {line}: {e}: {reply:?}"))
        };
        let r = ask(r#"{"command":"desc","param":"temp","kind":"gauge","doc":"degrees"}"#);
        assert_eq!(
            (r["ok"].as_bool(), r["message"].as_str()),
            (Some(true), Some("described temp")),
            "[{model}]"
        );
        let r = ask(r#"{"command":"val","param":"temp","value":21.5,"timestamp":1700000000000}"#);
        assert_eq!(r["message"], "temp 21.5", "[{model}]");
        let r = ask(r#"{"command":"get","param":"temp"}"#);
        let expected =
            serde_json::json!({"name":"temp","kind":"gauge","value":21.5,"timestamp":1700000000000i64,"doc":"degrees"});
        assert_eq!(r["metric"], expected, "[{model}]");
        let r = ask(r#"{"command":"list"}"#);
        assert_eq!(r["metrics"].as_array().map(Vec::len), Some(1), "[{model}] {r}");
        let r = ask(r#"{"command":"val","param":"nobody","value":1}"#);
        assert_eq!(
            (r["ok"].as_bool(), r["error"].as_str()),
            (Some(false), Some("unknown-metric")),
            "[{model}]"
        );
        let r = ask(r#"{"command":"quit"}"#);
        assert_eq!(r["message"], "bye", "[{model}]");
    }
}

#[test]
fn binary_round_trip_on_every_model() {
    for &model in MODELS {
        let (server, _) = start(model);
        let mut c = server.connect();
        write_all(&mut c, &desc_frame("cpu", 1, "cpu share"));
        assert_eq!(read_ok(&mut c, model), "described cpu", "[{model}]");
        write_all(&mut c, &val_frame(b"cpu", 0.5, 1_700_000_000_000));
        // The reply frame, byte for byte: OK, 7-byte payload, str8 "cpu 0.5".
        let mut reply = [0u8; 15];
        c.read_exact(&mut reply).unwrap_or_else(|e| panic!("[{model}] {e}"));
        assert_eq!(reply, *b"\xb5\x4d\x01\x80\x08\x00\x07cpu 0.5\xa5", "[{model}]");
        write_all(&mut c, &get_frame(b"cpu"));
        let (kind, p) = read_frame(&mut c, model);
        assert_eq!(kind, SAMPLE, "[{model}]");
        assert_eq!(p[0], 1, "[{model}] kind gauge");
        assert_eq!(
            f64::from_le_bytes(p[1..9].try_into().unwrap_or_default()),
            0.5,
            "[{model}]"
        );
        assert_eq!(
            i64::from_le_bytes(p[9..17].try_into().unwrap_or_default()),
            1_700_000_000_000,
            "[{model}]"
        );
        assert_eq!(&p[17..21], b"\x03cpu", "[{model}]");
        assert_eq!(&p[21..], b"\x09\x00cpu share", "[{model}]");
        write_all(&mut c, &frame(LIST, &[]));
        assert_eq!(read_frame(&mut c, model), (LIST_HEAD, vec![1, 0, 0, 0]), "[{model}]");
        let (kind, p) = read_frame(&mut c, model);
        assert_eq!((kind, &p[17..]), (ENTRY, &b"\x03cpu"[..]), "[{model}]");
        write_all(&mut c, &frame(QUIT, &[]));
        assert_eq!(read_ok(&mut c, model), "bye", "[{model}]");
        tests::assert_closed(&mut c);
    }
}

#[test]
fn clients_of_three_encodings_share_one_store() {
    for &model in MODELS {
        let (server, _) = start(model);
        let (mut bin, mut text, mut json) = (server.connect(), server.connect(), server.connect());
        write_all(&mut bin, &desc_frame("jobs", 0, "jobs done"));
        assert_eq!(read_ok(&mut bin, model), "described jobs", "[{model}]");
        assert_eq!(text_cmd(&mut text, "VAL jobs 1 10"), "OK jobs 1", "[{model}]");
        let r = text_cmd(
            &mut json,
            r#"{"command":"val","param":"jobs","value":2,"timestamp":20}"#,
        );
        assert!(r.contains(r#""message":"jobs 3""#), "[{model}] {r}");
        write_all(&mut bin, &val_frame(b"jobs", 4.0, 30));
        assert_eq!(read_ok(&mut bin, model), "jobs 7", "[{model}]");
        assert_eq!(
            text_cmd(&mut text, "GET jobs"),
            "OK jobs counter 7 30 jobs done",
            "[{model}]"
        );
        let r = text_cmd(&mut json, r#"{"command":"get","param":"jobs"}"#);
        assert!(
            r.contains(r#""value":7.0"#) && r.contains(r#""timestamp":30"#),
            "[{model}] {r}"
        );
    }
}

#[test]
fn unix_socket_then_sigterm_removes_the_file() {
    for &model in MODELS {
        let dir = TempDir::new("metrics");
        let path = dir.path().join("metrics.sock");
        let path_str = path.to_string_lossy().into_owned();
        let mut server = Server::start("metrics-server", &["--model", model, "--unix", &path_str]);
        let mut c = tests::connect_unix(&path);
        assert_eq!(text_cmd(&mut c, "DESC u gauge"), "OK described u", "[{model}]");
        assert_eq!(text_cmd(&mut c, "LIST"), "OK 1", "[{model}]");
        assert_eq!(read_line(&mut c), "u gauge 0 0", "[{model}]");
        let status = server.signal_and_wait(Signal::SIGTERM);
        assert!(status.success(), "[{model}] exit status {status:?}");
        assert!(!path.exists(), "[{model}] socket file left behind");
    }
}

#[test]
fn iterative_and_fork_are_refused_with_exit_2() {
    for model in ["iterative", "fork"] {
        let (status, _, err) = tests::run_client("metrics-server", &["--model", model, "--listen", "127.0.0.1:0"], b"");
        assert_eq!(status.code(), Some(2), "[{model}] {err}");
        assert!(err.contains("share one store"), "[{model}] {err}");
    }
}
