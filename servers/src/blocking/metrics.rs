//! The metrics server on the thread model: a thread per client, one store behind a `Mutex`.
//!
//! Each client thread loops: `read(2)` what arrived, lock the store, let the session turn
//! whole commands into replies, *unlock*, then `write(2)` the replies. The lock is never held
//! across a blocking call, so a client that stops reading blocks only its own thread in
//! `write`, never the others (compare with `reactive/metrics.rs`, where one thread owns the
//! store and needs no lock at all).
//!
//! `--http` adds a second acceptor thread: `poll(2)` on the HTTP listener and on a *wake
//! pipe*; each scrape is answered on a short-lived thread (at most [`MAX_SCRAPES`] at once,
//! with a read timeout so a silent client cannot keep one forever). At shutdown the main
//! thread drops the pipe's write end: `poll` reports the read end hung up, and the HTTP
//! thread leaves its loop.

use super::{thread, Acceptor, Options};
use crate::proto::metrics::{http, unix_millis, Session, Store};
use log::{debug, info, warn};
use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use reactor::{Listener, Peer, Stream};
use std::io::{self, Read, Write};
use std::os::fd::{AsFd, OwnedFd};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

/// Bytes read at once from a client.
const READ_SIZE: usize = 16 * 1024;
/// Scrapes answered at once on the HTTP port; more are closed at once.
pub const MAX_SCRAPES: usize = 64;
/// How long a scrape may take to send its request head.
const SCRAPE_TIMEOUT: Duration = Duration::from_secs(5);

type SharedStore = Arc<Mutex<Store>>;

/// Serve the protocol on `listener` (and HTTP on `http`) with a thread per client until
/// SIGINT/SIGTERM.
pub fn run(listener: Listener, http: Option<Listener>, options: &Options) -> io::Result<()> {
    let store = SharedStore::default();
    let http_thread = http.map(|l| HttpThread::spawn(l, Arc::clone(&store))).transpose()?;
    let shared = Arc::clone(&store);
    let session = move |stream: Stream, peer: &Peer| metrics_session(stream, peer, &shared);
    let result = Acceptor::new(listener, &[]).and_then(|acceptor| thread::run(acceptor, Arc::new(session), options));
    if let Some(http_thread) = http_thread {
        http_thread.stop();
    }
    result
}

/// One protocol client, until it quits, closes, idles out or the server stops.
fn metrics_session(mut stream: Stream, peer: &Peer, store: &Mutex<Store>) -> io::Result<()> {
    let mut session = Session::new();
    let mut pending: Vec<u8> = Vec::new();
    let mut buf = vec![0u8; READ_SIZE];
    let mut out = Vec::new();
    loop {
        let n = match stream.read(&mut buf) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted && !reactor::signal::stop_requested() => continue,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => return Ok(()),
            Err(e) if super::is_idle_timeout(&e) => {
                info!("{peer}: idle timeout, closing");
                return Ok(());
            }
            Err(e) => return Err(e),
        };
        if n == 0 {
            if !pending.is_empty() {
                info!(
                    "{peer}: closed in the middle of a frame; {} bytes discarded",
                    pending.len()
                );
            }
            return Ok(());
        }
        pending.extend_from_slice(&buf[..n]);
        // Until only an incomplete frame is left (at most 1 KiB): memory stays bounded.
        loop {
            out.clear();
            let progress = {
                let mut store = store.lock().unwrap_or_else(PoisonError::into_inner);
                session.on_bytes(&pending, &mut store, unix_millis(), &mut out)
            }; // unlocked here, before the write that may block
            pending.drain(..progress.consumed);
            stream.write_all(&out)?;
            if progress.close {
                return Ok(());
            }
            if progress.consumed == 0 || pending.is_empty() {
                break;
            }
        }
    }
}

/// The HTTP acceptor thread and the pipe that stops it.
struct HttpThread {
    /// Dropping this write end wakes the thread's `poll` (the read end hangs up).
    wake: OwnedFd,
    handle: std::thread::JoinHandle<()>,
}

impl HttpThread {
    fn spawn(listener: Listener, store: SharedStore) -> io::Result<HttpThread> {
        listener.set_nonblocking(true)?;
        let (wake_read, wake) = nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC)?;
        let handle = std::thread::Builder::new()
            .name("http-acceptor".into())
            .spawn(move || accept_scrapes(&listener, &wake_read, &store))?;
        Ok(HttpThread { wake, handle })
    }

    fn stop(self) {
        drop(self.wake);
        let _ = self.handle.join();
    }
}

/// poll(2) on [wake pipe, listener]; accept each scrape onto its own thread.
fn accept_scrapes(listener: &Listener, wake: &OwnedFd, store: &SharedStore) {
    let running = Arc::new(AtomicUsize::new(0));
    loop {
        let mut fds = [
            PollFd::new(wake.as_fd(), PollFlags::POLLIN),
            PollFd::new(listener.as_fd(), PollFlags::POLLIN),
        ];
        match poll(&mut fds, PollTimeout::NONE) {
            Ok(_) => {}
            Err(nix::errno::Errno::EINTR) => continue,
            Err(e) => return warn!("http: poll: {e}"),
        }
        if fds[0].revents().is_some_and(|r| !r.is_empty()) {
            return debug!("http: acceptor stopping");
        }
        match listener.accept() {
            Ok((stream, peer)) => start_scrape(stream, peer, store, &running),
            Err(e) if matches!(e.raw_os_error(), Some(libc::EMFILE) | Some(libc::ENFILE)) => {
                warn!("http: accept: {e}; backing off");
                std::thread::sleep(Duration::from_millis(100));
            }
            Err(e) => debug!("http: accept: {e}"), // WouldBlock, ECONNABORTED: nothing to do
        }
    }
}

fn start_scrape(stream: Stream, peer: Peer, store: &SharedStore, running: &Arc<AtomicUsize>) {
    if running.fetch_add(1, Ordering::SeqCst) >= MAX_SCRAPES {
        running.fetch_sub(1, Ordering::SeqCst);
        return warn!("http: {peer}: {MAX_SCRAPES} scrapes already running, closing");
    }
    let (store, done) = (Arc::clone(store), Arc::clone(running));
    let spawned = std::thread::Builder::new().name("scrape".into()).spawn(move || {
        if let Err(e) = serve_scrape(stream, &store) {
            debug!("http: {peer}: {e}");
        }
        done.fetch_sub(1, Ordering::SeqCst);
    });
    if let Err(e) = spawned {
        running.fetch_sub(1, Ordering::SeqCst);
        warn!("http: cannot start a thread: {e}");
    }
}

/// Read one request head, answer it, close.
fn serve_scrape(mut stream: Stream, store: &Mutex<Store>) -> io::Result<()> {
    stream.set_read_timeout(Some(SCRAPE_TIMEOUT))?;
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let n = stream.read(&mut buf)?;
        if n == 0 {
            return Ok(()); // gone before finishing its request
        }
        head.extend_from_slice(&buf[..n]);
        let response = {
            let store = store.lock().unwrap_or_else(PoisonError::into_inner);
            http::respond(&head, &store)
        };
        if let Some(response) = response {
            return stream.write_all(&response);
        }
    }
}
