//! The payloads of the binary encoding: one layout per message type, each field at a fixed
//! place, little-endian, written and read field by field.
//!
//! Why not send a Rust (or C) struct as memory, as the lecture's `MSG_metric_msg_t` does?
//! Its layout depends on the compiler (padding), the machine (byte order, the size of
//! `int` and of an enum) and it carries fixed 64-byte strings whatever their length. Here
//! every field is written explicitly, so any language on any machine can read it.
//! The tables are in `binary.rs` (and `docs/metrics-protocol.md`).
//!
//! Strings are length-prefixed: a name by a `u8`, a doc by a `u16`, a message by a `u8`.
//! The reader checks each length against what is left of the payload, so a lying length is a
//! `bad-frame` error, never a read past the end.
//!
//! Self-contained like `command.rs`: `metrics-client` compiles this file too.

use super::command::{clip, Command, Error, ErrorCode, Kind, Sample};

/// Message types. Requests have the high bit clear, replies set.
pub mod types {
    pub const DESC: u8 = 0x00;
    pub const VAL: u8 = 0x01;
    pub const GET: u8 = 0x02;
    pub const LIST: u8 = 0x03;
    pub const QUIT: u8 = 0x04;
    pub const RESET: u8 = 0x05;
    pub const OK: u8 = 0x80;
    pub const ERR: u8 = 0x81;
    pub const SAMPLE: u8 = 0x82;
    pub const LIST_HEAD: u8 = 0x83;
    pub const ENTRY: u8 = 0x84;
}

/// One binary message, request or reply.
#[derive(Clone, Debug, PartialEq)]
pub enum Message {
    Request(Command),
    /// Success, with a message of at most 255 bytes.
    Ok(String),
    Err(Error),
    /// GET's answer: a metric with its doc.
    Sample(Sample),
    /// LIST's answer starts with the number of ENTRY frames that follow.
    ListHead(u32),
    /// One metric of a LIST, without doc.
    Entry(Sample),
}

impl Message {
    /// The type byte of the header.
    pub fn type_code(&self) -> u8 {
        match self {
            Message::Request(Command::Desc { .. }) => types::DESC,
            Message::Request(Command::Val { .. }) => types::VAL,
            Message::Request(Command::Get { .. }) => types::GET,
            Message::Request(Command::List) => types::LIST,
            Message::Request(Command::Quit) => types::QUIT,
            Message::Request(Command::Reset { .. }) => types::RESET,
            Message::Ok(_) => types::OK,
            Message::Err(_) => types::ERR,
            Message::Sample(_) => types::SAMPLE,
            Message::ListHead(_) => types::LIST_HEAD,
            Message::Entry(_) => types::ENTRY,
        }
    }

    /// Append the payload; fails only if a string does not fit its length prefix.
    pub fn write_payload(&self, out: &mut Vec<u8>) -> Result<(), Error> {
        match self {
            Message::Request(Command::Desc { name, kind, doc }) => {
                out.push(kind.code());
                put_str8(out, name)?;
                put_str16(out, doc)
            }
            Message::Request(Command::Val { name, value, timestamp }) => {
                out.extend_from_slice(&value.to_le_bytes());
                out.extend_from_slice(&timestamp.to_le_bytes());
                put_str8(out, name)
            }
            Message::Request(Command::Get { name }) => put_str8(out, name),
            Message::Request(Command::Reset { name }) => write_reset(out, name),
            Message::Request(Command::List | Command::Quit) => Ok(()),
            Message::Ok(text) => put_str8(out, clip(text, 255)),
            Message::Err(error) => {
                out.push(error.code.code());
                put_str8(out, clip(&error.message, 255))
            }
            Message::Sample(sample) => {
                put_entry(out, sample)?;
                put_str16(out, &sample.doc)
            }
            Message::ListHead(count) => {
                out.extend_from_slice(&count.to_le_bytes());
                Ok(())
            }
            Message::Entry(sample) => put_entry(out, sample),
        }
    }

    /// Read the payload of a message of type `code`.
    pub fn read_payload(code: u8, payload: &[u8]) -> Result<Message, Error> {
        let mut r = Reader { buf: payload, pos: 0 };
        let message = match code {
            types::DESC => {
                let kind = r.kind()?;
                let name = r.str8()?;
                let doc = r.str16()?;
                Message::Request(Command::Desc { name, kind, doc })
            }
            types::VAL => {
                let value = f64::from_le_bytes(r.array()?);
                let timestamp = i64::from_le_bytes(r.array()?);
                let name = r.str8()?;
                Message::Request(Command::Val { name, value, timestamp })
            }
            types::GET => Message::Request(Command::Get { name: r.str8()? }),
            types::LIST => Message::Request(Command::List),
            types::QUIT => Message::Request(Command::Quit),
            types::RESET => read_reset(&mut r)?,
            types::OK => Message::Ok(r.str8()?),
            types::ERR => {
                let byte = r.u8()?;
                let code =
                    ErrorCode::from_code(byte).ok_or_else(|| bad_frame(&format!("unknown error code {byte}")))?;
                Message::Err(Error::new(code, r.str8()?))
            }
            types::SAMPLE => {
                let mut sample = r.entry()?;
                sample.doc = r.str16()?;
                Message::Sample(sample)
            }
            types::LIST_HEAD => Message::ListHead(u32::from_le_bytes(r.array()?)),
            types::ENTRY => Message::Entry(r.entry()?),
            other => {
                return Err(Error::new(
                    ErrorCode::UnknownType,
                    format!("unknown message type 0x{other:02x}"),
                ))
            }
        };
        r.finish()?;
        Ok(message)
    }
}

/// RESET's payload: name str8.
fn write_reset(out: &mut Vec<u8>, name: &str) -> Result<(), Error> {
    // LAB 11 BEGIN: the RESET frame's payload, written
    put_str8(out, name)
    // LAB 11 END
}

/// RESET's payload read back; the caller checks nothing is left over.
fn read_reset(r: &mut Reader<'_>) -> Result<Message, Error> {
    // LAB 11 BEGIN: the RESET frame's payload, read
    Ok(Message::Request(Command::Reset { name: r.str8()? }))
    // LAB 11 END
}

/// kind u8 | value f64 | timestamp i64 | name_len u8 | name — shared by SAMPLE and ENTRY.
fn put_entry(out: &mut Vec<u8>, sample: &Sample) -> Result<(), Error> {
    out.push(sample.kind.code());
    out.extend_from_slice(&sample.value.to_le_bytes());
    out.extend_from_slice(&sample.timestamp.to_le_bytes());
    put_str8(out, &sample.name)
}

fn put_str8(out: &mut Vec<u8>, s: &str) -> Result<(), Error> {
    let len = u8::try_from(s.len()).map_err(|_| Error::new(ErrorCode::TooLong, "string over 255 bytes"))?;
    out.push(len);
    out.extend_from_slice(s.as_bytes());
    Ok(())
}

fn put_str16(out: &mut Vec<u8>, s: &str) -> Result<(), Error> {
    let len = u16::try_from(s.len()).map_err(|_| Error::new(ErrorCode::TooLong, "string over 65535 bytes"))?;
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(s.as_bytes());
    Ok(())
}

fn bad_frame(why: &str) -> Error {
    Error::new(ErrorCode::BadFrame, why.to_string())
}

/// Reads fields off a payload, refusing to go past its end.
struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn bytes(&mut self, n: usize) -> Result<&[u8], Error> {
        let left = self.buf.len() - self.pos;
        if n > left {
            return Err(bad_frame(&format!(
                "a field needs {n} bytes, the payload has {left} left"
            )));
        }
        let field = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(field)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], Error> {
        let mut array = [0u8; N];
        array.copy_from_slice(self.bytes(N)?);
        Ok(array)
    }

    fn u8(&mut self) -> Result<u8, Error> {
        Ok(self.bytes(1)?[0])
    }

    fn kind(&mut self) -> Result<Kind, Error> {
        let code = self.u8()?;
        Kind::from_code(code).ok_or_else(|| bad_frame(&format!("unknown kind {code} (0 counter, 1 gauge)")))
    }

    fn text(&mut self, len: usize) -> Result<String, Error> {
        let bytes = self.bytes(len)?;
        String::from_utf8(bytes.to_vec()).map_err(|_| Error::new(ErrorCode::BadUtf8, "a string is not valid UTF-8"))
    }

    fn str8(&mut self) -> Result<String, Error> {
        let len = self.u8()?;
        self.text(usize::from(len))
    }

    fn str16(&mut self) -> Result<String, Error> {
        let len = u16::from_le_bytes(self.array()?);
        self.text(usize::from(len))
    }

    fn entry(&mut self) -> Result<Sample, Error> {
        let kind = self.kind()?;
        let value = f64::from_le_bytes(self.array()?);
        let timestamp = i64::from_le_bytes(self.array()?);
        let name = self.str8()?;
        Ok(Sample {
            name,
            kind,
            value,
            timestamp,
            doc: String::new(),
        })
    }

    /// Every byte must have been used: trailing bytes mean the lengths lied.
    fn finish(&self) -> Result<(), Error> {
        match self.buf.len() - self.pos {
            0 => Ok(()),
            extra => Err(bad_frame(&format!("{extra} bytes left over after the last field"))),
        }
    }
}
