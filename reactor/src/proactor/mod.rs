//! # A proactor: the completion model on io_uring (`echo-server --model uring-completion`)
//!
//! ## Readiness versus completion, in one page
//!
//! **Readiness** (select, poll, epoll, and `backend/uring.rs`): the program asks "which
//! sockets *could* I read without blocking?", the kernel answers, then the program calls
//! `read(2)` itself, into its own buffer, and may still get `EAGAIN` (readiness rule 1).
//! Two system calls per transfer at least (the wait, shared by many sockets, and the read),
//! and the buffer belongs to the program except during that `read`.
//!
//! **Completion** (io_uring, Windows IOCP): the program says "receive into *this* buffer"
//! and goes on; later the kernel says "done: 517 bytes are in it" (or "-ECONNRESET"). The
//! transfer happens *inside* the kernel, with no further call, and there is no "not now":
//! the operation simply completes later. The price is ownership:
//!
//! - **Who owns the buffer when.** From submission to completion the buffer is the
//!   kernel's. Touching it, freeing it, or letting it move is a use-after-free that no
//!   compiler sees (Rust's borrow checker cannot follow a pointer into the kernel). `conn.rs`
//!   records, per connection, which buffer is lent (`InFlight`), and a connection is freed
//!   only when nothing is.
//! - **Why cancellation is tricky.** Closing a connection with a receive in flight cannot
//!   just drop the record: the kernel may still write into its buffer. The proactor submits
//!   `IORING_OP_ASYNC_CANCEL` and keeps the record until the receive's *own* completion
//!   arrives (`-ECANCELED`, or the data if it won the race). Cancelling is a request, not an
//!   order: it completes asynchronously too. (This is why async Rust runtimes over io_uring
//!   cannot simply drop a future that owns a buffer.)
//! - **Batching.** Operations are written into the shared submission ring with no system
//!   call; one `io_uring_enter` hands the kernel everything queued during a turn *and*
//!   waits for completions. Ten clients that each need a send and a receive cost one call,
//!   not twenty (`make demo-uring` prints submissions and completions per turn).
//! - **Where epoll still wins.** Memory: a completion server lends one buffer per pending
//!   receive — 10 000 idle clients pin 10 000 buffers — where epoll needs a buffer only for
//!   the instant of a `read` (io_uring's provided-buffer rings answer this, at the cost of
//!   more machinery). Portability and tooling: epoll is everywhere, io_uring is Linux ≥ 5.1,
//!   often disabled in containers (seccomp) and hardened systems (`kernel.io_uring_disabled`),
//!   and `strace` sees only `io_uring_enter`, not the sends and receives inside it. And for a
//!   request/response echo on loopback, the work per byte is the same: the gain is system
//!   calls, which matter only when they dominate.
//!
//! ## This proactor
//!
//! One thread, one ring. The listener has one `ACCEPT` in flight; each connection has
//! exactly one operation in flight, a `RECV` into its input buffer or a `SEND` of its
//! reply, so operations in flight are bounded by `max_connections` + 2, and so is memory.
//! A client that floods without reading gets no further `RECV` while its `SEND` waits: TCP
//! flow control then stops it, as backpressure does in the reactor. Short sends resubmit
//! the rest (`io.rs`). SIGINT/SIGTERM arrive through the self-pipe, watched by one
//! `POLL_ADD` (readiness and completion mix on one ring); then the accept and every
//! operation are cancelled and the loop ends once every completion is in (`accept.rs`).
//!
//! HTTP on this driver would need per-connection parsing state, keep-alive, and file bodies
//! (`IORING_OP_SPLICE` through a pipe, or read-then-send with a second lent buffer per
//! connection): a second driver as large as the reactor's HTTP handler, with nothing new to
//! show about completions. Echo shows every part of the model, so it stops there.

mod accept;
mod conn;
mod io;
mod op;

use self::conn::Conn;
use self::op::Op;
use crate::signal::SignalPipe;
use crate::uring::open_ring;
use crate::{Config, Listener};
use io_uring::{cqueue, squeue, types, IoUring};
use nix::sys::signal::Signal;
use slab::Slab;
use std::io as stdio;
use std::time::Duration;

/// What a completion-driven server computes: bytes received -> bytes to send back.
/// Called once per completed receive, with everything that receive brought.
pub trait Service {
    fn respond(&mut self, input: &[u8], reply: &mut Vec<u8>);
}

/// Bytes one receive may bring (the size of each connection's lent input buffer).
const BUFFER_SIZE: usize = 16 * 1024;
/// Submission slots; more queued entries are flushed with an early `io_uring_enter`.
const SQ_ENTRIES: u32 = 256;
/// How long accepting pauses after `EMFILE` (readiness rule 8 holds here too).
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

pub struct Proactor<S: Service> {
    /// The submission and completion rings.
    ring: IoUring,
    service: S,
    listener: Listener,
    /// SIGINT/SIGTERM land here; a `POLL_ADD` on its read end completes when they do.
    signals: SignalPipe,
    conns: Slab<Conn>,
    config: Config,
    /// Operations submitted and not yet completed (cancellations not counted).
    outstanding: usize,
    /// An `ACCEPT` is in flight.
    accepting: bool,
    /// The pause after `EMFILE` is in flight.
    backing_off: bool,
    /// SIGINT/SIGTERM arrived: accept no more, cancel everything, finish.
    stopping: bool,
    /// Timespecs read by the kernel at submission, so they live as long as the proactor.
    idle_timeout: Option<Box<types::Timespec>>,
    backoff: Box<types::Timespec>,
    /// `EMFILE` is logged once per episode, not once per attempt.
    emfile_logged: bool,
    /// Turns of the loop, for the per-turn debug line.
    turns: u64,
}

impl<S: Service> Proactor<S> {
    /// A proactor serving `listener` with `service`; fails (naming the cause) where
    /// io_uring is unavailable.
    pub fn new(listener: Listener, service: S, config: Config) -> stdio::Result<Proactor<S>> {
        // Room in the completion ring for every operation that can be in flight at once
        // (the kernel requires at least as many completion slots as submission slots).
        let in_flight = config.max_connections.saturating_add(16);
        let cq_entries = u32::try_from(in_flight.next_power_of_two())
            .unwrap_or(1 << 15)
            .clamp(2 * SQ_ENTRIES, 1 << 15);
        let ring = open_ring(SQ_ENTRIES, cq_entries)?;
        // The kernel waits inside each operation; the socket itself may block.
        listener.set_nonblocking(false)?;
        Ok(Proactor {
            ring,
            service,
            listener,
            signals: SignalPipe::install(&[Signal::SIGINT, Signal::SIGTERM])?,
            conns: Slab::new(),
            idle_timeout: config.idle_timeout.map(|d| Box::new(types::Timespec::from(d))),
            config,
            outstanding: 0,
            accepting: false,
            backing_off: false,
            stopping: false,
            backoff: Box::new(types::Timespec::from(ACCEPT_BACKOFF)),
            emfile_logged: false,
            turns: 0,
        })
    }

    /// Serve until SIGINT/SIGTERM, then until every operation has completed.
    pub fn run(&mut self) -> stdio::Result<()> {
        self.submit_accept()?;
        self.watch_signals()?;
        while !self.finished() {
            self.turn()?;
        }
        Ok(())
    }

    /// Stopping, and the kernel holds nothing of ours any more.
    fn finished(&self) -> bool {
        self.stopping && self.outstanding == 0 && self.conns.is_empty()
    }

    /// One turn: submit what is queued and wait for a completion, in one system call; then
    /// handle every completion that is in.
    fn turn(&mut self) -> stdio::Result<()> {
        let submitted = match self.ring.submit_and_wait(1) {
            Ok(n) => n,
            // EINTR: a signal (the self-pipe tells which). EBUSY: completions to read first.
            Err(e) if e.kind() == stdio::ErrorKind::Interrupted => 0,
            Err(e) if e.raw_os_error() == Some(libc::EBUSY) => 0,
            Err(e) => return Err(e),
        };
        let completions: Vec<cqueue::Entry> = self.ring.completion().collect();
        self.turns += 1;
        let reaped = completions.len();
        for cqe in completions {
            self.complete(Op::decode(cqe.user_data()), cqe.result())?;
        }
        log::debug!(
            "proactor: turn {}: io_uring_enter submitted {submitted} operations, reaped {reaped} completions; now {} in flight",
            self.turns,
            self.outstanding
        );
        Ok(())
    }

    /// Dispatch one completion to the code that submitted its operation.
    fn complete(&mut self, op: Option<Op>, result: i32) -> stdio::Result<()> {
        match op {
            Some(Op::Accept) => self.accepted(result),
            Some(Op::AcceptBackoff) => self.backoff_over(),
            Some(Op::Signal) => self.signalled(),
            Some(Op::Conn(key)) => self.transferred(key, result),
            Some(Op::Helper) | None => Ok(()),
        }
    }

    /// Write one entry into the submission ring, flushing it to the kernel when full.
    ///
    /// # Safety
    /// Every buffer the entry points to must stay valid and unmoved until its completion.
    unsafe fn push(&mut self, entry: &squeue::Entry) -> stdio::Result<()> {
        while unsafe { self.ring.submission().push(entry) }.is_err() {
            self.ring.submit()?;
        }
        Ok(())
    }

    /// Make room for `n` entries that must reach the kernel together (a linked pair).
    fn reserve(&mut self, n: usize) -> stdio::Result<()> {
        let free = {
            let sq = self.ring.submission();
            sq.capacity() - sq.len()
        };
        if free < n {
            self.ring.submit()?;
        }
        Ok(())
    }
}
