//! EDNS options (RFC 6891 §6.1.2): the RDATA of the OPT pseudo-record is a list of
//! `OPTION-CODE (16) | OPTION-LENGTH (16) | OPTION-DATA`. The one a student meets first is
//! Extended DNS Errors (RFC 8914, code 15): a resolver saying *why* it failed (`Not Ready`,
//! `Blocked`, `Stale Answer`, …) beside the 4-bit RCODE. Read [`ede_lines`].
//!
//! Options come from the network: each length is checked against what is left, and a
//! malformed list is shown as such, never trusted.

/// OPTION-CODE of Extended DNS Error.
pub const EDE: u16 = 15;

/// RFC 8914 §4 INFO-CODEs, as dig names them.
const EDE_NAMES: [&str; 25] = [
    "Other",
    "Unsupported DNSKEY Algorithm",
    "Unsupported DS Digest Type",
    "Stale Answer",
    "Forged Answer",
    "DNSSEC Indeterminate",
    "DNSSEC Bogus",
    "Signature Expired",
    "Signature Not Yet Valid",
    "DNSKEY Missing",
    "RRSIGs Missing",
    "No Zone Key Bit Set",
    "NSEC Missing",
    "Cached Error",
    "Not Ready",
    "Blocked",
    "Censored",
    "Filtered",
    "Prohibited",
    "Stale NXDOMAIN Answer",
    "Not Authoritative",
    "Not Supported",
    "No Reachable Authority",
    "Network Error",
    "Invalid Data",
];

/// Split OPT RDATA into (code, data) pairs; `Err` names the first option that does not fit.
pub fn options(mut rdata: &[u8]) -> Result<Vec<(u16, &[u8])>, String> {
    let mut list = Vec::new();
    while !rdata.is_empty() {
        let [c0, c1, l0, l1, rest @ ..] = rdata else {
            return Err(format!("option header cut off ({} bytes left)", rdata.len()));
        };
        let code = u16::from_be_bytes([*c0, *c1]);
        let len = usize::from(u16::from_be_bytes([*l0, *l1]));
        let data = rest
            .get(..len)
            .ok_or_else(|| format!("option {code} of {len} bytes runs past the OPT record"))?;
        list.push((code, data));
        rdata = &rest[len..];
    }
    Ok(list)
}

/// `; EDE: 14 (Not Ready)` or `; EDE: 18 (Prohibited): (EXTRA-TEXT)`, like dig.
pub fn ede_text(data: &[u8]) -> String {
    let Some((code, extra)) = data.split_first_chunk::<2>() else {
        return "; EDE: (malformed: shorter than its 2-byte INFO-CODE)".to_string();
    };
    let code = u16::from_be_bytes(*code);
    let mut line = format!("; EDE: {code}");
    if let Some(name) = EDE_NAMES.get(usize::from(code)) {
        line.push_str(&format!(" ({name})"));
    }
    if !extra.is_empty() {
        // EXTRA-TEXT is UTF-8 for humans; control bytes are not printed as is.
        let text: String = String::from_utf8_lossy(extra)
            .chars()
            .map(|c| if c.is_control() { '.' } else { c })
            .collect();
        line.push_str(&format!(": ({text})"));
    }
    line
}

/// The lines dig prints under `; EDNS:` for the options we know (EDE), one per option.
pub fn ede_lines(rdata: &[u8]) -> Vec<String> {
    match options(rdata) {
        Ok(list) => list
            .iter()
            .filter(|(code, _)| *code == EDE)
            .map(|(_, data)| ede_text(data))
            .collect(),
        Err(why) => vec![format!("; OPT: malformed options: {why}")],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extended_errors_like_dig() {
        assert_eq!(ede_lines(&[0, 15, 0, 2, 0, 14]), ["; EDE: 14 (Not Ready)"]);
        let with_text = [&[0, 15, 0, 6, 0, 18][..], b"nope"].concat();
        assert_eq!(ede_lines(&with_text), ["; EDE: 18 (Prohibited): (nope)"]);
        assert_eq!(ede_lines(&[0, 15, 0, 2, 0, 99]), ["; EDE: 99"]);
        // Another option first (a cookie), then EDE.
        let both = [&[0, 10, 0, 8][..], &[1; 8], &[0, 15, 0, 2, 0, 3]].concat();
        assert_eq!(ede_lines(&both), ["; EDE: 3 (Stale Answer)"]);
    }

    #[test]
    fn malformed_options_are_said() {
        assert!(ede_lines(&[0, 15, 0, 9, 0])[0].contains("runs past"));
        assert!(ede_lines(&[0, 15, 0])[0].contains("cut off"));
        assert!(ede_lines(&[0, 15, 0, 1, 7])[0].contains("malformed"));
    }
}
