//! A request head (request line + header fields + empty line) from bytes, or the error
//! status it deserves.
//!
//! The head may arrive in pieces, one byte at a time even. [`parse_head`] first looks for the
//! empty line that ends it, remembering how far it already looked (`scanned`), so a head
//! trickling in costs linear time, not quadratic. Only a complete head goes to `httparse`,
//! which checks the grammar (tokens, no bare CR, no obsolete line folding).
//!
//! Limits, each with its RFC status: a head over [`MAX_HEAD`] or over [`MAX_HEADERS`] fields
//! → 431; a target over [`MAX_TARGET`] → 414; an HTTP version other than 1.0/1.1 → 505;
//! anything malformed → 400. Framing is checked strictly because two servers that disagree
//! on where a body ends can be made to see a hidden second request ("request smuggling"):
//! `Content-Length` together with `Transfer-Encoding`, or two different lengths → 400.

use super::response::Status;

/// Largest head accepted (request line + fields), in bytes.
pub const MAX_HEAD: usize = 16 * 1024;
/// Longest request target accepted.
pub const MAX_TARGET: usize = 8 * 1024;
/// Most header fields accepted.
pub const MAX_HEADERS: usize = 100;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Head,
    /// Any other token: answered 405.
    Other(String),
}

/// How the request says its body is framed.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum BodyFraming {
    None,
    Length(u64),
    /// `Transfer-Encoding: chunked`: we answer, then close rather than decode it.
    Chunked,
}

/// What the server needs to know about one request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    pub method: Method,
    pub target: String,
    /// 0 for HTTP/1.0, 1 for HTTP/1.1.
    pub minor: u8,
    /// The connection stays open after the response (1.1 default, or 1.0 + keep-alive).
    pub keep_alive: bool,
    pub body: BodyFraming,
    pub if_modified_since: Option<String>,
    pub range: Option<String>,
    pub if_range: Option<String>,
    /// `Referer` and `User-Agent`, for the access log's combined format (nothing else reads
    /// them).
    pub referer: Option<String>,
    pub user_agent: Option<String>,
}

/// The outcome of looking at the bytes received so far.
#[derive(Debug, PartialEq, Eq)]
pub enum Parsed {
    /// No complete head yet, and nothing wrong so far.
    Incomplete,
    /// A request, and the length of its head (including leading blank lines).
    Complete(Request, usize),
    /// The head is invalid: answer with this status, saying why, and close.
    Invalid(Status, &'static str),
}

/// Why a head is refused: the status to answer and the reason given in the body and log.
type Refused = (Status, &'static str);

/// Look for a complete head at the start of `input`. `scanned` remembers how far earlier
/// calls searched for the end (reset it to 0 after a complete head or an error).
pub fn parse_head(input: &[u8], scanned: &mut usize) -> Parsed {
    // RFC 7230 §3.5: ignore empty lines before a request line (some clients send a CRLF
    // after a body). They count against MAX_HEAD like the head itself: a client sending
    // CRLFs without end is refused at 16 KiB instead of growing the buffer.
    let start = input.iter().take_while(|&&b| b == b'\r' || b == b'\n').count();
    let Some(end) = find_head_end(input, start, scanned) else {
        return incomplete_or_too_large(input, start);
    };
    if end > MAX_HEAD {
        return Parsed::Invalid(Status::HeaderFieldsTooLarge, HEAD_TOO_LARGE);
    }
    match parse_complete(&input[start..end]) {
        Ok(request) => Parsed::Complete(request, end),
        Err((status, why)) => Parsed::Invalid(status, why),
    }
}

/// Index just past the blank line ending the head (`\r\n\r\n`, or bare `\n\n`).
fn find_head_end(input: &[u8], start: usize, scanned: &mut usize) -> Option<usize> {
    let from = (*scanned).max(start);
    for i in from..input.len() {
        if input[i] != b'\n' {
            continue;
        }
        match &input[i + 1..] {
            [b'\n', ..] => return Some(i + 2),
            [b'\r', b'\n', ..] => return Some(i + 3),
            [] | [b'\r'] => {
                *scanned = i; // look at this line ending again when more arrives
                return None;
            }
            _ => {}
        }
    }
    *scanned = input.len();
    None
}

/// An incomplete head (after `blank` leading empty-line bytes) is fine until the whole is
/// larger than any head we accept.
fn incomplete_or_too_large(input: &[u8], blank: usize) -> Parsed {
    if input.len() <= MAX_HEAD {
        Parsed::Incomplete
    } else if blank == 0 && !input.contains(&b'\n') {
        // The request line alone is over the limit.
        Parsed::Invalid(
            Status::UriTooLong,
            "the request line is longer than the server reads (MAX_HEAD in request.rs)",
        )
    } else {
        Parsed::Invalid(Status::HeaderFieldsTooLarge, HEAD_TOO_LARGE)
    }
}

const HEAD_TOO_LARGE: &str = "the request head is larger than the server reads (MAX_HEAD in request.rs)";

/// httparse on a complete head, then the checks httparse does not make.
fn parse_complete(head: &[u8]) -> Result<Request, Refused> {
    let mut fields = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut req = httparse::Request::new(&mut fields);
    match req.parse(head) {
        Ok(httparse::Status::Complete(_)) => {}
        Ok(httparse::Status::Partial) => return Err((Status::BadRequest, "the request head is cut short")),
        Err(httparse::Error::TooManyHeaders) => {
            return Err((
                Status::HeaderFieldsTooLarge,
                "more header fields than the server reads (MAX_HEADERS in request.rs)",
            ));
        }
        Err(httparse::Error::Version) => return Err(version_error(head)),
        Err(e) => return Err((Status::BadRequest, malformed(&e))),
    }
    let (Some(method), Some(target), Some(minor)) = (req.method, req.path, req.version) else {
        return Err((Status::BadRequest, "the request line is not METHOD TARGET HTTP/1.x"));
    };
    if target.len() > MAX_TARGET {
        return Err((
            Status::UriTooLong,
            "the request target is longer than the server reads (MAX_TARGET in request.rs)",
        ));
    }
    let method = match method {
        "GET" => Method::Get,
        "HEAD" => Method::Head,
        other => Method::Other(other.to_string()),
    };
    let mut request = Request {
        method,
        target: target.to_string(),
        minor,
        keep_alive: minor == 1,
        body: BodyFraming::None,
        if_modified_since: None,
        range: None,
        if_range: None,
        referer: None,
        user_agent: None,
    };
    apply_fields(&mut request, req.headers)?;
    Ok(request)
}

/// What httparse found wrong, in words.
fn malformed(error: &httparse::Error) -> &'static str {
    match error {
        httparse::Error::HeaderName => "a header field name holds a character not allowed there",
        httparse::Error::HeaderValue => "a header field value holds a control character",
        httparse::Error::NewLine => "a line does not end with CRLF",
        httparse::Error::Token => "the method or the request target holds a character not allowed there",
        _ => "the request head is malformed",
    }
}

/// httparse only knows HTTP/1.x: a well-formed `HTTP/d.d` it rejected is a version we do not
/// support (505); anything else in that place is a malformed request line (400).
fn version_error(head: &[u8]) -> Refused {
    let line = head.split(|&b| b == b'\n').next().unwrap_or_default();
    let version = line.trim_ascii_end().rsplit(|&b| b == b' ').next().unwrap_or_default();
    let unsupported = (Status::VersionNotSupported, "only HTTP/1.0 and HTTP/1.1 are served");
    match version.strip_prefix(b"HTTP/") {
        Some([major, b'.', minor]) if major.is_ascii_digit() && minor.is_ascii_digit() => unsupported,
        Some([major]) if major.is_ascii_digit() => unsupported, // "HTTP/2"
        _ => (
            Status::BadRequest,
            "the request line does not end with HTTP/1.0 or HTTP/1.1",
        ),
    }
}

/// Walk the header fields once, keeping what we use and rejecting ambiguous framing.
fn apply_fields(request: &mut Request, fields: &[httparse::Header<'_>]) -> Result<(), Refused> {
    let mut hosts = 0;
    let mut length: Option<u64> = None;
    let mut chunked: Option<bool> = None;
    let (mut close, mut keep_alive) = (false, false);
    for field in fields {
        let name = field.name;
        let value = std::str::from_utf8(field.value).ok().map(str::trim);
        if name.eq_ignore_ascii_case("host") {
            hosts += 1;
        } else if name.eq_ignore_ascii_case("content-length") {
            let this = content_length(value.ok_or((Status::BadRequest, BAD_LENGTH))?)?;
            if length.is_some_and(|l| l != this) {
                return Err((Status::BadRequest, "two Content-Length fields disagree"));
            }
            length = Some(this);
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            let value = value.ok_or((Status::BadRequest, "the Transfer-Encoding value is not text"))?;
            let last = value.rsplit(',').next().unwrap_or("").trim();
            chunked = Some(last.eq_ignore_ascii_case("chunked"));
        } else if name.eq_ignore_ascii_case("connection") {
            for token in value.unwrap_or("").split(',').map(str::trim) {
                close |= token.eq_ignore_ascii_case("close");
                keep_alive |= token.eq_ignore_ascii_case("keep-alive");
            }
        } else if name.eq_ignore_ascii_case("if-modified-since") {
            request.if_modified_since = value.map(str::to_string);
        } else if name.eq_ignore_ascii_case("range") {
            request.range = value.map(str::to_string);
        } else if name.eq_ignore_ascii_case("if-range") {
            request.if_range = value.map(str::to_string);
        } else if name.eq_ignore_ascii_case("referer") {
            request.referer = value.map(str::to_string);
        } else if name.eq_ignore_ascii_case("user-agent") {
            request.user_agent = value.map(str::to_string);
        }
    }
    // RFC 7230 §5.4: exactly one Host in 1.1, never two.
    if hosts > 1 {
        return Err((Status::BadRequest, "more than one Host header field"));
    }
    if request.minor == 1 && hosts == 0 {
        return Err((
            Status::BadRequest,
            "HTTP/1.1 requires a Host header field (RFC 9112 §3.2)",
        ));
    }
    request.body = match (length, chunked) {
        (Some(_), Some(_)) => {
            // Request smuggling: two framings, and a proxy in front may pick the other one.
            return Err((Status::BadRequest, "both Content-Length and Transfer-Encoding"));
        }
        (None, Some(false)) => {
            return Err((
                Status::BadRequest,
                "a Transfer-Encoding other than chunked cannot be framed",
            ));
        }
        (None, Some(true)) => BodyFraming::Chunked,
        (Some(0), None) | (None, None) => BodyFraming::None,
        (Some(n), None) => BodyFraming::Length(n),
    };
    request.keep_alive = !close && (request.minor == 1 || keep_alive);
    Ok(())
}

const BAD_LENGTH: &str = "Content-Length is not a decimal number";

/// `Content-Length: 42`, or the list form `42, 42` some proxies send; all digits, same value.
fn content_length(value: &str) -> Result<u64, Refused> {
    let mut result = None;
    for part in value.split(',').map(str::trim) {
        if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
            return Err((Status::BadRequest, BAD_LENGTH));
        }
        let n: u64 = part.parse().map_err(|_| (Status::BadRequest, BAD_LENGTH))?;
        if result.is_some_and(|r| r != n) {
            return Err((Status::BadRequest, "a Content-Length list with different values"));
        }
        result = Some(n);
    }
    result.ok_or((Status::BadRequest, BAD_LENGTH))
}
