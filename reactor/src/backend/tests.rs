//! The same readiness checks for every backend, over socketpairs and pipes: readable,
//! writable, hang-up, deregister, timeout, and tolerance of spurious wake-ups.

use super::*;
use std::io::{Read, Write};
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;
use std::time::Instant;

const SHORT: Option<Duration> = Some(Duration::from_millis(50));
const LONG: Option<Duration> = Some(Duration::from_secs(5));

fn pair() -> (UnixStream, UnixStream) {
    let (a, b) = UnixStream::pair().expect("socketpair");
    a.set_nonblocking(true).expect("nonblocking");
    b.set_nonblocking(true).expect("nonblocking");
    (a, b)
}

fn each_backend(test: impl Fn(&mut dyn Backend)) {
    for kind in BackendKind::ALL {
        let mut backend = kind.create().expect("create backend");
        test(backend.as_mut());
    }
}

fn wait(backend: &mut dyn Backend, timeout: Option<Duration>) -> Vec<Event> {
    let mut events = Vec::new();
    loop {
        match backend.poll(&mut events, timeout) {
            Ok(_) => return events,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => panic!("{} poll: {e}", backend.name()),
        }
    }
}

#[test]
fn nothing_ready_times_out_with_no_events() {
    each_backend(|backend| {
        let (a, _b) = pair();
        backend
            .register(a.as_raw_fd(), Token(7), Interest::READABLE)
            .expect("register");
        let start = Instant::now();
        let events = wait(backend, SHORT);
        assert!(events.is_empty(), "{}: {events:?}", backend.name());
        assert!(
            start.elapsed() >= Duration::from_millis(40),
            "{} returned before its timeout",
            backend.name()
        );
    });
}

#[test]
fn data_makes_the_peer_readable_with_its_token() {
    each_backend(|backend| {
        let (a, mut b) = pair();
        backend
            .register(a.as_raw_fd(), Token(42), Interest::READABLE)
            .expect("register");
        b.write_all(b"x").expect("write");
        let events = wait(backend, LONG);
        assert_eq!(events.len(), 1, "{}: {events:?}", backend.name());
        assert_eq!(events[0].token, Token(42));
        assert!(
            events[0].readable && !events[0].writable,
            "{}: {events:?}",
            backend.name()
        );
    });
}

#[test]
fn empty_send_buffer_is_writable_and_only_when_asked() {
    each_backend(|backend| {
        let (a, _b) = pair();
        backend
            .register(a.as_raw_fd(), Token(1), Interest::READABLE)
            .expect("register");
        assert!(
            wait(backend, SHORT).is_empty(),
            "{}: writable reported without interest",
            backend.name()
        );
        backend
            .reregister(a.as_raw_fd(), Token(1), Interest::BOTH)
            .expect("reregister");
        let events = wait(backend, LONG);
        assert!(
            events.iter().any(|e| e.token == Token(1) && e.writable),
            "{}: {events:?}",
            backend.name()
        );
    });
}

#[test]
fn peer_close_is_reported_as_readable_then_eof() {
    each_backend(|backend| {
        let (mut a, b) = pair();
        backend
            .register(a.as_raw_fd(), Token(3), Interest::READABLE)
            .expect("register");
        drop(b);
        let events = wait(backend, LONG);
        assert_eq!(events.len(), 1, "{}: {events:?}", backend.name());
        assert!(events[0].readable, "{}: {events:?}", backend.name());
        let mut buf = [0u8; 8];
        assert_eq!(a.read(&mut buf).expect("read"), 0, "EOF after hang-up");
    });
}

#[test]
fn hangup_is_reported_by_poll_epoll_and_uring_without_asking() {
    for kind in [BackendKind::Poll, BackendKind::Epoll, BackendKind::Uring] {
        let mut backend = kind.create().expect("create");
        let (a, b) = pair();
        // Interest in WRITABLE only, as during backpressure: the hang-up must still show.
        backend
            .register(a.as_raw_fd(), Token(9), Interest::WRITABLE)
            .expect("register");
        let _ = wait(backend.as_mut(), LONG); // the initial "writable"
        drop(b);
        let events = wait(backend.as_mut(), LONG);
        assert!(events.iter().any(|e| e.hangup), "{kind}: {events:?}");
    }
}

#[test]
fn deregistered_fd_is_no_longer_reported() {
    each_backend(|backend| {
        let (a, mut b) = pair();
        let (c, mut d) = pair();
        backend
            .register(a.as_raw_fd(), Token(1), Interest::READABLE)
            .expect("register a");
        backend
            .register(c.as_raw_fd(), Token(2), Interest::READABLE)
            .expect("register c");
        assert_eq!(backend.registered(), 2);
        backend.deregister(a.as_raw_fd()).expect("deregister");
        assert_eq!(backend.registered(), 1);
        b.write_all(b"x").expect("write");
        d.write_all(b"y").expect("write");
        let events = wait(backend, LONG);
        assert_eq!(
            events.iter().map(|e| e.token).collect::<Vec<_>>(),
            vec![Token(2)],
            "{}",
            backend.name()
        );
        assert!(
            backend.deregister(a.as_raw_fd()).is_err(),
            "{}: double deregister accepted",
            backend.name()
        );
    });
}

#[test]
fn many_fds_each_keep_their_token() {
    each_backend(|backend| {
        let pairs: Vec<_> = (0..50).map(|_| pair()).collect();
        for (i, (a, _)) in pairs.iter().enumerate() {
            backend
                .register(a.as_raw_fd(), Token(i), Interest::READABLE)
                .expect("register");
        }
        // Remove every third to exercise poll's swap_remove bookkeeping.
        for (i, (a, _)) in pairs.iter().enumerate().filter(|(i, _)| i % 3 == 0) {
            backend
                .deregister(a.as_raw_fd())
                .unwrap_or_else(|e| panic!("deregister {i}: {e}"));
        }
        for (_, b) in &pairs {
            (&*b).write_all(b"z").expect("write");
        }
        let mut seen: Vec<usize> = Vec::new();
        while seen.len() < 33 {
            let events = wait(backend, LONG);
            assert!(!events.is_empty(), "{}: lost events, saw {seen:?}", backend.name());
            for e in events {
                if !seen.contains(&e.token.0) {
                    seen.push(e.token.0);
                }
            }
        }
        seen.sort();
        let expected: Vec<usize> = (0..50).filter(|i| i % 3 != 0).collect();
        assert_eq!(seen, expected, "{}", backend.name());
    });
}

#[test]
fn spurious_readiness_reads_would_block() {
    // Two wake-ups for one byte: the second read finds nothing. The backend must keep
    // working after that; the WouldBlock is the caller's "not now".
    each_backend(|backend| {
        let (mut a, mut b) = pair();
        backend
            .register(a.as_raw_fd(), Token(5), Interest::READABLE)
            .expect("register");
        b.write_all(b"1").expect("write");
        assert_eq!(wait(backend, LONG).len(), 1);
        let mut buf = [0u8; 16];
        assert_eq!(a.read(&mut buf).expect("read"), 1);
        let err = a.read(&mut buf).expect_err("nothing left");
        assert_eq!(err.kind(), io::ErrorKind::WouldBlock);
        assert!(
            wait(backend, SHORT).is_empty(),
            "{}: drained fd still reported",
            backend.name()
        );
        b.write_all(b"2").expect("write");
        assert_eq!(wait(backend, LONG).len(), 1, "{}: next data missed", backend.name());
    });
}

#[test]
fn pipes_work_too() {
    each_backend(|backend| {
        let (r, w) = nix::unistd::pipe().expect("pipe");
        backend
            .register(r.as_raw_fd(), Token(11), Interest::READABLE)
            .expect("register");
        nix::unistd::write(&w, b"p").expect("write");
        let events = wait(backend, LONG);
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].token, Token(11));
    });
}

#[test]
fn select_refuses_fds_at_or_above_fd_setsize() {
    let mut backend = SelectBackend::new();
    let err = backend
        .register(1024, Token(1), Interest::READABLE)
        .expect_err("fd 1024 must be refused");
    assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
    assert!(err.to_string().contains("FD_SETSIZE"), "{err}");
    assert!(backend.register(-1, Token(1), Interest::READABLE).is_err());
    assert_eq!(backend.registered(), 0);
}

#[test]
fn timeouts_round_up_to_whole_milliseconds() {
    assert_eq!(timeout_millis(None), -1);
    assert_eq!(timeout_millis(Some(Duration::ZERO)), 0);
    assert_eq!(timeout_millis(Some(Duration::from_micros(1))), 1);
    assert_eq!(timeout_millis(Some(Duration::from_millis(1500))), 1500);
    assert_eq!(timeout_millis(Some(Duration::from_secs(u64::MAX))), i32::MAX);
}

#[test]
fn backend_kind_parses_and_names() {
    for kind in BackendKind::ALL {
        assert_eq!(kind.name().parse::<BackendKind>(), Ok(kind));
        assert_eq!(kind.create().expect("create").name(), kind.name());
    }
    assert!("kqueue".parse::<BackendKind>().is_err());
}
