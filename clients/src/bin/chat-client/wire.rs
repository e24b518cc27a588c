//! The chat's wire format, compiled from the server's own source files.
//!
//! The `clients` crate does not depend on `servers`, yet client and server must agree on
//! every byte: the line framing (4 KiB limit, `\r\n`), the text commands, the JSON objects.
//! Rather than a second copy that could drift, these modules *are* the server's files
//! (`servers/src/proto/chat/`), included by path. They refer to each other only through
//! `super::`, which is what makes that work. (A shared `chat-proto` crate would be the
//! next step if a third program needed them.)

// The client uses the encoding side the server does not, and vice versa.
#![allow(dead_code)]

#[path = "../../../../servers/src/proto/chat/codec.rs"]
mod codec;
#[path = "../../../../servers/src/proto/chat/json.rs"]
mod json;
#[path = "../../../../servers/src/proto/chat/lines.rs"]
pub mod lines;
#[path = "../../../../servers/src/proto/chat/message.rs"]
mod message;
#[path = "../../../../servers/src/proto/chat/text.rs"]
pub mod text;

pub use codec::Protocol;
pub use lines::{Frame, LineFramer};
pub use message::Command;

/// A line received from the server, as the user should see it (`None`: nothing to show).
pub fn render_received(protocol: Protocol, line: &str) -> Option<String> {
    match protocol {
        Protocol::Text => Some(line.to_string()),
        Protocol::Json => match json::parse_event(line) {
            Some(event) => text::render_event(&event),
            None => Some(format!("(unrecognised) {line}")),
        },
    }
}
