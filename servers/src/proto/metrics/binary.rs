//! The binary encoding: framed messages, little-endian, every field explicitly laid out.
//!
//! A *frame* is a 6-byte header, a payload, and a canary byte:
//!
//! | offset | size | type   | field   | meaning |
//! |--------|------|--------|---------|---------|
//! | 0      | 2    | bytes  | magic   | `B5 4D` (`0xB5` is not ASCII: see `sniff.rs`; `4D` is `M`) |
//! | 2      | 1    | u8     | version | `1` |
//! | 3      | 1    | u8     | type    | message type (below) |
//! | 4      | 2    | u16 LE | length  | payload length N, at most 1017 (so a frame is at most 1 KiB) |
//! | 6      | N    |        | payload | depends on the type |
//! | 6+N    | 1    | u8     | canary  | `A5`: a frame whose last byte is not `A5` was cut or mis-framed |
//!
//! Payloads (`str8` = u8 length then that many UTF-8 bytes; `str16` = u16 LE length, then bytes):
//!
//! | type | name      | dir | payload |
//! |------|-----------|-----|---------|
//! | 0x00 | DESC      | →   | kind u8 (0 counter, 1 gauge), name str8 (≤ 64), doc str16 (≤ 256) |
//! | 0x01 | VAL       | →   | value f64 LE, timestamp i64 LE (ms since 1970; 0 = now), name str8 |
//! | 0x02 | GET       | →   | name str8 |
//! | 0x03 | LIST      | →   | (empty) |
//! | 0x04 | QUIT      | →   | (empty) |
//! | 0x05 | RESET     | →   | name str8 |
//! | 0x80 | OK        | ←   | message str8 |
//! | 0x81 | ERR       | ←   | code u8 (`command.rs`: 1 bad-command … 17 bad-json), message str8 |
//! | 0x82 | SAMPLE    | ←   | kind u8, value f64, timestamp i64, name str8, doc str16 (GET's answer) |
//! | 0x83 | LIST_HEAD | ←   | count u32 LE: that many ENTRY frames follow (LIST's answer) |
//! | 0x84 | ENTRY     | ←   | kind u8, value f64, timestamp i64, name str8 |
//!
//! One real frame, `VAL cpu 0.5` at 1 700 000 000 000 ms (`metrics-client --dump` prints these):
//!
//! ```text
//! b5 4d 01 01 14 00                                header: magic, v1, VAL, 20 bytes
//! 00 00 00 00 00 00 e0 3f                          value 0.5 (f64 LE)
//! 00 68 e5 cf 8b 01 00 00                          timestamp 1700000000000 (i64 LE)
//! 03 63 70 75                                      name "cpu" (str8)
//! a5                                               canary
//! ```
//!
//! What goes wrong, and what the server does (`decode`):
//! - *fatal*, the stream can no longer be split into frames — bad magic, wrong version, a
//!   length over 1017, a bad canary: an ERR frame, then the connection is closed;
//! - *per frame*, the frame was delimited fine but its content is wrong — unknown type, a
//!   string length that lies, left-over bytes, non-UTF-8 text: an ERR frame, and the next
//!   frame is read as usual;
//! - a frame cut short by EOF: nothing to answer, the connection is closed (and logged).

use super::command::{Error, ErrorCode, Reply};
use super::message::Message;

/// First two bytes of every frame.
pub const MAGIC: [u8; 2] = [0xB5, 0x4D];
/// The layout described above.
pub const VERSION: u8 = 1;
/// Last byte of every frame.
pub const CANARY: u8 = 0xA5;
pub const HEADER_LEN: usize = 6;
/// Largest frame, header and canary included.
pub const MAX_FRAME: usize = 1024;
/// Largest payload: what is left of a frame after the header and the canary.
pub const MAX_PAYLOAD: usize = MAX_FRAME - HEADER_LEN - 1;

/// What the start of a byte stream holds.
#[derive(Debug, PartialEq)]
pub enum Decoded {
    /// Not a whole frame yet: wait for more bytes.
    Incomplete,
    /// A whole frame of `len` bytes; its message, or why its content is wrong.
    Frame {
        len: usize,
        message: Result<Message, Error>,
    },
    /// The stream cannot be framed any more: reply and close.
    Fatal(Error),
}

/// Look at the start of `input` for one frame.
pub fn decode(input: &[u8]) -> Decoded {
    if let Err(e) = check_header(input) {
        return Decoded::Fatal(e);
    }
    if input.len() < HEADER_LEN {
        return Decoded::Incomplete;
    }
    let payload_len = usize::from(u16::from_le_bytes([input[4], input[5]]));
    let len = HEADER_LEN + payload_len + 1;
    if input.len() < len {
        return Decoded::Incomplete;
    }
    let canary = input[len - 1];
    if canary != CANARY {
        let why = format!("frame ends with 0x{canary:02x}, not the canary 0x{CANARY:02x} (length field wrong?)");
        return Decoded::Fatal(Error::new(ErrorCode::BadCanary, why));
    }
    let message = Message::read_payload(input[3], &input[HEADER_LEN..len - 1]);
    Decoded::Frame { len, message }
}

/// Check as much of the header as has arrived, so garbage is refused at its first byte
/// rather than after waiting for a header that will never make sense.
fn check_header(input: &[u8]) -> Result<(), Error> {
    for (i, (&got, &want)) in input.iter().zip(MAGIC.iter()).enumerate() {
        if got != want {
            let why = format!("byte {i} is 0x{got:02x}, the magic is b5 4d");
            return Err(Error::new(ErrorCode::BadMagic, why));
        }
    }
    if let Some(&version) = input.get(2) {
        if version != VERSION {
            let why = format!("version {version}, this server speaks {VERSION}");
            return Err(Error::new(ErrorCode::BadVersion, why));
        }
    }
    if let (Some(&lo), Some(&hi)) = (input.get(4), input.get(5)) {
        let payload_len = usize::from(u16::from_le_bytes([lo, hi]));
        if payload_len > MAX_PAYLOAD {
            let why = format!("payload of {payload_len} bytes, the limit is {MAX_PAYLOAD}");
            return Err(Error::new(ErrorCode::TooLong, why));
        }
    }
    Ok(())
}

/// Append one whole frame carrying `message`.
pub fn encode(message: &Message, out: &mut Vec<u8>) -> Result<(), Error> {
    let start = out.len();
    out.extend_from_slice(&MAGIC);
    out.push(VERSION);
    out.push(message.type_code());
    out.extend_from_slice(&[0, 0]); // length, filled in below
    let written = message.write_payload(out).and_then(|()| {
        let payload_len = out.len() - start - HEADER_LEN;
        if payload_len > MAX_PAYLOAD {
            return Err(Error::new(
                ErrorCode::TooLong,
                format!("payload of {payload_len} bytes"),
            ));
        }
        Ok(payload_len as u16)
    });
    match written {
        Ok(payload_len) => {
            out[start + 4..start + HEADER_LEN].copy_from_slice(&payload_len.to_le_bytes());
            out.push(CANARY);
            Ok(())
        }
        Err(e) => {
            out.truncate(start); // never leave half a frame behind
            Err(e)
        }
    }
}

/// Append the frames answering one command: one frame, or LIST_HEAD and its ENTRY frames.
pub fn encode_reply(reply: &Reply, out: &mut Vec<u8>) {
    let result = match reply {
        Reply::Ok(text) => encode(&Message::Ok(text.clone()), out),
        Reply::Err(error) => encode(&Message::Err(error.clone()), out),
        Reply::Sample(sample) => encode(&Message::Sample(sample.clone()), out),
        Reply::List(samples) => {
            let count = u32::try_from(samples.len()).unwrap_or(u32::MAX);
            let head = encode(&Message::ListHead(count), out);
            samples
                .iter()
                .take(count as usize)
                .try_fold((), |(), s| encode(&Message::Entry(s.clone()), out))
                .and(head)
        }
    };
    if let Err(e) = result {
        // Cannot happen for what the store holds (names ≤ 64, docs ≤ 256); say so if it does.
        let _ = encode(
            &Message::Err(Error::new(e.code, format!("reply not encodable: {}", e.message))),
            out,
        );
    }
}

/// `b5 4d 01 …`: a frame as hex, 16 bytes a line, for `--dump` and for students.
pub fn hex_dump(frame: &[u8]) -> String {
    let lines: Vec<String> = frame
        .chunks(16)
        .map(|chunk| chunk.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(" "))
        .collect();
    lines.join("\n")
}
