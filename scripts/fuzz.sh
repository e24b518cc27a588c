#!/usr/bin/env bash
# fuzz.sh TARGET SECS — run one cargo-fuzz target for SECS seconds, then print its figures.
# fuzz.sh --list       — the target names (the [[bin]]s of fuzz/Cargo.toml).
#
# libFuzzer writes the inputs it finds into target/fuzz-corpus/TARGET (not committed) and
# reads the committed seeds in fuzz/corpus/TARGET. A crash is saved in fuzz/artifacts/TARGET/:
# copy it into fuzz/regressions/TARGET/, fix the parser, and the tests replay it forever.
set -euo pipefail
cd "$(dirname "$0")/.."

targets() { sed -n 's/^name = "\([a-z_]*\)"$/\1/p' fuzz/Cargo.toml | grep -v '^reactor_lab_fuzz$' || true; }

if [ "${1:-}" = "--list" ]; then targets; exit 0; fi
target=${1:?usage: fuzz.sh TARGET SECS (targets: $(targets | tr '\n' ' '))}
secs=${2:-60}
if ! targets | grep -qx "$target"; then
    echo "fuzz: no target '$target'; the targets are: $(targets | tr '\n' ' ')" >&2
    exit 2
fi

# What is missing, said plainly, before anything is built. FUZZ_TOOLCHAIN picks another
# nightly (e.g. a dated one) than the default "nightly".
toolchain=${FUZZ_TOOLCHAIN:-nightly}
if ! rustup run "$toolchain" rustc --version >/dev/null 2>&1; then
    echo "fuzz: needs a nightly Rust compiler ('$toolchain' is not installed): libFuzzer's" >&2
    echo "      instrumentation uses -Z flags, which only nightly accepts." >&2
    echo "      install it with: rustup toolchain install $toolchain" >&2
    echo "      meanwhile 'cargo test -p tests --test fuzz_corpus' replays the corpora on stable." >&2
    exit 1
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz: needs cargo-fuzz (the cargo subcommand that builds and runs libFuzzer targets):" >&2
    echo "      cargo install cargo-fuzz" >&2
    exit 1
fi

work=target/fuzz-corpus/$target
mkdir -p "$work" "fuzz/artifacts/$target"
log=target/fuzz-corpus/$target.log
echo "fuzz: $target for ${secs}s ($(rustup run "$toolchain" rustc --version | cut -d' ' -f2)), log in $log"
# -timeout: one input taking 60 s is a hang (libFuzzer measures wall time: a shorter limit
# gives false hangs when a shared machine starves the fuzzer); -rss_limit_mb: a leak or a
# huge allocation.
(cd fuzz && cargo "+$toolchain" fuzz run "$target" "../$work" "corpus/$target" -- \
    -max_total_time="$secs" -timeout=60 -rss_limit_mb=1024 -print_final_stats=1) >"$log" 2>&1 && status=0 || status=$?

# The figures: executions, coverage (edges), features, corpus size, and any crash.
# (cov: code edges reached; ft: features, finer-grained coverage; corp: inputs kept.)
grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)' "$log" \
    | sed 's/^stat::/  /' || true
grep -E '^#[0-9]+[[:space:]]+(DONE|pulse|NEW|REDUCE)' "$log" | tail -1 | sed 's/^/  last: /' || true
if [ "$status" -ne 0 ]; then
    echo "fuzz: $target FAILED (exit $status): see $log and fuzz/artifacts/$target/" >&2
    grep -E 'panicked|ERROR|SUMMARY|Test unit written' "$log" | head -5 >&2 || true
    exit 1
fi
echo "fuzz: $target: no crash in ${secs}s"
