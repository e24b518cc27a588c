//! The metrics server on the thread model: a thread per client, one store behind a `Mutex`.
//!
//! Each client thread loops: `read(2)` what arrived, lock the store, let the session turn
//! whole commands into replies, *unlock*, then `write(2)` the replies. The lock is never held
//! across a blocking call, so a client that stops reading blocks only its own thread in
//! `write`, never the others (compare with `reactive/metrics.rs`, where one thread owns the
//! store and needs no lock at all).
//!
//! `--http` adds a second acceptor thread: `poll(2)` on the HTTP listener and on a *wake
//! pipe*; each HTTP connection is answered on a short-lived thread (at most
//! `--max-connections` of them; the next get 503 at once). Its head is read first; only a
//! complete head takes one of the `--max-scrapes` slots (past them: 503 + `Retry-After`), held
//! until the reply is written. So clients trickling their head cost a thread and at most
//! 8 KiB each, for at most the deadline, but never a scrape slot: normal scrapes keep being
//! answered. A scrape has `--scrape-deadline` for its whole exchange, from accept:
//! every blocking `read` and `write` gets what is left of it as its timeout
//! (`SO_RCVTIMEO`, `SO_SNDTIMEO`), so neither a client trickling its head one byte at a time
//! nor one that never reads the reply can hold a slot longer. The exposition is rendered
//! once per store version and shared (`proto/metrics/scrape.rs`). At shutdown the main
//! thread drops the pipe's write end: `poll` reports the read end hung up, and the HTTP
//! thread leaves its loop.

use super::{thread, Acceptor, Options};
use crate::proto::metrics::scrape::{ExpositionCache, ScrapeLimits};
use crate::proto::metrics::{http, unix_millis, Session, Store};
use log::{debug, info, warn};
use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use nix::sys::socket::{setsockopt, sockopt};
use nix::sys::time::TimeVal;
use reactor::{Listener, Peer, Stream};
use std::io::{self, Read, Write};
use std::os::fd::{AsFd, OwnedFd};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// Bytes read at once from a client.
const READ_SIZE: usize = 16 * 1024;
/// Bytes of a reply written per `write(2)`, each with the time left as its timeout.
const WRITE_SLICE: usize = 64 * 1024;

type SharedStore = Arc<Mutex<Store>>;
/// Renderings shared by the scrape threads (locked after the store, never before).
type SharedCache = Arc<Mutex<ExpositionCache>>;

/// Serve the protocol on `listener` (and HTTP on `http`) with a thread per client until
/// SIGINT/SIGTERM.
pub fn run(listener: Listener, http: Option<Listener>, options: &Options, limits: ScrapeLimits) -> io::Result<()> {
    let store = SharedStore::default();
    let max_open = options.max_connections;
    let http_thread = http
        .map(|l| HttpThread::spawn(l, Arc::clone(&store), limits, max_open))
        .transpose()?;
    let shared = Arc::clone(&store);
    let session = move |stream: &mut Stream, peer: &Peer| metrics_session(stream, peer, &shared);
    let result = Acceptor::new(listener, &[]).and_then(|acceptor| thread::run(acceptor, Arc::new(session), options));
    if let Some(http_thread) = http_thread {
        http_thread.stop();
    }
    result
}

/// One protocol client, until it quits, closes, idles out or the server stops.
fn metrics_session(stream: &mut Stream, peer: &Peer, store: &Mutex<Store>) -> io::Result<()> {
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
    fn spawn(listener: Listener, store: SharedStore, limits: ScrapeLimits, max_open: usize) -> io::Result<HttpThread> {
        listener.set_nonblocking(true)?;
        let (wake_read, wake) = nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC)?;
        let handle = std::thread::Builder::new()
            .name("http-acceptor".into())
            .spawn(move || accept_scrapes(&listener, &wake_read, &store, (limits, max_open)))?;
        Ok(HttpThread { wake, handle })
    }

    fn stop(self) {
        drop(self.wake);
        let _ = self.handle.join();
    }
}

/// HTTP connections open (each on its thread) and scrapes among them past their head.
#[derive(Debug, Default)]
struct Counts {
    open: Arc<AtomicUsize>,
    scrapes: Arc<AtomicUsize>,
}

/// One place in a counter bounded by a maximum, given back when dropped (whatever way the
/// thread holding it ends).
struct Slot(Arc<AtomicUsize>);

impl Slot {
    /// A place, or `Err(in use)` when all `max` are taken.
    fn take(counter: &Arc<AtomicUsize>, max: usize) -> Result<Slot, usize> {
        let before = counter.fetch_add(1, Ordering::SeqCst);
        let slot = Slot(Arc::clone(counter)); // dropped on refusal too: the add is undone
        if before >= max {
            return Err(before);
        }
        Ok(slot)
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// poll(2) on [wake pipe, listener]; accept each HTTP connection onto its own thread.
fn accept_scrapes(listener: &Listener, wake: &OwnedFd, store: &SharedStore, limits: (ScrapeLimits, usize)) {
    let counts = Counts::default();
    let cache = SharedCache::default();
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
            Ok((stream, peer)) => start_scrape(stream, peer, (store, &cache), &counts, limits),
            Err(e) if matches!(e.raw_os_error(), Some(libc::EMFILE) | Some(libc::ENFILE)) => {
                warn!("http: accept: {e}; backing off");
                std::thread::sleep(Duration::from_millis(100));
            }
            Err(e) => debug!("http: accept: {e}"), // WouldBlock, ECONNABORTED: nothing to do
        }
    }
}

fn start_scrape(
    mut stream: Stream,
    peer: Peer,
    (store, cache): (&SharedStore, &SharedCache),
    counts: &Counts,
    (limits, max_open): (ScrapeLimits, usize),
) {
    let open = match Slot::take(&counts.open, max_open) {
        Ok(slot) => slot,
        Err(open) => {
            warn!("http: {peer}: {open} connections open, 503");
            // Best effort, never blocking the acceptor: a fresh socket buffer takes it whole.
            let _ = stream.set_nonblocking(true);
            let _ = stream.write(&http::busy(counts.scrapes.load(Ordering::SeqCst)).to_vec());
            return;
        }
    };
    let (store, cache, scrapes) = (Arc::clone(store), Arc::clone(cache), Arc::clone(&counts.scrapes));
    let spawned = std::thread::Builder::new().name("scrape".into()).spawn(move || {
        let _open = open; // given back when this thread ends
        let deadline = Instant::now() + limits.deadline;
        if let Err(e) = serve_scrape(stream, (&store, &cache), &scrapes, limits.max, deadline) {
            debug!("http: {peer}: {e}");
        }
    });
    if let Err(e) = spawned {
        warn!("http: cannot start a thread: {e}"); // the closure, and its slot, are dropped
    }
}

/// Read one request head, then (holding a scrape slot, or answering 503 when none is free)
/// answer it and close; all before `deadline`.
fn serve_scrape(
    mut stream: Stream,
    (store, cache): (&Mutex<Store>, &Mutex<ExpositionCache>),
    scrapes: &Arc<AtomicUsize>,
    max_scrapes: usize,
    deadline: Instant,
) -> io::Result<()> {
    crate::reactive::metrics::shrink_send_buffer(&stream);
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !http::head_done(&head) {
        stream.set_read_timeout(Some(time_left(deadline)?))?;
        let n = stream.read(&mut buf)?;
        if n == 0 {
            return Ok(()); // gone before finishing its request
        }
        head.extend_from_slice(&buf[..n]); // at most MAX_HEAD + 4 KiB: head_done stops it
    }
    let _slot = match Slot::take(scrapes, max_scrapes) {
        Ok(slot) => slot,
        Err(running) => {
            warn!("http: {running} scrapes already running, 503");
            return write_before(&mut stream, &http::busy(running).to_vec(), deadline);
        }
    };
    let reply = {
        let store = store.lock().unwrap_or_else(PoisonError::into_inner);
        let mut cache = cache.lock().unwrap_or_else(PoisonError::into_inner);
        http::respond(&head, &store, &mut cache)
    };
    if let Some(reply) = reply {
        write_before(&mut stream, &reply.head, deadline)?;
        write_before(&mut stream, &reply.body, deadline)?;
    }
    Ok(())
}

/// Write `bytes`, each `write(2)` waiting at most for what is left until `deadline`.
/// Not `write_all`: a blocking write that times out after sending *part* of its slice
/// returns that part, and `write_all` would call again with the same `SO_SNDTIMEO`: a
/// client that never reads was held two or three deadlines (30.7 s for 10).
fn write_before(stream: &mut Stream, bytes: &[u8], deadline: Instant) -> io::Result<()> {
    let mut sent = 0;
    while sent < bytes.len() {
        let left = time_left(deadline)?;
        let secs = libc::time_t::try_from(left.as_secs()).unwrap_or(libc::time_t::MAX);
        let timeout = TimeVal::new(secs, libc::suseconds_t::from(left.subsec_micros().max(1)));
        setsockopt(&*stream, sockopt::SendTimeout, &timeout)?;
        let end = bytes.len().min(sent + WRITE_SLICE);
        match stream.write(&bytes[sent..end]) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => sent += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// What is left until `deadline`, or `TimedOut` once it has passed.
fn time_left(deadline: Instant) -> io::Result<Duration> {
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        return Err(io::Error::new(io::ErrorKind::TimedOut, "scrape deadline passed"));
    }
    Ok(left)
}
