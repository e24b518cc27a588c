//! Shared by the dns-query tests: run `dns-query`, read a section of its output, start
//! dnsmasq on a free loopback port with given records, and in-test UDP/TCP responders on
//! 127.0.0.1 that answer with crafted packets.

#![allow(dead_code)] // each test file uses its own part

use std::io::{Read, Write};
use std::net::{TcpListener, UdpSocket};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use tests::{run_client, STEP};

pub fn dns_query(args: &[&str]) -> (i32, String, String) {
    let (status, out, err) = run_client("dns-query", args, b"");
    (status.code().unwrap_or(-1), out, err)
}

/// The record line of `section` whose fields start with `name`, whitespace collapsed.
pub fn records(out: &str, section: &str) -> Vec<String> {
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
pub struct Dnsmasq {
    child: Child,
    pub server: String,
}

impl Drop for Dnsmasq {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn dnsmasq_path() -> &'static str {
    let candidates = ["/usr/sbin/dnsmasq", "/usr/bin/dnsmasq"];
    let found = candidates.into_iter().find(|p| Path::new(p).exists());
    found.unwrap_or_else(|| {
        panic!("dnsmasq not found in /usr/sbin or /usr/bin: install it (apt-get install -y dnsmasq; .ci/run does)")
    })
}

pub fn free_udp_port() -> u16 {
    let socket = UdpSocket::bind("127.0.0.1:0").expect("bind a UDP socket to find a free port");
    socket.local_addr().expect("local_addr").port()
}

impl Dnsmasq {
    /// The lab records of net_dns.rs, local (non-authoritative) answers with TTL 300.
    pub fn start() -> Dnsmasq {
        Self::start_with(&[
            "--local-ttl=300",
            "--local=/lab.test/",
            "--address=/wild.test/192.0.2.10",
            "--host-record=host.lab.test,192.0.2.20,2001:db8::20",
            "--txt-record=lab.test,hello world",
            "--mx-host=lab.test,mail.lab.test,10",
            "--cname=www.lab.test,host.lab.test",
        ])
    }

    /// Start on a free port with these record options; a port taken between our probe and
    /// dnsmasq's bind is retried.
    pub fn start_with(records: &[&str]) -> Dnsmasq {
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
                ])
                .args(records)
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
pub fn wait_ready(child: &mut Child, server: &str) -> bool {
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

// ---------------------------------------------------------------------------------------
// In-test responders

/// Where the question of our (well-formed) query ends: after the name, type and class.
pub fn question_end(query: &[u8]) -> usize {
    let mut pos = 12;
    while query[pos] != 0 {
        pos += 1 + usize::from(query[pos]);
    }
    pos + 1 + 4
}

/// A reply header and the query's question; `flags` 0x8180 = QR RD RA NOERROR.
pub fn reply(query: &[u8], flags: u16, ancount: u16) -> Vec<u8> {
    let mut out = query[..2].to_vec();
    for field in [flags, 1, ancount, 0, 0] {
        out.extend_from_slice(&field.to_be_bytes());
    }
    out.extend_from_slice(&query[12..question_end(query)]);
    out
}

/// One A record whose owner is a pointer to the question name (offset 12).
pub const A_RECORD: [u8; 16] = [0xc0, 12, 0, 1, 0, 1, 0, 0, 0x0e, 0x10, 0, 4, 192, 0, 2, 99];

pub fn good_answer(query: &[u8]) -> Vec<u8> {
    let mut out = reply(query, 0x8180, 1);
    out.extend_from_slice(&A_RECORD);
    out
}

pub type Craft = fn(&[u8]) -> Option<Vec<u8>>;

/// A UDP responder thread on 127.0.0.1 (and optionally a TCP one on the same port),
/// stopped and joined on drop.
pub struct Responder {
    pub port: u16,
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
    pub fn udp(craft: Craft) -> Responder {
        let socket = UdpSocket::bind("127.0.0.1:0").expect("bind responder");
        Self::spawn(socket, None, craft)
    }

    /// UDP and TCP on one port number: probe UDP ports until TCP can bind the same one.
    pub fn udp_and_tcp(craft: Craft, tcp_answer: Craft) -> Responder {
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

    pub fn server(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }
}

pub fn serve_udp(socket: &UdpSocket, craft: Craft, stop: &AtomicBool) {
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

pub fn serve_tcp(listener: &TcpListener, craft: Craft, stop: &AtomicBool) {
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
