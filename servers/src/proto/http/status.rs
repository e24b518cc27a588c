//! `GET /status`: the server's own figures as JSON — its concurrency model, its uptime, the
//! connections open now and the requests answered since it started.
//!
//! ```text
//! $ curl -s http://127.0.0.1:8080/status
//! {"model":"epoll","uptime_seconds":42,"connections":1,"requests_served":17}
//! $ curl -si -X POST http://127.0.0.1:8080/status
//! HTTP/1.1 405 Method Not Allowed
//! Allow: GET, HEAD
//! ```
//!
//! One server per process, so the figures are process-wide state, set up once by
//! `http-server` (`init`) before it serves. The counters live in one page mapped with
//! `mmap(MAP_SHARED | MAP_ANONYMOUS)`: `fork(2)` gives a child a *copy* of ordinary memory,
//! so a count made in a child would stay there, whereas a shared mapping is the same
//! physical page in every process — the fork model's children count into the parent's
//! figures. Threads and the one-thread reactor share memory anyway. The counters are atomics,
//! which are lock-free and therefore also safe between processes.

use super::request::{Method, Request};
use super::response::{simple_with, Body, HeadBuilder, Response, Status};
use super::serve::Context;
use std::io;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::Instant;

/// The route this module answers.
pub const PATH: &str = "/status";

/// The counters shared by the server and its forked children.
#[derive(Default)]
struct Counters {
    connections: AtomicI64,
    requests: AtomicU64,
}

/// What `/status` reports, fixed at start plus the shared counters.
struct ServerStatus {
    model: String,
    started: Instant,
    counters: &'static Counters,
}

static STATUS: OnceLock<ServerStatus> = OnceLock::new();

/// The figures at one moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    pub model: String,
    pub uptime_seconds: u64,
    pub connections: i64,
    pub requests_served: u64,
}

/// Start counting for a server of `model`; call once, before serving (and before any fork).
pub fn init(model: &str) -> io::Result<()> {
    let counters = shared_counters()?;
    let status = ServerStatus {
        model: model.to_string(),
        started: Instant::now(),
        counters,
    };
    STATUS
        .set(status)
        .map_err(|_| io::Error::new(io::ErrorKind::AlreadyExists, "status already initialised"))
}

/// One page, `MAP_SHARED | MAP_ANONYMOUS`, holding the counters for the life of the process.
fn shared_counters() -> io::Result<&'static Counters> {
    // SAFETY: `Counters` is atomics only, no pointer.
    unsafe { reactor::shared_page::alloc::<Counters>() }
}

/// A client connected (the drivers call this when they accept).
pub fn connection_opened() {
    if let Some(s) = STATUS.get() {
        s.counters.connections.fetch_add(1, Ordering::Relaxed);
    }
}

/// A client's connection closed.
pub fn connection_closed() {
    if let Some(s) = STATUS.get() {
        s.counters.connections.fetch_sub(1, Ordering::Relaxed);
    }
}

/// A response was produced (`Exchange` calls this for every request it answers).
pub fn request_served() {
    if let Some(s) = STATUS.get() {
        s.counters.requests.fetch_add(1, Ordering::Relaxed);
    }
}

/// The figures now; `None` before `init` (unit tests, other binaries).
pub fn snapshot() -> Option<Snapshot> {
    let s = STATUS.get()?;
    Some(Snapshot {
        model: s.model.clone(),
        uptime_seconds: s.started.elapsed().as_secs(),
        connections: s.counters.connections.load(Ordering::Relaxed),
        requests_served: s.counters.requests.load(Ordering::Relaxed),
    })
}

/// Is this request for the status route? (`/status`, with or without a query string.)
pub fn is_status(target: &str) -> bool {
    target.split('?').next() == Some(PATH)
}

/// Answer a request for `/status`: GET and HEAD get the JSON, other methods 405 + `Allow`.
pub fn respond(req: &Request, cx: &Context<'_>, figures: Snapshot) -> Response {
    // LAB 10 BEGIN: the /status route
    let close = !req.keep_alive;
    if let Method::Other(_) = req.method {
        let allow = [("Allow", "GET, HEAD")];
        return simple_with(Status::MethodNotAllowed, cx.date, close, req.minor, false, &allow);
    }
    let json = serde_json::json!({
        "model": figures.model,
        "uptime_seconds": figures.uptime_seconds,
        "connections": figures.connections,
        "requests_served": figures.requests_served,
    });
    let body = format!("{json}\n").into_bytes();
    let head = HeadBuilder::new(Status::Ok, cx.date)
        .field("Content-Type", "application/json")
        .field("Content-Length", body.len())
        .field("Cache-Control", "no-store")
        .finish(close, req.minor);
    let (body, body_len) = if req.method == Method::Head {
        (Body::Empty, 0)
    } else {
        let len = body.len() as u64;
        (Body::Bytes(body), len)
    };
    Response {
        status: Status::Ok,
        head,
        body,
        close,
        body_len,
        why: None,
    }
    // LAB 10 END
}
