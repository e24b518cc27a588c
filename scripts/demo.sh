#!/usr/bin/env bash
# make demo-MODEL (bash scripts/demo.sh MODEL): watch one concurrency model serve three
# clients at once.
#
# Starts `echo-server --model MODEL` with RUST_LOG=debug, then three `tcp-client`s A, B and C,
# started 0.1 s apart, each sending three lines 0.4 s apart and staying 0.4 s more. Prints:
#   1. the transcript: every line sent and every answer received, on one clock, one lane per
#      client (iterative: B and C get nothing until A leaves);
#   2. a look inside the server while all three are connected: its threads, child processes
#      and file descriptors (from /proc), and the connections still in the listen backlog;
#   3. the server's log on the same clock (accepts, forks, one line per turn of the loop);
#   4. a few lines on what that shows about the model.
# Runs in about 2 seconds. Needs only bash, coreutils and the debug binaries (`make build`);
# REACTOR_LAB_PROFILE=release uses target/release instead.

source "$(dirname "$0")/lib.sh"

MODELS=(iterative fork thread select poll epoll uring)
MODEL=${1:-}
if [[ ! " ${MODELS[*]} " == *" $MODEL "* ]]; then
    echo "usage: $0 MODEL   (MODEL: ${MODELS[*]})" >&2
    exit 2
fi

CLIENTS=(A B C)
LINES=3
STAGGER_US=100000 # between the starts of A, B and C
GAP_US=400000     # between two lines of one client
LINGER_US=400000  # a client stays connected this long after its last line
SNAPSHOT_FROM_US=300000  # the snapshot waits from here (C started at 0.2 s)…
SNAPSHOT_UNTIL_US=1100000 # …until the state is settled, at most until here (A leaves at 1.2 s)

SERVER_BIN=$(lab_bin echo-server)
CLIENT_BIN=$(lab_bin tcp-client)
lab_tmpdir
DIR=$LAB_TMP

# ---- clients -------------------------------------------------------------------------------

# note NAME WHAT TEXT: one event of the transcript, stamped now (microseconds).
note() {
    local t=$EPOCHREALTIME
    printf '%s\t%s\t%s\t%s\n' "${t/./}" "$1" "$2" "$3" >>"$DIR/events"
}

# run_client NAME START_US: at START_US, connect with tcp-client and, once it says it is
# connected, send NAME1..NAME3 on schedule; stamp the connection, every line sent and every
# answer. Stdin EOF makes tcp-client half-close (shutdown(SHUT_WR)).
run_client() {
    local name=$1 start=$2 i line status=0
    sleep_until_us "$start"
    {
        wait_connected "$name"
        for ((i = 1; i <= LINES; i++)); do
            sleep_until_us $((start + (i - 1) * GAP_US))
            note "$name" sent "$name$i"
            printf '%s%d\n' "$name" "$i"
        done
        sleep_until_us $((start + (LINES - 1) * GAP_US + LINGER_US))
        note "$name" eof ""
    } | {
        # Explicit <&0: a background command would otherwise get /dev/null as stdin.
        "$CLIENT_BIN" 127.0.0.1 "$SERVER_PORT" <&0 2> >(client_stderr "$name") &
        echo $! >"$DIR/$name.pid"
        wait $!
    } | while IFS= read -r line; do
        note "$name" got "$line"
    done || status=$?
    note "$name" closed "$status"
}

# client_stderr NAME: tcp-client's stderr. "connected to ADDR" (its connect(2) returned) is
# stamped and lets the lines go; anything else is an error worth showing.
client_stderr() {
    local line
    while IFS= read -r line; do
        if [[ $line == "connected to "* ]]; then
            note "$1" connected "${line#connected to }"
            : >"$DIR/$1.connected"
        else
            note "$1" error "$line"
        fi
    done
}

# wait_connected NAME: until tcp-client has said "connected to" (5 s at most: a client that
# cannot connect exits, and its error is in the transcript).
wait_connected() {
    local deadline=$(($(now_us) + 5000000))
    until [[ -e $DIR/$1.connected ]] || (($(now_us) > deadline)); do
        sleep 0.005
    done
}

# ---- looking inside the server -------------------------------------------------------------

# socket_count PID: how many sockets PID holds (/proc/PID/fd links "socket:[inode]").
socket_count() {
    find "/proc/$1/fd" -mindepth 1 -maxdepth 1 -lname 'socket:*' 2>/dev/null | wc -l
}

# answered NAME: NAME got at least one answer.
answered() {
    grep -q $'\t'"$1"$'\tgot\t' "$DIR/events" 2>/dev/null
}

# settled: is the server in the state the snapshot is meant to show? Every client connected
# and, per model: iterative serves A (listener + A's socket; B and C in the backlog); fork has
# three children holding one socket each and a parent holding only the listener; thread has
# a thread per client; the reactor holds the listener and three clients. A fixed sleep could
# catch a child just forked, before it closed the listener (1 run in 3 on a busy machine).
settled() {
    local name pid kids=()
    for name in "${CLIENTS[@]}"; do
        [[ -e $DIR/$name.connected ]] || return 1
        [[ $MODEL == iterative && $name != A ]] || answered "$name" || return 1
    done
    case $MODEL in
    iterative) (($(socket_count "$SERVER_PID") == 2)) ;;
    fork)
        mapfile -t kids < <(children_of "$SERVER_PID")
        ((${#kids[@]} == ${#CLIENTS[@]})) && (($(socket_count "$SERVER_PID") == 1)) || return 1
        for pid in "${kids[@]}"; do
            (($(socket_count "$pid") == 1)) || return 1
        done
        ;;
    thread)
        (($(find "/proc/$SERVER_PID/task" -mindepth 1 -maxdepth 1 | wc -l) == 1 + ${#CLIENTS[@]})) &&
            (($(socket_count "$SERVER_PID") == 1 + ${#CLIENTS[@]}))
        ;;
    *) (($(socket_count "$SERVER_PID") == 1 + ${#CLIENTS[@]})) ;;
    esac
}

# wait_until_settled: poll `settled` between SNAPSHOT_FROM_US and SNAPSHOT_UNTIL_US;
# SETTLED=no when time ran out (the snapshot then says so).
wait_until_settled() {
    SETTLED=yes
    sleep_until_us $((T0 + SNAPSHOT_FROM_US))
    until settled; do
        if (($(now_us) > T0 + SNAPSHOT_UNTIL_US)); then
            SETTLED=no
            return
        fi
        sleep 0.01
    done
}

# Copy, as fast as possible, what the snapshot shows (the clients keep moving): the server's
# threads, its children, the descriptors of every process involved, the TCP table rows.
capture() {
    local snap="$DIR/snap" pid name
    mkdir -p "$snap"
    cat /proc/"$SERVER_PID"/task/*/comm >"$snap/threads" 2>/dev/null || true
    children_of "$SERVER_PID" >"$snap/children"
    for pid in "$SERVER_PID" $(<"$snap/children"); do
        fd_links "$pid" >"$snap/fds.$pid"
        grep -H '^flags:' /proc/"$pid"/fdinfo/* >"$snap/flags.$pid" 2>/dev/null || true
    done
    for name in "${CLIENTS[@]}"; do
        [[ -s $DIR/$name.pid ]] && fd_links "$(<"$DIR/$name.pid")" >"$snap/client.$name"
    done
    # Only the rows with the server's port on either side (the table may hold thousands).
    grep -i ":$(printf '%04X' "$SERVER_PORT") " /proc/net/tcp >"$snap/tcp" || true
}

# captured_settled: does the copy `capture` just made show the state `settled` checked?
captured_settled() {
    local snap="$DIR/snap" pid kids=()
    mapfile -t kids <"$snap/children"
    case $MODEL in
    iterative) (($(grep -c ' socket:' "$snap/fds.$SERVER_PID") == 2)) ;;
    fork)
        ((${#kids[@]} == ${#CLIENTS[@]})) && (($(grep -c ' socket:' "$snap/fds.$SERVER_PID") == 1)) || return 1
        for pid in "${kids[@]}"; do
            (($(grep -c ' socket:' "$snap/fds.$pid") == 1)) || return 1
        done
        ;;
    *) (($(grep -c ' socket:' "$snap/fds.$SERVER_PID") == 1 + ${#CLIENTS[@]})) ;;
    esac
}

# fd_links PID: "FD TARGET" for each descriptor of PID (one process, not one per fd).
fd_links() {
    find "/proc/$1/fd" -mindepth 1 -maxdepth 1 -printf '%f %l\n' 2>/dev/null || true
}

# Fill INODE_DESC (socket inode -> what it is) and PORT_NAME (client port -> A/B/C) from
# the captured client descriptors and TCP rows; BACKLOG lists connections not accepted yet.
map_sockets() {
    declare -gA INODE_DESC=() PORT_NAME=()
    BACKLOG=()
    local -A client_inode=()
    local name fd link
    for name in "${CLIENTS[@]}"; do
        [[ -f $DIR/snap/client.$name ]] || continue
        while read -r fd link; do
            [[ $link == socket:* ]] && client_inode[${link//[^0-9]/}]=$name
        done <"$DIR/snap/client.$name"
    done
    local rows=() row local_addr remote_addr st inode lport rport
    mapfile -t rows <"$DIR/snap/tcp"
    # Client side first (remote port = the server's): which client owns which local port.
    for row in "${rows[@]}"; do
        read -r _ local_addr remote_addr st _ _ _ _ _ inode _ <<<"$row"
        rport=$((16#${remote_addr#*:}))
        lport=$((16#${local_addr#*:}))
        if ((rport == SERVER_PORT)) && [[ -n ${client_inode[$inode]:-} ]]; then
            PORT_NAME[$lport]=${client_inode[$inode]}
        fi
    done
    # Server side (local port = the server's): the listener, accepted and queued connections.
    for row in "${rows[@]}"; do
        read -r _ local_addr remote_addr st _ _ _ _ _ inode _ <<<"$row"
        lport=$((16#${local_addr#*:}))
        rport=$((16#${remote_addr#*:}))
        ((lport == SERVER_PORT)) || continue
        if [[ $st == 0A ]]; then
            INODE_DESC[$inode]="listening socket $SERVER_ADDR"
        elif [[ $inode == 0 ]]; then
            # Established by the kernel, waiting for accept(2): no descriptor yet.
            BACKLOG+=("${PORT_NAME[$rport]:-port $rport}")
        else
            INODE_DESC[$inode]="connection to ${PORT_NAME[$rport]:-?} (its port $rport)"
        fi
    done
}

# describe_fds PID: the process's sockets, pipes and epoll instances, one per line.
describe_fds() {
    local n link
    while read -r n link; do
        case $link in
        socket:*) printf '      fd %-3s %s\n' "$n" "${INODE_DESC[${link//[^0-9]/}]:-socket}" ;;
        pipe:*) printf '      fd %-3s pipe %s\n' "$n" "$(pipe_role "$1" "$n")" ;;
        anon_inode:*eventpoll*) printf '      fd %-3s epoll instance (its interest list lives in the kernel)\n' "$n" ;;
        anon_inode:*io_uring*) printf '      fd %-3s io_uring instance (submission and completion rings, shared memory)\n' "$n" ;;
        esac
    done <"$DIR/snap/fds.$1" | sort -n -k2
}

# The self-pipe carrying SIGINT/SIGTERM into the loop: which end is it? The access mode is
# the last octal digit of the fd's flags (0 read, 1 write), captured from /proc/PID/fdinfo.
pipe_role() {
    local line flags=''
    while IFS= read -r line; do
        [[ $line == "/proc/$1/fdinfo/$2:"* ]] && flags=${line##*[[:space:]]}
    done <"$DIR/snap/flags.$1"
    case ${flags: -1} in
    0) echo "(signal self-pipe, read end: watched for SIGINT/SIGTERM)" ;;
    1) echo "(signal self-pipe, write end: the signal handler writes here)" ;;
    esac
}

# What the server was made of at the capture: processes, threads, descriptors, backlog.
snapshot() {
    map_sockets
    local threads=() children=() pid
    mapfile -t threads <"$DIR/snap/threads"
    mapfile -t children <"$DIR/snap/children"
    printf '  process %s, %d thread(s) (/proc/%s/task): %s\n' "$SERVER_PID" "${#threads[@]}" "$SERVER_PID" "${threads[*]}"
    describe_fds "$SERVER_PID"
    if ((${#children[@]} == 0)); then
        printf '  child processes: none\n'
    fi
    for pid in "${children[@]}"; do
        printf '  child process %s (forked by %s):\n' "$pid" "$SERVER_PID"
        describe_fds "$pid"
    done
    if ((${#BACKLOG[@]} > 0)); then
        printf '  connected but not accepted yet (waiting in the listen backlog): %s\n' \
            "$(printf '%s\n' "${BACKLOG[@]}" | sort | tr '\n' ' ')"
    fi
}

# ---- printing ------------------------------------------------------------------------------

# rel_time US: "+1.234s" since T0.
rel_time() {
    local d=$(($1 - T0)) sign=+
    ((d < 0)) && sign=- d=$((-d))
    printf '%s%d.%03ds' "$sign" $((d / 1000000)) $((d % 1000000 / 1000))
}

lane_colour() {
    case $1 in
    A) printf '%s' "$C_A" ;;
    B) printf '%s' "$C_B" ;;
    *) printf '%s' "$C_C" ;;
    esac
}

# One line per event, time-ordered, each client indented to its own lane.
print_transcript() {
    local t name what text lane pad
    sort -n -k1,1 -s "$DIR/events" | while IFS=$'\t' read -r t name what text; do
        case $name in A) lane=0 ;; B) lane=1 ;; *) lane=2 ;; esac
        printf -v pad '%*s' $((lane * 18)) ''
        case $what in
        connected) text="connected to $text (connect(2) returned: the kernel completed the handshake)" ;;
        error) text="tcp-client: $text" ;;
        sent) text="sent \"$text\"" ;;
        got) text="got  \"$text\"" ;;
        eof) text="EOF (no more lines: half-close)" ;;
        closed) text="closed by the server" ;;
        esac
        printf '  %8s  %s%s%s  %s%s\n' "$(rel_time "$t")" "$pad" "$(lane_colour "$name")" "$name" "$text" "$C_RESET"
    done
}

# The server's stderr with env_logger's UTC timestamps turned into the transcript's clock
# and client ports labelled with the client's name.
print_server_log() {
    local stamps=() i=0 line ms msg port
    mapfile -t stamps < <(sed -n 's/^\[\([^ ]*\) .*/\1/p' "$DIR/server.err" | date -u -f - +%s%6N)
    while IFS= read -r line; do
        [[ $line == \[* ]] || continue
        msg=${line#*] }
        for port in "${!PORT_NAME[@]}"; do
            msg=${msg//127.0.0.1:$port/127.0.0.1:$port (${PORT_NAME[$port]})}
        done
        printf '  %8s  %s%s%s\n' "$(rel_time "${stamps[$i]}")" "$C_DIM" "$msg" "$C_RESET"
        i=$((i + 1))
    done <"$DIR/server.err"
}

# ---- explanations --------------------------------------------------------------------------

explain() {
    case $1 in
    iterative)
        cat <<'TXT'
  One process serves one client at a time: accept A, read and answer until A leaves, and
  only then accept B. B and C were connected all along (the kernel completed their handshakes
  and queued them in the listen backlog, see above) and their lines waited in kernel buffers:
  each gets all its answers at once, only after the client before it closed. Simple and
  correct, but one slow client stops everybody: the reason for every other model.
TXT
        ;;
    fork)
        cat <<'TXT'
  The parent only accepts: for each client it fork()s a child that serves that client alone
  (the child processes above; "forked child PID" in the log). Each child closed the listener
  and holds just its client's socket; the parent closed its copy. Three processes, each
  blocked in its own read(): the kernel runs whichever has data, so nobody waits for anybody.
  A child's exit sends SIGCHLD to the parent, whose loop reaps it with waitpid(WNOHANG)
  ("reaped child"): no zombies. The price: a process per connection, no shared memory.
TXT
        ;;
    thread)
        cat <<'TXT'
  One thread per client ("client-1", "client-2"… in /proc/PID/task above), in one process:
  they share memory and one fd table, so each client socket shows once, owned by its thread.
  The main thread only notes each socket's number (no dup(2): that would cost a descriptor
  per client), to shutdown() them on SIGTERM and wake the threads blocked in read(). Each
  thread blocks in its own read(); the kernel runs whichever has data, while the main thread
  waits in poll(2) on [listener, signal pipe] to accept the next. Cheaper than fork, but each
  thread costs a stack and a kernel task, so their number is capped (--max-connections).
TXT
        ;;
    select | poll | epoll | uring)
        cat <<TXT
  One thread, one loop, and nobody waits: every socket is non-blocking, and each "turn N" line
  is one $1 wait that returned with "ready=R" descriptors to serve (fds= counts what is
  watched: the listener, the signal pipe and the clients). The loop reads only what the kernel
  said was ready, answers, and waits again, so A, B and C are interleaved turn by turn.
TXT
        case $1 in
        select) echo "  select(2) keeps nothing between calls: the fd sets are rebuilt every turn, the kernel"
                echo "  scans every fd up to the highest, and no fd may be >= FD_SETSIZE (1024)." ;;
        poll) echo "  poll(2) takes an array of pollfd every turn: no 1024 limit, but each wait still passes" 
              echo "  and scans every watched descriptor." ;;
        epoll) echo "  epoll keeps the interest list in the kernel (epoll_ctl once per connection, the epoll" 
               echo "  instance above); epoll_wait returns only the ready ones: its cost follows activity." ;;
        uring) echo "  io_uring: each interest is a poll operation in the ring above; one io_uring_enter submits"
               echo "  the turn's new ones and waits (make demo-uring shows the counts per turn)." ;;
        esac
        echo "  The same loop in one file, without the rest (accept, read, write-all-or-keep, close):"
        echo "  reactor/examples/first_loop.rs, which make debug-first steps through in gdb."
        echo "  Next: make debug-$1 steps through one turn in gdb; make strace-compare counts the syscalls."
        ;;
    esac
}

# ---- run -----------------------------------------------------------------------------------

printf '%sdemo-%s:%s echo-server --model %s; clients A, B, C each send %d lines, %s s apart.\n' \
    "$C_BOLD" "$MODEL" "$C_RESET" "$MODEL" "$LINES" "0.4"

start_server "$DIR" env RUST_LOG=debug "$SERVER_BIN" --model "$MODEL" --listen 127.0.0.1:0
printf 'server pid %s, listening on %s\n' "$SERVER_PID" "$SERVER_ADDR"

T0=$(now_us)
CLIENT_JOBS=()
for i in "${!CLIENTS[@]}"; do
    run_client "${CLIENTS[$i]}" $((T0 + i * STAGGER_US)) &
    CLIENT_JOBS+=($!)
    LAB_PIDS+=($!)
done

# Capture once the state is settled, then check that the copy shows it too: the clients keep
# moving, and on a busy machine a process can change between the check and the copy.
while wait_until_settled; SNAPSHOT_AT=$(now_us); capture; [[ $SETTLED == yes ]] && ! captured_settled; do
    :
done

for job in "${CLIENT_JOBS[@]}"; do
    wait_pid "$job" 20 || die "a client did not finish within 20 s"
done
stop_server "$SERVER_PID"
SERVER_STATUS=$LAB_STATUS

# ---- report --------------------------------------------------------------------------------

heading "Transcript (time since A started; one lane per client)"
print_transcript

heading "Inside the server at $(rel_time "$SNAPSHOT_AT"), all three clients connected (from /proc)"
if [[ $SETTLED == no ]]; then
    printf '  %s(the machine is busy: the server had not reached its steady state by %s, so what\n' "$C_RED" "$(rel_time $((T0 + SNAPSHOT_UNTIL_US)))"
    printf '   follows may show it mid-way, e.g. a child that has not closed the listener yet)%s\n' "$C_RESET"
fi
snapshot

heading "What the server logged (RUST_LOG=debug, same clock)"
print_server_log
printf '  server stopped by SIGTERM, exit status %s\n' "${SERVER_STATUS:-?}"

heading "What this shows"
explain "$MODEL"
