//! Limits and policies of a reactor: every one of them is what keeps a hostile or slow peer
//! from costing unbounded memory or starving the others. The lecture's bugs and the flight
//! recorder are not limits: they are attached to a reactor apart (`Reactor::with_bugs`,
//! `Reactor::with_trace`).

use std::time::Duration;

/// What to do with a connection whose pending output passes `max_output`.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Overflow {
    /// Stop reading it until its output drains below half the limit. Right for echo and
    /// HTTP: the peer that does not read is the one whose input we stop taking.
    Backpressure,
    /// Disconnect it. For a relay that cannot slow its sources down.
    Disconnect,
    /// Stop reading the connection whose input produced the output (the sender) until the
    /// recipient drains; disconnect a recipient that stalls (`stall_timeout`) or stays over
    /// (`over_limit_timeout`). Right for chat: the output comes from *other* members, so the
    /// one to slow down is the sender (`reactor/flow.rs`).
    HoldSenders,
}

/// `HoldSenders`: a recipient whose pending output passes this many times `max_output` is
/// dropped at once (`reactor/flow.rs`; the blocking chat's queues use the same bound).
pub const HARD_LIMIT_FACTOR: usize = 4;

/// Descriptors a server keeps in reserve by default (see `fd_reserve.rs`).
pub const DEFAULT_FD_RESERVE: usize = 16;

#[derive(Clone, Debug)]
pub struct Config {
    /// Connections served at once; the next ones are told `busy_message` and closed.
    pub max_connections: usize,
    /// High-water mark of a connection's pending output, in bytes.
    pub max_output: usize,
    /// What happens past the high-water mark.
    pub overflow: Overflow,
    /// Largest incomplete frame kept for the handler; past it the connection is closed.
    pub max_input: usize,
    /// Close connections that send nothing for this long.
    pub idle_timeout: Option<Duration>,
    /// Written (best effort) to a connection refused for capacity.
    pub busy_message: Vec<u8>,
    /// How long a graceful shutdown may spend flushing before closing what is left.
    pub shutdown_grace: Duration,
    /// Descriptors kept free for the connections already admitted (files to open, pipes):
    /// a newcomer that would eat into them is refused like one past `max_connections`.
    pub fd_reserve: usize,
    /// `HoldSenders`: a recipient over `max_output` whose writes make no progress for this
    /// long is too slow.
    pub stall_timeout: Duration,
    /// `HoldSenders`: a recipient over `max_output` for this long, even moving, is too slow.
    pub over_limit_timeout: Duration,
    /// The listener is shared with other processes, each running its own reactor
    /// (`--workers`): ask the backend to wake only one of them per new connection where it
    /// can (epoll's `EPOLLEXCLUSIVE`: no thundering herd). See docs/workers.md.
    pub shared_listener: bool,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            max_connections: 1024,
            max_output: 1 << 20,
            overflow: Overflow::Backpressure,
            max_input: 1 << 20,
            idle_timeout: None,
            busy_message: b"server busy: too many connections, try again later\n".to_vec(),
            shutdown_grace: Duration::from_secs(2),
            fd_reserve: DEFAULT_FD_RESERVE,
            stall_timeout: Duration::from_secs(2),
            over_limit_timeout: Duration::from_secs(10),
            shared_listener: false,
        }
    }
}
