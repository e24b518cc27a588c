//! Signals into the event loop: the self-pipe trick.
//!
//! A signal handler may only call async-signal-safe functions, so it cannot touch the
//! reactor's data. Ours does one thing: `write(2)` the signal number as one byte into a
//! non-blocking pipe. The pipe's read end is registered in the backend like any socket, so
//! SIGINT/SIGTERM (or SIGCHLD for the fork model) arrive as an ordinary readable event, in
//! order with everything else.
//!
//! The handler is installed *without* `SA_RESTART`: a blocked `epoll_wait`/`poll`/`select`
//! returns `EINTR` at once, and the loop simply goes round again (readiness rule 6) and finds
//! the byte. The blocking models use the same pipe with `poll(2)` on [listener, pipe], since a
//! plain blocking `accept` in std retries `EINTR` and would never notice the signal.

use nix::fcntl::OFlag;
use nix::sys::signal::{sigaction, SaFlags, SigAction, SigHandler, SigSet, Signal};
use std::fs::File;
use std::io::{self, Read};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, IntoRawFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};

/// The pipe's write end, for the handler (a signal handler can only reach statics).
static WRITE_FD: AtomicI32 = AtomicI32::new(-1);

/// Set by the handler on SIGINT/SIGTERM, for blocking code that sees `EINTR` mid-read and
/// must decide whether to stop (an atomic store is async-signal-safe).
static STOP_REQUESTED: AtomicBool = AtomicBool::new(false);

/// The stop signal caught before any pipe existed (see [`catch_stop_early`]), or 0.
static EARLY_STOP: AtomicI32 = AtomicI32::new(0);

/// A client socket to `shutdown(2)` when SIGINT/SIGTERM arrives (-1: none); see
/// [`shutdown_on_stop`].
static SHUTDOWN_ON_STOP: AtomicI32 = AtomicI32::new(-1);

/// Name the socket a single-threaded blocking server is serving (or `None` when done).
///
/// Such a server sits in `read(2)` on its one client. Checking "was a stop requested?" and
/// then calling `read` leaves a window: a signal landing between the two is handled, and the
/// `read` that follows blocks forever (the classic check-then-block race). So the handler
/// itself shuts the socket down (`shutdown(2)` is async-signal-safe): the `read` then returns
/// 0 whenever it happens, before or after the signal.
pub fn shutdown_on_stop(fd: Option<RawFd>) {
    SHUTDOWN_ON_STOP.store(fd.unwrap_or(-1), Ordering::SeqCst);
}

/// Has SIGINT or SIGTERM arrived since the pipe was installed?
pub fn stop_requested() -> bool {
    STOP_REQUESTED.load(Ordering::SeqCst)
}

/// The handler: one byte per signal; if the pipe is full, the byte already there will do.
extern "C" fn on_signal(signum: libc::c_int) {
    if signum == libc::SIGINT || signum == libc::SIGTERM {
        STOP_REQUESTED.store(true, Ordering::SeqCst);
        let client = SHUTDOWN_ON_STOP.load(Ordering::SeqCst);
        if client >= 0 {
            // SAFETY: shutdown(2) is async-signal-safe; the fd is open while it is named here.
            unsafe { libc::shutdown(client, libc::SHUT_RDWR) };
        }
    }
    let fd = WRITE_FD.load(Ordering::Relaxed);
    if fd >= 0 {
        let byte = signum as u8;
        // SAFETY: write(2) is async-signal-safe; the buffer is a local byte.
        unsafe { libc::write(fd, (&byte as *const u8).cast(), 1) };
    } else if signum == libc::SIGINT || signum == libc::SIGTERM {
        // No pipe yet: remember it; `SignalPipe::install` passes it on.
        EARLY_STOP.store(signum, Ordering::SeqCst);
    }
}

/// Catch SIGINT/SIGTERM from now on, before the loop and its pipe exist. A server prints
/// `listening on ADDR` as soon as it is bound, and a script may send SIGTERM right after
/// reading that line: without this, a signal landing before the loop installs its pipe
/// would kill the server with the default action (exit 143, the UNIX socket file left
/// behind). Caught early, it is handed to the pipe when the pipe is installed.
pub fn catch_stop_early() -> io::Result<()> {
    let action = SigAction::new(SigHandler::Handler(on_signal), SaFlags::empty(), SigSet::empty());
    for signal in STOP_SIGNALS {
        // SAFETY: the handler only makes async-signal-safe calls (atomics, write, shutdown).
        unsafe { sigaction(signal, &action) }?;
    }
    Ok(())
}

/// The read end of the self-pipe, and the signals routed into it.
pub struct SignalPipe {
    read: File,
}

impl SignalPipe {
    /// Create the pipe and route `signals` into it. One per process (the write end is global);
    /// installing again replaces the previous pipe.
    pub fn install(signals: &[Signal]) -> io::Result<SignalPipe> {
        let (read, write): (OwnedFd, OwnedFd) = nix::unistd::pipe2(OFlag::O_NONBLOCK | OFlag::O_CLOEXEC)?;
        let old = WRITE_FD.swap(write.into_raw_fd(), Ordering::SeqCst);
        if old >= 0 {
            // SAFETY: `old` was a write end we leaked into WRITE_FD and nobody else owns.
            unsafe { libc::close(old) };
        }
        let action = SigAction::new(SigHandler::Handler(on_signal), SaFlags::empty(), SigSet::empty());
        for &signal in signals {
            // SAFETY: the handler only calls write(2) on a descriptor, async-signal-safe.
            unsafe { sigaction(signal, &action) }?;
        }
        // A stop caught before this pipe existed (`catch_stop_early`): deliver it now.
        let early = EARLY_STOP.swap(0, Ordering::SeqCst);
        if early != 0 {
            let byte = early as u8;
            // SAFETY: write(2) on the pipe's write end we just stored; a local byte.
            unsafe { libc::write(WRITE_FD.load(Ordering::SeqCst), (&byte as *const u8).cast(), 1) };
        }
        Ok(SignalPipe { read: File::from(read) })
    }

    /// Put `signals` back to their default action and close the inherited write end of the
    /// parent's pipe: a forked child must die on SIGTERM like any process, and must not hold
    /// a descriptor it will never use.
    pub fn restore_default(signals: &[Signal]) {
        let action = SigAction::new(SigHandler::SigDfl, SaFlags::empty(), SigSet::empty());
        for &signal in signals {
            // SAFETY: restoring the default disposition.
            let _ = unsafe { sigaction(signal, &action) };
        }
        let inherited = WRITE_FD.swap(-1, Ordering::SeqCst);
        if inherited >= 0 {
            // SAFETY: the write end was leaked into WRITE_FD and is owned by nobody else;
            // no handler can use it any more (the dispositions are the default now).
            unsafe { libc::close(inherited) };
        }
    }

    /// Read every pending signal number (empty when none: the pipe is non-blocking).
    pub fn drain(&mut self) -> Vec<Signal> {
        let mut buf = [0u8; 64];
        let mut signals = Vec::new();
        loop {
            match self.read.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => signals.extend(buf[..n].iter().filter_map(|&b| Signal::try_from(b as i32).ok())),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(_) => break, // WouldBlock: drained
            }
        }
        signals
    }
}

impl AsFd for SignalPipe {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.read.as_fd()
    }
}

impl AsRawFd for SignalPipe {
    fn as_raw_fd(&self) -> RawFd {
        self.read.as_raw_fd()
    }
}

/// The signals that ask a server to stop.
pub const STOP_SIGNALS: [Signal; 2] = [Signal::SIGINT, Signal::SIGTERM];
