#![no_main]
//! `cargo fuzz run http_head`: the body is `fuzz_targets::http::head` (see fuzz-targets/src).
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| fuzz_targets::http::head(data));
