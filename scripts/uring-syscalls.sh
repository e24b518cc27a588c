#!/usr/bin/env bash
# bash scripts/uring-syscalls.sh (part of make bench-uring): system calls per round trip of
# echo-server on epoll, uring and uring-completion, at 1, 50 and 1000 connections.
#
# Each cell is one run of scripts/strace-compare.sh with loadgen (STRACE_CLIENT=loadgen) for
# STRACE_DURATION seconds: `strace -f -c` counts every system call of the server, loadgen
# counts the round trips it served. strace slows every call, so the *rates* under strace mean
# nothing; the *ratio* calls / round trip is what this table is for (batching shows as < 1
# call per round trip once many connections are ready in the same turn).
#
# Environment: URING_CONNS ("1 50 1000"), STRACE_MODELS ("epoll uring uring-completion"),
# STRACE_DURATION (1). Needs strace and the release binaries (make release).

source "$(dirname "$0")/lib.sh"

CONNS=${URING_CONNS:-"1 50 1000"}
export STRACE_MODELS=${STRACE_MODELS:-"epoll uring uring-completion"}
export STRACE_CLIENT=loadgen REACTOR_LAB_PROFILE=release
lab_tmpdir

# The server and loadgen need ~1000 descriptors each at 1000 connections.
ulimit -Sn "$(ulimit -Hn)" 2>/dev/null || true

heading "System calls per round trip under strace -f -c (loadgen, ${STRACE_DURATION:-1} s per cell)"
printf '%-13s' "connections"
for model in $STRACE_MODELS; do printf '%20s' "$model"; done
printf '\n'
for conns in $CONNS; do
    TRACE_DIR="$LAB_TMP/c$conns" STRACE_CONNECTIONS=$conns bash scripts/strace-compare.sh >"$LAB_TMP/c$conns.out" 2>&1 ||
        die "strace-compare failed at $conns connections: $(tail -n 5 "$LAB_TMP/c$conns.out")"
    # One word per column after the label: the "total" row and the "(round trips served)" row.
    read -r -a totals < <(sed -n 's/^total *//p' "$LAB_TMP/c$conns.out")
    read -r -a served < <(sed -n 's/^(round trips served) *//p' "$LAB_TMP/c$conns.out")
    printf '%-13s' "$conns"
    i=0
    for model in $STRACE_MODELS; do
        printf '%20s' "$(awk -v c="${totals[$i]:-0}" -v r="${served[$i]:-0}" \
            'BEGIN { if (r > 0) printf "%.3f (%d rt)", c / r, r; else printf "?" }')"
        i=$((i + 1))
    done
    printf '\n'
done
cat <<'TXT'

  Each cell: total system calls of the server / round trips served (round trips in brackets).
  epoll pays epoll_wait + a read per message + the read that finds EAGAIN + a write; uring pays
  the same reads and writes but folds its interest changes into io_uring_enter; uring-completion
  pays only io_uring_enter, and one of those carries the receives and sends of every connection
  that completed in that turn.
TXT
