//! Reading a broken answer the way dig does: keep what can be read, say what is wrong.
//!
//! [`super::message::parse_message`] is strict: the first problem is an error. dig (BIND's
//! parser in best-effort mode) is not, and a student comparing the two must see the same:
//!
//! * a record that runs past the end of the message (a truncated name, RDATA cut off) ends
//!   the parse there: the sections read so far are shown, the message is flagged
//!   *malformed*, and the bytes left unread are counted as extra bytes. A record is read in
//!   BIND's steps — the name, type and class, TTL and RDLENGTH, the RDATA — each taken
//!   whole or not at all ([`super::message`]), so the count is dig's;
//! * an OPT record outside the additional section, or a second one, flags the message
//!   malformed but is kept, shown as an ordinary record;
//! * bytes after the last counted record: the message is fine, dig only warns;
//! * a compression pointer that does not point back, or a label type that does not exist,
//!   cannot be read past: the whole packet is a [`DnsError::BadPacket`] (dig dumps it in
//!   hex, [`hex_dump`]).
//!
//! Read [`parse_best_effort`].

use super::message::{parse_header, parse_question, parse_record, Message, Reader};
use super::{DnsError, RecordType};

/// What could be read, and what dig would warn about.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Parsed {
    pub message: Message,
    /// dig: "Message parser reports malformed message packet."
    pub malformed: bool,
    /// dig: "Message has N extra bytes at end": bytes not read as part of a record.
    pub extra: usize,
}

/// Parse as much of `msg` as can be read; only a header that is cut off and the faults of
/// [`DnsError::BadPacket`] are errors.
pub fn parse_best_effort(msg: &[u8]) -> Result<Parsed, DnsError> {
    let mut r = Reader::new(msg);
    let header = parse_header(&mut r)?;
    let mut parsed = Parsed {
        message: Message {
            header,
            ..Message::default()
        },
        ..Parsed::default()
    };
    if read_all(&mut r, &mut parsed)? == Flow::Stopped {
        parsed.malformed = true;
    }
    parsed.extra = msg.len() - r.pos;
    Ok(parsed)
}

#[derive(PartialEq, Eq)]
enum Flow {
    Complete,
    /// A record could not be read; the reader is after its last step that could.
    Stopped,
}

fn read_all(r: &mut Reader, parsed: &mut Parsed) -> Result<Flow, DnsError> {
    let h = parsed.message.header;
    for _ in 0..h.qdcount {
        match parse_question(r) {
            Ok(q) => parsed.message.questions.push(q),
            Err(e @ DnsError::BadPacket(..)) => return Err(e),
            Err(_) => return Ok(Flow::Stopped),
        }
    }
    let mut opt_seen = false;
    for (section, count) in [(0, h.ancount), (1, h.nscount), (2, h.arcount)] {
        for _ in 0..count {
            let record = match parse_record(r) {
                Ok(record) => record,
                Err(e @ DnsError::BadPacket(..)) => return Err(e),
                Err(_) => return Ok(Flow::Stopped),
            };
            if record.rtype == RecordType::Opt {
                // RFC 6891: one OPT, in the additional section.
                if section != 2 || opt_seen {
                    parsed.malformed = true;
                }
                opt_seen |= section == 2;
            }
            let list = match section {
                0 => &mut parsed.message.answers,
                1 => &mut parsed.message.authority,
                _ => &mut parsed.message.additional,
            };
            list.push(record);
        }
    }
    Ok(Flow::Complete)
}

/// dig's dump of a packet it cannot read: `N bytes`, then 16 bytes a line in hex and, past
/// column 57, the same bytes as text (`.` for what is not printable, the space included).
pub fn hex_dump(bytes: &[u8]) -> String {
    let mut out = format!("{} bytes\n", bytes.len());
    for line in bytes.chunks(16) {
        let hex: String = line.iter().map(|b| format!("{b:02x} ")).collect();
        let text: String = line
            .iter()
            .map(|&b| if b.is_ascii_graphic() { char::from(b) } else { '.' })
            .collect();
        out.push_str(&format!("{hex:<48}         {text}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dns::message::build_query;

    fn answer_with(body: &[u8], ancount: u8, arcount: u8) -> Vec<u8> {
        let mut msg = build_query(7, "a.test", RecordType::A, true, false).expect("query");
        msg[2] = 0x81;
        msg[7] = ancount;
        msg[11] = arcount;
        msg.extend_from_slice(body);
        msg
    }

    const A: [u8; 16] = [0xc0, 12, 0, 1, 0, 1, 0, 0, 0x0e, 0x10, 0, 4, 192, 0, 2, 1];
    const OPT: [u8; 11] = [0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0, 0];

    #[test]
    fn extra_bytes_are_counted_not_malformed() {
        let p = parse_best_effort(&answer_with(&[&A[..], &[1, 2, 3]].concat(), 1, 0)).expect("parses");
        assert_eq!((p.malformed, p.extra, p.message.answers.len()), (false, 3, 1));
    }

    #[test]
    fn a_cut_record_stops_the_parse() {
        let p = parse_best_effort(&answer_with(b"\x05abc", 1, 0)).expect("parses");
        assert_eq!((p.malformed, p.extra, p.message.answers.len()), (true, 4, 0));
        assert_eq!(p.message.questions.len(), 1);
        // RDATA cut: the name and the fixed fields were read, one byte is left over.
        let p = parse_best_effort(&answer_with(&A[..13], 1, 0)).expect("parses");
        assert_eq!((p.malformed, p.extra), (true, 1));
    }

    #[test]
    fn misplaced_opt_is_kept_and_flagged() {
        let p = parse_best_effort(&answer_with(&[&A[..], &OPT].concat(), 2, 0)).expect("parses");
        assert!(p.malformed);
        assert_eq!(p.message.answers[1].rtype, RecordType::Opt);
        let p = parse_best_effort(&answer_with(&[&A[..], &OPT, &OPT].concat(), 1, 2)).expect("parses");
        assert!(p.malformed);
        let p = parse_best_effort(&answer_with(&[&A[..], &OPT].concat(), 1, 1)).expect("parses");
        assert!(!p.malformed);
    }

    /// Every prefix of a reply, and every byte of it replaced by each of a few values: the
    /// lenient parse and the printout never panic, and never count more bytes than exist.
    #[test]
    fn hostile_bytes_never_panic() {
        use crate::dns::print::{render, Meta};
        let full = answer_with(&[&A[..], &OPT].concat(), 1, 1);
        let meta = Meta {
            server: "127.0.0.1:53".parse().expect("addr"),
            transport: "UDP",
            millis: 0,
            size: full.len(),
        };
        let mut cases: Vec<Vec<u8>> = (0..full.len()).map(|n| full[..n].to_vec()).collect();
        for i in 0..full.len() {
            for value in [0x00, 0x01, 0x3f, 0x40, 0xc0, 0xff] {
                let mut mutated = full.clone();
                mutated[i] = value;
                cases.push(mutated);
            }
        }
        for bytes in cases {
            if let Ok(parsed) = parse_best_effort(&bytes) {
                assert!(parsed.extra <= bytes.len());
                let _ = render("a.test A", &parsed, &meta, true);
            }
        }
    }

    #[test]
    fn bad_pointer_is_a_bad_packet_with_a_dump() {
        let mut body = A.to_vec();
        body[1] = 0xff;
        let e = parse_best_effort(&answer_with(&body, 1, 0)).expect_err("bad pointer");
        assert!(matches!(e, DnsError::BadPacket("bad compression pointer", _)), "{e}");
        let dump = hex_dump(b"\x77\xefpro\x00");
        assert_eq!(
            dump,
            format!("6 bytes\n77 ef 70 72 6f 00 {}w.pro.\n", " ".repeat(57 - 18))
        );
    }
}
