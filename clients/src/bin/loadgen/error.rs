//! Why a connection stopped, and the short reason the report groups it under.
//!
//! Network failures (`ECONNREFUSED` from `connect`, `ECONNRESET` from `read`, `EPIPE` from
//! `write`, `EMFILE` when out of descriptors) are expected under load and are only counted.
//! A *broken echo* (a wrong byte, extra bytes) means the server is wrong: it is counted too,
//! and it makes the run fail (exit status 1).

use std::io;

use crate::pattern::Mismatch;

/// Why a connection stopped. Each becomes a count under [`ConnError::kind`] in the report.
#[derive(Debug)]
pub enum ConnError {
    Connect(io::Error),
    Write(io::Error),
    Read(io::Error),
    /// `read(2)` returned 0 before the echo was complete (or on an idle connection).
    ClosedByPeer,
    /// The echo differs from what was sent.
    Corrupted {
        round: u32,
        mismatch: Mismatch,
        /// The start of what came back: often a server's own message ("too many clients").
        received: String,
    },
    /// More bytes came back than were sent.
    TooLong {
        round: u32,
        extra: usize,
    },
    /// An idle connection received bytes it never asked for (their start, printable).
    Unsolicited(String),
}

impl ConnError {
    /// Short reason used to group errors in the report, e.g. `connect: connection refused`.
    pub fn kind(&self) -> String {
        match self {
            ConnError::Connect(e) => format!("connect: {}", io_reason(e)),
            ConnError::Write(e) => format!("write: {}", io_reason(e)),
            ConnError::Read(e) => format!("read: {}", io_reason(e)),
            ConnError::ClosedByPeer => "closed by peer".into(),
            ConnError::Corrupted { .. } => "verification: wrong byte".into(),
            ConnError::TooLong { .. } => "verification: extra bytes".into(),
            ConnError::Unsolicited(_) => "unexpected data".into(),
        }
    }

    /// A broken echo (as opposed to a network failure): makes the run exit with status 1.
    pub fn is_verification(&self) -> bool {
        matches!(self, ConnError::Corrupted { .. } | ConnError::TooLong { .. })
    }
}

impl std::fmt::Display for ConnError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConnError::Corrupted {
                round,
                mismatch: m,
                received,
            } => write!(
                f,
                "round {round}: byte {} is {:?}, expected {:?} (received \"{received}\")",
                m.offset,
                char::from(m.got),
                char::from(m.expected)
            ),
            ConnError::Unsolicited(received) => write!(f, "unexpected data \"{received}\""),
            ConnError::TooLong { round, extra } => {
                write!(f, "round {round}: {extra} byte(s) more than were sent")
            }
            other => write!(f, "{}", other.kind()),
        }
    }
}

/// Bytes shown in an error message: at most this many, escaped.
const SNIPPET_LEN: usize = 48;

/// The first bytes of `data`, escaped like a Rust byte string (`\n`, `\x00`), so a log line
/// shows what a misbehaving server actually said.
pub fn snippet(data: &[u8]) -> String {
    let shown = &data[..data.len().min(SNIPPET_LEN)];
    let mut text = shown.escape_ascii().to_string();
    if data.len() > SNIPPET_LEN {
        text.push('…');
    }
    text
}

/// `io::Error`'s text without the " (os error 111)" suffix, lower-case as strerror prints it.
fn io_reason(e: &io::Error) -> String {
    let text = e.to_string();
    let text = text.split(" (os error").next().unwrap_or(&text);
    text.to_lowercase()
}
