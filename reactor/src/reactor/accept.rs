//! New connections: `accept(2)` until `WouldBlock` (rule 2), register each socket, give it to
//! the handler.
//!
//! Four ways a new connection is turned away, each with a log line and a closed socket,
//! never a panic: the server is at `max_connections`; admitting it would eat into the
//! descriptors kept for the open connections (`fd_reserve.rs`); the backend cannot watch the fd
//! (select and fd >= FD_SETSIZE, rule 7); the process is out of descriptors (`EMFILE`,
//! rule 8), where the kernel keeps the connection queued and we stop accepting for a moment,
//! because with level-triggered select/poll a listener we do not accept from stays
//! "readable" and the loop would spin at 100% CPU.
//!
//! A listener shared with other worker processes (`--workers`) is the exception to "until
//! `WouldBlock`": there the backend reports it level-triggered, and we take *one* connection
//! per wakeup, like nginx (`multi_accept off`). Draining the queue would hand a whole burst of
//! connects to whichever worker woke first (measured: 50 out of 50); leaving the rest queued
//! lets the next wait, ours or a sleeping worker's, take the next one. Level-triggered, the
//! connections left behind are reported again: nothing is stranded.
//!
//! A worker that is full (`max_connections`) on a shared listener does not accept and
//! refuse: another worker may have room, and a refused client is lost. It *steps aside*
//! instead, as nginx does (its accept_disabled counter): it stops watching the listener for
//! the back-off period (the EMFILE pause below), and the workers asleep in their wait take
//! the queue.
//! When every worker is full, new connections wait in the kernel's accept queue (the listen
//! backlog) until one has room again.
//!
//! Any other accept error (`ECONNABORTED`, `EPROTO`, `ENETDOWN`, `EPERM` from a firewall…)
//! concerns one connection, not the listener: log it once and keep accepting until
//! `WouldBlock`, because edge-triggered epoll will not report the connections queued behind
//! it again. Should such errors repeat without end, accepting pauses like for `EMFILE`
//! instead of spinning.

use super::traced::Seen;
use super::Reactor;
use crate::conn::Conn;
use crate::fd_reserve::is_out_of_descriptors;
use crate::timer::TimerKind;
use crate::{Ctx, Handler, Interest, Peer, Stream, Token};
use log::{debug, warn};
use std::io::{self, Write};
use std::os::fd::AsRawFd;

/// Unexpected accept errors in one call before pausing (a listener that fails forever must
/// not spin the loop; one that loses a few connections must not stall the others).
const MAX_ACCEPT_ERRORS: u32 = 64;

impl<H: Handler> Reactor<H> {
    /// The listener is readable: accept every pending connection.
    pub(super) fn accept_ready(&mut self, index: usize) {
        let mut errors = 0;
        loop {
            let Some(slot) = self.listeners.get(index) else { return };
            if slot.paused || self.stopping.is_some() {
                return;
            }
            if slot.shared && self.conns.len() >= self.config.max_connections {
                return self.step_aside(index);
            }
            match accept_one(&slot.listener) {
                Ok((stream, peer)) => {
                    let mut one_per_wakeup = false;
                    if let Some(slot) = self.listeners.get_mut(index) {
                        slot.out_of_fds.accepted();
                        one_per_wakeup = slot.one_per_wakeup;
                    }
                    self.accepted(index, stream, peer);
                    if one_per_wakeup {
                        return; // the level-triggered wait reports the rest (module doc)
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) if is_out_of_descriptors(&e) => return self.pause_accepting(index, &e),
                // The client gave up between the kernel's handshake and our accept.
                Err(e) if e.kind() == io::ErrorKind::ConnectionAborted => continue,
                Err(e) => {
                    errors += 1;
                    if errors == 1 {
                        warn!("accept: {e} (that connection is lost; accepting the next ones)");
                    }
                    if errors == MAX_ACCEPT_ERRORS {
                        return self.pause_accepting(index, &e);
                    }
                }
            }
        }
    }

    /// Register a freshly accepted socket and hand it to the handler.
    fn accepted(&mut self, index: usize, stream: Stream, peer: Peer) {
        if self.conns.len() >= self.config.max_connections {
            self.refuse(
                stream,
                &peer,
                &format!("at max connections ({})", self.config.max_connections),
            );
            return;
        }
        if crate::fd_reserve::eats_reserve(stream.as_raw_fd(), self.config.fd_reserve) {
            let why = format!(
                "fd {} would leave fewer than {} descriptors for the {} open connections",
                stream.as_raw_fd(),
                self.config.fd_reserve,
                self.conns.len()
            );
            self.refuse(stream, &peer, &why);
            return;
        }
        let stream = match self.handler.on_connect(stream, &peer) {
            Ok(stream) => stream,
            Err(e) => {
                warn!("{peer}: refused by the handler: {e}");
                self.stats.refused += 1;
                return;
            }
        };
        if let Err(e) = prepare_socket(&stream) {
            warn!("{peer}: cannot prepare socket: {e}");
            return;
        }
        let token = Token(self.conns.vacant_key());
        if let Err(e) = self.backend.register(stream.as_raw_fd(), token, Interest::READABLE) {
            self.refuse(stream, &peer, &e.to_string());
            return;
        }
        let serial = self.take_serial();
        let mut ctx = Ctx::new(&mut self.ops, &mut self.timers, self.now, Some((token, serial)));
        ctx.listener = Some(index);
        let state = self.handler.on_accept(&mut ctx, token, &peer);
        debug!("accept {token} from {peer} (fd {})", stream.as_raw_fd());
        let key = self
            .conns
            .insert(Conn::new(stream, peer, state, serial, self.now, true));
        debug_assert_eq!(key, token.0);
        self.stats.accepted += 1;
        self.observe(Seen::Accepted(token));
        self.arm_idle_timer(token);
        self.apply_ops();
    }

    /// Tell the client why (best effort: one non-blocking write) and close it.
    fn refuse(&mut self, mut stream: Stream, peer: &Peer, why: &str) {
        warn!("refusing connection from {peer}: {why}");
        self.stats.refused += 1;
        let _ = stream.set_nonblocking(true);
        let _ = stream.write(&self.config.busy_message);
        // Dropping the stream closes it.
    }

    /// Full, on a listener other workers share: leave the queue to them for a while (module
    /// doc). The pause of rule 8, for another reason.
    fn step_aside(&mut self, index: usize) {
        let full = io::Error::other(format!(
            "this worker is full ({} connections), the other workers take the queue",
            self.config.max_connections
        ));
        self.pause_accepting(index, &full);
    }

    /// Start the idle clock of a connection when an idle timeout is configured.
    pub(super) fn arm_idle_timer(&mut self, token: Token) {
        let Some(idle) = self.config.idle_timeout else { return };
        let Some(conn) = self.conns.get_mut(token.0) else {
            return;
        };
        conn.idle_timer = Some(
            self.timers
                .add(conn.last_active + idle, token, conn.serial, TimerKind::Idle),
        );
    }
}

/// `accept(2)` on the listener. (The unit tests swap in `fault::accept_one`, which can fail
/// on demand.)
#[cfg(not(test))]
fn accept_one(listener: &crate::Listener) -> io::Result<(Stream, Peer)> {
    listener.accept_nonblocking()
}

#[cfg(test)]
use fault::accept_one;

/// For TCP, no Nagle delay: replies are small and must leave at once. (Non-blocking it is
/// already: `accept_nonblocking`, or `on_connect`'s contract.)
fn prepare_socket(stream: &Stream) -> io::Result<()> {
    if let Stream::Tcp(tcp) = stream {
        tcp.set_nodelay(true)?;
    }
    Ok(())
}

#[cfg(test)]
#[path = "accept_tests.rs"]
mod tests;

/// The unit tests' seam: `accept_one`, whose next N calls on this thread fail with EPROTO,
/// to check that one failed accept does not leave the queued connections behind it waiting.
#[cfg(test)]
mod fault {
    use crate::{Peer, Stream};
    use std::cell::Cell;
    use std::io;

    pub fn accept_one(listener: &crate::Listener) -> io::Result<(Stream, Peer)> {
        take().map_or_else(|| listener.accept_nonblocking(), Err)
    }

    thread_local! {
        static FAILURES: Cell<u32> = const { Cell::new(0) };
    }

    pub fn inject(count: u32) {
        FAILURES.with(|f| f.set(count));
    }

    pub fn take() -> Option<io::Error> {
        FAILURES.with(|f| {
            let left = f.get();
            (left > 0).then(|| {
                f.set(left - 1);
                io::Error::from_raw_os_error(libc::EPROTO)
            })
        })
    }
}
