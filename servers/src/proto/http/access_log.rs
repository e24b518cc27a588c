//! The access log: one line per response, in the *common log format* that Apache and nginx
//! write and every log tool reads:
//!
//! ```text
//! 127.0.0.1 - - [06/Nov/1994:08:49:37 +0000] "GET /index.html HTTP/1.1" 200 1043
//! ```
//!
//! host, identity (`-`), user (`-`), time, the request line, status, body bytes (`-` for
//! none); then, for a refused request, why, as one more quoted field (the way the combined
//! format appends its fields): `... 400 77 "HTTP/1.1 requires a Host header field …"`. The request line comes from the network: control characters and quotes are
//! escaped so a client cannot forge extra log lines or break the quoting.
//!
//! `--access-log FILE` writes the *combined* format instead, nginx's default: the same, then
//! the `Referer` and `User-Agent` the client sent, quoted and escaped alike (`-` when absent):
//!
//! ```text
//! 127.0.0.1 - - [06/Nov/1994:08:49:37 +0000] "GET / HTTP/1.1" 200 1043 "-" "curl/8.5.0"
//! ```
//! Those lines go through a buffer (`reactive/access_log.rs`); this file only formats them.

use super::date::format_clf_date;
use super::response::Response;
use std::fmt::Write as _;
use std::io::Write as _;

/// What the access log says about a request, kept from its head.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestLog {
    /// `GET /path HTTP/1.1`, or `-` when the head could not be parsed.
    pub line: String,
    pub referer: Option<String>,
    pub user_agent: Option<String>,
}

impl RequestLog {
    /// For a head too broken to have a request line (nginx logs it the same way).
    pub fn unparsed() -> RequestLog {
        RequestLog {
            line: "-".to_string(),
            ..RequestLog::default()
        }
    }
}

/// Append one combined-format line (with its `\n`) for `response` to `log` from `host`;
/// `clf_date` is `format_clf_date` of the time, formatted once per second by the caller.
pub fn append_combined(out: &mut Vec<u8>, host: &str, log: &RequestLog, response: &Response, clf_date: &str) {
    let _ = write!(out, "{host} - - [{clf_date}] \"");
    escape_into(out, &log.line);
    // nginx's $body_bytes_sent: a number, 0 included (the common format's `-` is Apache's).
    let _ = write!(out, "\" {} {}", response.status.code(), response.body_len);
    for field in [&log.referer, &log.user_agent] {
        out.extend_from_slice(b" \"");
        escape_into(out, field.as_deref().unwrap_or("-"));
        out.push(b'"');
    }
    out.push(b'\n');
}

/// `escape`, appending to a byte buffer.
fn escape_into(out: &mut Vec<u8>, text: &str) {
    if text
        .bytes()
        .all(|b| matches!(b, 0x20..=0x7e) && b != b'"' && b != b'\\')
    {
        out.extend_from_slice(text.as_bytes()); // the usual case: nothing to escape
    } else {
        out.extend_from_slice(escape(text).as_bytes());
    }
}

/// One log line for `response` to `request_line` from `host`, at Unix time `now`.
pub fn line(host: &str, request_line: &str, response: &Response, now: i64) -> String {
    let bytes = match response.body_len {
        0 => "-".to_string(),
        n => n.to_string(),
    };
    let why = response
        .why
        .map(|why| format!(" \"{}\"", escape(why)))
        .unwrap_or_default();
    format!(
        "{host} - - [{}] \"{}\" {} {bytes}{why}",
        format_clf_date(now),
        escape(request_line),
        response.status.code()
    )
}

/// The host part of a peer address: `127.0.0.1:5000` -> `127.0.0.1`, `[::1]:5000` -> `::1`.
pub fn host_of(peer: &str) -> String {
    match peer.rsplit_once(':') {
        Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) && !host.is_empty() => {
            host.trim_start_matches('[').trim_end_matches(']').to_string()
        }
        _ => peer.to_string(),
    }
}

/// `\"`, `\\` and `\xNN` for anything that is not printable ASCII.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            0x20..=0x7e => out.push(b as char),
            _ => {
                let _ = write!(out, "\\x{b:02x}");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::response::{refusal, simple, Status};
    use super::*;

    #[test]
    fn common_log_format_and_why_a_request_was_refused() {
        let r = refusal(Status::NotFound, Some("gone"), "D", false, 1, false, &[]);
        assert_eq!(
            line("127.0.0.1", "GET /x HTTP/1.1", &r, 784_111_777),
            "127.0.0.1 - - [06/Nov/1994:08:49:37 +0000] \"GET /x HTTP/1.1\" 404 20 \"gone\""
        );
        let mut ok = simple(Status::Ok, "D", false, 1, false);
        ok.why = None;
        assert!(line("h", "GET / HTTP/1.1", &ok, 0).ends_with("\" 200 7"));
    }

    #[test]
    fn hostile_request_lines_stay_on_one_line() {
        let r = simple(Status::BadRequest, "D", true, 1, true);
        let l = line("h", "GET /\"\n\\ é", &r, 0);
        assert!(
            l.ends_with("\"GET /\\\"\\x0a\\\\ \\xc3\\xa9\" 400 - \"the request is malformed\""),
            "{l}"
        );
    }

    #[test]
    fn combined_log_format_like_nginx() {
        let r = simple(Status::NotFound, "D", false, 1, false);
        let mut out = Vec::new();
        let log = RequestLog {
            line: "GET /x HTTP/1.1".into(),
            referer: None,
            user_agent: Some("curl/8 \"evil\"\n".into()),
        };
        append_combined(&mut out, "::1", &log, &r, "06/Nov/1994:08:49:37 +0000");
        // The 404 body says why (every 4xx does): its length is the size field.
        let expected = format!(
            "::1 - - [06/Nov/1994:08:49:37 +0000] \"GET /x HTTP/1.1\" 404 {} \"-\" \"curl/8 \\\"evil\\\"\\x0a\"\n",
            r.body_len
        );
        assert_eq!(String::from_utf8_lossy(&out), expected);
    }

    #[test]
    fn host_without_port() {
        assert_eq!(host_of("127.0.0.1:8080"), "127.0.0.1");
        assert_eq!(host_of("[::1]:8080"), "::1");
        assert_eq!(host_of("unix:(unnamed)"), "unix:(unnamed)");
    }
}
