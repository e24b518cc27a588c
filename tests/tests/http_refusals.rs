//! Every 4xx says why, in its body and in the server's log line: the lecture's own first
//! request, `GET / HTTP/1.1` with no `Host`, must not get a bare `400 Bad Request`. And the
//! obsolete date forms of `If-Modified-Since` (RFC 9110 §5.6.7) are understood, as curl sends
//! them.

#[path = "http_common.rs"]
mod common;

use common::{curl, exchange, for_each_model, site, start};
use tests::ALL_MODELS;

#[test]
fn a_request_without_host_is_told_why_in_the_body_and_the_log() {
    for_each_model(ALL_MODELS, |model| {
        let dir = site();
        let mut server = start(model, dir.path(), &[]);
        let (reply, _stream) = exchange(&server, b"GET / HTTP/1.1\r\n\r\n");
        assert_eq!(reply.status, 400, "{model}");
        let body = String::from_utf8_lossy(&reply.body);
        assert!(
            body.contains("HTTP/1.1 requires a Host header field"),
            "{model}: the body does not say why: {body:?}"
        );
        let line = server.wait_for_log("\" 400 ");
        assert!(
            line.contains("requires a Host header field"),
            "{model}: the log line does not say why: {line}"
        );
    });
}

#[test]
fn a_404_and_a_405_say_why() {
    for_each_model(ALL_MODELS, |model| {
        let dir = site();
        let server = start(model, dir.path(), &[]);
        let (reply, stream) = exchange(&server, b"GET /nope.html HTTP/1.1\r\nHost: t\r\n\r\n");
        drop(stream); // the iterative model serves the next client only after this one
        assert_eq!(reply.status, 404, "{model}");
        assert!(String::from_utf8_lossy(&reply.body).contains("no such file"), "{model}");
        let (reply, _s) = exchange(&server, b"DELETE / HTTP/1.1\r\nHost: t\r\n\r\n");
        assert_eq!(reply.status, 405, "{model}");
        assert!(
            String::from_utf8_lossy(&reply.body).contains("only GET and HEAD"),
            "{model}"
        );
    });
}

#[test]
fn if_modified_since_in_the_rfc_850_and_asctime_forms() {
    for_each_model(&["epoll", "thread"], |model| {
        let dir = site();
        let server = start(model, dir.path(), &[]);
        let url = format!("http://{}/hello.txt", server.addr);
        let status = |date: &str| {
            let header = format!("If-Modified-Since: {date}");
            let out = curl(&["-o", "/dev/null", "-w", "%{http_code}", "-H", &header, &url]).1;
            String::from_utf8_lossy(&out).into_owned()
        };
        assert_eq!(status("Fri Jan  1 00:00:00 2100"), "304", "{model}: asctime, future");
        assert_eq!(
            status("Saturday, 01-Jan-50 00:00:00 GMT"),
            "304",
            "{model}: RFC 850, future"
        );
        assert_eq!(status("Thu Jan  1 00:00:00 1970"), "200", "{model}: asctime, past");
        assert_eq!(
            status("Thursday, 01-Jan-98 00:00:00 GMT"),
            "200",
            "{model}: RFC 850, past"
        );
    });
}
