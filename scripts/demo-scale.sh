#!/usr/bin/env bash
# demo-scale.sh — C10K and beyond (behind `make demo-scale`): N idle connections plus one
# active client on each concurrency model, and what each model pays for the idle crowd.
#
# For every model and every N it starts a fresh `echo-server`, opens N silent connections
# with `idle-conns`, reads the server's cost from /proc (scripts/scale/probe.py), then
# measures one active client beside them with `loadgen --server-pid` (p50/p99, the server's
# CPU per round trip), and stops everything. One table per N, then an SVG chart
# (bench-charts scale) of p99 and memory per connection against N. How busy the machine was
# at the start and the end (scripts/bench/machine-state.py) heads the tables and the charts'
# footer.
#
#   bash scripts/demo-scale.sh [--counts "0 1000 10000 100000"] [--models "thread fork …"]
#                              (models: thread fork select poll epoll uring, and bare-mio)
#                              [--secs 3] [--fork-cap 1000] [--thread-cap 10000] [--out DIR]
#
# Where it runs. As root it creates its own network namespace (`ip netns add`), so the
# 100k sockets, the ephemeral ports they use and the per-namespace settings it raises there
# (net.ipv4.ip_local_port_range, net.core.somaxconn) touch nothing outside it; the namespace
# is deleted on exit. Without root (or without `ip netns`) it stays in the current namespace,
# changes no setting, uses one source address and caps N (ROOT_NS_MAX) so as not to take the
# loopback's ephemeral ports from everything else on the machine; it says so.
#
# Descriptors: each idle connection is one descriptor in the server and one in idle-conns;
# the hard RLIMIT_NOFILE is raised for this script's children when it may (root). When it
# may not (a container's root has no CAP_SYS_RESOURCE), one process holds at most the hard
# limit less FD_SLACK connections (its *budget*). Past it, epoll and uring run as
# `echo-server --workers K` (K = ceil(N / budget): K reactors on one shared listener, each
# within its own limit) and the idle crowd comes from K idle-conns processes; the tables
# say so. The other models have no workers and keep their own limits: they are not run past
# one process's budget. Caps: fork and thread get --max-connections (--fork-cap,
# --thread-cap: one process or thread per client, past that they refuse); select refuses
# past FD_SETSIZE by itself.
#
# Environment: REACTOR_LAB_PROFILE=release|debug (default release), SCALE_NETNS=0 to stay in
# the current namespace even as root.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD

COUNTS="0 1000 10000 100000"
MODELS="thread fork select poll epoll uring"
SECS=3
FORK_CAP=1000
THREAD_CAP=10000
OUT=
ROOT_NS_MAX=10000 # idle connections at most, outside a namespace of our own
FD_SLACK=200      # descriptors besides the idle connections: listener, epoll, pipes, fd reserve
WINDOW=256        # connects in flight at once, over all idle-conns processes of a cell
SOURCES_PER_ADDR=25000 # connections per source address 127.0.0.x (of ~64k ports in the namespace)

say() { printf 'scale: %s\n' "$*" >&2; }
die() {
    say "$*"
    exit 1
}
usage() {
    sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
    exit 2
}

while (($#)); do
    case $1 in
        --counts) COUNTS=${2:?}; shift ;;
        --models) MODELS=${2:?}; shift ;;
        --secs) SECS=${2:?}; shift ;;
        --fork-cap) FORK_CAP=${2:?}; shift ;;
        --thread-cap) THREAD_CAP=${2:?}; shift ;;
        --out) OUT=${2:?}; shift ;;
        -h | --help) usage ;;
        *) say "unknown argument: $1"; usage ;;
    esac
    shift
done
for n in $COUNTS $FORK_CAP $THREAD_CAP; do
    [[ $n =~ ^[0-9]+$ ]] || { say "not a count: $n"; exit 2; }
done
[[ $SECS =~ ^[0-9]+(\.[0-9]+)?$ ]] || { say "--secs: not a number of seconds: $SECS"; exit 2; }
for m in $MODELS; do
    case $m in thread | fork | select | poll | epoll | uring | bare-mio) ;; *) say "unknown model: $m"; exit 2 ;; esac
done

PROFILE=${REACTOR_LAB_PROFILE:-release}
BIN=$ROOT/target/$PROFILE
for b in echo-server loadgen idle-conns; do
    [[ -x $BIN/$b ]] || die "$BIN/$b not found: build it first (make release)"
done
# bare-mio (scripts/bench/bare-mio, built by make bench): the minimal mio server, the
# reference for the epoll model's memory per connection. Not in the default list.
BARE_MIO=${BARE_MIO:-$ROOT/target/bench-ref/bare-mio}
[[ " $MODELS " != *" bare-mio "* || -x $BARE_MIO ]] || die "$BARE_MIO not found: make bench builds it (or BARE_MIO=path)"
OUT=${OUT:-$ROOT/target/scale/$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
RESULTS=$OUT/results.jsonl
: >"$RESULTS"
: >"$OUT/groups.txt"

# ---- cleanup: nothing left behind ---------------------------------------------------------

NETNS=
GROUPS_STARTED=() # process groups (setsid leaders) we started; killed on exit
kill_group() {
    local pgid=$1 i
    kill -KILL -- "-$pgid" 2>/dev/null || true
    for ((i = 0; i < 200; i++)); do
        pgrep -g "$pgid" >/dev/null 2>&1 || break
        sleep 0.05
    done
}
cleanup() {
    local rc=$? g left=0
    trap '' PIPE # a reader of our output that is gone must not stop the cleanup half-way
    for g in "${GROUPS_STARTED[@]}"; do kill_group "$g"; done
    for g in "${GROUPS_STARTED[@]}"; do
        pgrep -g "$g" >/dev/null 2>&1 && left=1 && say "process group $g is still there"
    done
    if [[ -n $NETNS ]]; then
        if [[ -n $(ip netns pids "$NETNS" 2>/dev/null) ]]; then
            say "processes still in namespace $NETNS: $(ip netns pids "$NETNS" | tr '\n' ' ')"
            left=1
        fi
        ip netns del "$NETNS" 2>/dev/null || true
        if ip netns list | grep -qw "$NETNS"; then
            say "namespace $NETNS could not be deleted"
            left=1
        else
            say "namespace $NETNS deleted (its settings went with it)"
        fi
    fi
    ((left == 0)) && say "cleanup: no server, client or namespace left behind"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# ---- where to run, and how far --------------------------------------------------------------

IN_NS=() # the prefix that runs a command in our namespace (empty: the current one)
SOURCES=1
max_n=0
for n in $COUNTS; do ((n > max_n)) && max_n=$n; done

setup_netns() {
    NETNS=reactor-scale-$$
    ip netns add "$NETNS" 2>/dev/null || { NETNS=; return 1; }
    echo "$NETNS" >"$OUT/netns.txt"
    IN_NS=(ip netns exec "$NETNS")
    "${IN_NS[@]}" ip link set lo up
    # Per-namespace settings: they die with the namespace, nothing to restore outside it.
    "${IN_NS[@]}" sysctl -q -w net.ipv4.ip_local_port_range="1024 65535"
    "${IN_NS[@]}" sysctl -q -w net.core.somaxconn=65535
    "${IN_NS[@]}" sysctl -q -w net.ipv4.tcp_max_syn_backlog=65535
    SOURCES=$(((max_n + SOURCES_PER_ADDR - 1) / SOURCES_PER_ADDR))
    ((SOURCES >= 1)) || SOURCES=1
    say "network namespace $NETNS: lo up; there only: ip_local_port_range 1024-65535 (~64k ports" \
        "per source address), somaxconn 65535, tcp_max_syn_backlog 65535; $SOURCES source address(es) 127.0.0.x"
}

if [[ ${SCALE_NETNS:-1} == 1 && $EUID -eq 0 ]] && command -v ip >/dev/null && setup_netns; then
    :
else
    if [[ $EUID -ne 0 ]]; then
        why="not root: no network namespace of our own"
    elif [[ ${SCALE_NETNS:-1} != 1 ]]; then
        why="SCALE_NETNS=0"
    else
        why="ip netns add failed"
    fi
    say "$why: staying in the current namespace, changing no setting, one source address"
    say "N is capped at $ROOT_NS_MAX so the loopback's ephemeral ports stay free for others"
    max_allowed=$ROOT_NS_MAX
fi

# Descriptors: server and idle-conns each need N + a few. Raise the hard limit if allowed.
need_fds=$((max_n + FD_SLACK))
hard=$(ulimit -Hn)
if [[ $hard != unlimited && $hard -lt $need_fds ]]; then
    nr_open=$(cat /proc/sys/fs/nr_open 2>/dev/null || echo "$hard")
    want=$((need_fds < nr_open ? need_fds : nr_open))
    if ulimit -Hn "$want" 2>/dev/null; then
        say "RLIMIT_NOFILE hard limit raised from $hard to $want for this run's processes"
    elif [[ $EUID -eq 0 ]]; then
        say "RLIMIT_NOFILE hard limit is $hard and cannot be raised: root without CAP_SYS_RESOURCE (a container)"
    else
        say "RLIMIT_NOFILE hard limit is $hard and cannot be raised: not root"
    fi
fi
ulimit -Sn "$(ulimit -Hn)"
fd_max=$(ulimit -Hn)
# BUDGET: idle connections one process may hold (server side and client side alike).
if [[ $fd_max == unlimited ]]; then
    BUDGET=$max_n
else
    BUDGET=$((fd_max - FD_SLACK))
fi
((BUDGET >= 1)) || die "RLIMIT_NOFILE hard limit $fd_max leaves no descriptor for connections"
if ((max_n > BUDGET)) && [[ -z ${max_allowed:-} || $max_allowed -gt $BUDGET ]]; then
    say "one process holds at most $BUDGET connections (descriptor hard limit $fd_max): past that," \
        "epoll and uring run as --workers K, K = ceil(N / $BUDGET), with the idle crowd from K" \
        "idle-conns processes; memory is then summed over the workers; thread, fork, select and" \
        "poll have no workers and are not run past $BUDGET"
fi

# Counts past the limit (outside a namespace of our own) are replaced by the largest allowed
# one (once).
RUN_COUNTS=()
capped=0
for n in $COUNTS; do
    if [[ -n ${max_allowed:-} ]] && ((n > max_allowed)); then
        say "N=$n is past the limit here: running N=$max_allowed, the largest allowed, instead"
        ((capped)) || RUN_COUNTS+=("$max_allowed")
        capped=1
        continue
    fi
    RUN_COUNTS+=("$n")
done
((${#RUN_COUNTS[@]} > 0)) || die "no N left to run"

# processes_for N: how many processes hold N connections within the budget (1 at most N).
processes_for() {
    local n=$1
    ((n <= BUDGET)) && { echo 1; return; }
    echo $(((n + BUDGET - 1) / BUDGET))
}

if (($(nproc) >= 2)) && command -v taskset >/dev/null; then
    PIN_SERVER=(taskset -c 1)
    PIN_CLIENT=(taskset -c 0)
else
    PIN_SERVER=()
    PIN_CLIENT=()
fi

# ---- one cell ---------------------------------------------------------------------------------

# start_group LOG CMD...: CMD in the namespace, in a process group of its own; sets GROUP_PID.
start_group() {
    local log=$1
    shift
    "${IN_NS[@]}" setsid "$@" >"$log" 2>"$log.err" </dev/null &
    GROUP_PID=$!
    disown "$GROUP_PID" # no "Killed" job notice; kill_group waits for the group to be gone
    GROUPS_STARTED+=("$GROUP_PID")
    echo "$GROUP_PID" >>"$OUT/groups.txt" # for checking afterwards that nothing is left
}

# wait_line FILE PATTERN SECS PID: wait for a line matching PATTERN; print it.
wait_line() {
    local file=$1 pattern=$2 secs=$3 pid=$4 i line
    for ((i = 0; i < secs * 20; i++)); do
        if line=$(grep -m1 "$pattern" "$file" 2>/dev/null); then
            printf '%s\n' "$line"
            return 0
        fi
        kill -0 "$pid" 2>/dev/null || return 1
        sleep 0.05
    done
    return 1
}

# wait_processes PGID COUNT SECS: wait until the group has COUNT processes.
wait_processes() {
    local pgid=$1 count=$2 secs=$3 i
    for ((i = 0; i < secs * 20; i++)); do
        (($(pgrep -c -g "$pgid" || true) >= count)) && return 0
        sleep 0.05
    done
    return 1
}

# Why the active client got no figure: refused by a full server (the point of the demo for
# the capped models and select), or something else (its first error line).
loadgen_failure() {
    if grep -q 'server busy' "$1"; then
        echo "active client refused: server full"
    else
        echo "loadgen failed: $(grep -m1 -v '^$' "$1" | cut -c1-120)"
    fi
}

# settled_probe PGID: probe until the server's socket count stops moving (a fork server on a
# busy machine is still forking when idle-conns reports), at most ~30 s; print the last.
settled_probe() {
    local last='' now i count prev=-1
    for ((i = 0; i < 60; i++)); do
        now=$(python3 scripts/scale/probe.py "$1")
        count=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["sockets"])' "$now")
        [[ $count == "$prev" ]] && break
        prev=$count last=$now
        sleep 0.5
    done
    printf '%s\n' "${now:-$last}"
}

server_cap() {
    case $1 in
        fork) echo "$FORK_CAP" ;;
        thread) echo "$THREAD_CAP" ;;
        *) echo $(($2 + 100)) ;;
    esac
}

# has_workers MODEL: may it run as several reactors on one listener (echo-server --workers)?
has_workers() {
    case $1 in epoll | uring) return 0 ;; *) return 1 ;; esac
}

# record MODEL N READY BEFORE AFTER LOADGEN NOTE WORKERS: append one JSON line to the results.
record() {
    python3 -c 'import json,sys
model, n, ready, before, after, lg, note, workers = sys.argv[1:]
print(json.dumps({"model": model, "n": int(n), "workers": int(workers), "idle": json.loads(ready),
                  "before": json.loads(before), "after": json.loads(after), "loadgen": json.loads(lg),
                  "note": note}))' "$@" >>"$RESULTS"
}

# start_idle N PROCS ADDR DIR: the idle crowd, N connections from PROCS idle-conns processes
# (each within one process's descriptor budget); sets IDLE_GROUPS.
start_idle() {
    local n=$1 procs=$2 addr=$3 dir=$4 i share window
    window=$((WINDOW / procs))
    ((window >= 16)) || window=16
    IDLE_GROUPS=()
    for ((i = 0; i < procs; i++)); do
        share=$(((n + i) / procs)) # the N connections split as evenly as counts allow
        start_group "$dir/idle$i.out" "${PIN_CLIENT[@]}" "$BIN/idle-conns" --count "$share" \
            --sources "$SOURCES" --window "$window" --hold 900 "$addr"
        IDLE_GROUPS+=("$GROUP_PID")
    done
}

# wait_idle N DIR: every idle-conns process's `ready {…}` line, summed into one (printed).
wait_idle() {
    local n=$1 dir=$2 i line lines=() secs
    secs=$((60 + n / 500 / ${#IDLE_GROUPS[@]}))
    for i in "${!IDLE_GROUPS[@]}"; do
        line=$(wait_line "$dir/idle$i.out" '^ready ' "$secs" "${IDLE_GROUPS[$i]}") || return 1
        lines+=("${line#ready }")
    done
    python3 -c 'import json,sys
parts = [json.loads(a) for a in sys.argv[1:]]
total = {"processes": len(parts), "failure_kinds": {}}
for p in parts:
    for key in ("requested", "open", "closed_by_server", "failed"):
        total[key] = total.get(key, 0) + p.get(key, 0)
    for kind, count in p.get("failure_kinds", {}).items():
        total["failure_kinds"][kind] = total["failure_kinds"].get(kind, 0) + count
    total["gave_up"] = total.get("gave_up", False) or p.get("gave_up", False)
    total["secs"] = max(total.get("secs", 0), p.get("secs", 0))
print(json.dumps(total))' "${lines[@]}"
}

# cell MODEL N: one fresh server, N idle connections, one active client; appends a JSON line.
# Past one process's budget, epoll and uring run as K workers and the crowd comes from K
# processes; the other models are not run there (a row says why).
cell() {
    local model=$1 n=$2 dir=$OUT/$1-$2 line addr server ready='{}' before after lg note='' procs g
    procs=$(processes_for "$n")
    if ((procs > 1)) && ! has_workers "$model"; then
        record "$model" "$n" '{}' '{}' '{}' '{}' \
            "not run: one process holds at most $BUDGET connections, and $model has no --workers" 0
        say "$(printf '%-7s N=%-7s not run (past one process)' "$model" "$n")"
        return
    fi
    mkdir -p "$dir"
    local cmd=("$BIN/echo-server" --model "$model" --listen 127.0.0.1:0 --max-connections "$(server_cap "$model" "$n")")
    if ((procs > 1)); then
        # K reactors on the shared listener, each at most its budget; a full one steps aside.
        cmd=("$BIN/echo-server" --model "$model" --listen 127.0.0.1:0 --workers "$procs" --max-connections "$BUDGET")
    fi
    [[ $model == bare-mio ]] && cmd=("$BARE_MIO" --listen 127.0.0.1:0)
    start_group "$dir/server.out" "${PIN_SERVER[@]}" "${cmd[@]}"
    server=$GROUP_PID
    line=$(wait_line "$dir/server.out" '^listening on ' 20 "$server") ||
        die "$model: the server did not start (see $dir/server.out.err)"
    addr=${line#listening on }
    if ((procs > 1)); then # the workers fork after the listening line: count them first
        wait_processes "$server" $((procs + 1)) 20 || die "$model: $procs workers did not start"
    fi
    before=$(python3 scripts/scale/probe.py "$server")
    IDLE_GROUPS=()
    if ((n > 0)); then
        start_idle "$n" "$procs" "$addr" "$dir"
        ready=$(wait_idle "$n" "$dir") || {
            ready='{}'
            note="idle-conns did not report (see $dir/idle*.out.err)"
        }
    fi
    after=$(settled_probe "$server")
    lg=$("${IN_NS[@]}" "${PIN_CLIENT[@]}" "$BIN/loadgen" --connections 1 --duration "$SECS" \
        --warmup 0.5 --server-pid "$server" --label "$model" --json --quiet "$addr" 2>"$dir/loadgen.err") ||
        note="${note:+$note; }$(loadgen_failure "$dir/loadgen.err")"
    [[ -n $lg ]] || lg='{}'
    for g in "${IDLE_GROUPS[@]}"; do kill_group "$g"; done
    kill -TERM "$server" 2>/dev/null || true
    sleep 0.2
    kill_group "$server"
    ((procs > 1)) || procs=0
    record "$model" "$n" "$ready" "$before" "$after" "$lg" "$note" "$procs"
    say "$(printf '%-7s N=%-7s done' "$model" "$n")"
}

# ---- main ---------------------------------------------------------------------------------------

read -r -a ROWS <<<"$MODELS"
say "models: ${ROWS[*]}; N: ${RUN_COUNTS[*]}; ${SECS}s of 1 active client per cell; fork capped at" \
    "$FORK_CAP processes, thread at $THREAD_CAP threads (--max-connections)"
say "raw results: $RESULTS"
STATE=scripts/bench/machine-state.py
python3 "$STATE" sample 1 >"$OUT/machine-start.json"
for n in "${RUN_COUNTS[@]}"; do
    for m in "${ROWS[@]}"; do cell "$m" "$n"; done
done
python3 "$STATE" sample 1 >"$OUT/machine-end.json"
python3 "$STATE" verdict "$OUT/machine-start.json" "$OUT/machine-end.json" >"$OUT/conditions.json"
{
    python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"])' "$OUT/conditions.json"
    python3 scripts/scale/tables.py "$RESULTS"
} | tee "$OUT/tables.txt"
if [[ -x $BIN/bench-charts ]] || [[ -x $ROOT/target/release/bench-charts ]]; then
    charts=$BIN/bench-charts
    [[ -x $charts ]] || charts=$ROOT/target/release/bench-charts
    "$charts" scale "$RESULTS" --out "$OUT" --conditions "$OUT/conditions.json" >&2 || say "no chart drawn"
else
    say "bench-charts not built: no chart (cargo build --release -p timeline --bin bench-charts)"
fi
