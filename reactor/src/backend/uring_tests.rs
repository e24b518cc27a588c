//! What makes the io_uring backend edge- or level-triggered, shown on a socketpair: data left
//! unread is reported again by one-shot polls (level), not by multishot ones (edge), and a
//! re-registration reports what is already waiting, as `epoll_ctl(MOD)` does.

use super::UringBackend;
use crate::backend::Backend;
use crate::{Event, Interest, Token};
use std::io::{self, Write};
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;
use std::time::Duration;

const SHORT: Option<Duration> = Some(Duration::from_millis(50));
const LONG: Option<Duration> = Some(Duration::from_secs(5));

fn pair() -> (UnixStream, UnixStream) {
    let (a, b) = UnixStream::pair().expect("socketpair");
    a.set_nonblocking(true).expect("nonblocking");
    (a, b)
}

fn wait(backend: &mut UringBackend, timeout: Option<Duration>) -> Vec<Event> {
    let mut events = Vec::new();
    loop {
        match backend.poll(&mut events, timeout) {
            Ok(_) => return events,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => panic!("uring poll: {e}"),
        }
    }
}

#[test]
fn multishot_polls_are_edge_triggered() {
    let mut backend = UringBackend::new().expect("ring");
    let (a, mut b) = pair();
    backend
        .register(a.as_raw_fd(), Token(1), Interest::READABLE)
        .expect("register");
    b.write_all(b"unread").expect("write");
    assert_eq!(wait(&mut backend, LONG).len(), 1);
    // Nothing read: still readable, but no new wake-up, so no new completion.
    assert!(
        wait(&mut backend, SHORT).is_empty(),
        "multishot reported old data again"
    );
    b.write_all(b"more").expect("write");
    assert_eq!(wait(&mut backend, LONG).len(), 1, "new data is a new edge");
}

#[test]
fn one_shot_polls_are_level_triggered() {
    let mut backend = UringBackend::new().expect("ring");
    backend.multishot = false; // what a kernel before 5.13 gives
    let (a, mut b) = pair();
    backend
        .register(a.as_raw_fd(), Token(1), Interest::READABLE)
        .expect("register");
    b.write_all(b"unread").expect("write");
    assert_eq!(wait(&mut backend, LONG).len(), 1);
    // The poll completed and was re-armed; re-arming checks the state: still readable.
    assert_eq!(
        wait(&mut backend, LONG).len(),
        1,
        "one-shot did not report unread data again"
    );
}

#[test]
fn reregister_reports_data_already_waiting() {
    let mut backend = UringBackend::new().expect("ring");
    let (a, mut b) = pair();
    backend
        .register(a.as_raw_fd(), Token(1), Interest::READABLE)
        .expect("register");
    b.write_all(b"unread").expect("write");
    assert_eq!(wait(&mut backend, LONG).len(), 1);
    backend
        .reregister(a.as_raw_fd(), Token(1), Interest::READABLE)
        .expect("reregister");
    let events = wait(&mut backend, LONG);
    assert!(
        events.iter().any(|e| e.readable),
        "re-arm lost waiting data: {events:?}"
    );
}

#[test]
fn a_completion_of_a_replaced_poll_never_reaches_the_new_token() {
    let mut backend = UringBackend::new().expect("ring");
    let (a, mut b) = pair();
    backend
        .register(a.as_raw_fd(), Token(1), Interest::READABLE)
        .expect("register");
    b.write_all(b"x").expect("write");
    // ADD(1), REMOVE(1), ADD(2) reach the kernel in one io_uring_enter: the first poll
    // completes at once (data is waiting) before it is removed. Its completion is stale.
    backend
        .reregister(a.as_raw_fd(), Token(2), Interest::READABLE)
        .expect("reregister");
    let events = wait(&mut backend, LONG);
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].token, Token(2), "stale token: {events:?}");
    assert!(events[0].readable, "{events:?}");
}
