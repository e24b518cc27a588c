//! Lab 14 grader (labs/14-http-from-scratch): the student's `tiny-http`, a reactor `Handler`
//! written from scratch, serves files from a root over real sockets: curl, raw requests
//! (keep-alive, HEAD, pipelining, HTTP/1.0), the traversal corpus of the framework's HTTP
//! server (tests/tests/http_server.rs), an oversized head, a head sent one byte at a time,
//! and two seconds of wrk. After each check the server must still be running, panic-free.

mod lab_common;

use lab_common::{alive, panic_message, read_to_close, start, LabServer, Steps};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};
use tests::TempDir;

/// A site: hello.txt, index.html, sub/index.html, data.bin (100 KiB), empty/ (no index);
/// a secret file beside the root (outside it) and two symbolic links that lead out.
struct Site {
    root: TempDir,
    _outside: TempDir,
    secret_name: String,
    data: Vec<u8>,
}

fn site() -> Site {
    let root = TempDir::new("lab14-root");
    let outside = TempDir::new("lab14-outside");
    let p = root.path();
    let write = |rel: &str, bytes: &[u8]| std::fs::write(p.join(rel), bytes).expect("write site file");
    write("hello.txt", b"hello, world\n");
    write("index.html", b"<h1>home</h1>\n");
    std::fs::create_dir_all(p.join("sub")).expect("mkdir");
    std::fs::create_dir_all(p.join("empty")).expect("mkdir");
    write("sub/index.html", b"<p>sub</p>\n");
    let data: Vec<u8> = (0..100 * 1024u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    write("data.bin", &data);
    std::fs::write(outside.path().join("secret.txt"), b"TOP SECRET\n").expect("write secret");
    std::os::unix::fs::symlink(outside.path().join("secret.txt"), p.join("link")).expect("symlink");
    std::os::unix::fs::symlink("/etc", p.join("etc")).expect("symlink");
    // The secret, seen from the root: ../<outside dir>/secret.txt
    let dir = outside.path().file_name().and_then(|n| n.to_str()).expect("name");
    Site {
        secret_name: format!("{dir}/secret.txt"),
        root,
        _outside: outside,
        data,
    }
}

fn serve(site: &Site, model: &str, extra: &[&str]) -> LabServer {
    let root = site.root.path().to_str().expect("utf-8 path");
    let mut args = vec!["--root", root, "--model", model];
    args.extend_from_slice(extra);
    start("tiny-http", &args)
}

/// The server is still running and never panicked.
fn still_standing(steps: &mut Steps, server: &mut LabServer) {
    steps.step("the server is still running, and said nothing about a panic");
    let running = alive(server);
    let log = server.stderr_so_far();
    let panic = panic_message(&log);
    steps.expect(
        running && panic.is_none(),
        "(all of the above)",
        &format!("running: {running}; panic: {panic:?}"),
        "running, no panic",
        "no input from a client may crash a server that serves others: answer 4xx and close",
    );
}

/// `curl -s -i ARGS`: the status, head and body of the last response, and curl's stderr.
fn curl(args: &[&str]) -> (u16, String, Vec<u8>, String) {
    let out = Command::new("curl")
        .args(["-s", "-i", "--max-time", "5"])
        .args(args)
        .output()
        .expect("run curl");
    let text = out.stdout;
    let split = text.windows(4).rposition(|w| w == b"\r\n\r\n");
    let (head, body) = match split {
        Some(i) => {
            // The last head: curl prints every response of the run in turn.
            let start = text[..i].windows(5).rposition(|w| w == b"HTTP/").unwrap_or(0);
            (
                String::from_utf8_lossy(&text[start..i]).into_owned(),
                text[i + 4..].to_vec(),
            )
        }
        None => (String::from_utf8_lossy(&text).into_owned(), Vec::new()),
    };
    let code = head.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    (code, head, body, String::from_utf8_lossy(&out.stderr).into_owned())
}

fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().find_map(|l| {
        let (n, v) = l.split_once(':')?;
        n.trim().eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

fn connect(server: &LabServer) -> TcpStream {
    let stream = TcpStream::connect(&server.addr).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(3))).expect("timeout");
    stream.set_write_timeout(Some(Duration::from_secs(3))).expect("timeout");
    stream
}

/// One response read from a raw socket: status, head, body (by Content-Length; none when
/// `head_only`). Err says what came instead.
fn read_reply(stream: &mut TcpStream, head_only: bool) -> Result<(u16, String, Vec<u8>), String> {
    let mut got = Vec::new();
    let mut byte = [0u8; 1];
    while !got.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(0) => return Err(format!("EOF after {:?}", String::from_utf8_lossy(&got))),
            Ok(_) => got.push(byte[0]),
            Err(e) => return Err(format!("{e} after {:?}", String::from_utf8_lossy(&got))),
        }
        if got.len() > 16 * 1024 {
            return Err("a head of more than 16 KiB".into());
        }
    }
    let head = String::from_utf8_lossy(&got).into_owned();
    let code = head.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    let len: usize = header(&head, "Content-Length")
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| format!("no Content-Length in {head:?}"))?;
    let mut body = vec![0u8; if head_only { 0 } else { len }];
    stream
        .read_exact(&mut body)
        .map_err(|e| format!("{e} reading a body of {len} bytes after {head:?}"))?;
    Ok((code, head, body))
}

#[test]
fn lab14_get_files_with_curl() {
    let mut steps = Steps::new("lab14_get_files_with_curl");
    let site = site();
    for model in ["select", "poll", "epoll"] {
        steps.step(&format!(
            "[{model}] start tiny-http --root SITE; curl /hello.txt, /, /sub/, /sub, /data.bin"
        ));
        let mut server = serve(&site, model, &[]);
        let url = |p: &str| format!("http://{}{p}", server.addr);
        let cases: [(&str, &[u8], &str); 5] = [
            ("/hello.txt", b"hello, world\n", "text/plain"),
            ("/", b"<h1>home</h1>\n", "text/html"),
            ("/sub/", b"<p>sub</p>\n", "text/html"),
            ("/sub", b"<p>sub</p>\n", "text/html"),
            ("/data.bin", &site.data, "application/octet-stream"),
        ];
        for (path, want, ctype) in cases {
            let (code, head, body, err) = curl(&[&url(path)]);
            let length = header(&head, "Content-Length").and_then(|v| v.parse::<usize>().ok());
            let ok = code == 200
                && body == want
                && length == Some(want.len())
                && header(&head, "Content-Type").is_some_and(|t| t.starts_with(ctype));
            let shown = if body.len() > 64 {
                format!(
                    "{} bytes (first differing at {:?})",
                    body.len(),
                    body.iter().zip(want.iter()).position(|(a, b)| a != b)
                )
            } else {
                format!("{:?}", String::from_utf8_lossy(&body))
            };
            steps.expect(
                ok,
                &format!("GET {path}"),
                &format!("{code}, head {head:?}, body {shown} {err}"),
                &format!(
                    "200, Content-Type {ctype}…, Content-Length {}, the file's exact bytes",
                    want.len()
                ),
                "lecture « Réponse Serveur »: status line, Content-Type, Content-Length (the file's size), \
                 an empty line, the file; `/` and a directory serve its index.html",
            );
        }
        still_standing(&mut steps, &mut server);
    }
}

#[test]
fn lab14_errors_say_why() {
    let mut steps = Steps::new("lab14_errors_say_why");
    let site = site();
    let mut server = serve(&site, "epoll", &[]);
    steps.step("GET /nope.txt then GET /hello.txt on the same connection");
    let mut s = connect(&server);
    let _ = s.write_all(b"GET /nope.txt HTTP/1.1\r\nHost: t\r\n\r\nGET /empty/ HTTP/1.1\r\nHost: t\r\n\r\nGET /hello.txt HTTP/1.1\r\nHost: t\r\n\r\n");
    let replies: Vec<_> = (0..3).map(|_| read_reply(&mut s, false)).collect();
    let codes: Vec<String> = replies
        .iter()
        .map(|r| match r {
            Ok((c, _, b)) => format!("{c} {:?}", String::from_utf8_lossy(b)),
            Err(e) => e.clone(),
        })
        .collect();
    let ok = matches!(&replies[..], [Ok((404, _, b1)), Ok((404, _, _)), Ok((200, _, b3))]
        if !b1.is_empty() && b3 == b"hello, world\n");
    steps.expect(
        ok,
        "GET /nope.txt, GET /empty/ (no index.html), GET /hello.txt",
        &format!("{codes:?}"),
        "404 with a body saying so, 404, then 200 hello, world: a 404 keeps the connection",
        "the lecture's server answers 404 for a file it cannot open; a 404 is an ordinary answer, \
         the connection stays open for the next request",
    );
    steps.step("POST /hello.txt: 405 with Allow");
    let mut s = connect(&server);
    let _ = s.write_all(b"POST /hello.txt HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n");
    let got = read_reply(&mut s, false);
    let ok = matches!(&got, Ok((405, head, _)) if header(head, "Allow").is_some_and(|a| a.contains("GET") && a.contains("HEAD")));
    steps.expect(
        ok,
        "POST /hello.txt",
        &format!("{got:?}"),
        "405 with `Allow: GET, HEAD`",
        "RFC 9110 §15.5.6: a 405 names the methods allowed",
    );
    for (raw, what) in [
        (&b"HELLO\r\n\r\n"[..], "a request line of one word"),
        (b"GET /hello.txt\r\n\r\n", "no version"),
        (
            b"GET /hello.txt HTTP/1.1\r\nno colon here\r\n\r\n",
            "a header line without a colon",
        ),
        (b"get /hello.txt HTTP/1.1\r\n\r\n", "a lowercase method"),
    ] {
        steps.step(&format!("{what}: 400 and the connection closed"));
        let mut s = connect(&server);
        let _ = s.write_all(raw);
        let (got, closed) = read_to_close(&mut s, Duration::from_secs(3));
        let text = String::from_utf8_lossy(&got).into_owned();
        steps.expect(
            text.starts_with("HTTP/1.1 400") && closed,
            &format!("{:?}", String::from_utf8_lossy(raw)),
            &format!("{text:?}, closed: {closed}"),
            "HTTP/1.1 400 …, then the server closes",
            "a request that cannot be parsed cannot be framed either: answer 400 and close",
        );
    }
    still_standing(&mut steps, &mut server);
}

#[test]
fn lab14_keep_alive_head_pipelining() {
    let mut steps = Steps::new("lab14_keep_alive_head_pipelining");
    let site = site();
    let mut server = serve(&site, "epoll", &[]);
    steps.step("curl -v /hello.txt /index.html: one connection for both");
    let (_, _, body, log) = curl(&[
        "-v",
        &format!("http://{}/hello.txt", server.addr),
        &format!("http://{}/index.html", server.addr),
    ]);
    steps.expect(
        log.contains("Re-using existing connection") && body == b"<h1>home</h1>\n",
        "curl -v URL1 URL2",
        &format!(
            "body of the 2nd {:?}; reused: {}",
            String::from_utf8_lossy(&body),
            log.contains("Re-using")
        ),
        "curl re-uses the connection; the second body is <h1>home</h1>",
        "HTTP/1.1 keeps the connection open unless `Connection: close`: send Content-Length and do not close",
    );
    steps.step("HEAD /hello.txt then GET /index.html on one connection");
    let mut s = connect(&server);
    let _ = s.write_all(b"HEAD /hello.txt HTTP/1.1\r\nHost: t\r\n\r\nGET /index.html HTTP/1.1\r\nHost: t\r\n\r\n");
    let head = read_reply(&mut s, true);
    let next = read_reply(&mut s, false);
    let ok = matches!(&head, Ok((200, h, _)) if header(h, "Content-Length") == Some("13"))
        && matches!(&next, Ok((200, _, b)) if b == b"<h1>home</h1>\n");
    steps.expect(
        ok,
        "HEAD /hello.txt, GET /index.html",
        &format!("{head:?} then {next:?}"),
        "200 with Content-Length: 13 and no body, then 200 <h1>home</h1>",
        "HEAD answers the head GET would, Content-Length included, without the body: a body \
         after it is read as the start of the next response",
    );
    steps.step("ten requests in one write: ten answers, in order");
    let mut s = connect(&server);
    let mut all = Vec::new();
    for i in 0..10 {
        let path = if i % 2 == 0 { "/hello.txt" } else { "/index.html" };
        all.extend_from_slice(format!("GET {path}?n={i} HTTP/1.1\r\nHost: t\r\n\r\n").as_bytes());
    }
    let _ = s.write_all(&all);
    let mut bodies = Vec::new();
    for _ in 0..10 {
        match read_reply(&mut s, false) {
            Ok((_, _, b)) => bodies.push(String::from_utf8_lossy(&b).into_owned()),
            Err(e) => {
                bodies.push(e);
                break;
            }
        }
    }
    let want: Vec<String> = (0..10)
        .map(|i| {
            if i % 2 == 0 {
                "hello, world\n"
            } else {
                "<h1>home</h1>\n"
            }
            .to_string()
        })
        .collect();
    steps.expect(
        bodies == want,
        "10 pipelined GETs in one write",
        &format!("{bodies:?}"),
        &format!("{want:?}"),
        "on_data may receive several heads at once: answer each complete one in order, keep the \
         rest for the next call (return how many bytes were consumed)",
    );
    for (raw, what) in [
        (&b"GET /hello.txt HTTP/1.0\r\n\r\n"[..], "HTTP/1.0 without keep-alive"),
        (
            b"GET /hello.txt HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
            "HTTP/1.1 with Connection: close",
        ),
    ] {
        steps.step(&format!("{what}: the answer, then the server closes"));
        let mut s = connect(&server);
        let _ = s.write_all(raw);
        let (got, closed) = read_to_close(&mut s, Duration::from_secs(3));
        let text = String::from_utf8_lossy(&got).into_owned();
        steps.expect(
            text.starts_with("HTTP/1.1 200") && text.ends_with("\r\n\r\nhello, world\n") && closed,
            what,
            &format!("{text:?}, closed: {closed}"),
            "200 with hello, world, then EOF",
            "HTTP/1.0 closes by default, HTTP/1.1 when asked (`Connection: close`): close once the \
             answer is written (Ctx::close waits for the output)",
        );
    }
    still_standing(&mut steps, &mut server);
}

#[test]
fn lab14_traversal_corpus() {
    let mut steps = Steps::new("lab14_traversal_corpus");
    let site = site();
    let mut server = serve(&site, "epoll", &[]);
    let name = &site.secret_name;
    let paths = [
        format!("/../{name}"),
        format!("/%2e%2e/{name}"),
        format!("/%2E%2E%2f{name}"),
        format!("/sub/../../{name}"),
        format!("/..%5c{name}"),
        "/link".to_string(),
        "/etc/passwd".to_string(),
        "/../../../../../../etc/passwd".to_string(),
    ];
    for path in &paths {
        steps.step(&format!("curl --path-as-is {path}"));
        let (code, _, body, _) = curl(&["--path-as-is", &format!("http://{}{path}", server.addr)]);
        let body = String::from_utf8_lossy(&body).into_owned();
        steps.expect(
            code == 404 && !body.contains("TOP SECRET") && !body.contains("root:"),
            &format!("GET {path}"),
            &format!("{code} {body:?}"),
            "404, and nothing from outside the root",
            "decode %XX first, then refuse any `..` segment; resolve the file's real path \
             (canonicalize: symbolic links followed) and serve it only if it is under the root",
        );
    }
    for raw in [
        format!("GET /..\\{name} HTTP/1.1\r\nHost: t\r\n\r\n"),
        "GET /hello.txt%00.html HTTP/1.1\r\nHost: t\r\n\r\n".to_string(),
        format!("GET http://evil/../{name} HTTP/1.1\r\nHost: t\r\n\r\n"),
    ] {
        steps.step(&format!("raw {raw:?}"));
        let mut s = connect(&server);
        let _ = s.write_all(raw.as_bytes());
        let got = read_reply(&mut s, false);
        let ok = matches!(&got, Ok((404, _, b)) if !String::from_utf8_lossy(b).contains("TOP SECRET"));
        steps.expect(
            ok,
            &format!("{raw:?}"),
            &format!("{got:?}"),
            "404",
            "a target that is not a clean path under the root names no file of the site",
        );
    }
    steps.step("GET /hello.txt?../../x: the query string is not part of the path");
    let (code, _, body, _) = curl(&[&format!("http://{}/hello.txt?../../x", server.addr)]);
    steps.expect(
        code == 200 && body == b"hello, world\n",
        "GET /hello.txt?../../x",
        &format!("{code} {:?}", String::from_utf8_lossy(&body)),
        "200 hello, world",
        "the path ends at `?`: what follows is the query, ignored by a file server",
    );
    still_standing(&mut steps, &mut server);
}

#[test]
fn lab14_oversized_head_refused() {
    let mut steps = Steps::new("lab14_oversized_head_refused");
    let site = site();
    let mut server = serve(&site, "epoll", &[]);
    steps.step("a request line then 32 KiB of header lines, never ending the head");
    let mut s = connect(&server);
    let mut raw = b"GET /hello.txt HTTP/1.1\r\n".to_vec();
    while raw.len() < 32 * 1024 {
        raw.extend_from_slice(b"X-Filler: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n");
    }
    let _ = s.write_all(&raw);
    let (got, closed) = read_to_close(&mut s, Duration::from_secs(3));
    let text = String::from_utf8_lossy(&got).into_owned();
    steps.expect(
        text.starts_with("HTTP/1.1 431") && closed,
        "32 KiB of head without its empty line",
        &format!("{text:?}, closed: {closed}"),
        "HTTP/1.1 431 …, then the server closes",
        "a head is bounded (8 KiB in the statement): past it, answer 431 and close, rather than \
         buffering whatever the peer sends",
    );
    steps.step("meanwhile another client is served");
    let (code, _, body, _) = curl(&[&format!("http://{}/hello.txt", server.addr)]);
    steps.expect(
        code == 200 && body == b"hello, world\n",
        "GET /hello.txt",
        &format!("{code}"),
        "200 hello, world",
        "one hostile client must not stop the server",
    );
    still_standing(&mut steps, &mut server);
}

#[test]
fn lab14_slow_head_cut_off() {
    let mut steps = Steps::new("lab14_slow_head_cut_off");
    let site = site();
    let mut server = serve(&site, "epoll", &["--header-timeout", "1"]);
    steps.step("--header-timeout 1: a head sent one byte every 150 ms (it would take 6 s)");
    let mut slow = connect(&server);
    let addr = server.addr.clone();
    let started = Instant::now();
    let trickle = thread::spawn(move || {
        let raw = b"GET /hello.txt HTTP/1.1\r\nHost: t\r\nX-Slow: aaaaaaaaaaaaaa\r\n\r\n";
        for b in raw.iter() {
            if slow.write_all(&[*b]).is_err() {
                break;
            }
            thread::sleep(Duration::from_millis(150));
        }
        let (got, closed) = read_to_close(&mut slow, Duration::from_secs(1));
        (got, closed, started.elapsed())
    });
    steps.step("meanwhile, another client gets /hello.txt at once");
    thread::sleep(Duration::from_millis(300));
    let asked = Instant::now();
    let mut other = TcpStream::connect(&addr).expect("connect");
    other.set_read_timeout(Some(Duration::from_secs(2))).expect("timeout");
    let _ = other.write_all(b"GET /hello.txt HTTP/1.1\r\nHost: t\r\n\r\n");
    let got = read_reply(&mut other, false);
    let waited = asked.elapsed();
    steps.expect(
        matches!(&got, Ok((200, _, b)) if b == b"hello, world\n") && waited < Duration::from_secs(1),
        "GET /hello.txt while the slow head trickles",
        &format!("{got:?} after {waited:?}"),
        "200 hello, world within a second",
        "the reactor never waits for one client: a partial head is kept, and the others are served",
    );
    let (got, _, elapsed) = trickle.join().expect("trickle thread");
    let text = String::from_utf8_lossy(&got).into_owned();
    steps.step("the slow client was cut off near the timeout");
    steps.expect(
        !text.contains("hello, world") && elapsed < Duration::from_secs(4),
        "one byte every 150 ms",
        &format!("{text:?} after {elapsed:?}"),
        "cut off (408 or closed) after about 1 s, never served",
        "the head timer starts with the head's first byte and is not restarted by each byte that \
         trickles in (slowloris): when it fires, answer 408 and close",
    );
    steps.step("a connection that sends nothing is closed too");
    let mut silent = connect(&server);
    let (_, closed) = read_to_close(&mut silent, Duration::from_secs(3));
    steps.expect(
        closed,
        "(nothing)",
        &format!("closed within 3 s: {closed}"),
        "closed after about 1 s",
        "a silent connection holds a descriptor: the same timer closes it",
    );
    still_standing(&mut steps, &mut server);
}

#[test]
fn lab14_wrk_without_errors() {
    let mut steps = Steps::new("lab14_wrk_without_errors");
    let site = site();
    let mut server = serve(&site, "epoll", &[]);
    steps.step("wrk -t2 -c16 -d2s http://ADDR/hello.txt");
    let wrk = Command::new("wrk")
        .args([
            "-t2",
            "-c16",
            "-d2s",
            "--timeout",
            "2s",
            &format!("http://{}/hello.txt", server.addr),
        ])
        .output();
    let out = match wrk {
        Ok(o) => String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr),
        Err(e) => format!("cannot run wrk: {e} (make deps installs it)"),
    };
    let requests: u64 = out
        .lines()
        .find_map(|l| l.trim().split_once(" requests in").and_then(|(n, _)| n.parse().ok()))
        .unwrap_or(0);
    let errors = out
        .lines()
        .filter(|l| l.contains("Socket errors") || l.contains("Non-2xx"))
        .collect::<Vec<_>>();
    steps.expect(
        requests >= 100 && errors.is_empty(),
        "2 s of wrk, 16 connections",
        &format!("{requests} requests; error lines {errors:?}\n{out}"),
        "at least 100 requests, no socket error, no non-2xx answer",
        "keep-alive under load: every response framed by its Content-Length, no connection \
         closed or reset while wrk still uses it",
    );
    still_standing(&mut steps, &mut server);
}
