//! Rule 2 for the listener, with a fault injected: an unexpected accept error in the middle
//! of a burst must not leave the connections queued behind it waiting for another event
//! (edge-triggered epoll would not report them again).

use super::fault;
use crate::{BackendKind, Config, Ctx, Handler, ListenAddr, Listener, Peer, Reactor, Token};
use std::net::TcpStream;
use std::time::{Duration, Instant};

struct Quiet;

impl Handler for Quiet {
    type State = ();
    fn on_accept(&mut self, _ctx: &mut Ctx<'_>, _token: Token, _peer: &Peer) {}
    fn on_data(&mut self, _ctx: &mut Ctx<'_>, _token: Token, _state: &mut (), input: &[u8]) -> usize {
        input.len()
    }
}

/// A reactor listening on 127.0.0.1:0, and `count` clients connected to it (queued in the
/// backlog: the reactor has not turned yet).
fn reactor_with_queued_clients(kind: BackendKind, count: usize) -> (Reactor<Quiet>, Vec<TcpStream>) {
    let mut r = Reactor::new(kind, Quiet, Config::default()).expect("reactor");
    let listener = Listener::bind(&ListenAddr::tcp("127.0.0.1:0")).expect("bind");
    let addr = listener.local_addr_string().expect("address");
    r.listen(listener).expect("listen");
    let clients = (0..count)
        .map(|_| TcpStream::connect(&addr).expect("connect"))
        .collect();
    (r, clients)
}

#[test]
fn one_failed_accept_does_not_stop_the_others_in_the_same_turn() {
    for kind in BackendKind::ALL {
        let (mut r, _clients) = reactor_with_queued_clients(kind, 3);
        fault::inject(1);
        // One turn: the listener's event, a failed accept, then the three queued ones.
        let deadline = Instant::now() + Duration::from_secs(10);
        while r.stats().turns == 0 || r.stats().events == 0 {
            assert!(Instant::now() < deadline, "{kind}: no event for the listener");
            r.turn_within(Some(Duration::from_millis(100))).expect("turn");
        }
        fault::inject(0);
        assert_eq!(
            r.stats().accepted,
            3,
            "{kind}: the accept error ended the turn's accepts (queued connections left behind)"
        );
    }
}

#[test]
fn endless_accept_errors_pause_accepting_instead_of_spinning() {
    for kind in BackendKind::ALL {
        let (mut r, _clients) = reactor_with_queued_clients(kind, 2);
        fault::inject(u32::MAX);
        let deadline = Instant::now() + Duration::from_secs(10);
        while r.stats().events == 0 {
            assert!(Instant::now() < deadline, "{kind}: no event for the listener");
            r.turn_within(Some(Duration::from_millis(100))).expect("turn");
        }
        assert!(
            r.listeners[0].paused,
            "{kind}: accepting not paused after endless errors"
        );
        // The fault clears; after the back-off the queued clients are accepted.
        fault::inject(0);
        while r.stats().accepted < 2 {
            assert!(
                Instant::now() < deadline,
                "{kind}: clients not accepted after the pause"
            );
            r.turn_within(Some(Duration::from_millis(50))).expect("turn");
        }
    }
}
