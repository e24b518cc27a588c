//! The first loop (`examples/first_loop.rs`) over real sockets, on select, poll and epoll:
//! several clients at once, each gets back exactly what it sent — small lines, and one
//! megabyte that cannot fit in the socket buffers (short writes, so the kept-for-later path
//! runs) — and a client that half-closes gets its echo, then EOF.

#[allow(dead_code)] // its `main` is the example's, not ours
#[path = "../examples/first_loop.rs"]
mod first_loop;

use reactor::BackendKind;
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

/// Generous: only a stalled echo reaches it.
const TIMEOUT: Duration = Duration::from_secs(10);

/// Start the first loop on `kind` in a thread (it serves until the test process exits).
fn start(kind: BackendKind) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    thread::spawn(move || first_loop::serve(listener, kind));
    addr
}

fn connect(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect(addr).expect("connect");
    stream.set_read_timeout(Some(TIMEOUT)).expect("timeout");
    stream.set_write_timeout(Some(TIMEOUT)).expect("timeout");
    stream
}

/// Read exactly `len` bytes, or fail with what came.
fn read_exactly(stream: &mut TcpStream, len: usize, what: &str) -> Vec<u8> {
    let mut got = vec![0u8; len];
    stream
        .read_exact(&mut got)
        .unwrap_or_else(|e| panic!("{what}: reading the echo: {e}"));
    got
}

/// Bytes that say where they are, so a lost or reordered chunk shows.
fn pattern(len: usize, seed: usize) -> Vec<u8> {
    (0..len).map(|i| ((i * 7 + seed) % 251) as u8).collect()
}

#[test]
fn several_clients_each_get_their_own_echo_on_every_backend() {
    for kind in [BackendKind::Select, BackendKind::Poll, BackendKind::Epoll] {
        let addr = start(kind);
        let mut clients: Vec<TcpStream> = (0..5).map(|_| connect(addr)).collect();
        // Interleaved: every client sends before any reads, so the loop serves them together.
        for round in 0..3 {
            for (i, client) in clients.iter_mut().enumerate() {
                client
                    .write_all(format!("client {i} line {round}\n").as_bytes())
                    .expect("send");
            }
            for (i, client) in clients.iter_mut().enumerate() {
                let line = format!("client {i} line {round}\n");
                let got = read_exactly(client, line.len(), &format!("{kind} client {i}"));
                assert_eq!(got, line.as_bytes(), "{kind}: client {i} got another's echo");
            }
        }
    }
}

#[test]
fn a_large_echo_is_written_whole_across_short_writes_on_every_backend() {
    const LEN: usize = 1 << 20;
    for kind in [BackendKind::Select, BackendKind::Poll, BackendKind::Epoll] {
        let addr = start(kind);
        let mut big = connect(addr);
        let mut small = connect(addr);
        let data = pattern(LEN, 3);
        let mut writer = big.try_clone().expect("clone");
        let sent = data.clone();
        // Send from another thread: the echo comes back while we still send, and the
        // kernel's buffers hold far less than a megabyte.
        let sender = thread::spawn(move || writer.write_all(&sent));
        // Meanwhile another client is still served.
        small.write_all(b"still here\n").expect("send");
        assert_eq!(read_exactly(&mut small, 11, "small"), b"still here\n");
        let got = read_exactly(&mut big, LEN, &format!("{kind} big"));
        sender.join().expect("sender").expect("send 1 MiB");
        assert!(got == data, "{kind}: the megabyte came back altered");
    }
}

#[test]
fn a_half_closed_client_gets_its_echo_then_eof_on_every_backend() {
    for kind in [BackendKind::Select, BackendKind::Poll, BackendKind::Epoll] {
        let addr = start(kind);
        let mut client = connect(addr);
        client.write_all(b"last words\n").expect("send");
        client.shutdown(Shutdown::Write).expect("shutdown");
        let mut rest = Vec::new();
        client.read_to_end(&mut rest).unwrap_or_else(|e| panic!("{kind}: {e}"));
        assert_eq!(rest, b"last words\n", "{kind}: echo then EOF");
    }
}

#[test]
fn bad_arguments_are_refused_with_a_message() {
    let parse = |args: &[&str]| first_loop::parse_args(args.iter().map(|s| s.to_string()));
    assert_eq!(
        parse(&["--backend", "epoll"]).expect("valid"),
        (BackendKind::Epoll, "127.0.0.1:0".to_string())
    );
    assert!(parse(&["--backend", "kqueue"]).unwrap_err().contains("unknown backend"));
    assert!(parse(&["--backend", "uring"]).is_err());
    assert!(parse(&["--backend"]).unwrap_err().contains("needs a value"));
    assert!(parse(&["--port", "1"]).unwrap_err().contains("unknown flag"));
}
