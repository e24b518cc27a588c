//! `--protocol text|json`: one switch that picks the encoding of a connection's lines.
//!
//! Decoding a line gives a [`Command`], encoding an [`Event`] gives bytes; the room in
//! between is the same for both, which is the point of keeping it free of any encoding.

use super::message::{Command, Event};
use super::{json, text};
use std::fmt;
use std::str::FromStr;

/// Which encoding the lines of a connection use.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub enum Protocol {
    /// Human-readable lines (`/nick bob`, `[alice] hi`).
    #[default]
    Text,
    /// One JSON object per line.
    Json,
}

impl Protocol {
    /// A line from a member, decoded; `Err` is the reason to send back.
    pub fn decode(self, line: &str) -> Result<Command, String> {
        match self {
            Protocol::Text => text::parse_command(line),
            Protocol::Json => json::parse_command(line),
        }
    }

    /// Append `event` and its newline to `out` (nothing for a text `Ok`).
    pub fn encode(self, event: &Event, out: &mut Vec<u8>) {
        let line = match self {
            Protocol::Text => text::render_event(event),
            Protocol::Json => Some(json::render_event(event)),
        };
        if let Some(line) = line {
            out.extend_from_slice(line.as_bytes());
            out.push(b'\n');
        }
    }

    /// The client side: a command as this encoding sends it (no newline).
    pub fn format_command(self, command: &Command) -> String {
        match self {
            Protocol::Text => text::format_command(command),
            Protocol::Json => json::format_command(command),
        }
    }
}

impl FromStr for Protocol {
    type Err = String;
    fn from_str(s: &str) -> Result<Protocol, String> {
        match s {
            "text" => Ok(Protocol::Text),
            "json" => Ok(Protocol::Json),
            other => Err(format!("unknown protocol {other:?} (expected text or json)")),
        }
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Protocol::Text => "text",
            Protocol::Json => "json",
        })
    }
}
