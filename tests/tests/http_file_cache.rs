//! `http-server --file-cache`: small files are served from memory, and never stale. Every
//! request checks the file with one `fstatat(2)`, so a file rewritten in place (same size,
//! mtime put back), replaced, or swapped for a link out of the root is seen at once, on
//! every model. Under `strace`, the second request for a file opens nothing.

#[path = "http_common.rs"]
mod common;

use common::{dir_outside, for_each_model, read_reply, site, start, Reply};
use std::io::Write;
use std::net::TcpStream;
use std::process::{Command, Stdio};
use tests::{write_all, ALL_MODELS};

fn get(c: &mut TcpStream, path: &str) -> Reply {
    write_all(c, format!("GET {path} HTTP/1.1\r\nHost: t\r\n\r\n").as_bytes());
    read_reply(c, false)
}

#[test]
fn a_cached_file_is_never_served_stale_on_every_model() {
    for_each_model(ALL_MODELS, |model| {
        let dir = site();
        let root = dir.path();
        let page = root.join("page.txt");
        std::fs::write(&page, "version one\n").expect("write");
        let server = start(model, root, &[]);
        let mut c = server.connect();
        for _ in 0..3 {
            assert_eq!(get(&mut c, "/page.txt").body, b"version one\n", "{model}");
        }
        // Same size, and the mtime put back: only the ctime tells the cache.
        let mtime = std::fs::metadata(&page).and_then(|m| m.modified()).expect("mtime");
        let mut f = std::fs::OpenOptions::new().write(true).open(&page).expect("open");
        f.write_all(b"VERSION TWO\n").expect("rewrite");
        f.set_modified(mtime).expect("set mtime back");
        drop(f);
        assert_eq!(
            get(&mut c, "/page.txt").body,
            b"VERSION TWO\n",
            "{model}: rewritten in place"
        );
        // Replaced by rename (a new inode), as editors and deploy scripts do.
        std::fs::write(root.join("next.tmp"), "three\n").expect("write");
        std::fs::rename(root.join("next.tmp"), &page).expect("mv");
        assert_eq!(get(&mut c, "/page.txt").body, b"three\n", "{model}: replaced");
        // Swapped for a link that leads out of the root: 404, as for any such link.
        std::fs::remove_file(&page).expect("rm");
        std::os::unix::fs::symlink(dir_outside(root), &page).expect("symlink out");
        let reply = get(&mut c, "/page.txt");
        assert_eq!(reply.status, 404, "{model}: a link out of the root");
        assert!(!reply.body.starts_with(b"TOP SECRET"), "{model}");
        // Gone: 404.
        std::fs::remove_file(&page).expect("rm link");
        assert_eq!(get(&mut c, "/page.txt").status, 404, "{model}: removed");
    });
}

#[test]
fn ranges_and_conditional_requests_are_answered_from_the_cache() {
    let dir = site();
    let server = start("epoll", dir.path(), &[]);
    let mut c = server.connect();
    let full = get(&mut c, "/hello.txt");
    assert_eq!(full.body, b"hello, world\n");
    let last_modified = full.field("Last-Modified").expect("Last-Modified");
    write_all(
        &mut c,
        b"GET /hello.txt HTTP/1.1\r\nHost: t\r\nRange: bytes=7-11\r\n\r\n",
    );
    let part = read_reply(&mut c, false);
    assert_eq!((part.status, part.body.as_slice()), (206, &b"world"[..]));
    assert_eq!(part.field("Content-Range").as_deref(), Some("bytes 7-11/13"));
    let req = format!("GET /hello.txt HTTP/1.1\r\nHost: t\r\nIf-Modified-Since: {last_modified}\r\n\r\n");
    write_all(&mut c, req.as_bytes());
    assert_eq!(read_reply(&mut c, true).status, 304);
    write_all(&mut c, b"HEAD /hello.txt HTTP/1.1\r\nHost: t\r\n\r\n");
    let head = read_reply(&mut c, true);
    assert_eq!(
        (head.status, head.field("Content-Length").as_deref()),
        (200, Some("13"))
    );
}

/// The system calls the server makes for `count` requests of the same small file.
fn file_syscalls(extra: &[&str], count: usize) -> String {
    let dir = site();
    let written = std::time::Instant::now();
    let server = start("epoll", dir.path(), extra);
    let out = dir.path().join("strace.out");
    let mut strace = Command::new("strace")
        .args([
            "-f",
            "-qq",
            "-e",
            "trace=openat,openat2,newfstatat,statx,pread64,close",
            "-o",
        ])
        .arg(&out)
        .args(["-p", &server.pid().to_string()])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("strace (installed by make deps)");
    std::thread::sleep(std::time::Duration::from_millis(500)); // attached
                                                               // The cache keeps a file only once its last change is 2 s old (`site.rs`, RACY_WINDOW).
    std::thread::sleep(std::time::Duration::from_millis(2100).saturating_sub(written.elapsed()));
    let mut c = server.connect();
    for _ in 0..count {
        assert_eq!(get(&mut c, "/hello.txt").status, 200);
    }
    std::thread::sleep(std::time::Duration::from_millis(200));
    let _ = nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(strace.id() as i32),
        nix::sys::signal::Signal::SIGINT,
    );
    let _ = strace.wait();
    std::fs::read_to_string(&out).expect("strace output")
}

#[test]
fn with_the_cache_one_fstatat_per_request_and_no_open() {
    let traced = file_syscalls(&[], 5);
    let opens = traced.matches("openat2(").count();
    let stats = traced.matches("newfstatat(").count();
    assert_eq!(opens, 1, "only the first request opens the file:\n{traced}");
    assert!(stats >= 4, "each later request checks the file with fstatat:\n{traced}");
    assert_eq!(
        traced.matches("pread64(").count(),
        1,
        "the file is read once:\n{traced}"
    );
    let uncached = file_syscalls(&["--file-cache", "0"], 5);
    assert_eq!(
        uncached.matches("openat2(").count(),
        5,
        "--file-cache 0 opens every time:\n{uncached}"
    );
}
