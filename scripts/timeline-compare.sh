#!/usr/bin/env bash
# make timeline-compare (bash scripts/timeline-compare.sh [OUTDIR]): the cost of a turn of the
# loop on select, poll and epoll, with 0 and then 1000 idle connections beside 1 active one.
#
# For each backend and idle count: `echo-server --model M --trace …` (release build: the
# figures are about the kernel, not debug code), driven by `loadgen -c 1 --idle N` for
# COMPARE_SECS seconds (default 1). Then `loop-timeline --compare` draws the six traces: each
# as a timeline, and their time per turn on one chart. select and poll hand the kernel every
# watched descriptor on every call, so their turns get slower with 1000 idle connections;
# epoll's do not. Writes OUTDIR/compare.html (+ SVGs; OUTDIR defaults to target/timeline).
# About 15 seconds plus the release build. 127.0.0.1 only. The machine's other load shows in
# the figures: run it twice before believing a number.

source "$(dirname "$0")/lib.sh"

OUTDIR=${1:-$LAB_ROOT/target/timeline}
SECS=${COMPARE_SECS:-1}
IDLE=${COMPARE_IDLE:-1000}
export REACTOR_LAB_PROFILE=${REACTOR_LAB_PROFILE:-release}
SERVER_BIN=$(lab_bin echo-server)
LOADGEN_BIN=$(lab_bin loadgen)
TIMELINE_BIN=$(lab_bin loop-timeline)
mkdir -p "$OUTDIR"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
lab_tmpdir

PAIRS=()
for idle in 0 "$IDLE"; do
    for model in select poll epoll; do
        trace=$OUTDIR/compare-$model-$idle.jsonl
        start_server "$LAB_TMP" "$SERVER_BIN" --model "$model" --listen 127.0.0.1:0 \
            --max-connections $((IDLE + 100)) --trace "$trace"
        timeout $((SECS + 30)) "$LOADGEN_BIN" --connections 1 --idle "$idle" --duration "$SECS" \
            --warmup 0.2 --quiet "$SERVER_ADDR" >"$LAB_TMP/loadgen.out" ||
            die "loadgen failed on $model with $idle idle: $(tail -1 "$LAB_TMP/loadgen.out")"
        stop_server "$SERVER_PID"
        echo "$model, 1 active + $idle idle: $(grep -m1 -i 'round trips' "$LAB_TMP/loadgen.out" || true)" >&2
        PAIRS+=("$model-$idle=$trace")
    done
done
"$TIMELINE_BIN" --compare -o "$OUTDIR/compare" \
    --title "Time per turn: 1 active client, 0 or $IDLE idle, on select, poll and epoll" "${PAIRS[@]}"
