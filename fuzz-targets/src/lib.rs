//! # fuzz-targets — what each fuzz target does, as plain functions
//!
//! A fuzzer (libFuzzer, through `cargo fuzz` in `fuzz/`) calls one function millions of times
//! with bytes it mutates, keeping the inputs that reach new code (coverage-guided). Any panic,
//! overflow or out-of-bounds index is a crash: a peer could send the same bytes.
//!
//! The bodies live here, in a crate the workspace compiles on stable, and not in `fuzz/`
//! (which needs a nightly compiler and sanitizers): the `tests` crate replays every committed
//! input of `fuzz/corpus/` and `fuzz/regressions/` through these very functions
//! (`tests/tests/fuzz_corpus.rs`), so a crash found once stays fixed.
//!
//! Each function takes any bytes, never panics on its own, and `assert!`s the invariants that
//! must hold for every input (a frame never longer than its limit, the same result whatever
//! the split into reads, re-encoding a decoded frame gives the same bytes, …): a broken
//! invariant is a crash too.
//!
//! # Targets
//! | function | parser | file |
//! |----------|--------|------|
//! | [`http::head`] | request head, in pieces | `servers/src/proto/http/request.rs` |
//! | [`http::range`] | `Range: bytes=…` | `servers/src/proto/http/range.rs` |
//! | [`chat::lines`] | the line framer | `servers/src/proto/chat/lines.rs` |
//! | [`chat::command`] | text and JSON commands and events | `servers/src/proto/chat/{text,json}.rs` |
//! | [`dns::message`] | a whole answer, names with compression pointers | `clients/src/dns/` |
//! | [`metrics::binary`] | the binary frame decoder | `servers/src/proto/metrics/binary.rs` |
//! | [`metrics::line`] | text and JSON command lines | `servers/src/proto/metrics/{text,json}.rs` |
//! | [`metrics::session`] | a whole connection against a store | `servers/src/proto/metrics/session.rs` |

pub mod chat;
pub mod dns;
pub mod http;
pub mod metrics;

/// A fuzz target's body: any bytes in; a panic is a crash.
pub type Target = fn(&[u8]);

/// Every target by the name `cargo fuzz run NAME` and the corpus folders use.
pub const TARGETS: &[(&str, Target)] = &[
    ("http_head", http::head),
    ("http_range", http::range),
    ("chat_lines", chat::lines),
    ("chat_command", chat::command),
    ("dns_message", dns::message),
    ("metrics_binary", metrics::binary),
    ("metrics_line", metrics::line),
    ("metrics_session", metrics::session),
];

/// Split `data` into pieces whose sizes come from `sizes` (cycled; 0 counts as 1), as reads
/// from a socket would: the same input must give the same result however it is cut.
pub fn chunks<'a>(data: &'a [u8], sizes: &[usize]) -> Vec<&'a [u8]> {
    let mut pieces = Vec::new();
    let mut rest = data;
    let mut i = 0;
    while !rest.is_empty() {
        let size = sizes.get(i % sizes.len().max(1)).map_or(rest.len(), |&s| s.max(1));
        let (piece, tail) = rest.split_at(size.min(rest.len()));
        pieces.push(piece);
        rest = tail;
        i += 1;
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_cover_the_input_in_order_with_the_given_sizes() {
        let data: Vec<u8> = (0..20).collect();
        let pieces = chunks(&data, &[1, 0, 7]);
        let sizes: Vec<usize> = pieces.iter().map(|p| p.len()).collect();
        assert_eq!(sizes, [1, 1, 7, 1, 1, 7, 1, 1]);
        assert_eq!(pieces.concat(), data);
        assert_eq!(chunks(&data, &[]), [&data[..]]);
        assert!(chunks(&[], &[3]).is_empty());
    }
}
