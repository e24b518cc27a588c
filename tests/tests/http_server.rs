//! Black-box tests of `http-server` on all six models: curl as a user would run it, then raw
//! sockets for what curl will not send (pipelining, heads one byte at a time, hostile heads,
//! traversal tricks), each asserting the exact status and whether the connection stays open.

#[path = "http_common.rs"]
mod common;

use common::{curl, exchange, for_each_model, read_reply, read_to_close, site, start};
use std::io::Write;
use tests::{assert_closed, write_all, ALL_MODELS};

const GET_HELLO: &[u8] = b"GET /hello.txt HTTP/1.1\r\nHost: t\r\n\r\n";

#[test]
fn curl_get_head_404_304_range_and_keep_alive() {
    for_each_model(ALL_MODELS, |model| {
        let dir = site();
        let server = start(model, dir.path(), &[]);
        let url = |path: &str| format!("http://{}{path}", server.addr);
        let (code, body, _) = curl(&[&url("/hello.txt")]);
        assert_eq!((code, body.as_slice()), (0, &b"hello, world\n"[..]), "{model}: GET");
        let (_, head, _) = curl(&["-I", &url("/hello.txt")]);
        let head = String::from_utf8_lossy(&head);
        assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{model}: HEAD: {head}");
        assert!(
            head.contains("Content-Length: 13\r\n") && head.contains("Content-Type: text/plain"),
            "{model}: {head}"
        );
        assert!(
            head.contains("Last-Modified: ") && head.contains("Date: "),
            "{model}: {head}"
        );
        let status = |args: &[&str]| {
            String::from_utf8_lossy(&curl(&[&["-o", "/dev/null", "-w", "%{http_code}"], args].concat()).1).into_owned()
        };
        assert_eq!(status(&[&url("/nope.html")]), "404", "{model}: missing file");
        let future = "If-Modified-Since: Fri, 01 Jan 2100 00:00:00 GMT";
        assert_eq!(
            status(&["-H", future, &url("/hello.txt")]),
            "304",
            "{model}: not modified"
        );
        assert_eq!(status(&[&url("/share")]), "301", "{model}: directory without slash");
        let (_, part, _) = curl(&["-r", "7-11", &url("/hello.txt")]);
        assert_eq!(part, b"world", "{model}: range");
        assert_eq!(
            status(&["-r", "100-", &url("/hello.txt")]),
            "416",
            "{model}: range past the end"
        );
        let (_, listing, _) = curl(&[&url("/share/")]);
        let listing = String::from_utf8_lossy(&listing);
        assert!(
            listing.contains("<a href=\"a%20%3Cb%3E.txt\">a &lt;b&gt;.txt</a>"),
            "{model}: listing: {listing}"
        );
        let (_, both, log) = curl(&["-v", &url("/hello.txt"), &url("/index.html")]);
        assert_eq!(both, b"hello, world\n<h1>home</h1>\n", "{model}: two URLs");
        assert!(
            log.contains("Re-using existing connection"),
            "{model}: keep-alive reuse: {log}"
        );
    });
}

#[test]
fn traversal_attempts_never_leave_the_root() {
    for_each_model(ALL_MODELS, |model| {
        let dir = site();
        let secret = common::dir_outside(dir.path());
        let name = secret.file_name().and_then(|n| n.to_str()).expect("name").to_string();
        std::os::unix::fs::symlink(&secret, dir.path().join("link")).expect("symlink");
        std::os::unix::fs::symlink("/etc", dir.path().join("etc")).expect("symlink");
        let server = start(model, dir.path(), &[]);
        for path in [
            format!("/../{name}"),
            format!("/%2e%2e/{name}"),
            format!("/%2E%2E%2f{name}"),
            format!("/share/../../{name}"),
            format!("/..%5c{name}"),
            "/link".to_string(),
            "/etc/passwd".to_string(),
            "/../../../../../../etc/passwd".to_string(),
        ] {
            let url = format!("http://{}{path}", server.addr);
            let (_, body, _) = curl(&["--path-as-is", "-w", "\n%{http_code}", &url]);
            let body = String::from_utf8_lossy(&body);
            assert!(body.ends_with("\n404"), "{model}: {path} -> {body}");
            assert!(
                !body.contains("TOP SECRET") && !body.contains("root:"),
                "{model}: {path} leaked {body}"
            );
        }
        for raw in [
            format!("GET /..\\{name} HTTP/1.1\r\nHost: t\r\n\r\n"),
            "GET /hello.txt%00.html HTTP/1.1\r\nHost: t\r\n\r\n".to_string(),
            format!("GET http://evil/../{name} HTTP/1.1\r\nHost: t\r\n\r\n"),
        ] {
            let (reply, _) = exchange(&server, raw.as_bytes());
            assert_eq!(reply.status, 404, "{model}: {raw:?}");
        }
        let (reply, _) = exchange(&server, b"GET /hello.txt?../../x HTTP/1.1\r\nHost: t\r\n\r\n");
        assert_eq!(
            (reply.status, reply.body.as_slice()),
            (200, &b"hello, world\n"[..]),
            "{model}: query ignored"
        );
    });
}

#[test]
fn ten_pipelined_requests_in_one_write_are_answered_in_order() {
    for_each_model(ALL_MODELS, |model| {
        let dir = site();
        let server = start(model, dir.path(), &[]);
        let mut stream = server.connect();
        let mut all = Vec::new();
        for i in 0..10 {
            let path = if i % 2 == 0 { "/hello.txt" } else { "/index.html" };
            all.extend_from_slice(format!("GET {path}?n={i} HTTP/1.1\r\nHost: t\r\n\r\n").as_bytes());
        }
        write_all(&mut stream, &all);
        for i in 0..10 {
            let reply = read_reply(&mut stream, false);
            let want: &[u8] = if i % 2 == 0 {
                b"hello, world\n"
            } else {
                b"<h1>home</h1>\n"
            };
            assert_eq!(
                (reply.status, reply.body.as_slice()),
                (200, want),
                "{model}: response {i}"
            );
        }
    });
}

#[test]
fn heads_sent_one_byte_at_a_time() {
    for_each_model(ALL_MODELS, |model| {
        let dir = site();
        let server = start(model, dir.path(), &[]);
        let mut stream = server.connect();
        stream.set_nodelay(true).expect("nodelay");
        for _ in 0..2 {
            for byte in GET_HELLO {
                stream.write_all(&[*byte]).expect("write");
            }
            let reply = read_reply(&mut stream, false);
            assert_eq!(
                (reply.status, reply.body.as_slice()),
                (200, &b"hello, world\n"[..]),
                "{model}"
            );
        }
    });
}

#[test]
fn hostile_heads_get_their_status_and_a_closed_connection() {
    for_each_model(ALL_MODELS, |model| {
        let dir = site();
        let server = start(model, dir.path(), &[]);
        let many: String = (0..101).map(|i| format!("X-{i}: y\r\n")).collect();
        let cases: Vec<(Vec<u8>, u16)> = vec![
            (b"NONSENSE\r\n\r\n".to_vec(), 400),
            (b"GET / HTTP/1.1\r\nHost: t\r\nBad Field: x\r\n\r\n".to_vec(), 400),
            (
                format!("GET /{} HTTP/1.1\r\nHost: t\r\n\r\n", "a".repeat(9000)).into_bytes(),
                414,
            ),
            (
                format!("GET / HTTP/1.1\r\nHost: t\r\nX: {}\r\n\r\n", "a".repeat(17_000)).into_bytes(),
                431,
            ),
            (format!("GET / HTTP/1.1\r\nHost: t\r\n{many}\r\n").into_bytes(), 431),
            (
                b"GET / HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\nx".to_vec(),
                400,
            ),
            (
                b"GET / HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nxx".to_vec(),
                400,
            ),
            (b"GET / HTTP/3.0\r\nHost: t\r\n\r\n".to_vec(), 505),
            (
                b"GET / HTTP/1.1\r\nHost: t\r\nContent-Length: 99999999\r\n\r\n".to_vec(),
                413,
            ),
        ];
        for (raw, want) in cases {
            let (reply, mut stream) = exchange(&server, &raw);
            let shown = String::from_utf8_lossy(&raw[..raw.len().min(60)]).into_owned();
            assert_eq!(reply.status, want, "{model}: {shown:?}");
            assert_eq!(
                reply.field("connection").as_deref(),
                Some("close"),
                "{model}: {shown:?}"
            );
            assert_closed(&mut stream);
        }
    });
}

#[test]
fn harmless_oddities_keep_the_connection() {
    for_each_model(ALL_MODELS, |model| {
        let dir = site();
        let server = start(model, dir.path(), &[]);
        let (reply, mut stream) = exchange(
            &server,
            b"POST /hello.txt HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\n\r\nbody",
        );
        assert_eq!(
            (reply.status, reply.field("allow").as_deref()),
            (405, Some("GET, HEAD")),
            "{model}: POST"
        );
        write_all(
            &mut stream,
            b"GET /hello.txt HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nxxxxx",
        );
        assert_eq!(read_reply(&mut stream, false).status, 200, "{model}: GET with a body");
        write_all(&mut stream, b"GET /none HTTP/1.1\r\nHost: t\r\n\r\n");
        assert_eq!(
            read_reply(&mut stream, false).status,
            404,
            "{model}: 404 keeps the connection"
        );
        write_all(&mut stream, b"GET /hello.txt HTTP/1.0\r\n\r\n");
        assert_eq!(read_reply(&mut stream, false).status, 200, "{model}: HTTP/1.0");
        assert_closed(&mut stream); // 1.0 without keep-alive closes
        let (_, mut stream) = exchange(
            &server,
            b"GET /hello.txt HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
        );
        assert!(
            read_to_close(&mut stream).is_empty(),
            "{model}: nothing after Connection: close"
        );
    });
}

#[test]
fn slow_heads_get_408_and_idle_connections_close() {
    for_each_model(ALL_MODELS, |model| {
        let dir = site();
        // The idle timeout is longer: on the reactor it counts from the last byte received,
        // and would otherwise close the slow head quietly before its 408.
        let server = start(model, dir.path(), &["--header-timeout", "1", "--idle-timeout", "2"]);
        let mut slow = server.connect();
        write_all(&mut slow, b"GET /hello.txt HTTP/1.1\r\nHost:");
        let reply = read_reply(&mut slow, false);
        assert_eq!(reply.status, 408, "{model}: slowloris");
        assert_closed(&mut slow);
        let (reply, mut idle) = exchange(&server, GET_HELLO);
        assert_eq!(reply.status, 200, "{model}");
        assert!(
            read_to_close(&mut idle).is_empty(),
            "{model}: idle keep-alive is closed quietly"
        );
    });
}
