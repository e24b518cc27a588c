//! The first loop: the lecture's multiplexed echo server, in one file, read in one sitting.
//!
//! One thread serves every client. It never blocks on one socket: it asks the kernel which
//! sockets are ready (`select(2)`, `poll(2)` or `epoll_wait(2)`, behind the crate's
//! `Backend`), and only then accepts, reads or writes — each call returns at once.
//!
//! ```text
//! cargo run -p reactor --example first_loop -- --backend select   (or poll, epoll)
//! target/debug/tcp-client 127.0.0.1 PORT                          (in another terminal)
//! ```
//!
//! Four things happen here, nothing else: **accept** a client, **read** what it sent,
//! **write** it back — all of it, or keep the rest for later — and **close**. The real
//! reactor (`src/reactor/`) does the same four things; the list at the end of this file says
//! what it adds on top, and where.

use reactor::{Backend, BackendKind, Event, Interest, Token};
use slab::Slab;
use std::io::{self, ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::fd::AsRawFd;
use std::process::ExitCode;

/// The listener's token. A connection's token is its key in the slab, which counts up from
/// 0 and never gets this high.
const LISTENER: Token = Token(usize::MAX);

/// How many bytes one `read(2)` may bring.
const READ_SIZE: usize = 4096;

/// One client: its socket, the bytes read but not yet written back, and whether it has
/// finished sending (its `read` returned 0: close once `unsent` is written).
struct Conn {
    stream: TcpStream,
    unsent: Vec<u8>,
    eof: bool,
}

impl Conn {
    /// What to wait for: while some echo is unsent, only "writable" — we stop reading until
    /// the client reads its echo (so `unsent` stays small whatever the client sends);
    /// otherwise "readable". Asking for WRITABLE with nothing to write would wake every turn.
    fn interest(&self) -> Interest {
        if self.unsent.is_empty() {
            Interest::READABLE
        } else {
            Interest::WRITABLE
        }
    }
}

fn main() -> ExitCode {
    let (backend, addr) = match parse_args(std::env::args().skip(1)) {
        Ok(parsed) => parsed,
        Err(message) => {
            eprintln!("first_loop: {message}");
            eprintln!("usage: first_loop [--backend select|poll|epoll] [--listen HOST:PORT]");
            return ExitCode::from(2);
        }
    };
    let listener = match TcpListener::bind(&addr) {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("first_loop: cannot listen on {addr}: {e}");
            return ExitCode::FAILURE;
        }
    };
    match serve(listener, backend) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("first_loop: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `--backend select|poll|epoll` (default select), `--listen HOST:PORT` (default
/// 127.0.0.1:0: the kernel picks a free port).
pub fn parse_args(mut args: impl Iterator<Item = String>) -> Result<(BackendKind, String), String> {
    let mut backend = BackendKind::Select;
    let mut addr = String::from("127.0.0.1:0");
    while let Some(flag) = args.next() {
        let value = args.next().ok_or(format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--backend" => backend = value.parse()?,
            "--listen" => addr = value,
            other => return Err(format!("unknown flag {other}")),
        }
    }
    if backend == BackendKind::Uring {
        return Err("the first loop uses select, poll or epoll (uring: see echo-server)".into());
    }
    Ok((backend, addr))
}

/// The loop: wait, then handle every ready socket; forever.
pub fn serve(listener: TcpListener, kind: BackendKind) -> io::Result<()> {
    // Non-blocking: accept, read and write return `WouldBlock` ("not now") instead of waiting.
    listener.set_nonblocking(true)?;
    println!("listening on {} ({kind})", listener.local_addr()?);
    let mut backend = kind.create()?;
    backend.register(listener.as_raw_fd(), LISTENER, Interest::READABLE)?;
    let mut conns: Slab<Conn> = Slab::new();
    let mut events: Vec<Event> = Vec::new();
    loop {
        // The only place the program blocks: until at least one socket is ready.
        match backend.poll(&mut events, None) {
            Ok(_) => {}
            Err(e) if e.kind() == ErrorKind::Interrupted => continue, // a signal: wait again
            Err(e) => return Err(e),
        }
        for event in &events {
            if event.token == LISTENER {
                accept_all(&listener, backend.as_mut(), &mut conns);
            } else {
                serve_one(event.token, backend.as_mut(), &mut conns);
            }
        }
    }
}

/// Accept every client waiting in the listen queue, until `WouldBlock`. (epoll reports a
/// readiness once, "edge-triggered": a client left in the queue would get no new event.)
fn accept_all(listener: &TcpListener, backend: &mut dyn Backend, conns: &mut Slab<Conn>) {
    loop {
        let stream = match listener.accept() {
            Ok((stream, _peer)) => stream,
            Err(e) if e.kind() == ErrorKind::WouldBlock => return, // queue empty
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => {
                // ECONNABORTED, or EMFILE (no descriptor left): try again next event.
                eprintln!("accept: {e}");
                return;
            }
        };
        if let Err(e) = stream.set_nonblocking(true) {
            eprintln!("accept: {e}");
            continue; // dropping the stream closes it
        }
        // The slab gives the smallest free key: it becomes the token.
        let entry = conns.vacant_entry();
        let token = Token(entry.key());
        // select refuses an fd >= FD_SETSIZE (1024): that client is closed, the others go on.
        if let Err(e) = backend.register(stream.as_raw_fd(), token, Interest::READABLE) {
            eprintln!("register: {e}");
            continue;
        }
        entry.insert(Conn {
            stream,
            unsent: Vec::new(),
            eof: false,
        });
    }
}

/// One ready client: read and echo (or write what is left), then close or re-arm.
fn serve_one(token: Token, backend: &mut dyn Backend, conns: &mut Slab<Conn>) {
    let Some(conn) = conns.get_mut(token.0) else {
        return; // closed earlier in this turn: a stale event
    };
    let before = conn.interest();
    let outcome = if conn.unsent.is_empty() {
        read_and_echo(conn)
    } else {
        write_unsent(conn)
    };
    let done = match outcome {
        Ok(()) => conn.eof && conn.unsent.is_empty(),
        Err(e) => {
            eprintln!("{token:?}: {e}"); // ECONNRESET, EPIPE...: the client is gone
            true
        }
    };
    if done {
        close(token, backend, conns);
    } else if conn.interest() != before {
        if let Err(e) = backend.reregister(conn.stream.as_raw_fd(), token, conn.interest()) {
            eprintln!("{token:?}: {e}");
            close(token, backend, conns);
        }
    }
}

/// Read until `WouldBlock` (edge-triggered epoll would not report the rest), echoing each
/// chunk at once; stop early if an echo could not be written whole.
fn read_and_echo(conn: &mut Conn) -> io::Result<()> {
    let mut buf = [0u8; READ_SIZE];
    while conn.unsent.is_empty() {
        match conn.stream.read(&mut buf) {
            Ok(0) => {
                conn.eof = true; // the client sent FIN: nothing more will come
                return Ok(());
            }
            Ok(n) => {
                conn.unsent.extend_from_slice(&buf[..n]);
                write_unsent(conn)?;
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => return Ok(()), // drained
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Write all of `unsent`, or keep what the kernel did not take. `write(2)` may take fewer
/// bytes than asked (a "short write": the socket's send buffer is full); the rest waits in
/// `unsent` for the next WRITABLE event. Never drop it, never block on it.
fn write_unsent(conn: &mut Conn) -> io::Result<()> {
    while !conn.unsent.is_empty() {
        match conn.stream.write(&conn.unsent) {
            Ok(0) => return Err(ErrorKind::WriteZero.into()),
            Ok(n) => {
                conn.unsent.drain(..n);
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => return Ok(()), // keep the rest
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Deregister first, then close (dropping the stream closes the fd): a closed fd must not
/// stay in the backend's table, where the next accepted socket could reuse its number.
fn close(token: Token, backend: &mut dyn Backend, conns: &mut Slab<Conn>) {
    let conn = conns.remove(token.0);
    if let Err(e) = backend.deregister(conn.stream.as_raw_fd()) {
        eprintln!("{token:?}: deregister: {e}");
    }
}

// What the real reactor (`reactor/src/`, read next: the reading order in `lib.rs`) adds to
// these four steps, and where:
//
// - a `Handler` per protocol instead of a built-in echo (`handler.rs`, `ctx.rs`): echo,
//   chat, HTTP and metrics servers share one loop;
// - an outbox that bounds pending output and applies backpressure, and sendfile(2) ranges
//   (`outbox.rs`, `reactor/io.rs`, `reactor/flow.rs`);
// - timers and the idle timeout: the wait's timeout is the nearest deadline (`timer.rs`);
// - SIGINT/SIGTERM as a readable event, for a clean shutdown (`signal.rs`,
//   `reactor/signals.rs`, `reactor/shutdown.rs`);
// - UNIX sockets, several listeners, IPv6 (`net/`, `net/unix_listener.rs`);
// - EMFILE on accept without spinning, the fd reserve, FD_SETSIZE refusals
//   (`reactor/accept.rs`, `reactor/accept_backoff.rs`, `fd_reserve.rs`; rules 7 and 8);
// - a per-turn read budget, so one busy client cannot starve the others
//   (`reactor/read_until.rs`);
// - a clean close: half-close, the close reason, reaping at the end of the turn
//   (`reactor/close.rs`);
// - `--workers`, io_uring (`backend/uring.rs`, `proactor/`), the flight recorder
//   (`trace.rs`, `reactor/traced.rs`), stats (`reactor/inspect.rs`), and the lecture's bugs switched on with `--bug` (`bugs.rs`).
