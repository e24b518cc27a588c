//! Lab 16 grader (labs/16-netmask): the student's `lab16-ipcalc`, the core of ipcalc with bit
//! operations. Thousands of generated cases go through `lab16-ipcalc --batch` in one run and
//! are compared with the project's ipcalc (`clients::ipcalc`, the reference) and with Python's
//! `ipaddress`; the lecture's tables are compared with the project's `ipcalc` binary, row by
//! row, and printed. A panic of the student's code is a failed check that quotes it.

mod lab_common;

use clients::ipcalc::{v4, Net4, Net6};
use lab_common::Steps;
use std::io::Write;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::process::{Command, Stdio};
use std::time::Duration;

const BIN: &str = "lab16-ipcalc";

/// A fixed pseudo-random sequence: the same cases on every run.
fn sequence(seed: u64, count: usize) -> Vec<u64> {
    let mut x = seed;
    (0..count)
        .map(|_| {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            x
        })
        .collect()
}

/// IPv4 cases `A/P`: every prefix 0..=32 on random addresses, plus the extremes.
fn ipv4_cases(count: usize) -> Vec<(u32, u8)> {
    let mut cases: Vec<(u32, u8)> = sequence(0x5eed_0004, count)
        .iter()
        .enumerate()
        .map(|(i, x)| ((x >> 32) as u32, (i % 33) as u8))
        .collect();
    for p in 0..=32 {
        cases.push((0, p));
        cases.push((u32::MAX, p));
    }
    cases
}

/// The reference's batch line, in the format of `lab16-ipcalc --batch`.
fn reference_v4(addr: u32, prefix: u8) -> String {
    let n = Net4 {
        addr: Ipv4Addr::from(addr),
        prefix,
    };
    let d = |v: u32| Ipv4Addr::from(v).to_string();
    format!(
        "{}/{prefix} netmask={} wildcard={} network={} broadcast={} hostmin={} hostmax={} hosts={} class={}",
        d(addr),
        d(n.netmask()),
        d(n.wildcard()),
        d(n.network()),
        n.broadcast().map_or("none".into(), d),
        d(n.host_min()),
        d(n.host_max()),
        n.hosts(),
        v4::class_of(Ipv4Addr::from(n.network())),
    )
}

/// Run `lab16-ipcalc --batch` on `inputs`: its lines, or the failure (a panic quoted).
fn batch(inputs: &[String]) -> Result<Vec<String>, String> {
    let stdin = inputs.join("\n") + "\n";
    let (status, out, err) = tests::run_client(BIN, &["--batch"], stdin.as_bytes());
    let panic = err.lines().find(|l| l.contains("panicked")).map(str::to_string);
    match panic {
        Some(p) => Err(format!(
            "the program panicked after {} of {} lines: {p} — {}",
            out.lines().count(),
            inputs.len(),
            err.lines()
                .skip_while(|l| !l.contains("panicked"))
                .nth(1)
                .unwrap_or("")
                .trim()
        )),
        None if !status.success() => Err(format!("exit status {status}: {}", err.trim())),
        None => Ok(out.lines().map(str::to_string).collect()),
    }
}

/// The first differing `key=value` of two batch lines, with the key.
fn first_difference(got: &str, want: &str) -> Option<(String, String, String)> {
    let fields = |l: &str| -> Vec<(String, String)> {
        l.split_whitespace()
            .enumerate()
            .map(|(i, f)| match f.split_once('=') {
                Some((k, v)) if i > 0 => (k.to_string(), v.to_string()),
                _ => ("input".to_string(), f.to_string()),
            })
            .collect()
    };
    let (g, w) = (fields(got), fields(want));
    for (key, value) in &w {
        let theirs = g
            .iter()
            .find(|(k, _)| k == key)
            .map_or("(missing)".to_string(), |(_, v)| v.clone());
        if &theirs != value {
            return Some((key.clone(), theirs, value.clone()));
        }
    }
    None
}

/// What to look at when `field` is wrong.
fn hint(field: &str) -> &'static str {
    match field {
        "input" => "the address read back differs: are from_octets/to_octets in network byte order (first octet most significant)?",
        "netmask" => "netmask(p) is p one bits then zeros: u32::MAX << (32 - p), with /0 apart (a shift by 32 overflows)",
        "wildcard" => "the wildcard is the netmask's complement (!netmask)",
        "network" => "network = address AND netmask",
        "broadcast" => "broadcast = network OR wildcard, and none on /31 (RFC 3021) and /32",
        "hostmin" => "the first host is network + 1, except /31 (the network itself) and /32 (the address)",
        "hostmax" => "the last host is broadcast - 1, except /31 (network | 1) and /32 (the address)",
        "hosts" => "hosts = 2^(32 - p) - 2 (in a u64: /0 does not fit a u32), 2 on /31, 1 on /32",
        "class" => "the class comes from the address's first bits (0 A, 10 B, 110 C, 1110 D, 1111 E), never from the prefix",
        "last" => "the last address of an IPv6 prefix is the address OR the complement of its mask",
        _ => "compare with `ipcalc` on the same input",
    }
}

/// Compare the batch output with the expected lines; fail with the first three differences.
fn compare(steps: &Steps, what: &str, inputs: &[String], got: &[String], want: &[String]) {
    let mut wrong = Vec::new();
    for (i, w) in want.iter().enumerate() {
        let g = got.get(i).map_or("(no line)", String::as_str);
        if let Some(diff) = first_difference(g, w) {
            wrong.push((i, diff));
        }
    }
    let shown: Vec<String> = wrong
        .iter()
        .take(3)
        .map(|(i, (k, g, w))| format!("{}: {k}={g}, expected {k}={w}", inputs[*i]))
        .collect();
    steps.expect(
        wrong.is_empty(),
        &format!("{} {what} inputs", inputs.len()),
        &format!("{} wrong, first: {}", wrong.len(), shown.join("; ")),
        "every value equal",
        wrong.first().map_or("", |(_, (k, g, w))| {
            if byte_swapped(g, w) {
                "this value has its octets in reverse order: an address is a number in network \
                 byte order, the first octet most significant (from_be_bytes / to_be_bytes)"
            } else {
                hint(k)
            }
        }),
    );
}

/// Is `got` the dotted address `want` with its four octets reversed (a byte-order mistake)?
fn byte_swapped(got: &str, want: &str) -> bool {
    match (got.parse::<Ipv4Addr>(), want.parse::<Ipv4Addr>()) {
        (Ok(g), Ok(w)) => {
            g != w
                && g.octets() == {
                    let mut o = w.octets();
                    o.reverse();
                    o
                }
        }
        _ => false,
    }
}

fn run_batch(steps: &mut Steps, inputs: &[String]) -> Vec<String> {
    steps.step(&format!("lab16-ipcalc --batch on {} inputs", inputs.len()));
    let got = batch(inputs);
    let text = got.as_ref().err().cloned().unwrap_or_default();
    steps.expect(
        got.is_ok(),
        &format!("{} inputs on stdin", inputs.len()),
        &text,
        "one line per input, exit status 0",
        "integer arithmetic must not overflow: a shift by 32 (or 128) and 0 - 1 panic in a debug build",
    );
    got.unwrap_or_default()
}

/// Python's `ipaddress` on every input at once: `network netmask hostmask broadcast size`.
fn python(inputs: &[String]) -> Vec<String> {
    const SCRIPT: &str = r#"
import ipaddress, sys
for line in sys.stdin:
    n = ipaddress.ip_network(line.strip(), strict=False)
    print(n.network_address, n.netmask, n.hostmask, n.broadcast_address, n.num_addresses)
"#;
    let mut child = Command::new("python3")
        .args(["-c", SCRIPT])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run python3 (make deps installs it): {e}"));
    let mut stdin = child.stdin.take().expect("python's stdin");
    let data = inputs.join("\n") + "\n";
    let writer = std::thread::spawn(move || stdin.write_all(data.as_bytes()));
    let (status, out, err) = tests::wait_output(child, Duration::from_secs(60));
    let _ = writer.join();
    assert!(status.success(), "python3 ipaddress failed: {err}");
    out.lines().map(str::to_string).collect()
}

#[test]
fn lab16_lecture_tables() {
    let mut steps = Steps::new("lab16_lecture_tables");
    for args in [
        &["192.168.0.1/24"][..],
        &["192.168.0.1", "255.255.0.0"],
        &["172.20.5.9/20"],
        &["10.0.0.0/31"],
        &["8.8.8.8/32"],
    ] {
        steps.step(&format!(
            "lab16-ipcalc {} — beside the project's ipcalc",
            args.join(" ")
        ));
        let (status, ours, err) = tests::run_client(BIN, args, b"");
        let (_, reference, _) = tests::run_client("ipcalc", args, b"");
        println!("{ours}");
        let problem = err.lines().find(|l| l.contains("panicked")).map(str::to_string);
        steps.expect(
            status.success() && problem.is_none(),
            &args.join(" "),
            &format!("{status}: {}", problem.unwrap_or(err)),
            "the table, exit status 0",
            "a todo!() left, or an overflow",
        );
        // The project's ipcalc adds the kind of range after the number of hosts.
        let strip = |l: &str| -> String {
            if l.starts_with("Hosts/Net:") {
                l.split_whitespace().take(2).collect::<Vec<_>>().join(" ")
            } else {
                l.to_string()
            }
        };
        let want: Vec<String> = reference.lines().map(strip).collect();
        let got: Vec<String> = ours.lines().map(strip).collect();
        let none = String::new();
        let diff = want
            .iter()
            .zip(got.iter().chain(std::iter::repeat(&none)))
            .find(|(w, g)| w != g);
        steps.expect(
            diff.is_none() && got.len() == want.len(),
            &args.join(" "),
            &diff.map_or(format!("{} lines", got.len()), |(_, g)| format!("{g:?}")),
            &diff.map_or(format!("{} lines", want.len()), |(w, _)| format!("{w:?}")),
            "the bits column: 32 bits, a dot between octets, a space just after bit number \
             `prefix`, after the octet's dot if there is one (none for /0 and /32); the values as in the other checks",
        );
    }
}

#[test]
fn lab16_ipv4_matches_the_reference() {
    let mut steps = Steps::new("lab16_ipv4_matches_the_reference");
    let cases = ipv4_cases(3000);
    let inputs: Vec<String> = cases
        .iter()
        .map(|&(a, p)| format!("{}/{p}", Ipv4Addr::from(a)))
        .collect();
    let got = run_batch(&mut steps, &inputs);
    steps.step("compare every value with the project's ipcalc (clients::ipcalc)");
    let want: Vec<String> = cases.iter().map(|&(a, p)| reference_v4(a, p)).collect();
    compare(&steps, "IPv4", &inputs, &got, &want);
}

#[test]
fn lab16_ipv4_matches_python() {
    let mut steps = Steps::new("lab16_ipv4_matches_python");
    let cases = ipv4_cases(2000);
    let inputs: Vec<String> = cases
        .iter()
        .map(|&(a, p)| format!("{}/{p}", Ipv4Addr::from(a)))
        .collect();
    let got = run_batch(&mut steps, &inputs);
    steps.step("compare network, netmask, wildcard, broadcast and hosts with Python's ipaddress");
    let py = python(&inputs);
    let want: Vec<String> = cases
        .iter()
        .zip(&py)
        .map(|(&(a, p), line)| {
            let f: Vec<&str> = line.split_whitespace().collect();
            let size: u64 = f[4].parse().unwrap_or(0);
            let (broadcast, hosts) = match p {
                32 => ("none".to_string(), 1),
                31 => ("none".to_string(), 2),
                _ => (f[3].to_string(), size - 2),
            };
            format!(
                "{}/{p} netmask={} wildcard={} network={} broadcast={broadcast} hosts={hosts}",
                Ipv4Addr::from(a),
                f[1],
                f[2],
                f[0]
            )
        })
        .collect();
    compare(&steps, "IPv4", &inputs, &got, &want);
}

#[test]
fn lab16_ipv4_edges() {
    let mut steps = Steps::new("lab16_ipv4_edges");
    let cases: Vec<(u32, u8)> = vec![
        (0, 0),
        (0xffff_ffff, 0),
        (0x0a01_0203, 1),
        (0x0a01_0203, 8),
        (0xc0a8_0001, 24),
        (0xc0a8_0001, 30),
        (0x0a00_0000, 31),
        (0x0a00_0001, 31),
        (0x0808_0808, 32),
        (0xffff_ffff, 32),
        (0, 32),
    ];
    let inputs: Vec<String> = cases
        .iter()
        .map(|&(a, p)| format!("{}/{p}", Ipv4Addr::from(a)))
        .collect();
    let got = run_batch(&mut steps, &inputs);
    steps.step("/0, /1, /30, /31 (two hosts, no broadcast), /32 (one host), 0.0.0.0, 255.255.255.255");
    let want: Vec<String> = cases.iter().map(|&(a, p)| reference_v4(a, p)).collect();
    compare(&steps, "edge", &inputs, &got, &want);
}

#[test]
fn lab16_netmask_to_prefix_and_back() {
    let mut steps = Steps::new("lab16_netmask_to_prefix_and_back");
    let mut inputs = Vec::new();
    let mut want = Vec::new();
    for p in 0..=32u8 {
        let mask = Net4 {
            addr: Ipv4Addr::UNSPECIFIED,
            prefix: p,
        }
        .netmask();
        inputs.push(format!("172.16.5.4 {}", Ipv4Addr::from(mask)));
        want.push(reference_v4(0xac10_0504, p));
    }
    let got = run_batch(&mut steps, &inputs);
    steps.step("the 33 netmasks 0.0.0.0 … 255.255.255.255 give the prefixes 0 … 32");
    compare(&steps, "netmask", &inputs, &got, &want);
    steps.step("300 masks whose 1 bits are not contiguous (255.0.255.0, 0.255.255.255, …) are refused");
    let bad: Vec<String> = sequence(0xbad_5eed, 400)
        .iter()
        .map(|x| (x >> 32) as u32)
        .filter(|m| m.leading_ones() + m.trailing_zeros() != 32)
        .take(298)
        .chain([0xff00_ff00, 0x00ff_ffff])
        .map(|m| format!("10.1.2.3 {}", Ipv4Addr::from(m)))
        .collect();
    let got = run_batch(&mut steps, &bad);
    let none = String::new();
    let accepted: Vec<String> = bad
        .iter()
        .zip(got.iter().chain(std::iter::repeat(&none)))
        .filter(|(_, g)| !g.contains("not contiguous"))
        .take(3)
        .map(|(i, g)| format!("{i} → {g:?}"))
        .collect();
    steps.expect(
        accepted.is_empty(),
        "300 non-contiguous netmasks",
        &format!("accepted: {}", accepted.join("; ")),
        "each refused (prefix_of_netmask returns None)",
        "counting the 1 bits is not enough: all of them must come first — leading_ones() + \
         trailing_zeros() == 32",
    );
}

#[test]
fn lab16_classes_from_the_leading_bits() {
    let mut steps = Steps::new("lab16_classes_from_the_leading_bits");
    let mut inputs = Vec::new();
    let mut want = Vec::new();
    for first in [0u8, 10, 127, 128, 172, 191, 192, 223, 224, 239, 240, 255] {
        for p in [4u8, 8, 16, 24, 32] {
            let a = u32::from_be_bytes([first, 1, 2, 3]);
            inputs.push(format!("{}/{p}", Ipv4Addr::from(a)));
            want.push(reference_v4(a, p));
        }
    }
    let got = run_batch(&mut steps, &inputs);
    steps.step("the first octets 0, 127 | 128, 191 | 192, 223 | 224, 239 | 240, 255 under 5 prefixes");
    compare(&steps, "class", &inputs, &got, &want);
}

#[test]
fn lab16_ipv6_prefixes_match_the_reference_and_python() {
    let mut steps = Steps::new("lab16_ipv6_prefixes_match_the_reference_and_python");
    let mut cases: Vec<(u128, u8)> = sequence(0x5eed_0006, 1500)
        .chunks(2)
        .enumerate()
        .map(|(i, x)| ((u128::from(x[0]) << 64) | u128::from(x[1]), (i * 7 % 129) as u8))
        .collect();
    for p in [0u8, 1, 48, 64, 127, 128] {
        cases.push((0, p));
        cases.push((u128::MAX, p));
    }
    let inputs: Vec<String> = cases
        .iter()
        .map(|&(a, p)| format!("{}/{p}", Ipv6Addr::from(a)))
        .collect();
    let got = run_batch(&mut steps, &inputs);
    steps.step("compare the first and last address with clients::ipcalc::Net6");
    let want: Vec<String> = cases
        .iter()
        .map(|&(a, p)| {
            let n = Net6 {
                addr: Ipv6Addr::from(a),
                prefix: p,
            };
            format!("{}/{p} network={} last={}", Ipv6Addr::from(a), n.network(), n.last())
        })
        .collect();
    compare(&steps, "IPv6", &inputs, &got, &want);
    steps.step("compare them with Python's ipaddress");
    let py = python(&inputs);
    let want: Vec<String> = inputs
        .iter()
        .zip(&py)
        .map(|(input, line)| {
            let f: Vec<&str> = line.split_whitespace().collect();
            format!("{input} network={} last={}", f[0], f[3])
        })
        .collect();
    compare(&steps, "IPv6", &inputs, &got, &want);
}
