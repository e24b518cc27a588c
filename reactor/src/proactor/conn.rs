//! One connection of the proactor: its socket, its two buffers, and who owns them now.
//!
//! In the reactor a buffer is touched only *during* a `read(2)` or `write(2)` call: the
//! program owns it the rest of the time. Here a receive is *submitted* with a pointer to
//! `input`, and the kernel may write there at any moment until the completion arrives. So
//! the record says at every instant whether the kernel holds its buffers (`in_flight`), and
//! the proactor keeps two promises while it does:
//!
//! - never read, grow, shrink or free the lent buffer (the `Box<[u8]>` and the `Vec`'s heap
//!   block do not move when the slab moves the record, only the record itself moves);
//! - never free the record: closing waits for the completion, or cancels the operation and
//!   waits for the cancellation's completion (`Proactor::close` in `io.rs`).

use super::op::Op;
use io_uring::{opcode, squeue, types};
use std::os::fd::{AsRawFd, OwnedFd};

/// What the kernel is doing with this connection's buffers.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum InFlight {
    /// Nothing: the program owns both buffers.
    Nothing,
    /// A receive into `input`: the kernel owns `input`.
    Recv,
    /// A send from `output[sent..]`: the kernel owns `output`.
    Send,
}

pub struct Conn {
    /// The connected socket (closed when the record is dropped).
    pub socket: OwnedFd,
    /// Where receives land; lent to the kernel during a receive.
    pub input: Box<[u8]>,
    /// The reply being sent; lent to the kernel during a send.
    pub output: Vec<u8>,
    /// How much of `output` the completed sends took (short sends resubmit the rest).
    pub sent: usize,
    pub in_flight: InFlight,
    /// Set when the connection must go: it is freed as soon as nothing is in flight.
    pub closing: bool,
    /// An `ASYNC_CANCEL` was submitted for the operation in flight (only one is needed).
    pub cancel_sent: bool,
}

impl Conn {
    pub fn new(socket: OwnedFd, buffer_size: usize) -> Conn {
        Conn {
            socket,
            input: vec![0; buffer_size].into_boxed_slice(),
            output: Vec::with_capacity(buffer_size),
            sent: 0,
            in_flight: InFlight::Nothing,
            closing: false,
            cancel_sent: false,
        }
    }

    /// An `IORING_OP_RECV` into the whole input buffer, which the kernel owns from now on.
    pub fn recv(&mut self, key: usize) -> squeue::Entry {
        self.in_flight = InFlight::Recv;
        let len = u32::try_from(self.input.len()).unwrap_or(u32::MAX);
        opcode::Recv::new(types::Fd(self.socket.as_raw_fd()), self.input.as_mut_ptr(), len)
            .build()
            .user_data(Op::Conn(key).encode())
    }

    /// An `IORING_OP_SEND` of what is left of the output; the kernel owns it from now on.
    /// `MSG_NOSIGNAL`: a peer that left gives `EPIPE`, not a SIGPIPE that kills the server.
    pub fn send(&mut self, key: usize) -> squeue::Entry {
        self.in_flight = InFlight::Send;
        let rest = &self.output[self.sent..];
        let len = u32::try_from(rest.len()).unwrap_or(u32::MAX);
        opcode::Send::new(types::Fd(self.socket.as_raw_fd()), rest.as_ptr(), len)
            .flags(libc::MSG_NOSIGNAL)
            .build()
            .user_data(Op::Conn(key).encode())
    }

    /// Is the whole output sent?
    pub fn output_done(&self) -> bool {
        self.sent >= self.output.len()
    }
}
