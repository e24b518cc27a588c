//! Receive, reply, send the rest, receive again: one connection's cycle of operations.
//!
//! A `RECV` completion carries the byte count (0: the peer closed; `-errno`: an error,
//! `-ECANCELED` when cancelled or when its linked idle timeout fired). The service turns
//! the bytes into a reply, and a `SEND` is submitted. A `SEND` completion may report fewer
//! bytes than asked (a short send, normal when the peer reads slowly): the rest is submitted
//! again from where it stopped. Only when all is sent does the next `RECV` go out.

use super::conn::InFlight;
use super::op::Op;
use super::{Proactor, Service};
use io_uring::{opcode, squeue};
use std::io;

impl<S: Service> Proactor<S> {
    /// Lend the input buffer to the kernel: submit a `RECV`, linked to an idle timeout when
    /// `--idle-timeout` is set (`IORING_OP_LINK_TIMEOUT` cancels the receive if it fires).
    pub(super) fn submit_recv(&mut self, key: usize) -> io::Result<()> {
        let Some(conn) = self.conns.get_mut(key) else {
            return Ok(());
        };
        let recv = conn.recv(key);
        match self.idle_timeout.as_deref() {
            None => {
                // SAFETY: `input` is boxed in the record, which lives until this completes.
                unsafe { self.push(&recv) }?;
            }
            Some(timespec) => {
                let timespec: *const _ = timespec;
                let timeout = opcode::LinkTimeout::new(timespec)
                    .build()
                    .user_data(Op::Helper.encode());
                self.reserve(2)?;
                // SAFETY: as above; the timespec is boxed in the proactor.
                unsafe {
                    self.push(&recv.flags(squeue::Flags::IO_LINK))?;
                    self.push(&timeout)?;
                }
            }
        }
        self.outstanding += 1;
        Ok(())
    }

    /// Lend the output (what is left of it) to the kernel: submit a `SEND`.
    fn submit_send(&mut self, key: usize) -> io::Result<()> {
        let Some(conn) = self.conns.get_mut(key) else {
            return Ok(());
        };
        let send = conn.send(key);
        // SAFETY: `output` is not touched until this completes, and the record lives on.
        unsafe { self.push(&send) }?;
        self.outstanding += 1;
        Ok(())
    }

    /// A connection's operation completed; the buffers are ours again. Decide what next.
    pub(super) fn transferred(&mut self, key: usize, result: i32) -> io::Result<()> {
        let Some(conn) = self.conns.get_mut(key) else {
            log::warn!("conn {key}: completion for a freed slot (a bug)");
            return Ok(());
        };
        self.outstanding -= 1;
        let was = std::mem::replace(&mut conn.in_flight, InFlight::Nothing);
        if conn.closing || result <= 0 {
            if result < 0 && -result != libc::ECANCELED {
                log::debug!("conn {key}: {was:?}: {}", io::Error::from_raw_os_error(-result));
            }
            return self.close(key);
        }
        let n = result as usize;
        match was {
            InFlight::Recv => {
                conn.output.clear();
                conn.sent = 0;
                self.service.respond(&conn.input[..n], &mut conn.output);
                if conn.output.is_empty() {
                    self.submit_recv(key)
                } else {
                    self.submit_send(key)
                }
            }
            InFlight::Send => {
                conn.sent += n;
                if conn.output_done() {
                    self.submit_recv(key)
                } else {
                    log::trace!("conn {key}: short send, {} bytes left", conn.output.len() - conn.sent);
                    self.submit_send(key)
                }
            }
            InFlight::Nothing => {
                log::warn!("conn {key}: completion with nothing in flight (a bug)");
                Ok(())
            }
        }
    }

    /// Close a connection: at once if the kernel holds none of its buffers; otherwise
    /// cancel the operation in flight and close when its completion arrives.
    pub(super) fn close(&mut self, key: usize) -> io::Result<()> {
        let Some(conn) = self.conns.get_mut(key) else {
            return Ok(());
        };
        conn.closing = true;
        if conn.in_flight == InFlight::Nothing {
            self.conns.remove(key); // drops the socket: close(2)
            log::debug!("conn {key}: closed ({} open)", self.conns.len());
            return Ok(());
        }
        if !conn.cancel_sent {
            conn.cancel_sent = true;
            self.cancel(Op::Conn(key))?;
        }
        Ok(())
    }
}
