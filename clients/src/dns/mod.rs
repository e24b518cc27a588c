//! A DNS client built by hand: what `getaddrinfo` does underneath when `/etc/hosts` has no
//! answer — one UDP datagram to port 53 (the lecture's `udp/53`), one back.
//!
//! # Reading order
//!
//! 1. [`name`] — names on the wire and compression pointers (the dangerous part).
//! 2. [`message`] — the 12-byte header, the question, the records; build and parse; and
//!    [`lenient`] — what dig shows of an answer that breaks the rules.
//! 3. [`rdata`] — what each record type carries (A, AAAA, MX, TXT, SOA, SRV, CAA, …; the
//!    DNSSEC, SSH and TLS fingerprints, NAPTR and HINFO in [`rdata_more`], SVCB/HTTPS in
//!    [`svcb`]), and
//!    [`edns`] — the OPT record's options (Extended DNS Errors).
//! 4. [`transport`] — `socket`/`connect`/`send`/`recv` over UDP with a timeout and retries,
//!    checking each answer's ID and question; [`tcp`] (2-byte length prefix) when the answer
//!    is truncated (TC bit).
//! 5. [`print`](mod@print) — dig's output layout. [`config`] — `/etc/resolv.conf` and
//!    `--server`.
//!
//! Everything but `transport` is pure and unit-tested without a socket. Every byte read from
//! the network is bounds-checked: a hostile answer gives a [`DnsError`], never a panic.

pub mod config;
pub mod edns;
pub mod lenient;
pub mod message;
pub mod name;
pub mod print;
pub mod rdata;
pub mod rdata_more;
pub mod svcb;
pub mod tcp;
pub mod transport;

use std::fmt;

/// The record types this client knows by name; any other is shown as `TYPEn` (RFC 3597).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordType {
    A,
    Ns,
    Cname,
    Soa,
    Ptr,
    Mx,
    Txt,
    Aaaa,
    Srv,
    Opt,
    Any,
    Caa,
    Hinfo,
    Naptr,
    Ds,
    Sshfp,
    Dnskey,
    Tlsa,
    Svcb,
    Https,
    Other(u16),
}

impl RecordType {
    pub fn code(self) -> u16 {
        match self {
            RecordType::A => 1,
            RecordType::Ns => 2,
            RecordType::Cname => 5,
            RecordType::Soa => 6,
            RecordType::Ptr => 12,
            RecordType::Mx => 15,
            RecordType::Txt => 16,
            RecordType::Aaaa => 28,
            RecordType::Srv => 33,
            RecordType::Opt => 41,
            RecordType::Any => 255,
            RecordType::Caa => 257,
            RecordType::Hinfo => 13,
            RecordType::Naptr => 35,
            RecordType::Ds => 43,
            RecordType::Sshfp => 44,
            RecordType::Dnskey => 48,
            RecordType::Tlsa => 52,
            RecordType::Svcb => 64,
            RecordType::Https => 65,
            RecordType::Other(code) => code,
        }
    }

    pub fn from_code(code: u16) -> RecordType {
        match code {
            1 => RecordType::A,
            2 => RecordType::Ns,
            5 => RecordType::Cname,
            6 => RecordType::Soa,
            12 => RecordType::Ptr,
            15 => RecordType::Mx,
            16 => RecordType::Txt,
            28 => RecordType::Aaaa,
            33 => RecordType::Srv,
            41 => RecordType::Opt,
            255 => RecordType::Any,
            257 => RecordType::Caa,
            13 => RecordType::Hinfo,
            35 => RecordType::Naptr,
            43 => RecordType::Ds,
            44 => RecordType::Sshfp,
            48 => RecordType::Dnskey,
            52 => RecordType::Tlsa,
            64 => RecordType::Svcb,
            65 => RecordType::Https,
            other => RecordType::Other(other),
        }
    }
}

/// A type as typed on the command line: a mnemonic (`mx`, `SRV`, any case) or the RFC 3597
/// generic form `TYPEnnn` for a type without a name here.
impl std::str::FromStr for RecordType {
    type Err = String;

    fn from_str(text: &str) -> Result<RecordType, String> {
        let upper = text.to_ascii_uppercase();
        if let Some(number) = upper.strip_prefix("TYPE") {
            return number
                .parse::<u16>()
                .map(RecordType::from_code)
                .map_err(|_| format!("'{text}': TYPEnnn needs a number from 0 to 65535"));
        }
        let known =
            [1, 2, 5, 6, 12, 13, 15, 16, 28, 33, 35, 43, 44, 48, 52, 64, 65, 255, 257].map(RecordType::from_code);
        known.into_iter().find(|t| t.to_string() == upper).ok_or_else(|| {
            "unknown type: use A, NS, CNAME, SOA, PTR, HINFO, MX, TXT, AAAA, SRV, NAPTR, DS, SSHFP, \
             DNSKEY, TLSA, SVCB, HTTPS, CAA, ANY or TYPEnnn"
                .to_string()
        })
    }
}

impl fmt::Display for RecordType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            RecordType::A => "A",
            RecordType::Ns => "NS",
            RecordType::Cname => "CNAME",
            RecordType::Soa => "SOA",
            RecordType::Ptr => "PTR",
            RecordType::Mx => "MX",
            RecordType::Txt => "TXT",
            RecordType::Aaaa => "AAAA",
            RecordType::Srv => "SRV",
            RecordType::Opt => "OPT",
            RecordType::Any => "ANY",
            RecordType::Caa => "CAA",
            RecordType::Hinfo => "HINFO",
            RecordType::Naptr => "NAPTR",
            RecordType::Ds => "DS",
            RecordType::Sshfp => "SSHFP",
            RecordType::Dnskey => "DNSKEY",
            RecordType::Tlsa => "TLSA",
            RecordType::Svcb => "SVCB",
            RecordType::Https => "HTTPS",
            RecordType::Other(code) => return write!(f, "TYPE{code}"),
        };
        f.write_str(name)
    }
}

/// `IN` (1) is the Internet class; the others exist but are rare (`CH` for server info).
pub fn class_name(class: u16) -> String {
    match class {
        1 => "IN".to_string(),
        3 => "CH".to_string(),
        4 => "HS".to_string(),
        other => format!("CLASS{other}"),
    }
}

/// Everything that can go wrong between the command line and a parsed answer.
#[derive(Debug)]
pub enum DnsError {
    /// The name asked for cannot be encoded (empty label, label > 63 bytes, …).
    BadName(String),
    /// The answer breaks RFC 1035: truncated, pointer loop, counts that lie, …
    Malformed(String),
    /// The answer cannot be read at all, in words dig uses for it ("bad compression
    /// pointer", "bad label type"), then where: dig shows such a packet as a hex dump.
    BadPacket(&'static str, String),
    /// No acceptable answer before the deadline; says what was tried and what was ignored.
    Timeout(String),
    /// A socket call failed (`connect`, `send`, connection refused, …).
    Io(String),
}

impl DnsError {
    /// Prefix a malformed-answer error with where in the message it was found.
    pub fn context(self, place: &str) -> DnsError {
        match self {
            DnsError::Malformed(why) => DnsError::Malformed(format!("{place}: {why}")),
            DnsError::BadPacket(said, why) => DnsError::BadPacket(said, format!("{place}: {why}")),
            other => other,
        }
    }
}

impl fmt::Display for DnsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DnsError::BadName(why) => write!(f, "invalid name {why}"),
            DnsError::Malformed(why) => write!(f, "malformed answer: {why}"),
            DnsError::BadPacket(said, why) => write!(f, "malformed answer: {said}: {why}"),
            DnsError::Timeout(why) => write!(f, "no answer: {why}"),
            DnsError::Io(why) => f.write_str(why),
        }
    }
}

impl std::error::Error for DnsError {}
