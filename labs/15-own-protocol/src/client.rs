//! The client's side: parse a command (`set KEY VALUE`, `get KEY`, `del KEY`), send its frame
//! and read one response frame, with a deadline on every read.

use crate::codec::{Decoded, Request, Response, MAX_KEY, MAX_VALUE};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// `["set", "k", "v"]` → `Request::Set`; the words of one command.
pub fn parse_command(words: &[String]) -> Result<Request, String> {
    // LAB 15 BEGIN: a command line to a request
    let key = |i: usize| match words.get(i) {
        Some(k) if !k.is_empty() && k.len() <= MAX_KEY => Ok(k.as_bytes().to_vec()),
        _ => Err(format!("a key is 1 to {MAX_KEY} bytes")),
    };
    match (words.first().map(String::as_str), words.len()) {
        (Some("get"), 2) => Ok(Request::Get(key(1)?)),
        (Some("del"), 2) => Ok(Request::Del(key(1)?)),
        (Some("set"), 3) if words[2].len() > MAX_VALUE => Err(format!("a value is at most {MAX_VALUE} bytes")),
        (Some("set"), 3) => Ok(Request::Set(key(1)?, words[2].as_bytes().to_vec())),
        _ => Err(format!(
            "cannot read command {words:?}: get KEY | set KEY VALUE | del KEY"
        )),
    }
    // LAB 15 END
}

/// Read one response frame from `stream` (bytes left in `pending` from an earlier read are
/// used first and what follows the frame is kept there).
pub fn read_response(stream: &mut impl Read, pending: &mut Vec<u8>) -> Result<Response, String> {
    // LAB 15 BEGIN: read one response frame
    let mut buf = [0u8; 4096];
    loop {
        match Response::decode(pending) {
            Decoded::Frame(resp, used) => {
                pending.drain(..used);
                return Ok(resp);
            }
            Decoded::Invalid(why, _) | Decoded::Broken(why) => return Err(format!("bad response: {why}")),
            Decoded::Incomplete => {}
        }
        match stream.read(&mut buf) {
            Ok(0) => return Err("the server closed the connection".into()),
            Ok(n) => pending.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(format!("read: {e}")),
        }
    }
    // LAB 15 END
}

/// Connect to `server`, send `requests` one after the other, and return each response.
pub fn exchange(server: &str, requests: &[Request], timeout: Duration) -> Result<Vec<Response>, String> {
    // LAB 15 BEGIN: connect, send, read the answers
    let mut stream = TcpStream::connect(server).map_err(|e| format!("connect {server}: {e}"))?;
    stream.set_read_timeout(Some(timeout)).map_err(|e| e.to_string())?;
    stream.set_write_timeout(Some(timeout)).map_err(|e| e.to_string())?;
    let mut pending = Vec::new();
    let mut answers = Vec::with_capacity(requests.len());
    for req in requests {
        stream.write_all(&req.encode()).map_err(|e| format!("write: {e}"))?;
        answers.push(read_response(&mut stream, &mut pending)?);
    }
    Ok(answers)
    // LAB 15 END
}
