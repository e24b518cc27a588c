//! One connection's ping-pong state machine: connect, then forever *send a message, wait for
//! exactly its echo, verify, record the latency*, until the deadline.
//!
//! ```text
//!  Connecting --writable + SO_ERROR==0--> Running (round 0) --echo complete--> Running (round 1) …
//!      |                                     |  deadline passed --> Finished
//!      +--> error (refused, reset, …)        +--> error (reset, EOF, wrong byte, extra byte)
//!  Idle connections: Connecting --> Silent (send nothing; an EOF or a byte is an error)
//! ```
//!
//! The socket is non-blocking and registered edge-triggered (mio's epoll), so each readiness
//! event means "something changed": write until everything is sent or `write(2)` says
//! `EWOULDBLOCK`, read until the socket is drained. Both directions progress on every event,
//! because a message larger than the socket buffers is being echoed back while it is still
//! being sent: a client that only read after sending everything would deadlock with the server.
//!
//! Nothing here panics on network input: every failure is a [`ConnError`] naming its reason
//! (see `error.rs`).

use std::io::{self, Read, Write};
use std::time::Instant;

use crate::error::snippet;
pub use crate::error::ConnError;
use crate::pattern::Pattern;
use crate::stream::{ConnectState, Stream, Target};

/// What a connection is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Does round trips.
    Active,
    /// Connects and stays silent: it only costs the server a file descriptor to watch.
    Idle,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Non-blocking connect in flight.
    Connecting,
    /// A round is in flight: `sent`/`received` say how far.
    Running,
    /// An idle connection, connected.
    Silent,
    /// The deadline passed after the last completed round; no new round is started.
    Finished,
}

/// Buffers shared by all connections: the loop is single-threaded, so one pair suffices.
pub struct Scratch {
    /// Where `read(2)` lands before verification; 64 KiB takes a large echo in few calls.
    read: Vec<u8>,
    /// The slice of the pattern about to be handed to `write(2)`.
    write: Vec<u8>,
}

impl Scratch {
    pub fn new() -> Scratch {
        Scratch {
            read: vec![0; 64 * 1024],
            write: vec![0; 64 * 1024],
        }
    }
}

/// Where finished round trips go (the driver's clock and histogram).
pub trait RoundSink {
    /// Whether a new round may start now (false once the deadline has passed).
    fn may_start(&self) -> bool;

    /// Round trip of connection `conn` took `started..done`. Returns whether another round may
    /// start (false once the deadline has passed).
    fn round_trip(&mut self, conn: usize, started: Instant, done: Instant) -> bool;
}

/// One client connection and its place in the ping-pong.
pub struct Conn {
    /// Index in the driver's table, also the mio token and the `c…` part of the pattern.
    pub id: usize,
    pub role: Role,
    stream: Stream,
    state: State,
    /// Message length: a round is complete when exactly this many bytes came back.
    size: usize,
    /// Round number: makes every message distinct (`r…` part of the pattern).
    round: u32,
    pattern: Pattern,
    /// Bytes of this round's message written so far (short writes are normal).
    sent: usize,
    /// Bytes of this round's echo received and verified so far (so are partial reads).
    received: usize,
    /// When this round's first byte was handed to the kernel.
    started: Instant,
    /// Round trips over the whole run: zero at the end means the connection stalled.
    pub completed: u64,
    /// Whether the connect ever succeeded (to tell "no connection could be made").
    pub connected: bool,
}

impl Conn {
    /// Start a non-blocking connect; errors here (e.g. `EMFILE`) are connect errors.
    pub fn open(id: usize, role: Role, target: &Target, size: usize) -> Result<Conn, ConnError> {
        let stream = Stream::connect(target).map_err(ConnError::Connect)?;
        Ok(Conn {
            id,
            role,
            stream,
            state: State::Connecting,
            size,
            round: 0,
            pattern: Pattern::new(id, 0),
            sent: 0,
            received: 0,
            started: Instant::now(),
            completed: 0,
            connected: false,
        })
    }

    pub fn stream_mut(&mut self) -> &mut Stream {
        &mut self.stream
    }

    /// Still waiting for the handshake (reported as "never connected" at the end).
    pub fn is_connecting(&self) -> bool {
        self.state == State::Connecting
    }

    /// React to a readiness event: finish the connect, then move bytes in both directions.
    pub fn on_ready(&mut self, scratch: &mut Scratch, sink: &mut impl RoundSink) -> Result<(), ConnError> {
        if self.state == State::Connecting && !self.finish_connect(sink)? {
            return Ok(());
        }
        match self.state {
            State::Running => self.pump(scratch, sink),
            State::Silent => self.watch_idle(scratch),
            State::Connecting | State::Finished => Ok(()),
        }
    }

    /// Check `SO_ERROR`; once connected, an active connection starts round 0.
    /// Returns whether the connection is now established.
    fn finish_connect(&mut self, sink: &mut impl RoundSink) -> Result<bool, ConnError> {
        match self.stream.connect_state().map_err(ConnError::Connect)? {
            ConnectState::InProgress => return Ok(false),
            ConnectState::Connected => {}
        }
        self.connected = true;
        self.stream.set_nodelay().map_err(ConnError::Connect)?;
        match self.role {
            Role::Idle => self.state = State::Silent,
            Role::Active if sink.may_start() => self.start_round(Instant::now()),
            Role::Active => self.state = State::Finished,
        }
        Ok(true)
    }

    /// Begin the next round: a fresh pattern, nothing sent or received yet.
    fn start_round(&mut self, now: Instant) {
        self.state = State::Running;
        self.pattern = Pattern::new(self.id, self.round);
        self.sent = 0;
        self.received = 0;
        self.started = now;
    }

    /// Send what is pending, take in what arrived, and chain the next round when complete.
    ///
    /// After the next message is written we do not read again: its echo cannot be there yet,
    /// and when it arrives the edge-triggered registration reports a new readable event. That
    /// keeps a round trip at one `write` and one `read` on our side.
    fn pump(&mut self, scratch: &mut Scratch, sink: &mut impl RoundSink) -> Result<(), ConnError> {
        self.send_pending(scratch)?;
        self.receive_available(scratch)?;
        if self.received < self.size {
            return Ok(());
        }
        let done = Instant::now();
        self.completed += 1;
        if !sink.round_trip(self.id, self.started, done) {
            self.state = State::Finished;
            return Ok(());
        }
        self.round = self.round.wrapping_add(1);
        self.start_round(done);
        self.send_pending(scratch)
    }

    /// `write(2)` until the whole message is in the kernel or the socket buffer is full.
    fn send_pending(&mut self, scratch: &mut Scratch) -> Result<(), ConnError> {
        while self.sent < self.size {
            let chunk = (self.size - self.sent).min(scratch.write.len());
            let buf = &mut scratch.write[..chunk];
            self.pattern.fill(self.sent, buf);
            match self.stream.write(buf) {
                Ok(0) => return Err(ConnError::Write(io::ErrorKind::WriteZero.into())),
                Ok(n) => self.sent += n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(()),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(ConnError::Write(e)),
            }
        }
        Ok(())
    }

    /// `read(2)` until drained, verifying every byte against the pattern as it arrives.
    ///
    /// A read shorter than the buffer means the receive queue is now empty, so we stop there
    /// instead of paying one more `read` for the `EWOULDBLOCK` (tokio does the same): any later
    /// data raises a new edge-triggered event.
    fn receive_available(&mut self, scratch: &mut Scratch) -> Result<(), ConnError> {
        loop {
            let n = match self.stream.read(&mut scratch.read) {
                Ok(0) => return Err(ConnError::ClosedByPeer),
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(()),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(ConnError::Read(e)),
            };
            self.verify_echo(&scratch.read[..n])?;
            if n < scratch.read.len() {
                return Ok(());
            }
        }
    }

    /// Check newly received bytes: not more than was sent, and equal to the pattern.
    fn verify_echo(&mut self, data: &[u8]) -> Result<(), ConnError> {
        let expected = self.sent - self.received;
        let (echo, extra) = data.split_at(data.len().min(expected));
        self.pattern
            .verify(self.received, echo)
            .map_err(|mismatch| ConnError::Corrupted {
                round: self.round,
                mismatch,
                received: snippet(data),
            })?;
        self.received += echo.len();
        if !extra.is_empty() {
            return Err(ConnError::TooLong {
                round: self.round,
                extra: extra.len(),
            });
        }
        Ok(())
    }

    /// An idle connection must hear nothing: EOF or bytes are reported.
    fn watch_idle(&mut self, scratch: &mut Scratch) -> Result<(), ConnError> {
        loop {
            match self.stream.read(&mut scratch.read) {
                Ok(0) => return Err(ConnError::ClosedByPeer),
                Ok(n) => return Err(ConnError::Unsolicited(snippet(&scratch.read[..n]))),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(()),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(ConnError::Read(e)),
            }
        }
    }
}
