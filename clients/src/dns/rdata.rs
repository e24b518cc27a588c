//! Record data (RDATA): what each record type carries, parsed from exactly its RDLENGTH bytes
//! and shown as dig shows it (RFC 1035 §3.3, RFC 3596 for AAAA, RFC 2782 for SRV, RFC 8659
//! for CAA, RFC 6891 for OPT, [`super::rdata_more`] and [`super::svcb`] for HINFO, NAPTR,
//! DS, SSHFP, TLSA, DNSKEY, SVCB and HTTPS, RFC 3597 `\# LEN HEX` for any other type).
//!
//! Names inside RDATA (CNAME, NS, PTR, MX, SOA) may be compressed and point anywhere earlier
//! in the message, so they are read from the whole message; but the bytes they occupy in
//! place must end inside RDLENGTH, or the record is malformed. Read [`parse_rdata`] first.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

use super::message::Reader;
use super::name::Name;
use super::rdata_more::{self, Blob, Fields, Naptr};
use super::svcb::{self, Svcb};
use super::{DnsError, RecordType};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RData {
    A(Ipv4Addr),
    Aaaa(Ipv6Addr),
    /// CNAME, NS and PTR: a single name.
    Name(Name),
    Mx {
        preference: u16,
        exchange: Name,
    },
    /// One or more character-strings, each at most 255 bytes.
    Txt(Vec<Vec<u8>>),
    Soa {
        mname: Name,
        rname: Name,
        serial: u32,
        refresh: u32,
        retry: u32,
        expire: u32,
        minimum: u32,
    },
    /// RFC 2782: where a service runs (`_sip._udp.example.com`).
    Srv {
        priority: u16,
        weight: u16,
        port: u16,
        target: Name,
    },
    /// RFC 8659: which certificate authorities may issue for the name.
    Caa {
        flags: u8,
        tag: Vec<u8>,
        value: Vec<u8>,
    },
    /// HINFO: CPU and OS, two character-strings.
    Hinfo(Vec<u8>, Vec<u8>),
    Naptr(Naptr),
    /// DS, SSHFP, TLSA, DNSKEY: numbers, then a digest or a key.
    Fields(Fields),
    /// SVCB and HTTPS.
    Svcb(Svcb),
    /// Anything else, and OPT options: raw bytes.
    Raw(Vec<u8>),
}

/// Parse the `len` bytes of RDATA at `start` in `msg` as a `rtype` record.
pub fn parse_rdata(msg: &[u8], start: usize, len: usize, rtype: RecordType) -> Result<RData, DnsError> {
    let end = start + len;
    let rdata = msg
        .get(start..end)
        .ok_or_else(|| DnsError::Malformed("RDATA past the end".into()))?;
    let mut r = Reader { msg, pos: start };
    let data = match rtype {
        RecordType::A => RData::A(Ipv4Addr::from(fixed::<4>(rdata, "A")?)),
        RecordType::Aaaa => RData::Aaaa(Ipv6Addr::from(fixed::<16>(rdata, "AAAA")?)),
        RecordType::Cname | RecordType::Ns | RecordType::Ptr => RData::Name(r.name()?),
        RecordType::Mx => RData::Mx {
            preference: r.u16()?,
            exchange: r.name()?,
        },
        RecordType::Txt => RData::Txt(character_strings(rdata)?),
        RecordType::Soa => RData::Soa {
            mname: r.name()?,
            rname: r.name()?,
            serial: r.u32()?,
            refresh: r.u32()?,
            retry: r.u32()?,
            expire: r.u32()?,
            minimum: r.u32()?,
        },
        RecordType::Srv => RData::Srv {
            priority: r.u16()?,
            weight: r.u16()?,
            port: r.u16()?,
            // RFC 2782: the target is never compressed, but accepting a pointer is harmless.
            target: r.name()?,
        },
        RecordType::Caa => caa(rdata)?,
        RecordType::Hinfo => match character_strings(rdata)?.as_slice() {
            [cpu, os] => RData::Hinfo(cpu.clone(), os.clone()),
            other => {
                return Err(DnsError::Malformed(format!(
                    "HINFO has {} character-strings, not 2",
                    other.len()
                )))
            }
        },
        RecordType::Naptr => RData::Naptr(rdata_more::naptr(&mut r)?),
        RecordType::Ds => RData::Fields(rdata_more::fields(rdata, &[2, 1, 1], Blob::Hex, "DS")?),
        RecordType::Sshfp => RData::Fields(rdata_more::fields(rdata, &[1, 1], Blob::Hex, "SSHFP")?),
        RecordType::Tlsa => RData::Fields(rdata_more::fields(rdata, &[1, 1, 1], Blob::Hex, "TLSA")?),
        RecordType::Dnskey => RData::Fields(rdata_more::fields(rdata, &[2, 1, 1], Blob::Base64, "DNSKEY")?),
        RecordType::Svcb | RecordType::Https => RData::Svcb(svcb::svcb(&mut r, end)?),
        RecordType::Opt | RecordType::Any | RecordType::Other(_) => return Ok(RData::Raw(rdata.to_vec())),
    };
    let has_names = matches!(
        rtype,
        RecordType::Cname
            | RecordType::Ns
            | RecordType::Ptr
            | RecordType::Mx
            | RecordType::Soa
            | RecordType::Srv
            | RecordType::Naptr
            | RecordType::Svcb
            | RecordType::Https
    );
    if has_names && r.pos != end {
        return Err(DnsError::Malformed(format!(
            "{rtype} RDATA is {len} bytes but its fields take {}",
            r.pos.saturating_sub(start)
        )));
    }
    Ok(data)
}

fn fixed<const N: usize>(rdata: &[u8], what: &str) -> Result<[u8; N], DnsError> {
    rdata
        .try_into()
        .map_err(|_| DnsError::Malformed(format!("{what} RDATA is {} bytes, expected {N}", rdata.len())))
}

/// CAA: a flags byte, a tag length, the tag, then the value to the end of RDATA.
fn caa(rdata: &[u8]) -> Result<RData, DnsError> {
    let short = || DnsError::Malformed(format!("CAA RDATA of {} bytes is too short", rdata.len()));
    let (&flags, rest) = rdata.split_first().ok_or_else(short)?;
    let (&tag_len, rest) = rest.split_first().ok_or_else(short)?;
    let tag = rest.get(..usize::from(tag_len)).ok_or_else(short)?;
    Ok(RData::Caa {
        flags,
        tag: tag.to_vec(),
        value: rest[usize::from(tag_len)..].to_vec(),
    })
}

fn character_strings(mut rdata: &[u8]) -> Result<Vec<Vec<u8>>, DnsError> {
    let mut strings = Vec::new();
    while let Some((&len, rest)) = rdata.split_first() {
        let text = rest
            .get(..usize::from(len))
            .ok_or_else(|| DnsError::Malformed(format!("TXT string of {len} bytes runs past its RDATA")))?;
        strings.push(text.to_vec());
        rdata = &rest[usize::from(len)..];
    }
    Ok(strings)
}

/// A character-string in quotes, `"` and `\` escaped, non-printable bytes as `\DDD`.
pub fn quoted(text: &[u8]) -> String {
    let mut out = String::from("\"");
    for &b in text {
        match b {
            b'"' | b'\\' => {
                out.push('\\');
                out.push(b as char);
            }
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\{b:03}")),
        }
    }
    out.push('"');
    out
}

impl fmt::Display for RData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RData::A(ip) => write!(f, "{ip}"),
            RData::Aaaa(ip) => write!(f, "{ip}"),
            RData::Name(name) => write!(f, "{name}"),
            RData::Mx { preference, exchange } => write!(f, "{preference} {exchange}"),
            RData::Txt(strings) => {
                let parts: Vec<String> = strings.iter().map(|s| quoted(s)).collect();
                f.write_str(&parts.join(" "))
            }
            RData::Soa {
                mname,
                rname,
                serial,
                refresh,
                retry,
                expire,
                minimum,
            } => {
                write!(f, "{mname} {rname} {serial} {refresh} {retry} {expire} {minimum}")
            }
            RData::Srv {
                priority,
                weight,
                port,
                target,
            } => write!(f, "{priority} {weight} {port} {target}"),
            RData::Caa { flags, tag, value } => {
                write!(f, "{flags} {} {}", String::from_utf8_lossy(tag), quoted(value))
            }
            RData::Hinfo(cpu, os) => write!(f, "{} {}", quoted(cpu), quoted(os)),
            RData::Naptr(naptr) => write!(f, "{naptr}"),
            RData::Fields(fields) => write!(f, "{fields}"),
            RData::Svcb(svcb) => write!(f, "{svcb}"),
            RData::Raw(bytes) => {
                // RFC 3597's generic form for types we do not know, upper-case hex like dig.
                write!(f, "\\# {}", bytes.len())?;
                if !bytes.is_empty() {
                    f.write_str(" ")?;
                }
                bytes.iter().try_for_each(|b| write!(f, "{b:02X}"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(rdata: &[u8], rtype: RecordType) -> Result<RData, DnsError> {
        parse_rdata(rdata, 0, rdata.len(), rtype)
    }

    #[test]
    fn known_types_display_like_dig() {
        let a = parse(&[192, 0, 2, 1], RecordType::A).expect("A");
        assert_eq!(a.to_string(), "192.0.2.1");
        let mx = parse(b"\x00\x0a\x04mail\x04test\x00", RecordType::Mx).expect("MX");
        assert_eq!(mx.to_string(), "10 mail.test.");
        let txt = parse(b"\x05hello\x07a \"b\" \x01", RecordType::Txt).expect("TXT");
        assert_eq!(txt.to_string(), "\"hello\" \"a \\\"b\\\" \\001\"");
        let soa =
            b"\x02ns\x00\x04root\x00\x00\x00\x00\x01\x00\x00\x00\x02\x00\x00\x00\x03\x00\x00\x00\x04\x00\x00\x00\x05";
        assert_eq!(
            parse(soa, RecordType::Soa).expect("SOA").to_string(),
            "ns. root. 1 2 3 4 5"
        );
        assert_eq!(
            parse(&[1, 2], RecordType::Other(99)).expect("raw").to_string(),
            "\\# 2 0102"
        );
        let srv = parse(b"\x00\x01\x00\x02\x13\xc4\x03sip\x04test\x00", RecordType::Srv).expect("SRV");
        assert_eq!(srv.to_string(), "1 2 5060 sip.test.");
        let caa = parse(b"\x00\x05issueca.test", RecordType::Caa).expect("CAA");
        assert_eq!(caa.to_string(), "0 issue \"ca.test\"");
        assert!(parse(b"\x00\x09iss", RecordType::Caa).is_err());
        assert_eq!(
            parse(&[0xab], RecordType::Other(65400)).expect("raw").to_string(),
            "\\# 1 AB"
        );
    }

    #[test]
    fn wrong_lengths_are_errors() {
        assert!(parse(&[1, 2, 3], RecordType::A).is_err());
        assert!(parse(&[0; 15], RecordType::Aaaa).is_err());
        assert!(parse(b"\x09short", RecordType::Txt).is_err());
        // A name followed by a stray byte inside RDLENGTH.
        assert!(parse(b"\x01a\x00\xff", RecordType::Cname).is_err());
        // A name running past RDLENGTH into the next bytes of the message.
        let msg = b"\x01a\x00";
        assert!(parse_rdata(msg, 0, 2, RecordType::Ptr).is_err());
        assert!(parse(b"\x00", RecordType::Mx).is_err());
    }
}
