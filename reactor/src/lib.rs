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
//! | `backend/`    | `Backend` trait; `select.rs`, `poll.rs`, `epoll.rs`, `uring.rs` |
//! | `reactor/`    | `Reactor<H>`: the loop (`mod.rs`), `read_until.rs`, `io.rs`, `accept.rs`, `apply.rs`, `close.rs`; beside: `accept_backoff.rs`, `shutdown.rs`, `signals.rs`, `streams.rs`, `inspect.rs`, `flow.rs`, `traced.rs` |
//! | `conn.rs`     | the per-connection record |
//! | `outbox.rs`   | pending output: bytes and `sendfile(2)` file ranges |
//! | `handler.rs`  | `Handler`: what a server implements |
//! | `ctx.rs`      | `Ctx`: what a handler may ask (send, broadcast, close, timers) |
//! | `timer.rs`    | deadline heap; the wait timeout comes from the nearest deadline |
//! | `signal.rs`   | SIGINT/SIGTERM -> self-pipe -> a readable event |
//! | `closed_stdout.rs` | `EPIPE` on stdout (`BIN \| head -1`) ends the program like SIGPIPE, quietly |
//! | `net/`        | `listener.rs` (socket, bind, listen, accept), `stream.rs` (read, write; `cork.rs`, `blocking.rs` beside), TCP and UNIX (`unix_listener.rs`) |
//! | `config.rs`   | limits: connections, output high-water mark, input, idle timeout |
//! | `fd_reserve.rs` | descriptors kept free for the connections already admitted |
//! | `trace.rs`    | the flight recorder (`--trace FILE`, `Reactor::with_trace`) |
//! | `bugs.rs`     | the lecture's bugs, switched on with `--bug NAME` (`Reactor::with_bugs`, docs/bugs.md) |
//! | `uring.rs`    | opening an io_uring, naming why it is unavailable |
//! | `proactor/`   | the completion model: operations own their buffers until they complete (io_uring) |
//!
//! # Reading order
//!
//! Every file of the loop, in an order where each uses only names introduced by the files
//! before it (the README gives the same order, and continues into the servers;
//! `tests/reading_order.rs` checks that no file of the loop is missing). The lesson is marked
//! **lesson**; the files marked *beside* hold what the loop adds to it, and can be skipped on
//! a first reading.
//!
//! 0. `examples/first_loop.rs` — **lesson**: the whole multiplexed echo server in one file
//!    (wait, accept, read, write all or keep, close), on this crate's `Backend`. It uses four
//!    names before step 1 defines them, and says what each one is where it uses it.
//! 1. `token.rs`, `interest.rs`, `event.rs` — **lesson**: the words of the kernel interface:
//!    `Token` (which connection), `Interest` (readable, writable), `Event` (what a wait
//!    returned).
//! 2. `bugs.rs` — *beside*: the lecture's bugs as a set of switches (`Bug`, `Bugs`), named
//!    here because the next files have a `#[cold]` bug function after their correct code.
//! 3. `backend/mod.rs` — **lesson**: the `Backend` trait the four backends share: register,
//!    deregister, poll. Then `backend/select.rs` — **lesson**: the lecture's wait (`FD_ZERO`/
//!    `FD_SET`, `select(2)`, `FD_ISSET`, `FD_SETSIZE`). The lesson reads one backend: select.
//!    *Next*, the same wait with another system call, read after the lesson:
//!    `backend/poll.rs` (`poll(2)`) and `backend/epoll.rs` (`epoll_wait(2)`, edge-triggered);
//!    *beside*: `uring.rs` (opening a ring) and `backend/uring.rs`.
//! 4. The readiness rules below: what every caller of a backend must respect.
//! 5. `net/mod.rs` (`ListenAddr`, `Peer`), `net/stream.rs` (`Stream`), `net/listener.rs`
//!    (`Listener`: socket, bind, listen, accept) — **lesson**; *beside*:
//!    `net/unix_listener.rs` (a UNIX listener's socket file), `net/cork.rs` (`MSG_MORE`,
//!    `TCP_CORK`), `net/blocking.rs` (what blocking servers and clients ask of a stream).
//!    Then `timer.rs`, `ctx.rs` (`Ctx`) and `handler.rs` (`Handler`, `CloseReason`) —
//!    **lesson**: the contract a server writes against.
//! 6. `outbox.rs` (pending output: short writes) and `conn.rs` (one connection's record) —
//!    **lesson**; `config.rs` (`Config`: the loop's limits); *beside*: `signal.rs` (signals
//!    as a readable pipe), `fd_reserve.rs` (descriptors kept free), `shared_page.rs` and
//!    `sink.rs` (an output that fails, said once), `closed_stdout.rs` (a closed stdout ends a
//!    program quietly), `trace.rs` (the flight recorder's writer).
//! 7. `reactor/mod.rs` — **lesson**: the loop itself, `turn()`: wait, dispatch, timers, reap
//!    (the first loop again, with the rest beside it). The loop is one `impl` split across
//!    the files of `reactor/`, so `reactor/mod.rs` calls functions they define: read them next,
//!    `reactor/read_until.rs` (how much one event reads), `reactor/io.rs` (read, deliver,
//!    write), `reactor/accept.rs`, `reactor/apply.rs`, `reactor/close.rs` — **lesson**;
//!    *beside*: `reactor/accept_backoff.rs` (out of descriptors: pause accepting),
//!    `reactor/shutdown.rs` (a graceful stop), `reactor/signals.rs` (the self-pipe's event),
//!    `reactor/streams.rs` (streams the loop did not accept), `reactor/inspect.rs` (counters
//!    and accessors), `reactor/flow.rs` (holding a chat sender), `reactor/traced.rs` (the
//!    recorder's one hook, `observe`).
//! 8. *Beside*: `proactor/` — the completion model (io_uring): operations own their buffers
//!    until they complete. It shares the words of step 1 and the sockets of step 5, not the
//!    loop.
//!
//! `scripts/reading-path.sh` counts the lines of each step and how many of them are advanced
//! features; its lesson path is the files marked **lesson**, with one backend (select).

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
//!    revisited next turn without waiting, so fairness does not break this rule.) A listener
//!    shared by `--workers` processes is registered level-triggered and accepted from once per
//!    wakeup, so one worker does not take a whole burst (`reactor/accept.rs`).
//! 3. **Ask for WRITABLE only while output is pending**, drop it when drained, or select and
//!    poll wake up on every turn for nothing (`Conn::wanted`).
//! 4. **Short writes are normal**: the rest stays in the outbox. **Buffers are bounded**: past
//!    `Config::max_output` a peer is paused (backpressure), disconnected, or — for a relay
//!    such as a chat — the peer whose input produced the output is held until it drains
//!    (`Overflow`; `reactor/flow.rs`).
//! 5. **Deregister before close; free the slab slot at the end of the turn** (`close.rs`).
//! 6. **`EINTR` is retried by the loop, not the backend** (`Reactor::turn`).
//! 7. **select cannot watch fd >= `FD_SETSIZE` (1024)**: that connection is refused with a log
//!    line and a closed socket (`backend/select.rs`, `accept.rs`).
//! 8. **`EMFILE` on accept must not spin**: pause accepting, log, keep serving (`accept.rs`).
//!
//! Each rule has a test named after it, on every backend it applies to: `rule_1_…` to
//! `rule_6_…` in `tests/rules.rs`, `rule_7_…` and `rule_8_…` in `tests/rules_fds.rs`.
//! Rules 2, 4 and 7 can be broken on purpose, to watch what they prevent: `--bug read-once`,
//! `ignore-short-write`, `blocking-write`, `unbounded-outbox`, `no-fdsetsize-guard`
//! (`bugs.rs`, docs/bugs.md).

mod backend;
mod bugs;
pub mod closed_stdout;
mod config;
mod conn;
mod ctx;
mod event;
pub mod fd_reserve;
mod handler;
mod interest;
pub mod net;
mod outbox;
pub mod proactor;
mod reactor;
pub mod shared_page;
pub mod signal;
pub mod sink;
mod timer;
mod token;
pub mod trace;
pub mod uring;

pub use crate::backend::{Backend, BackendKind, EpollBackend, PollBackend, SelectBackend, UringBackend};
pub use crate::bugs::{Bug, Bugs};
pub use crate::config::{Config, Overflow, HARD_LIMIT_FACTOR};
pub use crate::ctx::Ctx;
pub use crate::event::Event;
pub use crate::handler::{CloseReason, Handler};
pub use crate::interest::Interest;
pub use crate::net::{ListenAddr, Listener, Peer, Stream};
pub use crate::outbox::{Flush, LazyOutbox, Outbox};
pub use crate::reactor::{Reactor, Stats};
pub use crate::signal::SignalPipe;
pub use crate::sink::{BufferedSink, LineSink, SinkHealth};
pub use crate::timer::TimerKey;
pub use crate::token::Token;
