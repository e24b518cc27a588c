//! `Reactor<H>`: the event loop. One thread, non-blocking sockets, readiness from the kernel.
//!
//! One turn of the loop, each step a small named function (a gdb breakpoint):
//!
//! ```text
//! turn = turn_within(None)
//! turn_within ─ before_sleep         finish a shutdown whose grace ran out (shutdown.rs)
//!             ─ next_timeout         nearest timer deadline (0 if reads are left over,
//!                                    None: forever), capped by turn_within's own limit
//!             ─ observe(WaitBegins)  the recorder's hook (traced.rs; a branch when off)
//!             ─ wait_for_events      backend.poll(): select(2) / poll(2) / epoll_wait(2)
//!             ─ observe(WaitEnded)
//!             ─ retry_pending_reads  connections whose read budget ran out last turn
//!             ─ dispatch (each)      listener → accept_ready (accept.rs),
//!                                    signal pipe → signal_ready (signals.rs),
//!                                    connection → read_ready → deliver, write_ready,
//!                                    hangup_ready (io.rs)
//!             ─ fire_timers          idle timeouts, handler timers (close.rs), accept
//!                                    back-off → resume_accepting (accept_backoff.rs)
//!             ─ reap_closed          free the slab slots of connections closed this turn
//!             ─ observe(TurnEnded)
//!             ─ on_turn_end          the handler's once-per-turn work (flush a buffered log)
//! ```
//!
//! Beside the lesson, the flight recorder (`--trace`, `with_trace`) watches through one hook,
//! `observe(Seen::…)`: around the wait, at the turn's end, around a callback, at an accept,
//! a close, a timer (`traced.rs`; one branch each when no recorder is attached).
//!
//! The lesson's files: `read_until.rs` (how much one event must read: rule 2), `io.rs`
//! (reads, the one delivery path, writes, interest), `accept.rs` (new connections),
//! `apply.rs` (what handlers asked through `Ctx`), `close.rs` (closing, timers). Beside
//! them: `accept_backoff.rs` (EMFILE: pause accepting), `shutdown.rs` (a graceful stop),
//! `signals.rs` (the self-pipe), `streams.rs` (adopted streams), `inspect.rs` (counters and
//! accessors), `flow.rs` (holding a sender while a recipient drains:
//! `Overflow::HoldSenders`), `traced.rs` (the flight recorder's hook).

mod accept;
mod accept_backoff;
mod apply;
mod close;
mod flow;
mod inspect;
mod io;
mod read_until;
mod shutdown;
mod signals;
mod streams;
mod traced;

pub use inspect::Stats;

use crate::backend::{Backend, BackendKind};
use crate::conn::Conn;
use crate::ctx::Op;
use crate::signal::SignalPipe;
use crate::timer::Timers;
use crate::{Bug, Bugs, Config, Event, Handler, Interest, Listener, Peer, SelectBackend, Stream, Token};
use log::{debug, trace};
use slab::Slab;
use std::io as stdio;
use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};
use traced::Seen;

/// Size of the one read buffer shared by all connections; a connection only keeps the
/// bytes the handler did not consume.
const READ_CHUNK: usize = 64 * 1024;

/// Reads per connection per turn before we move on to the others (fairness); the rest is
/// read next turn, without waiting.
const READ_BUDGET: usize = 16;

/// Connection records reserved at most up front (see `conn_slab`).
const MAX_RESERVED_CONNS: usize = 1 << 20;

/// One listening socket and its accept state.
struct ListenerSlot {
    listener: Listener,
    /// Accepting is paused after EMFILE until a timer re-enables it (rule 8).
    paused: bool,
    /// EMFILE is logged once per episode (`fd_reserve.rs`).
    out_of_fds: crate::fd_reserve::OutOfFds,
    /// Other worker processes accept from it too (`--workers`, `Config::shared_listener`).
    shared: bool,
    /// Take one connection per wakeup and leave the rest to the next wait, ours or another
    /// worker's: a shared listener on a backend that reports it level-triggered (`accept.rs`).
    one_per_wakeup: bool,
}

pub struct Reactor<H: Handler> {
    /// select, poll or epoll.
    backend: Box<dyn Backend>,
    /// The protocol logic.
    handler: H,
    /// Connection records; a token is a key in here.
    conns: Slab<Conn<H::State>>,
    listeners: Vec<ListenerSlot>,
    /// The self-pipe carrying signals into the loop, once `watch_signals` was called.
    signals: Option<SignalPipe>,
    timers: Timers,
    config: Config,
    /// The lecture's bugs switched back on (`--bug NAME`, `bugs.rs`); none by default.
    bugs: Bugs,
    /// Operations recorded by the handler through `Ctx`, applied after each callback.
    ops: Vec<Op>,
    /// Connections given output by those operations, flushed right after (`apply.rs`).
    touched: Vec<Token>,
    /// The backend's output, reused every turn.
    events: Vec<Event>,
    /// The shared read buffer.
    scratch: Vec<u8>,
    /// Connections closed this turn, freed in `reap_closed` (rule 5).
    to_reap: Vec<Token>,
    /// Connections that still had data when their read budget ran out.
    pending_reads: Vec<Token>,
    /// Serial number for the next connection.
    next_serial: u64,
    /// Set when shutting down: the moment to stop waiting for output to flush.
    stopping: Option<Instant>,
    /// The clock, read once per turn.
    now: Instant,
    stats: Stats,
    /// The flight recorder (`--trace FILE`), once `with_trace` attached one (`traced.rs`).
    observer: Option<Box<traced::Observer>>,
    /// The connection whose input the handler is processing: output it causes is charged to
    /// it (`flow.rs`).
    sender: Option<Token>,
    /// Flow control's bookkeeping (`Overflow::HoldSenders`): who holds whom (`flow.rs`).
    flow: flow::Flow,
}

impl<H: Handler> Reactor<H> {
    /// A reactor over a fresh backend of `kind`.
    pub fn new(kind: BackendKind, handler: H, config: Config) -> stdio::Result<Reactor<H>> {
        let backend = kind.create()?;
        Ok(Reactor {
            backend,
            handler,
            conns: conn_slab(&config),
            listeners: Vec::new(),
            signals: None,
            timers: Timers::default(),
            config,
            bugs: Bugs::NONE,
            ops: Vec::new(),
            touched: Vec::new(),
            events: Vec::with_capacity(1024),
            scratch: vec![0; READ_CHUNK],
            to_reap: Vec::new(),
            pending_reads: Vec::new(),
            next_serial: 0,
            stopping: None,
            now: Instant::now(),
            stats: Stats::default(),
            observer: None,
            sender: None,
            flow: flow::Flow::default(),
        })
    }

    /// Switch the lecture's bugs back on (`--bug NAME`, docs/bugs.md), before the first
    /// `listen` or `add_stream`: `no-fdsetsize-guard` lives in a fresh select backend.
    pub fn with_bugs(mut self, bugs: Bugs) -> Reactor<H> {
        if bugs.has(Bug::NoFdsetsizeGuard) && self.backend.name() == "select" && self.backend.registered() == 0 {
            self.backend = Box::new(SelectBackend::with_bugs(bugs));
        }
        self.bugs = bugs;
        self
    }

    /// Accept connections from `listener` (made non-blocking here).
    pub fn listen(&mut self, listener: Listener) -> stdio::Result<Token> {
        let index = self.listeners.len();
        if index >= crate::token::MAX_LISTENERS {
            return Err(stdio::Error::other("too many listeners"));
        }
        listener.set_nonblocking(true)?;
        let token = Token::listener(index);
        // Other worker processes wait on a shared listener too (docs/workers.md).
        let shared = self.config.shared_listener;
        register_listener(self.backend.as_mut(), &listener, token, shared)?;
        self.listeners.push(ListenerSlot {
            listener,
            paused: false,
            out_of_fds: Default::default(),
            shared,
            one_per_wakeup: shared && self.backend.shared_listener_level_triggered(),
        });
        Ok(token)
    }

    /// Run turns until stopped (by a signal or `Ctx::stop`) and every connection is closed.
    pub fn run(&mut self) -> stdio::Result<()> {
        while !self.finished() {
            self.turn()?;
        }
        Ok(())
    }

    /// One turn of the loop. Public so tests (and gdb sessions) can step it.
    pub fn turn(&mut self) -> stdio::Result<()> {
        self.turn_within(None)
    }

    /// One turn that waits at most `max` (tests use it to step a loop that has nothing to do).
    pub fn turn_within(&mut self, max: Option<Duration>) -> stdio::Result<()> {
        self.before_sleep();
        let timeout = earliest(self.next_timeout(), max);
        self.observe(Seen::WaitBegins(timeout));
        let ready = match self.wait_for_events(timeout) {
            Ok(ready) => ready,
            Err(e) if e.kind() == stdio::ErrorKind::Interrupted => {
                // Rule 6: a signal interrupted the wait. Not an error: go round again.
                self.stats.interrupted_waits += 1;
                debug!("turn {}: wait interrupted (EINTR), retrying", self.stats.turns + 1);
                return Ok(());
            }
            Err(e) => return Err(e),
        };
        self.stats.turns += 1;
        debug!(
            "turn {}: {} fds={} timeout={} ready={}",
            self.stats.turns,
            self.backend.name(),
            self.backend.registered(),
            format_timeout(timeout),
            ready
        );
        self.observe(Seen::WaitEnded);
        self.retry_pending_reads();
        for i in 0..self.events.len() {
            let event = self.events[i];
            self.dispatch(event);
        }
        self.fire_timers();
        self.reap_closed();
        self.observe(Seen::TurnEnded);
        self.handler.on_turn_end(); // e.g. flush a buffered log, once per turn
        Ok(())
    }

    /// Has a stop completed (no connections left)?
    pub fn finished(&self) -> bool {
        self.stopping.is_some() && self.conns.is_empty()
    }

    /// How long the next wait may sleep: until the nearest timer, not at all when reads are
    /// left over from the last turn, at most until the shutdown grace ends.
    fn next_timeout(&mut self) -> Option<Duration> {
        if !self.pending_reads.is_empty() {
            return Some(Duration::ZERO);
        }
        let timer = self.timers.next_timeout(self.now);
        let grace = self
            .stopping
            .map(|deadline| deadline.saturating_duration_since(self.now));
        earliest(timer, grace)
    }

    /// Block in the backend; then read the clock once for the whole turn.
    fn wait_for_events(&mut self, timeout: Option<Duration>) -> stdio::Result<usize> {
        let result = self.backend.poll(&mut self.events, timeout);
        self.now = Instant::now();
        result
    }

    /// Route one event to the code for that kind of descriptor.
    fn dispatch(&mut self, event: Event) {
        trace!("dispatch {event:?}");
        self.stats.events += 1;
        if event.token == Token::SIGNAL {
            self.signal_ready();
        } else if let Some(index) = event.token.listener_index() {
            self.accept_ready(index);
        } else {
            if event.readable || event.hangup || event.error {
                let until = read_until::ReadUntil::for_event(&event, self.backend.edge_triggered());
                self.read_ready(event.token, until);
            }
            if event.writable {
                self.write_ready(event.token);
            }
            if event.hangup || event.error {
                self.hangup_ready(event.token);
            }
        }
    }

    fn take_serial(&mut self) -> u64 {
        self.next_serial += 1;
        self.next_serial
    }
}

/// The connection table, reserved for as many connections as the server may hold (its
/// limit, and its descriptors). Reserving is not touching: the pages of records never used
/// cost no memory. A table left to grow would double — copying every record each time and
/// leaving the old copies in the allocator's heap, ~40 % more memory per connection at 1000
/// connections (docs/scale.md).
fn conn_slab<S>(config: &Config) -> Slab<Conn<S>> {
    let descriptors = usize::try_from(crate::fd_reserve::fd_limit()).unwrap_or(usize::MAX);
    Slab::with_capacity(config.max_connections.min(descriptors).min(MAX_RESERVED_CONNS))
}

/// Watch a listener: shared with other workers (`EPOLLEXCLUSIVE` where the backend has it) or
/// ours alone. Also after an `EMFILE` pause (`accept.rs`).
fn register_listener(backend: &mut dyn Backend, listener: &Listener, token: Token, shared: bool) -> stdio::Result<()> {
    if shared {
        backend.register_shared_listener(listener.as_raw_fd(), token)
    } else {
        backend.register(listener.as_raw_fd(), token, Interest::READABLE)
    }
}

fn format_timeout(timeout: Option<Duration>) -> String {
    match timeout {
        None => "none".to_string(),
        Some(d) => format!("{}ms", d.as_millis()),
    }
}

/// The shorter of two optional waits (`None`: no limit).
fn earliest(a: Option<Duration>, b: Option<Duration>) -> Option<Duration> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

impl<S> Conn<S> {
    fn new(stream: Stream, peer: Peer, state: S, serial: u64, now: Instant, is_socket: bool) -> Conn<S> {
        Conn {
            stream,
            peer,
            state,
            inbuf: Vec::new(),
            outbox: Default::default(),
            registered: Interest::READABLE,
            serial,
            read_closed: false,
            paused: false,
            closing: None,
            shutdown_pending: false,
            write_shut: false,
            dead: false,
            last_active: now,
            idle_timer: None,
            is_socket,
        }
    }
}
