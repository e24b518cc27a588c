//! Property tests of the HTTP request head parser and the `Range` parser: parsing never
//! panics, a well-formed head parses to what was written whatever the split into reads, and
//! a range inside the file is served exactly.

use proptest::prelude::*;
use servers::proto::http::range::{parse_range, RangeOutcome};
use servers::proto::http::request::{parse_head, BodyFraming, Method, Parsed};

/// A request target: a path of safe characters, maybe a query.
fn target() -> impl Strategy<Value = String> {
    "/[a-zA-Z0-9._~%/-]{0,80}(\\?[a-z0-9=&]{0,20})?"
}

/// Header fields that do not change the framing or the parsed fields.
fn fields() -> impl Strategy<Value = Vec<(String, String)>> {
    proptest::collection::vec(("X-[A-Za-z0-9-]{1,20}", "[ -~]{0,60}"), 0..10)
        .prop_map(|fields| fields.into_iter().map(|(n, v)| (n, v.trim().to_string())).collect())
}

/// What a driver sees as the pieces arrive: the first answer that is not `Incomplete`.
fn parse_in_pieces(data: &[u8], mut points: Vec<usize>) -> Parsed {
    points.retain(|&p| p > 0 && p < data.len());
    points.sort_unstable();
    points.dedup();
    let mut scanned = 0;
    for end in points.into_iter().chain([data.len()]) {
        match parse_head(&data[..end], &mut scanned) {
            Parsed::Incomplete => continue,
            done => return done,
        }
    }
    Parsed::Incomplete
}

proptest! {
    #[test]
    fn parse_head_never_panics(data in proptest::collection::vec(any::<u8>(), 0..4000),
                               points in proptest::collection::vec(0usize..4000, 0..20)) {
        let whole = parse_head(&data, &mut 0);
        if let Parsed::Complete(_, len) = whole {
            prop_assert!(len <= data.len());
        }
        let _ = parse_in_pieces(&data, points);
    }

    #[test]
    fn a_valid_head_parses_the_same_whatever_the_split(
        head_method in prop_oneof![Just("GET"), Just("HEAD"), Just("DELETE")],
        target in target(),
        minor in 0u8..2,
        fields in fields(),
        blank_lines in 0usize..3,
        range in proptest::option::of("bytes=[0-9]{1,5}-[0-9]{0,5}"),
        points in proptest::collection::vec(0usize..2000, 0..40),
    ) {
        let mut head = "\r\n".repeat(blank_lines);
        head += &format!("{head_method} {target} HTTP/1.{minor}\r\nHost: localhost\r\n");
        for (name, value) in &fields {
            head += &format!("{name}: {value}\r\n");
        }
        if let Some(range) = &range {
            head += &format!("Range: {range}\r\n");
        }
        head += "\r\n";
        let pipelined = format!("{head}GET /next HTTP/1.1\r\n\r\n");
        let Parsed::Complete(request, len) = parse_in_pieces(pipelined.as_bytes(), points) else {
            return Err(TestCaseError::fail(format!("{head:?} did not parse")));
        };
        prop_assert_eq!(len, head.len(), "the head ends at its blank line, not later");
        let method = match head_method {
            "GET" => Method::Get,
            "HEAD" => Method::Head,
            other => Method::Other(other.to_string()),
        };
        prop_assert_eq!(request.method, method);
        prop_assert_eq!(request.target, target);
        prop_assert_eq!(request.minor, minor);
        prop_assert_eq!(request.keep_alive, minor == 1);
        prop_assert_eq!(request.body, BodyFraming::None);
        prop_assert_eq!(request.range, range);
    }

    #[test]
    fn parse_range_never_panics(value in "\\PC{0,40}", size in any::<u64>()) {
        if let RangeOutcome::Partial { start, len } = parse_range(&value, size) {
            prop_assert!(len > 0 && start < size && len <= size - start);
        }
    }

    #[test]
    fn a_range_inside_the_file_is_served_exactly(size in 1u64..1_000_000, a in any::<u64>(), b in any::<u64>()) {
        let (first, last) = (a % size, b % size);
        let (first, last) = (first.min(last), first.max(last));
        prop_assert_eq!(parse_range(&format!("bytes={first}-{last}"), size),
                        RangeOutcome::Partial { start: first, len: last - first + 1 });
        prop_assert_eq!(parse_range(&format!("bytes={first}-"), size),
                        RangeOutcome::Partial { start: first, len: size - first });
        prop_assert_eq!(parse_range(&format!("bytes=-{}", last + 1), size),
                        RangeOutcome::Partial { start: size - (last + 1), len: last + 1 });
        prop_assert_eq!(parse_range(&format!("bytes={}-", size + a % 1000), size), RangeOutcome::Unsatisfiable);
    }
}
