//! The readiness rules of `lib.rs`, each checked on a real reactor over socketpairs, on every
//! backend it applies to: one test named `rule_N_…` per rule (at least). These drive
//! `Reactor::turn` one turn at a time, so each test can say exactly what one turn must (and
//! must not) do. Rules 7 and 8 change the whole process's descriptor table, so they live in
//! `rules_fds.rs`, a test binary of their own.

use reactor::{BackendKind, CloseReason, Config, Ctx, Handler, Overflow, Peer, Reactor, Stream, Token};
use std::io::{ErrorKind, Read, Write};
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The longest one test turn waits: the loop is stepped, so it must never block for good.
const STEP: Duration = Duration::from_millis(20);

/// Echoes, and writes down what happened.
#[derive(Default)]
struct Recorder {
    data: Vec<(Token, Vec<u8>)>,
    closed: Vec<(Token, CloseReason)>,
    timers: Vec<(Token, u64)>,
    /// On data from this token, abort that one.
    abort_on_data: Option<(Token, Token)>,
    /// On data from this token, read everything from this duplicate of another connection's
    /// socket, behind the reactor's back (rule 1: its event becomes spurious).
    steal_on_data: Vec<(Token, UnixStream)>,
    /// What was stolen.
    stolen: Vec<u8>,
    echo: bool,
}

impl Handler for Recorder {
    type State = ();
    fn on_accept(&mut self, _ctx: &mut Ctx<'_>, _token: Token, _peer: &Peer) {}
    fn on_data(&mut self, ctx: &mut Ctx<'_>, token: Token, _state: &mut (), input: &[u8]) -> usize {
        self.data.push((token, input.to_vec()));
        if let Some((from, victim)) = self.abort_on_data {
            if from == token {
                ctx.abort(victim);
            }
        }
        if let Some((_, dup)) = self.steal_on_data.iter_mut().find(|(from, _)| *from == token) {
            let mut buf = [0u8; 4096];
            // The reactor made the socket non-blocking; its duplicate shares that flag.
            while let Ok(n @ 1..) = dup.read(&mut buf) {
                self.stolen.extend_from_slice(&buf[..n]);
            }
        }
        if input.starts_with(b"timer") {
            ctx.set_timer(Duration::from_millis(30), 2);
            ctx.set_timer(Duration::from_millis(10), 1);
        }
        if self.echo {
            ctx.send(token, input);
        }
        input.len()
    }
    fn on_timer(&mut self, _ctx: &mut Ctx<'_>, token: Token, _state: &mut (), tag: u64) {
        self.timers.push((token, tag));
    }
    fn on_close(&mut self, _ctx: &mut Ctx<'_>, token: Token, _state: &mut (), reason: &CloseReason) {
        self.closed.push((token, reason.clone()));
    }
}

fn reactor(kind: BackendKind, config: Config, echo: bool) -> Reactor<Recorder> {
    Reactor::new(
        kind,
        Recorder {
            echo,
            ..Recorder::default()
        },
        config,
    )
    .expect("reactor")
}

/// A connection inside the reactor and our end of it.
fn connect(r: &mut Reactor<Recorder>) -> (Token, UnixStream) {
    let (ours, theirs) = UnixStream::pair().expect("socketpair");
    ours.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    let token = r
        .add_stream(Stream::Unix(theirs), Peer::Local("test"), ())
        .expect("add");
    (token, ours)
}

/// Turn until `done` or fail after a generous deadline.
fn turn_until(r: &mut Reactor<Recorder>, what: &str, done: impl Fn(&Reactor<Recorder>) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !done(r) {
        assert!(
            Instant::now() < deadline,
            "{}: timed out waiting for {what}",
            r.backend_name()
        );
        r.turn_within(Some(STEP)).expect("turn");
    }
}

#[test]
fn rule_1_a_spurious_readiness_is_not_an_error_on_every_backend() {
    for kind in BackendKind::ALL {
        let mut r = reactor(kind, Config::default(), false);
        let (ours_a, theirs_a) = UnixStream::pair().expect("socketpair");
        let (ours_b, theirs_b) = UnixStream::pair().expect("socketpair");
        let (dup_a, dup_b) = (theirs_a.try_clone().expect("dup"), theirs_b.try_clone().expect("dup"));
        let a = r.add_stream(Stream::Unix(theirs_a), Peer::Local("a"), ()).expect("add");
        let b = r.add_stream(Stream::Unix(theirs_b), Peer::Local("b"), ()).expect("add");
        // Whichever is dispatched first empties the other's socket: the kernel reported the
        // other readable in this same turn, but by its turn there is nothing to read. (The
        // same happens for real when another process shares the socket, or with epoll after
        // a wake-up for data already consumed.)
        r.handler_mut().steal_on_data = vec![(a, dup_b), (b, dup_a)];
        (&ours_a).write_all(b"aaa").expect("write");
        (&ours_b).write_all(b"bbb").expect("write");
        std::thread::sleep(Duration::from_millis(20)); // both readable before the turn
        let events_before = r.stats().events;
        r.turn_within(Some(STEP))
            .expect("a spurious event must not fail the turn");
        let handler = r.handler();
        assert_eq!(
            r.stats().events - events_before,
            2,
            "{kind}: both sockets reported in one turn"
        );
        assert_eq!(
            handler.data.len(),
            1,
            "{kind}: one delivery, the other was stolen: {:?}",
            handler.data
        );
        assert_eq!(
            handler.stolen.len(),
            3,
            "{kind}: the second socket was emptied before its turn"
        );
        assert!(
            handler.closed.is_empty(),
            "{kind}: WouldBlock treated as an error: {:?}",
            handler.closed
        );
        // The robbed connection is still served.
        let robbed = if handler.data[0].0 == a { &ours_b } else { &ours_a };
        let mut robbed = robbed;
        robbed.write_all(b"after").expect("write");
        turn_until(&mut r, "data after the spurious event", |r| r.handler().data.len() == 2);
        assert_eq!(r.handler().data[1].1, b"after", "{kind}");
        assert_eq!(r.connection_count(), 2, "{kind}");
    }
}

#[test]
fn rule_2_everything_sent_is_read_and_echoed_on_every_backend() {
    for kind in BackendKind::ALL {
        let mut r = reactor(kind, Config::default(), true);
        let (_token, mut peer) = connect(&mut r);
        let message: Vec<u8> = (0..200_000u32).map(|i| (i % 253) as u8).collect();
        peer.write_all(&message).expect("write");
        let mut back = Vec::new();
        let mut buf = [0u8; 65536];
        peer.set_nonblocking(true).expect("nonblocking");
        let deadline = Instant::now() + Duration::from_secs(10);
        while back.len() < message.len() {
            assert!(Instant::now() < deadline, "{kind}: only {} bytes came back", back.len());
            r.turn_within(Some(STEP)).expect("turn");
            loop {
                match peer.read(&mut buf) {
                    Ok(0) => panic!("{kind}: closed"),
                    Ok(n) => back.extend_from_slice(&buf[..n]),
                    Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                    Err(e) => panic!("{kind}: {e}"),
                }
            }
        }
        assert_eq!(back, message, "{kind}: echo differs");
    }
}

#[test]
fn rule_3_no_writable_wakeups_once_output_is_drained() {
    for kind in BackendKind::ALL {
        let mut r = reactor(kind, Config::default(), true);
        let (_token, mut peer) = connect(&mut r);
        peer.write_all(b"timer").expect("write");
        turn_until(&mut r, "the echo", |r| !r.handler().data.is_empty());
        let mut buf = [0u8; 5];
        peer.read_exact(&mut buf).expect("echo");
        // Nothing is pending now. The next wake-up must be the timer, with no event: a
        // leftover WRITABLE interest would make select and poll report the socket at once.
        let events_before = r.stats().events;
        turn_until(&mut r, "the first timer", |r| !r.handler().timers.is_empty());
        assert_eq!(
            r.stats().events,
            events_before,
            "{kind}: events while idle (WRITABLE not dropped?)"
        );
    }
}

#[test]
fn rule_4_a_peer_that_does_not_read_is_paused_with_bounded_output() {
    for kind in BackendKind::ALL {
        let config = Config {
            max_output: 256 * 1024,
            ..Config::default()
        };
        let mut r = reactor(kind, config, true);
        let (token, peer) = connect(&mut r);
        peer.set_nonblocking(true).expect("nonblocking");
        let chunk = vec![7u8; 64 * 1024];
        let mut sent = 0usize;
        // Write without ever reading until the socket refuses more: the reactor must have
        // stopped reading us (else it would keep draining our writes into its memory).
        let mut refusals = 0;
        while refusals < 50 {
            match (&peer).write(&chunk) {
                Ok(n) => sent += n,
                Err(e) if e.kind() == ErrorKind::WouldBlock => {
                    refusals += 1;
                    r.turn_within(Some(STEP)).expect("turn");
                }
                Err(e) => panic!("{kind}: {e}"),
            }
            assert!(
                sent < 256 << 20,
                "{kind}: the reactor kept reading 256 MiB from a peer that never reads"
            );
        }
        let pending = r.pending_output(token).expect("still open");
        assert!(
            pending <= 256 * 1024 + 64 * 1024,
            "{kind}: {pending} bytes pending, over the bound"
        );
        assert!(
            r.handler().closed.is_empty(),
            "{kind}: backpressure must not close: {:?}",
            r.handler().closed
        );
    }
}

#[test]
fn rule_4_disconnect_policy_closes_a_slow_reader_as_too_slow() {
    for kind in BackendKind::ALL {
        let config = Config {
            max_output: 64 * 1024,
            overflow: Overflow::Disconnect,
            ..Config::default()
        };
        let mut r = reactor(kind, config, true);
        let (token, peer) = connect(&mut r);
        peer.set_nonblocking(true).expect("nonblocking");
        let chunk = vec![1u8; 64 * 1024];
        let mut closed = false;
        for _ in 0..10_000 {
            let _ = (&peer).write(&chunk);
            r.turn_within(Some(STEP)).expect("turn");
            if !r.handler().closed.is_empty() {
                closed = true;
                break;
            }
        }
        assert!(closed, "{kind}: slow reader never disconnected");
        assert_eq!(r.handler().closed[0], (token, CloseReason::TooSlow), "{kind}");
    }
}

#[test]
fn rule_5_a_connection_closed_mid_turn_gets_no_more_events_and_its_slot_is_freed_at_the_end() {
    for kind in BackendKind::ALL {
        let mut r = reactor(kind, Config::default(), false);
        let (a, mut peer_a) = connect(&mut r);
        let (b, mut peer_b) = connect(&mut r);
        // Whichever is dispatched first aborts the other; both have data in this one turn.
        r.handler_mut().abort_on_data = Some((a, b));
        peer_b.write_all(b"bbb").expect("write");
        peer_a.write_all(b"aaa").expect("write");
        std::thread::sleep(Duration::from_millis(20)); // both readable before the turn
        turn_until(&mut r, "the abort", |r| !r.handler().closed.is_empty());
        let handler = r.handler();
        assert_eq!(handler.closed, vec![(b, CloseReason::Requested)], "{kind}");
        let after_close = handler.data.iter().skip_while(|(t, _)| *t != a).any(|(t, _)| *t == b);
        assert!(
            !after_close,
            "{kind}: data delivered to b after it was closed: {:?}",
            handler.data
        );
        assert_eq!(r.connection_count(), 1, "{kind}: slot not freed at the end of the turn");
        // The freed key is reused by the next connection, only now.
        let (c, _peer_c) = connect(&mut r);
        assert_eq!(c, b, "{kind}: slab key reused after the turn");
        // b's socket is closed: EOF, or RST because its input was never read (close(2) with
        // unread data resets the connection).
        let mut buf = [0u8; 1];
        match peer_b.read(&mut buf) {
            Ok(0) => {}
            Err(e) if e.kind() == ErrorKind::ConnectionReset => {}
            other => panic!("{kind}: b should be closed, got {other:?}"),
        }
    }
}

#[test]
fn rule_6_a_signal_interrupting_the_wait_is_retried_by_the_loop() {
    use nix::sys::signal::{sigaction, SaFlags, SigAction, SigHandler, SigSet, Signal};
    extern "C" fn ignore(_: libc::c_int) {}
    // No SA_RESTART: the wait returns EINTR, as when a tracer attaches.
    let action = SigAction::new(SigHandler::Handler(ignore), SaFlags::empty(), SigSet::empty());
    unsafe { sigaction(Signal::SIGUSR2, &action) }.expect("sigaction");
    for kind in BackendKind::ALL {
        let mut r = reactor(kind, Config::default(), false);
        let (_token, mut peer) = connect(&mut r);
        // SAFETY: pthread_self has no preconditions.
        let me = unsafe { libc::pthread_self() } as usize;
        // The kicker signals the test thread until the loop reports an interrupted wait (a
        // signal that lands between two waits interrupts nothing, as on a busy machine),
        // then writes: the data must still arrive, through the retried wait.
        let seen = Arc::new(AtomicBool::new(false));
        let kicker_seen = Arc::clone(&seen);
        let kicker = std::thread::spawn(move || {
            for _ in 0..200 {
                std::thread::sleep(Duration::from_millis(50));
                if kicker_seen.load(Ordering::SeqCst) {
                    break;
                }
                // SAFETY: `me` is the test thread, alive until it joins this one.
                let rc = unsafe { libc::pthread_kill(me as libc::pthread_t, libc::SIGUSR2) };
                assert_eq!(rc, 0, "pthread_kill");
            }
            peer.write_all(b"after").expect("write");
            peer
        });
        // Long waits (not turn_until's short steps), so that a signal most likely finds the
        // thread inside the wait: only a wait can return EINTR.
        let deadline = Instant::now() + Duration::from_secs(20);
        while r.handler().data.is_empty() {
            assert!(Instant::now() < deadline, "{kind}: timed out waiting for the data");
            r.turn_within(Some(Duration::from_secs(5))).expect("turn");
            if r.stats().interrupted_waits > 0 {
                seen.store(true, Ordering::SeqCst);
            }
        }
        let _peer = kicker.join().expect("join");
        assert!(
            r.stats().interrupted_waits >= 1,
            "{kind}: EINTR not seen or not counted"
        );
        assert_eq!(r.handler().data[0].1, b"after", "{kind}");
    }
}

#[test]
fn timers_fire_in_deadline_order_for_their_connection() {
    for kind in BackendKind::ALL {
        let mut r = reactor(kind, Config::default(), false);
        let (token, mut peer) = connect(&mut r);
        peer.write_all(b"timer").expect("write");
        turn_until(&mut r, "two timers", |r| r.handler().timers.len() == 2);
        assert_eq!(r.handler().timers, vec![(token, 1), (token, 2)], "{kind}");
    }
}

#[test]
fn timers_of_a_closed_connection_never_fire() {
    for kind in BackendKind::ALL {
        let mut r = reactor(kind, Config::default(), false);
        let (_token, mut peer) = connect(&mut r);
        peer.write_all(b"timer").expect("write");
        turn_until(&mut r, "the data", |r| !r.handler().data.is_empty());
        drop(peer);
        turn_until(&mut r, "the close", |r| !r.handler().closed.is_empty());
        // A new connection takes the same key; the old timers must not reach it.
        let (_again, _peer2) = connect(&mut r);
        let deadline = Instant::now() + Duration::from_millis(80);
        while Instant::now() < deadline {
            r.turn_within(Some(STEP)).expect("turn");
        }
        assert!(r.handler().timers.is_empty(), "{kind}: {:?}", r.handler().timers);
    }
}

#[test]
fn idle_timeout_closes_a_quiet_connection() {
    for kind in BackendKind::ALL {
        let config = Config {
            idle_timeout: Some(Duration::from_millis(50)),
            ..Config::default()
        };
        let mut r = reactor(kind, config, false);
        let (token, mut peer) = connect(&mut r);
        turn_until(&mut r, "the idle close", |r| !r.handler().closed.is_empty());
        assert_eq!(r.handler().closed, vec![(token, CloseReason::IdleTimeout)], "{kind}");
        let mut buf = [0u8; 1];
        assert_eq!(peer.read(&mut buf).expect("read"), 0, "{kind}: socket not closed");
    }
}

#[test]
fn stop_flushes_pending_output_then_closes_everything() {
    for kind in BackendKind::ALL {
        let mut r = reactor(kind, Config::default(), true);
        let (_token, mut peer) = connect(&mut r);
        peer.write_all(b"last words").expect("write");
        turn_until(&mut r, "the data", |r| !r.handler().data.is_empty());
        r.stop();
        r.run().expect("run to the end");
        assert!(r.finished(), "{kind}");
        let mut got = Vec::new();
        peer.read_to_end(&mut got).expect("read");
        assert_eq!(got, b"last words", "{kind}");
        assert_eq!(r.handler().closed.len(), 1, "{kind}");
        assert_eq!(r.handler().closed[0].1, CloseReason::Shutdown, "{kind}");
    }
}

#[test]
fn everything_a_peer_sent_before_hanging_up_is_delivered() {
    for kind in BackendKind::ALL {
        let mut r = reactor(kind, Config::default(), false);
        let (token, peer) = connect(&mut r);
        // More than one turn's read budget, written and closed before the reactor looks.
        let size = 3 << 20;
        let writer = std::thread::spawn(move || {
            let mut peer = peer;
            peer.write_all(&vec![b'q'; size]).expect("write");
        });
        turn_until(&mut r, "the close", |r| !r.handler().closed.is_empty());
        writer.join().expect("writer");
        let got: usize = r
            .handler()
            .data
            .iter()
            .filter(|(t, _)| *t == token)
            .map(|(_, d)| d.len())
            .sum();
        assert_eq!(got, size, "{kind}: input lost at hang-up");
        assert_eq!(r.handler().closed[0].1, CloseReason::PeerClosed, "{kind}");
    }
}
