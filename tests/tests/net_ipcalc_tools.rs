//! `ipcalc` held against the tools it imitates, on the same inputs: Perl `ipcalc` (Debian's
//! `ipcalc` package) for every IPv4 number and the class, `sipcalc` for the IPv6 expanded
//! form and range, and Python's `ipaddress` module for both families (network, broadcast or
//! last address, size) and for the kinds of range (loopback, link-local, multicast, global).
//!
//! The inputs are deterministic: addresses from a fixed pseudo-random sequence with every
//! prefix length, plus one address in each special-purpose block. The tools must be
//! installed (`make deps`); a missing one fails the test with its name.

use std::io::Write;
use std::net::Ipv6Addr;
use std::process::{Command, Stdio};

use serde_json::Value;
use tests::run_client;

/// A fixed linear congruential sequence: the same "random" addresses on every run.
fn sequence(count: usize) -> Vec<u32> {
    let mut x: u32 = 0x2545_f491;
    (0..count)
        .map(|_| {
            x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            x
        })
        .collect()
}

fn ipv4_cases() -> Vec<String> {
    let mut cases: Vec<String> = sequence(100)
        .iter()
        .enumerate()
        .map(|(i, &x)| format!("{}/{}", std::net::Ipv4Addr::from(x), i % 33))
        .collect();
    for special in [
        "0.0.0.1/8",
        "10.9.8.7/8",
        "100.64.3.4/10",
        "127.0.0.1/8",
        "169.254.7.7/16",
        "172.20.5.9/12",
        "192.0.0.9/24",
        "192.0.0.9/32",
        "192.0.2.77/24",
        "192.88.99.1/24",
        "192.168.0.1/16",
        "198.18.0.1/15",
        "198.51.100.1/24",
        "203.0.113.200/24",
        "224.0.0.251/24",
        "240.0.0.1/4",
        "255.255.255.255/32",
        "192.168.0.1/1",
        "10.1.2.3/0",
        "172.15.255.255/12",
    ] {
        cases.push(special.to_string());
    }
    cases
}

fn ipv6_cases() -> Vec<String> {
    let words = sequence(8 * 60);
    let mut cases: Vec<String> = words
        .chunks(8)
        .enumerate()
        .map(|(i, w)| {
            let groups: Vec<u16> = w.iter().map(|&x| (x >> 16) as u16).collect();
            let bytes: [u16; 8] = groups.try_into().unwrap_or([0; 8]);
            format!("{}/{}", Ipv6Addr::from(bytes), (i * 7) % 129)
        })
        .collect();
    for special in [
        "::1/128",
        "::/128",
        "::ffff:1.2.3.4/96",
        "64:ff9b::1/96",
        "100::1/64",
        "2001::1/32",
        "2001:2::1/48",
        "2001:db8::1/32",
        "2001:db8:1::1/64",
        "2002:c000:204::1/48",
        "fd00::2/64",
        "fe80::1/64",
        "ff02::1/16",
        "2a00:1450:4007:815::2003/64",
        "3fff::1/20",
        "::/0",
    ] {
        cases.push(special.to_string());
    }
    cases
}

/// Our report as (label → first value, whole line).
fn ours(input: &str) -> Vec<(String, String, String)> {
    let (status, out, err) = run_client("ipcalc", &[input], b"");
    assert!(status.success(), "ipcalc {input}: {err}");
    out.lines()
        .filter_map(|l| {
            let (label, rest) = l.split_once(':').filter(|(label, _)| !label.contains(' '))?;
            let value = rest.split_whitespace().next().unwrap_or_default().to_string();
            Some((label.to_string(), value, l.to_string()))
        })
        .collect()
}

fn field(report: &[(String, String, String)], label: &str) -> String {
    report
        .iter()
        .find(|(l, _, _)| l == label)
        .map(|(_, v, _)| v.clone())
        .unwrap_or_default()
}

fn line(report: &[(String, String, String)], label: &str) -> String {
    report
        .iter()
        .find(|(l, _, _)| l == label)
        .map(|(_, _, x)| x.clone())
        .unwrap_or_default()
}

fn tool(program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program} (install it: make deps): {e}"));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Python's `ipaddress` on every case at once: one JSON object per line.
fn python(cases: &[String]) -> Vec<Value> {
    const SCRIPT: &str = r#"
import ipaddress, json, sys
for line in sys.stdin:
    n = ipaddress.ip_network(line.strip(), strict=False)
    print(json.dumps({"network": str(n.network_address), "last": str(n.broadcast_address),
        "size": str(n.num_addresses), "netmask": str(n.netmask), "hostmask": str(n.hostmask),
        "loopback": n.is_loopback, "link_local": n.is_link_local,
        "multicast": n.is_multicast, "global": n.is_global}))
"#;
    let mut child = Command::new("python3")
        .args(["-c", SCRIPT])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run python3: {e}"));
    let input = cases.join("\n") + "\n";
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write to python");
    let out = child.wait_with_output().expect("python output");
    assert!(out.status.success(), "python3 ipaddress failed");
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .map(|l| serde_json::from_str(l).expect("python JSON"))
        .collect()
}

/// Kinds of range that Python names must agree with our label.
fn check_kinds(input: &str, label: &str, py: &Value, public: &str) {
    for (key, word) in [
        ("loopback", "Loopback"),
        ("link_local", "Link-Local"),
        ("multicast", "Multicast"),
    ] {
        let python_says = py[key].as_bool().unwrap_or(false);
        assert_eq!(
            python_says,
            label.starts_with(word),
            "{input}: python {key}={python_says}, ours {label:?}"
        );
    }
    if label == public {
        assert_eq!(
            py["global"],
            Value::Bool(true),
            "{input}: ours {label:?} but python: not global"
        );
    }
}

fn perl_rows(input: &str) -> Vec<(String, String)> {
    tool("ipcalc", &["-n", "-b", input])
        .lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.to_string(), v.trim().to_string()))
        .collect()
}

fn perl(rows: &[(String, String)], key: &str) -> String {
    rows.iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

#[test]
fn ipv4_matches_perl_ipcalc_and_python() {
    let cases = ipv4_cases();
    let py = python(&cases);
    for (input, py) in cases.iter().zip(&py) {
        let us = ours(input);
        let prefix: u8 = input.rsplit_once('/').and_then(|(_, p)| p.parse().ok()).unwrap_or(0);
        let rows = perl_rows(input);
        // Perl: "255.255.255.0 = 24"; ours the same with spaces collapsed.
        let netmask = line(&us, "Netmask");
        assert!(
            netmask.contains(&perl(&rows, "Netmask")),
            "{input}: {netmask} vs perl {rows:?}"
        );
        assert_eq!(field(&us, "Wildcard"), perl(&rows, "Wildcard"), "{input}");
        let perl_hosts = perl(&rows, "Hosts/Net");
        let (hosts, perl_label) = perl_hosts.split_once(' ').unwrap_or((&perl_hosts, ""));
        assert_eq!(field(&us, "Hosts/Net"), hosts, "{input}");
        let class = perl_label.trim().get(..7).unwrap_or_default().to_string();
        let our_network = line(&us, "Network");
        // The one difference kept: Perl ipcalc calls 255.255.255.255 "Class invalid"; it
        // is in class E (240.0.0.0/4) and is the limited broadcast, RFC 919, which we say.
        if input != "255.255.255.255/32" {
            assert!(
                our_network.ends_with(&format!("({class})")),
                "{input}: {our_network} vs perl {class}"
            );
        }
        if prefix == 32 {
            assert_eq!(field(&us, "HostMin"), perl(&rows, "Hostroute"), "{input}");
        } else {
            assert_eq!(field(&us, "Network"), perl(&rows, "Network"), "{input}");
            assert_eq!(field(&us, "HostMin"), perl(&rows, "HostMin"), "{input}");
            assert_eq!(field(&us, "HostMax"), perl(&rows, "HostMax"), "{input}");
        }
        if prefix <= 30 {
            assert_eq!(field(&us, "Broadcast"), perl(&rows, "Broadcast"), "{input}");
            assert_eq!(
                field(&us, "Broadcast"),
                py["last"].as_str().unwrap_or_default(),
                "{input}"
            );
        }
        assert_eq!(
            field(&us, "Network"),
            format!("{}/{prefix}", py["network"].as_str().unwrap_or_default())
        );
        assert_eq!(netmask.split_whitespace().nth(1), py["netmask"].as_str(), "{input}");
        let label = line(&us, "Hosts/Net");
        let label = label.split_once('(').map_or("", |(_, l)| l.trim_end_matches(')'));
        check_kinds(input, label, py, "Public Internet");
    }
    eprintln!(
        "ipv4: {} cases compared with Perl ipcalc and Python ipaddress",
        cases.len()
    );
}

/// sipcalc's `Expanded Address` and the two ends of its `Network range`.
fn sipcalc(input: &str) -> (String, Ipv6Addr, Ipv6Addr) {
    let text = tool("sipcalc", &[input]);
    let after = |key: &str| {
        text.lines()
            .find(|l| l.starts_with(key))
            .and_then(|l| l.split_once("- "))
            .map(|(_, v)| v.trim().trim_end_matches(" -").to_string())
            .unwrap_or_else(|| panic!("sipcalc {input}: no {key}:\n{text}"))
    };
    let expanded = after("Expanded Address");
    let first = after("Network range");
    let last_line = text.lines().skip_while(|l| !l.starts_with("Network range")).nth(1);
    let last = last_line.unwrap_or_default().trim();
    let parse = |s: &str| {
        s.parse::<Ipv6Addr>()
            .unwrap_or_else(|_| panic!("sipcalc {input}: {s:?}"))
    };
    (expanded, parse(&first), parse(last))
}

#[test]
fn ipv6_matches_sipcalc_and_python() {
    let cases = ipv6_cases();
    let py = python(&cases);
    for (input, py) in cases.iter().zip(&py) {
        let us = ours(input);
        let (expanded, first, last) = sipcalc(input);
        assert_eq!(field(&us, "Expanded"), expanded, "{input}");
        let ours_first: Ipv6Addr = field(&us, "First").parse().expect("our First");
        let ours_last: Ipv6Addr = field(&us, "Last").parse().expect("our Last");
        assert_eq!((ours_first, ours_last), (first, last), "{input} vs sipcalc");
        let py_addr = |key: &str| py[key].as_str().and_then(|s| s.parse::<Ipv6Addr>().ok());
        assert_eq!(Some(ours_first), py_addr("network"), "{input}");
        assert_eq!(Some(ours_last), py_addr("last"), "{input}");
        let size = line(&us, "Addresses");
        assert!(
            size.ends_with(&format!("= {}", py["size"].as_str().unwrap_or_default())),
            "{input}: {size}"
        );
        let kind = line(&us, "Type");
        let kind = kind.split_once(':').map_or("", |(_, k)| k.trim());
        check_kinds(input, kind, py, "Global Unicast, RFC 4291");
    }
    eprintln!("ipv6: {} cases compared with sipcalc and Python ipaddress", cases.len());
}

/// The rows of Perl ipcalc's table with their binary column (`ipcalc -n INPUT`), by label.
fn perl_binary_rows(input: &str) -> Vec<(String, String)> {
    tool("ipcalc", &["-n", input])
        .lines()
        .filter_map(|l| {
            let (label, _) = l.split_once(':')?;
            Some((label.to_string(), l.trim_end().to_string()))
        })
        .collect()
}

/// Every row that has a binary column, character for character as Perl ipcalc prints it
/// (ours adds `(Class X)` after the network's bits, which Perl puts on the Hosts/Net row).
/// The first 33 cases have every prefix length 0–32 once: enough for the column's layout.
#[test]
fn ipv4_binary_column_matches_perl_ipcalc() {
    let mut compared = 0;
    for input in ipv4_cases().into_iter().take(33) {
        let (status, out, err) = run_client("ipcalc", &[&input], b"");
        assert!(status.success(), "{input}: {err}");
        let perl = perl_binary_rows(&input);
        for label in [
            "Address",
            "Netmask",
            "Wildcard",
            "Network",
            "Broadcast",
            "HostMin",
            "HostMax",
        ] {
            let Some((_, theirs)) = perl.iter().find(|(l, _)| l == label) else {
                continue; // Perl has no Network/HostMin/… row for a /32 ("Hostroute")
            };
            let ours = out
                .lines()
                .find(|l| l.starts_with(&format!("{label}:")))
                .unwrap_or_else(|| panic!("{input}: no {label} row in\n{out}"));
            let ours = ours.split(" (Class").next().unwrap_or(ours).trim_end();
            assert_eq!(ours, theirs, "{input}: {label} row differs from Perl ipcalc");
            compared += 1;
        }
    }
    eprintln!("ipcalc: {compared} rows with a binary column equal to Perl ipcalc's");
}
