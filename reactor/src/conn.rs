//! The per-connection record kept in the reactor's `Slab`, keyed by its `Token`.
//!
//! Everything the reactor needs to drive one socket without blocking: the socket, input not
//! yet consumed by the handler, output not yet taken by the kernel, what the backend is
//! currently watching it for, and the small state machine of closing.

use crate::outbox::LazyOutbox;
use crate::timer::TimerKey;
use crate::{CloseReason, Interest, Peer, Stream};
use std::time::Instant;

pub(crate) struct Conn<S> {
    /// The socket (or pipe) itself; closed when the record is dropped at the end of a turn.
    pub stream: Stream,
    /// Who is on the other end, for logs.
    pub peer: Peer,
    /// The handler's per-connection state.
    pub state: S,
    /// Received bytes the handler has not consumed: the start of an incomplete frame.
    pub inbuf: Vec<u8>,
    /// Output waiting for the socket to accept it (rule 4); allocated on first output.
    pub outbox: LazyOutbox,
    /// What the backend watches this fd for right now; compared with `wanted()` to avoid
    /// needless `epoll_ctl` calls.
    pub registered: Interest,
    /// Unique for the reactor's lifetime; the slab key is reused, this is not.
    pub serial: u64,
    /// The peer sent EOF: nothing more to read.
    pub read_closed: bool,
    /// We stop reading this peer: its output passed the high-water mark (backpressure), or
    /// flow control holds it while others drain what its input produced (`reactor/flow.rs`,
    /// which keeps the why and the how many).
    pub paused: bool,
    /// Close once the outbox is empty, for this reason.
    pub closing: Option<CloseReason>,
    /// Send FIN once the outbox is empty.
    pub shutdown_pending: bool,
    /// FIN sent: later sends are dropped.
    pub write_shut: bool,
    /// Deregistered and waiting for `reap_closed`; events still in this turn's batch are
    /// ignored (rule 5).
    pub dead: bool,
    /// Last time bytes arrived or our output made progress, for the idle timeout.
    pub last_active: Instant,
    /// The armed idle timer, cancelled on close.
    pub idle_timer: Option<TimerKey>,
    /// Is this a socket (broadcasts go to sockets only, never to stdin)?
    pub is_socket: bool,
}

impl<S> Conn<S> {
    /// May we read from it now?
    pub fn can_read(&self) -> bool {
        !self.dead && !self.read_closed && !self.paused && self.closing.is_none()
    }

    /// What the backend should watch it for: READABLE while we may read, WRITABLE only while
    /// output is pending (rule 3).
    pub fn wanted(&self) -> Interest {
        Interest {
            readable: self.can_read(),
            writable: !self.outbox.is_empty(),
        }
    }
}
