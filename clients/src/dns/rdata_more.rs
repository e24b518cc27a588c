//! The record types a student meets next, decoded into dig's presentation format:
//!
//! * `HINFO` (RFC 1035): two character-strings, CPU and OS — `"PC" "Linux"`.
//! * `NAPTR` (RFC 3403): order, preference, three character-strings (flags, services, a
//!   regular expression) and a replacement name — how SIP and ENUM find a service.
//! * `DS` (RFC 4034), `SSHFP` (RFC 4255), `TLSA` (RFC 6698): a few numbers, then a digest in
//!   hex — a parent's fingerprint of a child zone's key, a host key's, a TLS certificate's.
//! * `DNSKEY` (RFC 4034): flags (256 zone key, 257 with SEP: a key-signing key), protocol
//!   (always 3), algorithm, then the public key in base64.
//!
//! dig writes a long digest or key in chunks of 56 characters separated by spaces (BIND's
//! default text width); [`chunked`] does the same. `SVCB`/`HTTPS` are in [`super::svcb`].

use std::fmt;

use super::message::Reader;
use super::name::Name;
use super::DnsError;

/// How the trailing bytes of a record are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Blob {
    /// Upper-case hex (DS, SSHFP, TLSA).
    Hex,
    /// Base64 (DNSKEY).
    Base64,
}

/// Fixed-size numbers followed by a digest or a key: DS, SSHFP, TLSA, DNSKEY.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fields {
    pub numbers: Vec<u32>,
    pub blob: Vec<u8>,
    pub form: Blob,
}

/// Read the numbers of `widths` bytes each (1, 2 or 4), then keep the rest of RDATA.
pub fn fields(rdata: &[u8], widths: &[usize], form: Blob, what: &str) -> Result<Fields, DnsError> {
    let head: usize = widths.iter().sum();
    if rdata.len() < head {
        return Err(DnsError::Malformed(format!(
            "{what} RDATA of {} bytes is shorter than its {head} bytes of fields",
            rdata.len()
        )));
    }
    let mut numbers = Vec::with_capacity(widths.len());
    let mut at = 0;
    for &width in widths {
        let value = rdata[at..at + width].iter().fold(0u32, |n, &b| (n << 8) | u32::from(b));
        numbers.push(value);
        at += width;
    }
    Ok(Fields {
        numbers,
        blob: rdata[head..].to_vec(),
        form,
    })
}

impl fmt::Display for Fields {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let numbers: Vec<String> = self.numbers.iter().map(u32::to_string).collect();
        f.write_str(&numbers.join(" "))?;
        let text = match self.form {
            Blob::Hex => self.blob.iter().map(|b| format!("{b:02X}")).collect(),
            Blob::Base64 => base64(&self.blob),
        };
        if !text.is_empty() {
            write!(f, " {}", chunked(&text))?;
        }
        Ok(())
    }
}

/// NAPTR's fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Naptr {
    pub order: u16,
    pub preference: u16,
    pub flags: Vec<u8>,
    pub services: Vec<u8>,
    pub regexp: Vec<u8>,
    pub replacement: Name,
}

/// Parse NAPTR from the reader positioned at its RDATA.
pub fn naptr(r: &mut Reader) -> Result<Naptr, DnsError> {
    Ok(Naptr {
        order: r.u16()?,
        preference: r.u16()?,
        flags: character_string(r)?,
        services: character_string(r)?,
        regexp: character_string(r)?,
        replacement: r.name()?,
    })
}

/// One character-string: a length byte, then that many bytes.
pub fn character_string(r: &mut Reader) -> Result<Vec<u8>, DnsError> {
    let len = r.take(1)?[0];
    Ok(r.take(usize::from(len))?.to_vec())
}

impl fmt::Display for Naptr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use super::rdata::quoted;
        write!(
            f,
            "{} {} {} {} {} {}",
            self.order,
            self.preference,
            quoted(&self.flags),
            quoted(&self.services),
            quoted(&self.regexp),
            self.replacement
        )
    }
}

/// Split `text` into 56-character chunks separated by spaces, as dig prints keys.
pub fn chunked(text: &str) -> String {
    let chunks: Vec<&str> = text
        .as_bytes()
        .chunks(56)
        .map(|c| std::str::from_utf8(c).unwrap_or_default())
        .collect();
    chunks.join(" ")
}

/// RFC 4648 base64 with padding.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for group in bytes.chunks(3) {
        let n = group.iter().fold(0u32, |n, &b| (n << 8) | u32::from(b)) << (8 * (3 - group.len()));
        for i in 0..4 {
            if i <= group.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_and_chunks() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(&[0xfb, 0xff]), "+/8=");
        assert_eq!(chunked(&"A".repeat(60)), format!("{} AAAA", "A".repeat(56)));
    }

    #[test]
    fn digests_like_dig() {
        let ds = [&[0x30, 0x39, 13, 2][..], &[0xab; 32]].concat();
        let ds = fields(&ds, &[2, 1, 1], Blob::Hex, "DS").expect("DS");
        assert_eq!(
            ds.to_string(),
            format!("12345 13 2 {} {}", "AB".repeat(28), "AB".repeat(4))
        );
        assert!(fields(&[1, 2], &[2, 1, 1], Blob::Hex, "DS").is_err());
    }
}
