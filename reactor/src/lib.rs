//! # reactor — an event loop you can read in an afternoon
//!
//! One thread serves many connections by asking the kernel *which* sockets are ready and only
//! then reading or writing them, never blocking on any one. The kernel interface is swappable
//! at run time: `select(2)`, `poll(2)` or `epoll(7)` (through `mio`). Everything the servers
//! of this workspace do on one thread goes through here.
//!
//! # Layout
//!
//! | file | idea |
//! |------|------|
//! | `token.rs`    | `Token`: slab key <-> the kernel's cookie |
//! | `interest.rs` | `Interest`: READABLE / WRITABLE |
//! | `event.rs`    | `Event`: what a backend reports |
//! | `backend/`    | `Backend` trait; `select.rs`, `poll.rs`, `epoll.rs` |
//! | `reactor/`    | `Reactor<H>`: the loop (`mod.rs`), `accept.rs`, `io.rs`, `apply.rs`, `close.rs` |
//! | `conn.rs`     | the per-connection record |
//! | `outbox.rs`   | pending output: bytes and `sendfile(2)` file ranges |
//! | `handler.rs`  | `Handler`: what a server implements |
//! | `ctx.rs`      | `Ctx`: what a handler may ask (send, broadcast, close, timers) |
//! | `timer.rs`    | deadline heap; the wait timeout comes from the nearest deadline |
//! | `signal.rs`   | SIGINT/SIGTERM -> self-pipe -> a readable event |
//! | `net/`        | `listener.rs` (socket, bind, listen, accept), `stream.rs` (read, write, cork), TCP and UNIX |
//! | `config.rs`   | limits: connections, output high-water mark, input, idle timeout |
//!
//! # Reading order
//!
//! 1. `backend/select.rs` — the lecture's multiplexed server, as one `poll()` method.
//! 2. `backend/mod.rs` — the trait all three backends share; then `poll.rs`, `epoll.rs`.
//! 3. `handler.rs` and `ctx.rs` — the contract a server writes against.
//! 4. `reactor/mod.rs` — `turn()`: wait, dispatch, timers, reap. Then `accept.rs`, `io.rs`.
//! 5. `outbox.rs`, `close.rs` — short writes, backpressure, closing safely.
//!
//! # Readiness rules
//!
//! 1. **Events can be spurious.** `WouldBlock` means "not now", never an error
//!    (`io.rs`: `read_ready`, `write_ready` return quietly).
//! 2. **Read until `WouldBlock` or a short read; accept until `WouldBlock`.** Edge-triggered
//!    epoll reports readiness once, so an event must leave the socket drained; a read that
//!    fills less than the buffer shows it is (the next read would only say `EAGAIN`), unless
//!    the same event brought the peer's FIN, which is then read too. Level-triggered select
//!    and poll report again whatever we leave, so one read per event is enough there
//!    (`reactor/read_until.rs`). (A connection that reaches its per-turn read budget is
//!    revisited next turn without waiting, so fairness does not break this rule.)
//! 3. **Ask for WRITABLE only while output is pending**, drop it when drained, or select and
//!    poll wake up on every turn for nothing (`Conn::wanted`).
//! 4. **Short writes are normal**: the rest stays in the outbox. **Buffers are bounded**: past
//!    `Config::max_output` a peer is paused (backpressure) or disconnected (`Overflow`).
//! 5. **Deregister before close; free the slab slot at the end of the turn** (`close.rs`).
//! 6. **`EINTR` is retried by the loop, not the backend** (`Reactor::turn`).
//! 7. **select cannot watch fd >= `FD_SETSIZE` (1024)**: that connection is refused with a log
//!    line and a closed socket (`backend/select.rs`, `accept.rs`).
//! 8. **`EMFILE` on accept must not spin**: pause accepting, log, keep serving (`accept.rs`).

mod backend;
mod config;
mod conn;
mod ctx;
mod event;
mod handler;
mod interest;
pub mod net;
mod outbox;
mod reactor;
pub mod signal;
mod timer;
mod token;

pub use crate::backend::{Backend, BackendKind, EpollBackend, PollBackend, SelectBackend};
pub use crate::config::{Config, Overflow};
pub use crate::ctx::Ctx;
pub use crate::event::Event;
pub use crate::handler::{CloseReason, Handler};
pub use crate::interest::Interest;
pub use crate::net::{ListenAddr, Listener, Peer, Stream};
pub use crate::outbox::{Flush, Outbox};
pub use crate::reactor::{Reactor, Stats};
pub use crate::signal::SignalPipe;
pub use crate::timer::TimerKey;
pub use crate::token::Token;
