//! Listening and waiting for the next client: `socket`, `bind`, `listen` (std's
//! `TcpListener::bind` does the three, with SO_REUSEADDR), then `poll(2)` on the listener with
//! a timeout and `accept(2)`, so that a SIGTERM is noticed within a tenth of a second.
//!
//! The SIGTERM handler only sets a flag (a handler may do almost nothing safely); the loops ask
//! [`stopping`] between two waits.

use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use nix::sys::signal::{sigaction, SaFlags, SigAction, SigHandler, SigSet, Signal};
use std::io;
use std::net::{TcpListener, TcpStream};
use std::os::fd::AsFd;
use std::sync::atomic::{AtomicBool, Ordering};

/// Set by the SIGTERM/SIGINT handler, read by the accept loops.
static STOP: AtomicBool = AtomicBool::new(false);

/// Has SIGTERM or SIGINT arrived?
pub fn stopping() -> bool {
    STOP.load(Ordering::SeqCst)
}

extern "C" fn note_stop(_signal: nix::libc::c_int) {
    STOP.store(true, Ordering::SeqCst);
}

/// Install the SIGTERM and SIGINT handler, without SA_RESTART: a blocked `read` or `poll`
/// then returns EINTR, so the loops see the flag at once.
pub fn on_sigterm_stop() -> io::Result<()> {
    // LAB 13 BEGIN: SIGTERM and SIGINT set the stop flag
    let action = SigAction::new(SigHandler::Handler(note_stop), SaFlags::empty(), SigSet::empty());
    for signal in [Signal::SIGTERM, Signal::SIGINT] {
        // SAFETY: the handler only stores into an atomic, which is async-signal-safe.
        unsafe { sigaction(signal, &action) }.map_err(io::Error::from)?;
    }
    Ok(())
    // LAB 13 END
}

/// socket + SO_REUSEADDR + bind + listen on `addr` (port 0: the kernel picks one).
pub fn open_listener(addr: &str) -> io::Result<TcpListener> {
    // LAB 13 BEGIN: bind and listen
    TcpListener::bind(addr)
    // LAB 13 END
}

/// The next client, or `None` once SIGTERM has arrived: wait for the listener to be readable
/// for at most 100 ms at a time, and call `before_each_wait` before each wait (the fork server
/// reaps its children there).
pub fn next_client(listener: &TcpListener, before_each_wait: &mut dyn FnMut()) -> io::Result<Option<TcpStream>> {
    // LAB 13 BEGIN: wait for a client, or for SIGTERM
    loop {
        before_each_wait();
        if stopping() {
            return Ok(None);
        }
        let mut fds = [PollFd::new(listener.as_fd(), PollFlags::POLLIN)];
        match poll(&mut fds, PollTimeout::from(100u8)) {
            Ok(0) | Err(nix::errno::Errno::EINTR) => continue,
            Ok(_) => {}
            Err(e) => return Err(e.into()),
        }
        match listener.accept() {
            Ok((stream, _peer)) => return Ok(Some(stream)),
            // The client left between poll and accept, or a signal came: wait again.
            Err(e) if is_transient(&e) => continue,
            Err(e) => return Err(e),
        }
    }
    // LAB 13 END
}

/// Errors of `accept` that concern one client, not the listener.
pub fn is_transient(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::Interrupted | io::ErrorKind::ConnectionAborted | io::ErrorKind::WouldBlock
    )
}
