//! The thread model: a thread per client, up to `--max-connections`.
//!
//! Threads share the process's memory, so the per-client code can reach shared state
//! directly (behind a lock). Each costs a stack and a kernel task, so the number is capped:
//! past the cap a new client is told so and closed, rather than the server dying of
//! `EAGAIN` from `clone(2)`.
//!
//! `--bug thread-per-client-uncapped` is the lecture's version: no cap, no join (docs/bugs.md).
//!
//! Shutdown: a thread blocked in `read` cannot be cancelled. The main thread keeps the
//! descriptor number of every client socket and calls `shutdown(SHUT_RDWR)` on each: the
//! blocked reads return 0, the sessions end, and the main thread joins them all before
//! exiting 0. A session thread removes its descriptor from that registry *before* closing
//! the socket, under the same lock, so a shutdown can never reach a number the kernel has
//! already given to a newer connection. (Keeping a `dup` instead would cost a second
//! descriptor per client, and fail with EMFILE exactly when descriptors run short.)

use super::{admit, serve, Acceptor, Next, Options, Session};
use log::{debug, info, warn};
use reactor::{Bug, Peer, Stream};
use std::collections::HashMap;
use std::io;
use std::os::fd::{AsRawFd, RawFd};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::{self, JoinHandle};

/// Client sockets of running sessions (by id), so the main thread can wake them at shutdown.
type Registry = Arc<Mutex<HashMap<u64, RawFd>>>;

/// Accept clients and start a thread for each until SIGINT/SIGTERM.
pub fn run<S: Session>(mut acceptor: Acceptor, session: Arc<S>, options: &Options) -> io::Result<()> {
    // LAB 4 BEGIN: a thread per client, capped, joined
    let registry: Registry = Arc::default();
    let mut threads: Vec<JoinHandle<()>> = Vec::new();
    let mut next_id = 0u64;
    loop {
        match acceptor.wait()? {
            Next::Client(stream, peer) => {
                let admitted = if options.bugs.has(Bug::ThreadPerClientUncapped) {
                    // BUG thread-per-client-uncapped: the lecture's `pthread_create` per client,
                    // no cap and no join: handles (and finished threads' stacks) pile up.
                    Some(stream)
                } else {
                    threads.retain(|t| !t.is_finished()); // joined implicitly: the thread is done
                    admit(stream, &peer, threads.len(), options)
                };
                let Some(stream) = admitted else {
                    continue;
                };
                next_id += 1;
                match spawn_session(next_id, stream, peer, &session, &registry, options) {
                    Ok(handle) => threads.push(handle),
                    Err(e) => warn!("cannot start a thread: {e}"),
                }
            }
            Next::Signal(_) => {}
            Next::Stop => break,
        }
    }
    drop(acceptor);
    wake_and_join(&registry, threads);
    info!("stopped");
    Ok(())
    // LAB 4 END
}

/// Start the thread that serves one client; it unregisters itself when done.
fn spawn_session<S: Session>(
    id: u64,
    stream: Stream,
    peer: Peer,
    session: &Arc<S>,
    registry: &Registry,
    options: &Options,
) -> io::Result<JoinHandle<()>> {
    let conn = options.trace_accept(&stream, &peer);
    lock(registry).insert(id, stream.as_raw_fd());
    let (session, shared, owned) = (Arc::clone(session), Arc::clone(registry), options.clone());
    let spawned = thread::Builder::new().name(format!("client-{id}")).spawn(move || {
        let mut stream = stream;
        debug!("thread client-{id} serves {peer}");
        if let Err(e) = serve(&*session, &mut stream, &peer, &owned) {
            warn!("{peer}: {e}");
        }
        // Unregister, then close, under the lock: ordered against a shutdown in progress.
        let mut open = lock(&shared);
        open.remove(&id);
        drop(stream);
    });
    match &spawned {
        Ok(_) => options.trace_spawn(conn, &format!("thread client-{id}")),
        Err(_) => {
            lock(registry).remove(&id);
        }
    }
    spawned
}

/// Shutdown: unblock every session's read, then wait for every thread.
fn wake_and_join(registry: &Registry, threads: Vec<JoinHandle<()>>) {
    {
        let open = lock(registry);
        if !open.is_empty() {
            info!("closing {} open connections", open.len());
        }
        for &fd in open.values() {
            // The fd is open: its session closes it only after removing it from the
            // registry, which cannot happen while we hold the lock.
            let _ = nix::sys::socket::shutdown(fd, nix::sys::socket::Shutdown::Both);
        }
    }
    for thread in threads {
        let _ = thread.join();
    }
}

/// The registry's lock; a panicked session does not make it unusable.
fn lock(registry: &Registry) -> std::sync::MutexGuard<'_, HashMap<u64, RawFd>> {
    registry.lock().unwrap_or_else(PoisonError::into_inner)
}
