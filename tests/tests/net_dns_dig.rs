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

/// The facts both outputs must share: status, flags and counts, every section's records,
/// dig's warnings (our flag is `--no-edns` where dig's is `+noedns`), and for a packet that
/// cannot be read, the reason and the whole hex dump.
fn facts(out: &str) -> Vec<String> {
    let mut facts = Vec::new();
    if let Some(at) = out.find(";; Got bad packet: ") {
        facts.extend(out[at..].lines().take_while(|l| !l.is_empty()).map(str::to_string));
        // The first two bytes are the query's random ID: in hex at 0..5, as text at 57..59.
        if let Some(first) = facts.get_mut(2) {
            if first.len() >= 59 && first.is_char_boundary(59) {
                *first = format!("id id{}..{}", &first[5..57], &first[59..]);
            }
        }
        return facts;
    }
    for line in out.lines() {
        if line.starts_with(";; Warning: ") || line.starts_with(";; WARNING: ") {
            facts.push(line.replace("'+noedns'", "'--no-edns'"));
        }
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

/// Replies dig reads with a warning, in part, or not at all; one craft per case.
const MALFORMED: [(&str, Craft); 13] = [
    ("QR not set", |q| {
        let mut a = good_answer(q);
        a[2] &= 0x7f;
        Some(a)
    }),
    ("pointer beyond the end", |q| {
        let mut a = reply(q, 0x8180, 1);
        a.extend_from_slice(&[0xc0, 0xff]);
        a.extend_from_slice(&A_RECORD[2..]);
        Some(a)
    }),
    ("pointer to itself", |q| {
        let mut a = reply(q, 0x8180, 1);
        let here = a.len() as u8;
        a.extend_from_slice(&[0xc0, here]);
        a.extend_from_slice(&A_RECORD[2..]);
        Some(a)
    }),
    ("pointer forwards", |q| {
        let mut a = reply(q, 0x8180, 1);
        let ahead = a.len() as u8 + 4;
        a.extend_from_slice(&[0xc0, ahead]);
        a.extend_from_slice(&A_RECORD[2..]);
        Some(a)
    }),
    ("label type 0x40", |q| {
        let mut a = reply(q, 0x8180, 1);
        a.extend_from_slice(&[0x41, b'x']);
        a.extend_from_slice(&A_RECORD[2..]);
        Some(a)
    }),
    ("OPT in the answer section", |q| {
        let mut a = good_answer(q);
        a[7] = 2;
        a.extend_from_slice(&OPT_RECORD);
        Some(a)
    }),
    ("two OPT records", |q| {
        let mut a = good_answer(q);
        a[11] = 2;
        a.extend_from_slice(&OPT_RECORD);
        a.extend_from_slice(&OPT_RECORD);
        Some(a)
    }),
    ("truncated name", |q| {
        let mut a = reply(q, 0x8180, 1);
        a.extend_from_slice(b"\x05abc");
        Some(a)
    }),
    ("RDATA cut short", |q| {
        let mut a = good_answer(q);
        a.truncate(a.len() - 3);
        Some(a)
    }),
    ("ANCOUNT 5, one record", |q| {
        let mut a = good_answer(q);
        a[7] = 5;
        Some(a)
    }),
    ("extra bytes", |q| {
        let mut a = good_answer(q);
        a.extend_from_slice(&[1, 2, 3]);
        Some(a)
    }),
    ("NOTIMP to EDNS", |q| Some(reply(q, 0x8184, 0))),
    ("FORMERR to EDNS", |q| Some(reply(q, 0x8181, 0))),
];

/// An OPT record, UDP size 1232, no options.
const OPT_RECORD: [u8; 11] = [0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0, 0];

#[test]
fn malformed_replies_are_shown_as_dig_shows_them() {
    for (case, craft) in MALFORMED {
        let r = responder(craft);
        let (dig_code, theirs) = dig(&r.server(), &["probe.test", "A"]);
        let (code, ours, err) = dns_query(&["probe.test", "--server", &r.server(), "--timeout", "2"]);
        assert_eq!(code, dig_code, "{case}: dig {dig_code}, ours {code}: {err}\n{ours}");
        let (ours_facts, theirs_facts) = (facts(&ours), facts(&theirs));
        assert!(
            ours_facts
                .iter()
                .any(|f| f.to_lowercase().contains("warning") || f.contains("bad packet")),
            "{case}: no warning:\n{ours}"
        );
        assert_eq!(
            ours_facts, theirs_facts,
            "{case}: dns-query (left) differs from dig (right)"
        );
        assert!(!err.contains("panicked"), "{err}");
    }
    eprintln!("dig: {} malformed replies compared", MALFORMED.len());
}

/// `name` in wire format (labels, then the root).
fn wire_name(name: &str) -> Vec<u8> {
    let mut out = Vec::new();
    for label in name.split('.').filter(|l| !l.is_empty()) {
        out.push(label.len() as u8);
        out.extend_from_slice(label.as_bytes());
    }
    out.push(0);
    out
}

/// A character-string: its length byte, then its bytes.
fn cs(text: &[u8]) -> Vec<u8> {
    [&[text.len() as u8][..], text].concat()
}

/// An SvcParam: key, length, value.
fn param(key: u16, value: &[u8]) -> Vec<u8> {
    [&key.to_be_bytes()[..], &(value.len() as u16).to_be_bytes(), value].concat()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// (owner, type, RDATA) for every type dig decodes beyond the basic ones: NAPTR, HINFO,
/// SSHFP, TLSA, DS, DNSKEY (keys and digests long enough to be cut in 56-character
/// chunks), SVCB and HTTPS (service and alias mode, known and unknown keys, escapes).
fn presentation_records() -> Vec<(&'static str, u16, Vec<u8>)> {
    let counting = |from: u8, n: u8| (from..from + n).collect::<Vec<u8>>();
    let svcb = [
        &1u16.to_be_bytes()[..],
        &wire_name("svc.lab.test"),
        &param(0, &3u16.to_be_bytes()),
        &param(1, &[cs(b"h2"), cs(b"h3")].concat()),
        &param(3, &8443u16.to_be_bytes()),
        &param(4, &[192, 0, 2, 1, 192, 0, 2, 2]),
        &param(6, &"2001:db8::1".parse::<std::net::Ipv6Addr>().expect("v6").octets()),
    ]
    .concat();
    let https = [
        &1u16.to_be_bytes()[..],
        &wire_name("."),
        &param(1, &[cs(b"h3"), cs(b"h2,x")].concat()),
        &param(2, b""),
        &param(5, &counting(0, 10)),
        &param(7, b"/dns-query{?dns}"),
        &param(65000, b"ab\x01"),
    ]
    .concat();
    vec![
        (
            "naptr.lab.test",
            35,
            [
                &[0, 100, 0, 10][..],
                &cs(b"S"),
                &cs(b"SIP+D2U"),
                &cs(b"!^.*$!sip:info@lab.test!"),
                &wire_name("_sip._udp.lab.test"),
            ]
            .concat(),
        ),
        (
            "naptr2.lab.test",
            35,
            [&[0, 200, 0, 5, 0, 0, 0][..], &wire_name(".")].concat(),
        ),
        ("hinfo.lab.test", 13, [cs(b"PC"), cs(b"Linux 6 \"x\"")].concat()),
        ("sshfp.lab.test", 44, [&[1, 1][..], &counting(0, 20)].concat()),
        ("sshfp2.lab.test", 44, [&[4, 2][..], &counting(100, 32)].concat()),
        ("tlsa.lab.test", 52, [&[3, 1, 1][..], &counting(200, 32)].concat()),
        ("ds.lab.test", 43, [&[0x30, 0x39, 13, 2][..], &counting(0, 32)].concat()),
        ("ds1.lab.test", 43, [&[0x09, 0x43, 8, 1][..], &counting(0, 20)].concat()),
        ("dnskey.lab.test", 48, [&[1, 1, 3, 13][..], &counting(0, 64)].concat()),
        ("dnskey2.lab.test", 48, [&[1, 0, 3, 8][..], &counting(1, 130)].concat()),
        ("svcb.lab.test", 64, svcb),
        ("https.lab.test", 65, https),
        ("alias.lab.test", 65, [&[0, 0][..], &wire_name("www.lab.test")].concat()),
    ]
}

#[test]
fn presentation_types_match_dig_against_dnsmasq() {
    let table = presentation_records();
    let options: Vec<String> = table
        .iter()
        .map(|(owner, rtype, rdata)| format!("--dns-rr={owner},{rtype},{}", hex(rdata)))
        .collect();
    let mut args = vec!["--auth-server=ns.lab.test,127.0.0.1", "--auth-zone=lab.test"];
    args.extend(options.iter().map(String::as_str));
    let dns = Dnsmasq::start_with(&args);
    let by_name = [
        (35, "NAPTR"),
        (13, "HINFO"),
        (44, "SSHFP"),
        (52, "TLSA"),
        (43, "DS"),
        (48, "DNSKEY"),
        (64, "SVCB"),
        (65, "HTTPS"),
    ];
    for (owner, rtype, _) in &table {
        // Asked by name: the command line knows every one of these types.
        let qtype = by_name.iter().find(|(n, _)| n == rtype).map_or("", |(_, t)| *t);
        compare(&dns.server, owner, qtype);
        let (_, ours, _) = dns_query(&[owner, "-t", qtype, "--server", &dns.server]);
        let answer = records(&ours, "ANSWER");
        assert!(
            answer.iter().all(|r| !r.contains("\\#")),
            "{owner}: still in RFC 3597 form: {answer:?}"
        );
    }
    eprintln!("dig: {} records of 8 more types compared against dnsmasq", table.len());
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
