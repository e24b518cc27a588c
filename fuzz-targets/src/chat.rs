//! The chat's line framer and both encodings of its commands and events.

use servers::proto::chat::{json, text, Event, Frame, LineFramer, Protocol, MAX_LINE};

/// A frame with its line owned, to compare runs.
#[derive(Debug, PartialEq, Eq)]
enum Owned {
    Line(String),
    TooLong,
    BadUtf8,
}

/// Feed the input to a [`LineFramer`] whole, then in pieces: same frames, every line within
/// [`MAX_LINE`] and without `\n`, and never more than one line's worth of bytes kept.
pub fn lines(data: &[u8]) {
    let whole = frames(&[data]);
    let pieces = crate::chunks(data, &[1, 2, 5, 100, 4000][data.len() % 5..]);
    assert_eq!(whole, frames(&pieces), "frames depend on how the input is cut");
}

/// The drivers' loop: append what was read, feed, keep what was not consumed.
fn frames(pieces: &[&[u8]]) -> Vec<Owned> {
    let mut framer = LineFramer::new();
    let mut pending = Vec::new();
    let mut out = Vec::new();
    for piece in pieces {
        pending.extend_from_slice(piece);
        let used = framer.feed(&pending, |frame| out.push(own(frame)));
        pending.drain(..used);
        assert!(
            pending.len() <= MAX_LINE + 1,
            "{} bytes kept for one line",
            pending.len()
        );
    }
    out
}

fn own(frame: Frame<'_>) -> Owned {
    match frame {
        Frame::Line(line) => {
            assert!(line.len() <= MAX_LINE && !line.contains('\n'), "bad line {line:?}");
            Owned::Line(line.to_string())
        }
        Frame::TooLong => Owned::TooLong,
        Frame::BadUtf8 => Owned::BadUtf8,
    }
}

/// One line through both decoders (as a command, and as an event for the client), and its
/// text through both encoders: what is encoded must decode to the same event.
pub fn command(data: &[u8]) {
    let Ok(line) = std::str::from_utf8(data) else { return };
    for protocol in [Protocol::Text, Protocol::Json] {
        if let Ok(command) = protocol.decode(line) {
            let _ = protocol.format_command(&command);
        }
    }
    let _ = json::parse_event(line);
    let event = Event::Message {
        from: "fuzz".to_string(),
        text: line.to_string(),
    };
    let mut encoded = Vec::new();
    Protocol::Json.encode(&event, &mut encoded);
    let encoded = String::from_utf8(encoded).expect("JSON encoding is UTF-8");
    let framed = encoded.strip_suffix('\n').expect("one line");
    assert!(!framed.contains('\n'), "a JSON event spans two lines: {framed:?}");
    assert_eq!(
        json::parse_event(framed),
        Some(event.clone()),
        "JSON event does not round-trip"
    );
    let _ = text::render_event(&event);
}
