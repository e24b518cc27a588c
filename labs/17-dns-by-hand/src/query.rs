//! The question: a 12-byte header (id, flags with RD, QDCOUNT = 1), then the name as length-
//! prefixed labels ending with the root's empty label, QTYPE and QCLASS (RFC 1035 §4.1.1-2).
//! Every number is big-endian ("network order", `htons` in C).

pub const TYPE_A: u16 = 1;
pub const TYPE_CNAME: u16 = 5;
pub const TYPE_MX: u16 = 15;
pub const TYPE_AAAA: u16 = 28;
pub const CLASS_IN: u16 = 1;
/// Flags of a standard query asking the server to recurse: RD (bit 8).
pub const FLAGS_RD: u16 = 0x0100;

/// `A` → 1, … (the types this client knows).
pub fn type_number(name: &str) -> Option<u16> {
    match name.to_ascii_uppercase().as_str() {
        "A" => Some(TYPE_A),
        "AAAA" => Some(TYPE_AAAA),
        "MX" => Some(TYPE_MX),
        "CNAME" => Some(TYPE_CNAME),
        _ => None,
    }
}

/// 1 → `A`, …; others as `TYPE99` (RFC 3597).
pub fn type_name(number: u16) -> String {
    match number {
        TYPE_A => "A".into(),
        TYPE_AAAA => "AAAA".into(),
        TYPE_MX => "MX".into(),
        TYPE_CNAME => "CNAME".into(),
        n => format!("TYPE{n}"),
    }
}

/// A query id that differs from run to run (the time's nanoseconds mixed with the pid): an
/// answer must repeat it, which is how a client tells its answer from a stray datagram.
pub fn new_id() -> u16 {
    // LAB 17 BEGIN: a fresh id per query
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    (nanos ^ std::process::id().rotate_left(16)) as u16
    // LAB 17 END
}

/// The whole query message for `name` and `qtype`.
pub fn build_query(id: u16, name: &str, qtype: u16) -> Result<Vec<u8>, String> {
    // LAB 17 BEGIN: build the query: header, question
    let mut msg = Vec::with_capacity(12 + name.len() + 6);
    // id, flags, QDCOUNT = 1, ANCOUNT, NSCOUNT, ARCOUNT = 0
    for field in [id, FLAGS_RD, 1, 0, 0, 0] {
        msg.extend_from_slice(&field.to_be_bytes());
    }
    msg.extend_from_slice(&encode_name(name)?);
    msg.extend_from_slice(&qtype.to_be_bytes());
    msg.extend_from_slice(&CLASS_IN.to_be_bytes());
    Ok(msg)
    // LAB 17 END
}

/// `www.example.com` → `3 www 7 example 3 com 0`; a trailing dot is the same name. A label is
/// 1 to 63 bytes, the whole name at most 255 (RFC 1035 §2.3.4).
pub fn encode_name(name: &str) -> Result<Vec<u8>, String> {
    // LAB 17 BEGIN: the name as labels
    let name = name.strip_suffix('.').unwrap_or(name);
    let mut out = Vec::with_capacity(name.len() + 2);
    if !name.is_empty() {
        for label in name.split('.') {
            if label.is_empty() {
                return Err("empty label (two dots in a row?)".into());
            }
            if label.len() > 63 {
                return Err(format!("label {label:?} is {} bytes, at most 63", label.len()));
            }
            out.push(label.len() as u8);
            out.extend_from_slice(label.as_bytes());
        }
    }
    out.push(0);
    if out.len() > 255 {
        return Err(format!("name is {} bytes encoded, at most 255", out.len()));
    }
    Ok(out)
    // LAB 17 END
}
