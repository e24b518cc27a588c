//! dig's output layout, so `dns-query` and `dig` can be read side by side with the lecture's
//! `dig google.com` slide: `;; ->>HEADER<<-`, the flags, each section, the query time and the
//! server. Pure formatting of a parsed [`Message`]; read [`render`].

use std::fmt::Write;
use std::net::SocketAddr;

use super::edns;
use super::message::{Header, Message, Record, AA, AD, CD, QR, RA, RD, TC};
use super::rdata::RData;
use super::{class_name, RecordType};

/// What dig shows below the sections: how the answer came.
#[derive(Clone, Debug)]
pub struct Meta {
    pub server: SocketAddr,
    /// "UDP" or "TCP".
    pub transport: &'static str,
    pub millis: u128,
    pub size: usize,
}

pub fn opcode_name(opcode: u16) -> String {
    match opcode {
        0 => "QUERY".into(),
        1 => "IQUERY".into(),
        2 => "STATUS".into(),
        4 => "NOTIFY".into(),
        5 => "UPDATE".into(),
        other => format!("OPCODE{other}"),
    }
}

pub fn rcode_name(rcode: u16) -> String {
    const NAMES: [&str; 11] = [
        "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH",
        "NOTZONE",
    ];
    NAMES
        .get(usize::from(rcode))
        .map_or_else(|| format!("RCODE{rcode}"), |n| n.to_string())
}

fn flags_text(h: &Header) -> String {
    let names = [
        (QR, "qr"),
        (AA, "aa"),
        (TC, "tc"),
        (RD, "rd"),
        (RA, "ra"),
        (AD, "ad"),
        (CD, "cd"),
    ];
    let set: Vec<&str> = names.iter().filter(|(bit, _)| h.has(*bit)).map(|(_, n)| *n).collect();
    set.join(" ")
}

/// One resource record: `name.  TTL  IN  TYPE  data`, columns as wide as dig's tabs.
pub fn record_line(r: &Record) -> String {
    let name = r.name.to_string();
    let class = class_name(r.class);
    format!(
        "{name:<23} {:<7} {class:<7} {:<7} {}",
        r.ttl,
        r.rtype.to_string(),
        r.data
    )
}

fn section(out: &mut String, title: &str, records: &[&Record]) {
    if records.is_empty() {
        return;
    }
    let _ = writeln!(out, ";; {title} SECTION:");
    for r in records {
        let _ = writeln!(out, "{}", record_line(r));
    }
    out.push('\n');
}

/// The EDNS line: version and DO flag live in the OPT record's TTL, the size in its class.
fn opt_pseudosection(out: &mut String, opt: &Record) {
    let version = (opt.ttl >> 16) & 0xff;
    let flags = if opt.ttl & 0x8000 != 0 { " do" } else { "" };
    let _ = writeln!(out, ";; OPT PSEUDOSECTION:");
    let _ = writeln!(out, "; EDNS: version: {version}, flags:{flags}; udp: {}", opt.class);
    if let RData::Raw(options) = &opt.data {
        for line in edns::ede_lines(options) {
            let _ = writeln!(out, "{line}");
        }
    }
}

pub fn render(query_text: &str, m: &Message, meta: &Meta) -> String {
    let h = &m.header;
    let mut out = format!("; <<>> dns-query <<>> {query_text}\n;; Got answer:\n");
    let status = rcode_name(h.rcode());
    let _ = writeln!(
        out,
        ";; ->>HEADER<<- opcode: {}, status: {status}, id: {}",
        opcode_name(h.opcode()),
        h.id
    );
    let _ = writeln!(
        out,
        ";; flags: {}; QUERY: {}, ANSWER: {}, AUTHORITY: {}, ADDITIONAL: {}\n",
        flags_text(h),
        h.qdcount,
        h.ancount,
        h.nscount,
        h.arcount
    );
    let (opt, additional): (Vec<&Record>, Vec<&Record>) = m.additional.iter().partition(|r| r.rtype == RecordType::Opt);
    if let Some(opt) = opt.first() {
        opt_pseudosection(&mut out, opt);
    }
    out.push_str(";; QUESTION SECTION:\n");
    for q in &m.questions {
        let name = format!(";{}", q.name);
        let _ = writeln!(out, "{name:<23} {:<7} {:<7} {}", "", class_name(q.qclass), q.qtype);
    }
    out.push('\n');
    section(&mut out, "ANSWER", &m.answers.iter().collect::<Vec<_>>());
    section(&mut out, "AUTHORITY", &m.authority.iter().collect::<Vec<_>>());
    section(&mut out, "ADDITIONAL", &additional);
    let _ = writeln!(out, ";; Query time: {} msec", meta.millis);
    let ip = meta.server.ip();
    let _ = writeln!(out, ";; SERVER: {ip}#{}({ip}) ({})", meta.server.port(), meta.transport);
    let _ = writeln!(out, ";; MSG SIZE  rcvd: {}", meta.size);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dns::message::{build_query, parse_message};

    #[test]
    fn dig_layout() {
        let mut msg = build_query(35279, "google.com", RecordType::A, true, false).expect("query");
        msg[2] = 0x81;
        msg[3] = 0x80;
        msg[7] = 1;
        msg.extend_from_slice(&[0xc0, 12, 0, 1, 0, 1, 0, 0, 1, 14, 0, 4, 216, 58, 204, 110]);
        let m = parse_message(&msg).expect("parses");
        let meta = Meta {
            server: "192.168.201.127:53".parse().expect("addr"),
            transport: "UDP",
            millis: 9,
            size: msg.len(),
        };
        let text = render("google.com A", &m, &meta);
        assert!(
            text.contains(";; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 35279\n"),
            "{text}"
        );
        assert!(text.contains(";; flags: qr rd ra; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 0\n"));
        assert!(text.contains(";; QUESTION SECTION:\n;google.com."), "{text}");
        let answer: Vec<&str> = text
            .lines()
            .skip_while(|l| !l.contains("ANSWER SECTION"))
            .nth(1)
            .unwrap_or_default()
            .split_whitespace()
            .collect();
        assert_eq!(answer, ["google.com.", "270", "IN", "A", "216.58.204.110"]);
        assert!(
            text.contains(";; SERVER: 192.168.201.127#53(192.168.201.127) (UDP)\n"),
            "{text}"
        );
        assert!(!text.contains("AUTHORITY SECTION"));
    }

    #[test]
    fn unknown_codes_have_names() {
        assert_eq!(rcode_name(3), "NXDOMAIN");
        assert_eq!(rcode_name(15), "RCODE15");
        assert_eq!(opcode_name(9), "OPCODE9");
    }
}
