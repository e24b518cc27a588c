//! Scrapes that hold the server's resources (issue 10, defects 2 and 3): many clients that
//! ask for a large exposition and never read it, and clients that trickle their request.
//! Memory stays bounded, extra scrapes get 503 + `Retry-After`, and a scrape past its
//! deadline is dropped, so scraping works again without any client's help. A client still
//! trickling its request holds no scrape slot: normal scrapes are answered meanwhile.

#[path = "metrics_common/mod.rs"]
mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::thread;
use std::time::{Duration, Instant};
use tests::{connect_tcp, read_line, rss_kib, write_all, Server, STEP};

const SCRAPE: &[u8] = b"GET /metrics HTTP/1.1\r\nHost: t\r\n\r\n";

fn start(model: &str, extra: &[&str]) -> (Server, String) {
    let mut args = vec!["--model", model, "--listen", "127.0.0.1:0", "--http", "127.0.0.1:0"];
    args.extend_from_slice(extra);
    let mut server = Server::start("metrics-server", &args);
    let line = server.wait_for_log("http on ");
    let http = line.split("http on ").nth(1).unwrap_or("").trim().to_string();
    (server, http)
}

/// 10,000 metrics with 200-byte docs: an exposition of about 3 MB.
fn fill_store(server: &Server) {
    let doc = "d".repeat(200);
    for batch in 0..10 {
        let mut stream = server.connect();
        let lines: String = (0..1000)
            .map(|i| format!("DESC metric_{batch}_{i} counter {doc}\n"))
            .collect();
        write_all(&mut stream, lines.as_bytes());
        for _ in 0..1000 {
            let reply = read_line(&mut stream);
            assert!(reply.starts_with("OK "), "DESC: {reply}");
        }
    }
}

/// Status and headers of one scrape's reply (the body is left unread).
fn status_of(stream: &mut TcpStream) -> (u16, String) {
    let status = read_line(stream);
    let mut head = status.clone();
    loop {
        let line = read_line(stream);
        if line.is_empty() {
            break;
        }
        head.push('\n');
        head.push_str(&line);
    }
    let code = status.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    (code, head)
}

/// One full scrape: (status, head, body).
fn scrape(http: &str) -> (u16, String, Vec<u8>) {
    let mut stream = connect_tcp(http);
    write_all(&mut stream, SCRAPE);
    let (code, head) = status_of(&mut stream);
    let mut body = Vec::new();
    let _ = stream.read_to_end(&mut body);
    (code, head, body)
}

/// Scrape until a 200 comes back (slots free up as the deadline drops stalled scrapers).
fn scrape_until_ok(http: &str, model: &str) -> Vec<u8> {
    let deadline = Instant::now() + STEP;
    loop {
        let (code, head, body) = scrape(http);
        match code {
            200 => return body,
            503 => assert!(
                head.contains("Retry-After: 1"),
                "[{model}] 503 without Retry-After: {head}"
            ),
            other => panic!("[{model}] scrape got {other}: {head}"),
        }
        assert!(Instant::now() < deadline, "[{model}] no successful scrape in {STEP:?}");
        thread::sleep(Duration::from_millis(200));
    }
}

/// Run `body(model)` for every model at once, one thread each; a failure names its model.
fn for_each_model(body: fn(&'static str)) {
    let handles: Vec<_> = common::MODELS
        .iter()
        .map(|&model| (model, thread::spawn(move || body(model))))
        .collect();
    let failed: Vec<&str> = handles
        .into_iter()
        .filter_map(|(model, h)| h.join().is_err().then_some(model))
        .collect();
    assert!(failed.is_empty(), "failed on models: {failed:?}");
}

#[test]
fn scrapers_that_never_read_cost_no_memory_and_are_dropped_at_the_deadline() {
    tests::raise_nofile(1024);
    for_each_model(|model| {
        let (server, http) = start(model, &["--scrape-deadline", "4"]);
        fill_store(&server);
        let full = scrape_until_ok(&http, model);
        assert!(full.len() > 2_500_000, "[{model}] exposition of {} bytes", full.len());
        let before = rss_kib(server.pid());
        // 60 scrapers that never read: before the fix, each one held its own 3 MB copy.
        let stalled: Vec<TcpStream> = (0..60)
            .map(|_| {
                let mut stream = connect_tcp(&http);
                write_all(&mut stream, SCRAPE);
                stream
            })
            .collect();
        // At once, well inside the deadline: the 16 slots are taken.
        let (code, head, _) = scrape(&http);
        assert_eq!(code, 503, "[{model}] past the scrape cap: {head}");
        assert!(head.contains("Retry-After: 1"), "[{model}] {head}");
        thread::sleep(Duration::from_millis(300));
        let during = rss_kib(server.pid());
        assert!(
            during < before + 24 * 1024,
            "[{model}] RSS went from {before} KiB to {during} KiB with 60 stalled scrapers"
        );
        // Nor in the kernel: socket send queues were ~2.5 MB per stalled scraper before.
        let queued = kernel_send_queues(&http);
        assert!(
            queued < 16 << 20,
            "[{model}] {queued} bytes queued in the kernel for 60 stalled scrapers"
        );
        // Past the 4 s deadline the stalled scrapes are dropped by the server itself.
        assert_eq!(scrape_until_ok(&http, model), full, "[{model}] the same exposition");
        drop(stalled);
    });
}

#[test]
fn scrapers_that_never_read_hold_a_slot_no_longer_than_the_deadline() {
    for_each_model(|model| {
        let deadline = 3;
        let (server, http) = start(model, &["--scrape-deadline", &deadline.to_string()]);
        fill_store(&server);
        scrape_until_ok(&http, model);
        // As many scrapers as slots (16), asking and never reading.
        let started = Instant::now();
        let stalled: Vec<TcpStream> = (0..16)
            .map(|_| {
                let mut stream = connect_tcp(&http);
                write_all(&mut stream, SCRAPE);
                stream
            })
            .collect();
        thread::sleep(Duration::from_millis(300));
        assert_eq!(scrape(&http).0, 503, "[{model}] the 16 slots are taken");
        // Two seconds past the deadline, every stalled scrape has been dropped. (On thread,
        // a write that timed out after a partial send was retried with a fresh timeout:
        // the slots were held two or three deadlines, and scrapes got 503 meanwhile.)
        thread::sleep((Duration::from_secs(deadline + 2)).saturating_sub(started.elapsed()));
        let (code, head, _) = scrape(&http);
        assert_eq!(
            code,
            200,
            "[{model}] a scrape {:?} after 16 non-readers began, deadline {deadline} s: {head}",
            started.elapsed()
        );
        drop(stalled);
    });
}

#[test]
fn scrapers_trickling_their_request_cannot_block_scraping() {
    for_each_model(|model| {
        let (_server, http) = start(model, &["--max-scrapes", "4", "--scrape-deadline", "3"]);
        // Twice as many tricklers as scrape slots: a head not yet complete takes no slot.
        let mut tricklers: Vec<TcpStream> = (0..8).map(|_| connect_tcp(&http)).collect();
        for stream in &mut tricklers {
            write_all(stream, b"G");
        }
        thread::sleep(Duration::from_millis(300));
        let (code, head, _) = scrape(&http);
        assert_eq!(
            code, 200,
            "[{model}] a scrape among clients still sending their heads: {head}"
        );
        // One byte every 300 ms: before the fix, each byte restarted a 5 s read timeout.
        let start = Instant::now();
        let mut open = tricklers.len();
        while open > 0 && start.elapsed() < Duration::from_secs(8) {
            thread::sleep(Duration::from_millis(300));
            open = tricklers
                .iter()
                .filter(|s| (&**s).write_all(b"E").is_ok() && !closed(s))
                .count();
        }
        assert_eq!(
            open,
            0,
            "[{model}] trickling scrapers still open after {:?}",
            start.elapsed()
        );
        scrape_until_ok(&http, model); // a 200 again
    });
}

/// Has the server closed this connection (EOF or reset, seen without blocking)?
fn closed(stream: &TcpStream) -> bool {
    stream.set_nonblocking(true).expect("nonblocking");
    let mut byte = [0u8; 1];
    let result = (&*stream).read(&mut byte);
    stream.set_nonblocking(false).expect("blocking");
    match result {
        Ok(0) => true,
        Ok(_) => false,
        Err(e) => e.kind() != std::io::ErrorKind::WouldBlock,
    }
}

/// Bytes waiting in the send queues of the server's sockets on the port of `addr`: the
/// `tx_queue` column of /proc/net/tcp, for connections whose local port is the server's.
fn kernel_send_queues(addr: &str) -> u64 {
    let port = addr
        .rsplit(':')
        .next()
        .and_then(|p| p.parse::<u16>().ok())
        .expect("port");
    let table = std::fs::read_to_string("/proc/net/tcp").expect("/proc/net/tcp");
    table
        .lines()
        .skip(1)
        .filter_map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let local_port = u16::from_str_radix(fields.get(1)?.rsplit(':').next()?, 16).ok()?;
            let tx = u64::from_str_radix(fields.get(4)?.split(':').next()?, 16).ok()?;
            (local_port == port).then_some(tx)
        })
        .sum()
}
