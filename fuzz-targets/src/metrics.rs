//! The metrics protocol: binary frames, text and JSON lines, and a whole session.

use servers::proto::metrics::binary::{self, Decoded, MAX_FRAME};
use servers::proto::metrics::session::MAX_LINE;
use servers::proto::metrics::{json, text, Session, Store};

/// Decode frame after frame: each frame fits the limit, and a frame that decodes re-encodes
/// to exactly its own bytes (the encoding has one spelling per message).
pub fn binary(data: &[u8]) {
    let mut rest = data;
    loop {
        match binary::decode(rest) {
            Decoded::Incomplete | Decoded::Fatal(_) => return,
            Decoded::Frame { len, message } => {
                assert!(len <= MAX_FRAME && len <= rest.len(), "frame of {len} bytes");
                if let Ok(message) = message {
                    let mut again = Vec::new();
                    binary::encode(&message, &mut again).expect("a decoded message encodes");
                    assert_eq!(again, &rest[..len], "{message:?} re-encodes differently");
                }
                rest = &rest[len..];
            }
        }
    }
}

/// Each line through the text and the JSON command parsers.
pub fn line(data: &[u8]) {
    for line in data.split(|&b| b == b'\n') {
        let _ = text::parse_line(line);
        let _ = json::parse_line(line);
    }
}

/// A whole connection, as a driver runs it, whole and in pieces: the same replies, and never
/// more than a frame or a line of input kept.
pub fn session(data: &[u8]) {
    let whole = session_replies(&[data]);
    let pieces = crate::chunks(data, &[1, 6, 33, 1000][data.len() % 4..]);
    assert_eq!(
        whole,
        session_replies(&pieces),
        "replies depend on how the input is cut"
    );
}

/// Feed `pieces` to one session as a driver does (parse what has come, keep the rest);
/// every reply byte, in order. Also checks that at most one frame or line is ever kept.
/// The property tests (`tests/tests/prop_metrics.rs`) drive sessions through it too.
pub fn session_replies(pieces: &[&[u8]]) -> Vec<u8> {
    let mut store = Store::default();
    let mut session = Session::new();
    let mut pending = Vec::new();
    let mut out = Vec::new();
    for piece in pieces {
        pending.extend_from_slice(piece);
        loop {
            let progress = session.on_bytes(&pending, &mut store, 1_700_000_000_000, &mut out);
            pending.drain(..progress.consumed);
            if progress.close {
                return out;
            }
            if progress.consumed == 0 || pending.is_empty() {
                break;
            }
        }
        assert!(pending.len() <= MAX_FRAME.max(MAX_LINE), "{} bytes kept", pending.len());
    }
    out
}
