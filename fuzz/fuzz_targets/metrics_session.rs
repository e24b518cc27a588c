#![no_main]
//! `cargo fuzz run metrics_session`: the body is `fuzz_targets::metrics::session` (see fuzz-targets/src).
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| fuzz_targets::metrics::session(data));
