//! Standard input as a non-blocking stream the reactor can watch, and the guard that puts it
//! back the way it was.
//!
//! `O_NONBLOCK` is a flag of the *open file description*, which stdin shares with the shell
//! that started us (and with every other process reading that terminal). Leaving it set on
//! exit breaks the shell's next `read` with `EAGAIN`. So we work on a `dup(2)` of fd 0 — the
//! same description, our own descriptor — and restore the original flag when done.
//!
//! epoll cannot watch a regular file: `epoll_ctl` fails with `EPERM` when stdin is redirected
//! from one (`tcp-client … < file`). select and poll simply report a regular file as always
//! ready, which is why the clients default to `--model poll`.

use reactor::net::set_fd_nonblocking;
use reactor::Stream;
use std::fs::File;
use std::io;
use std::os::fd::{AsFd, OwnedFd};

/// Restores stdin's blocking mode on drop.
pub struct StdinGuard {
    was_nonblocking: bool,
}

impl Drop for StdinGuard {
    fn drop(&mut self) {
        if !self.was_nonblocking {
            let _ = set_fd_nonblocking(io::stdin().as_fd(), false);
        }
    }
}

/// A duplicate of fd 0 as a `Stream`, plus the guard restoring its flags.
pub fn stdin_stream() -> io::Result<(Stream, StdinGuard)> {
    let stdin = io::stdin();
    let was_nonblocking = is_nonblocking(&stdin)?;
    let dup: OwnedFd = stdin.as_fd().try_clone_to_owned()?;
    Ok((Stream::Fd(File::from(dup)), StdinGuard { was_nonblocking }))
}

fn is_nonblocking(fd: &impl AsFd) -> io::Result<bool> {
    use nix::fcntl::{fcntl, FcntlArg, OFlag};
    let flags = OFlag::from_bits_truncate(fcntl(fd.as_fd(), FcntlArg::F_GETFL)?);
    Ok(flags.contains(OFlag::O_NONBLOCK))
}

/// Explain the one registration failure a student will meet.
pub fn explain_register_error(e: io::Error, backend: &str) -> io::Error {
    if e.raw_os_error() == Some(libc::EPERM) && backend == "epoll" {
        io::Error::new(
            io::ErrorKind::Unsupported,
            "epoll cannot watch stdin: it is a regular file (EPERM from epoll_ctl); use --model poll or select",
        )
    } else {
        e
    }
}
