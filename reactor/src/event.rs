//! `Event`: one "this descriptor is ready" report from the kernel, backend-neutral.
//!
//! select(2) says readable/writable through its fd sets; poll(2) fills `revents` with
//! `POLLIN`, `POLLOUT`, `POLLHUP`, `POLLERR`; epoll fills `epoll_event.events` with the
//! `EPOLL*` twins. Each backend translates into these plain fields so the reactor's dispatch
//! reads the same whatever the backend.
//!
//! Readiness rule 1: an event is a hint, not a promise. A read after "readable" may still
//! return `WouldBlock` (another event consumed the data, or the kernel was optimistic), and
//! that is "not now", never an error.

/// One ready descriptor.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// Which registered descriptor (the slab key for connections).
    pub token: crate::Token,
    /// A read or accept would not block (data, a pending connection, or EOF).
    pub readable: bool,
    /// A write would not block (room in the socket send buffer).
    pub writable: bool,
    /// The peer hung up (`POLLHUP` / `EPOLLHUP`): nothing more can be written.
    pub hangup: bool,
    /// An error is pending on the socket (`POLLERR` / `EPOLLERR`); the next read reports it.
    pub error: bool,
    /// The peer's FIN has arrived (`EPOLLRDHUP`, set by the epoll backend only): after the
    /// data, a read will return 0. A short read does not consume it, so the reactor reads on
    /// to EOF (`reactor/io.rs`, `ReadUntil`).
    pub read_closed: bool,
}

impl Event {
    /// An event with nothing set, for the backends to fill in.
    pub fn new(token: crate::Token) -> Event {
        Event {
            token,
            readable: false,
            writable: false,
            hangup: false,
            error: false,
            read_closed: false,
        }
    }
}
