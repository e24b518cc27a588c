//! Which encoding a connection speaks, decided by its very first byte.
//!
//! | first byte                 | encoding | why it cannot be confused |
//! |----------------------------|----------|---------------------------|
//! | `0xB5` (binary magic)      | binary   | not ASCII, and a UTF-8 continuation byte: no text starts with it |
//! | `{`                        | JSON     | a JSON request is an object |
//! | an ASCII letter            | text     | every text command is a word (`DESC`, `VAL`, `GET`, `LIST`, `QUIT`) |
//! | anything else              | —        | `ERR bad-encoding …` as a text line, then the connection is closed |
//!
//! The choice holds for the whole connection: one client, one encoding. Deciding on one
//! byte means a server never waits for more input than the client has sent, and a student
//! can tell the three apart in a `tcpdump`/`strace` at a glance.

use super::binary::MAGIC;
use super::command::{Error, ErrorCode};

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Encoding {
    Binary,
    Text,
    Json,
}

impl Encoding {
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Binary => "binary",
            Encoding::Text => "text",
            Encoding::Json => "json",
        }
    }
}

/// The encoding that a connection starting with `first` speaks.
pub fn sniff(first: u8) -> Result<Encoding, Error> {
    match first {
        b if b == MAGIC[0] => Ok(Encoding::Binary),
        b'{' => Ok(Encoding::Json),
        b if b.is_ascii_alphabetic() => Ok(Encoding::Text),
        other => Err(Error::new(
            ErrorCode::BadEncoding,
            format!("first byte 0x{other:02x}: expected 0xb5 (binary), '{{' (JSON) or a letter (text)"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_byte_picks_the_encoding() {
        assert_eq!(sniff(0xB5), Ok(Encoding::Binary));
        assert_eq!(sniff(b'{'), Ok(Encoding::Json));
        assert_eq!(sniff(b'G'), Ok(Encoding::Text));
        assert_eq!(sniff(b'l'), Ok(Encoding::Text));
        for bad in [b' ', b'\n', b'0', b'[', 0x00, 0xFF, 0xC3] {
            assert_eq!(
                sniff(bad).map_err(|e| e.code),
                Err(ErrorCode::BadEncoding),
                "byte {bad:#x}"
            );
        }
    }
}
