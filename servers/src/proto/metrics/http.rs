//! A deliberately minimal HTTP/1.1 responder for `--http`: just enough for Prometheus (or
//! `curl`) to scrape the store. It is *not* the workspace's HTTP server: one request per
//! connection, answered with `Connection: close`; no keep-alive, no bodies, no files.
//!
//! - `GET /metrics` → 200, Prometheus text exposition (`expose.rs`);
//! - `GET /metrics.json` → 200, the store as JSON;
//! - `HEAD` of either → the same head, no body;
//! - another path → 404; another method → 405 with `Allow: GET, HEAD`;
//! - a head that does not parse → 400; one over [`MAX_HEAD`] bytes → 431.
//!
//! The request head is parsed by `httparse` (no hand-rolled parser for the format most
//! attacked on the Internet); response heads are written by the HTTP server's own
//! `HeadBuilder` (`proto/http/response.rs`). Sans I/O like the rest: bytes in, a response out.

use super::expose::{json_document, prometheus_text, PROMETHEUS_CONTENT_TYPE};
use super::store::Store;
use crate::proto::http::date::{format_http_date, unix_secs};
use crate::proto::http::response::{HeadBuilder, Status};
use std::time::SystemTime;

/// Largest request head we wait for.
pub const MAX_HEAD: usize = 8 * 1024;
/// Most header lines accepted.
const MAX_HEADERS: usize = 32;

/// The response to the request at the start of `input`, or `None` while its head is
/// incomplete. Whatever the answer, the connection is closed after it.
pub fn respond(input: &[u8], store: &Store) -> Option<Vec<u8>> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut request = httparse::Request::new(&mut headers);
    match request.parse(input) {
        Ok(httparse::Status::Partial) if input.len() > MAX_HEAD => {
            Some(error(Status::HeaderFieldsTooLarge, "head too long"))
        }
        Ok(httparse::Status::Partial) => None,
        Err(e) => Some(error(Status::BadRequest, &e.to_string())),
        Ok(httparse::Status::Complete(_)) => {
            let method = request.method.unwrap_or("");
            let path = request.path.unwrap_or("");
            Some(route(method, path, store))
        }
    }
}

fn route(method: &str, path: &str, store: &Store) -> Vec<u8> {
    let path = path.split('?').next().unwrap_or("");
    let head_only = method == "HEAD";
    if method != "GET" && !head_only {
        let allow = [("Allow", "GET, HEAD")];
        return response(
            Status::MethodNotAllowed,
            "text/plain",
            &allow,
            b"GET or HEAD only\n",
            false,
        );
    }
    let (content_type, body) = match path {
        "/metrics" => (PROMETHEUS_CONTENT_TYPE, prometheus_text(store)),
        "/metrics.json" => ("application/json", json_document(store)),
        _ => {
            return response(
                Status::NotFound,
                "text/plain",
                &[],
                b"try /metrics or /metrics.json\n",
                head_only,
            )
        }
    };
    response(Status::Ok, content_type, &[], body.as_bytes(), head_only)
}

fn error(status: Status, detail: &str) -> Vec<u8> {
    let body = format!("{} {}: {detail}\n", status.code(), status.reason());
    response(status, "text/plain", &[], body.as_bytes(), false)
}

/// The head written by the HTTP server's own `HeadBuilder` (status line, `Server`, `Date`),
/// then the body. `Content-Length` is the body's length even for HEAD, which is what the
/// client would get with GET.
fn response(status: Status, content_type: &str, extra: &[(&str, &str)], body: &[u8], head_only: bool) -> Vec<u8> {
    let date = format_http_date(unix_secs(SystemTime::now()));
    let mut head = HeadBuilder::new(status, &date)
        .field("Content-Type", content_type)
        .field("Content-Length", body.len());
    for (name, value) in extra {
        head = head.field(name, value);
    }
    let mut out = head.finish(true, 1);
    if !head_only {
        out.extend_from_slice(body);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::metrics::command::Kind;

    fn text(bytes: Option<Vec<u8>>) -> String {
        String::from_utf8_lossy(&bytes.unwrap_or_default()).into_owned()
    }

    #[test]
    fn routes_paths_and_methods() {
        let mut store = Store::default();
        let _ = store.describe("up".into(), Kind::Gauge, "is it up".into());
        let ok = text(respond(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n", &store));
        assert!(ok.starts_with("HTTP/1.1 200 OK\r\n"), "{ok}");
        assert!(
            ok.ends_with("\r\n\r\n# HELP up is it up\n# TYPE up gauge\nup 0\n"),
            "{ok}"
        );
        let json = text(respond(b"GET /metrics.json?x=1 HTTP/1.0\r\n\r\n", &store));
        assert!(json.contains("application/json") && json.contains("\"up\""), "{json}");
        assert!(text(respond(b"GET /nope HTTP/1.1\r\n\r\n", &store)).starts_with("HTTP/1.1 404 "));
        let post = text(respond(b"POST /metrics HTTP/1.1\r\n\r\n", &store));
        assert!(
            post.starts_with("HTTP/1.1 405 ") && post.contains("Allow: GET, HEAD"),
            "{post}"
        );
        let head = text(respond(b"HEAD /metrics HTTP/1.1\r\n\r\n", &store));
        assert!(head.ends_with("\r\n\r\n"), "{head}");
    }

    #[test]
    fn incomplete_garbage_and_huge_heads() {
        let store = Store::default();
        assert_eq!(respond(b"GET /metrics HTTP/1.1\r\nHost:", &store), None);
        assert!(text(respond(b"\x00\x01 nonsense\r\n\r\n", &store)).starts_with("HTTP/1.1 400 "));
        let huge = format!("GET /metrics HTTP/1.1\r\nX: {}", "a".repeat(MAX_HEAD));
        assert!(text(respond(huge.as_bytes(), &store)).starts_with("HTTP/1.1 431 "));
    }
}
