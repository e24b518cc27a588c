//! Black-box tests of how `http-server` puts responses on the wire, on all six models: a head
//! and a `sendfile(2)` body sent corked (`TCP_CORK`), last bytes held for the FIN
//! (`MSG_MORE`) on `Connection: close`. Whatever the kernel coalesces, the client must read
//! exactly the head, then exactly the file, then the next response or the end of the stream.

#[path = "http_common.rs"]
mod common;

use common::{exchange, for_each_model, read_reply, read_to_close, site, start};
use tests::{write_all, TempDir, ALL_MODELS};

/// Larger than the server's small-file limit (16 KiB), so it goes out with sendfile(2), and
/// not a multiple of any segment size.
const BIG_LEN: usize = 300_001;

/// The test site plus `big.bin`: BIG_LEN bytes of a pattern that shows misplaced bytes.
fn site_with_big_file() -> (TempDir, Vec<u8>) {
    let dir = site();
    let big: Vec<u8> = (0..BIG_LEN).map(|i| (i % 251) as u8).collect();
    std::fs::write(dir.path().join("big.bin"), &big).expect("write big.bin");
    (dir, big)
}

#[test]
fn pipelined_file_responses_keep_their_framing() {
    for_each_model(ALL_MODELS, |model| {
        let (dir, big) = site_with_big_file();
        let server = start(model, dir.path(), &[]);
        let mut stream = server.connect();
        write_all(
            &mut stream,
            b"GET /big.bin HTTP/1.1\r\nHost: t\r\n\r\nGET /hello.txt HTTP/1.1\r\nHost: t\r\n\r\n\
              GET /big.bin HTTP/1.1\r\nHost: t\r\n\r\n",
        );
        for (i, want) in [&big[..], b"hello, world\n", &big[..]].into_iter().enumerate() {
            let reply = read_reply(&mut stream, false);
            assert_eq!(reply.status, 200, "{model}: response {i}");
            assert!(reply.body == want, "{model}: response {i} has the wrong bytes");
        }
        write_all(&mut stream, b"GET /hello.txt HTTP/1.1\r\nHost: t\r\n\r\n");
        let reply = read_reply(&mut stream, false);
        assert_eq!(
            (reply.status, &reply.body[..]),
            (200, &b"hello, world\n"[..]),
            "{model}: the connection still serves after the files"
        );
    });
}

#[test]
fn connection_close_delivers_every_byte_then_eof() {
    for_each_model(ALL_MODELS, |model| {
        let (dir, big) = site_with_big_file();
        let server = start(model, dir.path(), &[]);
        for (path, want) in [("/big.bin", &big[..]), ("/hello.txt", &b"hello, world\n"[..])] {
            let request = format!("GET {path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
            let (reply, mut stream) = exchange(&server, request.as_bytes());
            assert_eq!(reply.status, 200, "{model}: {path}");
            assert_eq!(reply.field("connection").as_deref(), Some("close"), "{model}: {path}");
            assert!(reply.body == want, "{model}: {path} has the wrong bytes");
            assert!(
                read_to_close(&mut stream).is_empty(),
                "{model}: {path}: end of stream right after the body"
            );
        }
    });
}
