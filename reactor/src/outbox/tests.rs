//! The outbox over real socketpairs: short writes keep order, files go out with sendfile,
//! the cork is lifted on drain.

use super::*;
use std::io::Read;
use std::os::unix::net::UnixStream;

#[test]
fn short_writes_keep_the_rest_in_order() {
    let (a, mut b) = UnixStream::pair().expect("pair");
    a.set_nonblocking(true).expect("nonblocking");
    let mut a = Stream::Unix(a);
    let mut out = Outbox::default();
    let big: Vec<u8> = (0..4_000_000u32).map(|i| (i % 251) as u8).collect();
    out.push_bytes(&big[..1000]);
    out.push_vec(big[1000..].to_vec());
    assert_eq!(out.buffered(), big.len());
    // The socket buffer is far smaller than 4 MB: the first flush must block.
    assert_eq!(out.flush_to(&mut a, false).expect("flush"), Flush::Blocked);
    assert!(out.buffered() < big.len() && out.buffered() > 0);
    let reader = std::thread::spawn(move || {
        let mut got = Vec::new();
        b.read_to_end(&mut got).expect("read");
        got
    });
    while out.flush_to(&mut a, false).expect("flush") == Flush::Blocked {
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    assert_eq!(out.buffered(), 0);
    drop(a);
    assert_eq!(reader.join().expect("join"), big);
}

#[test]
fn file_ranges_go_out_with_sendfile() {
    let dir = std::env::temp_dir().join(format!("outbox-test-{}", std::process::id()));
    std::fs::write(&dir, b"0123456789").expect("write file");
    let (a, mut b) = UnixStream::pair().expect("pair");
    let mut a = Stream::Unix(a);
    let mut out = Outbox::default();
    out.push_bytes(b"<");
    out.push_file(File::open(&dir).expect("open"), 2, 5).expect("push");
    out.push_bytes(b">");
    assert_eq!(
        out.buffered(),
        2 + FILE_CHUNK_COST,
        "a file range costs a fixed charge, not its length"
    );
    assert_eq!(out.flush_to(&mut a, false).expect("flush"), Flush::Drained);
    assert_eq!(out.buffered(), 0);
    drop(a);
    let mut got = String::new();
    b.read_to_string(&mut got).expect("read");
    assert_eq!(got, "<23456>");
    let _ = std::fs::remove_file(dir);
}

/// A connected TCP pair on loopback: (server side as a `Stream`, client side).
fn tcp_pair() -> (Stream, std::net::TcpStream) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let client = std::net::TcpStream::connect(listener.local_addr().expect("addr")).expect("connect");
    let (server, _) = listener.accept().expect("accept");
    server.set_nodelay(true).expect("nodelay");
    client
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .expect("timeout"); // only to fail a hung test
    (Stream::Tcp(server), client)
}

fn corked(stream: &Stream) -> bool {
    let Stream::Tcp(tcp) = stream else { return false };
    nix::sys::socket::getsockopt(tcp, nix::sys::socket::sockopt::TcpCork).expect("getsockopt")
}

#[test]
fn a_file_is_sent_corked_and_the_cork_lifted_when_drained() {
    let path = std::env::temp_dir().join(format!("outbox-cork-{}", std::process::id()));
    std::fs::write(&path, b"0123456789").expect("write file");
    let (mut server, mut client) = tcp_pair();
    let mut out = Outbox::default();
    out.push_bytes(b"head:");
    out.push_file(File::open(&path).expect("open"), 0, 10).expect("push");
    assert_eq!(out.flush_to(&mut server, false).expect("flush"), Flush::Drained);
    assert!(
        !corked(&server),
        "the cork must be lifted once drained, or the tail waits"
    );
    out.push_file(File::open(&path).expect("open"), 5, 5).expect("push");
    assert_eq!(out.flush_to(&mut server, true).expect("flush"), Flush::Drained);
    assert!(corked(&server), "with a FIN to follow, the FIN lifts the cork");
    server.shutdown_write().expect("shutdown");
    let mut got = Vec::new();
    client.read_to_end(&mut got).expect("read to EOF");
    assert_eq!(got, b"head:012345678956789");
    let _ = std::fs::remove_file(path);
}

#[test]
fn bytes_held_for_the_fin_leave_with_it() {
    let (mut server, mut client) = tcp_pair();
    let mut out = Outbox::default();
    out.push_bytes(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nbye");
    assert_eq!(out.flush_to(&mut server, true).expect("flush"), Flush::Drained);
    server.shutdown_write().expect("shutdown");
    let mut got = String::new();
    client.read_to_string(&mut got).expect("read to EOF");
    assert_eq!(got, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nbye");
}

#[test]
fn shared_bytes_go_out_whole_and_count_until_sent() {
    let (a, mut b) = UnixStream::pair().expect("pair");
    a.set_nonblocking(true).expect("nonblocking");
    let mut a = Stream::Unix(a);
    let doc: std::sync::Arc<[u8]> = (0..1_000_000u32).map(|i| (i % 253) as u8).collect();
    let mut out = Outbox::default();
    out.push_bytes(b"head:");
    out.push_shared(std::sync::Arc::clone(&doc));
    assert_eq!(out.buffered(), 5 + doc.len(), "shared bytes count toward the limit");
    let reader = std::thread::spawn(move || {
        let mut got = Vec::new();
        b.read_to_end(&mut got).expect("read");
        got
    });
    while out.flush_to(&mut a, false).expect("flush") == Flush::Blocked {
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    assert_eq!(out.buffered(), 0);
    drop(a);
    let got = reader.join().expect("reader");
    assert_eq!(&got[..5], b"head:");
    assert!(got[5..] == doc[..], "the shared document arrives intact");
}
