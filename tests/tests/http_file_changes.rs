//! Files that change while `http-server` serves them (issue 24, defects 1 and 3), on every
//! model, with the small-file cache and without.
//!
//! - Rewritten in place, slowly, same size: Linux stamps the file's new mtime and ctime
//!   before the data lands (a `write(2)` stamps, then copies; a store through a shared
//!   mapping stamps at its first fault, then the bytes change with no further stamp), so a
//!   read racing the writer pairs new stamps with old bytes. Once the writer is done, no
//!   response may carry the old bytes (the cache used to keep them, with the new stamps,
//!   until the file changed again).
//! - Truncated and rewritten under load: a request is answered with what the file holds, and
//!   a response cut short by a shrinking file ends with a close — never a `500`.

#[path = "http_common.rs"]
mod common;

use common::{for_each_model, start};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};
use tests::{TempDir, ALL_MODELS};

/// The cache trusts a file only once its last change is this old (`site.rs`, RACY_WINDOW).
const RACY_WINDOW: Duration = Duration::from_secs(2);

/// One response as read off the socket, however it ended.
struct Answer {
    status: u16,
    /// `Content-Length` as promised.
    promised: usize,
    body: Vec<u8>,
}

/// GET `path` on `stream`; `None` if the connection ended before a whole head arrived.
fn get(stream: &mut TcpStream, path: &str) -> Option<Answer> {
    let request = format!("GET {path} HTTP/1.1\r\nHost: t\r\n\r\n");
    stream.write_all(request.as_bytes()).ok()?;
    let mut got = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    let head_end = loop {
        if let Some(at) = got.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return None,
            Ok(n) => got.extend_from_slice(&buf[..n]),
        }
    };
    let head = String::from_utf8_lossy(&got[..head_end]).to_string();
    let status = head.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    let promised = head
        .lines()
        .find_map(|l| l.strip_prefix("Content-Length: "))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0);
    let mut body = got[head_end..].to_vec();
    while body.len() < promised {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break, // cut short: the server closed
            Ok(n) => body.extend_from_slice(&buf[..n]),
        }
    }
    Some(Answer { status, promised, body })
}

fn connect(server: &tests::Server) -> TcpStream {
    let stream = server.connect();
    stream.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    stream
}

/// Overwrite `path` in place with `byte` repeated, `chunk` bytes per `write(2)`, pausing
/// between writes: the file's size never changes, its stamps change with the first write.
fn rewrite_slowly(path: &Path, byte: u8, size: usize, chunk: usize, pause: Duration) {
    let file = std::fs::OpenOptions::new().write(true).open(path).expect("open");
    let data = vec![byte; chunk];
    for at in (0..size).step_by(chunk) {
        file.write_all_at(&data, at as u64).expect("write");
        thread::sleep(pause);
    }
}

/// The same, through a shared mapping, one byte at a time: only the first store stamps
/// the file (its write fault); the other 4095 change it silently.
fn rewrite_mapped_slowly(path: &Path, byte: u8, size: usize, pause: Duration) {
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .expect("open");
    // SAFETY: a fresh shared mapping of `size` bytes of a file at least that long, written
    // only by this function and unmapped before it returns.
    unsafe {
        let map = libc::mmap(
            std::ptr::null_mut(),
            size,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_SHARED,
            std::os::fd::AsRawFd::as_raw_fd(&file),
            0,
        );
        assert_ne!(map, libc::MAP_FAILED, "mmap");
        let bytes = map.cast::<u8>();
        for at in 0..size {
            bytes.add(at).write_volatile(byte);
            if at % 256 == 255 {
                thread::sleep(pause);
            }
        }
        libc::munmap(map, size);
    }
}

#[test]
fn a_file_rewritten_slowly_in_place_is_never_served_stale_once_written() {
    const SIZE: usize = 4096;
    for_each_model(ALL_MODELS, |model| {
        let dir = TempDir::new("stale");
        let page = dir.path().join("page.txt");
        std::fs::write(&page, vec![b'a'; SIZE]).expect("write");
        let server = start(model, dir.path(), &[]);
        // Warm: old enough to be cached, and asked for.
        thread::sleep(RACY_WINDOW + Duration::from_millis(200));
        let mut warm = connect(&server);
        for _ in 0..3 {
            let answer = get(&mut warm, "/page.txt").expect("an answer");
            assert_eq!(answer.body, vec![b'a'; SIZE], "[{model}] warm");
        }
        drop(warm); // iterative serves one client at a time
        let mut stale = 0;
        for round in 0..12u8 {
            let byte = b'b' + round;
            // A client asking flat out while the writer works: some of its reads race it.
            let writing = Arc::new(AtomicBool::new(true));
            let reader = {
                let writing = Arc::clone(&writing);
                let mut c = connect(&server);
                thread::spawn(move || {
                    while writing.load(Ordering::Relaxed) {
                        if get(&mut c, "/page.txt").is_none() {
                            break; // iterative: one client at a time; the next round retries
                        }
                    }
                })
            };
            if round % 2 == 0 {
                rewrite_slowly(&page, byte, SIZE, 512, Duration::from_micros(300));
            } else {
                rewrite_mapped_slowly(&page, byte, SIZE, Duration::from_millis(2));
            }
            writing.store(false, Ordering::Relaxed);
            let _ = reader.join();
            // The write is over: every answer from now on has the new bytes.
            let mut c = connect(&server);
            for _ in 0..5 {
                let answer = get(&mut c, "/page.txt").expect("an answer");
                if answer.body != vec![byte; SIZE] {
                    stale += 1;
                }
            }
        }
        assert_eq!(
            stale, 0,
            "[{model}] answers with old bytes after the rewrite had finished"
        );
    });
}

#[test]
fn a_file_truncated_and_rewritten_under_load_never_gives_a_500() {
    for cache in ["4194304", "0"] {
        for_each_model(ALL_MODELS, move |model| {
            let dir = TempDir::new("truncate");
            let small = dir.path().join("small.txt");
            let large = dir.path().join("large.bin");
            std::fs::write(&small, vec![b's'; 8 * 1024]).expect("write");
            std::fs::write(&large, vec![b'l'; 256 * 1024]).expect("write");
            let mut server = start(model, dir.path(), &["--file-cache", cache]);
            let running = Arc::new(AtomicBool::new(true));
            let writer = {
                let running = Arc::clone(&running);
                let (small, large) = (small.clone(), large.clone());
                thread::spawn(move || {
                    let (s, l) = (vec![b's'; 8 * 1024], vec![b'l'; 256 * 1024]);
                    while running.load(Ordering::Relaxed) {
                        // What `>` in a shell does: truncate, then write.
                        let _ = std::fs::write(&small, &s);
                        let _ = std::fs::write(&large, &l);
                        thread::sleep(Duration::from_micros(500));
                    }
                })
            };
            let (mut answers, mut cut_short, mut errors) = (0, 0, Vec::new());
            let until = Instant::now() + Duration::from_millis(1500);
            let mut c = connect(&server);
            let mut turn = 0usize;
            while Instant::now() < until {
                turn += 1;
                let path = if turn % 4 == 0 { "/large.bin" } else { "/small.txt" };
                let Some(answer) = get(&mut c, path) else {
                    c = connect(&server);
                    continue;
                };
                answers += 1;
                if answer.status != 200 {
                    errors.push(answer.status);
                    c = connect(&server);
                    continue;
                }
                let fill = if path == "/large.bin" { b'l' } else { b's' };
                assert!(
                    answer.body.iter().all(|&b| b == fill),
                    "[{model}] {path}: bytes that were never in the file"
                );
                if answer.body.len() < answer.promised {
                    cut_short += 1; // the server closed: the promised bytes no longer exist
                    c = connect(&server);
                }
            }
            running.store(false, Ordering::Relaxed);
            let _ = writer.join();
            assert!(answers > 50, "[{model}] only {answers} answers");
            // Each response cut short is logged once (not per write attempt), and only those.
            thread::sleep(Duration::from_millis(200));
            let logged = server.stderr_so_far().matches("shrank while being sent").count();
            assert!(
                logged <= cut_short && (cut_short == 0 || logged > 0),
                "[{model}] {cut_short} responses cut short, {logged} log lines"
            );
            assert!(
                errors.is_empty(),
                "[{model}, --file-cache {cache}] {} errors in {answers} answers ({cut_short} cut short): {errors:?}",
                errors.len()
            );
        });
    }
}
