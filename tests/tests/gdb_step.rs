//! `step` (not `next`) through one echo read in gdb stays on the lesson's path: from
//! `read_ready` to the echo handler's `on_data`, every function entered is one the reading
//! order teaches — not the flight recorder, not the bug switch, not stats, not mio's or the
//! standard library's internals (`scripts/gdb/reactor.gdb`'s skip list). On select, poll and
//! epoll. Needs gdb (`make deps` installs it).

use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use tests::{bin, gdb_quit, output_lines, read_line, type_line, write_all};

/// Generous bound for one gdb step: only a hang reaches it.
const LIMIT: Duration = Duration::from_secs(60);

/// The functions one echo read may enter, by name without generic arguments: the loop's
/// read path, the connection record, the handler contract, the echo protocol.
const LESSON: &[&str] = &[
    "reactor::reactor::Reactor::read_ready",
    "reactor::reactor::read_until::ReadUntil::for_stream",
    "reactor::reactor::read_until::ReadUntil::done_after",
    "reactor::conn::Conn::can_read",
    // `Read for Stream` and `Read for &Stream` (gdb names impls by number).
    "reactor::net::stream::{impl#0}::read",
    "reactor::net::stream::{impl#1}::read",
    "reactor::net::stream::{impl#2}::read",
    "reactor::net::stream::{impl#3}::read",
    "reactor::net::stream::{impl#4}::read",
    "reactor::net::stream::{impl#5}::read",
    "reactor::reactor::Reactor::deliver",
    "reactor::ctx::Ctx::new",
    "servers::reactive::echo::{impl#0}::on_data",
    "servers::reactive::echo::{impl#1}::on_data",
    "servers::reactive::echo::{impl#2}::on_data",
];

fn root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}

/// Lines up to the one containing `needle`; fails after `LIMIT`.
fn until(rx: &mpsc::Receiver<String>, seen: &mut Vec<String>, needle: &str, model: &str) -> String {
    let deadline = Instant::now() + LIMIT;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) => {
                seen.push(line.clone());
                if line.contains(needle) {
                    return line;
                }
            }
            Err(_) => panic!("{model}: gdb never printed {needle:?}; so far:\n{}", seen.join("\n")),
        }
    }
}

/// The functions `step-trail` entered from `read_ready` to `on_data` for one echoed line.
fn trail(model: &str) -> Vec<String> {
    let mut gdb = Command::new("gdb")
        .args(["-q", "-nx", "-x"])
        .arg(root().join("scripts/gdb/reactor.gdb"))
        .arg("--args")
        .arg(bin("echo-server"))
        .args(["--model", model, "--listen", "127.0.0.1:0"])
        .current_dir(root())
        .env("RUST_LOG", "info")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("spawn gdb: {e}"));
    let mut stdin = gdb.stdin.take().expect("stdin");
    let rx = output_lines(&mut gdb);
    let mut seen = Vec::new();
    type_line(&mut stdin, "delete");
    type_line(
        &mut stdin,
        "break-matching ^reactor::reactor::Reactor<.*>::read_ready<.*>$",
    );
    type_line(&mut stdin, "run");
    let line = until(&rx, &mut seen, "listening on 127.0.0.1:", model);
    let addr = line.trim().trim_start_matches("listening on ").to_string();
    let mut client = TcpStream::connect(&addr).unwrap_or_else(|e| panic!("{model}: connect {addr}: {e}"));
    client.set_read_timeout(Some(LIMIT)).expect("timeout");
    write_all(&mut client, b"hello\n");
    until(&rx, &mut seen, "::read_ready", model);
    type_line(&mut stdin, "step-trail");
    let line = until(&rx, &mut seen, "(end of trail)", model);
    // On to the start of the next turn (the echo is written by then), stopped: gdb then
    // takes `kill`.
    type_line(&mut stdin, "delete");
    type_line(
        &mut stdin,
        "break-matching ^reactor::reactor::Reactor<.*>::turn_within<.*>$",
    );
    type_line(&mut stdin, "continue");
    until(&rx, &mut seen, "::turn_within", model);
    assert_eq!(read_line(&mut client), "hello", "{model}: the echo after stepping");
    gdb_quit(&mut gdb, stdin, LIMIT, model);
    let list = line
        .split("functions entered: ")
        .nth(1)
        .unwrap_or_default()
        .trim_end_matches(" (end of trail)");
    list.split(" -> ").map(str::to_string).collect()
}

#[test]
fn stepping_one_echo_read_enters_only_the_lessons_functions() {
    for model in ["select", "poll", "epoll"] {
        let entered = trail(model);
        println!("{model}: {}", entered.join(" -> "));
        assert_eq!(
            entered.first().map(String::as_str),
            Some("reactor::reactor::Reactor::read_ready"),
            "{model}: {entered:?}"
        );
        assert!(
            entered.last().is_some_and(|f| f.ends_with("::on_data")),
            "{model}: step never reached the handler's on_data: {entered:?}"
        );
        let off_path: Vec<&String> = entered.iter().filter(|f| !LESSON.contains(&f.as_str())).collect();
        assert!(
            off_path.is_empty(),
            "{model}: stepping from read_ready to on_data entered {off_path:?}, off the lesson's path \
             (all: {entered:?}); skip them in scripts/gdb/reactor.gdb or move them out of the path"
        );
    }
}
