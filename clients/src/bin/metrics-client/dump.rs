//! `--dump`: every message sent and received, on stderr, field by field — the layouts of
//! `docs/metrics-protocol.md` seen on real bytes, in all three encodings:
//!
//! ```text
//! > sent 27 bytes: one binary frame
//!   b5 4d 01 01 14 00                  header: magic, version 1, type VAL, payload 20 bytes
//!   00 00 00 00 00 00 e0 3f            value 0.5 (f64 LE)
//!   00 68 e5 cf 8b 01 00 00            timestamp 1700000000000 (i64 LE)
//!   03 63 70 75                        name "cpu" (str8)
//!   a5                                 canary
//! > sent 12 bytes: one text line "VAL cpu 0.5\n"
//!   VAL                                command
//!   cpu                                name
//!   0.5                                value
//! ```
//!
//! A frame that does not follow the layout is shown as far as it does, then as plain hex with
//! what is wrong: the dump must never hide the bytes that confused a server.

use crate::conn::Encoding;
use serde_json::Value;

/// Which way the bytes went.
#[derive(Copy, Clone)]
pub enum Direction {
    Sent,
    Received,
}

/// Print one message (a frame, or a line with its newline) to stderr.
pub fn print(direction: Direction, encoding: Encoding, bytes: &[u8]) {
    eprint!("{}", render(direction, encoding, bytes));
}

/// What [`print`] prints.
pub fn render(direction: Direction, encoding: Encoding, bytes: &[u8]) -> String {
    let (arrow, verb) = match direction {
        Direction::Sent => ('>', "sent"),
        Direction::Received => ('<', "received"),
    };
    let n = bytes.len();
    let text = String::from_utf8_lossy(bytes);
    let mut out = match encoding {
        Encoding::Binary => format!("{arrow} {verb} {n} bytes: one binary frame\n"),
        Encoding::Text => format!("{arrow} {verb} {n} bytes: one text line {text:?}\n"),
        Encoding::Json => format!("{arrow} {verb} {n} bytes: one JSON line {text:?}\n"),
    };
    let fields = match encoding {
        Encoding::Binary => binary_fields(bytes),
        Encoding::Text => text_fields(&text, direction),
        Encoding::Json => json_fields(&text),
    };
    for (shown, meaning) in fields {
        out.push_str(&format!("  {shown:<34} {meaning}\n"));
    }
    out
}

/// (bytes as hex, meaning) for each field of a binary frame.
fn binary_fields(frame: &[u8]) -> Vec<(String, String)> {
    let mut r = Fields {
        bytes: frame,
        pos: 0,
        out: Vec::new(),
    };
    if frame.len() < 7 {
        r.rest("a frame is at least 7 bytes (header and canary)");
        return r.out;
    }
    let (kind, len) = (frame[3], usize::from(u16::from_le_bytes([frame[4], frame[5]])));
    let magic = if frame[..2] == [0xB5, 0x4D] {
        "magic"
    } else {
        "BAD MAGIC (expected b5 4d)"
    };
    r.take(6, |_| {
        format!(
            "header: {magic}, version {}, type {}, payload {len} bytes",
            frame[2],
            type_name(kind)
        )
    });
    let payload_end = (6 + len).min(frame.len().saturating_sub(1));
    let complete = match kind {
        0x00 => r.kind() && r.str8("name") && r.str16("doc"),
        0x01 => r.f64("value") && r.i64("timestamp") && r.str8("name"),
        0x02 => r.str8("name"),
        0x03 | 0x04 => true,
        0x80 => r.str8("message"),
        0x81 => r.take(1, |b| format!("error code {} (u8)", b[0])) && r.str8("message"),
        0x82 => r.kind() && r.f64("value") && r.i64("timestamp") && r.str8("name") && r.str16("doc"),
        0x83 => r.take(4, |b| {
            let count = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
            format!("count {count} (u32 LE): {count} ENTRY frames follow")
        }),
        0x84 => r.kind() && r.f64("value") && r.i64("timestamp") && r.str8("name"),
        _ => false,
    };
    if !complete || r.pos != payload_end {
        r.pos = r.pos.min(payload_end);
        if r.pos < payload_end {
            let why = if complete {
                "left-over payload bytes"
            } else {
                "payload not in this type's layout"
            };
            r.take(payload_end - r.pos, |_| why.to_string());
        }
    }
    match frame.get(r.pos..) {
        Some([0xA5]) => {
            r.take(1, |_| "canary".to_string());
        }
        _ => r.rest("expected the canary a5 here, at the end of the frame"),
    }
    r.out
}

/// Walks a frame, one field at a time.
struct Fields<'a> {
    bytes: &'a [u8],
    pos: usize,
    out: Vec<(String, String)>,
}

impl Fields<'_> {
    /// The next `n` bytes as one field; false if the frame is shorter.
    fn take(&mut self, n: usize, meaning: impl FnOnce(&[u8]) -> String) -> bool {
        let Some(bytes) = self.bytes.get(self.pos..self.pos + n) else {
            return false;
        };
        self.pos += n;
        let mut chunks = bytes.chunks(8);
        let first = chunks.next().map(hex).unwrap_or_default();
        self.out.push((first, meaning(bytes)));
        for chunk in chunks {
            self.out.push((hex(chunk), String::new()));
        }
        true
    }

    fn rest(&mut self, why: &str) {
        let rest = self.bytes.len() - self.pos;
        self.take(rest, |_| why.to_string());
    }

    fn kind(&mut self) -> bool {
        self.take(1, |b| match b[0] {
            0 => "kind 0 (counter)".to_string(),
            1 => "kind 1 (gauge)".to_string(),
            k => format!("kind {k} (unknown: 0 counter, 1 gauge)"),
        })
    }

    fn f64(&mut self, name: &str) -> bool {
        self.take(8, |b| format!("{name} {} (f64 LE)", f64::from_le_bytes(array(b))))
    }

    fn i64(&mut self, name: &str) -> bool {
        self.take(8, |b| format!("{name} {} (i64 LE)", i64::from_le_bytes(array(b))))
    }

    fn str8(&mut self, name: &str) -> bool {
        let Some(&len) = self.bytes.get(self.pos) else {
            return false;
        };
        self.take(1 + usize::from(len), |b| {
            format!("{name} {:?} (str8)", String::from_utf8_lossy(&b[1..]))
        })
    }

    fn str16(&mut self, name: &str) -> bool {
        let Some(len) = self.bytes.get(self.pos..self.pos + 2) else {
            return false;
        };
        let len = usize::from(u16::from_le_bytes([len[0], len[1]]));
        self.take(2 + len, |b| {
            format!("{name} {:?} (str16)", String::from_utf8_lossy(&b[2..]))
        })
    }
}

fn array(b: &[u8]) -> [u8; 8] {
    let mut a = [0u8; 8];
    a.copy_from_slice(&b[..8]);
    a
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(" ")
}

fn type_name(kind: u8) -> String {
    let name = match kind {
        0x00 => "DESC",
        0x01 => "VAL",
        0x02 => "GET",
        0x03 => "LIST",
        0x04 => "QUIT",
        0x80 => "OK",
        0x81 => "ERR",
        0x82 => "SAMPLE",
        0x83 => "LIST_HEAD",
        0x84 => "ENTRY",
        _ => return format!("{kind:#04x} (unknown)"),
    };
    name.to_string()
}

/// The words of a text line, each with its role.
fn text_fields(line: &str, direction: Direction) -> Vec<(String, String)> {
    let words: Vec<&str> = line.trim_end_matches(['\r', '\n']).split(' ').collect();
    let roles: &[&str] = match (direction, words.first().copied().unwrap_or("")) {
        (Direction::Sent, "DESC") => &["command", "name", "kind", "doc (the rest of the line)"],
        (Direction::Sent, "VAL") => &["command", "name", "value", "timestamp (ms since 1970)"],
        (Direction::Sent, "GET") => &["command", "name"],
        (Direction::Sent, _) => &["command"],
        (Direction::Received, "ERR") => &["status: an error", "error slug", "message (the rest of the line)"],
        (Direction::Received, "OK") if words.len() == 2 && words[1].parse::<u32>().is_ok() => {
            &["status: ok", "count: that many entry lines follow"]
        }
        (Direction::Received, "OK") => &["status: ok", "the answer (the rest of the line)"],
        (Direction::Received, _) => &["entry: name", "kind", "value", "timestamp"],
    };
    let mut out = Vec::new();
    for (i, word) in words.iter().enumerate() {
        if i + 1 >= roles.len() && roles.last().is_some_and(|r| r.contains("the rest")) {
            out.push((words[i..].join(" "), roles[roles.len() - 1].to_string()));
            break;
        }
        out.push((
            word.to_string(),
            roles.get(i).copied().unwrap_or("(extra word)").to_string(),
        ));
    }
    out
}

/// Each member of a JSON object, in the order sent.
fn json_fields(line: &str) -> Vec<(String, String)> {
    match serde_json::from_str::<Value>(line) {
        Ok(Value::Object(fields)) => fields
            .iter()
            .map(|(key, value)| (format!("{key:?}: {value}"), describe_key(key).to_string()))
            .collect(),
        Ok(other) => vec![(other.to_string(), "not an object".to_string())],
        Err(e) => vec![(String::new(), format!("not JSON: {e}"))],
    }
}

fn describe_key(key: &str) -> &'static str {
    match key {
        "command" => "the command",
        "param" => "the metric's name",
        "kind" => "counter or gauge",
        "doc" => "free text (# HELP)",
        "value" => "a number",
        "timestamp" => "ms since 1970",
        "ok" => "true, or false for an error",
        "error" => "the error's slug",
        "message" => "what the server says",
        "metric" => "one metric",
        "metrics" => "every metric",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_val_frame_field_by_field() {
        let frame = [
            0xb5, 0x4d, 0x01, 0x01, 0x14, 0x00, 0, 0, 0, 0, 0, 0, 0xe0, 0x3f, 0x00, 0x68, 0xe5, 0xcf, 0x8b, 0x01, 0x00,
            0x00, 0x03, 0x63, 0x70, 0x75, 0xa5,
        ];
        let shown = render(Direction::Sent, Encoding::Binary, &frame);
        let expected = "> sent 27 bytes: one binary frame
  b5 4d 01 01 14 00                  header: magic, version 1, type VAL, payload 20 bytes
  00 00 00 00 00 00 e0 3f            value 0.5 (f64 LE)
  00 68 e5 cf 8b 01 00 00            timestamp 1700000000000 (i64 LE)
  03 63 70 75                        name \"cpu\" (str8)
  a5                                 canary
";
        assert_eq!(shown, expected);
    }

    #[test]
    fn a_broken_frame_still_shows_every_byte() {
        let shown = render(
            Direction::Received,
            Encoding::Binary,
            &[0xb5, 0x4d, 1, 0x80, 9, 0, 3, b'a', 0x00],
        );
        assert!(
            shown.contains("03 61") && shown.contains("not in this type's layout"),
            "{shown}"
        );
        assert!(shown.contains("expected the canary a5"), "{shown}");
        let shown = render(Direction::Received, Encoding::Binary, &[1, 2, 3]);
        assert!(
            shown.contains("01 02 03") && shown.contains("at least 7 bytes"),
            "{shown}"
        );
    }

    #[test]
    fn text_and_json_lines_are_labelled() {
        let shown = render(Direction::Sent, Encoding::Text, b"DESC hits counter requests served\n");
        assert!(
            shown.contains("one text line \"DESC hits counter requests served\\n\""),
            "{shown}"
        );
        assert!(
            shown.contains("  requests served                    doc (the rest of the line)"),
            "{shown}"
        );
        let shown = render(
            Direction::Received,
            Encoding::Json,
            b"{\"ok\":true,\"message\":\"x\"}\n",
        );
        assert!(
            shown.contains("\"ok\": true") && shown.contains("what the server says"),
            "{shown}"
        );
    }
}
