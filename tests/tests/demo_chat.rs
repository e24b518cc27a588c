//! `make demo-chat` (scripts/demo-chat.sh): what members type and what they see, and the
//! server's log, on one clock: an answer such as `! nick taken: alice` comes after the line
//! that caused it, and server lines carry one time, not two.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;
use tests::{bin, wait_output};

fn root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}

/// "+1.234s" -> microseconds.
fn micros(stamp: &str) -> Option<i64> {
    let s = stamp.strip_prefix('+')?.strip_suffix('s')?;
    let (whole, frac) = s.split_once('.')?;
    Some(whole.parse::<i64>().ok()? * 1_000_000 + frac.parse::<i64>().ok()? * 1000)
}

/// The time of the first line containing `needle`.
fn when(out: &str, needle: &str) -> i64 {
    let line = out
        .lines()
        .find(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no line with {needle:?} in:\n{out}"));
    micros(line.split_whitespace().next().unwrap_or_default()).unwrap_or_else(|| panic!("no time stamp on {line:?}"))
}

#[test]
fn inputs_outputs_and_server_lines_share_one_clock() {
    let profile = bin("chat-server")
        .parent()
        .and_then(|d| d.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let child = Command::new("bash")
        .arg(root().join("scripts/demo-chat.sh"))
        .arg("epoll")
        .current_dir(root())
        .env("REACTOR_LAB_PROFILE", profile)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn demo-chat.sh");
    let (status, out, err) = wait_output(child, Duration::from_secs(90));
    assert!(status.success(), "demo-chat failed:\n{out}\n{err}");
    // carol's attempt, then its answer, on the same clock.
    let typed = when(&out, "carol  > /nick alice");
    let answer = when(&out, "carol  | ! nick taken: alice");
    assert!(
        typed <= answer,
        "the answer is shown before the line it answers:\n{out}"
    );
    // A message reaches the others after it was typed.
    assert!(when(&out, "alice  > hello everyone!") <= when(&out, "bob    | [alice] hello everyone!"));
    // Server lines: one time stamp (ours, taken from the server's own), no env_logger prefix.
    let server: Vec<&str> = out.lines().filter(|l| l.contains(" server | ")).collect();
    assert!(!server.is_empty(), "no server lines:\n{out}");
    for line in server {
        assert!(!line.contains("| [20"), "a second time stamp: {line}");
    }
    assert!(out.contains("alice left: /quit (off to lunch)"), "{out}");
}
