#![no_main]
//! `cargo fuzz run metrics_binary`: the body is `fuzz_targets::metrics::binary` (see fuzz-targets/src).
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| fuzz_targets::metrics::binary(data));
