#!/usr/bin/env bash
# bench.sh — compare the echo server's concurrency models with `loadgen` (behind `make bench`).
#
# For every model it starts `echo-server --model M --listen 127.0.0.1:0` pinned to CPU 1,
# reads its `listening on ADDR` line, drives it with `loadgen` pinned to CPU 0, and stops it
# with SIGTERM. Pinning keeps the two from competing for one core, so the figures describe the
# server, not the scheduler. Runs are interleaved across models (run 1 of every model, then
# run 2, …) so a burst of background load hits all models alike; the tables show the median.
#
# Tables:
#   1. 1, 50 and 1000 connections (64-byte messages): round trips/s, p99, ratio to epoll and
#      to the model's reference server, system calls per round trip; stalled connections are
#      shown (iterative).
#   2. 1 active connection + N idle (N = 0, 100, 1000) for select, poll, epoll: p50, p99,
#      rt/s. select and poll hand the kernel every descriptor on every call; epoll does not.
#
# Environment:
#   BENCH_SECS=3      measured seconds per run (plus BENCH_WARMUP=0.5 of warmup)
#   BENCH_RUNS=3      runs per cell; the median is reported
#   BENCH_MODELS="iterative fork thread select c-select poll c-poll epoll uring uring-completion bare-mio"
#                     models to run; c-select, c-poll and bare-mio are the reference servers of
#                     select, poll and epoll (scripts/bench/: two C servers built with cc, a
#                     minimal mio server built with cargo), built here into target/bench-ref/
#   BARE_MIO=/path    use another mio echo server as the bare-mio row
#   BENCH_SYSCALLS=1  count system calls per round trip (strace -f -c, a separate run per
#                     cell: scripts/bench/syscalls.sh); 0 skips the counts
#   BENCH_CONNS="1 50 1000"  BENCH_IDLE="100 1000"           override the grid
#   ECHO_SERVER=target/release/echo-server                     the server under test
#
# Raw JSON of every run (one loadgen report each) is kept under target/bench/<timestamp>/raw/
# (BENCH_OUT=DIR: under DIR), beside conditions.json: how busy the machine was at the start
# and at the end (load average, steal, the other busy processes; scripts/bench/
# machine-state.py), also printed in the charts' footer.
#
# CPU per round trip: loadgen --server-pid reads the server's CPU time (every thread of its
# process group, /proc/*/task/*/schedstat) over the measured window; the tables divide it by
# the round trips. On loopback the load generator bounds rt/s; the server's CPU per round
# trip is the figure that compares servers (docs/performance.md).
set -euo pipefail

cd "$(dirname "$0")/.."
source scripts/bench-charts.sh

SECS=${BENCH_SECS:-3}
RUNS=${BENCH_RUNS:-3}
WARMUP=${BENCH_WARMUP:-0.5}
SIZE=64
MODELS=${BENCH_MODELS-"iterative fork thread select c-select poll c-poll epoll uring uring-completion bare-mio"}
CONNS=${BENCH_CONNS:-"1 50 1000"}
IDLE_COUNTS=${BENCH_IDLE-"100 1000"} # idle = 0 is the 1-connection run of table 1
REF_DIR=target/bench-ref
BARE_MIO=${BARE_MIO:-$REF_DIR/bare-mio}
SYSCALLS=${BENCH_SYSCALLS:-1}
OUT=${BENCH_OUT:-target/bench/$(date +%Y%m%d-%H%M%S)}
RAW=$OUT/raw

ECHO_SERVER=${ECHO_SERVER:-target/release/echo-server} # overridable to try the script on a stand-in
LOADGEN=target/release/loadgen
SERVER_PID=
SERVER_ADDR=

say() { printf '%s\n' "$*" >&2; }
die() { say "bench: $*"; exit 1; }

# --- cleanup: never leave a server behind ------------------------------------------------

# Each server runs in its own process group (setsid), so the fork model's children go too.
kill_server() {
    [[ -n $SERVER_PID ]] || return 0
    kill -KILL -- "-$SERVER_PID" 2>/dev/null || kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=
}
on_exit() {
    local rc=$?
    kill_server
    [[ -d $RAW ]] && say "bench: raw JSON results are in $RAW/"
    exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT TERM

# --- setup ---------------------------------------------------------------------------------

read -r -a ROWS <<<"$MODELS"
((${#ROWS[@]} > 0)) || die "no models to run (BENCH_MODELS is empty)"
IDLE_ROWS=()
for m in "${ROWS[@]}"; do
    case $m in select | c-select | poll | c-poll | epoll | uring | uring-completion | bare-mio) IDLE_ROWS+=("$m") ;; esac
done

# The reference servers: the C select and poll servers (cc) and the bare mio one (cargo, its
# own workspace under scripts/bench/bare-mio, built offline from the crates already fetched).
build_references() {
    mkdir -p "$REF_DIR"
    local c
    for c in select poll; do
        cc -O2 -Wall -o "$REF_DIR/$c-echo" "scripts/bench/$c-echo.c" >&2 || die "cc $c-echo.c failed"
    done
    if [[ $BARE_MIO == "$REF_DIR/bare-mio" ]]; then
        (cd scripts/bench/bare-mio && CARGO_TARGET_DIR=../../../target/bare-mio cargo build --release --quiet) >&2 ||
            die "building scripts/bench/bare-mio failed"
        cp target/bare-mio/release/bare-mio "$REF_DIR/bare-mio"
    fi
    [[ -x $BARE_MIO ]] || die "BARE_MIO=$BARE_MIO is not an executable"
}

# Pin server and load generator to different CPUs when there are two.
if (($(nproc) >= 2)) && command -v taskset >/dev/null; then
    PIN_SERVER=(taskset -c 1)
    PIN_LOADGEN=(taskset -c 0)
else
    say "bench: fewer than 2 CPUs (or no taskset): running unpinned, figures will be noisy"
    PIN_SERVER=()
    PIN_LOADGEN=()
fi

# 1000 connections + 1000 idle need ~2100 descriptors in the server and in loadgen.
raise_nofile() {
    local want=2200 soft hard
    soft=$(ulimit -Sn)
    hard=$(ulimit -Hn)
    if [[ $soft != unlimited && $soft -lt $want ]]; then
        ulimit -Sn "$hard" || true
        say "bench: ulimit -n raised from $soft to $(ulimit -Sn)"
    fi
    soft=$(ulimit -Sn)
    [[ $soft == unlimited || $soft -ge $want ]] ||
        say "bench: warning: ulimit -n is $soft; the 1000-connection runs will see errors"
}

estimate() {
    local n_conns n_idle cells secs
    n_conns=$(wc -w <<<"$CONNS")
    n_idle=$(wc -w <<<"$IDLE_COUNTS")
    cells=$((${#ROWS[@]} * n_conns + ${#IDLE_ROWS[@]} * n_idle))
    # warmup + measured time + ~0.5 s to start and stop a server, per run.
    secs=$(python3 -c "print(round($RUNS * $cells * ($WARMUP + $SECS + 0.5)))")
    say "bench: $RUNS run(s) × $cells cells of ${SECS}s: expect about $((secs / 60)) min $((secs % 60)) s"
}

# --- one server ----------------------------------------------------------------------------

# Start the server for model $1; sets SERVER_PID and SERVER_ADDR from its `listening on` line.
start_server() {
    local model=$1 out=$OUT/server.out
    local cmd=("$ECHO_SERVER" --model "$model" --listen 127.0.0.1:0)
    case $model in
        bare-mio) cmd=("$BARE_MIO" --listen 127.0.0.1:0) ;;
        c-select) cmd=("$REF_DIR/select-echo" --listen 127.0.0.1:0) ;;
        c-poll) cmd=("$REF_DIR/poll-echo" --listen 127.0.0.1:0) ;;
    esac
    : >"$out"
    setsid "${PIN_SERVER[@]}" "${cmd[@]}" >"$out" 2>>"$OUT/server-$model.log" </dev/null &
    SERVER_PID=$!
    local i
    for ((i = 0; i < 200; i++)); do
        SERVER_ADDR=$(sed -n 's/^listening on //p' "$out")
        [[ -n $SERVER_ADDR ]] && return 0
        kill -0 "$SERVER_PID" 2>/dev/null || die "$model server exited before listening (see $OUT/server-$model.log)"
        sleep 0.05
    done
    die "$model server printed no 'listening on' line within 10 s"
}

# SIGTERM and wait up to 5 s for a clean exit (the servers' contract); then SIGKILL the group.
stop_server() {
    local i
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$SERVER_PID" 2>/dev/null; then
        say "bench: server $SERVER_PID ignored SIGTERM for 5 s; killing it"
    fi
    kill_server
}

# --- one measurement -----------------------------------------------------------------------

# measure MODEL CONNECTIONS IDLE RUN: a fresh server, one loadgen run, its JSON kept in $RAW.
measure() {
    local model=$1 conns=$2 idle=$3 run=$4
    local name=$RAW/$model-c$conns-i$idle-r$run rc=0
    start_server "$model"
    "${PIN_LOADGEN[@]}" "$LOADGEN" --connections "$conns" --idle "$idle" --size "$SIZE" \
        --duration "$SECS" --warmup "$WARMUP" --label "$model" --json --quiet --server-pid "$SERVER_PID" \
        "$SERVER_ADDR" >"$name.json" 2>"$name.err" || rc=$?
    stop_server
    [[ $rc -eq 0 ]] || echo "$rc" >"$name.rc"
    say "bench: run $run/$RUNS  $(printf '%-9s' "$model") $(printf '%5s' "$conns") conn + $(printf '%4s' "$idle") idle$([[ $rc -eq 0 ]] || echo "  (loadgen exit $rc, see $name.err)")"
}

# --- main ----------------------------------------------------------------------------------

main() {
    say "bench: building release binaries"
    cargo build --release --workspace --bins >&2
    [[ -x $LOADGEN ]] || die "$LOADGEN was not built"
    [[ -x $ECHO_SERVER ]] || die "$ECHO_SERVER not found"
    build_references
    mkdir -p "$RAW"
    raise_nofile
    estimate
    bench_conditions start "$OUT"
    local run conns idle m
    for ((run = 1; run <= RUNS; run++)); do
        for conns in $CONNS; do
            for m in "${ROWS[@]}"; do measure "$m" "$conns" 0 "$run"; done
        done
        for idle in $IDLE_COUNTS; do
            for m in "${IDLE_ROWS[@]}"; do measure "$m" 1 "$idle" "$run"; done
        done
    done
    bench_conditions end "$OUT" # before strace's runs: those are not the figures charted
    local counts=()
    if [[ $SYSCALLS == 1 ]]; then
        say "bench: counting system calls per round trip (strace -f -c, separate runs)"
        REF_DIR=$REF_DIR BARE_MIO=$BARE_MIO ECHO_SERVER=$ECHO_SERVER \
            bash scripts/bench/syscalls.sh "$OUT/syscalls" "${ROWS[*]}" "$CONNS"
        counts=(--syscalls "$OUT/syscalls")
    fi
    python3 scripts/bench-tables.py "$RAW" --models "${ROWS[*]}" --idle-models "${IDLE_ROWS[*]}" \
        --conditions "$OUT/conditions.json" \
        --conns "$CONNS" --idle "0 $IDLE_COUNTS" --secs "$SECS" --runs "$RUNS" "${counts[@]}" | tee "$OUT/tables.txt"
    bench_charts echo "$RAW" "$OUT"
}

main "$@"
