//! Reading an HTTP/1.1 response: the head (status line + fields), then the body in whichever
//! of the three framings the server chose (RFC 7230 §3.3.3):
//!
//! 1. no body at all: a response to HEAD, or status 1xx, 204, 304;
//! 2. `Transfer-Encoding: chunked`: `size-in-hex CRLF data CRLF` … `0 CRLF CRLF`;
//! 3. `Content-Length: N`: exactly N bytes;
//! 4. neither: everything until the server closes the connection.
//!
//! The body is copied to the output as it arrives, never held whole in memory.

use std::io::{self, BufRead, Read, Write};

/// Longest head or chunk-size line accepted from a server.
const MAX_HEAD: u64 = 64 * 1024;

/// A response head.
pub struct Head {
    /// As received, for `-i`.
    pub raw: Vec<u8>,
    /// `HTTP/1.1 404 Not Found`
    pub status_line: String,
    pub code: u16,
    /// (lower-case name, value)
    pub fields: Vec<(String, String)>,
}

impl Head {
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

fn invalid(what: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what.into())
}

/// Read and parse the head, up to and including the empty line.
pub fn read_head(reader: &mut impl BufRead) -> io::Result<Head> {
    let mut raw = Vec::new();
    let mut lines = Vec::new();
    loop {
        let line = read_line(reader, &mut raw)?;
        if line.is_empty() {
            break;
        }
        lines.push(line);
    }
    let status_line = lines.first().cloned().ok_or_else(|| invalid("empty response"))?;
    let mut parts = status_line.splitn(3, ' ');
    let (version, code) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    if !version.starts_with("HTTP/1.") || code.len() != 3 {
        return Err(invalid(format!("not an HTTP/1.x status line: {status_line:?}")));
    }
    let code = code
        .parse()
        .map_err(|_| invalid(format!("bad status code in {status_line:?}")))?;
    let mut fields = Vec::new();
    for line in &lines[1..] {
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| invalid(format!("bad header line {line:?}")))?;
        fields.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
    }
    Ok(Head {
        raw,
        status_line,
        code,
        fields,
    })
}

/// One line without its CRLF (or bare LF), appended raw to `raw`; bounded.
fn read_line(reader: &mut impl BufRead, raw: &mut Vec<u8>) -> io::Result<String> {
    let start = raw.len();
    let limit = MAX_HEAD.saturating_sub(start as u64).max(1);
    reader.take(limit).read_until(b'\n', raw)?;
    if !raw[start..].ends_with(b"\n") {
        return Err(invalid(if raw.len() == start {
            "connection closed before the response"
        } else {
            "line too long or cut short"
        }));
    }
    let line = String::from_utf8_lossy(&raw[start..]);
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

/// Copy the body to `out` as the head says it is framed; returns the bytes written.
pub fn copy_body(
    reader: &mut impl BufRead,
    head: &Head,
    was_head_request: bool,
    out: &mut impl Write,
) -> io::Result<u64> {
    if was_head_request || head.code / 100 == 1 || head.code == 204 || head.code == 304 {
        return Ok(0);
    }
    let chunked = head
        .field("transfer-encoding")
        .is_some_and(|te| te.to_ascii_lowercase().ends_with("chunked"));
    if chunked {
        return copy_chunked(reader, out);
    }
    match head.field("content-length") {
        Some(len) => {
            let len: u64 = len
                .parse()
                .map_err(|_| invalid(format!("bad Content-Length {len:?}")))?;
            let copied = io::copy(&mut reader.take(len), out)?;
            if copied < len {
                return Err(invalid(format!("connection closed after {copied} of {len} body bytes")));
            }
            Ok(copied)
        }
        None => io::copy(reader, out), // until the server closes
    }
}

/// Decode `Transfer-Encoding: chunked`.
fn copy_chunked(reader: &mut impl BufRead, out: &mut impl Write) -> io::Result<u64> {
    let mut total = 0;
    let mut scratch = Vec::new();
    loop {
        scratch.clear();
        let line = read_line(reader, &mut scratch)?;
        let hex = line.split(';').next().unwrap_or("").trim(); // chunk extensions are ignored
        let size = u64::from_str_radix(hex, 16).map_err(|_| invalid(format!("bad chunk size {line:?}")))?;
        if size == 0 {
            break;
        }
        let copied = io::copy(&mut reader.take(size), out)?;
        if copied < size {
            return Err(invalid("connection closed inside a chunk"));
        }
        total += copied;
        scratch.clear();
        if !read_line(reader, &mut scratch)?.is_empty() {
            return Err(invalid("missing CRLF after a chunk"));
        }
    }
    // Trailer fields, up to the empty line.
    loop {
        scratch.clear();
        if read_line(reader, &mut scratch)?.is_empty() {
            return Ok(total);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(response: &[u8], head_request: bool) -> io::Result<(u16, Vec<u8>)> {
        let mut reader = io::BufReader::new(response);
        let head = read_head(&mut reader)?;
        let mut out = Vec::new();
        copy_body(&mut reader, &head, head_request, &mut out)?;
        Ok((head.code, out))
    }

    #[test]
    fn three_framings() {
        assert_eq!(
            body(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcdef", false)
                .expect("cl")
                .1,
            b"abc"
        );
        let chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\nA\r\n0123456789\r\n0\r\nT: v\r\n\r\n";
        assert_eq!(body(chunked, false).expect("chunked").1, b"abc0123456789");
        assert_eq!(
            body(b"HTTP/1.0 200 OK\n\nuntil close", false).expect("close").1,
            b"until close"
        );
        assert_eq!(
            body(b"HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n", false)
                .expect("304")
                .1,
            b""
        );
        assert_eq!(
            body(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", true)
                .expect("HEAD")
                .1,
            b""
        );
    }

    #[test]
    fn broken_responses_are_errors() {
        for bad in [
            &b""[..],
            b"SSH-2.0-OpenSSH\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab",
            b"HTTP/1.1 200 OK\r\nNoColon\r\n\r\n",
        ] {
            assert!(body(bad, false).is_err(), "{:?}", String::from_utf8_lossy(bad));
        }
    }
}
