//! A parsed request + the site -> a response. The server's whole decision tree, in order:
//!
//! 0. `/status`: the server's figures as JSON (`status.rs`), not a file;
//! 1. method: GET and HEAD only, else 405 with `Allow: GET, HEAD`;
//! 2. target -> safe relative path (`path.rs`): malformed 400, refused 404;
//! 3. open it beneath the root (`site.rs`): 404 / 403 / 503 (out of descriptors) / 500;
//! 4. a directory: `/dir` without its slash is redirected to `/dir/` (relative links in the
//!    page must resolve inside it); then its `index.html`, or a generated listing;
//! 5. a file: 304 if `If-Modified-Since` is not older than its mtime; `Range` -> 206 / 416;
//!    else 200. Small files are read into memory *before* the head is built (one `write` for
//!    head and body, and a `Content-Length` that is what was read, even if the file shrank
//!    meanwhile), and kept there for the next request (`file_cache.rs`); larger ones, and
//!    ranges of them, are streamed with `sendfile(2)` by the driver.

use super::date::{format_http_date, parse_http_date, unix_secs};
use super::file_cache::CachedFile;
use super::listing;
use super::mime::content_type;
use super::path::{naive_path, safe_path, PathError, SafePath};
use super::range::{parse_range, RangeOutcome};
use super::request::{Method, Request};
use super::response::{refusal, simple, simple_with, Body, HeadBuilder, Response, Status};
use super::site::{fd_path, Found, Missing, Site};
use super::status;
use std::borrow::Cow;
use std::fs::{File, Metadata};
use std::path::Path;
use std::sync::Arc;

/// Files up to this size are read and sent with their head in one `write`; larger ones go
/// through `sendfile(2)`. One small read beats a second system call.
pub const SMALL_FILE: u64 = 16 * 1024;

/// What every response needs to know besides the request.
pub struct Context<'a> {
    pub site: &'a Site,
    /// The `Date` header value (see `date::DateCache`).
    pub date: &'a str,
}

/// Answer one request.
pub fn respond(req: &Request, cx: &Context<'_>) -> Response {
    let close = !req.keep_alive;
    let head_only = req.method == Method::Head;
    let error = |status: Status| simple(status, cx.date, close, req.minor, head_only);
    if status::is_status(&req.target) {
        if let Some(figures) = status::snapshot() {
            return status::respond(req, cx, figures);
        }
    }
    if let Method::Other(_) = req.method {
        return simple_with(
            Status::MethodNotAllowed,
            cx.date,
            close,
            req.minor,
            false,
            &[("Allow", "GET, HEAD")],
        );
    }
    let path = match safe_path(&req.target) {
        Ok(path) => path,
        // BUG naive-join: the lecture's `file_path++`: the target minus its `/`, `..` and all.
        Err(PathError::Refused) if cx.site.naive_join() => naive_path(&req.target),
        Err(PathError::Malformed) => {
            let why = "the request target is not a path (it must start with / and use valid %-escapes)";
            return refusal(Status::BadRequest, Some(why), cx.date, close, req.minor, head_only, &[]);
        }
        Err(PathError::Refused) => {
            let why = "this path is refused: it would leave the site's root or cannot be a file name";
            return refusal(Status::NotFound, Some(why), cx.date, close, req.minor, head_only, &[]);
        }
    };
    match cx.site.lookup(&path.rel) {
        Ok(Found::File(file, meta)) => serve_file(req, cx, Source::open(file, &meta), &path.rel),
        Ok(Found::Small(small)) => serve_file(req, cx, Source::Memory(small), &path.rel),
        Ok(Found::Dir(dir)) => serve_dir(req, cx, &dir, &path),
        Err(Missing::NotFound) => error(Status::NotFound),
        Err(Missing::Forbidden) => error(Status::Forbidden),
        Err(Missing::Busy) => busy(req, cx),
        Err(Missing::Error) => error(Status::InternalServerError),
    }
}

/// Out of descriptors: 503, try again in a second, and close (which frees one).
pub fn busy(req: &Request, cx: &Context<'_>) -> Response {
    let head_only = req.method == Method::Head;
    simple_with(
        Status::ServiceUnavailable,
        cx.date,
        true,
        req.minor,
        head_only,
        &[("Retry-After", RETRY_AFTER_SECS)],
    )
}

/// What a 503 asks the client to wait, in seconds.
pub const RETRY_AFTER_SECS: &str = "1";

/// The whole response written to a client refused at accept (at `--max-connections`, or
/// into the descriptor reserve), before any request was read: a 503 the client can act on
/// rather than a line of text. No `Date`: RFC 9110 §6.6.1 makes it optional on 5xx.
pub fn refusal_bytes() -> Vec<u8> {
    let text = "503 Service Unavailable: too many connections, try again later\n";
    format!(
        "HTTP/1.1 503 Service Unavailable\r\nServer: reactor-lab\r\nRetry-After: {RETRY_AFTER_SECS}\r\n\
         Content-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
        text.len()
    )
    .into_bytes()
}

/// A directory: redirect to the slash form, then `index.html`, then a listing.
fn serve_dir(req: &Request, cx: &Context<'_>, dir: &File, path: &SafePath) -> Response {
    let (close, head_only) = (!req.keep_alive, req.method == Method::Head);
    if !path.trailing_slash {
        let location = format!("{}/", path.raw);
        return simple_with(
            Status::MovedPermanently,
            cx.date,
            close,
            req.minor,
            head_only,
            &[("Location", &location)],
        );
    }
    let index = path.rel.join("index.html");
    match cx.site.lookup(&index) {
        Ok(Found::File(file, meta)) => return serve_file(req, cx, Source::open(file, &meta), &index),
        Ok(Found::Small(small)) => return serve_file(req, cx, Source::Memory(small), &index),
        _ => {}
    }
    let (entries, skipped) = match listing::read_entries(&fd_path(dir)) {
        Ok(found) => found,
        Err(e) if matches!(e.raw_os_error(), Some(libc::EMFILE | libc::ENFILE)) => return busy(req, cx),
        Err(e) => {
            log::warn!("listing {}: {e}", path.raw);
            return simple(Status::InternalServerError, cx.date, close, req.minor, head_only);
        }
    };
    let page = listing::render(&path.raw, &entries, skipped);
    let head = HeadBuilder::new(Status::Ok, cx.date)
        .field("Content-Type", "text/html; charset=utf-8")
        .field("Content-Length", page.len())
        .finish(close, req.minor);
    body_response(Status::Ok, head, close, head_only, page)
}

/// Where a regular file's bytes come from.
enum Source {
    /// An open file: `size` bytes, modified at `mtime` (Unix seconds).
    Disk { file: File, size: u64, mtime: i64 },
    /// A small file already in memory.
    Memory(Arc<CachedFile>),
}

impl Source {
    fn open(file: File, meta: &Metadata) -> Source {
        let mtime = meta.modified().map(unix_secs).unwrap_or(0);
        Source::Disk {
            file,
            size: meta.len(),
            mtime,
        }
    }

    /// Size, modification time (Unix seconds) and the same as an HTTP date.
    fn size_and_dates(&self) -> (u64, i64, Cow<'_, str>) {
        match self {
            Source::Disk { size, mtime, .. } => (*size, *mtime, Cow::Owned(format_http_date(*mtime))),
            Source::Memory(small) => (
                small.bytes.len() as u64,
                small.mtime_secs,
                Cow::Borrowed(&small.last_modified),
            ),
        }
    }
}

/// A regular file: 304, 206, 416 or 200.
fn serve_file(req: &Request, cx: &Context<'_>, source: Source, rel: &Path) -> Response {
    let (close, head_only) = (!req.keep_alive, req.method == Method::Head);
    let (size, mtime, last_modified) = source.size_and_dates();
    if not_modified_since(req, mtime) {
        let head = HeadBuilder::new(Status::NotModified, cx.date)
            .field_str("Last-Modified", &last_modified)
            .finish(close, req.minor);
        return body_response(Status::NotModified, head, close, true, Vec::new());
    }
    let (status, start, len) = match wanted_range(req, &last_modified, size) {
        RangeOutcome::Full => (Status::Ok, 0, size),
        RangeOutcome::Partial { start, len } => (Status::PartialContent, start, len),
        RangeOutcome::Unsatisfiable => {
            let range = format!("bytes */{size}");
            return simple_with(
                Status::RangeNotSatisfiable,
                cx.date,
                close,
                req.minor,
                head_only,
                &[("Content-Range", &range)],
            );
        }
    };
    let mut head = HeadBuilder::new(status, cx.date)
        .field_str("Content-Type", content_type(&rel.to_string_lossy()))
        .field_number("Content-Length", len)
        .field_str("Last-Modified", &last_modified)
        .field_str("Accept-Ranges", "bytes");
    if status == Status::PartialContent {
        head = head.field(
            "Content-Range",
            format_args!("bytes {}-{}/{size}", start, start + len - 1),
        );
    }
    let head = head.finish(close, req.minor);
    if head_only {
        return Response {
            status,
            head,
            body: Body::Empty,
            close,
            body_len: 0,
            why: None,
        };
    }
    let file = match source {
        Source::Memory(small) => {
            // No copy here: the driver copies the range once, behind the head.
            return Response {
                status,
                head,
                body: Body::Cached {
                    bytes: Arc::clone(&small.bytes),
                    start: start as usize,
                    len: len as usize,
                },
                close,
                body_len: len,
                why: None,
            };
        }
        Source::Disk { file, .. } => file,
    };
    Response {
        status,
        head,
        body: Body::File {
            file,
            offset: start,
            len,
        },
        close,
        body_len: len,
        why: None,
    }
}

/// `If-Modified-Since`: the client's copy is at least as new as the file (1 s resolution).
fn not_modified_since(req: &Request, mtime: i64) -> bool {
    req.if_modified_since
        .as_deref()
        .and_then(parse_http_date)
        .is_some_and(|since| mtime <= since)
}

/// `Range`, unless an `If-Range` date says the client's partial copy is of another version.
fn wanted_range(req: &Request, last_modified: &str, size: u64) -> RangeOutcome {
    match (&req.range, &req.if_range) {
        (Some(_), Some(if_range)) if if_range != last_modified => RangeOutcome::Full,
        (Some(range), _) => parse_range(range, size),
        (None, _) => RangeOutcome::Full,
    }
}

fn body_response(status: Status, head: Vec<u8>, close: bool, head_only: bool, bytes: Vec<u8>) -> Response {
    let body_len = if head_only { 0 } else { bytes.len() as u64 };
    let body = if head_only || bytes.is_empty() {
        Body::Empty
    } else {
        Body::Bytes(bytes)
    };
    Response {
        status,
        head,
        body,
        close,
        body_len,
        why: None,
    }
}
