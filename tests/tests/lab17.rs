//! Lab 17 grader (labs/17-dns-by-hand): the student's `dns-by-hand` builds a DNS query byte by
//! byte, sends it over UDP and reads the answer. Checked against dnsmasq (real answers, with
//! compression) and against responders of this file on 127.0.0.1 that send crafted packets:
//! far pointers, another query's id, truncated messages, pointer loops.

mod dns_common;
mod lab_common;

use dns_common::{question_end, reply, Dnsmasq};
use lab_common::run::{run_bounded, Run};
use lab_common::Steps;
use std::net::UdpSocket;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

/// How long one run of the client may take (its own `--timeout` is 1 s).
const LIMIT: Duration = Duration::from_secs(4);

/// The answer lines of a run, whitespace collapsed: `NAME TTL IN TYPE DATA`.
fn records(run: &Run) -> Vec<String> {
    run.out
        .lines()
        .skip_while(|l| !l.starts_with(";; ANSWER SECTION:"))
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

fn dns_by_hand(args: &[&str]) -> Run {
    let mut all = args.to_vec();
    all.extend_from_slice(&["--timeout", "1"]);
    run_bounded("dns-by-hand", &all, b"", LIMIT)
}

/// The datagrams to send back for one query.
type Craft = fn(&[u8]) -> Vec<Vec<u8>>;

/// A UDP responder on 127.0.0.1 that answers each query with `craft`'s datagrams and keeps
/// the queries it received; stopped on drop.
struct Responder {
    server: String,
    stop: Arc<AtomicBool>,
    thread: Option<thread::JoinHandle<Vec<Vec<u8>>>>,
}

impl Responder {
    fn start(craft: Craft) -> Responder {
        let socket = UdpSocket::bind("127.0.0.1:0").expect("bind a responder");
        socket
            .set_read_timeout(Some(Duration::from_millis(50)))
            .expect("SO_RCVTIMEO");
        let server = socket.local_addr().expect("local_addr").to_string();
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = thread::spawn(move || {
            let mut queries = Vec::new();
            let mut buf = [0u8; 4096];
            while !flag.load(Ordering::SeqCst) {
                if let Ok((n, peer)) = socket.recv_from(&mut buf) {
                    queries.push(buf[..n].to_vec());
                    if well_formed(&buf[..n]) {
                        for datagram in craft(&buf[..n]) {
                            let _ = socket.send_to(&datagram, peer);
                        }
                    }
                }
            }
            queries
        });
        Responder {
            server,
            stop,
            thread: Some(thread),
        }
    }

    /// Stop and return the queries received.
    fn queries(mut self) -> Vec<Vec<u8>> {
        self.stop.store(true, Ordering::SeqCst);
        self.thread.take().and_then(|t| t.join().ok()).unwrap_or_default()
    }
}

impl Drop for Responder {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Can our crafting functions read this query (a header and a terminated name)?
fn well_formed(query: &[u8]) -> bool {
    let mut pos = 12;
    while pos < query.len() && query[pos] != 0 {
        if query[pos] & 0xc0 != 0 {
            return false;
        }
        pos += 1 + usize::from(query[pos]);
    }
    pos + 5 <= query.len()
}

/// An A record: owner bytes, TTL 60, the address.
fn a_record(owner: &[u8], addr: [u8; 4]) -> Vec<u8> {
    let mut r = owner.to_vec();
    r.extend_from_slice(&[0, 1, 0, 1, 0, 0, 0, 60, 0, 4]);
    r.extend_from_slice(&addr);
    r
}

/// QNAME bytes of a dotted name.
fn qname(name: &str) -> Vec<u8> {
    let mut out = Vec::new();
    for label in name.trim_end_matches('.').split('.') {
        out.push(label.len() as u8);
        out.extend_from_slice(label.as_bytes());
    }
    out.push(0);
    out
}

fn good(query: &[u8]) -> Vec<u8> {
    let mut out = reply(query, 0x8180, 1);
    out.extend_from_slice(&a_record(&[0xc0, 12], [192, 0, 2, 99]));
    out
}

#[test]
fn lab17_query_is_well_formed() {
    let mut steps = Steps::new("lab17_query_is_well_formed");
    let mut ids = Vec::new();
    for (name, ty, qtype) in [
        ("host.lab.test", "A", 1u16),
        ("a.b", "AAAA", 28),
        ("lab.test.", "MX", 15),
    ] {
        steps.step(&format!(
            "dns-by-hand {name} {ty} --server RESPONDER; read the query it sent"
        ));
        let responder = Responder::start(|q| vec![good(q)]);
        let run = dns_by_hand(&[name, ty, "--server", &responder.server]);
        let queries = responder.queries();
        let query = queries.first().cloned().unwrap_or_default();
        let mut expected = vec![0, 0, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0];
        expected.extend_from_slice(&qname(name));
        expected.extend_from_slice(&qtype.to_be_bytes());
        expected.extend_from_slice(&[0, 1]);
        if query.len() >= 2 {
            expected[..2].copy_from_slice(&query[..2]);
            ids.push(u16::from_be_bytes([query[0], query[1]]));
        }
        steps.expect(
            queries.len() == 1 && query == expected,
            &format!("dns-by-hand {name} {ty}"),
            &format!("{} datagram(s), the first {query:02x?} ({})", queries.len(), run.said()),
            &format!("one datagram: {expected:02x?}"),
            "RFC 1035 §4.1: header = id, flags 0x0100 (RD), QDCOUNT 1, three zero counts; the name as \
             length-prefixed labels ending with a 0 byte (a trailing dot is the same name); QTYPE; \
             QCLASS 1 (IN); every u16 big-endian (to_be_bytes, htons)",
        );
        steps.expect(
            run.code() == Some(0)
                && records(&run)
                    == ["host.lab.test. 60 IN A 192.0.2.99"
                        .replace("host.lab.test.", &format!("{}.", name.trim_end_matches('.')))],
            &format!("dns-by-hand {name} {ty}, answered with one A record"),
            &run.said(),
            &format!(
                "exit 0 and the record `{}. 60 IN A 192.0.2.99`",
                name.trim_end_matches('.')
            ),
            "the answer's record is printed like dig's ANSWER SECTION (README: output)",
        );
    }
    steps.step("the three queries carry different ids");
    ids.sort_unstable();
    ids.dedup();
    steps.expect(
        ids.len() == 3,
        "three queries",
        &format!("ids {ids:?}"),
        "three different ids",
        "the id is how the client recognises its answer: a fixed id lets any host forge one \
         (RFC 5452); draw a new one per query",
    );
    steps.step("a name with a 64-byte label: refused before anything is sent");
    let responder = Responder::start(|q| vec![good(q)]);
    let long = format!("{}.test", "x".repeat(64));
    let run = dns_by_hand(&[&long, "--server", &responder.server]);
    let sent = responder.queries().len();
    steps.expect(
        run.code() == Some(2) && sent == 0 && !run.err.trim().is_empty(),
        &format!("dns-by-hand {long}"),
        &format!("{sent} datagram(s) sent; {}", run.said()),
        "exit 2, a message on stderr, no datagram",
        "a label is 1 to 63 bytes: its length byte has two high bits that mean 'pointer' (RFC 1035 §2.3.4)",
    );
}

#[test]
fn lab17_answers_from_dnsmasq() {
    let mut steps = Steps::new("lab17_answers_from_dnsmasq");
    steps.step("start dnsmasq on 127.0.0.1 with the lab's records");
    let dns = Dnsmasq::start_with(&[
        "--local-ttl=300",
        "--local=/lab.test/",
        "--host-record=host.lab.test,192.0.2.20,2001:db8::20",
        "--mx-host=lab.test,mail.lab.test,10",
        "--mx-host=lab.test,mx2.lab.test,20",
        "--cname=www.lab.test,host.lab.test",
    ]);
    let cases: [(&str, &str, &[&str]); 4] = [
        ("host.lab.test", "A", &["host.lab.test. 300 IN A 192.0.2.20"]),
        ("host.lab.test", "AAAA", &["host.lab.test. 300 IN AAAA 2001:db8::20"]),
        (
            "lab.test",
            "MX",
            &[
                "lab.test. 300 IN MX 10 mail.lab.test.",
                "lab.test. 300 IN MX 20 mx2.lab.test.",
            ],
        ),
        (
            "www.lab.test",
            "A",
            &[
                "www.lab.test. 300 IN CNAME host.lab.test.",
                "host.lab.test. 300 IN A 192.0.2.20",
            ],
        ),
    ];
    for (name, ty, want) in cases {
        steps.step(&format!("dns-by-hand {name} {ty} --server DNSMASQ"));
        let run = dns_by_hand(&[name, ty, "--server", &dns.server]);
        let mut got = records(&run);
        got.sort();
        let mut want: Vec<String> = want.iter().map(|s| s.to_string()).collect();
        want.sort();
        steps.expect(
            run.code() == Some(0) && run.out.contains("status: NOERROR") && got == want,
            &format!("{name} {ty}"),
            &format!("records {got:?}; {}", run.said()),
            &format!("exit 0, status: NOERROR, records {want:?}"),
            "each record: owner name (often a compression pointer), TYPE, CLASS, TTL (32 bits), \
             RDLENGTH, then RDATA: 4 bytes (A), 16 (AAAA), preference + name (MX), a name (CNAME); \
             the next record starts RDLENGTH bytes after the RDATA starts",
        );
    }
    steps.step("dns-by-hand nope.lab.test --server DNSMASQ (no such name)");
    let run = dns_by_hand(&["nope.lab.test", "--server", &dns.server]);
    steps.expect(
        run.code() == Some(0) && run.out.contains("status: NXDOMAIN") && records(&run).is_empty(),
        "nope.lab.test A",
        &run.said(),
        "exit 0, status: NXDOMAIN, no record",
        "RCODE 3 (the low 4 bits of the flags) is an answer, not an error of the client",
    );
}

/// Far pointers: a 300-byte record of an unknown type pushes the next owner past byte 255.
fn far(query: &[u8]) -> Vec<Vec<u8>> {
    let mut out = reply(query, 0x8180, 4);
    out.extend_from_slice(&[0xc0, 12, 0, 10, 0, 1, 0, 0, 0, 60, 0x01, 0x2c]);
    out.extend_from_slice(&[0xab; 300]);
    let far_at = out.len();
    out.extend_from_slice(&a_record(&qname("far.lab.test"), [192, 0, 2, 1]));
    let pointer = [0xc0 | (far_at >> 8) as u8, far_at as u8];
    out.extend_from_slice(&a_record(&pointer, [192, 0, 2, 2]));
    let mut mixed = vec![1, b'x'];
    mixed.extend_from_slice(&pointer);
    out.extend_from_slice(&a_record(&mixed, [192, 0, 2, 3]));
    vec![out]
}

#[test]
fn lab17_compression_pointers() {
    let mut steps = Steps::new("lab17_compression_pointers");
    steps.step("an answer of 4 records: TYPE10 of 300 bytes, far.lab.test, a pointer to it at byte > 255, x + pointer");
    let responder = Responder::start(far);
    let run = dns_by_hand(&["q.lab.test", "--server", &responder.server]);
    let want = [
        "q.lab.test. 60 IN TYPE10 \\# 300",
        "far.lab.test. 60 IN A 192.0.2.1",
        "far.lab.test. 60 IN A 192.0.2.2",
        "x.far.lab.test. 60 IN A 192.0.2.3",
    ];
    steps.expect(
        run.code() == Some(0) && records(&run) == want,
        "q.lab.test A",
        &format!("records {:?}; {}", records(&run), run.said()),
        &format!("exit 0, records {want:?}"),
        "a pointer is 14 bits: (first byte & 0x3f) << 8 | second byte; labels may come before it; \
         an unknown type is printed `TYPEn \\# LEN` and skipped by its RDLENGTH (RFC 3597)",
    );
}

fn other_id_then_ours(query: &[u8]) -> Vec<Vec<u8>> {
    let mut forged = reply(query, 0x8180, 1);
    let id = u16::from_be_bytes([query[0], query[1]]).wrapping_add(1);
    forged[..2].copy_from_slice(&id.to_be_bytes());
    forged.extend_from_slice(&a_record(&[0xc0, 12], [203, 0, 113, 66]));
    vec![forged, good(query)]
}

fn other_id_only(query: &[u8]) -> Vec<Vec<u8>> {
    vec![other_id_then_ours(query).remove(0)]
}

#[test]
fn lab17_wrong_id_ignored() {
    let mut steps = Steps::new("lab17_wrong_id_ignored");
    steps.step("the responder sends an answer with id+1 (203.0.113.66), then the real one (192.0.2.99)");
    let responder = Responder::start(other_id_then_ours);
    let run = dns_by_hand(&["id.lab.test", "--server", &responder.server]);
    steps.expect(
        run.code() == Some(0) && records(&run) == ["id.lab.test. 60 IN A 192.0.2.99"],
        "id.lab.test A",
        &format!("records {:?}; {}", records(&run), run.said()),
        "exit 0 and only `id.lab.test. 60 IN A 192.0.2.99`",
        "a datagram whose id is not the query's is not the answer: drop it and keep waiting \
         (until the deadline) for the one that is",
    );
    steps.step("the responder sends only the answer with id+1: a timeout, not that answer");
    let responder = Responder::start(other_id_only);
    let started = Instant::now();
    let run = dns_by_hand(&["id.lab.test", "--server", &responder.server]);
    steps.expect(
        run.code() == Some(1) && records(&run).is_empty() && started.elapsed() < Duration::from_secs(3),
        "id.lab.test A --timeout 1",
        &format!("after {:?}: {}", started.elapsed(), run.said()),
        "exit 1 after about 1 s (the --timeout), no record",
        "the deadline bounds the whole wait, dropped datagrams included (recompute the remaining \
         time before each recvfrom)",
    );
}

fn truncated(query: &[u8], keep: usize) -> Vec<Vec<u8>> {
    let mut whole = good(query);
    whole.truncate(keep.min(whole.len() - 1));
    vec![whole]
}

fn header_only(q: &[u8]) -> Vec<Vec<u8>> {
    truncated(q, 8)
}
fn mid_question(q: &[u8]) -> Vec<Vec<u8>> {
    truncated(q, 15)
}
fn mid_record(q: &[u8]) -> Vec<Vec<u8>> {
    truncated(q, question_end(q) + 5)
}
fn mid_rdata(q: &[u8]) -> Vec<Vec<u8>> {
    truncated(q, question_end(q) + 14)
}

fn self_loop(query: &[u8]) -> Vec<Vec<u8>> {
    let mut out = reply(query, 0x8180, 1);
    let at = out.len();
    out.extend_from_slice(&a_record(&[0xc0 | (at >> 8) as u8, at as u8], [192, 0, 2, 1]));
    vec![out]
}

fn two_step_loop(query: &[u8]) -> Vec<Vec<u8>> {
    let mut out = reply(query, 0x8180, 1);
    let at = out.len();
    // A label, then a pointer back to that label: a.a.a.a... forever.
    out.extend_from_slice(&a_record(&[1, b'a', 0xc0 | (at >> 8) as u8, at as u8], [192, 0, 2, 1]));
    vec![out]
}

fn past_the_end(query: &[u8]) -> Vec<Vec<u8>> {
    let mut out = reply(query, 0x8180, 1);
    out.extend_from_slice(&a_record(&[0xc3, 0xff], [192, 0, 2, 1]));
    vec![out]
}

#[test]
fn lab17_hostile_answers_refused() {
    let mut steps = Steps::new("lab17_hostile_answers_refused");
    let cases: [(&str, Craft); 7] = [
        ("an answer cut to 8 bytes (half a header)", header_only),
        ("an answer cut inside the question", mid_question),
        ("an answer cut inside the record's fields", mid_record),
        ("an answer cut inside the record's RDATA", mid_rdata),
        ("an owner name that is a pointer to itself", self_loop),
        ("an owner name `a` + a pointer back to the `a`", two_step_loop),
        ("an owner name pointing past the end of the message", past_the_end),
    ];
    for (what, craft) in cases {
        steps.step(&format!("the responder sends {what}"));
        let responder = Responder::start(craft);
        let run = dns_by_hand(&["evil.lab.test", "--server", &responder.server]);
        steps.expect(
            run.code() == Some(1) && records(&run).is_empty() && !run.err.trim().is_empty(),
            &format!("evil.lab.test A, answered with {what}"),
            &run.said(),
            "exit 1 with a message on stderr (malformed answer), no record, no panic, at once",
            "every read checks the message's length first (msg.get(..) rather than msg[..]), and a \
             name follows a bounded number of pointers: a hostile server must not crash nor hang \
             its client",
        );
    }
}
