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
    reactor_with(kind, Config::default(), count)
}

/// The same, with the listener shared with other workers (`--workers`).
fn shared_reactor_with_queued_clients(kind: BackendKind, count: usize) -> (Reactor<Quiet>, Vec<TcpStream>) {
    let config = Config {
        shared_listener: true,
        ..Config::default()
    };
    reactor_with(kind, config, count)
}

fn reactor_with(kind: BackendKind, config: Config, count: usize) -> (Reactor<Quiet>, Vec<TcpStream>) {
    let mut r = Reactor::new(kind, Quiet, config).expect("reactor");
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

/// Turn until the listener has produced an event; returns the connections accepted by then.
fn first_wakeup(r: &mut Reactor<Quiet>, kind: BackendKind) -> u64 {
    let deadline = Instant::now() + Duration::from_secs(10);
    while r.stats().events == 0 {
        assert!(Instant::now() < deadline, "{kind}: no event for the listener");
        r.turn_within(Some(Duration::from_millis(100))).expect("turn");
    }
    r.stats().accepted
}

#[test]
fn a_shared_listener_takes_one_connection_per_wakeup_and_strands_none() {
    for kind in BackendKind::ALL {
        let Ok((mut r, _clients)) = std::panic::catch_unwind(|| shared_reactor_with_queued_clients(kind, 3)) else {
            continue; // io_uring unavailable here: its own tests say so
        };
        let one_per_wakeup = r.listeners[0].one_per_wakeup;
        // Level-triggered (select, poll, epoll's EXCLUSIVE registration): one per wakeup, like
        // nginx, so a burst is not drained by the first worker to wake. io_uring's multishot
        // poll is edge-triggered: it must drain.
        assert_eq!(one_per_wakeup, kind != BackendKind::Uring, "{kind}");
        let expected_first = if one_per_wakeup { 1 } else { 3 };
        assert_eq!(
            first_wakeup(&mut r, kind),
            expected_first,
            "{kind}: accepted at the first wakeup"
        );
        // No new connection arrives, yet the two left in the queue are reported again.
        let deadline = Instant::now() + Duration::from_secs(10);
        while r.stats().accepted < 3 {
            assert!(Instant::now() < deadline, "{kind}: a queued connection was stranded");
            r.turn_within(Some(Duration::from_millis(100))).expect("turn");
        }
    }
}

#[test]
fn a_listener_of_its_own_is_drained_in_one_wakeup() {
    for kind in [BackendKind::Select, BackendKind::Poll, BackendKind::Epoll] {
        let (mut r, _clients) = reactor_with_queued_clients(kind, 3);
        assert!(!r.listeners[0].one_per_wakeup, "{kind}");
        assert_eq!(first_wakeup(&mut r, kind), 3, "{kind}: rule 2, accept until WouldBlock");
    }
}

/// The epoll flags registered for `fd` in this process, from `/proc/self/fdinfo` of every
/// epoll descriptor (`tfd: FD events: MASK`).
fn epoll_flags_for(fd: i32) -> Vec<u32> {
    let mut found = Vec::new();
    let Ok(dir) = std::fs::read_dir("/proc/self/fd") else {
        return found;
    };
    for entry in dir.flatten() {
        let is_epoll = std::fs::read_link(entry.path()).is_ok_and(|t| t.to_string_lossy().contains("eventpoll"));
        let info = format!("/proc/self/fdinfo/{}", entry.file_name().to_string_lossy());
        let Ok(text) = std::fs::read_to_string(info)
            .map_err(|_| ())
            .and_then(|t| if is_epoll { Ok(t) } else { Err(()) })
        else {
            continue;
        };
        for line in text.lines() {
            let words: Vec<&str> = line.split_whitespace().collect();
            if words.len() >= 4 && words[0] == "tfd:" && words[1] == fd.to_string() && words[2] == "events:" {
                if let Ok(mask) = u32::from_str_radix(words[3], 16) {
                    found.push(mask);
                }
            }
        }
    }
    found
}

#[test]
fn a_shared_listener_resumes_exclusive_and_level_triggered_after_a_pause() {
    use std::os::fd::AsRawFd;
    let (mut r, _clients) = shared_reactor_with_queued_clients(BackendKind::Epoll, 2);
    let fd = r.listeners[0].listener.as_raw_fd();
    // The kernel adds ERR and HUP to every registration; look at IN, EXCLUSIVE and ET.
    let watched = (libc::EPOLLIN | libc::EPOLLEXCLUSIVE | libc::EPOLLET) as u32;
    let shared = (libc::EPOLLIN | libc::EPOLLEXCLUSIVE) as u32;
    let is_shared = || epoll_flags_for(fd).iter().any(|mask| mask & watched == shared);
    assert!(is_shared(), "registered: {:x?}", epoll_flags_for(fd));
    fault::inject(u32::MAX);
    first_wakeup(&mut r, BackendKind::Epoll);
    assert!(r.listeners[0].paused, "endless errors pause accepting");
    fault::inject(0);
    let deadline = Instant::now() + Duration::from_secs(10);
    while r.listeners[0].paused {
        assert!(Instant::now() < deadline, "accepting never resumed");
        r.turn_within(Some(Duration::from_millis(50))).expect("turn");
    }
    // EXCLUSIVE again, and no EPOLLET: a plain `register` here would bring back the herd.
    assert!(is_shared(), "re-registered: {:x?}", epoll_flags_for(fd));
}
