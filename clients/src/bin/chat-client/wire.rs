//! The chat's wire format: the server's own modules (`servers::proto::chat`), so client and
//! server agree on every byte — the line framing (4 KiB limit, `\r\n`), the text commands,
//! the JSON objects — with one definition that cannot drift.

use servers::proto::chat::json;
pub use servers::proto::chat::{controls, text};

pub use servers::proto::chat::codec::Protocol;
pub use servers::proto::chat::lines::{Frame, LineFramer};
pub use servers::proto::chat::message::Command;

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
