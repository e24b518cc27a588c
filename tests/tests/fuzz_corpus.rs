//! Replays every committed fuzz input through the fuzz targets' own functions, on stable.
//!
//! `make fuzz` (nightly + cargo-fuzz) explores; this test keeps what it found: the seed
//! corpora in `fuzz/corpus/TARGET/` and every input that once crashed, kept in
//! `fuzz/regressions/TARGET/` with the fix. A target function panics when an invariant breaks
//! (see `fuzz-targets/src/lib.rs`), so a crash that comes back fails here, naming the file.

use std::fs;
use std::panic;
use std::path::{Path, PathBuf};

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz")
}

/// The files of `dir`, sorted (none if it does not exist: not every target has regressions).
fn inputs(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

/// Run `target` on each file; the names of the files it panicked on.
fn replay(target: fn(&[u8]), files: &[PathBuf]) -> Vec<String> {
    let mut failures = Vec::new();
    for file in files {
        let data = fs::read(file).unwrap_or_else(|e| panic!("read {}: {e}", file.display()));
        if panic::catch_unwind(|| target(&data)).is_err() {
            failures.push(file.display().to_string());
        }
    }
    failures
}

/// The seeds of every target, and every input that once crashed one (`regressions/`, kept
/// with its fix: empty for a target that never crashed).
#[test]
fn every_target_survives_its_seeds_and_past_crashes() {
    let mut failures = Vec::new();
    for (name, target) in fuzz_targets::TARGETS {
        let seeds = inputs(&fuzz_dir().join("corpus").join(name));
        assert!(
            seeds.len() >= 2,
            "fuzz/corpus/{name}: no seeds (run fuzz/make_seeds.py)"
        );
        failures.extend(replay(*target, &seeds));
        failures.extend(replay(*target, &inputs(&fuzz_dir().join("regressions").join(name))));
    }
    assert!(failures.is_empty(), "fuzz targets panicked on: {failures:#?}");
}

/// The table of targets matches the `[[bin]]`s of fuzz/Cargo.toml, so a target added on one
/// side is not silently missing from the other.
#[test]
fn fuzz_manifest_lists_every_target() {
    let manifest = fs::read_to_string(fuzz_dir().join("Cargo.toml")).expect("fuzz/Cargo.toml");
    for (name, _) in fuzz_targets::TARGETS {
        assert!(
            manifest.contains(&format!("name = \"{name}\"")),
            "fuzz/Cargo.toml has no bin {name}"
        );
        assert!(
            fuzz_dir().join("fuzz_targets").join(format!("{name}.rs")).is_file(),
            "no fuzz_targets/{name}.rs"
        );
    }
}
