//! Accepting as an operation, signals through one poll, and stopping by cancellation.
//!
//! `IORING_OP_ACCEPT` completes with the new descriptor (or `-errno`) when a client
//! arrives; the proactor submits the next one at once, so one accept is always in flight.
//! Past `max_connections`, or when its descriptor would eat into the reserve kept for the
//! clients already served (`--fd-reserve`, `fd_reserve.rs`), the client is told so and
//! closed, like in every model. `EMFILE`
//! pauses accepting with an `IORING_OP_TIMEOUT` instead of spinning (rule 8).
//!
//! Stopping: SIGINT/SIGTERM make the self-pipe readable, which completes a `POLL_ADD`.
//! Then the proactor cancels (`IORING_OP_ASYNC_CANCEL`) the accept and every connection's
//! operation, and frees each connection only when its cancelled operation has completed.

use super::conn::Conn;
use super::op::Op;
use super::{Proactor, Service, BUFFER_SIZE};
use io_uring::opcode;
use io_uring::types::Fd;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

impl<S: Service> Proactor<S> {
    /// Submit one `ACCEPT` on the listener (no peer address wanted: null pointers).
    pub(super) fn submit_accept(&mut self) -> io::Result<()> {
        let accept = opcode::Accept::new(
            Fd(self.listener.as_raw_fd()),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
        )
        .flags(libc::SOCK_CLOEXEC)
        .build()
        .user_data(Op::Accept.encode());
        // SAFETY: the entry points to no buffer.
        unsafe { self.push(&accept) }?;
        self.accepting = true;
        self.outstanding += 1;
        Ok(())
    }

    /// An `ACCEPT` completed: `result` is the new socket, or `-errno`.
    pub(super) fn accepted(&mut self, result: i32) -> io::Result<()> {
        self.accepting = false;
        self.outstanding -= 1;
        if result >= 0 {
            // SAFETY: the kernel just created this descriptor for us; nobody else owns it.
            let socket = unsafe { OwnedFd::from_raw_fd(result) };
            self.emfile_logged = false;
            self.admit(socket)?;
        } else if matches!(-result, libc::EMFILE | libc::ENFILE) {
            return self.back_off(-result);
        } else if -result != libc::ECANCELED {
            log::debug!("accept: {}", io::Error::from_raw_os_error(-result));
        }
        if self.stopping {
            return Ok(());
        }
        self.submit_accept()
    }

    /// Serve the new client, or tell it the server is full and close it.
    fn admit(&mut self, socket: OwnedFd) -> io::Result<()> {
        if self.stopping {
            return Ok(()); // dropped: closed
        }
        let full = self.conns.len() >= self.config.max_connections;
        if full || crate::fd_reserve::eats_reserve(socket.as_raw_fd(), self.config.fd_reserve) {
            self.refuse(socket);
            return Ok(());
        }
        let key = self.conns.insert(Conn::new(socket, BUFFER_SIZE));
        log::debug!("conn {key}: accepted ({} open)", self.conns.len());
        self.submit_recv(key)
    }

    /// Best effort, never blocking: one `send(2)` outside the ring, then close.
    fn refuse(&self, socket: OwnedFd) {
        let message = &self.config.busy_message;
        // SAFETY: a valid descriptor and a live buffer of the given length.
        unsafe {
            libc::send(
                socket.as_raw_fd(),
                message.as_ptr().cast(),
                message.len(),
                libc::MSG_DONTWAIT | libc::MSG_NOSIGNAL,
            )
        };
        log::warn!("refused a client: {} connections open", self.conns.len());
    }

    /// Out of descriptors: log once, and accept again after a pause (a timeout operation).
    fn back_off(&mut self, errno: i32) -> io::Result<()> {
        if !self.emfile_logged {
            log::warn!(
                "accept: {}; pausing accepts, serving the {} open connections",
                io::Error::from_raw_os_error(errno),
                self.conns.len()
            );
            self.emfile_logged = true;
        }
        if self.stopping {
            return Ok(());
        }
        let pause = opcode::Timeout::new(&*self.backoff)
            .build()
            .user_data(Op::AcceptBackoff.encode());
        // SAFETY: the timespec is boxed in the proactor and outlives the submission.
        unsafe { self.push(&pause) }?;
        self.backing_off = true;
        self.outstanding += 1;
        Ok(())
    }

    /// The pause after `EMFILE` is over (or was cancelled): accept again.
    pub(super) fn backoff_over(&mut self) -> io::Result<()> {
        self.backing_off = false;
        self.outstanding -= 1;
        if self.stopping {
            return Ok(());
        }
        self.submit_accept()
    }

    /// Watch the signal self-pipe with a one-shot `POLL_ADD`.
    pub(super) fn watch_signals(&mut self) -> io::Result<()> {
        let poll = opcode::PollAdd::new(Fd(self.signals.as_raw_fd()), libc::POLLIN as u32)
            .build()
            .user_data(Op::Signal.encode());
        // SAFETY: the entry points to no buffer.
        unsafe { self.push(&poll) }?;
        self.outstanding += 1;
        Ok(())
    }

    /// The self-pipe is readable: SIGINT or SIGTERM. Begin stopping.
    pub(super) fn signalled(&mut self) -> io::Result<()> {
        self.outstanding -= 1;
        let signals = self.signals.drain();
        let names: Vec<&str> = signals.iter().map(|s| s.as_str()).collect();
        log::info!(
            "received {}: stopping: cancelling the accept and the operations of {} connections",
            names.join(", "),
            self.conns.len()
        );
        self.stopping = true;
        if self.accepting {
            self.cancel(Op::Accept)?;
        }
        if self.backing_off {
            self.cancel(Op::AcceptBackoff)?;
        }
        let keys: Vec<usize> = self.conns.iter().map(|(key, _)| key).collect();
        for key in keys {
            self.close(key)?;
        }
        Ok(())
    }

    /// Ask the kernel to cancel the operation `op`; its own completion comes later.
    pub(super) fn cancel(&mut self, op: Op) -> io::Result<()> {
        let cancel = opcode::AsyncCancel::new(op.encode())
            .build()
            .user_data(Op::Helper.encode());
        // SAFETY: the entry points to no buffer.
        unsafe { self.push(&cancel) }
    }
}
