//! Unit tests of the three encodings and of a session, with no socket: the same bytes the
//! black-box tests send, checked at the source.

use super::binary::{self, decode, encode, hex_dump, Decoded, CANARY};
use super::command::{Command, ErrorCode, Kind, Reply};
use super::message::Message;
use super::session::{Session, MAX_LINE, MAX_NEW_METRICS};
use super::store::Store;
use super::{json, text};

fn frame(message: &Message) -> Vec<u8> {
    let mut out = Vec::new();
    assert_eq!(encode(message, &mut out), Ok(()));
    out
}

fn val(name: &str, value: f64, timestamp: i64) -> Message {
    Message::Request(Command::Val {
        name: name.into(),
        value,
        timestamp,
    })
}

/// Feed `input` to a fresh session; returns (output, consumed, close).
fn run(store: &mut Store, input: &[u8]) -> (Vec<u8>, usize, bool) {
    let mut session = Session::new();
    let mut out = Vec::new();
    let progress = session.on_bytes(input, store, 7, &mut out);
    (out, progress.consumed, progress.close)
}

#[test]
fn the_documented_hex_dump_is_what_encode_writes() {
    let bytes = frame(&val("cpu", 0.5, 1_700_000_000_000));
    let expected = "b5 4d 01 01 14 00 00 00 00 00 00 00 e0 3f 00 68\ne5 cf 8b 01 00 00 03 63 70 75 a5";
    assert_eq!(hex_dump(&bytes), expected);
}

#[test]
fn every_message_round_trips() {
    let sample = super::Sample {
        name: "m".into(),
        kind: Kind::Counter,
        value: 2.5,
        timestamp: 9,
        doc: "d".into(),
    };
    let messages = [
        Message::Request(Command::Desc {
            name: "hits".into(),
            kind: Kind::Counter,
            doc: "é served".into(),
        }),
        val("cpu", -1e300, 0),
        Message::Request(Command::Get { name: "cpu".into() }),
        Message::Request(Command::List),
        Message::Request(Command::Reset { name: "hits".into() }),
        Message::Request(Command::Quit),
        Message::Ok("fine".into()),
        Message::Err(super::Error::new(ErrorCode::BadCanary, "oops")),
        Message::Sample(sample.clone()),
        Message::ListHead(3),
        Message::Entry(super::Sample {
            doc: String::new(),
            ..sample
        }),
    ];
    for message in messages {
        let bytes = frame(&message);
        assert_eq!(
            decode(&bytes),
            Decoded::Frame {
                len: bytes.len(),
                message: Ok(message.clone())
            }
        );
        for cut in 0..bytes.len() {
            assert_eq!(decode(&bytes[..cut]), Decoded::Incomplete, "{message:?} cut at {cut}");
        }
    }
}

fn fatal(bytes: &[u8]) -> ErrorCode {
    match decode(bytes) {
        Decoded::Fatal(e) => e.code,
        other => panic!("expected a fatal error, got {other:?}"),
    }
}

fn frame_error(bytes: &[u8]) -> ErrorCode {
    match decode(bytes) {
        Decoded::Frame { message: Err(e), len } if len == bytes.len() => e.code,
        other => panic!("expected a frame error, got {other:?}"),
    }
}

#[test]
fn hostile_frames_are_refused_with_the_right_code() {
    let good = frame(&val("cpu", 1.0, 0));
    let with = |i: usize, b: u8| {
        let mut bad = good.clone();
        bad[i] = b;
        bad
    };
    assert_eq!(fatal(&with(0, 0xB6)[..1]), ErrorCode::BadMagic);
    assert_eq!(fatal(&with(1, b'X')), ErrorCode::BadMagic);
    assert_eq!(fatal(&with(2, 2)), ErrorCode::BadVersion);
    assert_eq!(fatal(&[0xB5, 0x4D, 1, 1, 0xFF, 0xFF]), ErrorCode::TooLong);
    let last = good.len() - 1;
    assert_eq!(fatal(&with(last, 0)), ErrorCode::BadCanary);
    assert_eq!(frame_error(&with(3, 0x42)), ErrorCode::UnknownType);
    // The name's length byte says 9 where 3 bytes follow: the payload lies.
    assert_eq!(frame_error(&with(22, 9)), ErrorCode::BadFrame);
    let mut bad_utf8 = frame(&Message::Request(Command::Get { name: "abc".into() }));
    bad_utf8[7] = 0xFF;
    assert_eq!(frame_error(&bad_utf8), ErrorCode::BadUtf8);
    // A length that covers one byte too many reads the next frame's first byte as canary.
    let mut two = with(4, good[4] + 1);
    two.extend_from_slice(&good);
    assert_eq!(fatal(&two), ErrorCode::BadCanary);
    // Trailing bytes inside a well-framed payload.
    let mut extra = vec![0xB5, 0x4D, 1, 3, 1, 0, 0, CANARY];
    assert_eq!(frame_error(&extra), ErrorCode::BadFrame);
    extra[4] = 0;
    extra.remove(6);
    assert!(matches!(decode(&extra), Decoded::Frame { message: Ok(_), .. }));
}

#[test]
fn text_and_json_lines_parse_to_the_same_commands() {
    let pairs: [(&[u8], &[u8]); 5] = [
        (
            b"DESC hits counter requests served",
            br#"{"command":"desc","param":"hits","kind":"counter","doc":"requests served"}"#,
        ),
        (
            b"val cpu 0.5 1700",
            br#"{"command":"val","param":"cpu","value":0.5,"timestamp":1700}"#,
        ),
        (b"GET cpu\r", br#"{"command":"get","param":"cpu"}"#),
        (b"LIST", br#"{"command":"list"}"#),
        (b"reset hits", br#"{"command":"reset","param":"hits"}"#),
    ];
    for (line, object) in pairs {
        let from_text = text::parse_line(line);
        assert!(matches!(from_text, Ok(Some(_))), "{from_text:?}");
        assert_eq!(from_text, json::parse_line(object));
    }
    let code = |r: Result<Option<Command>, super::Error>| r.map_err(|e| e.code);
    assert_eq!(code(text::parse_line(b"FROB x")), Err(ErrorCode::BadCommand));
    assert_eq!(code(text::parse_line(b"RESET")), Err(ErrorCode::BadCommand));
    assert_eq!(code(text::parse_line(b"RESET a b")), Err(ErrorCode::BadCommand));
    assert_eq!(code(text::parse_line(b"VAL x abc")), Err(ErrorCode::BadValue));
    assert_eq!(code(text::parse_line(b"GET \xff")), Err(ErrorCode::BadUtf8));
    assert_eq!(code(text::parse_line(b"   ")), Ok(None));
    assert_eq!(code(json::parse_line(b"{\"command\":")), Err(ErrorCode::BadJson));
    assert_eq!(
        code(json::parse_line(br#"{"command":"get","parm":"x"}"#)),
        Err(ErrorCode::BadJson)
    );
    assert_eq!(
        code(json::parse_line(br#"{"command":"val","param":"x"}"#)),
        Err(ErrorCode::BadCommand)
    );
}

#[test]
fn a_session_speaks_text_with_one_store() {
    let mut store = Store::default();
    let input = b"DESC load gauge load average\nVAL load nan\nVAL load 0.25 99\nGET load\nLIST\nQUIT\nGET load\n";
    let (out, consumed, close) = run(&mut store, input);
    let expected = "OK described load\nERR bad-value NaN is not a finite number\nOK load 0.25\n\
                    OK load gauge 0.25 99 load average\nOK 1\nload gauge 0.25 99\nOK bye\n";
    assert_eq!(String::from_utf8_lossy(&out), expected);
    assert_eq!((consumed, close), (input.len(), true));
}

#[test]
fn a_session_accepts_input_one_byte_at_a_time() {
    let mut store = Store::default();
    let mut input = frame(&Message::Request(Command::Desc {
        name: "c".into(),
        kind: Kind::Counter,
        doc: "".into(),
    }));
    input.extend(frame(&val("c", 2.0, 5)));
    let (mut session, mut out, mut pending) = (Session::new(), Vec::new(), Vec::new());
    for &byte in &input {
        pending.push(byte);
        let progress = session.on_bytes(&pending, &mut store, 0, &mut out);
        pending.drain(..progress.consumed);
    }
    assert!(pending.is_empty());
    let mut expected = Vec::new();
    binary::encode_reply(&Reply::Ok("described c".into()), &mut expected);
    binary::encode_reply(&Reply::Ok("c 2".into()), &mut expected);
    assert_eq!(out, expected);
}

#[test]
fn a_bad_first_byte_or_a_fatal_frame_closes() {
    let mut store = Store::default();
    let (out, _, close) = run(&mut store, b"\x00hello\n");
    assert!(out.starts_with(b"ERR bad-encoding ") && close, "{out:?}");
    let (out, _, close) = run(&mut store, &[0xB5, b'Q', 1, 1]);
    assert!(
        matches!(decode(&out), Decoded::Frame { message: Ok(Message::Err(e)), .. } if e.code == ErrorCode::BadMagic)
    );
    assert!(close);
}

#[test]
fn long_lines_are_skipped_and_the_session_goes_on() {
    let mut store = Store::default();
    let mut session = Session::new();
    let mut out = Vec::new();
    let long = vec![b'A'; MAX_LINE + 10];
    let first = session.on_bytes(&long, &mut store, 0, &mut out);
    assert_eq!(first.consumed, long.len());
    let rest = b"AAAA\nLIST\n";
    let second = session.on_bytes(rest, &mut store, 0, &mut out);
    assert_eq!(second.consumed, rest.len());
    assert_eq!(
        String::from_utf8_lossy(&out),
        format!("ERR too-long line over {MAX_LINE} bytes, ignored\nOK 0\n")
    );
}

#[test]
fn one_connection_cannot_create_more_than_its_quota() {
    let mut store = Store::default();
    let input: String = (0..=MAX_NEW_METRICS).map(|i| format!("DESC m{i} gauge\n")).collect();
    let (out, consumed, _) = run(&mut store, input.as_bytes());
    assert_eq!(consumed, input.len());
    let last = String::from_utf8_lossy(&out).lines().last().map(str::to_string);
    assert_eq!(
        last.as_deref(),
        Some("ERR quota this connection already created 1000 metrics")
    );
    assert_eq!(store.len(), MAX_NEW_METRICS);
}

#[test]
fn a_batch_stops_at_the_output_budget() {
    let mut store = Store::default();
    let input = "LIST\n".repeat(100_000);
    let (out, consumed, _) = run(&mut store, input.as_bytes());
    assert!(consumed < input.len() && out.len() < 2 * super::session::OUTPUT_BUDGET);
}
