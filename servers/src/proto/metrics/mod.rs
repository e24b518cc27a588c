//! The metrics protocol: the lecture's "make your own protocol", three ways.
//!
//! Clients describe metrics (`DESC name kind doc`), report values (`VAL name value
//! [timestamp]`), and read them back (`GET name`, `LIST`). The same commands travel in three
//! encodings, all driving one [`Store`](store::Store):
//!
//! - **binary**: framed messages with a magic, a version, a type, a length and a canary
//!   byte (`binary.rs` has the layout tables and a hex dump);
//! - **text**: `COMMAND PARAM…\n`, for humans with `nc` (`text.rs`);
//! - **JSON**: `{"command":"get","param":"name"}\n` (`json.rs`).
//!
//! A connection's first byte says which one it speaks (`sniff.rs`). The store is exposed
//! over HTTP for Prometheus (`expose.rs`, `http.rs`, `scrape.rs`).
//!
//! # Reading order
//! `command.rs` (what is said) → `store.rs` (what it does) → `sniff.rs` → `text.rs`,
//! `json.rs` → `binary.rs`, `message.rs` (how it is spelled) → `session.rs` (one connection,
//! bytes in and out) → `expose.rs`, `scrape.rs`, `http.rs`. The drivers are `reactive/metrics.rs` and
//! `blocking/metrics.rs`.
//!
//! # Limits (every one is what keeps a hostile client from hurting the others)
//! | what | limit | past it |
//! |------|-------|---------|
//! | name | 64 bytes, `[a-zA-Z_:][a-zA-Z0-9_:]*` | `bad-name` |
//! | doc | 256 bytes, no control characters | `bad-doc` |
//! | value | finite (no NaN, no ±inf); counter increments >= 0 | `bad-value` |
//! | binary frame | 1 KiB | `too-long`, then closed |
//! | text / JSON line | 1 KiB | `too-long`, the line is skipped |
//! | metrics in the store | 10 000 | `store-full` |
//! | metrics created by one connection | 1 000 | `quota` |
//! | replies queued per connection | 64 KiB per batch, then the client is paused | backpressure |
//! | scrapes at once on `--http`, from complete head to end of reply | 16 | `503` + `Retry-After: 1` (`scrape.rs`) |
//! | one scrape, head and reply | 10 s | connection dropped |

pub mod binary;
pub mod command;
pub mod expose;
pub mod http;
pub mod json;
pub mod message;
pub mod scrape;
pub mod session;
pub mod sniff;
pub mod store;
pub mod text;

#[cfg(test)]
mod codec_tests;

pub use command::{Command, Error, ErrorCode, Kind, Reply, Sample};
pub use session::{Progress, Session};
pub use sniff::Encoding;
pub use store::Store;

/// Milliseconds since 1970 by the system clock: what drivers pass as `now_ms` (the protocol
/// itself never reads a clock, so its tests choose the time).
pub fn unix_millis() -> i64 {
    let since_epoch = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(since_epoch.as_millis()).unwrap_or(i64::MAX)
}
