//! Domain names on the wire (RFC 1035 §3.1, §4.1.4): a sequence of length-prefixed labels
//! ending with a zero byte, where a label may be replaced by a 2-byte *compression pointer*
//! (`11` + 14-bit offset) to a name earlier in the message.
//!
//! Pointers are what make parsing dangerous: a hostile packet can point a name at itself
//! (a loop), past the end of the message, or chain pointers forever. [`read_name`] bounds
//! every read, counts jumps ([`MAX_JUMPS`]) and caps the decoded length (255 bytes), so any
//! packet gives a name or an error, never a panic or a hang. Read [`read_name`] first.

use std::fmt;
use std::net::IpAddr;

use super::DnsError;

/// A legal name has at most 127 labels, so it never needs more jumps than that.
pub const MAX_JUMPS: usize = 128;
/// RFC 1035 §2.3.4: a name is at most 255 bytes on the wire, a label at most 63.
pub const MAX_NAME: usize = 255;
pub const MAX_LABEL: usize = 63;

/// A decoded name: its labels, raw bytes (DNS labels are not required to be UTF-8).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Name {
    pub labels: Vec<Vec<u8>>,
}

impl Name {
    /// DNS compares names without regard to ASCII case (RFC 4343).
    pub fn eq_ignore_case(&self, other: &Name) -> bool {
        self.labels.len() == other.labels.len()
            && self
                .labels
                .iter()
                .zip(&other.labels)
                .all(|(a, b)| a.eq_ignore_ascii_case(b))
    }
}

/// Presentation format, as dig prints it (RFC 1035 §5.1): `www.example.com.`, `.` for the
/// root; a byte that would mean something in a zone file (`.`, `\`, `"`, `;`, `(`, `)`,
/// `@`, `$`) is escaped with a backslash, a space or non-printable byte as `\DDD` (decimal).
impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.labels.is_empty() {
            return f.write_str(".");
        }
        for label in &self.labels {
            for &b in label {
                match b {
                    b'.' | b'\\' | b'"' | b';' | b'(' | b')' | b'@' | b'$' => write!(f, "\\{}", b as char)?,
                    0x21..=0x7e => write!(f, "{}", b as char)?,
                    _ => write!(f, "\\{b:03}")?,
                }
            }
            f.write_str(".")?;
        }
        Ok(())
    }
}

/// Split a name in presentation format into raw labels: `\.` is a dot inside a label,
/// `\DDD` the byte DDD (decimal), `\X` the character X. `.` alone is the root (no labels).
pub fn parse_presentation(text: &str) -> Result<Vec<Vec<u8>>, DnsError> {
    let bad = |why: String| DnsError::BadName(format!("'{text}': {why}"));
    if text.is_empty() {
        return Err(bad("empty name (write '.' for the root)".into()));
    }
    if text == "." {
        return Ok(Vec::new());
    }
    let mut labels = Vec::new();
    let mut label = Vec::new();
    let mut bytes = text.bytes();
    let mut ended_with_dot = false;
    while let Some(b) = bytes.next() {
        ended_with_dot = false;
        match b {
            b'.' => {
                if label.is_empty() {
                    return Err(bad("empty label (two dots in a row, or a leading dot)".into()));
                }
                labels.push(std::mem::take(&mut label));
                ended_with_dot = true;
            }
            b'\\' => label.push(escaped_byte(&mut bytes).map_err(bad)?),
            other => label.push(other),
        }
    }
    if !ended_with_dot {
        labels.push(label);
    }
    Ok(labels)
}

/// The byte after a backslash: three decimal digits (`\065` is `A`), or one character.
fn escaped_byte(bytes: &mut std::str::Bytes) -> Result<u8, String> {
    let first = bytes.next().ok_or("a backslash at the end")?;
    if !first.is_ascii_digit() {
        return Ok(first);
    }
    let mut value = u32::from(first - b'0');
    for _ in 0..2 {
        match bytes.next() {
            Some(d) if d.is_ascii_digit() => value = value * 10 + u32::from(d - b'0'),
            _ => return Err("\\DDD needs exactly three decimal digits".into()),
        }
    }
    u8::try_from(value).map_err(|_| format!("\\{value} is more than 255"))
}

/// Encode `text` (`example.com`, `example.com.`, `a\.b.example`, `.`) as uncompressed wire
/// labels. The empty string is refused: dig refuses it too, and `.` says "the root".
pub fn encode_name(text: &str) -> Result<Vec<u8>, DnsError> {
    let bad = |why: String| DnsError::BadName(format!("'{text}': {why}"));
    let labels = parse_presentation(text)?;
    let mut out = Vec::with_capacity(text.len() + 2);
    for label in labels {
        if label.len() > MAX_LABEL {
            return Err(bad(format!("label of {} bytes, more than {MAX_LABEL}", label.len())));
        }
        out.push(label.len() as u8);
        out.extend_from_slice(&label);
    }
    out.push(0);
    if out.len() > MAX_NAME {
        return Err(bad(format!("{} bytes on the wire, more than {MAX_NAME}", out.len())));
    }
    Ok(out)
}

/// Decode the name at `start` in `msg`, following compression pointers. Returns the name and
/// the offset just after it *in place* (after the first pointer, if any).
pub fn read_name(msg: &[u8], start: usize) -> Result<(Name, usize), DnsError> {
    let malformed = |why: String| DnsError::Malformed(format!("name at offset {start}: {why}"));
    let bad_pointer =
        |why: String| DnsError::BadPacket("bad compression pointer", format!("name at offset {start}: {why}"));
    // RFC 1035 pointers point back to an earlier name; like BIND, each one must point
    // before the name and before the previous pointer's target, so no loop can exist.
    let mut limit = start;
    let mut name = Name::default();
    let mut pos = start;
    let mut end = None;
    let mut jumps = 0;
    let mut wire_len = 1; // the final zero byte
    loop {
        let Some(&len) = msg.get(pos) else {
            let n = msg.len();
            return Err(malformed(format!("runs past the end of the {n}-byte message")));
        };
        match len & 0xc0 {
            0x00 if len == 0 => break,
            0x00 => {
                let label = msg
                    .get(pos + 1..pos + 1 + usize::from(len))
                    .ok_or_else(|| malformed(format!("label at offset {pos} runs past the end of the message")))?;
                wire_len += label.len() + 1;
                if wire_len > MAX_NAME {
                    return Err(malformed(format!("longer than {MAX_NAME} bytes")));
                }
                name.labels.push(label.to_vec());
                pos += 1 + usize::from(len);
            }
            0xc0 => {
                let low = *msg
                    .get(pos + 1)
                    .ok_or_else(|| malformed(format!("compression pointer at offset {pos} is cut off")))?;
                let target = usize::from(len & 0x3f) << 8 | usize::from(low);
                end.get_or_insert(pos + 2);
                jumps += 1;
                if jumps > MAX_JUMPS {
                    return Err(malformed(format!(
                        "compression pointer loop (more than {MAX_JUMPS} jumps)"
                    )));
                }
                if target >= msg.len() {
                    return Err(bad_pointer(format!(
                        "compression pointer at offset {pos} to offset {target}, \
                         beyond the end of the {}-byte message",
                        msg.len()
                    )));
                }
                if target >= limit {
                    return Err(bad_pointer(format!(
                        "compression pointer at offset {pos} to offset {target}, not before {limit} \
                         (a pointer must point backwards: a loop otherwise)"
                    )));
                }
                limit = target;
                pos = target;
            }
            other => {
                return Err(DnsError::BadPacket(
                    "bad label type",
                    format!(
                        "name at offset {start}: label type 0x{other:02x} at offset {pos} is not a length or a pointer"
                    ),
                ))
            }
        }
    }
    Ok((name, end.unwrap_or(pos + 1)))
}

/// The name a reverse (PTR) lookup asks for: `4.3.2.1.in-addr.arpa.` for 1.2.3.4, and the
/// 32 nibbles of an IPv6 address reversed under `ip6.arpa.` (RFC 3596 §2.5).
pub fn reverse_name(addr: IpAddr) -> String {
    match addr {
        IpAddr::V4(v4) => {
            let [a, b, c, d] = v4.octets();
            format!("{d}.{c}.{b}.{a}.in-addr.arpa.")
        }
        IpAddr::V6(v6) => {
            let mut out = String::with_capacity(73);
            for byte in v6.octets().iter().rev() {
                out.push_str(&format!("{:x}.{:x}.", byte & 0x0f, byte >> 4));
            }
            out.push_str("ip6.arpa.");
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encode_and_read_back() {
        let wire = encode_name("www.Example.com.").expect("valid");
        assert_eq!(wire, b"\x03www\x07Example\x03com\x00");
        let (name, end) = read_name(&wire, 0).expect("decodes");
        assert_eq!((name.to_string(), end), ("www.Example.com.".to_string(), wire.len()));
        assert_eq!(encode_name(".").expect("root"), [0]);
    }

    #[test]
    fn encode_refuses_bad_names() {
        assert!(encode_name("a..b").is_err());
        assert!(encode_name("").is_err());
        assert!(encode_name(".a").is_err());
        assert!(encode_name("a\\").is_err());
        assert!(encode_name("a\\25").is_err());
        assert!(encode_name("a\\256").is_err());
        assert!(encode_name(&"x".repeat(64)).is_err());
        let long = vec!["abcdefghij"; 30].join(".");
        assert!(encode_name(&long).is_err());
    }

    #[test]
    fn compression_pointer_is_followed() {
        // "example.com" at 0, then "www" + pointer to 0 at 13.
        let mut msg = encode_name("example.com").expect("valid");
        msg.extend_from_slice(b"\x03www\xc0\x00");
        let (name, end) = read_name(&msg, 13).expect("decodes");
        assert_eq!(name.to_string(), "www.example.com.");
        assert_eq!(end, msg.len());
    }

    #[test]
    fn hostile_names_are_errors() {
        let self_loop = [0xc0, 0x00];
        let e = read_name(&self_loop, 0).expect_err("loop");
        assert!(e.to_string().contains("loop"), "{e}");
        let two_loop = [0x01, b'a', 0xc0, 0x04, 0xc0, 0x00];
        assert!(read_name(&two_loop, 0).is_err());
        let e = read_name(&[0xc0, 0xff], 0).expect_err("out of range");
        assert!(e.to_string().contains("beyond the end"), "{e}");
        assert!(read_name(&[0x05, b'a', b'b'], 0).is_err());
        assert!(read_name(&[0xc0], 0).is_err());
        assert!(read_name(&[0x40, 0x00], 0).is_err());
        assert!(read_name(&[], 0).is_err());
        // A label pointing back at its own name: a loop, refused as a bad pointer (BIND).
        let mut grow = vec![63];
        grow.extend_from_slice(&[b'x'; 63]);
        grow.extend_from_slice(&[0xc0, 0x00]);
        let e = read_name(&grow, 0).expect_err("loop");
        assert!(matches!(e, DnsError::BadPacket("bad compression pointer", _)), "{e}");
        // Five 63-byte labels, each name pointing back at the one before: past 255 bytes.
        let mut chain = vec![63];
        chain.extend_from_slice(&[b'x'; 63]);
        chain.push(0);
        for i in 0..4u8 {
            let previous = if i == 0 { 0 } else { 65 + 66 * (i - 1) };
            chain.push(63);
            chain.extend_from_slice(&[b'y'; 63]);
            chain.extend_from_slice(&[0xc0, previous]);
        }
        let last = 65 + 66 * 3;
        let e = read_name(&chain, last).expect_err("too long");
        assert!(e.to_string().contains("longer"), "{e}");
    }

    #[test]
    fn presentation_escapes_are_read() {
        assert_eq!(
            encode_name("a\\.b.example").expect("escaped dot"),
            b"\x03a.b\x07example\x00"
        );
        assert_eq!(encode_name("\\065\\\\x.").expect("decimal"), b"\x03A\\x\x00");
        let (name, _) = read_name(&encode_name("a\\@b\\$c.\\195").expect("valid"), 0).expect("reads");
        assert_eq!(name.to_string(), "a\\@b\\$c.\\195.");
    }

    #[test]
    fn display_escapes() {
        let name = Name {
            labels: vec![b"a.b".to_vec(), vec![0x07, b'z']],
        };
        assert_eq!(name.to_string(), "a\\.b.\\007z.");
        assert!(name.eq_ignore_case(&Name {
            labels: vec![b"A.B".to_vec(), vec![7, b'Z']]
        }));
    }

    #[test]
    fn reverse_names() {
        assert_eq!(
            reverse_name("192.0.2.20".parse().expect("v4")),
            "20.2.0.192.in-addr.arpa."
        );
        let v6 = reverse_name("2001:db8::1".parse().expect("v6"));
        assert!(v6.starts_with("1.0.0.0.0.0.0.0."), "{v6}");
        assert!(v6.ends_with("8.b.d.0.1.0.0.2.ip6.arpa."), "{v6}");
        assert_eq!(v6.len(), 64 + 9);
    }
}
