//! HTTP/1.1 for a static file server, as pure logic: bytes of a request head in, a response
//! (head bytes + a body *source*) out. No socket anywhere; the drivers in `reactive/http.rs`
//! and `blocking/http.rs` only move bytes and stream files with `sendfile(2)`.
//!
//! # Reading order
//!
//! 1. `exchange.rs` — the per-connection state machine the drivers call: one step answers
//!    one request (pipelining falls out of calling it in a loop).
//! 2. `request.rs` — finding the end of a head that arrives in pieces, `httparse`, limits
//!    (400, 414, 431, 505) and the framing checks against request smuggling.
//! 3. `serve.rs` — the decision tree from a request to a response (405, 404, 301, 304, 206…).
//! 4. `path.rs` and `site.rs` — how a target becomes a file *beneath* the root and never
//!    outside it: text rules first, then `openat2(RESOLVE_BENEATH)` for symbolic links.
//!    `file_cache.rs` — small files kept in memory, checked with one `fstatat` per request.
//! 5. `response.rs`, `range.rs`, `date.rs`, `mime.rs`, `listing.rs`, `access_log.rs`.
//!
//! # Choices a reader should know
//!
//! - Any path that would leave the root (`..`, `%2e%2e`, `%2f`, `\`, NUL, a symlink out) is
//!   **404**, like a missing file: nothing about the rest of the disk is confirmed.
//! - Errors in the head (400, 408, 413, 414, 431, 505) close the connection: after a broken
//!   head we cannot know where the next request would start. 404, 405, 416 keep it.

pub mod access_log;
pub mod date;
pub mod exchange;
pub mod file_cache;
pub mod listing;
pub mod mime;
pub mod path;
pub mod range;
pub mod request;
pub mod response;
pub mod serve;
pub mod site;
pub mod status;

#[cfg(test)]
mod tests;

pub use exchange::{Exchange, Step};
pub use response::{Body, Response, Status};
pub use serve::Context;
pub use site::Site;
