//! Property tests of the metrics protocol's three encodings: the decoders never panic, a
//! binary frame decodes to what was encoded, and a stream of commands gets the same replies
//! whatever the split into reads.

use proptest::prelude::*;
use servers::proto::metrics::binary::{self, Decoded};
use servers::proto::metrics::message::Message;
use servers::proto::metrics::{json, text, Command, Kind};

fn name() -> impl Strategy<Value = String> {
    "[a-zA-Z_:][a-zA-Z0-9_:]{0,63}"
}

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![Just(Kind::Counter), Just(Kind::Gauge)]
}

/// Any command the binary encoding can carry (values finite: the store refuses the others,
/// but the codec must carry every f64 bit pattern, so NaN is tested through the bytes).
fn command() -> impl Strategy<Value = Command> {
    prop_oneof![
        (name(), kind(), "[ -~]{0,256}").prop_map(|(name, kind, doc)| Command::Desc { name, kind, doc }),
        (name(), -1e12f64..1e12, any::<i64>()).prop_map(|(name, value, timestamp)| Command::Val {
            name,
            value,
            timestamp
        }),
        name().prop_map(|name| Command::Get { name }),
        name().prop_map(|name| Command::Reset { name }),
        Just(Command::List),
        Just(Command::Quit),
    ]
}

/// A text line for `command`, as a person types it with `nc`.
fn text_line(command: &Command) -> String {
    match command {
        Command::Desc { name, kind, doc } => format!("DESC {name} {} {doc}\n", kind.as_str()),
        Command::Val { name, value, timestamp } => format!("VAL {name} {value} {timestamp}\n"),
        Command::Get { name } => format!("GET {name}\n"),
        Command::Reset { name } => format!("RESET {name}\n"),
        Command::List => "LIST\n".to_string(),
        Command::Quit => "QUIT\n".to_string(),
    }
}

/// Feed `pieces` to one session as a driver does; every reply byte, in order (the fuzz
/// target's driver, so both campaigns run sessions the same way).
fn replies(pieces: &[&[u8]]) -> Vec<u8> {
    fuzz_targets::metrics::session_replies(pieces)
}

fn split_at_points(data: &[u8], mut points: Vec<usize>) -> Vec<&[u8]> {
    points.retain(|&p| p > 0 && p < data.len());
    points.sort_unstable();
    points.dedup();
    let mut pieces = Vec::new();
    let mut from = 0;
    for p in points.into_iter().chain([data.len()]) {
        pieces.push(&data[from..p]);
        from = p;
    }
    pieces
}

proptest! {
    #[test]
    fn decoders_never_panic(data in proptest::collection::vec(any::<u8>(), 0..2000)) {
        let _ = binary::decode(&data);
        let _ = text::parse_line(&data);
        let _ = json::parse_line(&data);
        let _ = replies(&[&data]);
    }

    #[test]
    fn binary_encode_then_decode_is_identity(command in command()) {
        let message = Message::Request(command);
        let mut frame = Vec::new();
        binary::encode(&message, &mut frame).expect("fits a frame");
        match binary::decode(&frame) {
            Decoded::Frame { len, message: Ok(decoded) } => {
                prop_assert_eq!(len, frame.len());
                prop_assert_eq!(decoded, message);
            }
            other => prop_assert!(false, "decoded as {:?}", other),
        }
        // Every proper prefix is incomplete, never an error.
        for cut in 0..frame.len() {
            prop_assert_eq!(binary::decode(&frame[..cut]), Decoded::Incomplete);
        }
    }

    #[test]
    fn any_f64_bit_pattern_survives_the_binary_codec(bits in any::<u64>(), name in name()) {
        let message = Message::Request(Command::Val { name, value: f64::from_bits(bits), timestamp: 0 });
        let mut frame = Vec::new();
        binary::encode(&message, &mut frame).expect("fits a frame");
        let Decoded::Frame { message: Ok(Message::Request(Command::Val { value, .. })), .. } = binary::decode(&frame) else {
            return Err(TestCaseError::fail("not a VAL frame"));
        };
        prop_assert_eq!(value.to_bits(), bits);
    }

    #[test]
    fn text_lines_parse_to_their_command(command in command()) {
        let line = text_line(&command);
        let parsed = text::parse_line(line.trim_end_matches('\n').as_bytes());
        // The doc is words joined by one space: compare after the same normalisation.
        let expected = match command {
            Command::Desc { name, kind, doc } => Command::Desc {
                name, kind, doc: doc.split(' ').filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" "),
            },
            other => other,
        };
        prop_assert_eq!(parsed, Ok(Some(expected)));
    }

    #[test]
    fn any_split_gives_the_same_replies(commands in proptest::collection::vec(command(), 1..30),
                                       encoding in 0u8..3,
                                       points in proptest::collection::vec(0usize..4000, 0..40)) {
        let mut stream = Vec::new();
        for command in &commands {
            match encoding {
                0 => binary::encode(&Message::Request(command.clone()), &mut stream).expect("fits"),
                1 => stream.extend_from_slice(text_line(command).as_bytes()),
                _ => {
                    let value = match command {
                        Command::Desc { name, kind, doc } =>
                            serde_json::json!({"command": "desc", "param": name, "kind": kind.as_str(), "doc": doc}),
                        Command::Val { name, value, timestamp } =>
                            serde_json::json!({"command": "val", "param": name, "value": value, "timestamp": timestamp}),
                        Command::Get { name } => serde_json::json!({"command": "get", "param": name}),
                        Command::Reset { name } => serde_json::json!({"command": "reset", "param": name}),
                        Command::List => serde_json::json!({"command": "list"}),
                        Command::Quit => serde_json::json!({"command": "quit"}),
                    };
                    stream.extend_from_slice(format!("{value}\n").as_bytes());
                }
            }
        }
        let whole = replies(&[&stream]);
        prop_assert!(!whole.is_empty());
        prop_assert_eq!(replies(&split_at_points(&stream, points)), whole);
    }
}
