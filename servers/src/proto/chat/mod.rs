//! The chat protocol: one room, two encodings, no sockets.
//!
//! # Reading order
//!
//! 1. `lines.rs` — [`LineFramer`]: bytes to lines (4 KiB limit, `\r\n`, bad UTF-8).
//! 2. `message.rs` — [`Command`] (what members ask) and [`Event`] (what they are told).
//! 3. `room.rs` — [`Room`]: members and nicks; commands in, [`Delivery`]s out.
//! 4. `text.rs` and `json.rs` — the two encodings, chosen by [`Protocol`] (`codec.rs`).
//! 5. `engine.rs` — [`Chat`]: framer output in, bytes per member out. What drivers call.
//!
//! The drivers that move those bytes are `reactive/chat/mod.rs` (select, poll, epoll, uring),
//! `reactive/chat/fork.rs` (a process per client, the room in the parent) and
//! `blocking/chat/mod.rs` (a thread per client, the room behind a lock).
//!
//! `controls.rs` says which characters may not reach another member's terminal.
//!
//! `lines.rs`, `message.rs`, `text.rs`, `json.rs`, `codec.rs` and `controls.rs` only refer to each other
//! (through `super::`): `chat-client` compiles the very same files, so client and server
//! cannot disagree on the wire format.

pub mod codec;
pub mod controls;
mod engine;
pub mod json;
pub mod lines;
pub mod message;
mod nick;
mod room;
pub mod text;

pub use codec::Protocol;
pub use engine::{Chat, Output};
pub use lines::{Frame, LineFramer, MAX_LINE};
pub use message::{Command, Event};
pub use room::{Delivery, LeaveReason, Room};

/// Who a member is, as the driver names its connections (a reactor token, a thread's
/// counter); the room only needs it to be unique among current members.
pub type MemberId = u64;

/// Output a member may have pending before it is dropped as too slow (256 KiB).
pub const DEFAULT_MAX_OUTPUT: usize = 256 * 1024;
