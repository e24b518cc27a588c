//! The README's dnsmasq command for `dns-query`, run as written (on a free port instead of
//! 5353, so that concurrent runs never collide), and the queries under it: each answers what
//! its comment says, and a name dnsmasq does not know comes back REFUSED.

use std::net::UdpSocket;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};
use tests::bin;

fn root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}

/// The README's `sh` block that starts dnsmasq, as lines (continuations joined).
fn readme_block() -> Vec<String> {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    let block = readme
        .split("A DNS server of your own for `dns-query`")
        .nth(1)
        .and_then(|rest| rest.split("```sh\n").nth(1))
        .and_then(|rest| rest.split("```").next())
        .expect("README.md: the dnsmasq block");
    block.replace("\\\n", " ").lines().map(str::to_string).collect()
}

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn dns_query(line: &str, port: u16) -> String {
    let command = line.split('#').next().unwrap_or_default().trim();
    let args: Vec<String> = command
        .split_whitespace()
        .skip(1) // "dns-query"
        .map(|a| a.replace("5353", &port.to_string()))
        .collect();
    let out = Command::new(bin("dns-query"))
        .args(&args)
        .output()
        .expect("run dns-query");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Wait until dnsmasq answers `first` on `port` (true), or exits (false, its error noted).
fn answers(first: &str, port: u16, dnsmasq: &mut Killed, log: &Path, failures: &mut Vec<String>) -> bool {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !dns_query(first, port).contains("ANSWER SECTION") {
        if let Ok(Some(status)) = dnsmasq.0.try_wait() {
            let error = std::fs::read_to_string(log).unwrap_or_default();
            failures.push(format!("port {port}: dnsmasq exited ({status}): {}", error.trim()));
            return false;
        }
        assert!(Instant::now() < deadline, "dnsmasq never answered on port {port}");
        thread::sleep(Duration::from_millis(50));
    }
    true
}

#[test]
fn the_readme_dnsmasq_command_answers_each_query_as_its_comment_says() {
    let dnsmasq = ["/usr/sbin/dnsmasq", "/usr/bin/dnsmasq"]
        .into_iter()
        .find(|p| Path::new(p).exists())
        .expect("dnsmasq not found: apt-get install dnsmasq-base (make deps does)");
    let lines = readme_block();
    let start = lines
        .iter()
        .find(|l| l.starts_with("dnsmasq "))
        .expect("a dnsmasq line");
    let first = lines.iter().find(|l| l.starts_with("dns-query ")).expect("a query");
    // A free UDP port can still be taken on TCP (dnsmasq listens on both) or by someone else
    // before dnsmasq binds it: then dnsmasq exits at once, and we try another port.
    let mut failures = Vec::new();
    let (port, _dnsmasq) = loop {
        assert!(failures.len() < 5, "dnsmasq would not start:\n{}", failures.join("\n"));
        let port = UdpSocket::bind("127.0.0.1:0")
            .and_then(|s| s.local_addr())
            .expect("free port")
            .port();
        let log = std::env::temp_dir().join(format!("readme-dnsmasq-{}-{port}.log", std::process::id()));
        let command = start
            .replacen("dnsmasq", dnsmasq, 1)
            .replace("--port=5353", &format!("--port={port}"));
        let child = Command::new("bash")
            .args(["-c", &format!("exec {command}")])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            // A file, not a pipe: with --log-queries it logs every question, and a pipe nobody
            // reads would end up blocking it.
            .stderr(Stdio::from(std::fs::File::create(&log).expect("dnsmasq log file")))
            .spawn()
            .expect("start dnsmasq");
        let mut dnsmasq_child = Killed(child);
        let answered = answers(first, port, &mut dnsmasq_child, &log, &mut failures);
        let _ = std::fs::remove_file(&log);
        if answered {
            break (port, dnsmasq_child);
        }
    };
    for (line, expected) in [
        ("host.lab.test", "192.0.2.20"),
        ("-t MX lab.test", "10 mail.lab.test."),
        ("-x 192.0.2.20", "host.lab.test."),
    ] {
        let query = lines
            .iter()
            .find(|l| l.starts_with(&format!("dns-query {line} ")))
            .unwrap_or_else(|| panic!("README: no `dns-query {line}` line"));
        let out = dns_query(query, port);
        assert!(out.contains(expected), "{query}: no {expected:?} in:\n{out}");
    }
    let refused = dns_query("dns-query example.com --server 127.0.0.1:5353", port);
    assert!(refused.contains("status: REFUSED"), "{refused}");
}
