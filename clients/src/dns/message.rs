//! A DNS message (RFC 1035 §4.1): a 12-byte header, then the question, answer, authority and
//! additional sections. [`build_query`] writes one; [`parse_message`] reads one back.
//!
//! ```text
//!  ID (16) | QR OPCODE(4) AA TC RD RA Z AD CD RCODE(4) | QDCOUNT | ANCOUNT | NSCOUNT | ARCOUNT
//! ```
//!
//! The counts come from the network and may lie: nothing is preallocated from them, and each
//! record is read through a [`Reader`] that checks the length before every read. Read
//! [`parse_message`] first.

use super::name::{encode_name, read_name, Name};
use super::rdata::{parse_rdata, RData};
use super::{DnsError, RecordType};

/// Header flag bits, in the order dig prints them.
pub const QR: u16 = 0x8000;
pub const AA: u16 = 0x0400;
pub const TC: u16 = 0x0200;
pub const RD: u16 = 0x0100;
pub const RA: u16 = 0x0080;
pub const AD: u16 = 0x0020;
pub const CD: u16 = 0x0010;
pub const HEADER_LEN: usize = 12;
/// EDNS0 (RFC 6891): the UDP payload size we advertise, the DNS Flag Day 2020 value.
pub const EDNS_UDP_SIZE: u16 = 1232;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Header {
    /// Chosen at random by the client; the answer must carry the same (RFC 5452).
    pub id: u16,
    /// QR, OPCODE, AA, TC, RD, RA, Z, AD, CD and RCODE packed as on the wire.
    pub flags: u16,
    pub qdcount: u16,
    pub ancount: u16,
    pub nscount: u16,
    pub arcount: u16,
}

impl Header {
    pub fn opcode(&self) -> u16 {
        (self.flags >> 11) & 0x0f
    }

    pub fn rcode(&self) -> u16 {
        self.flags & 0x0f
    }

    pub fn has(&self, flag: u16) -> bool {
        self.flags & flag != 0
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Question {
    pub name: Name,
    pub qtype: RecordType,
    pub qclass: u16,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    pub name: Name,
    pub rtype: RecordType,
    /// For OPT, the advertised UDP payload size instead of a class.
    pub class: u16,
    /// Seconds a cache may keep it; for OPT, extended RCODE, version and flags.
    pub ttl: u32,
    pub data: RData,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Message {
    pub header: Header,
    pub questions: Vec<Question>,
    pub answers: Vec<Record>,
    pub authority: Vec<Record>,
    pub additional: Vec<Record>,
}

/// A cursor over the message that never reads past its end.
pub struct Reader<'a> {
    pub msg: &'a [u8],
    pub pos: usize,
}

impl<'a> Reader<'a> {
    pub fn new(msg: &'a [u8]) -> Reader<'a> {
        Reader { msg, pos: 0 }
    }

    pub fn take(&mut self, n: usize) -> Result<&'a [u8], DnsError> {
        let bytes = self.pos.checked_add(n).and_then(|end| self.msg.get(self.pos..end));
        let bytes = bytes.ok_or_else(|| {
            DnsError::Malformed(format!(
                "needed {n} bytes at offset {} but the message is {} bytes long",
                self.pos,
                self.msg.len()
            ))
        })?;
        self.pos += n;
        Ok(bytes)
    }

    pub fn u16(&mut self) -> Result<u16, DnsError> {
        let b = self.take(2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }

    pub fn u32(&mut self) -> Result<u32, DnsError> {
        let b = self.take(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    pub fn name(&mut self) -> Result<Name, DnsError> {
        let (name, end) = read_name(self.msg, self.pos)?;
        self.pos = end;
        Ok(name)
    }
}

/// A query for `name`/`qtype` class IN, with RD set (ask the server to recurse) and, if
/// `edns`, an OPT record advertising [`EDNS_UDP_SIZE`].
pub fn build_query(id: u16, name: &str, qtype: RecordType, rd: bool, edns: bool) -> Result<Vec<u8>, DnsError> {
    let qname = encode_name(name)?;
    let mut out = Vec::with_capacity(HEADER_LEN + qname.len() + 4 + 11);
    let flags = if rd { RD } else { 0 };
    for field in [id, flags, 1, 0, 0, u16::from(edns)] {
        out.extend_from_slice(&field.to_be_bytes());
    }
    out.extend_from_slice(&qname);
    out.extend_from_slice(&qtype.code().to_be_bytes());
    out.extend_from_slice(&1u16.to_be_bytes());
    if edns {
        // Root name, TYPE=OPT, CLASS=payload size, TTL=0 (ext. rcode, version 0, no DO), RDLEN=0.
        out.push(0);
        out.extend_from_slice(&RecordType::Opt.code().to_be_bytes());
        out.extend_from_slice(&EDNS_UDP_SIZE.to_be_bytes());
        out.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
    }
    Ok(out)
}

pub fn parse_header(r: &mut Reader) -> Result<Header, DnsError> {
    if r.msg.len() < HEADER_LEN {
        return Err(DnsError::Malformed(format!(
            "{} bytes, shorter than the {HEADER_LEN}-byte header",
            r.msg.len()
        )));
    }
    Ok(Header {
        id: r.u16()?,
        flags: r.u16()?,
        qdcount: r.u16()?,
        ancount: r.u16()?,
        nscount: r.u16()?,
        arcount: r.u16()?,
    })
}

/// A question: its name, then type and class. Like every read here, each step (the name,
/// the 4 fixed bytes) is taken whole or not at all, as in BIND: after a failure the reader
/// stands after the last step that worked (what dig then counts as extra bytes).
pub(crate) fn parse_question(r: &mut Reader) -> Result<Question, DnsError> {
    let name = r.name()?;
    let fixed = r.take(4)?;
    Ok(Question {
        name,
        qtype: RecordType::from_code(u16::from_be_bytes([fixed[0], fixed[1]])),
        qclass: u16::from_be_bytes([fixed[2], fixed[3]]),
    })
}

/// Only the header and the questions: enough to match a truncated (TC) answer to its query.
pub fn parse_head(msg: &[u8]) -> Result<(Header, Vec<Question>), DnsError> {
    let mut r = Reader::new(msg);
    let header = parse_header(&mut r)?;
    let questions = parse_questions(&mut r, header.qdcount)?;
    Ok((header, questions))
}

fn parse_questions(r: &mut Reader, count: u16) -> Result<Vec<Question>, DnsError> {
    let mut questions = Vec::new();
    for i in 1..=count {
        let place = format!("question {i} of {count} (QDCOUNT may lie)");
        questions.push(parse_question(r).map_err(|e| e.context(&place))?);
    }
    Ok(questions)
}

/// A record: name; type and class; TTL and RDLENGTH; RDATA — each step whole or not at all.
pub(crate) fn parse_record(r: &mut Reader) -> Result<Record, DnsError> {
    let name = r.name()?;
    let kind = r.take(4)?;
    let rtype = RecordType::from_code(u16::from_be_bytes([kind[0], kind[1]]));
    let class = u16::from_be_bytes([kind[2], kind[3]]);
    let lengths = r.take(6)?;
    let ttl = u32::from_be_bytes([lengths[0], lengths[1], lengths[2], lengths[3]]);
    let rdlen = usize::from(u16::from_be_bytes([lengths[4], lengths[5]]));
    let start = r.pos;
    r.take(rdlen)?;
    let data = parse_rdata(r.msg, start, rdlen, rtype)?;
    Ok(Record {
        name,
        rtype,
        class,
        ttl,
        data,
    })
}

fn parse_section(r: &mut Reader, count: u16, section: &str) -> Result<Vec<Record>, DnsError> {
    let mut records = Vec::new();
    for i in 1..=count {
        let record =
            parse_record(r).map_err(|e| e.context(&format!("{section} record {i} of {count} (counts may lie)")))?;
        records.push(record);
    }
    Ok(records)
}

/// Parse a whole answer. Bytes after the last counted record are ignored, as dig does.
pub fn parse_message(msg: &[u8]) -> Result<Message, DnsError> {
    let mut r = Reader::new(msg);
    let header = parse_header(&mut r)?;
    let questions = parse_questions(&mut r, header.qdcount)?;
    let answers = parse_section(&mut r, header.ancount, "answer")?;
    let authority = parse_section(&mut r, header.nscount, "authority")?;
    let additional = parse_section(&mut r, header.arcount, "additional")?;
    Ok(Message {
        header,
        questions,
        answers,
        authority,
        additional,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An answer to `build_query(0x1234, "a.test", A, ..)` with one A record 192.0.2.1,
    /// its owner name compressed as a pointer to the question (offset 12).
    pub fn sample_answer() -> Vec<u8> {
        let mut msg = build_query(0x1234, "a.test", RecordType::A, true, false).expect("query");
        msg[2] = 0x81; // QR + RD
        msg[3] = 0x80; // RA, NOERROR
        msg[7] = 1; // ANCOUNT
        msg.extend_from_slice(&[0xc0, 12, 0, 1, 0, 1, 0, 0, 0x0e, 0x10, 0, 4, 192, 0, 2, 1]);
        msg
    }

    #[test]
    fn query_layout() {
        let q = build_query(0xabcd, "example.com", RecordType::Aaaa, true, true).expect("query");
        assert_eq!(&q[..12], &[0xab, 0xcd, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 1]);
        assert_eq!(&q[12..25], b"\x07example\x03com\x00");
        assert_eq!(&q[25..29], &[0, 28, 0, 1]);
        assert_eq!(&q[29..], &[0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0, 0]);
    }

    #[test]
    fn parse_answer_with_compression() {
        let m = parse_message(&sample_answer()).expect("parses");
        assert_eq!(m.header.id, 0x1234);
        assert!(m.header.has(QR) && m.header.has(RA) && !m.header.has(TC));
        assert_eq!(m.questions[0].name.to_string(), "a.test.");
        assert_eq!(m.answers.len(), 1);
        assert_eq!(m.answers[0].name.to_string(), "a.test.");
        assert_eq!(m.answers[0].ttl, 3600);
        assert_eq!(m.answers[0].data, RData::A("192.0.2.1".parse().expect("ip")));
    }

    #[test]
    fn every_truncation_is_an_error() {
        let full = sample_answer();
        for len in 0..full.len() {
            assert!(parse_message(&full[..len]).is_err(), "prefix of {len} bytes parsed");
        }
    }

    #[test]
    fn lying_counts_are_errors() {
        let mut msg = sample_answer();
        msg[7] = 5;
        let e = parse_message(&msg).expect_err("ANCOUNT 5");
        assert!(e.to_string().contains("answer record 2 of 5"), "{e}");
        let mut msg = sample_answer();
        msg[4..6].copy_from_slice(&0xffffu16.to_be_bytes());
        assert!(parse_message(&msg).is_err());
    }

    #[test]
    fn rdlength_past_the_end_is_an_error() {
        let mut msg = sample_answer();
        let n = msg.len();
        msg[n - 5] = 200; // RDLENGTH low byte
        assert!(parse_message(&msg).is_err());
    }
}
