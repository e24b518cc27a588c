#![no_main]
//! `cargo fuzz run chat_command`: the body is `fuzz_targets::chat::command` (see fuzz-targets/src).
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| fuzz_targets::chat::command(data));
