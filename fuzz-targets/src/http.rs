//! HTTP request heads and `Range` values, as a client could send them.

use servers::proto::http::range::{parse_range, RangeOutcome};
use servers::proto::http::request::{parse_head, Parsed};

/// Read sizes the head is cut into (cycled), as `read(2)` could return it.
const READ_SIZES: [usize; 5] = [1, 3, 7, 64, 200];

/// `parse_head` on the whole input, then on the same bytes arriving in pieces (the driver's
/// loop: parse what has come so far, with `scanned` remembering how far it looked). Both must
/// agree: the same request, or both an error.
pub fn head(data: &[u8]) {
    let whole = parse_head(data, &mut 0);
    if let Parsed::Complete(_, len) = &whole {
        assert!(*len > 0 && *len <= data.len(), "head length {len} outside the input");
    }
    let pieces = crate::chunks(data, &READ_SIZES[data.len() % READ_SIZES.len()..]);
    let incremental = parse_in_pieces(&pieces);
    match (&whole, &incremental) {
        (Parsed::Complete(..), _) => assert_eq!(whole, incremental, "whole and piecewise disagree"),
        (Parsed::Invalid(..), Parsed::Invalid(..)) | (Parsed::Incomplete, Parsed::Incomplete) => {}
        _ => panic!("whole input gives {whole:?}, the same bytes in pieces give {incremental:?}"),
    }
}

/// What a driver sees: the first answer that is not `Incomplete` as the pieces arrive.
fn parse_in_pieces(pieces: &[&[u8]]) -> Parsed {
    let mut received = Vec::new();
    let mut scanned = 0;
    for piece in pieces {
        received.extend_from_slice(piece);
        match parse_head(&received, &mut scanned) {
            Parsed::Incomplete => continue,
            done => return done,
        }
    }
    Parsed::Incomplete
}

/// `parse_range` of the input (as text) against files of a few sizes: a partial answer must
/// lie inside the file and not be empty.
pub fn range(data: &[u8]) {
    let Ok(value) = std::str::from_utf8(data) else { return };
    for size in [0, 1, 100, 10_000, u64::MAX] {
        if let RangeOutcome::Partial { start, len } = parse_range(value, size) {
            assert!(len > 0, "{value:?} on {size} bytes: an empty 206");
            assert!(start < size, "{value:?} on {size} bytes: starts at {start}");
            assert!(
                len <= size - start,
                "{value:?} on {size} bytes: {len} bytes from {start}"
            );
        }
    }
}
