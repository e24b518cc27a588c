# shellcheck shell=bash
# Shared helpers of the demo, strace and debug scripts: find the built binaries, start a
# server and read its `listening on ADDR` line, stop it with SIGTERM, clean up on any exit.
#
# Source it from a script in scripts/: it moves to the workspace root. Environment:
#   REACTOR_LAB_PROFILE=debug|release   which target/ directory the binaries come from
#                                       (each script picks its own default).

set -euo pipefail

LAB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$LAB_ROOT"

# ---- output --------------------------------------------------------------------------------

# Colours only for a terminal (and never when NO_COLOR is set: https://no-color.org).
if [[ -t 1 && -z "${NO_COLOR:-}" ]]; then
    C_BOLD=$'\e[1m' C_DIM=$'\e[2m' C_RED=$'\e[31m' C_GREEN=$'\e[32m' C_RESET=$'\e[0m'
    C_A=$'\e[36m' C_B=$'\e[35m' C_C=$'\e[33m'
else
    C_BOLD='' C_DIM='' C_RED='' C_GREEN='' C_RESET='' C_A='' C_B='' C_C=''
fi

heading() { printf '\n%s== %s ==%s\n' "$C_BOLD" "$*" "$C_RESET"; }
die() {
    printf '%s%s: %s%s\n' "$C_RED" "$(basename "$0")" "$*" "$C_RESET" >&2
    exit 1
}

# ---- binaries ------------------------------------------------------------------------------

# lab_bin NAME [DEFAULT_PROFILE]: path of a built binary, or a clear error.
lab_bin() {
    local name=$1 profile=${REACTOR_LAB_PROFILE:-${2:-debug}}
    local path="$LAB_ROOT/target/$profile/$name"
    [[ -x $path ]] || die "$path not found: build it first (make build, or make release for target/release)"
    printf '%s\n' "$path"
}

# ---- clock ---------------------------------------------------------------------------------

# Microseconds since the epoch, without forking (bash 5's $EPOCHREALTIME).
now_us() {
    local t=$EPOCHREALTIME
    printf '%s\n' "${t/./}"
}

# sleep_until_us T: sleep until the absolute time T (microseconds), so a schedule never drifts.
sleep_until_us() {
    local left=$(($1 - $(now_us)))
    if ((left > 0)); then
        sleep "$(printf '%d.%06d' $((left / 1000000)) $((left % 1000000)))"
    fi
}

# ---- processes -----------------------------------------------------------------------------

LAB_PIDS=()     # killed on exit if still running
LAB_TMPDIRS=()  # removed on exit

lab_cleanup() {
    local pid
    for pid in "${LAB_PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${LAB_PIDS[@]}"; do
        wait_pid "$pid" 5 || kill -KILL "$pid" 2>/dev/null || true
    done
    local dir
    for dir in "${LAB_TMPDIRS[@]}"; do
        rm -rf "$dir"
    done
}
# A signal that kills bash skips the EXIT trap: turn each into an exit, so the cleanup runs
# even when the terminal closes or the reader of a pipe leaves (make demo-select | head).
trap lab_cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 141' PIPE
trap 'exit 143' TERM

# lab_tmpdir: a fresh directory in LAB_TMP, removed on exit (not in $(…): that is a subshell).
lab_tmpdir() {
    LAB_TMP=$(mktemp -d "${TMPDIR:-/tmp}/reactor-lab.XXXXXX")
    LAB_TMPDIRS+=("$LAB_TMP")
}

# wait_pid PID SECS: wait (polling) until PID is gone; status 1 if it is still there.
# When PID is our child its exit status is left in LAB_STATUS. Works for other processes
# too (kill -0 only asks whether the PID exists).
wait_pid() {
    local pid=$1 deadline=$(($(now_us) + $2 * 1000000)) state=''
    LAB_STATUS=''
    while kill -0 "$pid" 2>/dev/null; do
        read -r state <"/proc/$pid/stat" 2>/dev/null || state=''
        state=${state##*) } # skip "pid (name) ": the name may hold spaces
        [[ ${state:0:1} == Z ]] && break # exited, not yet reaped
        (($(now_us) < deadline)) || return 1
        sleep 0.02
    done
    wait "$pid" 2>/dev/null && LAB_STATUS=0 || LAB_STATUS=$?
    return 0
}

# children_of PID: the PIDs whose parent is PID. pgrep (procps) when present; else a scan of
# /proc/*/stat, slow when the machine runs thousands of processes.
children_of() {
    if command -v pgrep >/dev/null; then
        pgrep -P "$1" || true
        return
    fi
    local parent=$1 stat line pid fields
    for stat in /proc/[0-9]*/stat; do
        { read -r line <"$stat"; } 2>/dev/null || continue # it may exit meanwhile
        line=${line##*) } # the name field may hold spaces: cut after its closing ")"
        read -r -a fields <<<"$line" # state ppid ...
        if [[ ${fields[1]} == "$parent" && ${fields[0]} != Z ]]; then
            pid=${stat#/proc/}
            printf '%s\n' "${pid%/stat}"
        fi
    done
}

# close_inherited_fds: close every descriptor above 2 in this (sub)shell, so a server started
# from it holds only what it opens itself (what /proc/PID/fd and strace then show).
close_inherited_fds() {
    local fd n
    for fd in /proc/$BASHPID/fd/*; do
        n=${fd##*/}
        ((n > 2)) && eval "exec $n>&-" 2>/dev/null
    done
    return 0
}

# ---- servers -------------------------------------------------------------------------------

# start_server DIR CMD...: run CMD in the background (stdout in DIR/server.out, stderr in
# DIR/server.err), wait for its `listening on ADDR` line, and set SERVER_PID, SERVER_ADDR,
# SERVER_PORT. CMD may be a wrapper (strace …) around the server: SERVER_PID is CMD's PID.
start_server() {
    local dir=$1
    shift
    # Empty the output file *now*: the background subshell truncates it only when it gets to
    # run, and until then the grep below could read the previous server's line (old port).
    : >"$dir/server.out"
    (
        close_inherited_fds
        exec "$@"
    ) >"$dir/server.out" 2>"$dir/server.err" </dev/null &
    SERVER_PID=$!
    LAB_PIDS+=("$SERVER_PID")
    local deadline=$(($(now_us) + 20 * 1000000)) line=''
    until line=$(grep -m1 '^listening on ' "$dir/server.out" 2>/dev/null); do
        if ! kill -0 "$SERVER_PID" 2>/dev/null || (($(now_us) > deadline)); then
            cat "$dir/server.err" >&2
            die "the server did not print its 'listening on' line: $*"
        fi
        sleep 0.02
    done
    SERVER_ADDR=${line#listening on }
    SERVER_PORT=${SERVER_ADDR##*:}
}

# stop_server PID [SECS]: SIGTERM, then wait; SIGKILL if it does not stop in time. The PID
# leaves LAB_PIDS, so the exit cleanup never signals a number the system has reused since.
stop_server() {
    local pid=$1 secs=${2:-10} kept=() p
    for p in "${LAB_PIDS[@]}"; do
        [[ $p == "$pid" ]] || kept+=("$p")
    done
    LAB_PIDS=("${kept[@]}")
    kill -TERM "$pid" 2>/dev/null || return 0
    if ! wait_pid "$pid" "$secs"; then
        printf '%s did not stop within %ss of SIGTERM: killing it%s\n' "$C_RED" "$secs" "$C_RESET" >&2
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    fi
}
