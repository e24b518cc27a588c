//! `dns-query` held against `dig` (bind9-dnsutils) on the same questions to the same
//! servers: an authoritative dnsmasq (SOA, NS, SRV, CAA, an unknown type, ANY, TXT, MX,
//! CNAME, NXDOMAIN) and in-test responders for what dnsmasq cannot send (Extended DNS
//! Errors, names with bytes that need escaping, a truncated answer with no TCP listener).
//! Status, flags, counts and every record line of every section must be the same.

mod dns_common;

use std::net::UdpSocket;
use std::process::Command;
use std::thread;
use std::time::Duration;

use dns_common::*;

/// Run dig against `server` (`IP:PORT`), one try, short timeout; (exit code, stdout).
fn dig(server: &str, args: &[&str]) -> (i32, String) {
    let (ip, port) = server.rsplit_once(':').expect("IP:PORT");
    let out = Command::new("dig")
        .args([&format!("@{ip}"), "-p", port, "+tries=1", "+time=2"])
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run dig (install bind9-dnsutils: make deps): {e}"));
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// The facts both outputs must share: status, flags and counts, every section's records.
fn facts(out: &str) -> Vec<String> {
    let mut facts = Vec::new();
    for line in out.lines() {
        if let Some(status) = line.split_once("status: ") {
            facts.push(status.1.split(',').next().unwrap_or_default().to_string());
        }
        if line.starts_with(";; flags:") || line.starts_with("; EDE:") {
            facts.push(line.to_string());
        }
    }
    for section in ["QUESTION", "ANSWER", "AUTHORITY", "ADDITIONAL"] {
        facts.extend(records(out, section).into_iter().map(|r| format!("{section}: {r}")));
    }
    facts
}

fn compare(server: &str, name: &str, qtype: &str) {
    let (code, theirs) = dig(server, &[name, qtype]);
    assert_eq!(code, 0, "dig {name} {qtype}:\n{theirs}");
    let (code, ours, err) = dns_query(&[name, "-t", qtype, "--server", server]);
    assert_eq!(code, 0, "dns-query {name} {qtype}: {err}");
    let (mut theirs_facts, mut ours_facts) = (facts(&theirs), facts(&ours));
    if qtype == "ANY" {
        // dnsmasq adds `EDE: 17 (Filtered)` to some of its ANY answers and not to others, from
        // one query to the next: not a fact two separate queries can share. EDE itself is
        // compared with dig against the in-test responders below.
        theirs_facts.retain(|f| !f.starts_with("; EDE:"));
        ours_facts.retain(|f| !f.starts_with("; EDE:"));
    }
    assert!(ours_facts.len() > 2, "{name} {qtype}: nothing compared:\n{ours}");
    assert_eq!(
        ours_facts, theirs_facts,
        "{name} {qtype}: dns-query (left) differs from dig (right)\n{ours}\n{theirs}"
    );
}

#[test]
fn record_types_match_dig_against_dnsmasq() {
    let dns = Dnsmasq::start_with(&[
        "--auth-server=ns.lab.test,127.0.0.1",
        "--auth-zone=lab.test",
        "--auth-soa=2026112701,hostmaster.lab.test",
        "--host-record=host.lab.test,192.0.2.20,2001:db8::20",
        "--host-record=ns.lab.test,192.0.2.53",
        "--srv-host=_sip._udp.lab.test,host.lab.test,5060,1,2",
        "--caa-record=lab.test,0,issue,ca.example",
        "--dns-rr=lab.test,65400,0a0b0c0d",
        "--txt-record=lab.test,hello world",
        "--txt-record=odd.lab.test,semi;colon \"quoted\"",
        "--mx-host=lab.test,mail.lab.test,10",
        "--cname=www.lab.test,host.lab.test",
    ]);
    let cases = [
        ("lab.test", "SOA"),
        ("lab.test", "NS"),
        ("_sip._udp.lab.test", "SRV"),
        ("lab.test", "CAA"),
        ("lab.test", "TYPE65400"),
        ("lab.test", "ANY"),
        ("lab.test", "TXT"),
        ("odd.lab.test", "TXT"),
        ("lab.test", "MX"),
        ("host.lab.test", "A"),
        ("host.lab.test", "AAAA"),
        ("www.lab.test", "A"),
        ("missing.lab.test", "A"),
    ];
    for (name, qtype) in cases {
        compare(&dns.server, name, qtype);
    }
    eprintln!("dig: {} questions compared against dnsmasq", cases.len());
}

/// A responder that answers every query with `craft(query)`, on its own thread.
fn responder(craft: Craft) -> Responder {
    Responder::udp(craft)
}

/// An OPT record (UDP size 1232) carrying one EDE option with `code` and `text`.
fn opt_with_ede(code: u16, text: &[u8]) -> Vec<u8> {
    let option_len = 2 + text.len() as u16;
    let mut opt = vec![0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0];
    opt.extend_from_slice(&(4 + option_len).to_be_bytes());
    opt.extend_from_slice(&15u16.to_be_bytes());
    opt.extend_from_slice(&option_len.to_be_bytes());
    opt.extend_from_slice(&code.to_be_bytes());
    opt.extend_from_slice(text);
    opt
}

fn servfail_with_ede(query: &[u8], code: u16, text: &[u8]) -> Vec<u8> {
    let mut a = reply(query, 0x8182, 0); // QR RD RA SERVFAIL
    a[11] = 1; // ARCOUNT: the OPT record
    a.extend_from_slice(&opt_with_ede(code, text));
    a
}

#[test]
fn extended_dns_errors_match_dig() {
    let crafts: [Craft; 3] = [
        |q| Some(servfail_with_ede(q, 14, b"")),
        |q| Some(servfail_with_ede(q, 18, b"not for you")),
        |q| Some(servfail_with_ede(q, 3, b"")),
    ];
    for craft in crafts {
        let r = responder(craft);
        let (_, theirs) = dig(&r.server(), &["probe.test", "A"]);
        let (code, ours, err) = dns_query(&["probe.test", "--server", &r.server()]);
        assert_eq!(code, 0, "{err}");
        assert!(ours.contains("; EDE: "), "{ours}");
        assert_eq!(facts(&ours), facts(&theirs), "dns-query (left) vs dig (right)");
    }
}

/// A PTR answer whose target has bytes that must be escaped in presentation format.
fn odd_ptr(query: &[u8]) -> Option<Vec<u8>> {
    let mut a = reply(query, 0x8180, 1);
    let target: &[u8] = b"\x05a@b$c\x01\xc3\x03x y\x05semi;\x00";
    a.extend_from_slice(&[0xc0, 12, 0, 12, 0, 1, 0, 0, 0, 60, 0, target.len() as u8]);
    a.extend_from_slice(target);
    Some(a)
}

#[test]
fn escaped_names_match_dig_both_ways() {
    let r = responder(odd_ptr);
    for name in ["a\\.b.example", "\\064home.test", "x\\032y.test", "\\195.test."] {
        let (_, theirs) = dig(&r.server(), &[name, "PTR"]);
        let (code, ours, err) = dns_query(&[name, "-t", "PTR", "--server", &r.server()]);
        assert_eq!(code, 0, "{name}: {err}");
        assert_eq!(facts(&ours), facts(&theirs), "{name}: dns-query (left) vs dig (right)");
    }
    let (_, ours, _) = dns_query(&["a\\.b.example", "-t", "PTR", "--server", &r.server()]);
    assert_eq!(records(&ours, "QUESTION"), [";a\\.b.example. IN PTR"], "{ours}");
    assert_eq!(
        records(&ours, "ANSWER"),
        ["a\\.b.example. 60 IN PTR a\\@b\\$c.\\195.x\\032y.semi\\;."],
        "{ours}"
    );
}

#[test]
fn truncated_without_tcp_says_so_first_like_dig() {
    // UDP answers with TC set; nothing listens on TCP at that port.
    let r = responder(|q| Some(reply(q, 0x8380, 0)));
    let (_, theirs) = dig(&r.server(), &["probe.test", "A"]);
    let (code, ours, err) = dns_query(&["probe.test", "--server", &r.server(), "--timeout", "2"]);
    assert_eq!(code, 2, "{ours}");
    let line = ";; Truncated, retrying in TCP mode.";
    assert!(theirs.lines().any(|l| l == line), "dig: {theirs}");
    assert_eq!(ours.lines().next(), Some(line), "{ours}\n{err}");
    assert!(err.contains("connection refused") || err.contains("connect"), "{err}");
}

#[test]
fn empty_name_is_refused_and_dot_is_the_root_like_dig() {
    let r = responder(|q| Some(reply(q, 0x8180, 0)));
    let (dig_code, _) = dig(&r.server(), &[""]);
    let (code, _, err) = dns_query(&["", "--server", &r.server()]);
    assert_ne!(dig_code, 0, "dig accepts the empty name?");
    assert_eq!(code, 2);
    assert!(err.contains("empty name"), "{err}");
    let (_, theirs) = dig(&r.server(), &[".", "NS"]);
    let (code, ours, err) = dns_query(&[".", "-t", "NS", "--server", &r.server()]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(records(&ours, "QUESTION"), [";. IN NS"]);
    assert_eq!(facts(&ours), facts(&theirs));
}

/// Garbage, then a reply with the wrong ID, then the real answer: like dig, dns-query
/// ignores (and logs) the first two and prints the third.
#[test]
fn unparsable_and_mismatched_replies_are_ignored_until_the_answer() {
    let socket = UdpSocket::bind("127.0.0.1:0").expect("bind");
    let server = socket.local_addr().expect("addr").to_string();
    let serve = thread::spawn(move || {
        socket.set_read_timeout(Some(Duration::from_secs(20))).expect("timeout");
        let mut buf = [0u8; 512];
        let Ok((n, peer)) = socket.recv_from(&mut buf) else {
            return;
        };
        let query = &buf[..n];
        let mut wrong_id = good_answer(query);
        wrong_id[1] ^= 1;
        for packet in [vec![1, 2, 3], wrong_id, good_answer(query)] {
            let _ = socket.send_to(&packet, peer);
            thread::sleep(Duration::from_millis(20));
        }
    });
    let (code, out, err) = dns_query(&["probe.test", "--server", &server, "--tries", "1"]);
    let _ = serve.join();
    assert_eq!(code, 0, "{err}");
    assert_eq!(records(&out, "ANSWER"), ["probe.test. 3600 IN A 192.0.2.99"], "{out}");
    assert!(err.contains("ignored a 3-byte reply that does not parse"), "{err}");
    assert!(err.contains("ignored a reply with id"), "{err}");
}
