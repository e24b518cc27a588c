//! Readiness rule 2, second half: *a short read shows the socket drained*. Since `read_ready`
//! stops after a read shorter than its buffer (epoll) or after one read (select, poll), these
//! tests check that nothing is ever left behind for good, on every backend:
//! bursts smaller and larger than the buffer, sent between turns; and the peer's FIN arriving
//! behind the data in the same edge, which a short read does not consume; and a terminal,
//! whose reads are short one line at a time (`reactor/src/reactor/read_until.rs`). The saved system call itself is counted with strace
//! on the real servers (`tests/tests/syscalls.rs`).

use reactor::{BackendKind, CloseReason, Config, Ctx, Handler, Peer, Reactor, Stream, Token};
use std::io::Write;
use std::net::Shutdown;
use std::os::unix::net::UnixStream;
use std::time::{Duration, Instant};

/// The longest one test turn waits.
const STEP: Duration = Duration::from_millis(20);

/// Keeps what it is given and how the connection ended.
#[derive(Default)]
struct Keep {
    bytes: Vec<u8>,
    closed: Option<CloseReason>,
}

impl Handler for Keep {
    type State = ();
    fn on_accept(&mut self, _ctx: &mut Ctx<'_>, _token: Token, _peer: &Peer) {}
    fn on_data(&mut self, _ctx: &mut Ctx<'_>, _token: Token, _state: &mut (), input: &[u8]) -> usize {
        self.bytes.extend_from_slice(input);
        input.len()
    }
    fn on_close(&mut self, _ctx: &mut Ctx<'_>, _token: Token, _state: &mut (), reason: &CloseReason) {
        self.closed = Some(reason.clone());
    }
}

fn setup(kind: BackendKind) -> (Reactor<Keep>, UnixStream) {
    let mut r = Reactor::new(kind, Keep::default(), Config::default()).expect("reactor");
    let (ours, theirs) = UnixStream::pair().expect("socketpair");
    r.add_stream(Stream::Unix(theirs), Peer::Local("test"), ())
        .expect("add");
    (r, ours)
}

/// Turn until `done`, failing after a generous deadline (a stall is the bug being tested).
fn turn_until(r: &mut Reactor<Keep>, what: &str, done: impl Fn(&Keep) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !done(r.handler()) {
        assert!(
            Instant::now() < deadline,
            "{}: stalled waiting for {what}",
            r.backend_name()
        );
        r.turn_within(Some(STEP)).expect("turn");
    }
}

/// Bytes that say where they are, so a lost or reordered chunk shows.
fn pattern(len: usize, seed: usize) -> Vec<u8> {
    (0..len).map(|i| ((i * 7 + seed) % 251) as u8).collect()
}

#[test]
fn short_reads_leave_nothing_behind_on_every_backend() {
    for kind in BackendKind::ALL {
        let (mut r, mut peer) = setup(kind);
        let mut expected = Vec::new();
        // Small bursts (one short read each), then bursts larger than the 64 KiB read buffer
        // (full reads, then a short one), each written while the reactor is between turns.
        for (i, len) in [1, 64, 1000, 200_000, 5, 65_536, 70_000, 3].into_iter().enumerate() {
            let burst = pattern(len, i);
            peer.write_all(&burst).expect("write");
            expected.extend_from_slice(&burst);
            let want = expected.len();
            turn_until(&mut r, &format!("burst {i} ({len} bytes)"), |k| k.bytes.len() >= want);
        }
        assert_eq!(r.handler().bytes, expected, "{kind}: bytes lost or reordered");
    }
}

#[test]
fn fin_behind_data_in_one_edge_is_still_seen_on_every_backend() {
    for kind in BackendKind::ALL {
        let (mut r, mut peer) = setup(kind);
        // Data and FIN are both queued before the reactor looks: one edge reports both, and
        // the short read that takes the data stops at the FIN.
        peer.write_all(b"last words").expect("write");
        peer.shutdown(Shutdown::Write).expect("shutdown");
        turn_until(&mut r, "EOF after the data", |k| k.closed.is_some());
        assert_eq!(r.handler().bytes, b"last words", "{kind}");
        assert_eq!(r.handler().closed, Some(CloseReason::PeerClosed), "{kind}");
    }
}

#[test]
fn lines_pasted_into_a_terminal_are_all_read_on_every_backend() {
    for kind in BackendKind::ALL {
        let mut r = Reactor::new(kind, Keep::default(), Config::default()).expect("reactor");
        let (mut master, mut slave) = (0, 0);
        // SAFETY: openpty fills two descriptors; the name, termios and winsize are optional.
        let rc = unsafe {
            libc::openpty(
                &mut master,
                &mut slave,
                std::ptr::null_mut(),
                std::ptr::null(),
                std::ptr::null(),
            )
        };
        assert_eq!(rc, 0, "openpty: {}", std::io::Error::last_os_error());
        // SAFETY: both descriptors were just opened and are owned by nobody else.
        let (mut master, slave) = unsafe {
            use std::os::fd::FromRawFd;
            (std::fs::File::from_raw_fd(master), std::fs::File::from_raw_fd(slave))
        };
        // A canonical-mode terminal hands out one line per read: the first read is short
        // with two more lines waiting, and no new edge will come for them.
        r.add_stream(Stream::Fd(slave), Peer::Local("tty"), ()).expect("add");
        master.write_all(b"one\ntwo\nthree\n").expect("type");
        turn_until(&mut r, "three lines", |k| k.bytes.len() >= 14);
        assert_eq!(r.handler().bytes, b"one\ntwo\nthree\n", "{kind}");
    }
}
