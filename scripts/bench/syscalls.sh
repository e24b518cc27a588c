#!/usr/bin/env bash
# syscalls.sh — system calls per echo round trip, for each model and each reference server
# (called by scripts/bench.sh; runnable alone after `make release`).
#
# A counted run is separate from the timed runs: the server runs under `strace -f -c` (exact
# counts, children included, whatever the load), and `loadgen --rounds R` does a fixed
# number of round trips on every connection. Two counted runs per cell, of R and of 2R
# round trips per connection: their difference is the cost of C × R round trips alone,
# since start-up, the connects and the shutdown are the same in both. strace slows the
# server down, and how many events are ready per wait depends on that timing: the share of
# epoll_wait/select/poll per round trip at 50 or 1000 connections varies from run to run
# (0.01 to 0.2); the reads and writes per round trip are exact. (`perf stat -e
# raw_syscalls:sys_enter -p PID` counts with far less slowdown, where perf is allowed.)
#
# Usage: syscalls.sh OUTDIR "MODELS" "CONNS"
#   each cell writes OUTDIR/<model>-c<conns>.json (scripts/bench/syscalls.py count);
#   SYSCALL_ROUNDS_TOTAL=20000  round trips of the R run (R = that / connections, at least 20)
# Servers: echo-server --model M for the repo's models, and the references:
#   c-select, c-poll (scripts/bench/*.c, built by bench.sh), bare-mio (scripts/bench/bare-mio).
set -euo pipefail
cd "$(dirname "$0")/../.."

OUTDIR=$1
MODELS=$2
CONNS=$3
TOTAL=${SYSCALL_ROUNDS_TOTAL:-20000}
ECHO_SERVER=${ECHO_SERVER:-target/release/echo-server}
LOADGEN=target/release/loadgen
REF_DIR=${REF_DIR:-target/bench-ref}
BARE_MIO=${BARE_MIO:-$REF_DIR/bare-mio}
STRACE_PID=

say() { printf '%s\n' "$*" >&2; }

cleanup() {
    [[ -n $STRACE_PID ]] && kill -KILL -- "-$STRACE_PID" 2>/dev/null || true
}
trap cleanup EXIT

# The command line that serves model $1 on an ephemeral port.
server_cmd() {
    case $1 in
        c-select) echo "$REF_DIR/select-echo --listen 127.0.0.1:0" ;;
        c-poll) echo "$REF_DIR/poll-echo --listen 127.0.0.1:0" ;;
        bare-mio) echo "$BARE_MIO --listen 127.0.0.1:0" ;;
        *) echo "$ECHO_SERVER --model $1 --listen 127.0.0.1:0" ;;
    esac
}

# counted MODEL CONNS ROUNDS FILE: one run under strace -c; the summary goes to FILE, and
# loadgen's JSON report to FILE.json.
counted() {
    local model=$1 conns=$2 rounds=$3 file=$4 out addr i server
    out=$(mktemp)
    # shellcheck disable=SC2046 # the command line is meant to be split
    setsid strace -f -c -o "$file" -- $(server_cmd "$model") >"$out" 2>/dev/null </dev/null &
    STRACE_PID=$!
    addr=
    for ((i = 0; i < 200; i++)); do
        [[ -z $addr ]] || break
        sleep 0.05
        addr=$(sed -n 's/^listening on //p' "$out")
    done
    [[ -n $addr ]] || { say "syscalls: $model printed no 'listening on' line"; return 1; }
    target/release/loadgen --connections "$conns" --rounds "$rounds" --warmup 0 --duration 120 \
        --json --quiet --label "$model" "$addr" >"$file.json" 2>/dev/null || true
    # Let the server see every client's EOF first: otherwise how many closes it makes before
    # the SIGTERM varies from run to run and does not cancel out.
    sleep 1
    # SIGTERM to the server (strace's child): ours exit 0, the C servers die of it; either
    # way strace prints the summary when its tracee is gone.
    server=$(pgrep -P "$STRACE_PID" | head -1 || true)
    [[ -n $server ]] && kill -TERM "$server" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
        kill -0 "$STRACE_PID" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL -- "-$STRACE_PID" 2>/dev/null || true
    wait "$STRACE_PID" 2>/dev/null || true
    STRACE_PID=
    rm -f "$out"
}

main() {
    command -v strace >/dev/null || { say "syscalls: strace not installed (make deps): skipping the counts"; exit 0; }
    mkdir -p "$OUTDIR"
    local model conns rounds
    for conns in $CONNS; do
        rounds=$((TOTAL / conns))
        ((rounds >= 20)) || rounds=20
        for model in $MODELS; do
            # One client at a time: the iterative model serves the second connection only
            # after the first leaves, which a --rounds run never does.
            [[ $model == iterative && $conns -gt 1 ]] && continue
            # 1000 traced processes or threads take longer to start than they teach.
            [[ ($model == fork || $model == thread) && $conns -gt 50 ]] && continue
            counted "$model" "$conns" "$rounds" "$OUTDIR/$model-c$conns-r1.strace"
            counted "$model" "$conns" $((2 * rounds)) "$OUTDIR/$model-c$conns-r2.strace"
            python3 scripts/bench/syscalls.py count "$OUTDIR/$model-c$conns-r1.strace" \
                "$OUTDIR/$model-c$conns-r2.strace" >"$OUTDIR/$model-c$conns.json"
            say "syscalls: $(printf '%-9s %5s conn' "$model" "$conns")  $(python3 scripts/bench/syscalls.py show "$OUTDIR/$model-c$conns.json")"
        done
    done
}

main
