//! Sending a query and getting its answer: UDP to port 53 with a timeout and retries, TCP
//! when the UDP answer is truncated (TC bit) or `--tcp` is asked (RFC 1035 §4.2, RFC 7766).
//!
//! System calls, in `strace dns-query` order: `socket(AF_INET, SOCK_DGRAM)`, `connect` (so
//! the kernel drops datagrams from any other address, and reports ICMP "port unreachable" as
//! `ECONNREFUSED`), `sendto`, then `recvfrom` with `SO_RCVTIMEO` set to what is left of the
//! attempt. The TCP side is in [`super::tcp`].
//!
//! Every answer goes through [`check_answer`]: one with the wrong ID, for another question,
//! or shorter than a header is *ignored* and logged (it may be forged or garbage from
//! anyone, RFC 5452; dig does the same) and we keep waiting until the deadline, where the
//! error says what was ignored. A reply with our ID is taken as dig takes it, even broken:
//! QR not set, sections cut short, OPT misplaced ([`super::lenient`] reads what it can and
//! the printout warns), or a packet that cannot be read at all (shown as a hex dump). The whole exchange, retries and TCP included, ends by
//! `Options::timeout`: no path can hang. Read [`exchange`] first.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::io;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

use super::lenient::{parse_best_effort, Parsed};
use super::message::{parse_head, parse_header, Question, Reader, TC};
use super::tcp::tcp_exchange;
use super::DnsError;

/// The largest DNS message: TCP lengths are 16 bits, UDP datagrams are smaller.
const MAX_MESSAGE: usize = 65535;

#[derive(Clone, Debug)]
pub struct Options {
    pub server: SocketAddr,
    /// Skip UDP and ask over TCP straight away.
    pub tcp: bool,
    /// Budget for the whole exchange, split evenly between the UDP tries.
    pub timeout: Duration,
    /// How many times the UDP query is sent before giving up.
    pub tries: u32,
}

/// An accepted answer and how it came.
#[derive(Clone, Debug)]
pub struct Answer {
    pub bytes: Vec<u8>,
    pub reply: Reply,
    /// "UDP" or "TCP".
    pub transport: &'static str,
    pub elapsed: Duration,
    /// The UDP answer had TC set and this one came over TCP instead.
    pub retried_over_tcp: bool,
}

/// What the query asked: an answer must repeat it.
#[derive(Clone, Debug)]
pub struct Expect {
    pub id: u16,
    pub question: Question,
}

/// What an accepted reply turned out to be.
#[derive(Clone, Debug)]
pub enum Reply {
    /// Read, perhaps only in part (`Parsed::malformed`).
    Parsed(Parsed),
    /// Unreadable, in dig's words ("bad compression pointer").
    BadPacket(&'static str),
}

/// The outcome of looking at one received message.
#[derive(Debug)]
pub enum Verdict {
    Accept(Reply),
    /// Right ID and question, TC set: ask again over TCP.
    Truncated,
    /// Not an answer to our query; the reason, for the final error message.
    Ignore(String),
}

/// A query ID that an off-path attacker cannot guess: std's `RandomState` is seeded from the
/// OS random source (`getrandom(2)`), which is all we need without another crate.
pub fn random_id() -> u16 {
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u128(Instant::now().elapsed().as_nanos());
    hasher.finish() as u16
}

/// What the query asks, read back from its own bytes so it cannot drift from what was sent.
pub fn expectation(query: &[u8]) -> Result<Expect, DnsError> {
    let (header, mut questions) = parse_head(query)?;
    let question = questions
        .pop()
        .ok_or_else(|| DnsError::BadName("query has no question".into()))?;
    Ok(Expect {
        id: header.id,
        question,
    })
}

/// Decide whether `bytes` answers `expect`: ID first (cheap, and says nothing about the
/// rest), then as much of the message as can be read, then the question, then TC. QR is
/// not required (dig warns "query response not set" and shows the reply); a reply too
/// short to hold a header is ignored, with the reason.
pub fn check_answer(bytes: &[u8], expect: &Expect) -> Verdict {
    match judge(bytes, expect) {
        Ok(verdict) => verdict,
        Err(e) => Verdict::Ignore(format!("a {}-byte reply that does not parse ({e})", bytes.len())),
    }
}

fn judge(bytes: &[u8], expect: &Expect) -> Result<Verdict, DnsError> {
    let header = parse_header(&mut Reader::new(bytes))?;
    if header.id != expect.id {
        return Ok(Verdict::Ignore(format!(
            "a reply with id {} instead of {}",
            header.id, expect.id
        )));
    }
    let parsed = match parse_best_effort(bytes) {
        Ok(parsed) => parsed,
        Err(DnsError::BadPacket(said, why)) => {
            log::info!("bad packet: {said}: {why}");
            return Ok(Verdict::Accept(Reply::BadPacket(said)));
        }
        Err(e) => return Err(e),
    };
    let questions = &parsed.message.questions;
    // No question to compare: an error that omits it, or a message cut before it.
    let nothing_to_compare = questions.is_empty() && (header.rcode() != 0 || parsed.malformed);
    if !nothing_to_compare && !same_question(questions, &expect.question) {
        return Ok(Verdict::Ignore("a reply for another question".into()));
    }
    if header.has(TC) {
        return Ok(Verdict::Truncated);
    }
    Ok(Verdict::Accept(Reply::Parsed(parsed)))
}

fn same_question(questions: &[Question], q: &Question) -> bool {
    match questions {
        [only] => only.qtype == q.qtype && only.qclass == q.qclass && only.name.eq_ignore_case(&q.name),
        _ => false,
    }
}

/// Send `query` and return the first acceptable answer, over UDP then TCP if truncated;
/// `on_truncated` runs before the TCP attempt (dig prints `;; Truncated, retrying in TCP
/// mode.` there, so the line appears even when TCP then fails).
pub fn exchange(query: &[u8], opts: &Options, on_truncated: &mut dyn FnMut()) -> Result<Answer, DnsError> {
    let expect = expectation(query)?;
    let start = Instant::now();
    let deadline = start + opts.timeout;
    let mut retried_over_tcp = false;
    if !opts.tcp {
        match udp_exchange(query, &expect, opts, start)? {
            UdpOutcome::Answer(bytes, reply) => {
                let elapsed = start.elapsed();
                return Ok(Answer {
                    bytes,
                    reply,
                    transport: "UDP",
                    elapsed,
                    retried_over_tcp,
                });
            }
            UdpOutcome::Truncated => {
                retried_over_tcp = true;
                on_truncated();
            }
        }
    }
    let (bytes, reply) = tcp_exchange(query, &expect, opts.server, deadline)?;
    Ok(Answer {
        bytes,
        reply,
        transport: "TCP",
        elapsed: start.elapsed(),
        retried_over_tcp,
    })
}

enum UdpOutcome {
    Answer(Vec<u8>, Reply),
    Truncated,
}

fn udp_socket(server: SocketAddr) -> Result<UdpSocket, DnsError> {
    let local: SocketAddr = match server {
        SocketAddr::V4(_) => (Ipv4Addr::UNSPECIFIED, 0).into(),
        SocketAddr::V6(_) => (Ipv6Addr::UNSPECIFIED, 0).into(),
    };
    let io = |what: &str, e: io::Error| DnsError::Io(format!("{what} {server}: {e}"));
    let socket = UdpSocket::bind(local).map_err(|e| io("bind for", e))?;
    socket.connect(server).map_err(|e| io("connect to", e))?;
    Ok(socket)
}

/// `tries` attempts, each given an equal share of the timeout; a late answer to an earlier
/// attempt still counts (same ID, same socket).
fn udp_exchange(query: &[u8], expect: &Expect, opts: &Options, start: Instant) -> Result<UdpOutcome, DnsError> {
    let socket = udp_socket(opts.server)?;
    let tries = opts.tries.max(1);
    let mut ignored = Vec::new();
    let mut buf = vec![0u8; MAX_MESSAGE];
    for attempt in 1..=tries {
        socket
            .send(query)
            .map_err(|e| DnsError::Io(format!("send to {}: {e}", opts.server)))?;
        let attempt_deadline = start + opts.timeout.mul_f64(f64::from(attempt) / f64::from(tries));
        while let Some(left) = attempt_deadline
            .checked_duration_since(Instant::now())
            .filter(|d| !d.is_zero())
        {
            let _ = socket.set_read_timeout(Some(left));
            let n = match socket.recv(&mut buf) {
                Ok(n) => n,
                Err(e) if is_timeout(&e) => break,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) if e.kind() == io::ErrorKind::ConnectionRefused => {
                    return Err(DnsError::Io(format!(
                        "{}: connection refused (no DNS server listening on that port)",
                        opts.server
                    )))
                }
                Err(e) => return Err(DnsError::Io(format!("recv from {}: {e}", opts.server))),
            };
            match check_answer(&buf[..n], expect) {
                Verdict::Accept(reply) => return Ok(UdpOutcome::Answer(buf[..n].to_vec(), reply)),
                Verdict::Truncated => return Ok(UdpOutcome::Truncated),
                Verdict::Ignore(why) => {
                    log::warn!("ignored {why}");
                    ignored.push(why);
                }
            }
        }
    }
    let mut why = format!(
        "{} did not answer over UDP within {:.1} s ({tries} tries)",
        opts.server,
        opts.timeout.as_secs_f64()
    );
    if let Some(last) = ignored.last() {
        why.push_str(&format!(
            "; ignored {} {} that did not match the query or did not parse, last: {last}",
            ignored.len(),
            if ignored.len() == 1 { "reply" } else { "replies" }
        ));
    }
    Err(DnsError::Timeout(why))
}

pub(crate) fn is_timeout(e: &io::Error) -> bool {
    matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dns::message::build_query;
    use crate::dns::RecordType;

    fn answer_to(query: &[u8]) -> Vec<u8> {
        let mut a = query.to_vec();
        a[2] |= 0x80;
        a
    }

    #[test]
    fn verdicts() {
        let query = build_query(7, "a.test", RecordType::A, true, false).expect("query");
        let expect = expectation(&query).expect("expect");
        assert!(matches!(check_answer(&answer_to(&query), &expect), Verdict::Accept(_)));
        let mut wrong_id = answer_to(&query);
        wrong_id[1] = 8;
        assert!(matches!(check_answer(&wrong_id, &expect), Verdict::Ignore(w) if w.contains("id 8")));
        // Our own query echoed back: QR is not set, dig shows it anyway (with a warning).
        let echoed = check_answer(&query, &expect);
        assert!(matches!(&echoed, Verdict::Accept(Reply::Parsed(p)) if !p.message.header.has(crate::dns::message::QR)));
        let mut tc = answer_to(&query);
        tc[2] |= 0x02;
        assert!(matches!(check_answer(&tc, &expect), Verdict::Truncated));
        let mut other = answer_to(&query);
        other[13] = b'b';
        assert!(matches!(check_answer(&other, &expect), Verdict::Ignore(_)));
        let mut upper = answer_to(&query);
        upper[13] = b'A';
        assert!(matches!(check_answer(&upper, &expect), Verdict::Accept(_)));
        let short = check_answer(&[0, 7, 0x80], &expect);
        assert!(matches!(short, Verdict::Ignore(w) if w.contains("3-byte reply that does not parse")));
    }
}
