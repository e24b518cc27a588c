//! Reading the answer (RFC 1035 §4.1): the header (id, flags, RCODE, four counts), the
//! question to skip, then resource records: owner name, TYPE, CLASS, TTL, RDLENGTH, RDATA.
//!
//! Names may be compressed (§4.1.4): a byte `11xxxxxx` starts a 14-bit pointer to an earlier
//! name in the message. A hostile server can make pointers loop, or point past the end, and
//! can cut the message anywhere: every read is bounds-checked and the number of jumps bounded.

use crate::query::{type_name, TYPE_A, TYPE_AAAA, TYPE_CNAME, TYPE_MX};
use std::net::{Ipv4Addr, Ipv6Addr};

/// The fields of the 12-byte header this client uses.
#[derive(Debug, PartialEq, Eq)]
pub struct Header {
    pub id: u16,
    pub flags: u16,
    pub qdcount: u16,
    pub ancount: u16,
}

/// One answer record, its data already decoded.
#[derive(Debug, PartialEq, Eq)]
pub struct Record {
    pub name: String,
    pub rtype: u16,
    pub ttl: u32,
    pub data: String,
}

#[derive(Debug)]
pub struct Answer {
    pub header: Header,
    pub records: Vec<Record>,
}

/// More pointer jumps than this in one name is a loop (a message of 512 bytes holds fewer).
pub const MAX_JUMPS: usize = 64;

/// The big-endian u16 at `pos`, or an error naming what was cut.
pub fn u16_at(msg: &[u8], pos: usize, what: &str) -> Result<u16, String> {
    match msg.get(pos..pos + 2) {
        Some(b) => Ok(u16::from_be_bytes([b[0], b[1]])),
        None => Err(format!("truncated: {what} at byte {pos} of {}", msg.len())),
    }
}

pub fn parse_header(msg: &[u8]) -> Result<Header, String> {
    // LAB 17 BEGIN: the header
    if msg.len() < 12 {
        return Err(format!("truncated: a header is 12 bytes, got {}", msg.len()));
    }
    Ok(Header {
        id: u16_at(msg, 0, "id")?,
        flags: u16_at(msg, 2, "flags")?,
        qdcount: u16_at(msg, 4, "QDCOUNT")?,
        ancount: u16_at(msg, 6, "ANCOUNT")?,
    })
    // LAB 17 END
}

/// The name at `pos`: its text (`a.b.c.`, `.` for the root) and where the field ends in the
/// message (after the first pointer if there is one: the rest of the name lives elsewhere).
pub fn read_name(msg: &[u8], pos: usize) -> Result<(String, usize), String> {
    // LAB 17 BEGIN: a name, following compression pointers with a loop guard
    let mut name = String::new();
    let mut at = pos;
    let mut end = None;
    let mut jumps = 0;
    loop {
        let len = *msg
            .get(at)
            .ok_or_else(|| format!("truncated: name at byte {at} of {}", msg.len()))?;
        match len & 0xc0 {
            0xc0 => {
                let target = usize::from(u16_at(msg, at, "compression pointer")? & 0x3fff);
                jumps += 1;
                if jumps > MAX_JUMPS {
                    return Err(format!("compression pointer loop at byte {at}"));
                }
                end.get_or_insert(at + 2);
                at = target;
            }
            0x00 if len == 0 => {
                if name.is_empty() {
                    name.push('.');
                }
                return Ok((name, end.unwrap_or(at + 1)));
            }
            0x00 => {
                let label = msg
                    .get(at + 1..at + 1 + usize::from(len))
                    .ok_or_else(|| format!("truncated: label at byte {at} of {}", msg.len()))?;
                name.push_str(&String::from_utf8_lossy(label));
                name.push('.');
                if name.len() > 255 {
                    return Err("name longer than 255 bytes".into());
                }
                at += 1 + usize::from(len);
            }
            _ => return Err(format!("label type {len:#04x} at byte {at} is reserved")),
        }
    }
    // LAB 17 END
}

/// The answer to query `id`: header checked (QR set, our id), question skipped, the ANCOUNT
/// records read. A server error (RCODE != 0) is an answer too, with no records.
pub fn parse_answer(msg: &[u8], id: u16) -> Result<Answer, String> {
    // LAB 17 BEGIN: the answer: header, skip the question, the records
    let header = parse_header(msg)?;
    if header.id != id {
        return Err(format!("id {} is not our query's {id}", header.id));
    }
    if header.flags & 0x8000 == 0 {
        return Err("QR is 0: this is a query, not an answer".into());
    }
    let mut pos = 12;
    for _ in 0..header.qdcount {
        let (_, end) = read_name(msg, pos)?;
        u16_at(msg, end + 2, "question class")?;
        pos = end + 4;
    }
    let mut records = Vec::new();
    for _ in 0..header.ancount {
        let (name, end) = read_name(msg, pos)?;
        let rtype = u16_at(msg, end, "TYPE")?;
        let ttl = u32::from(u16_at(msg, end + 4, "TTL")?) << 16 | u32::from(u16_at(msg, end + 6, "TTL")?);
        let rdlength = usize::from(u16_at(msg, end + 8, "RDLENGTH")?);
        let start = end + 10;
        if msg.len() < start + rdlength {
            return Err(format!(
                "truncated: RDATA of {rdlength} bytes at byte {start} of {}",
                msg.len()
            ));
        }
        let data = rdata(msg, start, rdlength, rtype)?;
        records.push(Record { name, rtype, ttl, data });
        pos = start + rdlength;
    }
    Ok(Answer { header, records })
    // LAB 17 END
}

/// The RDATA of one record as text: an address, `PREF NAME` for MX, a name for CNAME, the
/// length for the other types.
pub fn rdata(msg: &[u8], start: usize, len: usize, rtype: u16) -> Result<String, String> {
    // LAB 17 BEGIN: A, AAAA, MX, CNAME data
    let data = &msg[start..start + len];
    match rtype {
        TYPE_A => {
            let b: [u8; 4] = data.try_into().map_err(|_| format!("A record of {len} bytes, not 4"))?;
            Ok(Ipv4Addr::from(b).to_string())
        }
        TYPE_AAAA => {
            let b: [u8; 16] = data
                .try_into()
                .map_err(|_| format!("AAAA record of {len} bytes, not 16"))?;
            Ok(Ipv6Addr::from(b).to_string())
        }
        TYPE_MX => {
            let preference = u16_at(data, 0, "MX preference")?;
            let (exchange, _) = read_name(msg, start + 2)?;
            Ok(format!("{preference} {exchange}"))
        }
        TYPE_CNAME => Ok(read_name(msg, start)?.0),
        _ => Ok(format!("\\# {len}")),
    }
    // LAB 17 END
}

/// RCODE → its name (RFC 1035 §4.1.1).
pub fn status(flags: u16) -> String {
    match flags & 0x000f {
        0 => "NOERROR".into(),
        1 => "FORMERR".into(),
        2 => "SERVFAIL".into(),
        3 => "NXDOMAIN".into(),
        4 => "NOTIMP".into(),
        5 => "REFUSED".into(),
        n => format!("RCODE{n}"),
    }
}

/// `dig`'s layout: the header line, then `;; ANSWER SECTION:` and a line per record.
pub fn render(answer: &Answer) -> String {
    // LAB 17 BEGIN: print like dig
    let h = &answer.header;
    let mut out = format!(
        ";; ->>HEADER<<- opcode: QUERY, status: {}, id: {}\n;; ANSWER: {}\n",
        status(h.flags),
        h.id,
        answer.records.len()
    );
    if !answer.records.is_empty() {
        out.push_str("\n;; ANSWER SECTION:\n");
        for r in &answer.records {
            out.push_str(&format!(
                "{}\t{}\tIN\t{}\t{}\n",
                r.name,
                r.ttl,
                type_name(r.rtype),
                r.data
            ));
        }
    }
    out
    // LAB 17 END
}
