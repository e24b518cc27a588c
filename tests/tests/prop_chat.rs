//! Property tests of the chat's framing and encodings (proptest: random cases, shrunk to the
//! smallest failing one). Three properties, as for every protocol of the course:
//! parsing never panics, encode-then-decode is the identity, and any split of valid input
//! into reads gives the same frames.

use proptest::prelude::*;
use servers::proto::chat::{json, text, Command, Event, Frame, LineFramer, Protocol, MAX_LINE};

/// Cut `data` at the given points (sorted, deduplicated, inside the data), as reads would.
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

/// The drivers' loop over a framer: the lines, as owned strings ("<too long>", "<bad utf8>").
fn framed_lines(pieces: &[&[u8]]) -> Vec<String> {
    let mut framer = LineFramer::new();
    let mut pending = Vec::new();
    let mut lines = Vec::new();
    for piece in pieces {
        pending.extend_from_slice(piece);
        let used = framer.feed(&pending, |frame| {
            lines.push(match frame {
                Frame::Line(line) => line.to_string(),
                Frame::TooLong => "<too long>".to_string(),
                Frame::BadUtf8 => "<bad utf8>".to_string(),
            })
        });
        pending.drain(..used);
    }
    lines
}

/// A line a member could send: any text without `\n` and without a trailing `\r`.
fn line() -> impl Strategy<Value = String> {
    "[^\n]{0,300}".prop_map(|s| s.trim_end_matches('\r').to_string())
}

/// A nick-like word: no space, no newline, not empty.
fn word() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9_\\-é]{1,16}"
}

proptest! {
    #[test]
    fn framer_never_panics_and_bounds_lines(data in proptest::collection::vec(any::<u8>(), 0..6000),
                                             points in proptest::collection::vec(0usize..6000, 0..20)) {
        for line in framed_lines(&split_at_points(&data, points)) {
            prop_assert!(line.len() <= MAX_LINE && !line.contains('\n'));
        }
    }

    #[test]
    fn any_split_gives_the_same_lines(lines in proptest::collection::vec(line(), 0..20),
                                      crlf in any::<bool>(),
                                      points in proptest::collection::vec(0usize..8000, 0..30)) {
        let ending = if crlf { "\r\n" } else { "\n" };
        let stream: String = lines.iter().map(|l| format!("{l}{ending}")).collect();
        let got = framed_lines(&split_at_points(stream.as_bytes(), points));
        prop_assert_eq!(got, lines);
    }

    #[test]
    fn a_too_long_line_is_reported_once_whatever_the_split(extra in 1usize..3000,
                                                           points in proptest::collection::vec(0usize..8000, 0..30)) {
        let stream = format!("{}\nafter\n", "x".repeat(MAX_LINE + extra));
        let got = framed_lines(&split_at_points(stream.as_bytes(), points));
        prop_assert_eq!(got, vec!["<too long>".to_string(), "after".to_string()]);
    }

    #[test]
    fn decoders_never_panic(line in "\\PC{0,200}") {
        let _ = text::parse_command(&line);
        let _ = json::parse_command(&line);
        let _ = json::parse_event(&line);
    }

    #[test]
    fn json_commands_round_trip(text in line(), to in word()) {
        let commands = [
            Command::Say(text.clone()),
            Command::Nick(to.clone()),
            Command::List,
            Command::Msg { to: to.clone(), text: text.clone() },
            Command::Me(text.clone()),
            Command::Quit(None),
            Command::Quit(Some(text.clone())),
        ];
        for command in commands {
            let line = Protocol::Json.format_command(&command);
            prop_assert!(!line.contains('\n'));
            prop_assert_eq!(Protocol::Json.decode(&line), Ok(command));
        }
    }

    /// Text has no escaping: what round-trips is what a user can type (no leading `/` in a
    /// message, words without spaces, texts not starting with a space, no control characters:
    /// those are refused, see below).
    #[test]
    fn text_commands_round_trip(text in "[^/ \\p{C}][^\\p{C}]{0,100}", to in word()) {
        let commands = [
            Command::Say(text.clone()),
            Command::Nick(to.clone()),
            Command::List,
            Command::Msg { to: to.clone(), text: text.clone() },
            Command::Me(text.clone()),
            Command::Quit(None),
            Command::Quit(Some(text.clone())),
        ];
        for command in commands {
            let line = Protocol::Text.format_command(&command);
            prop_assert_eq!(Protocol::Text.decode(&line), Ok(command));
        }
    }

    /// A control character anywhere in a text line (other than TAB) is refused with a reason,
    /// never relayed: a terminal would obey it (issue 10, defect 7).
    #[test]
    fn text_lines_with_a_control_character_are_refused(before in "[^/ \\p{C}]{1,20}",
                                                       control in prop_oneof![0u32..9, 10u32..32, 127u32..160],
                                                       after in "[^\\p{C}]{0,20}") {
        let control = char::from_u32(control).unwrap_or('\u{1b}');
        prop_assume!(control != '\n' && control != '\r');
        for line in [format!("{before}{control}{after}"), format!("/me {before}{control}{after}")] {
            let decoded = Protocol::Text.decode(&line);
            prop_assert!(decoded.is_err(), "{line:?} accepted: {decoded:?}");
        }
    }

    #[test]
    fn json_events_round_trip(a in "\\PC{0,60}", b in "\\PC{0,60}", members in proptest::collection::vec(word(), 0..5)) {
        let events = [
            Event::Welcome { nick: a.clone() },
            Event::Joined { nick: a.clone() },
            Event::Message { from: a.clone(), text: b.clone() },
            Event::Private { from: a.clone(), text: b.clone() },
            Event::Action { from: a.clone(), text: b.clone() },
            Event::Renamed { old: a.clone(), new: b.clone() },
            Event::Members(members),
            Event::Left { nick: a.clone(), reason: b.clone() },
            Event::Bye,
            Event::Ok,
            Event::Error(b.clone()),
        ];
        for event in events {
            let mut out = Vec::new();
            Protocol::Json.encode(&event, &mut out);
            let line = String::from_utf8(out).expect("UTF-8");
            let line = line.strip_suffix('\n').expect("newline-terminated");
            prop_assert!(!line.contains('\n'), "one event, one line");
            prop_assert_eq!(json::parse_event(line), Some(event));
        }
    }
}
