#!/usr/bin/env bash
# bench-chat.sh — chat broadcast throughput and memory, per concurrency model.
#
#   make bench-chat        (or: bash scripts/bench-chat.sh)
#   CLIENTS=100 MESSAGES=100 IDLE=1000 MODELS="thread fork select poll epoll" bash scripts/bench-chat.sh
#
# 1. Throughput: CLIENTS members each send MESSAGES lines at once; every other member must
#    receive each one. Reported as deliveries per second (chat-bench, see its module doc).
# 2. Memory: IDLE silent members; the server's resident set size (VmRSS from /proc/PID/status).
#    For fork the parent's and every child's are summed; since a forked child shares most
#    pages with its parent, the sum of PSS (proportional set size, shared pages split among
#    sharers, from /proc/PID/smaps_rollup) is shown too: that is the honest total.
#
# Expected run time: about 1 minute after the release build (each step is bounded by
# `timeout`). Traffic stays on 127.0.0.1. Needs: bash, coreutils, awk, a Rust toolchain.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/bench-charts.sh"
bench_keep_output chat "$0" "$@" # tables and charts kept in target/bench/chat-<time>/
CLIENTS=${CLIENTS:-100}
MESSAGES=${MESSAGES:-100}
IDLE=${IDLE:-1000}
MODELS=${MODELS:-thread fork select poll epoll}

cargo build --release --quiet -p servers -p clients --bin chat-server --bin chat-bench
SERVER=$(lab_bin chat-server release)
BENCH=$(lab_bin chat-bench release)
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt $((IDLE + 100)) ]; then
    die "ulimit -n is $(ulimit -n), too low for $IDLE idle members"
fi
lab_tmpdir
WORK=$LAB_TMP

# serve MODEL: a fresh server with room for every member; sets SERVER_PID and SERVER_ADDR.
serve() {
    start_server "$WORK" "$SERVER" --model "$1" --listen 127.0.0.1:0 \
        --max-connections $(((IDLE > CLIENTS ? IDLE : CLIENTS) + 50))
}

# kib PID FIELD FILE: a "Field:  N kB" line of /proc/PID/FILE, in KiB (0 if gone).
kib() {
    awk -v f="$2:" '$1 == f { print $2; found = 1 } END { if (!found) print 0 }' "/proc/$1/$3" 2>/dev/null || echo 0
}

# The server and, for fork, its children.
server_pids() {
    echo "$SERVER_PID"
    cat "/proc/$SERVER_PID/task/$SERVER_PID/children" 2>/dev/null | tr ' ' '\n' | grep . || true
}

echo "== broadcast throughput: $CLIENTS members x $MESSAGES messages (release build)"
printf '%-8s %s\n' model result
for model in $MODELS; do
    serve "$model"
    result=$(timeout 120 "$BENCH" --clients "$CLIENTS" --messages "$MESSAGES" "$SERVER_ADDR" 2>&1) || result="FAILED: $result"
    printf '%-8s %s\n' "$model" "$result"
    stop_server "$SERVER_PID"
done

echo
echo "== memory with $IDLE idle members"
printf '%-8s %10s %10s %10s\n' model procs 'RSS MiB' 'PSS MiB'
for model in $MODELS; do
    serve "$model"
    mkfifo "$WORK/hold"
    timeout 120 "$BENCH" --idle "$IDLE" "$SERVER_ADDR" <"$WORK/hold" >"$WORK/bench.out" 2>&1 &
    bench=$!
    exec 9>"$WORK/hold" # keeps chat-bench's stdin open until we close it
    for _ in $(seq 1200); do
        grep -q '^ready' "$WORK/bench.out" 2>/dev/null && break
        kill -0 "$bench" 2>/dev/null || break
        sleep 0.05
    done
    if grep -q '^ready' "$WORK/bench.out"; then
        sleep 0.5 # let the last joins settle
        rss=0 pss=0 procs=0
        for pid in $(server_pids); do
            rss=$((rss + $(kib "$pid" VmRSS status)))
            pss=$((pss + $(kib "$pid" Pss smaps_rollup)))
            procs=$((procs + 1))
        done
        awk -v m="$model" -v n="$procs" -v r="$rss" -v p="$pss" \
            'BEGIN { printf "%-8s %10d %10.1f %10.1f\n", m, n, r / 1024, p / 1024 }'
    else
        printf '%-8s FAILED: %s\n' "$model" "$(tail -1 "$WORK/bench.out")"
    fi
    exec 9>&-
    wait "$bench" 2>/dev/null || true
    rm -f "$WORK/hold"
    stop_server "$SERVER_PID"
done
