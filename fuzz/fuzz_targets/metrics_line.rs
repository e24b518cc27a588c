#![no_main]
//! `cargo fuzz run metrics_line`: the body is `fuzz_targets::metrics::line` (see fuzz-targets/src).
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| fuzz_targets::metrics::line(data));
