#!/usr/bin/env bash
# charts-for-readme.sh — redraw the README's benchmark charts (docs/img/bench-*.svg) from a
# quiet run, or refuse (behind `make charts-for-readme`).
#
# A chart drawn while the machine compiles something has the wrong shapes, and a reader
# reads shapes, not footers. So:
#   1. before anything runs, a 2-second sample of the machine (scripts/bench/machine-state.py):
#      if it is busy already, refuse at once;
#   2. run the benches (make bench, bench-chat, bench-http), each recording how busy the
#      machine was at its start and end (DIR/conditions.json, also in each chart's footer);
#   3. copy the charts into docs/img/ only if every bench that ran was quiet; a bench that
#      could not run (a missing tool) leaves its charts as they were, and says so.
# "Quiet" (machine-state.py): other processes under 10 % of one CPU at the start and end of
# each bench, steal under 1 %, 1-minute load average under 0.3 per CPU at the start.
#
# Environment: CHARTS_BENCHES="echo chat http" (which benches), CHARTS_FORCE_BUSY=1 copies
# even from a busy run (for trying the script; never for publishing).
set -euo pipefail

cd "$(dirname "$0")/.."
STATE=scripts/bench/machine-state.py
BENCHES=${CHARTS_BENCHES:-"echo chat http"}
OUT=target/bench/readme-$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT"

say() { printf 'charts-for-readme: %s\n' "$*" >&2; }

refuse() {
    say "refusing to overwrite docs/img/: $*"
    say "run it again on a quiet machine (nothing else compiling or benchmarking)"
    exit 1
}

quiet_or_refuse() {
    local cond=$1 why
    if ! why=$(python3 "$STATE" check "$cond" 2>&1); then
        [[ ${CHARTS_FORCE_BUSY:-0} == 1 ]] && { say "busy ($why), copying anyway (CHARTS_FORCE_BUSY=1)"; return 0; }
        refuse "$why"
    fi
}

# 1. Busy before we start: no point running minutes of benchmarks.
python3 "$STATE" sample 2 >"$OUT/precheck.json"
python3 "$STATE" verdict "$OUT/precheck.json" "$OUT/precheck.json" >"$OUT/precheck-conditions.json"
quiet_or_refuse "$OUT/precheck-conditions.json"

# 2. The benches, and which of their charts the README shows (chart:name in docs/img).
declare -A SCRIPT=([echo]=scripts/bench.sh [chat]=scripts/bench-chat.sh [http]=scripts/bench-http.sh)
declare -A CHARTS=(
    [echo]="echo-throughput.svg:bench-echo-throughput.svg echo-idle-p99.svg:bench-echo-idle-p99.svg"
    [chat]="chat-deliveries.svg:bench-chat-deliveries.svg chat-memory.svg:bench-chat-memory.svg"
    [http]="http-rps.svg:bench-http-rps.svg"
)
RAN=()
for b in $BENCHES; do
    [[ -n ${SCRIPT[$b]:-} ]] || { say "unknown bench: $b"; exit 2; }
    say "running ${SCRIPT[$b]} into $OUT/$b"
    if BENCH_OUT=$OUT/$b bash "${SCRIPT[$b]}" >"$OUT/$b.log" 2>&1; then
        RAN+=("$b")
    else
        say "${SCRIPT[$b]} failed (see $OUT/$b.log): its charts in docs/img/ stay as they were"
    fi
done
((${#RAN[@]} > 0)) || refuse "no bench completed"

# 3. All quiet, or nothing is copied.
for b in "${RAN[@]}"; do
    quiet_or_refuse "$OUT/$b/conditions.json"
done
for b in "${RAN[@]}"; do
    for pair in ${CHARTS[$b]}; do
        src=$OUT/$b/${pair%%:*}
        dst=docs/img/${pair##*:}
        if [[ -f $src ]]; then
            cp "$src" "$dst"
            say "$dst  ← $src"
        else
            say "$src was not drawn: $dst kept"
        fi
    done
done
say "done; the runs' tables and conditions are in $OUT/"
