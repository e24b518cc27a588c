//! The accept loop of the blocking models: wait in `poll(2)` on two descriptors, the
//! listening socket and the signal self-pipe, then `accept(2)`.
//!
//! Why not just a blocking `accept`? std's `accept` retries `EINTR` itself, so a server
//! blocked in it would never notice SIGTERM. Waiting on the pipe too makes the signal an
//! ordinary event: stop accepting, finish, exit 0. The fork model also routes SIGCHLD here, so
//! reaping children happens in the main loop, not in a signal handler.

use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use nix::sys::signal::Signal;
use reactor::fd_reserve::{is_out_of_descriptors, OutOfFds, ACCEPT_BACKOFF};
use reactor::signal::{SignalPipe, STOP_SIGNALS};
use reactor::{Listener, Peer, Stream};
use std::io;
use std::os::fd::AsFd;

/// What the accept loop should do next.
pub enum Next {
    /// A new client, blocking socket.
    Client(Stream, Peer),
    /// A signal other than SIGINT/SIGTERM arrived (SIGCHLD for the fork model).
    Signal(Signal),
    /// SIGINT or SIGTERM: stop accepting.
    Stop,
}

/// A listener plus the self-pipe that brings signals to it.
pub struct Acceptor {
    pub listener: Listener,
    signals: SignalPipe,
    /// EMFILE is logged once per episode (rule 8, as in the reactor).
    out_of_fds: OutOfFds,
}

impl Acceptor {
    /// Route SIGINT, SIGTERM and `extra` signals into a self-pipe watched with the listener.
    pub fn new(listener: Listener, extra: &[Signal]) -> io::Result<Acceptor> {
        let mut all = STOP_SIGNALS.to_vec();
        all.extend_from_slice(extra);
        let signals = SignalPipe::install(&all)?;
        // Non-blocking listener: if a client vanishes between poll and accept, accept
        // returns WouldBlock instead of hanging. Accepted sockets do not inherit O_NONBLOCK.
        listener.set_nonblocking(true)?;
        Ok(Acceptor {
            listener,
            signals,
            out_of_fds: OutOfFds::default(),
        })
    }

    /// Block until a client connects or a signal arrives.
    pub fn wait(&mut self) -> io::Result<Next> {
        loop {
            let (signal_ready, client_ready) = self.wait_for_client_or_signal()?;
            if signal_ready {
                let signals = self.signals.drain();
                if signals.iter().any(|s| STOP_SIGNALS.contains(s)) {
                    return Ok(Next::Stop);
                }
                if let Some(&signal) = signals.first() {
                    return Ok(Next::Signal(signal));
                }
            }
            if client_ready {
                if let Some((stream, peer)) = self.accept_one()? {
                    return Ok(Next::Client(stream, peer));
                }
            }
        }
    }

    /// poll(2) on [signal pipe, listener]; returns which are readable. EINTR: poll again.
    fn wait_for_client_or_signal(&self) -> io::Result<(bool, bool)> {
        let mut fds = [
            PollFd::new(self.signals.as_fd(), PollFlags::POLLIN),
            PollFd::new(self.listener.as_fd(), PollFlags::POLLIN),
        ];
        loop {
            match poll(&mut fds, PollTimeout::NONE) {
                Ok(_) => break,
                Err(nix::errno::Errno::EINTR) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        let ready = |fd: &PollFd| fd.revents().is_some_and(|r| !r.is_empty());
        Ok((ready(&fds[0]), ready(&fds[1])))
    }

    /// accept(2) once; `None` when there was nothing after all or it failed harmlessly.
    fn accept_one(&mut self) -> io::Result<Option<(Stream, Peer)>> {
        match self.listener.accept() {
            Ok(client) => {
                self.out_of_fds.accepted();
                Ok(Some(client))
            }
            Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted) => Ok(None),
            Err(e) if e.kind() == io::ErrorKind::ConnectionAborted => Ok(None),
            Err(e) if is_out_of_descriptors(&e) => {
                // Out of descriptors: the client stays queued in the kernel. Back off instead
                // of spinning on a listener that stays readable.
                let pause = ACCEPT_BACKOFF.as_millis();
                self.out_of_fds
                    .log_once(&e, format_args!("backing off {pause} ms between attempts"));
                std::thread::sleep(ACCEPT_BACKOFF);
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }
}
