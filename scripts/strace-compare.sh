#!/usr/bin/env bash
# make strace-compare (bash scripts/strace-compare.sh): the same echo workload against the
# thread, fork, select, poll, epoll, uring and uring-completion models of echo-server, each
# under `strace -f -C`, and one side-by-side table of system call counts.
#
# `strace -f` follows every thread and forked child; `-C` prints the full trace *and* the
# per-syscall summary of `-c`. Both are kept in $TRACE_DIR (default target/traces/):
#   MODEL.trace     every call: "PID HH:MM:SS.micros syscall(args) = result"
#   MODEL.summary   strace's table: calls, errors and time per syscall, all processes summed
#
# Workload (the default): CONNECTIONS clients opened at once, then ROUNDS rounds of one
# SIZE-byte echo on each, in lock step (a small Python client): every model serves exactly
# the same round trips, and between two rounds the server has nothing to do, so each column
# shows the textbook pattern of its model (one wait per turn, one read and one write per
# message). STRACE_CLIENT=loadgen runs `loadgen` for DURATION seconds instead: a flood, where
# the columns serve different numbers of round trips (each model's speed under strace) and
# several messages are often read per wait.
#
# Environment (defaults): STRACE_CONNECTIONS (20), STRACE_ROUNDS (200), STRACE_SIZE (64),
# STRACE_DURATION (1, loadgen only), STRACE_CLIENT (auto = python when python3 is there,
# else loadgen | python | loadgen), TRACE_DIR (target/traces),
# STRACE_MODELS (the columns, default all seven),
# REACTOR_LAB_PROFILE (release when target/release/echo-server exists, else debug).
# Run time: about 10-20 s on a quiet machine (tracing slows every syscall tenfold or more).

source "$(dirname "$0")/lib.sh"

# shellcheck disable=SC2206 # STRACE_MODELS is a list of words
MODELS=(${STRACE_MODELS:-thread fork select poll epoll uring uring-completion})
CONNECTIONS=${STRACE_CONNECTIONS:-20}
ROUNDS=${STRACE_ROUNDS:-200}
SIZE=${STRACE_SIZE:-64}
DURATION=${STRACE_DURATION:-1}
TRACE_DIR=${TRACE_DIR:-$LAB_ROOT/target/traces}

if [[ -z ${REACTOR_LAB_PROFILE:-} ]]; then
    REACTOR_LAB_PROFILE=debug
    [[ -x $LAB_ROOT/target/release/echo-server ]] && REACTOR_LAB_PROFILE=release
fi

# ---- checks --------------------------------------------------------------------------------

require_strace() {
    if ! command -v strace >/dev/null; then
        die "strace is not installed. On Debian/Ubuntu: sudo apt-get install strace (Fedora: sudo dnf install strace)"
    fi
    if ! strace -o /dev/null true 2>/dev/null; then
        die "strace cannot trace here (ptrace is not permitted: in a container, run it with --cap-add=SYS_PTRACE; or check /proc/sys/kernel/yama/ptrace_scope)"
    fi
}

# python (lock step, fixed round trips: the default) or loadgen (a flood for a fixed duration).
pick_client() {
    local choice=${STRACE_CLIENT:-auto}
    LOADGEN="$LAB_ROOT/target/$REACTOR_LAB_PROFILE/loadgen"
    case $choice in
    auto) command -v python3 >/dev/null && choice=python || choice=loadgen ;;
    loadgen) [[ -x $LOADGEN ]] || die "$LOADGEN not found: build it (make release)" ;;
    python) ;;
    *) die "STRACE_CLIENT must be auto, python or loadgen, not $choice" ;;
    esac
    if [[ $choice == python ]] && ! command -v python3 >/dev/null; then
        die "python3 is needed for the lock-step client (or STRACE_CLIENT=loadgen)"
    fi
    if [[ $choice == loadgen && ! -x $LOADGEN ]]; then
        die "$LOADGEN not found and no python3: build it (make release) or install python3"
    fi
    CLIENT=$choice
}

# ---- the workload --------------------------------------------------------------------------

# The Python client: open every connection, then ROUNDS rounds in lock step: send one
# message on every connection, wait for every echo, start the next round. Between rounds the
# server has nothing to read, so each model shows its resting state (blocked in read, or in
# one wait over all the sockets) and the counts do not depend on how fast it runs under
# strace. Bounded: 60 s at most.
PINGPONG='
import selectors, socket, sys, time
host, port, conns, rounds, size = sys.argv[1], int(sys.argv[2]), *map(int, sys.argv[3:6])
payload = b"x" * (size - 1) + b"\n"
sel = selectors.DefaultSelector()
socks = []
for _ in range(conns):
    s = socket.create_connection((host, port), timeout=10)
    s.setblocking(False)
    sel.register(s, selectors.EVENT_READ)
    socks.append(s)
deadline = time.monotonic() + 60
for _ in range(rounds):
    for s in socks:
        s.sendall(payload)
    waiting = {s: size for s in socks}
    while waiting:
        if time.monotonic() > deadline:
            sys.exit("pingpong: timed out")
        for key, _ in sel.select(timeout=10):
            s = key.fileobj
            data = s.recv(65536)
            if not data:
                sys.exit("pingpong: the server closed a connection early")
            waiting[s] -= len(data)
            if waiting[s] <= 0:
                del waiting[s]
for s in socks:
    s.close()
print("%d round trips of %d bytes" % (rounds * conns, size))
'

run_workload() {
    if [[ $CLIENT == loadgen ]]; then
        # --warmup 0: every round trip the server made is counted, none goes unreported.
        "$LOADGEN" --quiet --json --warmup 0 --connections "$CONNECTIONS" --duration "$DURATION" \
            --size "$SIZE" "127.0.0.1:$SERVER_PORT" |
            sed -n 's/.*"round_trips":\([0-9]*\).*/\1 round trips of '"$SIZE"' bytes/p'
    
    else
        python3 -c "$PINGPONG" 127.0.0.1 "$SERVER_PORT" "$CONNECTIONS" "$ROUNDS" "$SIZE"
    fi
}

# ---- one model under strace ----------------------------------------------------------------

# trace_model MODEL: start echo-server under strace, run the workload, SIGTERM the server
# (not strace: strace writes its summary when its last tracee exits), split the output.
trace_model() {
    local model=$1 raw="$TRACE_DIR/$1.raw" server_pid
    start_server "$WORK" strace -f -C -tt -o "$raw" "$SERVER_BIN" --model "$model" --listen 127.0.0.1:0
    local strace_pid=$SERVER_PID
    # The first line of the trace is the server's execve, prefixed with its PID (-f).
    local tries=0
    until server_pid=$(awk '/execve\(/ {print $1; exit}' "$raw") && [[ -n $server_pid ]] || ((++tries > 100)); do
        sleep 0.05 # strace may not have flushed that line yet
    done
    [[ $server_pid =~ ^[0-9]+$ ]] || die "cannot find echo-server's PID in $raw"
    printf '  %-7s pid %-7s ' "$model" "$server_pid"
    run_workload >"$WORK/$model.client" 2>&1 || {
        cat "$WORK/$model.client" >&2
        die "the workload failed against --model $model"
    }
    local summary
    summary=$(tail -n 1 "$WORK/$model.client")
    printf '%s\n' "$summary"
    ROUND_TRIPS[$model]=${summary%% *}
    kill -TERM "$server_pid"
    wait_pid "$strace_pid" 60 || die "strace did not finish within 60 s of SIGTERM to the server"
    # The summary starts at strace's "% time" header; everything before it is the trace.
    awk -v trace="$TRACE_DIR/$model.trace" -v summary="$TRACE_DIR/$model.summary" '
        /^% time/ { in_summary = 1 }
        { print > (in_summary ? summary : trace) }' "$raw"
    rm -f "$raw"
    [[ -s $TRACE_DIR/$model.summary ]] || die "strace wrote no summary for --model $model"
}

# ---- the table -----------------------------------------------------------------------------

declare -A CALLS=() ERRORS=() ROUND_TRIPS=()

# Read MODEL.summary: "% time seconds usecs/call calls [errors] syscall" rows.
load_summary() {
    local model=$1 name calls errors
    while read -r name calls errors; do
        CALLS[$model,$name]=$calls
        ERRORS[$model,$name]=$errors
    done < <(awk '$1 ~ /^[0-9.]+$/ && NF >= 5 { print $NF, $4, (NF == 6 ? $5 : 0) }' "$TRACE_DIR/$model.summary")
}

# Rows: a label and the syscalls it sums (std and libc pick one of several equivalent calls).
ROWS=(
    "accept:accept accept4"
    "read:read recvfrom recvmsg readv"
    "read errors (EAGAIN):!read !recvfrom"
    "write:write sendto sendmsg writev"
    "select:select pselect6"
    "poll:poll ppoll"
    "epoll_wait:epoll_wait epoll_pwait epoll_pwait2"
    "epoll_ctl:epoll_ctl"
    "io_uring_enter:io_uring_enter"
    "io_uring_setup:io_uring_setup"
    "clone:clone"
    "clone3:clone3"
    "fork/vfork:fork vfork"
    "wait4:wait4"
    "futex:futex"
    "mmap:mmap"
    "mprotect:mprotect"
    "sigaltstack:sigaltstack"
    "rt_sigaction:rt_sigaction"
    "ioctl:ioctl"
    "fcntl:fcntl"
    "setsockopt:setsockopt"
    "close:close"
    "total:total"
)

# row_value MODEL SPEC: the sum of the calls (or, for "!name", the errors) of SPEC's syscalls.
row_value() {
    local model=$1 sum=0 name
    for name in $2; do
        if [[ $name == !* ]]; then
            sum=$((sum + ${ERRORS[$model,${name#!}]:-0}))
        else
            sum=$((sum + ${CALLS[$model,$name]:-0}))
        fi
    done
    printf '%s\n' "$sum"
}

# The label shows which of the summed syscalls actually occurred (accept4, not accept).
row_label() {
    local label=${1%%:*} spec=${1#*:} name model seen=()
    [[ $spec == *'!'* || $label == total || $label == */* ]] && { printf '%s\n' "$label"; return; }
    for name in $spec; do
        for model in "${MODELS[@]}"; do
            if [[ -n ${CALLS[$model,$name]:-} ]]; then
                seen+=("$name")
                break
            fi
        done
    done
    ((${#seen[@]} > 0)) && label=$(IFS=/; printf '%s' "${seen[*]}")
    printf '%s\n' "$label"
}

# cell MODEL TEXT: one cell of MODEL's column, 9 wide or one more than the model's name.
cell() {
    local width=$((${#1} + 1 > 9 ? ${#1} + 1 : 9))
    printf '%*s' "$width" "$2"
}

print_table() {
    local row model
    printf '%s%-22s' "$C_BOLD" "syscall"
    for model in "${MODELS[@]}"; do cell "$model" "$model"; done
    printf '%s\n' "$C_RESET"
    printf '%-22s' "(round trips served)"
    for model in "${MODELS[@]}"; do cell "$model" "${ROUND_TRIPS[$model]:-?}"; done
    printf '\n'
    for row in "${ROWS[@]}"; do
        printf '%-22s' "$(row_label "$row")"
        for model in "${MODELS[@]}"; do
            cell "$model" "$(row_value "$model" "${row#*:}")"
        done
        printf '\n'
    done
    printf '%-22s' "(syscalls / round trip)"
    for model in "${MODELS[@]}"; do
        cell "$model" "$(per_round_trip "$(row_value "$model" total)" "${ROUND_TRIPS[$model]:-0}")"
    done
    printf '\n'
}

# per_round_trip CALLS TRIPS: CALLS / TRIPS with one decimal, in integer arithmetic.
per_round_trip() {
    (($2 > 0)) || { printf '?'; return; }
    local tenths=$(((10 * $1 + $2 / 2) / $2))
    printf '%d.%d' $((tenths / 10)) $((tenths % 10))
}

v() { row_value "$1" "$2"; }

eagain_note() {
    if [[ $CLIENT == python ]]; then
        cat <<'TXT'
           each wait returns every socket that is ready, and each ready socket is read once:
           select and poll report it again if anything is left, and on epoll a read shorter
           than the buffer shows the socket drained (rule 2), so no client read fails with
           EAGAIN. The one EAGAIN of each column is the signal pipe, read until empty at
           SIGTERM.
TXT
    else
        cat <<'TXT'
           each ready socket is read once (rule 2: select and poll report it again if
           anything is left; on epoll a short read shows it drained), so reads rarely fail
           with EAGAIN. Under strace the server is slowed far more than loadgen, so the next
           message is usually there already: many round trips per wait
           (the default lock-step client shows one per wait).
TXT
    fi
}

# The rows a student asks about: calls that are not the workload's.
rows_note() {
    cat <<TXT
  poll:    select and epoll show 1 poll, not theirs: at start-up Rust's runtime polls fds
           0, 1 and 2 once to check they are open (and reopens /dev/null where they are not).
           The poll model adds one per turn; thread and fork add the accept loop's
           poll([listener, signal pipe]) before each accept.
  ioctl:   every model: ioctl(2, TCGETS), the logger asking whether stderr is a terminal,
           and ioctl(3, FIONBIO, [1]), the listener made non-blocking. None per client in the
           reactors: accept4(..., SOCK_CLOEXEC|SOCK_NONBLOCK) creates each socket
           non-blocking. Thread and fork add ioctl(fd, FIONBIO, [0]) per client, saying
           "blocking" (their listener is non-blocking; BSD and macOS pass that on to accepted
           sockets), next to setsockopt(SO_RCVTIMEO) for --idle-timeout
           (servers/src/blocking/mod.rs, prepare).
TXT
}

explain() {
    local waits
    waits="$(v select "select pselect6") pselect6, $(v poll "poll ppoll") poll, $(v epoll "epoll_wait epoll_pwait epoll_pwait2") epoll_wait"
    cat <<TXT
  fork:    $(v fork clone) clone, no fork: glibc's fork() is clone(SIGCHLD). A process per client; $(v fork wait4) wait4
           are the parent's waitpid(WNOHANG) loop after each SIGCHLD (the last call of each
           loop answers "no more").
  thread:  $(v thread clone3) clone3 (pthread_create): a thread per client, each with an mmap'd stack, an
           mprotect'd guard page and a sigaltstack; futex ($(v thread futex)) is locks and join.
  Both:    one read + one write per message: each thread or child sleeps inside read(2). Their
           poll calls are the accept loop, waiting on [listener, signal pipe].
  select, poll, epoll: no clone, one thread, $waits in all:
$(eagain_note)
  epoll:   $(v epoll epoll_ctl) epoll_ctl (ADD at accept, DEL at close): the kernel keeps the interest list,
           while select and poll pass every fd on every call (look at the pselect6 lines of
           select.trace: the whole fd set, each turn).
  uring:   readiness through a ring: no epoll_ctl, no epoll_wait, but $(v uring io_uring_enter) io_uring_enter. Each
           one submits the poll operations queued during the turn (new clients, changed
           interests) *and* waits: registration is batched into the wait. Reads and writes
           are still ordinary recvfrom/sendto calls ($(v uring "read recvfrom recvmsg readv") reads here).
  uring-completion: accept, recv and send are operations in the ring: $(v uring-completion "accept accept4") accept4,
           $(v uring-completion "read recvfrom recvmsg readv") reads, $(v uring-completion "write sendto sendmsg writev") writes, $(v uring-completion io_uring_enter) io_uring_enter. The transfers happen inside
           the kernel, so strace no longer sees them: which socket, how many bytes, which
           error are all in shared memory (the completion queue), not in syscall arguments.
           (io_uring_setup twice: a probe before binding, so an unavailable io_uring fails
           early with its cause, then the real ring.)
           To see them, trace the kernel instead: perf trace or bpftrace on the io_uring
           tracepoints (io_uring:io_uring_submit_req, io_uring:io_uring_complete).
TXT
}

# ---- main ----------------------------------------------------------------------------------

require_strace
pick_client
SERVER_BIN=$(lab_bin echo-server)
lab_tmpdir
WORK=$LAB_TMP
mkdir -p "$TRACE_DIR"

if [[ $CLIENT == loadgen ]]; then
    workload="loadgen: $CONNECTIONS connections, ${DURATION} s of ping-pong, $SIZE-byte messages"
else
    workload="$CONNECTIONS connections x $ROUNDS round trips of $SIZE bytes (python client)"
fi
heading "strace -f -C: echo-server ($REACTOR_LAB_PROFILE build), $workload"
for model in "${MODELS[@]}"; do
    trace_model "$model"
    load_summary "$model"
done

heading "System calls per model (all processes and threads of the server)"
print_table
heading "What to look for"
explain
rows_note
printf '\nFull traces and summaries: %s/{%s}.{trace,summary}\n' "${TRACE_DIR#"$LAB_ROOT"/}" "$(IFS=,; printf '%s' "${MODELS[*]}")"
printf 'Walkthrough: docs/walkthroughs.md\n'
