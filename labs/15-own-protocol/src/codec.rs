//! The frame, both ways (this lab's reference design; yours may differ):
//!
//! ```text
//! offset 0   version  u8      1
//!        1   kind     u8      request: 1 GET, 2 SET, 3 DEL; response: 0x81 OK, 0x82 VALUE,
//!                             0x83 NOT_FOUND, 0x84 ERROR
//!        2   length   u16 BE  bytes of body that follow the header
//!        4   body     GET/DEL: the key; SET: key length (u8), key, value;
//!                     VALUE: the value; ERROR: a message (UTF-8)
//!   4 + length canary u8      0xC5: the last byte of every frame
//! ```
//!
//! `kv-client --layout` prints where the version, the length and the canary are, so that the
//! grader can make bad frames of *your* design.

pub const VERSION: u8 = 1;
pub const CANARY: u8 = 0xC5;
pub const HEADER: usize = 4;
/// The layout line of `kv-client --layout` (see the lab's README).
pub const LAYOUT: &str = "version=0 length=2:2 header=4 canary=-1";

pub const MAX_KEY: usize = 255;
pub const MAX_VALUE: usize = 4096;
/// Largest body accepted: a SET of the longest key and value.
pub const MAX_BODY: usize = 1 + MAX_KEY + MAX_VALUE;

/// A request, as the client sends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    Get(Vec<u8>),
    Set(Vec<u8>, Vec<u8>),
    Del(Vec<u8>),
}

/// A response, as the server sends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Response {
    Ok,
    Value(Vec<u8>),
    NotFound,
    Error(String),
}

/// What reading the start of a buffer gave.
#[derive(Debug, PartialEq, Eq)]
pub enum Decoded<T> {
    /// A whole frame, and how many bytes it took.
    Frame(T, usize),
    /// Not enough bytes yet: wait for more.
    Incomplete,
    /// A whole frame, well delimited, whose body makes no sense: answer an error and go on.
    Invalid(String, usize),
    /// The stream cannot be trusted any more (bad version, length over the limit, bad
    /// canary): answer an error and close.
    Broken(String),
}

/// Header, body, canary.
pub fn frame(kind: u8, body: &[u8]) -> Vec<u8> {
    // LAB 15 BEGIN: a frame around a body
    let mut out = Vec::with_capacity(HEADER + body.len() + 1);
    out.push(VERSION);
    out.push(kind);
    out.extend_from_slice(&(body.len() as u16).to_be_bytes());
    out.extend_from_slice(body);
    out.push(CANARY);
    out
    // LAB 15 END
}

/// The kind and body of the frame at the start of `input`.
pub fn unframe(input: &[u8]) -> Decoded<(u8, &[u8])> {
    // LAB 15 BEGIN: the frame at the start of a buffer: version, length, canary
    if input.len() < HEADER {
        return Decoded::Incomplete;
    }
    if input[0] != VERSION {
        return Decoded::Broken(format!("bad version {} (this server speaks {VERSION})", input[0]));
    }
    let length = usize::from(u16::from_be_bytes([input[2], input[3]]));
    if length > MAX_BODY {
        return Decoded::Broken(format!("frame of {length} bytes, at most {MAX_BODY}"));
    }
    let total = HEADER + length + 1;
    if input.len() < total {
        return Decoded::Incomplete;
    }
    if input[total - 1] != CANARY {
        return Decoded::Broken(format!(
            "bad canary {:#04x}: out of step with the frames",
            input[total - 1]
        ));
    }
    Decoded::Frame((input[1], &input[HEADER..total - 1]), total)
    // LAB 15 END
}

impl Request {
    pub fn encode(&self) -> Vec<u8> {
        // LAB 15 BEGIN: encode a request
        match self {
            Request::Get(key) => frame(1, key),
            Request::Del(key) => frame(3, key),
            Request::Set(key, value) => {
                let mut body = Vec::with_capacity(1 + key.len() + value.len());
                body.push(key.len() as u8); // parse_command keeps keys to MAX_KEY bytes
                body.extend_from_slice(key);
                body.extend_from_slice(value);
                frame(2, &body)
            }
        }
        // LAB 15 END
    }

    pub fn decode(input: &[u8]) -> Decoded<Request> {
        // LAB 15 BEGIN: decode a request
        let (kind, body, used) = match unframe(input) {
            Decoded::Frame((kind, body), used) => (kind, body, used),
            Decoded::Incomplete => return Decoded::Incomplete,
            Decoded::Invalid(why, used) => return Decoded::Invalid(why, used),
            Decoded::Broken(why) => return Decoded::Broken(why),
        };
        let key_ok = |key: &[u8]| !key.is_empty() && key.len() <= MAX_KEY;
        match kind {
            1 | 3 if !key_ok(body) => Decoded::Invalid(format!("a key is 1 to {MAX_KEY} bytes"), used),
            1 => Decoded::Frame(Request::Get(body.to_vec()), used),
            3 => Decoded::Frame(Request::Del(body.to_vec()), used),
            2 => {
                let Some((&len, rest)) = body.split_first() else {
                    return Decoded::Invalid("SET without a key length".into(), used);
                };
                let len = usize::from(len);
                if len == 0 || len > rest.len() {
                    return Decoded::Invalid(format!("SET key length {len} for {} bytes", rest.len()), used);
                }
                let (key, value) = rest.split_at(len);
                if value.len() > MAX_VALUE {
                    return Decoded::Invalid(format!("a value is at most {MAX_VALUE} bytes"), used);
                }
                Decoded::Frame(Request::Set(key.to_vec(), value.to_vec()), used)
            }
            k => Decoded::Invalid(format!("unknown request kind {k}"), used),
        }
        // LAB 15 END
    }
}

impl Response {
    pub fn encode(&self) -> Vec<u8> {
        // LAB 15 BEGIN: encode a response
        match self {
            Response::Ok => frame(0x81, b""),
            Response::Value(v) => frame(0x82, v),
            Response::NotFound => frame(0x83, b""),
            Response::Error(why) => frame(0x84, &why.as_bytes()[..why.len().min(MAX_VALUE)]),
        }
        // LAB 15 END
    }

    pub fn decode(input: &[u8]) -> Decoded<Response> {
        // LAB 15 BEGIN: decode a response
        match unframe(input) {
            Decoded::Frame((0x81, _), used) => Decoded::Frame(Response::Ok, used),
            Decoded::Frame((0x82, body), used) => Decoded::Frame(Response::Value(body.to_vec()), used),
            Decoded::Frame((0x83, _), used) => Decoded::Frame(Response::NotFound, used),
            Decoded::Frame((0x84, body), used) => {
                Decoded::Frame(Response::Error(String::from_utf8_lossy(body).into_owned()), used)
            }
            Decoded::Frame((kind, _), used) => Decoded::Invalid(format!("unknown response kind {kind:#04x}"), used),
            Decoded::Incomplete => Decoded::Incomplete,
            Decoded::Invalid(why, used) => Decoded::Invalid(why, used),
            Decoded::Broken(why) => Decoded::Broken(why),
        }
        // LAB 15 END
    }

    /// The client's output line: `OK`, `VALUE text`, `NOT_FOUND`, `ERROR why`.
    pub fn line(&self) -> String {
        // LAB 15 BEGIN: the client's output line
        match self {
            Response::Ok => "OK".into(),
            Response::Value(v) => format!("VALUE {}", String::from_utf8_lossy(v)),
            Response::NotFound => "NOT_FOUND".into(),
            Response::Error(why) => format!("ERROR {}", why.replace('\n', " ")),
        }
        // LAB 15 END
    }
}
