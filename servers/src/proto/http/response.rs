//! A response as the drivers see it: head bytes, ready to write, and a body *source*.
//!
//! The body is never a whole file in memory: `Body::File` names a range of an open file that
//! the driver streams with `sendfile(2)` (the reactor as the socket becomes writable, the
//! blocking models in a loop). Small bodies (error pages, listings) are bytes; a small file is
//! a range of the bytes the file cache already holds (`Body::Cached`).

use std::fs::File;
use std::io::Write;
use std::sync::Arc;

/// Append `n` in decimal (what `write!("{n}")` does, without the `fmt` machinery).
pub fn push_decimal(buf: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    buf.extend_from_slice(&digits[at..]);
}

/// The statuses this server sends.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Status {
    Ok,
    PartialContent,
    MovedPermanently,
    NotModified,
    BadRequest,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    RequestTimeout,
    PayloadTooLarge,
    UriTooLong,
    RangeNotSatisfiable,
    HeaderFieldsTooLarge,
    InternalServerError,
    ServiceUnavailable,
    VersionNotSupported,
}

impl Status {
    pub fn code(self) -> u16 {
        match self {
            Status::Ok => 200,
            Status::PartialContent => 206,
            Status::MovedPermanently => 301,
            Status::NotModified => 304,
            Status::BadRequest => 400,
            Status::Forbidden => 403,
            Status::NotFound => 404,
            Status::MethodNotAllowed => 405,
            Status::RequestTimeout => 408,
            Status::PayloadTooLarge => 413,
            Status::UriTooLong => 414,
            Status::RangeNotSatisfiable => 416,
            Status::HeaderFieldsTooLarge => 431,
            Status::InternalServerError => 500,
            Status::ServiceUnavailable => 503,
            Status::VersionNotSupported => 505,
        }
    }

    /// The explanation a 4xx carries when the code that refused has no more precise one.
    pub fn why(self) -> Option<&'static str> {
        match self {
            Status::BadRequest => Some("the request is malformed"),
            Status::Forbidden => Some("the server may not read this file"),
            Status::NotFound => Some("no such file or directory under the site's root"),
            Status::MethodNotAllowed => Some("only GET and HEAD are served"),
            Status::RequestTimeout => Some("the request head did not arrive in time"),
            Status::PayloadTooLarge => Some("the request body is larger than the server reads"),
            Status::UriTooLong => Some("the request line is longer than the server reads"),
            Status::RangeNotSatisfiable => Some("the Range starts past the end of the file"),
            Status::HeaderFieldsTooLarge => Some("the request head is larger than the server reads"),
            _ => None,
        }
    }

    pub fn reason(self) -> &'static str {
        match self {
            Status::Ok => "OK",
            Status::PartialContent => "Partial Content",
            Status::MovedPermanently => "Moved Permanently",
            Status::NotModified => "Not Modified",
            Status::BadRequest => "Bad Request",
            Status::Forbidden => "Forbidden",
            Status::NotFound => "Not Found",
            Status::MethodNotAllowed => "Method Not Allowed",
            Status::RequestTimeout => "Request Timeout",
            Status::PayloadTooLarge => "Payload Too Large",
            Status::UriTooLong => "URI Too Long",
            Status::RangeNotSatisfiable => "Range Not Satisfiable",
            Status::HeaderFieldsTooLarge => "Request Header Fields Too Large",
            Status::InternalServerError => "Internal Server Error",
            Status::ServiceUnavailable => "Service Unavailable",
            Status::VersionNotSupported => "HTTP Version Not Supported",
        }
    }

    /// 304 (and 1xx, 204, which we never send) have no body, whatever the headers say.
    pub fn has_body(self) -> bool {
        self != Status::NotModified
    }
}

/// Where the body comes from.
#[derive(Debug)]
pub enum Body {
    Empty,
    Bytes(Vec<u8>),
    /// `len` bytes from `start` of a small file held by the file cache (`file_cache.rs`):
    /// copied once, straight behind the head, by the driver.
    Cached {
        bytes: Arc<[u8]>,
        start: usize,
        len: usize,
    },
    /// `len` bytes of `file` from `offset`, for `sendfile(2)`.
    File {
        file: File,
        offset: u64,
        len: u64,
    },
}

impl Body {
    /// The body's bytes when they are in memory (`Bytes`, `Cached`); `None` for a file to
    /// stream and for no body.
    pub fn in_memory(&self) -> Option<&[u8]> {
        match self {
            Body::Bytes(bytes) => Some(bytes),
            Body::Cached { bytes, start, len } => bytes.get(*start..start + len),
            Body::Empty | Body::File { .. } => None,
        }
    }
}

/// One response, ready for a driver.
#[derive(Debug)]
pub struct Response {
    pub status: Status,
    /// Status line, header fields and the empty line.
    pub head: Vec<u8>,
    pub body: Body,
    /// Close the connection once this response is written.
    pub close: bool,
    /// Body bytes sent, for the access log.
    pub body_len: u64,
    /// Why a request was refused (every 4xx has one): in the body and the log line.
    pub why: Option<&'static str>,
}

/// Builds a head field by field into one buffer.
pub struct HeadBuilder {
    buf: Vec<u8>,
}

impl HeadBuilder {
    /// The status line, `Server` and `Date`. We always answer as HTTP/1.1 (RFC 7230 §2.6: a
    /// server sends its own version; a 1.0 client reads the response just the same).
    pub fn new(status: Status, date: &str) -> HeadBuilder {
        let mut buf = Vec::with_capacity(256);
        buf.extend_from_slice(b"HTTP/1.1 ");
        push_decimal(&mut buf, u64::from(status.code()));
        buf.push(b' ');
        buf.extend_from_slice(status.reason().as_bytes());
        buf.extend_from_slice(b"\r\nServer: reactor-lab\r\nDate: ");
        buf.extend_from_slice(date.as_bytes());
        buf.extend_from_slice(b"\r\n");
        HeadBuilder { buf }
    }

    /// `name: value` for any displayable value (formatted with `write!`).
    pub fn field(mut self, name: &str, value: impl std::fmt::Display) -> HeadBuilder {
        let _ = write!(self.buf, "{name}: {value}\r\n");
        self
    }

    /// `name: value` for text: copied as is, without the formatting machinery. The fields
    /// of every file response go through here and `field_number` (a few hundred thousand
    /// heads a second: `docs/performance.md`).
    pub fn field_str(mut self, name: &str, value: &str) -> HeadBuilder {
        self.buf.extend_from_slice(name.as_bytes());
        self.buf.extend_from_slice(b": ");
        self.buf.extend_from_slice(value.as_bytes());
        self.buf.extend_from_slice(b"\r\n");
        self
    }

    /// `name: 1234`.
    pub fn field_number(mut self, name: &str, value: u64) -> HeadBuilder {
        self.buf.extend_from_slice(name.as_bytes());
        self.buf.extend_from_slice(b": ");
        push_decimal(&mut self.buf, value);
        self.buf.extend_from_slice(b"\r\n");
        self
    }

    /// `Connection` as the client needs to hear it, then the empty line.
    /// `minor` is the request's HTTP/1.x minor version.
    pub fn finish(mut self, close: bool, minor: u8) -> Vec<u8> {
        if close {
            self.buf.extend_from_slice(b"Connection: close\r\n");
        } else if minor == 0 {
            self.buf.extend_from_slice(b"Connection: keep-alive\r\n");
        }
        self.buf.extend_from_slice(b"\r\n");
        self.buf
    }
}

/// A short text/plain response for an error or a redirect: `404 Not Found\n`; a 4xx says
/// why with the status's own explanation (`Status::why`).
pub fn simple(status: Status, date: &str, close: bool, minor: u8, head_only: bool) -> Response {
    simple_with(status, date, close, minor, head_only, &[])
}

/// [`simple`] with extra fields (`Allow`, `Location`, `Content-Range`).
pub fn simple_with(
    status: Status,
    date: &str,
    close: bool,
    minor: u8,
    head_only: bool,
    extra: &[(&str, &str)],
) -> Response {
    refusal(status, status.why(), date, close, minor, head_only, extra)
}

/// A client error that says why, in the body (`400 Bad Request: no Host header field…`)
/// and, through `Response::why`, in the access log: a student sending the lecture's
/// `GET / HTTP/1.1` without a `Host` learns what is missing. `why` is `None` for a
/// response that needs no reason (a redirect).
pub fn refusal(
    status: Status,
    why: Option<&'static str>,
    date: &str,
    close: bool,
    minor: u8,
    head_only: bool,
    extra: &[(&str, &str)],
) -> Response {
    let text = match why {
        Some(why) => format!("{} {}: {why}\n", status.code(), status.reason()),
        None => format!("{} {}\n", status.code(), status.reason()),
    };
    let mut head = HeadBuilder::new(status, date)
        .field("Content-Type", "text/plain; charset=utf-8")
        .field("Content-Length", text.len());
    for (name, value) in extra {
        head = head.field(name, value);
    }
    let body = if head_only {
        Body::Empty
    } else {
        Body::Bytes(text.into_bytes())
    };
    let body_len = match &body {
        Body::Bytes(b) => b.len() as u64,
        _ => 0,
    };
    Response {
        status,
        head: head.finish(close, minor),
        body,
        close,
        body_len,
        why,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_and_field_writers_match_format() {
        for n in [0u64, 7, 10, 99, 1024, 1 << 20, u64::MAX] {
            let mut buf = Vec::new();
            push_decimal(&mut buf, n);
            assert_eq!(buf, n.to_string().into_bytes());
        }
        let fast = HeadBuilder::new(Status::PartialContent, "D")
            .field_str("Content-Type", "text/plain")
            .field_number("Content-Length", 1234)
            .finish(false, 1);
        let slow = HeadBuilder::new(Status::PartialContent, "D")
            .field("Content-Type", "text/plain")
            .field("Content-Length", 1234)
            .finish(false, 1);
        assert_eq!(fast, slow);
        assert!(fast.starts_with(b"HTTP/1.1 206 Partial Content\r\nServer: reactor-lab\r\nDate: D\r\n"));
    }

    #[test]
    fn error_response_is_complete_http_and_says_why() {
        let r = simple(Status::NotFound, "D", false, 1, false);
        let body = "404 Not Found: no such file or directory under the site's root\n";
        assert_eq!(
            String::from_utf8_lossy(&r.head),
            format!(
                "HTTP/1.1 404 Not Found\r\nServer: reactor-lab\r\nDate: D\r\n\
                 Content-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\n\r\n",
                body.len()
            )
        );
        assert!(matches!(r.body, Body::Bytes(ref b) if b == body.as_bytes()));
        let r = refusal(Status::BadRequest, Some("no Host"), "D", true, 1, false, &[]);
        assert!(matches!(r.body, Body::Bytes(ref b) if b == b"400 Bad Request: no Host\n"));
        assert_eq!(r.why, Some("no Host"));
    }

    #[test]
    fn connection_field_follows_the_version() {
        let close = simple(Status::BadRequest, "D", true, 1, true);
        assert!(close.head.ends_with(b"Connection: close\r\n\r\n"));
        assert!(matches!(close.body, Body::Empty), "HEAD gets no body");
        let old = simple_with(
            Status::MethodNotAllowed,
            "D",
            false,
            0,
            false,
            &[("Allow", "GET, HEAD")],
        );
        assert!(old
            .head
            .ends_with(b"Allow: GET, HEAD\r\nConnection: keep-alive\r\n\r\n"));
    }
}
