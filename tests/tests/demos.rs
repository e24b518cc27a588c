//! Black-box tests of the teaching scripts: `scripts/demo.sh` (make demo-MODEL),
//! `scripts/strace-compare.sh` (make strace-compare) and the gdb command files behind
//! `make debug-MODEL`, run exactly as a student runs them, asserting on what they print.
//!
//! These need `strace` and `gdb` (`.ci/run` installs both); a missing tool fails the test
//! with a message saying what to install.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use tests::{
    bin, connect_tcp, output_lines, read_line, wait_output, write_all, TempDir, CONCURRENT_MODELS, REACTOR_MODELS,
};

/// Generous bound for one script run: only a hang reaches it.
const SCRIPT_LIMIT: Duration = Duration::from_secs(90);

/// The workspace root, where the scripts expect to run.
fn root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}

/// "debug" or "release": the target directory these tests (and the binaries) were built in.
fn profile() -> String {
    let dir = bin("echo-server").parent().map(PathBuf::from).unwrap_or_default();
    dir.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Fail clearly when a tool the scripts need is not installed.
fn require(tool: &str, package: &str) {
    let found = Command::new(tool)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        found,
        "{tool} is not installed: apt-get install {package} (.ci/run does)"
    );
}

/// Run `bash scripts/NAME ARGS` from the workspace root; returns (exit code, stdout, stderr).
fn run_script(name: &str, args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let child = Command::new("bash")
        .arg(root().join("scripts").join(name))
        .args(args)
        .current_dir(root())
        .env("REACTOR_LAB_PROFILE", profile())
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("spawn bash scripts/{name}: {e}"));
    let (status, out, err) = wait_output(child, SCRIPT_LIMIT);
    (status.code().unwrap_or(-1), out, err)
}

// ---- demo.sh -------------------------------------------------------------------------------

/// One line of the demo's transcript: "  +1.207s   B  got  "B1"".
#[derive(Debug)]
struct Event {
    micros: u64,
    client: char,
    what: String,
    text: String,
}

fn parse_transcript(out: &str) -> Vec<Event> {
    let mut events = Vec::new();
    for line in out.lines() {
        let mut words = line.split_whitespace();
        let (Some(time), Some(client), Some(what)) = (words.next(), words.next(), words.next()) else {
            continue;
        };
        let Some(seconds) = time.strip_prefix('+').and_then(|t| t.strip_suffix('s')) else {
            continue;
        };
        let Some((whole, millis)) = seconds.split_once('.') else {
            continue;
        };
        let (Ok(whole), Ok(millis)) = (whole.parse::<u64>(), millis.parse::<u64>()) else {
            continue;
        };
        let mut chars = client.chars();
        let (Some(client), None) = (chars.next(), chars.next()) else {
            continue;
        };
        if !"ABC".contains(client) {
            continue;
        }
        let text = words.collect::<Vec<_>>().join(" ").trim_matches('"').to_string();
        events.push(Event {
            micros: whole * 1_000_000 + millis * 1000,
            client,
            what: what.to_string(),
            text,
        });
    }
    events
}

/// Per client: the times of its answers, and when it half-closed (EOF).
struct Lane {
    got: Vec<(u64, String)>,
    sent: Vec<u64>,
    eof: u64,
    /// When tcp-client said "connected to": the first line is sent after it.
    connected: u64,
}

fn lanes(model: &str, out: &str) -> HashMap<char, Lane> {
    let mut lanes = HashMap::new();
    for event in parse_transcript(out) {
        let lane = lanes.entry(event.client).or_insert(Lane {
            got: Vec::new(),
            sent: Vec::new(),
            eof: u64::MAX,
            connected: u64::MAX,
        });
        match event.what.as_str() {
            "connected" => lane.connected = event.micros,
            "got" => lane.got.push((event.micros, event.text)),
            "sent" => lane.sent.push(event.micros),
            "EOF" => lane.eof = event.micros,
            _ => {}
        }
    }
    for name in ['A', 'B', 'C'] {
        let lane = lanes
            .get(&name)
            .unwrap_or_else(|| panic!("{model}: no lane for client {name} in:\n{out}"));
        let answers: Vec<&str> = lane.got.iter().map(|(_, text)| text.as_str()).collect();
        let expected: Vec<String> = (1..=3).map(|i| format!("{name}{i}")).collect();
        assert_eq!(answers, expected, "{model}: client {name}'s answers, in:\n{out}");
        assert_eq!(lane.sent.len(), 3, "{model}: client {name} sent 3 lines, in:\n{out}");
        assert!(
            lane.connected <= lane.sent[0],
            "{model}: client {name} is shown sending before it connected, in:\n{out}"
        );
    }
    lanes
}

fn run_demo(model: &str) -> String {
    let (code, out, err) = run_script("demo.sh", &[model], &[]);
    assert_eq!(code, 0, "demo.sh {model} failed:\nstdout:\n{out}\nstderr:\n{err}");
    for section in [
        "Transcript",
        "Inside the server",
        "What the server logged",
        "What this shows",
    ] {
        assert!(
            out.contains(section),
            "demo.sh {model}: no {section:?} section in:\n{out}"
        );
    }
    assert!(
        out.contains("exit status 0"),
        "demo.sh {model}: the server did not stop cleanly:\n{out}"
    );
    out
}

#[test]
fn demo_iterative_serves_one_client_after_the_other() {
    let model = "iterative";
    let out = run_demo(model);
    let lanes = lanes(model, &out);
    // Whoever is answered first is served to the end before the next gets anything.
    let mut order: Vec<(&char, &Lane)> = lanes.iter().collect();
    order.sort_by_key(|(_, lane)| lane.got[0].0);
    for pair in order.windows(2) {
        let ((first, done), (next, waiting)) = (pair[0], pair[1]);
        let last_answer = done.got[2].0;
        assert!(
            waiting.got[0].0 >= last_answer && waiting.got[0].0 >= done.eof,
            "{model}: {next} was answered before {first} left, in:\n{out}"
        );
        assert!(
            waiting.sent[0] < last_answer,
            "{model}: {next} should have sent its first line while {first} was served, in:\n{out}"
        );
    }
    assert!(
        out.contains("waiting in the listen backlog"),
        "{model}: the snapshot should show clients queued in the backlog:\n{out}"
    );
}

#[test]
fn demo_concurrent_models_answer_every_client_at_once() {
    for &model in CONCURRENT_MODELS {
        let out = run_demo(model);
        let lanes = lanes(model, &out);
        // Each client is answered while the others are still connected.
        for (name, lane) in &lanes {
            for (other, other_lane) in &lanes {
                assert!(
                    lane.got[0].0 < other_lane.eof,
                    "{model}: {name} got its first answer only after {other} left, in:\n{out}"
                );
            }
        }
        let inside = out
            .split("Inside the server")
            .nth(1)
            .and_then(|rest| rest.split("What the server logged").next())
            .unwrap_or_default();
        match model {
            "fork" => assert_eq!(
                inside.matches("child process ").count(),
                3,
                "{model}: one child process per client:\n{inside}"
            ),
            "thread" => {
                assert!(
                    inside.contains("4 thread(s)") && inside.contains("client-3"),
                    "{model}: the main thread and one per client:\n{inside}"
                );
                assert_eq!(
                    inside.matches("connection to A").count(),
                    1,
                    "{model}: one fd table, each client socket once:\n{inside}"
                );
            }
            _ => {
                assert!(
                    inside.contains("1 thread(s)") && inside.contains("child processes: none"),
                    "{model}: one thread, no child:\n{inside}"
                );
                assert!(
                    out.contains(&format!(": {model} fds=5 ")),
                    "{model}: a turn with the 3 clients, listener and signal pipe watched:\n{out}"
                );
            }
        }
        for name in ['A', 'B', 'C'] {
            assert!(
                inside.contains(&format!("connection to {name}")),
                "{model}: the snapshot should name {name}'s socket:\n{inside}"
            );
        }
    }
}

#[test]
fn demo_rejects_an_unknown_model() {
    let (code, _out, err) = run_script("demo.sh", &["coroutines"], &[]);
    assert_eq!(code, 2, "demo.sh coroutines: {err}");
    assert!(err.contains("usage"), "demo.sh coroutines: {err}");
}

// ---- strace-compare.sh ---------------------------------------------------------------------

/// The models strace-compare puts side by side, in its column order.
const STRACE_MODELS: &[&str] = &["thread", "fork", "select", "poll", "epoll", "uring", "uring-completion"];

/// The table: row label -> one count per model column.
fn parse_table(out: &str) -> HashMap<String, Vec<u64>> {
    let mut rows = HashMap::new();
    let mut in_table = false;
    for line in out.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        if words.first() == Some(&"syscall") {
            assert_eq!(&words[1..], STRACE_MODELS, "strace-compare: table columns:\n{out}");
            in_table = true;
            continue;
        }
        if in_table {
            if words.len() < STRACE_MODELS.len() + 1 {
                break;
            }
            let (label, counts) = words.split_at(words.len() - STRACE_MODELS.len());
            let counts: Vec<u64> = counts.iter().filter_map(|c| c.parse().ok()).collect();
            if counts.len() == STRACE_MODELS.len() {
                rows.insert(label.join(" "), counts);
            }
        }
    }
    rows
}

/// The count of `row` for `model`; the row label may list several syscalls ("read/recvfrom").
fn count(rows: &HashMap<String, Vec<u64>>, row: &str, model: &str, out: &str) -> u64 {
    let column = STRACE_MODELS.iter().position(|m| *m == model).unwrap_or(0);
    let counts = rows
        .iter()
        .find(|(label, _)| label.split('/').any(|name| name == row))
        .map(|(_, counts)| counts)
        .unwrap_or_else(|| panic!("strace-compare: no {row} row in:\n{out}"));
    counts[column]
}

#[test]
fn strace_compare_shows_the_contrast() {
    require("strace", "strace");
    let traces = TempDir::new("traces");
    let dir = traces.path().to_string_lossy().into_owned();
    let (code, out, err) = run_script(
        "strace-compare.sh",
        &[],
        // No STRACE_CLIENT: the default must be the lock-step client, equal round trips.
        &[
            ("STRACE_CONNECTIONS", "4"),
            ("STRACE_ROUNDS", "10"),
            ("TRACE_DIR", &dir),
        ],
    );
    assert_eq!(code, 0, "strace-compare failed:\nstdout:\n{out}\nstderr:\n{err}");
    let rows = parse_table(&out);
    for &model in STRACE_MODELS {
        let served = count(&rows, "(round trips served)", model, &out);
        assert_eq!(served, 40, "{model}: 4 connections x 10 round trips:\n{out}");
        if model == "uring-completion" {
            continue; // its transfers are not system calls: see below
        }
        assert!(count(&rows, "accept4", model, &out) >= 4, "{model}: accept4:\n{out}");
        assert!(
            count(&rows, "recvfrom", model, &out) >= 40,
            "{model}: a read per message:\n{out}"
        );
        assert!(
            count(&rows, "sendto", model, &out) >= 40,
            "{model}: a write per message:\n{out}"
        );
        let trace = std::fs::read_to_string(traces.path().join(format!("{model}.trace")))
            .unwrap_or_else(|e| panic!("{model}: no full trace kept: {e}"));
        assert!(trace.contains("accept4("), "{model}: the full trace shows accept4");
        assert!(
            traces.path().join(format!("{model}.summary")).exists(),
            "{model}: no summary kept"
        );
    }
    // fork: a process per client, reaped; thread: a thread per client.
    assert!(
        count(&rows, "clone", "fork", &out) >= 4,
        "fork: clone per client:\n{out}"
    );
    assert!(count(&rows, "wait4", "fork", &out) > 0, "fork: waitpid:\n{out}");
    assert!(
        count(&rows, "clone3", "thread", &out) >= 4,
        "thread: clone3 per client:\n{out}"
    );
    // The reactors: one thread, no clone, each with its own wait.
    for &model in REACTOR_MODELS {
        assert_eq!(count(&rows, "clone", model, &out), 0, "{model}: no clone:\n{out}");
        assert_eq!(count(&rows, "clone3", model, &out), 0, "{model}: no clone3:\n{out}");
        assert_eq!(count(&rows, "wait4", model, &out), 0, "{model}: no children:\n{out}");
    }
    assert!(
        count(&rows, "pselect6", "select", &out) > 0,
        "select waits in pselect6:\n{out}"
    );
    assert_eq!(
        count(&rows, "pselect6", "epoll", &out),
        0,
        "epoll never selects:\n{out}"
    );
    assert!(count(&rows, "poll", "poll", &out) > 1, "poll waits in poll:\n{out}");
    assert!(
        out.contains("at start-up Rust's runtime polls fds") && out.contains("FIONBIO"),
        "the poll and ioctl rows are explained:\n{out}"
    );
    assert!(
        count(&rows, "epoll_wait", "epoll", &out) > 0,
        "epoll waits in epoll_wait:\n{out}"
    );
    assert!(
        count(&rows, "epoll_ctl", "epoll", &out) >= 4,
        "epoll registers each client:\n{out}"
    );
    for &model in &["thread", "fork", "select", "poll", "uring", "uring-completion"] {
        assert_eq!(count(&rows, "epoll_wait", model, &out), 0, "{model}: no epoll:\n{out}");
    }
    // io_uring: readiness waits in io_uring_enter; completion moves the transfers into the
    // ring, where strace cannot see them.
    for &model in &["uring", "uring-completion"] {
        assert!(
            count(&rows, "io_uring_enter", model, &out) > 0,
            "{model}: waits in io_uring_enter:\n{out}"
        );
    }
    assert!(
        count(&rows, "recvfrom", "uring", &out) >= 40,
        "uring reads with recvfrom:\n{out}"
    );
    // Its few reads and writes are the signal pipe and the log lines, not the 40 messages.
    assert_eq!(
        count(&rows, "accept4", "uring-completion", &out),
        0,
        "uring-completion: accept is an operation in the ring:\n{out}"
    );
    for row in ["recvfrom", "sendto"] {
        assert!(
            count(&rows, row, "uring-completion", &out) < 40,
            "uring-completion: receives and sends are operations in the ring, not {row}:\n{out}"
        );
    }
    assert_eq!(
        count(&rows, "clone3", "uring-completion", &out),
        0,
        "uring-completion: one thread:\n{out}"
    );
}

// ---- the gdb command files -----------------------------------------------------------------

/// rust-gdb when rustup provides it (nicer Rust values), else gdb.
fn gdb() -> &'static str {
    let rust_gdb = Command::new("rust-gdb")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if rust_gdb {
        "rust-gdb"
    } else {
        "gdb"
    }
}

/// Wait for a line containing `needle`, keeping every line seen in `seen`.
fn wait_for(rx: &mpsc::Receiver<String>, seen: &mut Vec<String>, needle: &str, model: &str) -> String {
    let deadline = Instant::now() + SCRIPT_LIMIT;
    loop {
        if let Some(line) = seen.iter().find(|l| l.contains(needle)) {
            return line.clone();
        }
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) => seen.push(line),
            Err(_) => panic!("{model}: gdb never printed {needle:?}; output:\n{}", seen.join("\n")),
        }
    }
}

#[test]
fn gdb_command_files_stop_at_turn_and_dispatch() {
    require("gdb", "gdb");
    for &model in REACTOR_MODELS {
        let gdb_dir = root().join("scripts").join("gdb");
        let mut child = Command::new(gdb())
            .args(["-q", "-batch", "-nx", "-x"])
            .arg(gdb_dir.join("reactor.gdb"))
            .arg("-x")
            .arg(gdb_dir.join("one-turn.gdb"))
            .arg("--args")
            .arg(bin("echo-server"))
            .args(["--model", model, "--listen", "127.0.0.1:0"])
            .current_dir(root())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("{model}: spawn gdb: {e}"));
        let rx = output_lines(&mut child);
        let mut seen = Vec::new();
        let listening = wait_for(&rx, &mut seen, "listening on ", model);
        let addr = listening.trim().trim_start_matches("listening on ").to_string();
        wait_for(&rx, &mut seen, "Breakpoint 1, reactor::reactor::Reactor<", model);
        let mut client = connect_tcp(&addr);
        wait_for(&rx, &mut seen, "token: Token(listener 0)", model);
        write_all(&mut client, b"hello gdb\n");
        wait_for(&rx, &mut seen, "10 bytes: b'hello gdb\\n'", model);
        // The scripted tour continues to the next turn: the echo has been written by then.
        assert_eq!(read_line(&mut client), "hello gdb", "{model}: the echo under gdb");
        wait_for(&rx, &mut seen, "[Inferior 1 (process", model);
        let _ = child.kill();
        let _ = child.wait();
        let transcript = seen.join("\n");
        for needle in ["::turn<", "::dispatch<", "read_ready", "on_data", "accepted: 1"] {
            assert!(
                transcript.contains(needle),
                "{model}: no {needle:?} in gdb's output:\n{transcript}"
            );
        }
        assert!(
            !transcript.contains("Error in sourced command file"),
            "{model}: a gdb command failed:\n{transcript}"
        );
    }
}
