//! `Range: bytes=…` (RFC 7233): ask for part of a file, so `curl -C -` can resume a download
//! and a video player can seek.
//!
//! One range is served (`206 Partial Content` with `Content-Range: bytes first-last/size`).
//! A range that starts past the end is `416 Range Not Satisfiable` with
//! `Content-Range: bytes */size`. Anything else is *ignored*, as the RFC allows, and the
//! whole file is sent with 200: a syntax error, another unit, or several ranges (which would
//! need a `multipart/byteranges` body; clients that ask for them accept the whole file).

/// What to send for a `Range` header against a file of `size` bytes.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum RangeOutcome {
    /// Ignore the header: 200 with the whole file.
    Full,
    /// 206 with `len` bytes from `start`.
    Partial { start: u64, len: u64 },
    /// 416.
    Unsatisfiable,
}

/// Decide what `value` (the `Range` header's value) asks of a file of `size` bytes.
pub fn parse_range(value: &str, size: u64) -> RangeOutcome {
    let value = value.trim();
    let Some(spec) = strip_prefix_ignore_case(value, "bytes=") else {
        return RangeOutcome::Full;
    };
    if spec.contains(',') {
        return RangeOutcome::Full;
    }
    let Some((first, last)) = spec.trim().split_once('-') else {
        return RangeOutcome::Full;
    };
    match (number(first), number(last)) {
        // "-N": the last N bytes.
        (None, Some(suffix)) if first.is_empty() => suffix_range(suffix, size),
        // "A-": from A to the end.
        (Some(start), None) if last.is_empty() => from_range(start, size - size.min(start), size),
        // "A-B": both ends included.
        (Some(start), Some(end)) if start <= end => from_range(start, (end - start).saturating_add(1), size),
        _ => RangeOutcome::Full,
    }
}

/// `A-B` or `A-`: satisfiable when A is inside the file; the length is clipped to its end.
fn from_range(start: u64, len: u64, size: u64) -> RangeOutcome {
    if start >= size {
        return RangeOutcome::Unsatisfiable;
    }
    RangeOutcome::Partial {
        start,
        len: len.min(size - start),
    }
}

/// `-N`: the last N bytes (all of them if the file is shorter); `-0` asks for nothing.
fn suffix_range(suffix: u64, size: u64) -> RangeOutcome {
    if suffix == 0 || size == 0 {
        return RangeOutcome::Unsatisfiable;
    }
    let len = suffix.min(size);
    RangeOutcome::Partial { start: size - len, len }
}

/// Decimal digits only (no sign, no spaces inside); `None` when empty or too large.
fn number(text: &str) -> Option<u64> {
    let text = text.trim();
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| &text[prefix.len()..])
}

#[cfg(test)]
mod tests {
    use super::RangeOutcome::{Full, Partial, Unsatisfiable};
    use super::*;

    #[test]
    fn the_three_forms() {
        assert_eq!(parse_range("bytes=0-99", 1000), Partial { start: 0, len: 100 });
        assert_eq!(parse_range("bytes=900-", 1000), Partial { start: 900, len: 100 });
        assert_eq!(parse_range("bytes=-100", 1000), Partial { start: 900, len: 100 });
        assert_eq!(parse_range("Bytes = 5-5", 10), Full, "spaces around = are not allowed");
        assert_eq!(parse_range("BYTES=5-5", 10), Partial { start: 5, len: 1 });
    }

    #[test]
    fn ends_are_clipped_to_the_file() {
        assert_eq!(parse_range("bytes=990-2000", 1000), Partial { start: 990, len: 10 });
        assert_eq!(parse_range("bytes=-5000", 1000), Partial { start: 0, len: 1000 });
        assert_eq!(
            parse_range("bytes=0-18446744073709551615", 3),
            Partial { start: 0, len: 3 }
        );
    }

    #[test]
    fn past_the_end_is_416() {
        assert_eq!(parse_range("bytes=1000-", 1000), Unsatisfiable);
        assert_eq!(parse_range("bytes=1000-1001", 1000), Unsatisfiable);
        assert_eq!(parse_range("bytes=-0", 1000), Unsatisfiable);
        assert_eq!(parse_range("bytes=0-", 0), Unsatisfiable);
        assert_eq!(parse_range("bytes=-1", 0), Unsatisfiable);
    }

    #[test]
    fn malformed_or_multiple_is_ignored() {
        for value in [
            "bytes=5-1",
            "bytes=a-b",
            "bytes=-",
            "bytes=+1-2",
            "bytes=1",
            "items=0-1",
            "bytes=0-1,3-4",
            "bytes=99999999999999999999999-",
            "",
            "bytes=0-1 2",
        ] {
            assert_eq!(parse_range(value, 1000), Full, "{value:?}");
        }
    }
}
