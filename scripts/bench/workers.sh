#!/usr/bin/env bash
# workers.sh — echo round trips/s with one process, --workers 1 and --workers 2 (behind
# `make bench-workers`; docs/workers.md).
#
# Each run starts `echo-server --model epoll` (with or without --workers N), drives it with
# loadgen for BENCH_SECS seconds and stops it with SIGTERM. Settings are interleaved (run 1 of
# each, then run 2, …) and the table shows medians, so background load hits them alike.
#
# Cores: by default nothing is pinned — on a 2-core machine the workers and loadgen share
# both cores, which is the honest setting: a second worker can only use what loadgen leaves.
# With more cores, give each side its own: BENCH_SERVER_CPUS=0-3 BENCH_LOADGEN_CPUS=4-7.
#
# Environment: WORKERS="none 1 2" (none = the plain one-process server), BENCH_CONNS="50 1000",
# BENCH_SECS=3, BENCH_RUNS=3, BENCH_MODEL=epoll. Network: 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/../.."

WORKERS=${WORKERS:-"none 1 2"}
CONNS=${BENCH_CONNS:-"50 1000"}
SECS=${BENCH_SECS:-3}
RUNS=${BENCH_RUNS:-3}
MODEL=${BENCH_MODEL:-epoll}
SERVER_PIN=()
LOADGEN_PIN=()
[[ -n ${BENCH_SERVER_CPUS:-} ]] && SERVER_PIN=(taskset -c "$BENCH_SERVER_CPUS")
[[ -n ${BENCH_LOADGEN_CPUS:-} ]] && LOADGEN_PIN=(taskset -c "$BENCH_LOADGEN_CPUS")
OUT=target/bench/workers-$(date +%Y%m%d-%H%M%S)
SERVER_PID=

say() { printf '%s\n' "$*" >&2; }
cleanup() {
    [[ -n $SERVER_PID ]] && kill -KILL -- "-$SERVER_PID" 2>/dev/null || true
}
trap cleanup EXIT

# measure SETTING CONNS RUN: one server, one loadgen run; its JSON report goes to $OUT.
measure() {
    local setting=$1 conns=$2 run=$3 out=$OUT/server.out addr i
    local cmd=(target/release/echo-server --model "$MODEL" --listen 127.0.0.1:0)
    [[ $setting == none ]] || cmd+=(--workers "$setting")
    setsid "${SERVER_PIN[@]}" "${cmd[@]}" >"$out" 2>>"$OUT/server.log" </dev/null &
    SERVER_PID=$!
    addr=
    for ((i = 0; i < 200; i++)); do
        [[ -z $addr ]] || break
        sleep 0.05
        addr=$(sed -n 's/^listening on //p' "$out")
    done
    [[ -n $addr ]] || { say "workers: no 'listening on' line"; exit 1; }
    sleep 0.2 # let the workers register the listener
    "${LOADGEN_PIN[@]}" target/release/loadgen --connections "$conns" --size 64 --duration "$SECS" \
        --warmup 0.5 --json --quiet --label "$setting" "$addr" >"$OUT/$setting-c$conns-r$run.json" || true
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL -- "-$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=
    say "workers: run $run/$RUNS  workers=$setting  $conns conn"
}

main() {
    cargo build --release -q -p servers -p clients --bins >&2
    mkdir -p "$OUT"
    ulimit -Sn "$(ulimit -Hn)" 2>/dev/null || true
    local run conns setting
    for ((run = 1; run <= RUNS; run++)); do
        for conns in $CONNS; do
            for setting in $WORKERS; do measure "$setting" "$conns" "$run"; done
        done
    done
    python3 - "$OUT" "$WORKERS" "$CONNS" "$RUNS" "$SECS" "$(nproc)" <<'PY'
import json, statistics, sys
from pathlib import Path
out, settings, conns, runs, secs, cpus = sys.argv[1:]
print(f"\n== echo on {cpus} CPUs, model epoll, 64-byte messages: median of {runs} run(s) of {secs} s ==")
print(f"{'workers':<8} {'conns':>6} {'rt/s':>10} {'p99 µs':>9} {'vs none':>8}")
for c in conns.split():
    base = None
    for s in settings.split():
        reports = []
        for p in Path(out).glob(f"{s}-c{c}-r*.json"):
            try:
                reports.append(json.loads(p.read_text()))
            except (OSError, json.JSONDecodeError):
                pass
        rates = [r["rtt_per_sec"] for r in reports]
        p99s = [r["p99_us"] for r in reports if r.get("p99_us") is not None]
        rate = statistics.median(rates) if rates else None
        if s == "none":
            base = rate
        ratio = f"{rate / base:.2f}x" if rate and base else "-"
        p99 = f"{statistics.median(p99s):9.1f}" if p99s else f"{'-':>9}"
        print(f"{s:<8} {c:>6} {rate or 0:10.0f} {p99} {ratio:>8}")
PY
}

main
