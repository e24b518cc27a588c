//! The request head (RFC 9112 §2-3): a request line `METHOD SP TARGET SP HTTP/1.x`, header
//! lines `Name: value`, an empty line. Lines end with CRLF; a bare LF is accepted. The head
//! is bounded: a peer that never ends it must not cost unbounded memory.

/// Largest head accepted; past it the answer is 431.
pub const MAX_HEAD: usize = 8 * 1024;

/// What the handler needs of a request.
#[derive(Debug, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    pub target: String,
    /// 0 for HTTP/1.0, 1 for HTTP/1.1.
    pub minor: u8,
    /// Keep the connection open after the answer (1.1 unless `Connection: close`; 1.0 only
    /// with `Connection: keep-alive`).
    pub keep_alive: bool,
}

/// Where the head in `input` ends (the index just after its empty line), if it is complete.
pub fn head_end(input: &[u8]) -> Option<usize> {
    // LAB 14 BEGIN: find the end of the head
    let mut line_start = 0;
    for (i, &b) in input.iter().enumerate() {
        if b == b'\n' {
            let line = &input[line_start..i];
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if line.is_empty() && line_start > 0 {
                return Some(i + 1);
            }
            line_start = i + 1;
        }
    }
    None
    // LAB 14 END
}

/// Parse a complete head; `Err(400)` for anything malformed, `Err(505)` for another version.
pub fn parse(head: &[u8]) -> Result<Request, u16> {
    // LAB 14 BEGIN: parse the request line and the headers
    let text = std::str::from_utf8(head).map_err(|_| 400u16)?;
    let mut lines = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    let first = lines.find(|l| !l.is_empty()).ok_or(400u16)?;
    let mut words = first.split(' ');
    let (Some(method), Some(target), Some(version), None) = (words.next(), words.next(), words.next(), words.next())
    else {
        return Err(400);
    };
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_uppercase()) || target.is_empty() {
        return Err(400);
    }
    let minor = match version {
        "HTTP/1.1" => 1,
        "HTTP/1.0" => 0,
        v if v.starts_with("HTTP/") => return Err(505),
        _ => return Err(400),
    };
    let mut keep_alive = minor == 1;
    for line in lines.take_while(|l| !l.is_empty()) {
        let (name, value) = line.split_once(':').ok_or(400u16)?;
        if name.is_empty() || name.contains(' ') {
            return Err(400);
        }
        let value = value.trim();
        if name.eq_ignore_ascii_case("connection") {
            for option in value.split(',').map(str::trim) {
                if option.eq_ignore_ascii_case("close") {
                    keep_alive = false;
                } else if option.eq_ignore_ascii_case("keep-alive") {
                    keep_alive = true;
                }
            }
        } else if (name.eq_ignore_ascii_case("content-length") && value != "0")
            || name.eq_ignore_ascii_case("transfer-encoding")
        {
            // GET and HEAD carry no body here: refusing one keeps the framing simple.
            return Err(400);
        }
    }
    Ok(Request {
        method: method.to_string(),
        target: target.to_string(),
        minor,
        keep_alive,
    })
    // LAB 14 END
}
