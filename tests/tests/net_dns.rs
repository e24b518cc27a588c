//! Black-box tests of `dns-query`: against a real DNS server (dnsmasq, started here on a
//! loopback port with fixed records), and against in-test responders on 127.0.0.1 that
//! answer with hostile packets (truncated, pointer loops, pointers out of range, lying
//! counts, wrong ID, no answer) or with the TC bit set and the full answer over TCP.

use std::io::{Read, Write};
use std::net::{TcpListener, UdpSocket};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use tests::{run_client, STEP};

fn dns_query(args: &[&str]) -> (i32, String, String) {
    let (status, out, err) = run_client("dns-query", args, b"");
    (status.code().unwrap_or(-1), out, err)
}

/// The record line of `section` whose fields start with `name`, whitespace collapsed.
fn records(out: &str, section: &str) -> Vec<String> {
    let title = format!(";; {section} SECTION:");
    out.lines()
        .skip_while(|l| *l != title)
        .skip(1)
        .take_while(|l| !l.is_empty())
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

// ---------------------------------------------------------------------------------------
// dnsmasq

/// dnsmasq in the foreground on 127.0.0.1:`port`, killed on drop.
struct Dnsmasq {
    child: Child,
    server: String,
}

impl Drop for Dnsmasq {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn dnsmasq_path() -> &'static str {
    let candidates = ["/usr/sbin/dnsmasq", "/usr/bin/dnsmasq"];
    let found = candidates.into_iter().find(|p| Path::new(p).exists());
    found.unwrap_or_else(|| {
        panic!("dnsmasq not found in /usr/sbin or /usr/bin: install it (apt-get install -y dnsmasq; .ci/run does)")
    })
}

fn free_udp_port() -> u16 {
    let socket = UdpSocket::bind("127.0.0.1:0").expect("bind a UDP socket to find a free port");
    socket.local_addr().expect("local_addr").port()
}

impl Dnsmasq {
    /// Start on a free port; a port taken between our probe and dnsmasq's bind is retried.
    fn start() -> Dnsmasq {
        for _ in 0..5 {
            let port = free_udp_port();
            let mut child = Command::new(dnsmasq_path())
                .args([
                    "--keep-in-foreground",
                    "--no-resolv",
                    "--no-hosts",
                    "--conf-file=/dev/null",
                    "--bind-interfaces",
                    "--listen-address=127.0.0.1",
                    "--user=root",
                    "--log-facility=-",
                    "--local-ttl=300",
                    "--local=/lab.test/",
                    "--address=/wild.test/192.0.2.10",
                    "--host-record=host.lab.test,192.0.2.20,2001:db8::20",
                    "--txt-record=lab.test,hello world",
                    "--mx-host=lab.test,mail.lab.test,10",
                    "--cname=www.lab.test,host.lab.test",
                ])
                .arg(format!("--port={port}"))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn dnsmasq");
            let server = format!("127.0.0.1:{port}");
            if wait_ready(&mut child, &server) {
                return Dnsmasq { child, server };
            }
            let _ = child.kill();
            let mut err = String::new();
            if let Some(mut stderr) = child.stderr.take() {
                let _ = stderr.read_to_string(&mut err);
            }
            let _ = child.wait();
            assert!(err.contains("in use"), "dnsmasq failed to start on port {port}:\n{err}");
        }
        panic!("dnsmasq: no free port after 5 tries");
    }
}

/// Ready when it answers; false if it exited (port collision), panic if neither within STEP.
fn wait_ready(child: &mut Child, server: &str) -> bool {
    let deadline = Instant::now() + STEP;
    while Instant::now() < deadline {
        if child.try_wait().expect("try_wait").is_some() {
            return false;
        }
        let (code, _, _) = dns_query(&["host.lab.test", "--server", server, "--timeout", "0.5", "--tries", "1"]);
        if code == 0 {
            return true;
        }
        thread::sleep(Duration::from_millis(50));
    }
    panic!("dnsmasq on {server} did not answer within {STEP:?}");
}

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

/// Where the question of our (well-formed) query ends: after the name, type and class.
fn question_end(query: &[u8]) -> usize {
    let mut pos = 12;
    while query[pos] != 0 {
        pos += 1 + usize::from(query[pos]);
    }
    pos + 1 + 4
}

/// A reply header and the query's question; `flags` 0x8180 = QR RD RA NOERROR.
fn reply(query: &[u8], flags: u16, ancount: u16) -> Vec<u8> {
    let mut out = query[..2].to_vec();
    for field in [flags, 1, ancount, 0, 0] {
        out.extend_from_slice(&field.to_be_bytes());
    }
    out.extend_from_slice(&query[12..question_end(query)]);
    out
}

/// One A record whose owner is a pointer to the question name (offset 12).
const A_RECORD: [u8; 16] = [0xc0, 12, 0, 1, 0, 1, 0, 0, 0x0e, 0x10, 0, 4, 192, 0, 2, 99];

fn good_answer(query: &[u8]) -> Vec<u8> {
    let mut out = reply(query, 0x8180, 1);
    out.extend_from_slice(&A_RECORD);
    out
}

type Craft = fn(&[u8]) -> Option<Vec<u8>>;

/// A UDP responder thread on 127.0.0.1 (and optionally a TCP one on the same port),
/// stopped and joined on drop.
struct Responder {
    port: u16,
    stop: Arc<AtomicBool>,
    threads: Vec<thread::JoinHandle<()>>,
}

impl Drop for Responder {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

impl Responder {
    fn udp(craft: Craft) -> Responder {
        let socket = UdpSocket::bind("127.0.0.1:0").expect("bind responder");
        Self::spawn(socket, None, craft)
    }

    /// UDP and TCP on one port number: probe UDP ports until TCP can bind the same one.
    fn udp_and_tcp(craft: Craft, tcp_answer: Craft) -> Responder {
        for _ in 0..20 {
            let socket = UdpSocket::bind("127.0.0.1:0").expect("bind responder");
            let port = socket.local_addr().expect("addr").port();
            if let Ok(listener) = TcpListener::bind(("127.0.0.1", port)) {
                return Self::spawn(socket, Some((listener, tcp_answer)), craft);
            }
        }
        panic!("no port free for both UDP and TCP");
    }

    fn spawn(socket: UdpSocket, tcp: Option<(TcpListener, Craft)>, craft: Craft) -> Responder {
        let port = socket.local_addr().expect("addr").port();
        let stop = Arc::new(AtomicBool::new(false));
        let mut threads = Vec::new();
        let flag = stop.clone();
        threads.push(thread::spawn(move || serve_udp(&socket, craft, &flag)));
        if let Some((listener, answer)) = tcp {
            let flag = stop.clone();
            threads.push(thread::spawn(move || serve_tcp(&listener, answer, &flag)));
        }
        Responder { port, stop, threads }
    }

    fn server(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }
}

fn serve_udp(socket: &UdpSocket, craft: Craft, stop: &AtomicBool) {
    socket
        .set_read_timeout(Some(Duration::from_millis(50)))
        .expect("timeout");
    let mut buf = [0u8; 4096];
    while !stop.load(Ordering::SeqCst) {
        if let Ok((n, peer)) = socket.recv_from(&mut buf) {
            if let Some(answer) = craft(&buf[..n]) {
                let _ = socket.send_to(&answer, peer);
            }
        }
    }
}

fn serve_tcp(listener: &TcpListener, craft: Craft, stop: &AtomicBool) {
    listener.set_nonblocking(true).expect("nonblocking");
    while !stop.load(Ordering::SeqCst) {
        let Ok((mut stream, _)) = listener.accept() else {
            thread::sleep(Duration::from_millis(20));
            continue;
        };
        let _ = stream.set_nonblocking(false);
        let _ = stream.set_read_timeout(Some(STEP));
        let mut len = [0u8; 2];
        if stream.read_exact(&mut len).is_err() {
            continue;
        }
        let mut query = vec![0u8; usize::from(u16::from_be_bytes(len))];
        if stream.read_exact(&mut query).is_err() {
            continue;
        }
        if let Some(answer) = craft(&query) {
            let mut framed = (answer.len() as u16).to_be_bytes().to_vec();
            framed.extend_from_slice(&answer);
            let _ = stream.write_all(&framed);
        }
    }
}

/// Run dns-query against a responder; it must fail with exit 2 and `needle` on stderr.
fn assert_rejected(craft: Craft, extra: &[&str], needle: &str) {
    let responder = Responder::udp(craft);
    let server = responder.server();
    let mut args = vec!["probe.test", "--server", server.as_str()];
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

#[test]
fn truncated_packet_is_an_error() {
    assert_rejected(
        |q| {
            let mut a = good_answer(q);
            a.truncate(a.len() - 3);
            Some(a)
        },
        &[],
        "malformed answer: answer record 1 of 1",
    );
}

#[test]
fn packet_shorter_than_a_header_is_an_error() {
    assert_rejected(|q| Some(q[..5].to_vec()), &[], "shorter than the 12-byte header");
}

#[test]
fn compression_pointer_loop_is_an_error() {
    assert_rejected(
        |q| {
            let mut a = reply(q, 0x8180, 1);
            let here = a.len() as u8; // the record's name points at itself
            a.extend_from_slice(&[0xc0, here, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 1, 2, 3, 4]);
            Some(a)
        },
        &[],
        "compression pointer loop",
    );
}

#[test]
fn compression_pointer_out_of_range_is_an_error() {
    assert_rejected(
        |q| {
            let mut a = reply(q, 0x8180, 1);
            a.extend_from_slice(&[0xff, 0xff, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 1, 2, 3, 4]);
            Some(a)
        },
        &[],
        "beyond the end",
    );
}

#[test]
fn counts_that_lie_are_an_error() {
    assert_rejected(
        |q| {
            let mut a = good_answer(q);
            a[7] = 5; // ANCOUNT 5, one record present
            Some(a)
        },
        &[],
        "answer record 2 of 5",
    );
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
