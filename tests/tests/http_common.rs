//! Helpers shared by the `http_*` test files (included with `#[path]`): a served directory,
//! a server per model, and a minimal response reader over a raw socket.
#![allow(dead_code)]

use std::io::Read;
use std::net::TcpStream;
use std::path::Path;
use tests::{read_line, read_n, Server, TempDir};

/// Two small files, a folder without index, and a sub-page.
pub fn site() -> TempDir {
    let dir = TempDir::new("http");
    let root = dir.path();
    std::fs::write(root.join("index.html"), "<h1>home</h1>\n").expect("write");
    std::fs::write(root.join("hello.txt"), "hello, world\n").expect("write");
    std::fs::create_dir_all(root.join("share")).expect("mkdir");
    std::fs::write(root.join("share/a <b>.txt"), "a").expect("write");
    std::fs::write(dir_outside(root), "TOP SECRET\n").expect("write");
    dir
}

/// A file next to (outside) the served root, for traversal attempts.
pub fn dir_outside(root: &Path) -> std::path::PathBuf {
    root.with_file_name(format!(
        "{}-secret.txt",
        root.file_name().and_then(|n| n.to_str()).unwrap_or("x")
    ))
}

/// `http-server --model MODEL --root ROOT --listen 127.0.0.1:0 EXTRA…`
pub fn start(model: &str, root: &Path, extra: &[&str]) -> Server {
    let root = root.to_str().expect("utf-8 path");
    let mut args = vec!["--model", model, "--root", root, "--listen", "127.0.0.1:0"];
    args.extend_from_slice(extra);
    Server::start("http-server", &args)
}

/// Run `body(model)` for every model at once, one thread each; a failure names its model.
pub fn for_each_model(models: &[&'static str], body: impl Fn(&'static str) + Send + Sync + Copy + 'static) {
    let handles: Vec<_> = models
        .iter()
        .map(|&model| (model, std::thread::spawn(move || body(model))))
        .collect();
    let failed: Vec<&str> = handles
        .into_iter()
        .filter_map(|(model, h)| h.join().is_err().then_some(model))
        .collect();
    assert!(failed.is_empty(), "failed on models: {failed:?}");
}

/// One response read off a raw socket.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub head: String,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn field(&self, name: &str) -> Option<String> {
        self.head.lines().find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
    }
}

/// Read one response (head line by line, then Content-Length bytes; none for HEAD/304).
pub fn read_reply(stream: &mut TcpStream, head_request: bool) -> Reply {
    let status_line = read_line(stream);
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("bad status line {status_line:?}"));
    let mut head = status_line.clone();
    loop {
        let line = read_line(stream);
        if line.is_empty() {
            break;
        }
        head.push('\n');
        head.push_str(&line);
    }
    let mut reply = Reply {
        status,
        head,
        body: Vec::new(),
    };
    let len: usize = reply.field("content-length").and_then(|l| l.parse().ok()).unwrap_or(0);
    if !head_request && status != 304 {
        reply.body = read_n(stream, len);
    }
    reply
}

/// Send `raw` on a new connection and read one response.
pub fn exchange(server: &Server, raw: &[u8]) -> (Reply, TcpStream) {
    let mut stream = server.connect();
    tests::write_all(&mut stream, raw);
    let reply = read_reply(&mut stream, raw.starts_with(b"HEAD"));
    (reply, stream)
}

/// Everything until the server closes.
pub fn read_to_close(stream: &mut TcpStream) -> Vec<u8> {
    let mut all = Vec::new();
    let _ = stream.read_to_end(&mut all);
    all
}

/// `curl -s ARGS` with a timeout; returns (exit code, stdout, stderr).
pub fn curl(args: &[&str]) -> (i32, Vec<u8>, String) {
    let out = std::process::Command::new("curl")
        .args(["-s", "--max-time", "20"])
        .args(args)
        .output()
        .expect("curl must be installed (.ci/run installs it)");
    (
        out.status.code().unwrap_or(-1),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
