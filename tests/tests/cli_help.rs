//! Every binary introduces itself: `--version` prints its own name, `--help` starts with its
//! own one-line description (not its crate's) and ends with examples, and limits are told in
//! words a person reads.

use std::process::Command;
use tests::bin;

const BINARIES: &[&str] = &[
    "echo-server",
    "chat-server",
    "http-server",
    "metrics-server",
    "tcp-client",
    "chat-client",
    "http-get",
    "metrics-client",
    "resolve",
    "ipcalc",
    "ifaces",
    "routes",
    "dns-query",
    "loadgen",
    "chat-bench",
    "idle-conns",
];

/// (exit code, stdout, stderr) of `name args…`.
fn run(name: &str, args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(bin(name))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("run {name}: {e}"));
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn version_names_the_binary_and_help_describes_it_with_examples() {
    for &name in BINARIES {
        let (code, out, err) = run(name, &["--version"]);
        assert_eq!(code, Some(0), "{name} --version: {err}");
        assert!(out.starts_with(&format!("{name} ")), "{name} --version printed {out:?}");
        let (code, out, err) = run(name, &["--help"]);
        assert_eq!(code, Some(0), "{name} --help: {err}");
        let first = out.lines().next().unwrap_or_default();
        assert!(
            !first.starts_with("The course's") && !first.is_empty(),
            "{name} --help starts with {first:?}, not its own description"
        );
        assert!(out.contains("Examples:\n"), "{name} --help has no example:\n{out}");
    }
}

#[test]
fn limits_are_told_in_words() {
    for name in ["echo-server", "chat-server", "http-server", "metrics-server"] {
        let (code, _, err) = run(name, &["--max-connections", "0"]);
        assert_eq!(code, Some(2), "{name}: {err}");
        assert!(err.contains("must be at least 1"), "{name}: {err}");
        assert!(!err.contains("18446744073709551615"), "{name}: {err}");
    }
    let (code, _, err) = run("metrics-client", &["h", "1", "push", "--interval", "0", "x"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("must be at least 1"), "{err}");
}

#[test]
fn the_help_says_which_models_a_server_refuses() {
    let (_, out, _) = run("chat-server", &["--help"]);
    assert!(out.contains("not iterative"), "{out}");
    let (_, out, _) = run("metrics-server", &["--help"]);
    assert!(out.contains("not iterative") && out.contains("fork"), "{out}");
}

#[test]
fn metrics_client_arguments_have_help() {
    let (_, out, _) = run("metrics-client", &["h", "1", "val", "--help"]);
    for line in out.lines().filter(|l| l.trim_start().starts_with('<')) {
        assert!(
            line.trim_start()
                .split_once("  ")
                .is_some_and(|(_, help)| !help.trim().is_empty()),
            "an argument without help: {line:?} in:\n{out}"
        );
    }
    assert!(out.contains("<NAME>") && out.contains("<VALUE>"), "{out}");
}
