#!/usr/bin/env bash
# test-summary.sh — the end of `make test`: what ran, and what did not for lack of privilege.
#   bash scripts/test-summary.sh CARGO_TEST_LOG [LAB_PROOFS_LOG]
# Reads the output of `cargo test --workspace` (libtest's lines) and of `cargo xtask proofs`.
# A test that needs root carries `#[ignore = "needs root (...)"]`; `make test` includes those
# when it runs as root (--include-ignored), so libtest reports one as `ignored, needs root
# (...)` only when it truly did not run. They are counted apart: never passed, never failed.
set -euo pipefail

cargo_log=$1
proofs_log=${2:-}

# xtask proofs prints "  1    not run: needs root (...)" for a lab whose checks need root.
labs=""
if [ -n "$proofs_log" ] && [ -f "$proofs_log" ]; then
    labs=$(sed -nE 's/^ +([0-9]+) +not run: (.*)$/lab \1 grader (make lab-proofs)\t\2/p' "$proofs_log")
fi

awk -v labs="$labs" '
    # "     Running tests/net_rtnetlink.rs (target/debug/deps/net_rtnetlink-0123abcd)"
    /^ *Running / { n_ = split($2, p, "/"); bin = p[n_]; sub(/\.rs$/, "", bin); next }
    /^ *Doc-tests / { bin = "doc-tests " $2; next }
    /^test result: / {
        for (i = 1; i < NF; i++) {
            if ($(i + 1) ~ /^passed/) passed += $i
            if ($(i + 1) ~ /^failed/) failed += $i
            if ($(i + 1) ~ /^ignored/) ignored += $i
        }
        next
    }
    /^test .* \.\.\. ignored, needs root/ {
        reason = $0; sub(/^.*\.\.\. ignored, /, "", reason)
        notrun[++n] = sprintf("  %-58s %s", bin "::" $2, reason)
        tests++
    }
    END {
        if (labs != "") {
            k = split(labs, lines, "\n")
            for (i = 1; i <= k; i++) {
                split(lines[i], f, "\t")
                notrun[++n] = sprintf("  %-58s %s", f[1], f[2])
            }
        }
        printf "\nmake test: %d passed, %d failed, %d not run for lack of privilege", passed, failed, n
        if (ignored > tests) printf ", %d ignored for another reason", ignored - tests
        printf "\n"
        if (n > 0) print "Not run (neither passed nor failed; README.md, \"Tests that need root\"):"
        for (i = 1; i <= n; i++) print notrun[i]
    }
' "$cargo_log"
