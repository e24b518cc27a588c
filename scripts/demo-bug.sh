#!/usr/bin/env bash
# make demo-bug BUG=NAME (bash scripts/demo-bug.sh NAME): one of the lecture's classic bugs,
# seen happening and then seen absent.
#
# Runs the server with `--bug NAME`, then without it, on the same workload (`bug-probe`, see
# clients/src/bin/bug-probe/), and prints the symptom and its absence side by side with the
# figures: zombie count, descriptors, connect times, bytes lost, latencies, RSS, threads...
# then the commands to see it yourself (ps, ss, strace, gdb). docs/bugs.md explains each.
# `all` runs every demo in turn. All traffic is on loopback; every count and wait is bounded.
#
# The demos live in scripts/demo-bug/{fork,io,limits}.sh; this file has the shared helpers.

source "$(dirname "$0")/lib.sh"

BUGS=(fork-no-exit no-reap parent-keeps-socket backlog-2 read-once ignore-short-write
    blocking-write no-fdsetsize-guard sigpipe naive-join unbounded-outbox
    thread-per-client-uncapped)
BUG=${1:-}
if [[ $BUG != all && ! " ${BUGS[*]} " == *" $BUG "* ]]; then
    echo "usage: $0 BUG   (BUG: all ${BUGS[*]})" >&2
    exit 2
fi

PROBE=$(lab_bin bug-probe)

# ---- helpers shared by the demos -----------------------------------------------------------

# title NAME LINE...: the bug's name, then what it is about.
title() {
    heading "--bug $1"
    shift
    printf '%s\n' "$@"
}

# serve WHICH BIN ARGS...: start `BIN --listen 127.0.0.1:0 ARGS` in a fresh directory; WHICH
# (buggy or fixed) labels the output. Sets SERVER_PID, SERVER_ADDR, RUN_DIR.
serve() {
    local which=$1 bin=$2
    shift 2
    lab_tmpdir
    RUN_DIR=$LAB_TMP
    start_server "$RUN_DIR" "$(lab_bin "$bin")" --listen 127.0.0.1:0 "$@"
    printf '\n%s%s:%s %s %s\n' "$C_BOLD" "$which" "$C_RESET" "$bin" "$*"
    grep -h 'BUG ON PURPOSE' "$RUN_DIR/server.err" | sed 's/^.*WARN  *[^ ]* /  server log: /' || true
}

# run_probe FILE ARGS...: run bug-probe, show its lines indented, keep them in FILE.
run_probe() {
    local file=$1
    shift
    "$PROBE" "$@" >"$file" 2>&1 || true
    sed 's/^/    /' "$file"
}

# result FILE KEY: a value from the probe's last `result:` line.
result() {
    sed -n 's/^result: //p' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p" | tail -n 1
}

# compare LABEL BUGGY FIXED: one row of the side-by-side table.
compare() {
    printf '  %-44s %s%-32s%s %s%s%s\n' "$1" "$C_RED" "$2" "$C_RESET" "$C_GREEN" "$3" "$C_RESET"
}

table_head() {
    printf '\n%s  %-44s %-32s %s%s\n' "$C_BOLD" "" "with --bug" "fixed" "$C_RESET"
}

# see_also LINE...: the commands to look for yourself.
see_also() {
    printf '\n%sSee it yourself%s (docs/bugs.md, "%s"):\n' "$C_BOLD" "$C_RESET" "$BUG_NAME"
    printf '  %s\n' "$@"
}

# descendants PID: every process below PID.
descendants() {
    local child
    for child in $(children_of "$1"); do
        echo "$child"
        descendants "$child"
    done
}

# zombies_of PID: direct children in state Z.
zombies_of() {
    ps -o stat= --ppid "$1" 2>/dev/null | grep -c '^Z' || true
}

# kill_tree PID: SIGKILL what a buggy fork server left below it (our own processes only).
kill_tree() {
    local pid
    for pid in $(descendants "$1"); do
        kill -KILL "$pid" 2>/dev/null || true
    done
}

# fd_count PID: open descriptors.
fd_count() {
    ls "/proc/$1/fd" 2>/dev/null | wc -l
}

# exit_text STATUS: "exit 0" or "killed by signal N (NAME)".
exit_text() {
    local status=$1
    if ((status > 128)); then
        printf 'killed by signal %d (SIG%s)' $((status - 128)) "$(kill -l $((status - 128)))"
    else
        printf 'exit %d' "$status"
    fi
}

source "$(dirname "$0")/demo-bug/fork.sh"
source "$(dirname "$0")/demo-bug/io.sh"
source "$(dirname "$0")/demo-bug/limits.sh"

run_demo() {
    BUG_NAME=$1
    "demo_${1//-/_}"
}

if [[ $BUG == all ]]; then
    for b in "${BUGS[@]}"; do
        run_demo "$b"
    done
else
    run_demo "$BUG"
fi
