//! `Overflow::HoldSenders` (`reactor/flow.rs`) on every backend, over socketpairs: output
//! that pushes a recipient past the mark holds the sender — without a busy loop on
//! level-triggered select and poll — and a recipient that makes no progress is dropped
//! after `stall_timeout`, which releases the sender.

use reactor::{BackendKind, CloseReason, Config, Ctx, Handler, Overflow, Peer, Reactor, Stream, Token};
use std::io::Write;
use std::os::unix::net::UnixStream;
use std::time::{Duration, Instant};

/// Relays every byte from the first connection to the second.
#[derive(Default)]
struct Relay {
    to: Option<Token>,
    relayed: usize,
    closed: Vec<(Token, CloseReason)>,
}

impl Handler for Relay {
    type State = ();
    fn on_accept(&mut self, _ctx: &mut Ctx<'_>, _token: Token, _peer: &Peer) {}
    fn on_data(&mut self, ctx: &mut Ctx<'_>, _token: Token, _state: &mut (), input: &[u8]) -> usize {
        if let Some(to) = self.to {
            ctx.send(to, input);
        }
        self.relayed += input.len();
        input.len()
    }
    fn on_close(&mut self, _ctx: &mut Ctx<'_>, token: Token, _state: &mut (), reason: &CloseReason) {
        self.closed.push((token, reason.clone()));
    }
}

fn add(r: &mut Reactor<Relay>) -> (Token, UnixStream) {
    let (ours, theirs) = UnixStream::pair().expect("socketpair");
    let token = r
        .add_stream(Stream::Unix(theirs), Peer::Local("test"), ())
        .expect("add");
    (token, ours)
}

fn turn_until(r: &mut Reactor<Relay>, what: &str, done: impl Fn(&Reactor<Relay>) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !done(r) {
        assert!(
            Instant::now() < deadline,
            "{}: timed out waiting for {what}",
            r.backend_name()
        );
        r.turn_within(Some(Duration::from_millis(20))).expect("turn");
    }
}

#[test]
fn a_sender_is_held_while_its_recipient_is_over_the_mark_and_released_when_it_is_dropped() {
    for kind in [BackendKind::Select, BackendKind::Poll, BackendKind::Epoll] {
        let config = Config {
            max_output: 16 * 1024,
            overflow: Overflow::HoldSenders,
            stall_timeout: Duration::from_millis(300),
            ..Config::default()
        };
        let mut r = Reactor::new(kind, Relay::default(), config).expect("reactor");
        let (sender, mut sender_end) = add(&mut r);
        let (recipient, _never_read) = add(&mut r);
        r.handler_mut().to = Some(recipient);
        sender_end.set_nonblocking(true).expect("nonblocking");
        // Far more than the recipient's socket buffer and the mark together.
        let chunk = vec![b'x'; 64 * 1024];
        let mut sent = 0;
        let feed = |end: &mut UnixStream, sent: &mut usize| {
            while let Ok(n) = end.write(&chunk) {
                *sent += n;
            }
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        while r.pending_output(recipient).unwrap_or(0) <= 16 * 1024 {
            assert!(
                Instant::now() < deadline,
                "{kind:?}: the recipient never went over the mark"
            );
            feed(&mut sender_end, &mut sent);
            r.turn_within(Some(Duration::from_millis(20))).expect("turn");
        }
        feed(&mut sender_end, &mut sent); // input waiting on the held sender
        let (relayed, events) = (r.handler().relayed, r.stats().events);
        for _ in 0..5 {
            r.turn_within(Some(Duration::from_millis(20))).expect("turn");
        }
        assert_eq!(
            r.handler().relayed,
            relayed,
            "{kind:?}: the sender is not read while held"
        );
        assert!(
            r.stats().events - events <= 2,
            "{kind:?}: {} events in 5 turns while held: select/poll must stop watching it",
            r.stats().events - events
        );
        turn_until(&mut r, "the stalled recipient dropped", |r| {
            r.handler().closed.contains(&(recipient, CloseReason::TooSlow))
        });
        r.handler_mut().to = None;
        turn_until(&mut r, "the sender read again", |r| r.handler().relayed > relayed);
        assert!(r.pending_output(sender).is_some(), "{kind:?}: the sender stays open");
    }
}
