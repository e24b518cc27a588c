#![no_main]
//! `cargo fuzz run dns_message`: the body is `fuzz_targets::dns::message` (see fuzz-targets/src).
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| fuzz_targets::dns::message(data));
