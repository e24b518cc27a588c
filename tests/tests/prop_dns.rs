//! Property tests of the DNS encoder and parser: parsing never panics (every byte of an answer
//! is hostile), a name encoded then decoded is the same name, and a compression pointer to a
//! name decodes to that name.

use clients::dns::message::{build_query, parse_head, parse_message};
use clients::dns::name::{encode_name, read_name};
use clients::dns::RecordType;
use proptest::prelude::*;

/// A host name: 1 to 6 labels of letters, digits and hyphens, within the 255-byte limit.
fn host() -> impl Strategy<Value = String> {
    proptest::collection::vec("[a-zA-Z0-9-]{1,30}", 1..7).prop_map(|labels| labels.join("."))
}

proptest! {
    #[test]
    fn parsing_never_panics(data in proptest::collection::vec(any::<u8>(), 0..600), start in 0usize..600) {
        let _ = parse_message(&data);
        let _ = parse_head(&data);
        let _ = read_name(&data, start);
    }

    #[test]
    fn mutated_answers_never_panic(name in host(), flips in proptest::collection::vec((0usize..200, any::<u8>()), 1..8)) {
        let mut msg = build_query(7, &name, RecordType::A, true, true).expect("valid name");
        for (at, byte) in flips {
            let at = at % msg.len();
            msg[at] = byte;
        }
        let _ = parse_message(&msg);
    }

    #[test]
    fn encode_then_read_is_identity(name in host()) {
        let wire = encode_name(&name).expect("valid name");
        let (decoded, next) = read_name(&wire, 0).expect("decodes");
        prop_assert_eq!(next, wire.len());
        prop_assert_eq!(decoded.to_string(), format!("{name}."));
    }

    #[test]
    fn a_pointer_reads_the_name_it_points_to(name in host(), prefix in proptest::collection::vec("[a-z]{1,10}", 0..3)) {
        // The query's name sits at offset 12; a second name = prefix labels + pointer to it.
        let mut msg = build_query(1, &name, RecordType::Aaaa, true, false).expect("valid name");
        let second = msg.len();
        for label in &prefix {
            msg.push(label.len() as u8);
            msg.extend_from_slice(label.as_bytes());
        }
        msg.extend_from_slice(&[0xc0, 12]);
        let (decoded, next) = read_name(&msg, second).expect("decodes");
        prop_assert_eq!(next, msg.len(), "parsing resumes after the pointer, not after its target");
        let mut expected: String = prefix.iter().map(|l| format!("{l}.")).collect();
        expected += &format!("{name}.");
        prop_assert_eq!(decoded.to_string(), expected);
    }

    #[test]
    fn a_query_parses_back_to_its_question(name in host(), id in any::<u16>(), edns in any::<bool>()) {
        let msg = build_query(id, &name, RecordType::Mx, true, edns).expect("valid name");
        let parsed = parse_message(&msg).expect("our own query parses");
        prop_assert_eq!(parsed.header.id, id);
        prop_assert_eq!(parsed.questions.len(), 1);
        prop_assert_eq!(parsed.questions[0].name.to_string(), format!("{name}."));
        prop_assert_eq!(parsed.questions[0].qtype, RecordType::Mx);
        prop_assert_eq!(parsed.additional.len(), usize::from(edns));
    }
}
