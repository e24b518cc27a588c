//! What the docs show of strace is what strace shows. Two kinds of blocks, found by markers:
//!
//! - `<!-- strace-by-hand: select|epoll|sigterm -->` before a transcript in
//!   docs/walkthroughs.md: the walkthrough's hand-run command (the block marked
//!   `strace-by-hand: command`) is run as written — plus `-o FILE` and the test's own binary
//!   directory — a `tcp-client` sends `hello`, reads the echo and ends with EOF, the server gets
//!   SIGTERM; every line of the doc's transcript must appear in the trace, in order (`…` matches
//!   anything; numbers of four digits or more — ports, pids, addresses — match any number).
//! - `<!-- strace-compare: ENV -->` before a table (docs/walkthroughs.md, docs/uring.md):
//!   `scripts/strace-compare.sh` runs with that environment (debug build, python client) and
//!   its table must give the doc's figures on the rows that do not move from run to run:
//!   reads, EAGAINs, writes, `epoll_ctl`, `ioctl` and the accept row's name (accept4). Fork's
//!   reads and writes are left out: its signal pipe is read once per batch of SIGCHLDs.
//!
//! A failure names the doc's file and line, what the doc says and what the run gave.

use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use tests::{bin, child_pids, repo_root, Server, TempDir, STEP};

fn require_strace() {
    let found = Command::new("strace").arg("-V").stdout(Stdio::null()).status();
    assert!(
        found.is_ok_and(|s| s.success()),
        "strace is not installed (make deps installs it)"
    );
}

/// A fenced block that follows a marker: its marker argument, the doc line of its first
/// content line, and its lines.
struct Block {
    doc: &'static str,
    arg: String,
    first_line: usize,
    lines: Vec<String>,
}

/// Every block of `doc` introduced by `<!-- KIND: ARG -->`.
fn blocks(doc: &'static str, kind: &str) -> Vec<Block> {
    let text = std::fs::read_to_string(repo_root().join(doc)).unwrap_or_else(|e| panic!("read {doc}: {e}"));
    let lines: Vec<&str> = text.lines().collect();
    let marker = format!("<!-- {kind}: ");
    let mut found = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(arg) = line.trim().strip_prefix(&marker).and_then(|r| r.strip_suffix("-->")) else {
            continue;
        };
        let open = i + 1;
        assert!(
            lines.get(open).is_some_and(|l| l.starts_with("```")),
            "{doc}:{}: a fenced block must follow the marker",
            i + 1
        );
        let body: Vec<String> = lines[open + 1..]
            .iter()
            .take_while(|l| !l.starts_with("```"))
            .map(|l| l.to_string())
            .collect();
        found.push(Block {
            doc,
            arg: arg.trim().to_string(),
            first_line: open + 2,
            lines: body,
        });
    }
    found
}

/// Strip strace's "PID HH:MM:SS.micros " prefix, squeeze spaces, and make every number of
/// four digits or more `#` (ports, pids, token values, addresses' decimal forms).
fn normalize(line: &str) -> String {
    let mut rest = line.trim();
    for _ in 0..2 {
        let word = rest.split(' ').next().unwrap_or("");
        if !word.is_empty() && word.chars().all(|c| c.is_ascii_digit() || c == ':' || c == '.') {
            rest = rest[word.len()..].trim_start();
        }
    }
    let squeezed = rest.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out = String::new();
    let mut digits = String::new();
    for c in squeezed.chars().chain(std::iter::once('\0')) {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        if !digits.is_empty() {
            out.push_str(if digits.len() >= 4 { "#" } else { &digits });
            digits.clear();
        }
        if c != '\0' {
            out.push(c);
        }
    }
    out
}

/// Does `line` match `pattern`, where `…` in the pattern matches any text?
fn matches(pattern: &str, line: &str) -> bool {
    let parts: Vec<&str> = pattern.split('…').collect();
    let mut at = 0;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            if !line.starts_with(part) {
                return false;
            }
            at = part.len();
        } else if i == parts.len() - 1 && !part.is_empty() {
            return line.len() >= at + part.len() && line[at..].ends_with(part);
        } else if let Some(found) = line[at..].find(part) {
            at += found + part.len();
        } else {
            return false;
        }
    }
    parts.len() > 1 || at == line.len()
}

/// The walkthrough's hand-run command, as a list of arguments.
fn by_hand_command() -> Vec<String> {
    let block = blocks("docs/walkthroughs.md", "strace-by-hand")
        .into_iter()
        .find(|b| b.arg == "command")
        .expect("docs/walkthroughs.md has a <!-- strace-by-hand: command --> block");
    let command = block.lines.join(" ");
    command.split_whitespace().map(String::from).collect()
}

/// Run the hand-run command on `model` (as written, with `-o trace` and our binary), one
/// client that sends `hello`, reads the echo and closes, then SIGTERM. The trace's lines.
fn run_by_hand(model: &str) -> Vec<String> {
    let mut args = by_hand_command();
    assert_eq!(
        args.first().map(String::as_str),
        Some("strace"),
        "the command starts with strace"
    );
    let exe = args
        .iter()
        .position(|a| a.ends_with("/echo-server"))
        .expect("the command runs target/debug/echo-server");
    let model_at = args
        .iter()
        .position(|a| a == "--model")
        .expect("the command has --model")
        + 1;
    args[exe] = bin("echo-server").to_string_lossy().into_owned();
    args[model_at] = model.to_string();
    let dir = TempDir::new("doc-strace");
    let trace = dir.path().join("trace");
    let mut cmd = Command::new(&args[0]);
    cmd.arg("-o").arg(&trace).args(&args[1..exe]).args(&args[exe..]);
    let mut server = Server::start_with(&mut cmd);

    let mut client = Command::new(bin("tcp-client"))
        .args(["127.0.0.1", server.addr.rsplit(':').next().expect("port")])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn tcp-client");
    let mut stdin = client.stdin.take().expect("stdin");
    stdin.write_all(b"hello\n").expect("type a line");
    let mut echoed = String::new();
    let mut out = BufReader::new(client.stdout.take().expect("stdout"));
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = out.read_line(&mut echoed);
        let _ = tx.send(echoed);
    });
    let echoed = rx.recv_timeout(STEP).expect("tcp-client printed no echo in time");
    assert_eq!(echoed, "hello\n", "{model}: the echo");
    drop(stdin); // Ctrl-D
    let deadline = Instant::now() + STEP;
    while client.try_wait().expect("try_wait").is_none() {
        assert!(Instant::now() < deadline, "tcp-client did not exit after EOF");
        std::thread::sleep(Duration::from_millis(20));
    }
    // The server closes its side on EOF before the signal comes (the doc shows them in that
    // order): wait until it holds one socket again, the listener.
    let traced = child_pids(server.pid());
    let deadline = Instant::now() + STEP;
    while traced.iter().map(|&pid| sockets_of(pid)).sum::<usize>() > 1 {
        assert!(
            Instant::now() < deadline,
            "{model}: the server kept the client's socket after EOF"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    for pid in traced {
        let _ = kill(Pid::from_raw(pid), Signal::SIGTERM);
    }
    let status = server.wait_exit();
    assert!(status.success(), "{model}: strace/server exit {status:?}");
    std::fs::read_to_string(&trace)
        .expect("read the trace")
        .lines()
        .map(String::from)
        .collect()
}

/// How many sockets process `pid` holds (its `/proc/PID/fd` links to `socket:[…]`).
fn sockets_of(pid: i32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| std::fs::read_link(e.path()).is_ok_and(|l| l.to_string_lossy().starts_with("socket:")))
        .count()
}

/// Every line of `block` must be in `trace`, in order; the failure names the doc line.
fn check_in_order(block: &Block, trace: &[String]) {
    let actual: Vec<String> = trace.iter().map(|l| normalize(l)).collect();
    let mut at = 0;
    for (i, line) in block.lines.iter().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let want = normalize(line);
        match actual[at..].iter().position(|a| matches(&want, a)) {
            Some(found) => at += found + 1,
            None => {
                let context: Vec<&str> = trace
                    .iter()
                    .skip(at)
                    .filter(|l| !l.contains("mmap(") && !l.contains("mprotect("))
                    .take(12)
                    .map(String::as_str)
                    .collect();
                panic!(
                    "{}:{}: strace shows no such line after the previous one of the doc:\n  doc:    {}\n  \
                     the trace from there on (`{}` on --model {}):\n    {}",
                    block.doc,
                    block.first_line + i,
                    line.trim(),
                    by_hand_command().join(" "),
                    block.arg,
                    context.join("\n    ")
                );
            }
        }
    }
}

#[test]
fn the_walkthroughs_hand_run_strace_shows_what_the_doc_says() {
    require_strace();
    let blocks = blocks("docs/walkthroughs.md", "strace-by-hand");
    let kinds: Vec<&str> = blocks.iter().map(|b| b.arg.as_str()).collect();
    assert_eq!(
        kinds,
        ["command", "select", "epoll", "sigterm"],
        "the walkthrough's strace blocks"
    );
    let select = run_by_hand("select");
    let epoll = run_by_hand("epoll");
    for block in &blocks[1..] {
        let trace = if block.arg == "epoll" { &epoll } else { &select };
        check_in_order(block, trace);
    }
}

/// A table printed by strace-compare.sh: its columns, and per row label the values.
struct Table {
    columns: Vec<String>,
    rows: Vec<(String, Vec<String>, usize)>, // (label, values, index in the block)
}

fn parse_table(lines: &[String]) -> Table {
    let header = lines
        .iter()
        .find(|l| l.starts_with("syscall"))
        .expect("a `syscall` header row");
    let columns: Vec<String> = header.split_whitespace().skip(1).map(String::from).collect();
    let mut rows = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let words: Vec<&str> = line.split_whitespace().collect();
        if words.len() <= columns.len() || line.starts_with("syscall") {
            continue;
        }
        let split = words.len() - columns.len();
        rows.push((
            words[..split].join(" "),
            words[split..].iter().map(|s| s.to_string()).collect(),
            i,
        ));
    }
    Table { columns, rows }
}

/// The rows compared, by the start of their label, and the columns each applies to.
fn stable(label: &str, column: &str) -> bool {
    let noisy_in_fork = ["read/", "read errors", "write/"];
    let stable_rows = ["read/", "read errors", "write/", "epoll_ctl", "ioctl"];
    stable_rows.iter().any(|r| label.starts_with(r))
        && !(column == "fork" && noisy_in_fork.iter().any(|r| label.starts_with(r)))
}

/// `STRACE_CONNECTIONS=4 STRACE_MODELS="a b"` -> pairs.
fn parse_env(arg: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = arg.trim();
    while let Some((key, after)) = rest.split_once('=') {
        let (value, next) = if let Some(quoted) = after.strip_prefix('"') {
            let end = quoted.find('"').expect("closing quote");
            (&quoted[..end], &quoted[end + 1..])
        } else {
            after.split_once(' ').unwrap_or((after, ""))
        };
        out.push((key.trim().to_string(), value.to_string()));
        rest = next.trim();
    }
    out
}

fn run_strace_compare(env: &[(String, String)]) -> Vec<String> {
    let dir = TempDir::new("doc-strace-compare");
    let mut child = Command::new("bash")
        .arg(repo_root().join("scripts/strace-compare.sh"))
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .env("REACTOR_LAB_PROFILE", "debug")
        .env("STRACE_CLIENT", "python")
        .env("TRACE_DIR", dir.path())
        // The logger asks whether stderr is a terminal (the `ioctl(2, TCGETS)` of the table)
        // unless told about colours: the docs show a plain environment.
        .env_remove("NO_COLOR")
        .env_remove("RUST_LOG_STYLE")
        .env_remove("CLICOLOR")
        .env_remove("CLICOLOR_FORCE")
        .current_dir(repo_root())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run scripts/strace-compare.sh");
    let _ = &mut child;
    let (status, out, err) = tests::wait_output(child, Duration::from_secs(180));
    assert!(status.success(), "strace-compare.sh failed: {err}\n{out}");
    out.lines().map(String::from).collect()
}

#[test]
fn every_strace_compare_table_of_the_docs_matches_a_fresh_run() {
    require_strace();
    let tables: Vec<Block> = ["docs/walkthroughs.md", "docs/uring.md"]
        .into_iter()
        .flat_map(|doc| blocks(doc, "strace-compare"))
        .collect();
    assert!(
        tables.len() >= 2,
        "the strace-compare tables of walkthroughs.md and uring.md"
    );
    let mut problems = Vec::new();
    let mut compared = 0;
    for block in &tables {
        let env = parse_env(&block.arg);
        let fresh_lines = run_strace_compare(&env);
        let fresh = parse_table(&fresh_lines);
        let doc = parse_table(&block.lines);
        for (label, values, index) in &doc.rows {
            let Some((fresh_label, fresh_values, _)) = fresh.rows.iter().find(|(l, _, _)| {
                l == label || l.split('/').next() == label.split('/').next() && !label.starts_with("read errors")
            }) else {
                problems.push(format!(
                    "{}:{}: row `{label}` is not in the script's table",
                    block.doc,
                    block.first_line + index
                ));
                continue;
            };
            if label.starts_with("accept") && fresh_label != label {
                problems.push(format!(
                    "{}:{}: the doc's row `{label}`, the run's `{fresh_label}`",
                    block.doc,
                    block.first_line + index
                ));
            }
            for (column, value) in doc.columns.iter().zip(values) {
                if !stable(label, column) {
                    continue;
                }
                let Some(c) = fresh.columns.iter().position(|f| f == column) else {
                    problems.push(format!(
                        "{}:{}: no column {column} in the run",
                        block.doc, block.first_line
                    ));
                    continue;
                };
                compared += 1;
                if &fresh_values[c] != value {
                    problems.push(format!(
                        "{}:{}: `{label}` of {column}: the doc says {value}, a fresh run gives {}",
                        block.doc,
                        block.first_line + index,
                        fresh_values[c]
                    ));
                }
            }
        }
        if !problems.is_empty() {
            problems.push(format!(
                "the fresh table ({} make strace-compare, debug build):\n{}",
                block.arg,
                fresh_lines
                    .iter()
                    .skip_while(|l| !l.starts_with("syscall"))
                    .take_while(|l| !l.is_empty() && !l.starts_with("=="))
                    .cloned()
                    .collect::<Vec<_>>()
                    .join("\n")
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(compared >= 20, "only {compared} figures compared");
}

#[test]
fn the_transcript_matcher_wildcards_only_what_it_should() {
    let line = "26350 00:41:37.307774 accept4(3, 0x7ffc3395f8b8, [128], SOCK_CLOEXEC|SOCK_NONBLOCK) = -1 EAGAIN";
    assert!(matches(
        &normalize("accept4(3, 0x…, [128], SOCK_CLOEXEC|SOCK_NONBLOCK) = -1 EAGAIN"),
        &normalize(line)
    ));
    assert!(!matches(
        &normalize("accept4(3, 0x…, [128], SOCK_CLOEXEC) = -1 EAGAIN"),
        &normalize(line)
    ));
    assert!(matches(
        &normalize("write(1, \"listening on 127.0.0.1:40849\\n\", 29) = 29"),
        &normalize("77 00:00:01.000001 write(1, \"listening on 127.0.0.1:38965\\n\", 29) = 29")
    ));
    assert!(!matches(
        &normalize("close(6) = 0"),
        &normalize("1 00:00:00.1 close(7) = 0")
    ));
}
