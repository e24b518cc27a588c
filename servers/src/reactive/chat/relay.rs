//! The fork model's child: copy bytes between its client and its parent, both ways, and
//! nothing else. The chat itself runs in the parent (see `fork.rs`).
//!
//! One blocking `poll(2)` on two non-blocking descriptors, each direction with a small fixed
//! buffer: read from a side only while that direction's buffer has room, ask for POLLOUT on
//! the other side only while it holds bytes. So the child's memory is two buffers whatever
//! happens, and a client that stops reading fills, in turn, its socket, the child's buffer,
//! the socketpair, and finally the parent's outbox for it — which the parent's reactor then
//! disconnects as too slow, exactly as in the one-process models.
//!
//! Endings:
//! - client EOF: pass on what is buffered, then `shutdown(SHUT_WR)` the socketpair, so the
//!   parent sees EOF (`* nick left (connection lost)`) and closes its end after answering
//!   whatever the client's last lines asked (a `* bye`, say);
//! - parent EOF (a `/quit`, too slow, server shutdown): deliver what is buffered to the
//!   client within [`DRAIN_LIMIT`], then exit — a client that does not read cannot keep us.
//!   The parent is watched for its hang-up (POLLHUP) even while our buffer toward the client
//!   is full and we are not reading it: that is exactly when it drops a member as too slow;
//! - an error on either side: exit. The exit closes both sockets, which is the message.

use log::debug;
use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use reactor::{Peer, Stream};
use std::io::{self, Read, Write};
use std::os::fd::AsFd;
use std::os::unix::net::UnixStream;
use std::time::{Duration, Instant};

/// Bytes buffered per direction in the child.
const BUFFER: usize = 16 * 1024;

/// How long a child may spend delivering its last bytes once the parent closed.
pub const DRAIN_LIMIT: Duration = Duration::from_secs(2);

/// One direction: bytes read from one side, not yet written to the other.
struct Pipe {
    buf: Box<[u8]>,
    /// `buf[start..end]` is pending.
    start: usize,
    end: usize,
    /// The source side sent EOF.
    eof: bool,
}

impl Pipe {
    fn new() -> Pipe {
        Pipe {
            buf: vec![0; BUFFER].into_boxed_slice(),
            start: 0,
            end: 0,
            eof: false,
        }
    }

    fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// Should we read the source? Not after its EOF, not while the buffer is full.
    fn wants_input(&self) -> bool {
        !self.eof && self.end < self.buf.len()
    }

    /// One `read(2)` into the free space. `Ok(false)` on EOF.
    fn fill(&mut self, source: &mut impl Read) -> io::Result<bool> {
        match source.read(&mut self.buf[self.end..]) {
            Ok(0) => {
                self.eof = true;
                Ok(false)
            }
            Ok(n) => {
                self.end += n;
                Ok(true)
            }
            Err(e) if is_not_now(&e) => Ok(true),
            Err(e) => Err(e),
        }
    }

    /// One `write(2)` of the pending bytes; when all went out, the buffer is empty again.
    fn drain(&mut self, sink: &mut impl Write) -> io::Result<()> {
        match sink.write(&self.buf[self.start..self.end]) {
            Ok(n) => self.start += n,
            Err(e) if is_not_now(&e) => {}
            Err(e) => return Err(e),
        }
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
        }
        Ok(())
    }
}

fn is_not_now(e: &io::Error) -> bool {
    matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted)
}

/// Relay until one of the endings above; returns why it ended (for the log).
pub fn relay(mut client: Stream, mut parent: UnixStream, peer: &Peer) -> io::Result<()> {
    client.set_nonblocking(true)?;
    parent.set_nonblocking(true)?;
    let mut up = Pipe::new(); // client -> parent
    let mut down = Pipe::new(); // parent -> client
    let mut parent_write_shut = false;
    let mut deadline: Option<Instant> = None;
    loop {
        if up.eof && up.is_empty() && !parent_write_shut {
            debug!("{peer}: client sent EOF, passing it on to the parent");
            parent.shutdown(std::net::Shutdown::Write)?;
            parent_write_shut = true;
        }
        if down.eof && down.is_empty() {
            return Ok(()); // the parent closed and everything it sent was delivered
        }
        let timeout = match deadline {
            Some(at) if Instant::now() >= at => {
                return Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    "client did not read its last bytes",
                ))
            }
            Some(at) => PollTimeout::try_from(at - Instant::now()).unwrap_or(PollTimeout::MAX),
            None => PollTimeout::NONE,
        };
        let client_events = interest(up.wants_input(), !down.is_empty());
        let parent_events = interest(down.wants_input(), !up.is_empty());
        // Until the parent is known to be gone, watch it even with no interest: poll reports
        // its POLLHUP anyway. Without that, a client that stops reading fills `down`, the
        // parent is no longer polled, and when the parent drops the member as too slow this
        // child never hears of it: it kept the client connected until the client itself went.
        let watch_parent = deadline.is_none() || !parent_events.is_empty();
        let (client_ready, parent_ready) =
            wait(&client, client_events, &parent, (watch_parent, parent_events), timeout)?;
        if readable(client_ready) && up.wants_input() {
            up.fill(&mut client)?;
        }
        if readable(parent_ready) && down.wants_input() && !down.fill(&mut parent)? {
            deadline = Some(Instant::now() + DRAIN_LIMIT); // the parent closed: last delivery
        }
        if parent_ready.contains(PollFlags::POLLHUP) && deadline.is_none() {
            debug!(
                "{peer}: the parent closed while {} bytes wait for the client",
                down.end - down.start
            );
            deadline = Some(Instant::now() + DRAIN_LIMIT); // last delivery, `down` full
        }
        if !client_ready.is_empty() && !down.is_empty() {
            down.drain(&mut client)?;
        }
        if !parent_ready.is_empty() && !up.is_empty() {
            up.drain(&mut parent)?;
        }
    }
}

/// Data, EOF or an error to collect with a read.
fn readable(revents: PollFlags) -> bool {
    revents.intersects(PollFlags::POLLIN | PollFlags::POLLHUP | PollFlags::POLLERR)
}

fn interest(read: bool, write: bool) -> PollFlags {
    let mut flags = PollFlags::empty();
    if read {
        flags |= PollFlags::POLLIN;
    }
    if write {
        flags |= PollFlags::POLLOUT;
    }
    flags
}

/// `poll(2)` on the client if it has a non-empty interest, on the parent if `watch_parent`
/// (even with an empty interest, for its hang-up); returns what each reported (empty for one
/// not watched). POLLHUP and POLLERR come whether asked for or not, and the read or write that
/// follows turns them into EOF or an error; a parent watched for its hang-up alone is watched
/// no more once it hung up: no busy loop.
fn wait(
    client: &Stream,
    client_events: PollFlags,
    parent: &UnixStream,
    (watch_parent, parent_events): (bool, PollFlags),
    timeout: PollTimeout,
) -> io::Result<(PollFlags, PollFlags)> {
    let mut fds = Vec::with_capacity(2);
    if !client_events.is_empty() {
        fds.push(PollFd::new(client.as_fd(), client_events));
    }
    if watch_parent {
        fds.push(PollFd::new(parent.as_fd(), parent_events));
    }
    match poll(&mut fds, timeout) {
        Ok(_) => {}
        Err(nix::errno::Errno::EINTR) => return Ok((PollFlags::empty(), PollFlags::empty())),
        Err(e) => return Err(e.into()),
    }
    let mut revents = fds.iter().map(|fd| fd.revents().unwrap_or(PollFlags::empty()));
    let client_ready = if client_events.is_empty() {
        PollFlags::empty()
    } else {
        revents.next().unwrap_or(PollFlags::empty())
    };
    let parent_ready = if !watch_parent {
        PollFlags::empty()
    } else {
        revents.next().unwrap_or(PollFlags::empty())
    };
    Ok((client_ready, parent_ready))
}
