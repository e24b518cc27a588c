//! The chat on the thread model: a reader thread and a writer thread per client, and one
//! room behind a `Mutex` (`hub.rs`).
//!
//! The reader (the session thread the generic `blocking::thread` driver starts) reads the
//! socket and hands each read to the hub, which splits the lines with the shared
//! `LineFramer` under one lock. The writer (`queue.rs`) drains the member's bounded queue
//! into the socket. A reader whose lines pushed a member past its mark waits for it (flow
//! control: the sender slows down to the pace of those who read; see `queue.rs`). Shared memory makes the
//! room easy to reach from every thread; the lock and the queues are what it costs to keep
//! one slow client from stalling everybody.
//!
//! Threads: two per client, so `--max-connections N` means up to 2N threads.

mod hub;
mod queue;

use crate::blocking::{self, is_idle_timeout, Options};
use crate::cli::Model;
use crate::proto::chat::{LeaveReason, LineFramer, MemberId, Protocol};
use hub::Hub;
use log::info;
use queue::{write_queue, OutQueue};
use reactor::{Listener, Peer, Stream};
use std::io::{self, Read, Write};
use std::os::fd::AsRawFd;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

/// How long a finished session waits for its writer to flush the last bytes (a `* bye`).
const DRAIN_LIMIT: Duration = Duration::from_secs(2);

/// Serve the chat with threads until SIGINT/SIGTERM.
pub fn run(listener: Listener, options: Options, protocol: Protocol, max_output: usize) -> io::Result<()> {
    let hub = Arc::new(Hub::new(protocol, max_output));
    let busy = options.busy_message.clone();
    let session = move |stream: &mut Stream, peer: &Peer| serve(&hub, stream, peer, &busy);
    info!("thread model: a reader and a writer thread per client, the room behind a lock");
    blocking::run(Model::Thread, listener, session, options)
}

/// One client: start its writer, join the room, read until it leaves, clean up. The writer
/// is a scoped thread borrowing the same socket: one descriptor per member, no `dup`.
fn serve(hub: &Hub, stream: &mut Stream, peer: &Peer, busy: &[u8]) -> io::Result<()> {
    let stream: &Stream = stream;
    let id = hub.new_member_id();
    let queue = Arc::new(OutQueue::new(hub.max_output()));
    thread::scope(|scope| {
        let writer_queue = Arc::clone(&queue);
        let spawned = thread::Builder::new()
            .name(format!("client-{id}-writer"))
            .spawn_scoped(scope, move || {
                write_queue(&writer_queue, &mut &*stream);
                // After `/quit` (or a failed write): shut the socket down, which also ends
                // the reader's blocking read.
                let _ = stream.shutdown_both();
            });
        let writer = match spawned {
            Ok(writer) => writer,
            Err(e) => {
                // Say why before closing, as a refusal at accept does.
                log::warn!("{peer}: cannot start a writer thread ({e}): refusing");
                let _ = (&mut &*stream).write_all(busy);
                return Ok(());
            }
        };
        let nick = hub.join(id, Arc::clone(&queue), stream.as_raw_fd());
        info!("{peer} joined as {nick}");
        // After a /quit the room has already logged the leave; this one is then a no-op.
        let reason = read_lines(hub, id, stream);
        hub.leave(id, reason);
        queue.close_after_flush();
        finish_writer(&writer, stream);
        Ok(())
    })
}

/// Let the writer flush for at most `DRAIN_LIMIT`, then force it out of a blocked write
/// (the scope joins it).
fn finish_writer(writer: &thread::ScopedJoinHandle<'_, ()>, stream: &Stream) {
    let deadline = Instant::now() + DRAIN_LIMIT;
    while !writer.is_finished() && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(5));
    }
    if !writer.is_finished() {
        let _ = stream.shutdown_both();
    }
}

/// The reader's loop; returns why the member is leaving. Each read goes to the hub whole
/// (one lock for all its lines), and the hub makes us wait while a member we wrote to is
/// over its mark: that wait is the flow control.
fn read_lines(hub: &Hub, id: MemberId, stream: &Stream) -> LeaveReason {
    let mut framer = LineFramer::new();
    let mut buf = vec![0u8; 16 * 1024];
    let mut pending: Vec<u8> = Vec::new();
    loop {
        let n = match (&mut &*stream).read(&mut buf) {
            Ok(0) if reactor::signal::stop_requested() => return LeaveReason::Shutdown,
            Ok(0) => return LeaveReason::ConnectionLost,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) if is_idle_timeout(&e) => return LeaveReason::IdleTimeout,
            Err(_) => return LeaveReason::ConnectionLost,
        };
        // The framer consumes every byte past MAX_LINE, so `pending` stays under a line.
        pending.extend_from_slice(&buf[..n]);
        let used = hub.feed(id, &mut framer, &pending);
        pending.drain(..used);
    }
}
