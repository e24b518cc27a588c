//! `http-server --access-log FILE`: one combined-format line per response (nginx's default
//! format), on every model; no line lost when SIGTERM stops the server; the logger's
//! per-request line on stderr is then not written.

#[path = "http_common.rs"]
mod common;

use common::{for_each_model, read_reply, site, start};
use nix::sys::signal::Signal;
use std::io::Write;
use tests::{write_all, TempDir, ALL_MODELS, REACTOR_MODELS};

/// The log file's lines, once the server has exited.
fn lines(path: &std::path::Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .map(str::to_string)
        .collect()
}

/// `[27/Nov/2026:13:48:57 +0000]` replaced by `[DATE]`, so lines compare exactly.
fn without_date(line: &str) -> String {
    match (line.find('['), line.find(']')) {
        (Some(a), Some(b)) if a < b => format!("{}[DATE]{}", &line[..a], &line[b + 1..]),
        _ => line.to_string(),
    }
}

#[test]
fn one_combined_line_per_response_on_every_model() {
    for_each_model(ALL_MODELS, |model| {
        let dir = site();
        let logs = TempDir::new("access-log");
        let log = logs.path().join("access.log");
        let mut server = start(model, dir.path(), &["--access-log", log.to_str().expect("utf-8")]);
        let mut c = server.connect();
        let requests = "GET /hello.txt HTTP/1.1\r\nHost: t\r\nUser-Agent: probe \"1\"\r\nReferer: http://r/\r\n\r\n\
                        GET /missing HTTP/1.1\r\nHost: t\r\n\r\n\
                        HEAD /hello.txt HTTP/1.0\r\n\r\n";
        write_all(&mut c, requests.as_bytes());
        let replies = [false, false, true].map(|head| read_reply(&mut c, head));
        let statuses: Vec<u16> = replies.iter().map(|r| r.status).collect();
        assert_eq!(statuses, [200, 404, 200], "{model}");
        // The 404's body says why; the log's size field is the length that was sent.
        let missing_len = replies[1].body.len();
        drop(c);
        let status = server.signal_and_wait(Signal::SIGTERM);
        assert!(status.success(), "{model}: exit {status:?}");
        let got: Vec<String> = lines(&log).iter().map(|l| without_date(l)).collect();
        assert_eq!(
            got,
            [
                r#"127.0.0.1 - - [DATE] "GET /hello.txt HTTP/1.1" 200 13 "http://r/" "probe \"1\"""#.to_string(),
                format!(r#"127.0.0.1 - - [DATE] "GET /missing HTTP/1.1" 404 {missing_len} "-" "-""#),
                r#"127.0.0.1 - - [DATE] "HEAD /hello.txt HTTP/1.0" 200 0 "-" "-""#.to_string(),
            ],
            "{model}"
        );
        let stderr = server.stderr_so_far();
        assert!(
            !stderr.contains("GET /hello.txt"),
            "{model}: request logged on stderr too:\n{stderr}"
        );
    });
}

#[test]
fn no_line_is_lost_on_sigterm() {
    // More lines than the 64 KiB buffer holds, so a log flushed only when full would lose
    // the tail; the server is stopped as soon as the last response is in.
    const CONNS: usize = 4;
    const PER_CONN: usize = 300;
    for_each_model(REACTOR_MODELS, |model| {
        let dir = site();
        let logs = TempDir::new("access-log");
        let log = logs.path().join("access.log");
        let mut server = start(model, dir.path(), &["--access-log", log.to_str().expect("utf-8")]);
        let request = b"GET /hello.txt HTTP/1.1\r\nHost: t\r\nUser-Agent: a-long-user-agent-string\r\n\r\n";
        let mut clients: Vec<_> = (0..CONNS).map(|_| server.connect()).collect();
        for c in &mut clients {
            c.write_all(&request.repeat(PER_CONN)).expect("pipeline");
        }
        for c in &mut clients {
            for _ in 0..PER_CONN {
                assert_eq!(read_reply(c, false).status, 200, "{model}");
            }
        }
        let status = server.signal_and_wait(Signal::SIGTERM);
        assert!(status.success(), "{model}: exit {status:?}");
        let got = lines(&log);
        assert_eq!(got.len(), CONNS * PER_CONN, "{model}: lines lost");
        assert!(
            got.iter()
                .all(|l| l.ends_with(r#"200 13 "-" "a-long-user-agent-string""#)),
            "{model}"
        );
    });
}
