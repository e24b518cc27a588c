//! The README's "One turn of the loop in gdb", typed exactly as written: the `(gdb)` lines
//! are read from README.md and fed, one by one, to `bash scripts/debug.sh MODEL` (what
//! `make debug-MODEL` runs), while a client connects and types a line where the README's
//! comments say so. Each line must print what the README promises, on every reactor model.
//!
//! The only thing added to the student's typing is an `echo @@N@@` after each command, so
//! the test knows when gdb has finished it. Needs gdb (`make deps` installs it).

use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use tests::{bin, gdb_quit, output_lines, read_line, type_line, write_all, REACTOR_MODELS};

/// Generous bound for one gdb step: only a hang reaches it.
const LIMIT: Duration = Duration::from_secs(60);

/// What each README command must print (the README's sequence must be exactly these commands).
const EXPECTED: &[(&str, &[&str])] = &[
    ("to-wait", &["Value returned is", "Ok(1)"]),
    ("events", &["Token(listener 0)", "readable: true"]),
    ("continue", &["Breakpoint 2, ", "::dispatch"]),
    ("continue", &["Breakpoint 1, ", "::turn_within"]),
    ("to-wait", &["Value returned is", "Ok(1)"]),
    ("events", &["token: Token(0)", "readable: true"]),
    ("to-handler", &["::on_data", "6 bytes: b'hello\\n'"]),
    (
        "conns",
        &[
            "1 connection(s)",
            "Token(0): fd ",
            "peer 127.0.0.1:",
            "interest READABLE, open",
        ],
    ),
    ("continue", &["Breakpoint 1, ", "::turn_within"]),
];

fn root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}

/// The `(gdb)` lines of the README's sequence: (command, its comment).
fn readme_sequence() -> Vec<(String, String)> {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("read README.md");
    let block = readme
        .split("<!-- gdb-sequence: begin -->")
        .nth(1)
        .and_then(|rest| rest.split("<!-- gdb-sequence: end -->").next())
        .expect("README.md has a <!-- gdb-sequence: begin/end --> block");
    block
        .lines()
        .filter_map(|line| line.strip_prefix("(gdb) "))
        .map(|line| {
            let (command, comment) = line.split_once('#').unwrap_or((line, ""));
            (command.trim().to_string(), comment.trim().to_string())
        })
        .collect()
}

/// gdb's output, line by line (stdout and stderr together).
struct Output {
    rx: mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Output {
    fn of(child: &mut Child) -> Output {
        let rx = output_lines(child);
        Output { rx, seen: Vec::new() }
    }

    /// Lines up to the one containing `needle` (which is consumed with them).
    fn until(&mut self, needle: &str, model: &str) -> Vec<String> {
        let deadline = Instant::now() + LIMIT;
        let mut lines = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    let done = line.contains(needle);
                    lines.push(line);
                    if done {
                        return lines;
                    }
                }
                Err(_) => panic!(
                    "{model}: gdb never printed {needle:?}; everything so far:\n{}",
                    self.seen.join("\n")
                ),
            }
        }
    }
}

#[test]
fn the_readme_gdb_sequence_works_as_written_on_every_reactor_model() {
    let sequence = readme_sequence();
    let commands: Vec<&str> = sequence.iter().map(|(c, _)| c.as_str()).collect();
    let expected: Vec<&str> = EXPECTED.iter().map(|(c, _)| *c).collect();
    assert_eq!(
        commands, expected,
        "the README's gdb sequence changed: update EXPECTED too"
    );
    for &model in REACTOR_MODELS {
        let mut gdb = Command::new("bash")
            .arg(root().join("scripts/debug.sh"))
            .arg(model)
            .current_dir(root())
            .env("REACTOR_LAB_PROFILE", profile())
            .env("RUST_LOG", "info")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("spawn scripts/debug.sh: {e}"));
        let mut stdin = gdb.stdin.take().expect("stdin");
        let mut out = Output::of(&mut gdb);
        // The server's own line (the banner above it mentions "listening on" too).
        let addr = loop {
            let line = out.until("listening on ", model).pop().unwrap_or_default();
            if let Some(addr) = line.strip_prefix("listening on ") {
                break addr.trim().to_string();
            }
        };
        out.until("Breakpoint 1, ", model);
        let mut client: Option<TcpStream> = None;
        for (n, ((command, comment), (_, needles))) in sequence.iter().zip(EXPECTED).enumerate() {
            type_line(&mut stdin, command);
            type_line(&mut stdin, &format!("echo @@{n}@@\\n"));
            // The README's comments say when the other terminal acts.
            if comment.contains("tcp-client 127.0.0.1 PORT") {
                client = Some(TcpStream::connect(&addr).unwrap_or_else(|e| panic!("{model}: connect {addr}: {e}")));
            }
            if comment.contains("type a line") {
                let client = client.as_mut().expect("the README connects before typing");
                write_all(client, b"hello\n");
            }
            let printed = out.until(&format!("@@{n}@@"), model).join("\n");
            for needle in *needles {
                assert!(
                    printed.contains(needle),
                    "{model}: `{command}` (README: {comment}) did not print {needle:?}:\n{printed}"
                );
            }
            assert!(
                !printed.contains("Error occurred in Python") && !printed.contains("No symbol"),
                "{model}: `{command}` failed:\n{printed}"
            );
        }
        // The last `continue` let the echo go out.
        let client = client.as_mut().expect("connected");
        client.set_read_timeout(Some(LIMIT)).expect("timeout");
        assert_eq!(read_line(client), "hello", "{model}: the echo under gdb");
        gdb_quit(&mut gdb, stdin, LIMIT, model);
    }
}

/// "debug" or "release": the target directory these tests (and the binaries) were built in.
fn profile() -> String {
    let dir = bin("echo-server").parent().map(PathBuf::from).unwrap_or_default();
    dir.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}
