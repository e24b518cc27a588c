//! Reading a trace (docs/trace-format.md) into what a picture needs: one *row* per
//! descriptor's life, the *turns* of the loop (for the wait shading and the ruler), and the
//! *marks* (accept, read, write, close...) placed on the rows.
//!
//! Rows follow connections, not numbers: the kernel gives a closed descriptor's number to the
//! next `accept`, and the reactor reuses slab keys, so a token or fd opens a new row at each
//! accept and the row ends at its close.

mod read;

pub use read::parse;

/// What sort of descriptor a row is.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum RowKind {
    Listener,
    Signal,
    /// An accepted connection.
    Client,
    /// A stream handed to the loop directly (a client's socket or stdin).
    Stream,
}

#[derive(Clone, Debug)]
pub struct Row {
    pub kind: RowKind,
    /// The peer address, "signal pipe", the listening address...
    pub label: String,
    pub fd: i64,
    pub opened_us: u64,
    pub closed_us: Option<u64>,
    /// Why it closed (reactor: the close reason; blocking: bytes moved).
    pub close_note: String,
    /// Blocking models: (bytes in, bytes out) of the connection, from its close record.
    pub bytes: Option<(u64, u64)>,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MarkKind {
    /// The backend reported the descriptor ready (no bytes moved by itself).
    Ready,
    Accept,
    Read,
    Write,
    Close,
    /// fork(2) or a new thread (blocking models).
    Spawn,
    /// waitpid(2) collected a child (fork model).
    Reap,
    /// A signal arrived through the self-pipe.
    Signal,
}

impl MarkKind {
    pub const ALL: [MarkKind; 8] = [
        MarkKind::Ready,
        MarkKind::Accept,
        MarkKind::Read,
        MarkKind::Write,
        MarkKind::Close,
        MarkKind::Spawn,
        MarkKind::Reap,
        MarkKind::Signal,
    ];

    pub fn name(self) -> &'static str {
        match self {
            MarkKind::Ready => "ready",
            MarkKind::Accept => "accept",
            MarkKind::Read => "read",
            MarkKind::Write => "write",
            MarkKind::Close => "close",
            MarkKind::Spawn => "fork/thread",
            MarkKind::Reap => "reap",
            MarkKind::Signal => "signal",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Mark {
    pub row: usize,
    pub t_us: u64,
    pub kind: MarkKind,
    /// The turn it happened in (0 for the blocking models).
    pub turn: u64,
    pub detail: String,
}

/// One turn of the loop.
#[derive(Clone, Debug, Default)]
pub struct Turn {
    pub number: u64,
    /// When the wait began.
    pub start_us: u64,
    pub wait_us: u64,
    pub dispatch_us: u64,
    pub watched: u64,
    pub ready: u64,
    /// Handler callbacks run (0: the turn served nobody, e.g. only accepts or a timeout).
    pub calls: u64,
}

/// A whole trace, ready to draw.
#[derive(Clone, Debug, Default)]
pub struct Timeline {
    /// "select", "poll", "epoll", or a blocking model ("fork"...).
    pub model: String,
    pub rows: Vec<Row>,
    pub turns: Vec<Turn>,
    pub marks: Vec<Mark>,
    /// The last moment the trace mentions.
    pub end_us: u64,
    /// Lines that were not JSON objects (a trace cut by kill -9 ends in half a line).
    pub skipped_lines: usize,
}
