//! What a test, a server or a curious student can look at from outside the loop (beside the
//! lesson): the handler, the counters, the connections' pending output.

use super::Reactor;
use crate::{Handler, Token};

/// Counters a test or a curious student can look at.
#[derive(Clone, Debug, Default)]
pub struct Stats {
    /// Turns of the loop (waits that returned).
    pub turns: u64,
    /// Waits interrupted by a signal (EINTR), retried by the loop.
    pub interrupted_waits: u64,
    /// Connections accepted and registered.
    pub accepted: u64,
    /// Connections accepted then refused (capacity, or select's FD_SETSIZE).
    pub refused: u64,
    /// Events dispatched.
    pub events: u64,
}

impl<H: Handler> Reactor<H> {
    pub fn handler(&self) -> &H {
        &self.handler
    }

    pub fn handler_mut(&mut self) -> &mut H {
        &mut self.handler
    }

    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    /// Open connections (including adopted streams).
    pub fn connection_count(&self) -> usize {
        self.conns.len()
    }

    /// Bytes a connection still has to write (plus the fixed charge per queued file);
    /// `None` for an unknown or closed token.
    pub fn pending_output(&self, token: Token) -> Option<usize> {
        self.conns.get(token.0).filter(|c| !c.dead).map(|c| c.outbox.buffered())
    }

    /// The backend's name: "select", "poll" or "epoll".
    pub fn backend_name(&self) -> &'static str {
        self.backend.name()
    }
}
