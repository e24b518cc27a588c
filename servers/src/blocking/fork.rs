//! The fork model: a child process per client.
//!
//! After `accept`, `fork(2)` duplicates the server. Both processes now hold the listening
//! socket *and* the client socket, and each must close the one it does not use:
//!
//! - the **child** closes the listener, serves the client, and leaves with `_exit(2)`. The
//!   lecture's child never exits: when its client is done it falls back into the parent's
//!   `accept` loop, and soon every process is a server. `_exit` (not `exit`) also skips the
//!   parent's atexit handlers and inherited stdio buffers, which must not run twice;
//! - the **parent** closes the client socket (else the client never sees EOF from the
//!   server side when the child exits) and *reaps* its children: a child that exits stays a
//!   zombie until its parent calls `waitpid`. SIGCHLD arrives through the self-pipe and the
//!   loop calls `waitpid(-1, WNOHANG)` until no exited child is left.
//!
//! `--bug fork-no-exit`, `--bug no-reap` and `--bug parent-keeps-socket` switch each of those
//! three lecture bugs back on, beside the line that fixes it (docs/bugs.md).
//!
//! The process is single-threaded when it forks (no logger thread, no runtime), which is
//! what makes fork safe here: a child of a multi-threaded process may only call
//! async-signal-safe functions.

use super::{admit, refuse, serve, Acceptor, Next, Options, Session};
use log::{debug, info, warn};
use nix::sys::signal::{kill, Signal};
use nix::sys::wait::{waitpid, WaitPidFlag, WaitStatus};
use nix::unistd::{fork, ForkResult, Pid};
use reactor::signal::{SignalPipe, STOP_SIGNALS};
use reactor::{Bug, Peer, Stream};
use std::collections::HashSet;
use std::io;

/// The extra signal the fork model watches.
pub const SIGCHLD: Signal = Signal::SIGCHLD;

/// Accept clients and fork a child for each until SIGINT/SIGTERM; then stop the children
/// and wait for all of them.
pub fn run<S: Session>(mut acceptor: Acceptor, session: &S, options: &Options) -> io::Result<()> {
    let mut children: HashSet<Pid> = HashSet::new();
    let bugs = options.bugs;
    // Only with --bug parent-keeps-socket: the client sockets the parent forgot to close.
    let mut kept: Vec<Stream> = Vec::new();
    loop {
        match acceptor.wait()? {
            Next::Client(stream, peer) => {
                reap_children(&mut children, options);
                let Some(mut stream) = admit(stream, &peer, children.len(), options) else {
                    continue;
                };
                let conn = options.trace_accept(&stream, &peer);
                // SAFETY: this process is single-threaded (see the module doc), so the child
                // may run ordinary Rust code.
                match unsafe { fork() } {
                    // The child never returns, so it may take the acceptor with it.
                    Ok(ForkResult::Child) if !bugs.has(Bug::ForkNoExit) => {
                        child_main(acceptor, stream, peer, session, options)
                    }
                    Ok(ForkResult::Child) => {
                        bug_fork_no_exit(&mut stream, &peer, session, options);
                        drop(stream);
                        children.clear(); // the parent's children are not ours to reap
                    }
                    Ok(ForkResult::Parent { child }) => {
                        // LAB 3 BEGIN: the parent: close the client socket, remember the child
                        debug!("forked child {child} for {peer}");
                        options.trace_spawn(conn, &format!("pid {child}"));
                        if bugs.has(Bug::ParentKeepsSocket) {
                            kept.push(stream); // BUG parent-keeps-socket: the parent's copy stays open
                        } else {
                            drop(stream); // the parent's copy: only the child talks to this client
                        }
                        children.insert(child);
                        // LAB 3 END
                    }
                    Err(e) => refuse(stream, &peer, &format!("fork: {e}"), options),
                }
            }
            Next::Signal(SIGCHLD) => reap_children(&mut children, options),
            Next::Signal(_) => {}
            Next::Stop => break,
        }
    }
    drop(acceptor); // closes the listener and removes a UNIX socket file
    stop_children(&mut children, options);
    info!("stopped");
    Ok(())
}

/// The child's whole life: close the listener, serve one client, `_exit`.
fn child_main<S: Session>(acceptor: Acceptor, mut stream: Stream, peer: Peer, session: &S, options: &Options) -> ! {
    // LAB 3 BEGIN: the child: close the listener, serve, _exit
    // Die on SIGTERM like any process; the parent's handlers are not ours.
    let mut ours = STOP_SIGNALS.to_vec();
    ours.push(SIGCHLD);
    SignalPipe::restore_default(&ours);
    drop(acceptor); // close the listener (its UNIX file stays: only the parent may remove it)
    let code = serve_one(&mut stream, &peer, session, options);
    // SAFETY: _exit(2) ends the process at once; nothing of ours needs unwinding.
    unsafe { libc::_exit(code) }
    // LAB 3 END
}

/// BUG fork-no-exit (docs/bugs.md): the lecture's child serves its client and falls out
/// of its `if (!c)` block, back into the accept loop: one more server.
#[cold]
fn bug_fork_no_exit<S: Session>(stream: &mut Stream, peer: &Peer, session: &S, options: &Options) {
    serve_one(stream, peer, session, options);
}

/// Serve one client on its blocking socket; the exit code says how it went.
fn serve_one<S: Session>(stream: &mut Stream, peer: &Peer, session: &S, options: &Options) -> i32 {
    match serve(session, stream, peer, options) {
        Ok(()) => 0,
        Err(e) => {
            warn!("{peer}: {e}");
            1
        }
    }
}

/// waitpid(-1, WNOHANG) until no exited child is left: no zombies.
fn reap_children(children: &mut HashSet<Pid>, options: &Options) {
    // LAB 3 BEGIN: reap every exited child, never block
    if options.bugs.has(Bug::NoReap) {
        return; // BUG no-reap: nobody calls waitpid; every finished child stays a zombie
    }
    loop {
        match waitpid(None, Some(WaitPidFlag::WNOHANG)) {
            Ok(WaitStatus::StillAlive) => return,
            Ok(status) => {
                if let Some(pid) = status.pid() {
                    children.remove(&pid);
                    debug!("reaped child {pid}: {status:?}");
                    trace_reap(options, &status);
                }
            }
            Err(nix::errno::Errno::EINTR) => continue,
            Err(_) => return, // ECHILD: no children at all
        }
    }
    // LAB 3 END
}

/// Shutdown: SIGTERM every child, then wait for each one.
fn stop_children(children: &mut HashSet<Pid>, options: &Options) {
    if !children.is_empty() {
        info!("stopping {} children", children.len());
    }
    for &pid in children.iter() {
        let _ = kill(pid, Signal::SIGTERM);
    }
    for pid in children.drain() {
        loop {
            match waitpid(pid, None) {
                Err(nix::errno::Errno::EINTR) => continue,
                Ok(status) => trace_reap(options, &status),
                Err(_) => {}
            }
            break;
        }
    }
}

/// Record a reaped child in the trace (`--trace`).
fn trace_reap(options: &Options, status: &WaitStatus) {
    if let (Some(trace), Some(pid)) = (&options.trace, status.pid()) {
        trace.reaped(pid.as_raw(), &format!("{status:?}"));
    }
}
