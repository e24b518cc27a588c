//! A deliberately minimal HTTP/1.1 responder for `--http`: just enough for Prometheus (or
//! `curl`) to scrape the store. It is *not* the workspace's HTTP server: one request per
//! connection, answered with `Connection: close`; no keep-alive, no bodies, no files.
//!
//! - `GET /metrics` → 200, Prometheus text exposition (`expose.rs`);
//! - `GET /metrics.json` → 200, the store as JSON;
//! - `HEAD` of either → the same head, no body;
//! - another path → 404; another method → 405 with `Allow: GET, HEAD`;
//! - a head that does not parse → 400; one over [`MAX_HEAD`] bytes → 431;
//! - more scrapes at once than `--max-scrapes` → 503 with `Retry-After` ([`busy`]).
//!
//! The request head is parsed by `httparse` (no hand-rolled parser for the format most
//! attacked on the Internet); response heads are written by the HTTP server's own
//! `HeadBuilder` (`proto/http/response.rs`). Sans I/O like the rest: bytes in, a response out.
//! The body of a 200 is the rendering shared by every scraper (`scrape.rs`), never a copy.

use super::expose::PROMETHEUS_CONTENT_TYPE;
use super::scrape::{Document, ExpositionCache, RETRY_AFTER_SECS};
use super::store::Store;
use crate::proto::http::date::{format_http_date, unix_secs};
use crate::proto::http::response::{HeadBuilder, Status};
use std::sync::Arc;
use std::time::SystemTime;

/// Largest request head we wait for.
pub const MAX_HEAD: usize = 8 * 1024;
/// Most header lines accepted.
const MAX_HEADERS: usize = 32;

/// A response: its own head, and a body that may be shared with other scrapers.
#[derive(Debug)]
pub struct Reply {
    pub head: Vec<u8>,
    pub body: Arc<[u8]>,
}

impl Reply {
    /// Head and body in one buffer (tests, small replies).
    pub fn to_vec(&self) -> Vec<u8> {
        [&self.head[..], &self.body[..]].concat()
    }
}

/// The response to the request at the start of `input`, or `None` while its head is
/// incomplete. Whatever the answer, the connection is closed after it.
pub fn respond(input: &[u8], store: &Store, cache: &mut ExpositionCache) -> Option<Reply> {
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
            Some(route(method, path, store, cache))
        }
    }
}

/// Whether `respond` would answer `input` now: its head is complete, malformed or too long.
/// The drivers count a scrape against `--max-scrapes` only from this point, so a client still
/// sending its head (bounded by the scrape deadline) never holds a slot.
pub fn head_done(input: &[u8]) -> bool {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    match httparse::Request::new(&mut headers).parse(input) {
        Ok(httparse::Status::Partial) => input.len() > MAX_HEAD,
        Ok(httparse::Status::Complete(_)) | Err(_) => true,
    }
}

fn route(method: &str, path: &str, store: &Store, cache: &mut ExpositionCache) -> Reply {
    let path = path.split('?').next().unwrap_or("");
    let head_only = method == "HEAD";
    if method != "GET" && !head_only {
        let allow = [("Allow", "GET, HEAD")];
        return response(
            Status::MethodNotAllowed,
            "text/plain",
            &allow,
            Arc::from(&b"GET or HEAD only\n"[..]),
            false,
        );
    }
    let (content_type, document) = match path {
        "/metrics" => (PROMETHEUS_CONTENT_TYPE, Document::Prometheus),
        "/metrics.json" => ("application/json", Document::Json),
        _ => {
            return response(
                Status::NotFound,
                "text/plain",
                &[],
                Arc::from(&b"try /metrics or /metrics.json\n"[..]),
                head_only,
            )
        }
    };
    response(Status::Ok, content_type, &[], cache.get(store, document), head_only)
}

/// 503 + `Retry-After`: `running` scrapes at once already (the connection is closed after it).
pub fn busy(running: usize) -> Reply {
    let body = format!("503 Service Unavailable: {running} scrapes already running, retry in {RETRY_AFTER_SECS} s\n");
    let retry = [("Retry-After", RETRY_AFTER_SECS)];
    response(
        Status::ServiceUnavailable,
        "text/plain",
        &retry,
        Arc::from(body.into_bytes()),
        false,
    )
}

fn error(status: Status, detail: &str) -> Reply {
    let body = format!("{} {}: {detail}\n", status.code(), status.reason());
    response(status, "text/plain", &[], Arc::from(body.into_bytes()), false)
}

/// The head written by the HTTP server's own `HeadBuilder` (status line, `Server`, `Date`),
/// then the body. `Content-Length` is the body's length even for HEAD, which is what the
/// client would get with GET.
fn response(status: Status, content_type: &str, extra: &[(&str, &str)], body: Arc<[u8]>, head_only: bool) -> Reply {
    let date = format_http_date(unix_secs(SystemTime::now()));
    let mut head = HeadBuilder::new(status, &date)
        .field("Content-Type", content_type)
        .field("Content-Length", body.len());
    for (name, value) in extra {
        head = head.field(name, value);
    }
    Reply {
        head: head.finish(true, 1),
        body: if head_only { Arc::from(&[][..]) } else { body },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::metrics::command::Kind;

    fn text(reply: Option<Reply>) -> String {
        String::from_utf8_lossy(&reply.map(|r| r.to_vec()).unwrap_or_default()).into_owned()
    }

    fn respond(input: &[u8], store: &Store) -> Option<Reply> {
        super::respond(input, store, &mut ExpositionCache::default())
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
        let busy = String::from_utf8_lossy(&busy(16).to_vec()).into_owned();
        assert!(
            busy.starts_with("HTTP/1.1 503 ") && busy.contains("Retry-After: 1\r\n"),
            "{busy}"
        );
    }

    #[test]
    fn incomplete_garbage_and_huge_heads() {
        let store = Store::default();
        assert!(respond(b"GET /metrics HTTP/1.1\r\nHost:", &store).is_none());
        assert!(!head_done(b"GET /metrics HTTP/1.1\r\nHost:"));
        assert!(head_done(b"GET /metrics HTTP/1.1\r\n\r\n") && head_done(b"\x00\r\n\r\n"));
        assert!(text(respond(b"\x00\x01 nonsense\r\n\r\n", &store)).starts_with("HTTP/1.1 400 "));
        let huge = format!("GET /metrics HTTP/1.1\r\nX: {}", "a".repeat(MAX_HEAD));
        assert!(text(respond(huge.as_bytes(), &store)).starts_with("HTTP/1.1 431 "));
    }
}
