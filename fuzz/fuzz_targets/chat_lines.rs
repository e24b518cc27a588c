#![no_main]
//! `cargo fuzz run chat_lines`: the body is `fuzz_targets::chat::lines` (see fuzz-targets/src).
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| fuzz_targets::chat::lines(data));
