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

use super::date::format_clf_date;
use super::response::Response;
use std::fmt::Write as _;

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
    fn host_without_port() {
        assert_eq!(host_of("127.0.0.1:8080"), "127.0.0.1");
        assert_eq!(host_of("[::1]:8080"), "::1");
        assert_eq!(host_of("unix:(unnamed)"), "unix:(unnamed)");
    }
}
