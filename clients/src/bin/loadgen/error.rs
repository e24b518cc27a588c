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
    },
    /// More bytes came back than were sent.
    TooLong {
        round: u32,
        extra: usize,
    },
    /// An idle connection received bytes it never asked for.
    Unsolicited,
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
            ConnError::Unsolicited => "unexpected data".into(),
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
            ConnError::Corrupted { round, mismatch: m } => write!(
                f,
                "round {round}: byte {} is {:?}, expected {:?}",
                m.offset,
                char::from(m.got),
                char::from(m.expected)
            ),
            ConnError::TooLong { round, extra } => {
                write!(f, "round {round}: {extra} byte(s) more than were sent")
            }
            other => write!(f, "{}", other.kind()),
        }
    }
}

/// `io::Error`'s text without the " (os error 111)" suffix, lower-case as strerror prints it.
fn io_reason(e: &io::Error) -> String {
    let text = e.to_string();
    let text = text.split(" (os error").next().unwrap_or(&text);
    text.to_lowercase()
}
