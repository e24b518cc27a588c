//! Readiness rules 7 and 8, about the process's descriptor table: select cannot watch an fd
//! of 1024 or more, and running out of descriptors on accept must not spin the loop. Each
//! test fills the table (or lowers its limit) for the whole process, so they live in this
//! test binary of their own and take turns (`one_at_a_time`).

use reactor::{BackendKind, Config, Ctx, Handler, ListenAddr, Listener, Peer, Reactor, Stream, Token};
use std::fs::File;
use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

const STEP: Duration = Duration::from_millis(20);
const FD_SETSIZE: i32 = 1024;

static TABLE: Mutex<()> = Mutex::new(());

/// The descriptor table is the process's: one test at a time changes it.
fn one_at_a_time() -> MutexGuard<'static, ()> {
    TABLE.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Echoes.
struct Echo;

impl Handler for Echo {
    type State = ();
    fn on_accept(&mut self, _ctx: &mut Ctx<'_>, _token: Token, _peer: &Peer) {}
    fn on_data(&mut self, ctx: &mut Ctx<'_>, token: Token, _state: &mut (), input: &[u8]) -> usize {
        ctx.send(token, input);
        input.len()
    }
}

/// A reactor of `kind` listening on 127.0.0.1:0, and the address to connect to.
fn listening(kind: BackendKind) -> (Reactor<Echo>, String) {
    let mut r = Reactor::new(kind, Echo, Config::default()).expect("reactor");
    let listener = Listener::bind(&ListenAddr::tcp("127.0.0.1:0")).expect("bind");
    let addr = listener.local_addr_string().expect("address");
    r.listen(listener).expect("listen");
    (r, addr)
}

fn turn_until(r: &mut Reactor<Echo>, what: &str, done: impl Fn(&Reactor<Echo>) -> bool) {
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

/// Open /dev/null until the lowest free descriptor is at least `fd`: the next socket the
/// process creates (an accepted connection) gets a number of `fd` or more.
fn fill_table_below(fd: i32) -> Vec<File> {
    let mut filler = Vec::new();
    loop {
        let file = File::open("/dev/null").expect("open /dev/null (raise ulimit -n?)");
        if file.as_raw_fd() >= fd - 1 {
            filler.push(file);
            return filler;
        }
        filler.push(file);
    }
}

/// The soft RLIMIT_NOFILE, raised to at least `want` when the hard limit allows.
fn raise_nofile(want: u64) {
    use nix::sys::resource::{getrlimit, setrlimit, Resource};
    let (soft, hard) = getrlimit(Resource::RLIMIT_NOFILE).expect("getrlimit");
    if soft < want {
        assert!(
            hard >= want,
            "this test needs ulimit -n of at least {want} (hard limit {hard})"
        );
        setrlimit(Resource::RLIMIT_NOFILE, want, hard).expect("setrlimit");
    }
}

fn echo_round_trip(stream: &mut TcpStream, kind: BackendKind, r: &mut Reactor<Echo>) {
    stream.write_all(b"ping").expect("write");
    stream.set_nonblocking(true).expect("nonblocking");
    let mut got = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    while got.len() < 4 {
        assert!(Instant::now() < deadline, "{kind}: no echo");
        r.turn_within(Some(STEP)).expect("turn");
        let mut buf = [0u8; 16];
        match stream.read(&mut buf) {
            Ok(0) => panic!("{kind}: closed"),
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == ErrorKind::WouldBlock => {}
            Err(e) => panic!("{kind}: {e}"),
        }
    }
    assert_eq!(got, b"ping", "{kind}");
}

#[test]
fn rule_7_select_refuses_an_fd_past_fd_setsize_and_poll_and_epoll_serve_it() {
    let _table = one_at_a_time();
    raise_nofile(4096);
    for kind in BackendKind::ALL {
        let (mut r, addr) = listening(kind);
        let filler = fill_table_below(FD_SETSIZE);
        let mut client = TcpStream::connect(&addr).expect("connect");
        client.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
        turn_until(&mut r, "the accept", |r| r.stats().accepted + r.stats().refused == 1);
        if kind == BackendKind::Select {
            assert_eq!(r.stats().refused, 1, "select must refuse fd >= FD_SETSIZE, not panic");
            let mut told = String::new();
            client
                .read_to_string(&mut told)
                .expect("read to EOF: the socket is closed");
            assert!(told.contains("server busy"), "the refused client is told so: {told:?}");
        } else {
            assert_eq!(r.stats().accepted, 1, "{kind} watches any fd");
            echo_round_trip(&mut client, kind, &mut r);
        }
        drop(filler);
        // The add_stream path refuses such an fd the same way, with FD_SETSIZE in the error.
        let (_ours, theirs) = UnixStream::pair().expect("socketpair");
        let high = nix::fcntl::fcntl(&theirs, nix::fcntl::FcntlArg::F_DUPFD_CLOEXEC(1500)).expect("dup");
        drop(theirs);
        // SAFETY: `high` was just returned by F_DUPFD and nothing else owns it.
        let stream = unsafe { <UnixStream as std::os::fd::FromRawFd>::from_raw_fd(high) };
        match r.add_stream(Stream::Unix(stream), Peer::Local("fd 1500"), ()) {
            Err(e) if kind == BackendKind::Select => assert!(e.to_string().contains("FD_SETSIZE"), "{e}"),
            Err(e) => panic!("{kind}: fd 1500 refused: {e}"),
            Ok(_) => assert_ne!(kind, BackendKind::Select, "select accepted fd 1500"),
        }
    }
}

#[test]
fn rule_8_out_of_descriptors_pauses_accepting_without_spinning_and_keeps_serving() {
    use nix::sys::resource::{getrlimit, setrlimit, Resource};
    let _table = one_at_a_time();
    for kind in BackendKind::ALL {
        let (mut r, addr) = listening(kind);
        let mut served = TcpStream::connect(&addr).expect("connect");
        served.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
        turn_until(&mut r, "the first accept", |r| r.stats().accepted == 1);
        let _waiting = TcpStream::connect(&addr).expect("connect");
        // Make the next descriptor impossible: the limit is the lowest free number.
        let lowest_free = File::open("/dev/null").expect("open").as_raw_fd();
        let (soft, hard) = getrlimit(Resource::RLIMIT_NOFILE).expect("getrlimit");
        setrlimit(Resource::RLIMIT_NOFILE, lowest_free as u64, hard).expect("setrlimit");
        turn_until(&mut r, "the EMFILE", |r| r.stats().events >= 2);
        // A listener left readable but not accepted from would be reported on every turn by
        // select and poll: ten idle turns must see at most the back-off's retries.
        let events_before = r.stats().events;
        for _ in 0..10 {
            r.turn_within(Some(STEP)).expect("turn");
        }
        let listener_events = r.stats().events - events_before;
        assert!(
            listener_events <= 3,
            "{kind}: {listener_events} events in 10 idle turns: spinning on EMFILE"
        );
        assert_eq!(r.stats().accepted, 1, "{kind}");
        // The open connection is still served.
        echo_round_trip(&mut served, kind, &mut r);
        // Descriptors again: the waiting client is accepted after the back-off.
        setrlimit(Resource::RLIMIT_NOFILE, soft, hard).expect("restore the limit");
        turn_until(&mut r, "the accept after the back-off", |r| r.stats().accepted == 2);
    }
}
