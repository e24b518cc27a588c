//! Lab 1 grader (labs/01-connect): `connect_tcp_within` tries every address of a name.
//!
//! A name with two addresses, `[::1]` first then `127.0.0.1`, comes from a hosts file mounted
//! over /etc/hosts in a mount namespace of the client alone (`unshare -m`): the machine's own
//! /etc/hosts is never touched, and the traffic stays on loopback.

mod lab_common;

use lab_common::*;
use std::process::{Command, Stdio};
use tests::{bin, wait_output, TempDir, STEP};

const NAME: &str = "duo.lab";

/// Run `tcp-client NAME PORT` with `/etc/hosts` replaced by `hosts`, `input` on stdin.
fn tcp_client(hosts: &str, port: &str, input: &[u8]) -> (Option<i32>, String, String) {
    let dir = TempDir::new("lab01");
    let file = dir.path().join("hosts");
    std::fs::write(&file, hosts).expect("write hosts file");
    let mut child = Command::new("unshare")
        .args([
            "-m",
            "sh",
            "-c",
            "mount --bind \"$1\" /etc/hosts && shift && exec \"$@\"",
            "sh",
        ])
        .arg(&file)
        .arg(bin("tcp-client"))
        .args([NAME, port])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn unshare (util-linux)");
    if let Some(mut stdin) = child.stdin.take() {
        use std::io::Write;
        let _ = stdin.write_all(input);
    }
    let (status, out, err) = wait_output(child, STEP);
    (status.code(), out, err)
}

/// A port nobody listens on, on either address.
fn closed_port() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port().to_string()
}

#[test]
#[ignore = "needs root (unshare -m: a private /etc/hosts)"]
fn lab01_connects_to_the_open_address() {
    let mut steps = Steps::new("lab01_connects_to_the_open_address");
    steps.step("start echo-server on 127.0.0.1 only");
    let server = start("echo-server", &["--model", "epoll"]);
    let port = server
        .addr
        .rsplit_once(':')
        .map(|(_, p)| p.to_string())
        .unwrap_or_default();
    steps.step(&format!(
        "hosts: `{NAME}` is ::1 then 127.0.0.1; nothing listens on [::1]:{port}"
    ));
    steps.step(&format!("echo hello | tcp-client {NAME} {port}"));
    let (code, out, err) = tcp_client(&format!("::1 {NAME}\n127.0.0.1 {NAME}\n"), &port, b"hello\n");
    steps.expect(
        code == Some(0) && out == "hello\n",
        "hello",
        &format!("exit {code:?}, stdout {out:?}, stderr {:?}", err.trim()),
        "exit 0 and `hello` echoed: [::1] refused, so the loop goes on to 127.0.0.1",
        "lecture « Connect via getaddrinfo »: getaddrinfo returns a list; try socket+connect on \
         each entry until one works (strace -e trace=socket,connect shows two connects)",
    );
}

#[test]
#[ignore = "needs root (unshare -m: a private /etc/hosts)"]
fn lab01_all_refused_names_each_address() {
    let mut steps = Steps::new("lab01_all_refused_names_each_address");
    let port = closed_port();
    steps.step(&format!("tcp-client {NAME} {port}: both ::1 and 127.0.0.1 refuse"));
    let (code, _, err) = tcp_client(&format!("::1 {NAME}\n127.0.0.1 {NAME}\n"), &port, b"");
    let both = err.contains(&format!("[::1]:{port}")) && err.contains(&format!("127.0.0.1:{port}"));
    steps.expect(
        code == Some(1) && both,
        "nothing",
        &format!("exit {code:?}, stderr {:?}", err.trim()),
        &format!("exit 1, an error naming [::1]:{port} and 127.0.0.1:{port}, each with its reason"),
        "a failed try is not the end: keep each (address, error) and report them all \
         (ConnectError::AllFailed) — the C loop of the lecture only shows the last errno",
    );
}

#[test]
fn lab01_unknown_name_is_a_resolve_error() {
    let mut steps = Steps::new("lab01_unknown_name_is_a_resolve_error");
    steps.step("tcp-client nonexistent.invalid 80");
    let (status, _, err) = tests::run_client("tcp-client", &["nonexistent.invalid", "80"], b"");
    steps.expect(
        status.code() == Some(1) && err.contains("getaddrinfo"),
        "nothing",
        &format!("exit {:?}, stderr {:?}", status.code(), err.trim()),
        "exit 1 and `getaddrinfo: …` (ConnectError::Resolve)",
        &if status.code() == Some(101) {
            format!(
                "the client panicked ({}): a name that does not resolve is an ordinary error, \
                 not a bug: map getaddrinfo's error to ConnectError::Resolve instead of \
                 unwrapping it",
                err.lines()
                    .find(|l| l.contains("panicked at"))
                    .unwrap_or("exit 101")
                    .trim()
            )
        } else {
            "a name that does not resolve is not a connection failure: say which step failed".into()
        },
    );
}
