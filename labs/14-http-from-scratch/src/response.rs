//! The response head of the lecture's « Réponse Serveur »: a status line, `Content-Type`,
//! `Content-Length`, `Connection`, an empty line. The body follows (or not, for HEAD).

/// The reason phrase of the statuses this server sends.
pub fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        431 => "Request Header Fields Too Large",
        505 => "HTTP Version Not Supported",
        _ => "Error",
    }
}

/// The head of a response whose body is `len` bytes of `content_type`.
pub fn head(status: u16, content_type: &str, len: u64, keep_alive: bool) -> Vec<u8> {
    // LAB 14 BEGIN: the response head
    let mut head = format!(
        "HTTP/1.1 {status} {}\r\nServer: tiny-http\r\nContent-Type: {content_type}\r\nContent-Length: {len}\r\n",
        reason(status)
    );
    if status == 405 {
        head.push_str("Allow: GET, HEAD\r\n");
    }
    head.push_str(if keep_alive {
        "Connection: keep-alive\r\n\r\n"
    } else {
        "Connection: close\r\n\r\n"
    });
    head.into_bytes()
    // LAB 14 END
}

/// A whole error response: the head and a one-line body saying why.
pub fn error(status: u16, keep_alive: bool) -> Vec<u8> {
    let body = format!("{status} {}\n", reason(status));
    let mut out = head(status, "text/plain; charset=utf-8", body.len() as u64, keep_alive);
    out.extend_from_slice(body.as_bytes());
    out
}
