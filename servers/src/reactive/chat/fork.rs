//! The fork model of the chat: a process per client, the room in the parent.
//!
//! # The lesson
//!
//! After `fork(2)` parent and child have separate memory: a room kept in a child would be
//! a room of one. Whatever the members share must live in *one* process and be reached by
//! the others through the kernel. Here the parent keeps the room and runs it on the reactor
//! with the very handler of the select/poll/epoll models (`ChatHandler`); each child only
//! relays bytes between its client and the parent over a `socketpair(AF_UNIX, SOCK_STREAM)`
//! (`relay.rs`). To the parent's reactor, a child's end of the pair *is* the client: a
//! broadcast is one write per socketpair, and the children pass it on.
//!
//! So the fork model costs a process and a context switch per message and per hop, and buys
//! isolation: a child that crashes takes one client with it, and the parent never blocks
//! on a client socket.
//!
//! # The steps, in `on_connect`
//!
//! 1. `socketpair(2)`; `fork(2)`. The parent is single-threaded (no logger thread, no
//!    runtime), which is what makes running ordinary Rust code in the child safe.
//! 2. The child restores the default SIGINT/SIGTERM/SIGCHLD actions (the parent's handlers
//!    write into the parent's self-pipe), then closes **every** descriptor it inherited
//!    except stdin/stdout/stderr, its client and its end of the pair (`close_range(2)` over
//!    the gaps between them, rather than `dup2`-ing them to 3 and 4 first: same result,
//!    fewer moves to get wrong). This matters beyond tidiness: a child that kept a copy of
//!    *another* child's socketpair end would keep that pair open after the parent closes it,
//!    and that other child would never see EOF. It also drops its copies of the listener
//!    and of the parent's epoll descriptor.
//! 3. The parent closes the client socket and the child's end, and returns its own end to
//!    the reactor, which serves it like any accepted connection.
//! 4. SIGCHLD arrives through the reactor's self-pipe; `on_signal` reaps with
//!    `waitpid(-1, WNOHANG)` until no exited child is left: no zombies.

use super::relay::{relay, DRAIN_LIMIT};
use super::ChatHandler;
use crate::proto::chat::{LineFramer, Protocol};
use crate::reactive::Attached;
use log::{debug, info, warn};
use nix::sys::signal::{kill, Signal};
use nix::sys::wait::{waitpid, WaitPidFlag, WaitStatus};
use nix::unistd::{fork, ForkResult, Pid};
use reactor::signal::SignalPipe;
use reactor::{BackendKind, CloseReason, Config, Ctx, Handler, Listener, Peer, Stream, Token};
use std::collections::HashSet;
use std::io::{self, Write};
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;
use std::time::{Duration, Instant};

/// The chat handler, plus the children that relay for it.
pub struct ForkChatHandler {
    chat: ChatHandler,
    /// Children not yet reaped.
    children: HashSet<Pid>,
    /// Descriptors kept free (`Config::fd_reserve`), checked on the socketpair: in this
    /// parent the client socket is closed after the fork, so the accepted number alone
    /// does not show how full the table is.
    fd_reserve: usize,
    /// What a client is told when no child can be set up for it.
    busy_message: Vec<u8>,
}

/// Serve the chat with a child process per client until SIGINT/SIGTERM, then wait for the
/// children (each ends once its socketpair is closed).
pub fn run(
    kind: BackendKind,
    listener: Listener,
    protocol: Protocol,
    config: Config,
    attached: &Attached,
) -> io::Result<()> {
    let handler = ForkChatHandler {
        chat: ChatHandler::new(protocol),
        children: HashSet::new(),
        fd_reserve: config.fd_reserve,
        busy_message: config.busy_message.clone(),
    };
    let mut reactor = attached.reactor(kind, handler, config)?;
    reactor.listen(listener)?;
    reactor.watch_signals(&[Signal::SIGCHLD])?;
    info!("fork model: a child per client, the room in this process on the {kind} reactor");
    reactor.run()?;
    reactor.handler_mut().wait_for_children();
    info!("stopped");
    Ok(())
}

impl ForkChatHandler {
    /// The parent-child channel, unless it would eat into the descriptor reserve.
    fn socketpair(&self) -> io::Result<(UnixStream, UnixStream)> {
        let (ours, theirs) = UnixStream::pair()?;
        let highest = ours.as_raw_fd().max(theirs.as_raw_fd());
        if reactor::fd_reserve::eats_reserve(highest, self.fd_reserve) {
            return Err(io::Error::other(format!(
                "fd {highest} would leave fewer than {} descriptors free",
                self.fd_reserve
            )));
        }
        Ok((ours, theirs))
    }

    /// `waitpid(-1, WNOHANG)` until no exited child is left.
    fn reap_children(&mut self) {
        loop {
            match waitpid(None, Some(WaitPidFlag::WNOHANG)) {
                Ok(WaitStatus::StillAlive) => return,
                Ok(status) => {
                    if let Some(pid) = status.pid() {
                        self.children.remove(&pid);
                        debug!("reaped child {pid}: {status:?}");
                    }
                }
                Err(nix::errno::Errno::EINTR) => continue,
                Err(_) => return, // ECHILD: none left
            }
        }
    }

    /// At shutdown every socketpair is closed, so each child ends within its drain limit;
    /// one that does not is killed. Bounded, and no zombie is left behind.
    fn wait_for_children(&mut self) {
        let deadline = Instant::now() + DRAIN_LIMIT + Duration::from_secs(1);
        while !self.children.is_empty() && Instant::now() < deadline {
            self.reap_children();
            std::thread::sleep(Duration::from_millis(10));
        }
        for &pid in &self.children {
            warn!("child {pid} did not exit, killing it");
            let _ = kill(pid, Signal::SIGKILL);
        }
        for pid in self.children.drain() {
            while let Err(nix::errno::Errno::EINTR) = waitpid(pid, None) {}
        }
    }
}

impl Handler for ForkChatHandler {
    type State = LineFramer;

    /// Fork a child to serve `client`; the reactor gets our end of the socketpair instead.
    /// If that cannot be done (descriptors, processes), the client is told the busy line.
    fn on_connect(&mut self, mut client: Stream, peer: &Peer) -> io::Result<Stream> {
        let setup = self.socketpair().and_then(|pair| {
            // SAFETY: this process is single-threaded (see the module doc).
            Ok((pair, unsafe { fork() }?))
        });
        let ((ours, theirs), forked) = match setup {
            Ok(done) => done,
            Err(e) => {
                let _ = client.set_nonblocking(true);
                let _ = client.write(&self.busy_message);
                return Err(e);
            }
        };
        match forked {
            ForkResult::Child => {
                drop(ours);
                child_main(client, theirs, peer)
            }
            ForkResult::Parent { child } => {
                debug!("forked child {child} for {peer}");
                self.children.insert(child);
                drop(client); // only the child talks to this client now
                drop(theirs);
                ours.set_nonblocking(true)?; // on_connect's contract: the reactor will not
                Ok(Stream::Unix(ours))
            }
        }
    }

    fn on_accept(&mut self, ctx: &mut Ctx<'_>, token: Token, peer: &Peer) -> LineFramer {
        self.chat.on_accept(ctx, token, peer)
    }

    fn on_data(&mut self, ctx: &mut Ctx<'_>, token: Token, framer: &mut LineFramer, input: &[u8]) -> usize {
        self.chat.on_data(ctx, token, framer, input)
    }

    fn on_close(&mut self, ctx: &mut Ctx<'_>, token: Token, framer: &mut LineFramer, reason: &CloseReason) {
        self.chat.on_close(ctx, token, framer, reason)
    }

    fn on_signal(&mut self, _ctx: &mut Ctx<'_>, signal: Signal) {
        if signal == Signal::SIGCHLD {
            self.reap_children();
        }
    }
}

/// The child's whole life: default signals, only its own descriptors, relay, `_exit`.
fn child_main(client: Stream, parent: UnixStream, peer: &Peer) -> ! {
    SignalPipe::restore_default(&[Signal::SIGINT, Signal::SIGTERM, Signal::SIGCHLD]);
    let code = match close_inherited(&[client.as_raw_fd(), parent.as_raw_fd()]) {
        Err(e) => {
            warn!("child for {peer}: close_range: {e}");
            1
        }
        Ok(()) => match relay(client, parent, peer) {
            Ok(()) => 0,
            Err(e) => {
                debug!("child for {peer}: {e}");
                1
            }
        },
    };
    // SAFETY: _exit(2) ends the process at once, without running the parent's destructors
    // (the reactor, the listener) a second time in this copy.
    unsafe { libc::_exit(code) }
}

/// Close every descriptor from 3 up, except `keep`: `close_range(2)` over each gap.
fn close_inherited(keep: &[i32]) -> io::Result<()> {
    let mut keep: Vec<u32> = keep.iter().filter_map(|&fd| u32::try_from(fd).ok()).collect();
    keep.sort_unstable();
    let mut first = 3u32;
    for fd in keep.into_iter().chain(std::iter::once(u32::MAX)) {
        if fd > first {
            // SAFETY: closes descriptors no Rust object of this process will use again: the
            // child only touches `keep` until it calls _exit.
            if unsafe { libc::close_range(first, fd - 1, 0) } != 0 {
                return Err(io::Error::last_os_error());
            }
        }
        first = first.max(fd.saturating_add(1));
    }
    Ok(())
}
