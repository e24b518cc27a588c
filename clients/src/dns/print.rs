//! dig's output layout, so `dns-query` and `dig` can be read side by side with the lecture's
//! `dig google.com` slide: `;; ->>HEADER<<-`, the flags, each section, the query time and the
//! server, and dig's warnings about a broken reply. Pure formatting of a parsed [`super::message::Message`];
//! read [`render`].

use std::fmt::Write;
use std::net::SocketAddr;

use super::edns;
use super::lenient::{hex_dump, Parsed};
use super::message::{Header, Record, AA, AD, CD, QR, RA, RD, TC};
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
/// An OPT record out of place is shown as a record, with no data (as dig does).
pub fn record_line(r: &Record) -> String {
    let name = r.name.to_string();
    let class = class_name(r.class);
    let data = if r.rtype == RecordType::Opt {
        String::new()
    } else {
        r.data.to_string()
    };
    let line = format!("{name:<23} {:<7} {class:<7} {:<7} {data}", r.ttl, r.rtype.to_string());
    line.trim_end().to_string()
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

/// The warnings dig prints before everything else.
fn early_warnings(out: &mut String, parsed: &Parsed) {
    let before = out.len();
    if !parsed.message.header.has(QR) {
        out.push_str(";; Warning: query response not set\n");
    }
    if parsed.malformed {
        out.push_str(";; Warning: Message parser reports malformed message packet.\n");
    }
    if out.len() > before {
        out.push('\n');
    }
}

/// The warnings dig prints under the flags line: a server that will not recurse for us,
/// and bytes nobody could read.
fn header_warnings(out: &mut String, parsed: &Parsed) {
    let h = &parsed.message.header;
    if h.has(RD) && !h.has(RA) {
        out.push_str(";; WARNING: recursion requested but not available\n");
    }
    if parsed.extra > 0 {
        let _ = writeln!(out, ";; WARNING: Message has {} extra bytes at end", parsed.extra);
    }
}

/// A server that does not understand EDNS answers FORMERR or NOTIMP, without an OPT record:
/// dig suggests asking again without one (its `+noedns`, our `--no-edns`).
fn edns_warning(out: &mut String, parsed: &Parsed, edns_sent: bool) {
    let m = &parsed.message;
    let rcode = m.header.rcode();
    let has_opt = m.additional.iter().any(|r| r.rtype == RecordType::Opt);
    if edns_sent && !has_opt && (rcode == 1 || rcode == 4) {
        let _ = writeln!(
            out,
            ";; WARNING: EDNS query returned status {} - retry with '--no-edns'\n",
            rcode_name(rcode)
        );
    }
}

/// What dig prints for a packet it cannot read: the reason, then the bytes.
pub fn render_bad_packet(said: &str, bytes: &[u8]) -> String {
    format!(";; Got bad packet: {said}\n{}", hex_dump(bytes))
}

/// The whole printout of a reply; `edns_sent` says whether the query carried an OPT record.
pub fn render(query_text: &str, parsed: &Parsed, meta: &Meta, edns_sent: bool) -> String {
    let m = &parsed.message;
    let h = &m.header;
    let mut out = String::new();
    early_warnings(&mut out, parsed);
    let _ = write!(out, "; <<>> dns-query <<>> {query_text}\n;; Got answer:\n");
    let status = rcode_name(h.rcode());
    let _ = writeln!(
        out,
        ";; ->>HEADER<<- opcode: {}, status: {status}, id: {}",
        opcode_name(h.opcode()),
        h.id
    );
    let _ = writeln!(
        out,
        ";; flags: {}; QUERY: {}, ANSWER: {}, AUTHORITY: {}, ADDITIONAL: {}",
        flags_text(h),
        h.qdcount,
        h.ancount,
        h.nscount,
        h.arcount
    );
    header_warnings(&mut out, parsed);
    out.push('\n');
    edns_warning(&mut out, parsed, edns_sent);
    // The first OPT of the additional section is the pseudo-section; any other is a record.
    let first_opt = m.additional.iter().position(|r| r.rtype == RecordType::Opt);
    if let Some(opt) = first_opt.map(|i| &m.additional[i]) {
        opt_pseudosection(&mut out, opt);
    }
    let additional: Vec<&Record> = m
        .additional
        .iter()
        .enumerate()
        .filter(|(i, _)| Some(*i) != first_opt)
        .map(|(_, r)| r)
        .collect();
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
        let parsed = Parsed {
            message: parse_message(&msg).expect("parses"),
            ..Parsed::default()
        };
        let meta = Meta {
            server: "192.168.201.127:53".parse().expect("addr"),
            transport: "UDP",
            millis: 9,
            size: msg.len(),
        };
        let text = render("google.com A", &parsed, &meta, false);
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
