//! # servers — one protocol, six concurrency models
//!
//! Each protocol is written once, without sockets (`proto/`). *Drivers* run it:
//!
//! - `blocking/`: `iterative` (one client at a time), `fork` (a process per client),
//!   `thread` (a thread per client) — blocking `read`/`write`, the lecture's servers with
//!   their classic bugs fixed;
//! - `reactive/`: `Handler` implementations for the one-thread reactor over select, poll or
//!   epoll (the `reactor` crate);
//! - `workers/`: `--workers N`, N forked processes each running one reactor, supervised
//!   (docs/workers.md).
//!
//! The binaries in `src/bin/` only parse flags (`cli.rs`) and pick a driver.
//!
//! # Reading order
//! `proto/echo.rs` → `blocking/iterative.rs` → `blocking/fork.rs` → `blocking/thread.rs`
//! → `reactive/echo.rs` → `bin/echo-server.rs`.

pub mod blocking;
pub mod bugs;
pub mod cli;
pub mod completion;
pub mod proto;
pub mod reactive;
pub mod trace_args;
pub mod workers;
