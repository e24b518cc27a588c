//! How much to read for one event: readiness rule 2, *read until `WouldBlock` or a short read*.
//!
//! A `read(2)` that fills less than the buffer has taken everything the socket held at that
//! moment: the kernel copies until the receive queue is empty or the buffer is full. So a
//! further read would only return `EAGAIN` — one system call per event, half the hot path of
//! an echo (`epoll_wait`, `read`, `write`, and that `read`). Whether we may skip it depends on
//! how the backend reports readiness:
//!
//! - **Level-triggered (select, poll): one read per event.** The kernel reports the fd again
//!   on the next wait for as long as data remains, whatever we left. Even a full buffer is
//!   safe to leave: the next turn comes back for the rest.
//! - **Edge-triggered (epoll through mio): until `WouldBlock` or a short read.** An edge comes
//!   only when something *new* arrives, so we must not leave data behind. A full read may
//!   have left some; a short read has not, and anything arriving after it wakes the socket
//!   again (each arrival is a new edge). tokio relies on the same observation for epoll and
//!   kqueue.
//! - **Until `WouldBlock` (or EOF) when the event also says the stream is ending** — the
//!   peer's FIN (`EPOLLRDHUP`), a hangup or an error. The FIN arrived *with* this edge and
//!   sits behind the data: a short read returns the data and stops at the FIN, and no new
//!   edge will ever announce it. Reading on returns 0 (EOF) now instead of never. The same
//!   goes for a hangup on any backend: `hangup_ready` closes the connection right after, so
//!   what the peer sent before it must be read first.
//!
//! - **Sockets only.** A terminal in canonical mode returns one *line* per read, however many
//!   were typed or pasted: a short read there proves nothing. Other descriptors (stdin for
//!   `chat-client`) are read until `WouldBlock` on epoll.
//!
//! The tests that hold this true on every backend are in `reactor/tests/short_reads.rs`.

use crate::Event;

/// How far `read_ready` reads for one event.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(super) enum ReadUntil {
    /// Level-triggered backends: one read; the next wait reports what is left.
    OneRead,
    /// Edge-triggered backend: stop at `WouldBlock` or at a read shorter than the buffer.
    ShortRead,
    /// Stop only at `WouldBlock` or EOF (the stream is ending; or reads left over from the
    /// last turn, which no event announces).
    WouldBlock,
}

impl ReadUntil {
    /// What this event asks for, on a backend that is (or is not) edge-triggered.
    pub(super) fn for_event(event: &Event, edge_triggered: bool) -> ReadUntil {
        if event.read_closed || event.hangup || event.error {
            ReadUntil::WouldBlock
        } else if edge_triggered {
            ReadUntil::ShortRead
        } else {
            ReadUntil::OneRead
        }
    }

    /// What applies to this stream: the short-read rule holds for sockets only (module doc).
    pub(super) fn for_stream(self, is_socket: bool) -> ReadUntil {
        match self {
            ReadUntil::ShortRead if !is_socket => ReadUntil::WouldBlock,
            other => other,
        }
    }

    /// After a read of `n` bytes into a buffer of `capacity`: is the socket done for now?
    pub(super) fn done_after(self, n: usize, capacity: usize) -> bool {
        match self {
            ReadUntil::OneRead => true,
            ReadUntil::ShortRead => n < capacity,
            ReadUntil::WouldBlock => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ReadUntil;
    use crate::{Event, Token};

    #[test]
    fn level_triggered_reads_once_edge_triggered_until_short() {
        let event = Event {
            readable: true,
            ..Event::new(Token(0))
        };
        assert_eq!(ReadUntil::for_event(&event, false), ReadUntil::OneRead);
        assert_eq!(ReadUntil::for_event(&event, true), ReadUntil::ShortRead);
        assert!(ReadUntil::ShortRead.done_after(100, 65536));
        assert!(!ReadUntil::ShortRead.done_after(65536, 65536));
        assert!(ReadUntil::OneRead.done_after(65536, 65536));
    }

    #[test]
    fn an_ending_stream_is_read_to_eof() {
        for end in [
            Event {
                read_closed: true,
                ..Event::new(Token(0))
            },
            Event {
                hangup: true,
                ..Event::new(Token(0))
            },
            Event {
                error: true,
                ..Event::new(Token(0))
            },
        ] {
            assert_eq!(ReadUntil::for_event(&end, true), ReadUntil::WouldBlock);
            assert_eq!(ReadUntil::for_event(&end, false), ReadUntil::WouldBlock);
        }
        assert!(!ReadUntil::WouldBlock.done_after(1, 65536));
    }

    #[test]
    fn a_terminal_is_read_until_would_block() {
        assert_eq!(ReadUntil::ShortRead.for_stream(false), ReadUntil::WouldBlock);
        assert_eq!(ReadUntil::ShortRead.for_stream(true), ReadUntil::ShortRead);
        assert_eq!(ReadUntil::OneRead.for_stream(false), ReadUntil::OneRead);
    }
}
