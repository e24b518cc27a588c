//! Black-box tests of `dns-query`: against a real DNS server (dnsmasq, started here on a
//! loopback port with fixed records), and against in-test responders on 127.0.0.1 that
//! answer with hostile packets (truncated, pointer loops, pointers out of range, lying
//! counts: shown as dig shows them; wrong ID, shorter than a header, no answer: ignored
//! until the timeout) or with the TC bit set and the full answer over TCP.

mod dns_common;

use dns_common::*;

#[test]
fn dnsmasq_a_record_in_dig_layout() {
    let dns = Dnsmasq::start();
    let (code, out, err) = dns_query(&["host.lab.test", "--server", &dns.server]);
    assert_eq!(code, 0, "{err}");
    let header = out
        .lines()
        .find(|l| l.starts_with(";; ->>HEADER<<-"))
        .unwrap_or_default();
    assert!(
        header.starts_with(";; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: "),
        "{out}"
    );
    let flags = out.lines().find(|l| l.starts_with(";; flags:")).unwrap_or_default();
    assert!(flags.starts_with(";; flags: qr aa rd ra;"), "{out}");
    assert!(
        flags.ends_with("QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1"),
        "{out}"
    );
    assert!(out.contains("; EDNS: version: 0, flags:; udp: "), "{out}");
    assert_eq!(records(&out, "QUESTION"), [";host.lab.test. IN A"]);
    assert_eq!(records(&out, "ANSWER"), ["host.lab.test. 300 IN A 192.0.2.20"]);
    assert!(
        out.contains(&format!(
            ";; SERVER: 127.0.0.1#{}(127.0.0.1) (UDP)\n",
            dns.server.rsplit(':').next().unwrap_or_default()
        )),
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.starts_with(";; Query time: ") && l.ends_with(" msec")),
        "{out}"
    );
}

#[test]
fn dnsmasq_other_record_types() {
    let dns = Dnsmasq::start();
    let s = dns.server.as_str();
    let cases: [(&[&str], &str); 5] = [
        (
            &["host.lab.test", "--type", "AAAA"],
            "host.lab.test. 300 IN AAAA 2001:db8::20",
        ),
        (&["lab.test", "--type", "txt"], "lab.test. 300 IN TXT \"hello world\""),
        (&["lab.test", "--type", "MX"], "lab.test. 300 IN MX 10 mail.lab.test."),
        (
            &["-x", "192.0.2.20"],
            "20.2.0.192.in-addr.arpa. 300 IN PTR host.lab.test.",
        ),
        (&["anything.wild.test"], "anything.wild.test. 300 IN A 192.0.2.10"),
    ];
    for (args, expected) in cases {
        let mut all = args.to_vec();
        all.extend(["--server", s]);
        let (code, out, err) = dns_query(&all);
        assert_eq!(code, 0, "{args:?}: {err}");
        assert_eq!(records(&out, "ANSWER"), [expected], "{args:?}:\n{out}");
    }
}

#[test]
fn dnsmasq_cname_over_tcp_and_nxdomain() {
    let dns = Dnsmasq::start();
    let (code, out, err) = dns_query(&["www.lab.test", "--tcp", "--server", &dns.server]);
    assert_eq!(code, 0, "{err}");
    let answer = records(&out, "ANSWER");
    assert_eq!(
        answer.first().map(String::as_str),
        Some("www.lab.test. 300 IN CNAME host.lab.test."),
        "{out}"
    );
    assert!(
        answer.contains(&"host.lab.test. 300 IN A 192.0.2.20".to_string()),
        "{out}"
    );
    assert!(out.contains("(TCP)\n"), "{out}");

    let (code, out, _) = dns_query(&["missing.lab.test", "--server", &dns.server]);
    assert_eq!(code, 0, "an NXDOMAIN answer is still an answer, as for dig");
    assert!(out.contains("status: NXDOMAIN"), "{out}");
    assert!(records(&out, "ANSWER").is_empty(), "{out}");
}

// ---------------------------------------------------------------------------------------
// In-test responders

/// Run dns-query against a responder; it must fail with exit 2 and `needle` on stderr.
/// A reply that is not ours (wrong ID) or not even a header is ignored like a forged one,
/// so the run ends at its timeout (1 s unless `extra` says otherwise) naming the last reply
/// it ignored.
fn assert_rejected(craft: Craft, extra: &[&str], needle: &str) {
    let responder = Responder::udp(craft);
    let server = responder.server();
    let mut args = vec!["probe.test", "--server", server.as_str()];
    if extra.is_empty() {
        args.extend(["--timeout", "1", "--tries", "1"]);
    }
    args.extend_from_slice(extra);
    let (code, out, err) = dns_query(&args);
    assert_eq!(code, 2, "expected a failure; stdout:\n{out}\nstderr:\n{err}");
    assert!(err.contains(needle), "stderr lacks {needle:?}:\n{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(!out.contains("ANSWER SECTION"), "{out}");
}

#[test]
fn a_well_formed_answer_from_the_responder_is_accepted() {
    let responder = Responder::udp(|q| Some(good_answer(q)));
    let (code, out, err) = dns_query(&["probe.test", "--server", &responder.server()]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(records(&out, "ANSWER"), ["probe.test. 3600 IN A 192.0.2.99"]);
}

/// dns-query against a responder that answers with `craft`: (exit code, stdout).
fn shown(craft: Craft) -> (i32, String) {
    let responder = Responder::udp(craft);
    let server = responder.server();
    let (code, out, err) = dns_query(&["probe.test", "--server", &server, "--timeout", "2"]);
    assert!(!err.contains("panicked"), "{err}");
    (code, out)
}

/// A reply with our ID is shown as dig shows it, even broken (net_dns_dig.rs compares each
/// case with dig): what could be read, and the warnings.
#[test]
fn truncated_packet_is_shown_in_part_with_warnings() {
    let (code, out) = shown(|q| {
        let mut a = good_answer(q);
        a.truncate(a.len() - 3);
        Some(a)
    });
    assert_eq!(code, 0, "{out}");
    assert!(
        out.starts_with(";; Warning: Message parser reports malformed message packet.\n"),
        "{out}"
    );
    assert!(out.contains(";; WARNING: Message has 1 extra bytes at end\n"), "{out}");
    assert_eq!(records(&out, "QUESTION"), [";probe.test. IN A"], "{out}");
    assert!(!out.contains("ANSWER SECTION"), "{out}");
}

#[test]
fn packet_shorter_than_a_header_is_an_error() {
    assert_rejected(|q| Some(q[..5].to_vec()), &[], "shorter than the 12-byte header");
}

#[test]
fn compression_pointer_loop_is_a_bad_packet_dumped_in_hex() {
    let (code, out) = shown(|q| {
        let mut a = reply(q, 0x8180, 1);
        let here = a.len() as u8; // the record's name points at itself
        a.extend_from_slice(&[0xc0, here, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 1, 2, 3, 4]);
        Some(a)
    });
    assert_eq!(code, 0, "{out}");
    let mut lines = out.lines();
    assert_eq!(
        lines.next(),
        Some(";; Got bad packet: bad compression pointer"),
        "{out}"
    );
    assert_eq!(lines.next(), Some("44 bytes"), "{out}");
    assert_eq!(lines.count(), 3, "three lines of 16 bytes at most:\n{out}");
}

#[test]
fn compression_pointer_out_of_range_is_a_bad_packet() {
    let (code, out) = shown(|q| {
        let mut a = reply(q, 0x8180, 1);
        a.extend_from_slice(&[0xff, 0xff, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 1, 2, 3, 4]);
        Some(a)
    });
    assert_eq!(code, 0, "{out}");
    // 0xff 0xff: a pointer (top bits 11) to offset 0x3fff, far past the 44 bytes.
    assert!(
        out.starts_with(";; Got bad packet: bad compression pointer\n44 bytes\n"),
        "{out}"
    );
    assert!(out.contains("ff ff 00 01"), "{out}");
}

#[test]
fn counts_that_lie_show_what_is_there() {
    let (code, out) = shown(|q| {
        let mut a = good_answer(q);
        a[7] = 5; // ANCOUNT 5, one record present
        Some(a)
    });
    assert_eq!(code, 0, "{out}");
    assert!(
        out.starts_with(";; Warning: Message parser reports malformed message packet.\n"),
        "{out}"
    );
    assert!(out.contains("ANSWER: 5,"), "{out}");
    assert_eq!(records(&out, "ANSWER"), ["probe.test. 3600 IN A 192.0.2.99"], "{out}");
}

#[test]
fn wrong_id_is_ignored_then_reported() {
    assert_rejected(
        |q| {
            let mut a = good_answer(q);
            a[1] ^= 0x01;
            Some(a)
        },
        &["--timeout", "1", "--tries", "2"],
        "did not match the query",
    );
}

#[test]
fn silent_server_times_out_after_retries() {
    assert_rejected(
        |_| None,
        &["--timeout", "1", "--tries", "2"],
        "did not answer over UDP within 1.0 s (2 tries)",
    );
}

#[test]
fn truncated_udp_answer_falls_back_to_tcp() {
    let responder = Responder::udp_and_tcp(|q| Some(reply(q, 0x8380, 0)), |q| Some(good_answer(q)));
    let (code, out, err) = dns_query(&["probe.test", "--server", &responder.server()]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with(";; Truncated, retrying in TCP mode.\n"), "{out}");
    assert_eq!(records(&out, "ANSWER"), ["probe.test. 3600 IN A 192.0.2.99"]);
    assert!(
        out.contains(&format!("#{}(127.0.0.1) (TCP)\n", responder.port)),
        "{out}"
    );
}

#[test]
fn connection_refused_and_bad_input_exit_2() {
    let port = free_udp_port(); // nothing listens there once the probe socket is closed
    let server = format!("127.0.0.1:{port}");
    let (code, _, err) = dns_query(&["probe.test", "--server", &server, "--timeout", "2"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("connection refused") || err.contains("did not answer"),
        "{err}"
    );
    let (code, _, err) = dns_query(&["a..b", "--server", &server]);
    assert_eq!(code, 2);
    assert!(err.contains("invalid name"), "{err}");
    let (code, _, err) = dns_query(&["x.test", "--type", "BOGUS"]);
    assert_eq!(code, 2);
    assert!(err.contains("invalid value 'BOGUS'"), "{err}");
    let (code, _, err) = dns_query(&["x.test", "--server", "dns.example"]);
    assert_eq!(code, 2);
    assert!(err.contains("invalid server"), "{err}");
}
