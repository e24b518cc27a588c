//! Open the connections a window at a time, then hold them: one `epoll_wait(2)` loop
//! (through `mio`) that also notices the ones the server closes.
//!
//! Each connect is non-blocking (`connect(2)` → `EINPROGRESS`, done when the socket turns
//! writable, `SO_ERROR` says how). At most `--window` are in flight, so the server's accept
//! queue (its `listen` backlog) is never flooded: a SYN dropped from a full queue would be
//! retried a second later and make the run slow, not bigger. A server that refuses a client
//! (select past `FD_SETSIZE`, a capped thread or fork model) accepts it and closes it: the
//! socket then reads EOF, and is counted as *closed by the server*.

use std::collections::{BTreeMap, VecDeque};
use std::io::{self, ErrorKind, Read};
use std::net::SocketAddr;
use std::os::fd::OwnedFd;
use std::time::{Duration, Instant};

use mio::net::TcpStream;
use mio::{Events, Interest, Poll, Token};
use nix::sys::socket::{self, AddressFamily, SockFlag, SockType, SockaddrStorage};

use crate::cli::Cli;

/// How long to wait, once every connect has finished, for the server's late refusals.
const SETTLE: Duration = Duration::from_millis(500);
/// Longest `epoll_wait`: timeouts and deadlines are checked at least this often.
const TICK: Duration = Duration::from_millis(100);

/// What became of the connections: printed as one JSON line once they are all open.
#[derive(Debug, Default, serde::Serialize)]
pub struct Tally {
    pub requested: u32,
    /// Connected and still open.
    pub open: u64,
    /// Connected, then closed by the server (refused with a message, or reset).
    pub closed_by_server: u64,
    /// Connects that failed (refused, timed out, out of ports or descriptors).
    pub failed: u64,
    pub failure_kinds: BTreeMap<String, u64>,
    /// Opening stopped after `--give-up-after` failures in a row.
    pub gave_up: bool,
    /// Seconds the opening took.
    pub secs: f64,
}

struct Slot {
    stream: TcpStream,
    connecting: bool,
}

pub struct Holder<'a> {
    cli: &'a Cli,
    poll: Poll,
    slots: Vec<Option<Slot>>,
    /// Connects in flight, oldest first, with their start time (for `--connect-timeout`).
    pending: VecDeque<(usize, Instant)>,
    in_flight: usize,
    failures_in_a_row: u32,
    tally: Tally,
}

impl<'a> Holder<'a> {
    pub fn new(cli: &'a Cli) -> io::Result<Holder<'a>> {
        Ok(Holder {
            cli,
            poll: Poll::new()?,
            slots: Vec::with_capacity(cli.count as usize),
            pending: VecDeque::new(),
            in_flight: 0,
            failures_in_a_row: 0,
            tally: Tally {
                requested: cli.count,
                ..Tally::default()
            },
        })
    }

    /// Open every connection (or give up), wait for late refusals, and return the tally.
    pub fn open_all(&mut self) -> io::Result<&Tally> {
        let start = Instant::now();
        let mut events = Events::with_capacity(1024);
        let mut next_progress = start + Duration::from_secs(1);
        let mut settled_at: Option<Instant> = None;
        loop {
            self.start_connects();
            self.expire_connects();
            let now = Instant::now();
            if self.opening_done() {
                let at = *settled_at.get_or_insert(now + SETTLE);
                if now >= at {
                    break;
                }
            }
            if now >= next_progress {
                eprintln!("idle-conns: {} open, {} in flight", self.tally.open, self.in_flight);
                next_progress = now + Duration::from_secs(1);
            }
            self.wait(&mut events, TICK)?;
        }
        self.tally.secs = (start.elapsed().as_secs_f64() * 100.0).round() / 100.0;
        Ok(&self.tally)
    }

    /// Keep the connections until `until`, still counting the ones the server closes.
    pub fn hold_until(&mut self, until: Instant) -> io::Result<()> {
        let mut events = Events::with_capacity(1024);
        loop {
            let now = Instant::now();
            if now >= until {
                return Ok(());
            }
            self.wait(&mut events, (until - now).min(Duration::from_secs(1)))?;
        }
    }

    fn opening_done(&self) -> bool {
        (self.slots.len() == self.cli.count as usize || self.tally.gave_up) && self.in_flight == 0
    }

    /// Fill the window with new non-blocking connects.
    fn start_connects(&mut self) {
        while self.in_flight < self.cli.window as usize
            && self.slots.len() < self.cli.count as usize
            && !self.tally.gave_up
        {
            let id = self.slots.len();
            match self.connect_one(id) {
                Ok(stream) => {
                    self.slots.push(Some(Slot {
                        stream,
                        connecting: true,
                    }));
                    self.pending.push_back((id, Instant::now()));
                    self.in_flight += 1;
                }
                Err(e) => {
                    self.slots.push(None);
                    self.failed(&format!("connect: {e}"));
                }
            }
        }
    }

    /// `socket(2)`, `bind(2)` to the source address when there are several, `connect(2)`.
    fn connect_one(&mut self, id: usize) -> io::Result<TcpStream> {
        let mut stream = match self.cli.source_of(id as u32) {
            None => TcpStream::connect(self.cli.target)?,
            Some(source) => connect_from(source, self.cli.target)?,
        };
        self.poll
            .registry()
            .register(&mut stream, Token(id), Interest::READABLE | Interest::WRITABLE)?;
        Ok(stream)
    }

    /// Connects older than `--connect-timeout` count as failed and are closed.
    fn expire_connects(&mut self) {
        let timeout = self.cli.connect_timeout();
        while let Some(&(id, started)) = self.pending.front() {
            let still_connecting = matches!(&self.slots[id], Some(s) if s.connecting);
            if still_connecting && started.elapsed() < timeout {
                break;
            }
            self.pending.pop_front();
            if still_connecting {
                self.drop_slot(id);
                self.in_flight -= 1;
                self.failed("connect: timed out");
            }
        }
    }

    fn wait(&mut self, events: &mut Events, timeout: Duration) -> io::Result<()> {
        match self.poll.poll(events, Some(timeout)) {
            Err(e) if e.kind() == ErrorKind::Interrupted => return Ok(()),
            other => other?,
        }
        for event in events.iter() {
            self.on_ready(event.token().0, event.is_readable() || event.is_read_closed());
        }
        Ok(())
    }

    fn on_ready(&mut self, id: usize, readable: bool) {
        let Some(slot) = self.slots.get_mut(id).and_then(Option::as_mut) else {
            return;
        };
        if slot.connecting {
            match connect_state(&slot.stream) {
                Ok(false) => return, // spurious: still in flight
                Ok(true) => {
                    slot.connecting = false;
                    self.in_flight -= 1;
                    self.failures_in_a_row = 0;
                    self.tally.open += 1;
                }
                Err(e) => {
                    self.drop_slot(id);
                    self.in_flight -= 1;
                    self.failed(&format!("connect: {e}"));
                    return;
                }
            }
        }
        if readable && server_closed(&mut self.slots, id) {
            self.drop_slot(id);
            self.tally.open -= 1;
            self.tally.closed_by_server += 1;
        }
    }

    fn drop_slot(&mut self, id: usize) {
        if let Some(mut slot) = self.slots[id].take() {
            let _ = self.poll.registry().deregister(&mut slot.stream);
        }
    }

    fn failed(&mut self, why: &str) {
        self.tally.failed += 1;
        *self.tally.failure_kinds.entry(why.to_string()).or_default() += 1;
        self.failures_in_a_row += 1;
        if self.failures_in_a_row >= self.cli.give_up_after {
            self.tally.gave_up = true;
        }
    }
}

/// A socket bound to `source`, then a non-blocking connect to `target`.
///
/// `IP_BIND_ADDRESS_NO_PORT`: `bind(2)` takes the address only, and `connect(2)` picks the
/// port, knowing the destination. Without it, `bind` to port 0 must pick a port no socket
/// on that address holds, whatever its peer — TIME_WAIT ones included — and near 50k
/// connections per address the kernel searches longer and longer for a free one (measured:
/// 35 connects/s). `connect` only needs the 4-tuple to be unique.
fn connect_from(source: SocketAddr, target: SocketAddr) -> io::Result<TcpStream> {
    let fd: OwnedFd = socket::socket(
        AddressFamily::Inet,
        SockType::Stream,
        SockFlag::SOCK_NONBLOCK | SockFlag::SOCK_CLOEXEC,
        None,
    )?;
    socket::setsockopt(&fd, socket::sockopt::IpBindAddressNoPort, &true)?;
    socket::bind(std::os::fd::AsRawFd::as_raw_fd(&fd), &SockaddrStorage::from(source))?;
    match socket::connect(std::os::fd::AsRawFd::as_raw_fd(&fd), &SockaddrStorage::from(target)) {
        Ok(()) | Err(nix::errno::Errno::EINPROGRESS) => {}
        Err(e) => return Err(e.into()),
    }
    Ok(TcpStream::from_std(std::net::TcpStream::from(fd)))
}

/// Did the handshake finish (true), is it still running (false), or did it fail?
fn connect_state(stream: &TcpStream) -> io::Result<bool> {
    if let Some(err) = stream.take_error()? {
        return Err(err);
    }
    match stream.peer_addr() {
        Ok(_) => Ok(true),
        Err(e) if e.kind() == ErrorKind::NotConnected => Ok(false),
        Err(e) => Err(e),
    }
}

/// Drain what the server sent (a "busy" line before it closes); true once it closed.
fn server_closed(slots: &mut [Option<Slot>], id: usize) -> bool {
    let Some(slot) = slots[id].as_mut() else {
        return false;
    };
    let mut buf = [0u8; 512];
    loop {
        match slot.stream.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => continue,
            Err(e) if e.kind() == ErrorKind::WouldBlock => return false,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(_) => return true, // reset by the server
        }
    }
}
