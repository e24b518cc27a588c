//! Unit tests of the request parser and the exchange state machine, without sockets: every
//! hostile head of the issue with its exact status, pipelining, heads one byte at a time.

use super::exchange::{Exchange, Step};
use super::request::{parse_head, BodyFraming, Method, Parsed, MAX_HEAD};
use super::response::Status;
use super::serve::Context;
use super::site::Site;
use std::path::PathBuf;

fn parse(bytes: &[u8]) -> Parsed {
    parse_head(bytes, &mut 0)
}

fn status_of(bytes: &[u8]) -> Option<Status> {
    match parse(bytes) {
        Parsed::Invalid(status, _why) => Some(status),
        _ => None,
    }
}

#[test]
fn a_plain_get() {
    let Parsed::Complete(req, len) = parse(b"GET /a?b HTTP/1.1\r\nHost: x\r\n\r\nNEXT") else {
        panic!("not complete")
    };
    assert_eq!(
        (req.method, req.target.as_str(), req.minor, len),
        (Method::Get, "/a?b", 1, 30)
    );
    assert!(req.keep_alive);
    assert_eq!(req.body, BodyFraming::None);
}

#[test]
fn keep_alive_rules_by_version() {
    let ka = |head: &[u8]| match parse(head) {
        Parsed::Complete(req, _) => req.keep_alive,
        other => panic!("{other:?}"),
    };
    assert!(ka(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    assert!(!ka(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
    assert!(!ka(b"GET / HTTP/1.0\r\n\r\n"));
    assert!(ka(b"GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n"));
    assert!(ka(b"GET / HTTP/1.1\nHost: x\n\n"), "bare LF line endings are tolerated");
}

#[test]
fn incomplete_heads_wait_even_one_byte_at_a_time() {
    let head = b"\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n";
    let mut scanned = 0;
    for end in 0..head.len() {
        assert_eq!(parse_head(&head[..end], &mut scanned), Parsed::Incomplete, "at {end}");
    }
    assert!(matches!(parse_head(head, &mut scanned), Parsed::Complete(_, 29)));
}

#[test]
fn hostile_heads_get_their_status() {
    let many: String = (0..101).map(|i| format!("X-{i}: y\r\n")).collect();
    let big_target = format!("GET /{} HTTP/1.1\r\nHost: x\r\n\r\n", "a".repeat(8 * 1024));
    let big_field = format!("GET / HTTP/1.1\r\nHost: x\r\nX: {}\r\n\r\n", "a".repeat(MAX_HEAD));
    let cases: Vec<(Vec<u8>, Status)> = vec![
        (b"GARBAGE\r\n\r\n".to_vec(), Status::BadRequest),
        (
            b"GET / HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n".to_vec(),
            Status::BadRequest,
        ),
        (
            b"GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n".to_vec(),
            Status::BadRequest,
        ),
        (b"GET / HTTP/1.1\r\n\r\n".to_vec(), Status::BadRequest),
        (
            b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n".to_vec(),
            Status::BadRequest,
        ),
        (
            b"GET / HTTP/2.0\r\nHost: x\r\n\r\n".to_vec(),
            Status::VersionNotSupported,
        ),
        (
            b"GET / HTTP/1.2\r\nHost: x\r\n\r\n".to_vec(),
            Status::VersionNotSupported,
        ),
        (b"GET / FTP/1.1\r\nHost: x\r\n\r\n".to_vec(), Status::BadRequest),
        (big_target.into_bytes(), Status::UriTooLong),
        (
            format!("GET / HTTP/1.1\r\nHost: x\r\n{many}\r\n").into_bytes(),
            Status::HeaderFieldsTooLarge,
        ),
        (big_field.into_bytes(), Status::HeaderFieldsTooLarge),
        (
            b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec(),
            Status::BadRequest,
        ),
        (
            b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n".to_vec(),
            Status::BadRequest,
        ),
        (
            b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 3, 4\r\n\r\n".to_vec(),
            Status::BadRequest,
        ),
        (
            b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n".to_vec(),
            Status::BadRequest,
        ),
        (
            b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\n\r\n".to_vec(),
            Status::BadRequest,
        ),
        (
            b"GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n".to_vec(),
            Status::BadRequest,
        ),
    ];
    for (head, want) in cases {
        assert_eq!(
            status_of(&head),
            Some(want),
            "{:?}",
            String::from_utf8_lossy(&head[..head.len().min(80)])
        );
    }
}

#[test]
fn oversized_incomplete_heads_are_rejected_before_they_end() {
    let line = vec![b'a'; MAX_HEAD + 1];
    assert_eq!(status_of(&line), Some(Status::UriTooLong));
    let mut fields = b"GET / HTTP/1.1\r\n".to_vec();
    fields.resize(MAX_HEAD + 1, b'a');
    assert_eq!(status_of(&fields), Some(Status::HeaderFieldsTooLarge));
}

#[test]
fn leading_blank_lines_count_against_the_head_limit() {
    let mut few = b"\r\n\r\n".to_vec();
    few.extend_from_slice(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    assert!(matches!(parse(&few), Parsed::Complete(_, n) if n == few.len()));
    let endless = b"\r\n".repeat(MAX_HEAD / 2 + 1);
    assert_eq!(status_of(&endless), Some(Status::HeaderFieldsTooLarge));
}

#[test]
fn same_length_twice_is_fine() {
    let head = b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\ncontent-length: 3\r\n\r\n";
    assert!(matches!(parse(head), Parsed::Complete(r, _) if r.body == BodyFraming::Length(3)));
}

/// A site in a fresh temporary directory with a 2-byte file `a.txt`.
fn site(tag: &str) -> (PathBuf, Site) {
    let dir = std::env::temp_dir().join(format!("http-exchange-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(dir.join("a.txt"), "hi").expect("write");
    let site = Site::open(&dir).expect("site");
    (dir, site)
}

/// Run the exchange over `input` like a driver: every response's status and whole bytes.
fn drive(input: &[u8], site: &Site) -> Vec<(Status, String, bool)> {
    let cx = Context { site, date: "D" };
    let mut ex = Exchange::default();
    let mut at = 0;
    let mut out = Vec::new();
    loop {
        match ex.step(&input[at..], &cx) {
            Step::NeedMore => return out,
            Step::Discarded(n) => at += n,
            Step::Respond { consumed, response, .. } => {
                at += consumed;
                let mut bytes = response.head.clone();
                if let Some(b) = response.body.in_memory() {
                    bytes.extend_from_slice(b);
                }
                out.push((
                    response.status,
                    String::from_utf8_lossy(&bytes).into_owned(),
                    response.close,
                ));
                if response.close {
                    return out;
                }
            }
        }
    }
}

#[test]
fn pipelined_requests_in_order_with_bodies_skipped() {
    let (dir, site) = site("pipeline");
    let input = b"GET /a.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nGET /GET /nope HTTP/1.1\r\nHost: x\r\n\r\n\
                  DELETE /a.txt HTTP/1.1\r\nHost: x\r\n\r\nHEAD /a.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    let got = drive(input, &site);
    let statuses: Vec<_> = got.iter().map(|(s, _, c)| (s.code(), *c)).collect();
    assert_eq!(statuses, [(200, false), (404, false), (405, false), (200, true)]);
    assert!(got[0].1.ends_with("\r\n\r\nhi"), "{}", got[0].1);
    assert!(got[2].1.contains("Allow: GET, HEAD\r\n"), "{}", got[2].1);
    assert!(
        got[3].1.ends_with("Connection: close\r\n\r\n"),
        "HEAD has no body: {}",
        got[3].1
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn big_bodies_and_chunked_bodies_end_the_connection() {
    let (dir, site) = site("bodies");
    let big = drive(
        b"GET /a.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 9999999\r\n\r\n",
        &site,
    );
    assert_eq!((big[0].0, big[0].2), (Status::PayloadTooLarge, true));
    let chunked = drive(
        b"GET /a.txt HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        &site,
    );
    assert_eq!((chunked[0].0, chunked[0].2), (Status::Ok, true));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn conditional_and_range_requests() {
    let (dir, site) = site("conditional");
    let get = |extra: &str| {
        let head = format!("GET /a.txt HTTP/1.1\r\nHost: x\r\n{extra}\r\n");
        drive(head.as_bytes(), &site).remove(0)
    };
    let (status, text, _) = get("If-Modified-Since: Fri, 01 Jan 2100 00:00:00 GMT\r\n");
    assert_eq!(status, Status::NotModified, "{text}");
    assert!(!text.contains("Content-Length"), "{text}");
    assert_eq!(
        get("If-Modified-Since: Thu, 01 Jan 1970 00:00:00 GMT\r\n").0,
        Status::Ok
    );
    // The two obsolete forms RFC 9110 §5.6.7 says a recipient must accept.
    for future in ["Saturday, 01-Jan-50 00:00:00 GMT", "Fri Jan  1 00:00:00 2100"] {
        let (status, text, _) = get(&format!("If-Modified-Since: {future}\r\n"));
        assert_eq!(status, Status::NotModified, "{future}: {text}");
    }
    for past in ["Thursday, 01-Jan-98 00:00:00 GMT", "Thu Jan  1 00:00:00 1970"] {
        assert_eq!(get(&format!("If-Modified-Since: {past}\r\n")).0, Status::Ok, "{past}");
    }
    let (status, text, _) = get("Range: bytes=1-\r\n");
    assert_eq!(status, Status::PartialContent);
    assert!(
        text.contains("Content-Range: bytes 1-1/2\r\n") && text.ends_with("\r\n\r\ni"),
        "{text}"
    );
    let (status, text, _) = get("Range: bytes=5-\r\n");
    assert_eq!(status, Status::RangeNotSatisfiable);
    assert!(text.contains("Content-Range: bytes */2\r\n"), "{text}");
    assert_eq!(
        get("Range: bytes=0-0\r\nIf-Range: Thu, 01 Jan 1970 00:00:00 GMT\r\n").0,
        Status::Ok
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn directories_redirect_then_list() {
    let (dir, site) = site("dirs");
    std::fs::create_dir(dir.join("sub")).expect("mkdir");
    std::fs::write(dir.join("sub/<b>.txt"), "x").expect("write");
    let got = drive(
        b"GET /sub?q=1 HTTP/1.1\r\nHost: x\r\n\r\nGET /sub/ HTTP/1.1\r\nHost: x\r\n\r\n",
        &site,
    );
    assert_eq!(got[0].0, Status::MovedPermanently);
    assert!(got[0].1.contains("Location: /sub/\r\n"), "{}", got[0].1);
    assert_eq!(got[1].0, Status::Ok);
    assert!(
        got[1].1.contains("<a href=\"%3Cb%3E.txt\">&lt;b&gt;.txt</a>"),
        "{}",
        got[1].1
    );
    let _ = std::fs::remove_dir_all(dir);
}
