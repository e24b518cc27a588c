//! Beside the lesson: holding the last bytes back so they leave with the FIN in one segment
//! (`send(2)` with `MSG_MORE`, `setsockopt(TCP_CORK)`), used by the outbox (`outbox.rs`).

use super::Stream;
use nix::sys::socket::{self, sockopt};
use std::io::{self, Write};
use std::os::fd::AsRawFd;

impl Stream {
    /// `send(2)` with `MSG_MORE`: the kernel may hold these bytes back until more data or a
    /// FIN joins them in one segment (see `outbox.rs`). Other streams: a plain `write(2)`.
    pub fn write_more(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Tcp(s) => {
                // MSG_NOSIGNAL: a peer that is gone is an EPIPE error here, not a SIGPIPE.
                let flags = libc::MSG_MORE | libc::MSG_NOSIGNAL;
                // SAFETY: `buf` is valid for `buf.len()` bytes for the duration of the call.
                let n = unsafe { libc::send(s.as_raw_fd(), buf.as_ptr().cast(), buf.len(), flags) };
                usize::try_from(n).map_err(|_| io::Error::last_os_error())
            }
            _ => self.write(buf),
        }
    }

    /// `TCP_CORK` on or off: while on, TCP sends only full segments; turning it off sends
    /// the partial one it held (see `outbox.rs`). Nothing to do on other streams.
    pub fn set_cork(&self, on: bool) -> io::Result<()> {
        match self {
            Stream::Tcp(s) => Ok(socket::setsockopt(s, sockopt::TcpCork, &on)?),
            _ => Ok(()),
        }
    }
}
