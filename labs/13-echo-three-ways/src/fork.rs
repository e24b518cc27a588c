//! The fork server: one process per client (`fork(2)`). The child closes the listener, serves
//! its client and leaves with `_exit(2)`; the parent closes the client's socket and reaps every
//! finished child with `waitpid(-1, WNOHANG)` — the lecture's version does neither, and leaves
//! zombies and children that fall back into `accept`.

use crate::echo::echo;
use crate::listen::next_client;
use nix::sys::wait::{waitpid, WaitPidFlag, WaitStatus};
use nix::unistd::{fork, ForkResult};
use std::io;
use std::net::{TcpListener, TcpStream};

/// Accept, fork, and let the child serve; reap finished children before each wait.
pub fn serve_fork(listener: TcpListener) -> io::Result<()> {
    // LAB 13 BEGIN: the fork server
    while let Some(stream) = next_client(&listener, &mut reap_children)? {
        // SAFETY: this process has one thread (the fork model starts none), so the child
        // may run ordinary code.
        match unsafe { fork() }.map_err(io::Error::from)? {
            ForkResult::Child => {
                drop(listener);
                let code = serve_child(stream);
                // SAFETY: _exit ends the process at once, never back into the accept loop.
                unsafe { nix::libc::_exit(code) }
            }
            // The child has its own copy of the socket: the parent's copy must go.
            ForkResult::Parent { .. } => drop(stream),
        }
    }
    Ok(())
    // LAB 13 END
}

/// The child's work: echo, and the exit status that says how it went.
fn serve_child(mut stream: TcpStream) -> i32 {
    // LAB 13 BEGIN: the child serves its client
    match echo(&mut stream) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("lab13-echo: child: {e}");
            1
        }
    }
    // LAB 13 END
}

/// `waitpid(-1, WNOHANG)` until no finished child is left: no zombie stays behind.
fn reap_children() {
    // LAB 13 BEGIN: reap every finished child
    loop {
        match waitpid(None, Some(WaitPidFlag::WNOHANG)) {
            Ok(WaitStatus::StillAlive) | Err(_) => return,
            Ok(_) => continue,
        }
    }
    // LAB 13 END
}
