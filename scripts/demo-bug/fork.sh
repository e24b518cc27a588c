# shellcheck shell=bash
# The fork model's three bugs (sourced by scripts/demo-bug.sh): the child that never exits,
# the parent that never reaps, the parent that keeps the client's socket.

# five_clients WHICH [--bug NAME]: an echo fork server, five clients one after the other.
five_clients() {
    local which=$1
    shift
    serve "$which" echo-server --model fork "$@"
    run_probe "$RUN_DIR/probe" sequential "$SERVER_ADDR" --clients 5 --eof-wait 500
    sleep 0.3 # let children exit and (when the code is right) be reaped
}

# count_children PID: direct children, zombies included (ps fails when there are none).
count_children() {
    { ps -o pid= --ppid "$1" || true; } | wc -l
}

demo_fork_no_exit() {
    title fork-no-exit \
        "The lecture's child serves its client, closes the socket and leaves its if (!c) { ... }" \
        "block without exit(): it falls back into while (1) { accept(...) } and is a server too." \
        "Five clients later, six processes share the listening socket."
    five_clients "buggy" --bug fork-no-exit
    local pids
    pids=$(descendants "$SERVER_PID" | tr '\n' ',' | sed 's/,$//')
    echo "  processes below the server (ps -o pid,ppid,stat,cmd):"
    [[ -n $pids ]] && ps -o pid,ppid,stat,cmd -p "$pids" | sed 's/^/    /'
    echo "  who holds the listening socket (ss -ltnp):"
    ss -ltnp "sport = :${SERVER_ADDR##*:}" | tail -n +2 | grep -o 'pid=[0-9]*' | tr '\n' ' ' | sed 's/^/    /'
    echo
    local buggy_procs
    buggy_procs=$(descendants "$SERVER_PID" | wc -l)
    kill_tree "$SERVER_PID"
    stop_server "$SERVER_PID"

    five_clients "fixed"
    local fixed_procs
    fixed_procs=$(descendants "$SERVER_PID" | wc -l)
    stop_server "$SERVER_PID"

    table_head fork-no-exit
    compare "processes below the server after 5 clients" "$buggy_procs" "$fixed_procs"
    see_also "ps -o pid,ppid,stat,cmd --ppid PID; pstree -p PID   # servers below the server" \
        "ss -ltnp 'sport = :PORT'          # several pids on one listening socket" \
        "strace -f -e trace=accept4,clone,exit_group -p PID   # children calling accept4"
}

demo_no_reap() {
    title no-reap \
        "A process that exits stays in the process table, state Z (zombie), holding its exit" \
        "status until its parent calls waitpid(). The lecture's server never does: one zombie" \
        "per finished client, until the pid table is full."
    five_clients "buggy" --bug no-reap
    echo "  children of the server (ps -o pid,ppid,stat,cmd --ppid PID):"
    ps -o pid,ppid,stat,cmd --ppid "$SERVER_PID" | sed 's/^/    /'
    local buggy_z buggy_children
    buggy_z=$(zombies_of "$SERVER_PID")
    buggy_children=$(count_children "$SERVER_PID")
    stop_server "$SERVER_PID"

    five_clients "fixed"
    local fixed_z fixed_children
    fixed_z=$(zombies_of "$SERVER_PID")
    fixed_children=$(count_children "$SERVER_PID")
    stop_server "$SERVER_PID"

    table_head no-reap
    compare "zombies (Z) after 5 clients" "$buggy_z" "$fixed_z"
    compare "children left at all" "$buggy_children" "$fixed_children"
    see_also "ps -o pid,ppid,stat,cmd --ppid PID        # the Z lines, <defunct>" \
        "strace -e trace=wait4 -e signal=SIGCHLD -p PID   # fixed: one wait4(WNOHANG) per SIGCHLD" \
        "ps -eo stat,pid,ppid,comm | awk '\$1 ~ /^Z/'   # every zombie on the machine"
}

demo_parent_keeps_socket() {
    title parent-keeps-socket \
        "After fork(), parent and child both hold the client's socket. TCP sends its FIN only" \
        "when the *last* descriptor of a socket is closed: if the parent keeps its copy, the" \
        "client never sees EOF when the child is done, and the parent leaks one fd per client."
    serve "buggy" echo-server --model fork --bug parent-keeps-socket
    local buggy_before buggy_after
    sleep 0.2 # the signal pipe is opened just after `listening on`
    buggy_before=$(fd_count "$SERVER_PID")
    run_probe "$RUN_DIR/probe" sequential "$SERVER_ADDR" --clients 5 --eof-wait 500
    buggy_after=$(fd_count "$SERVER_PID")
    echo "  the parent's descriptors (ls -l /proc/PID/fd):"
    ls -l "/proc/$SERVER_PID/fd" | tail -n +2 | awk '{print "    " $9, $10, $11}'
    local buggy_eof
    buggy_eof=$(result "$RUN_DIR/probe" eof)
    stop_server "$SERVER_PID"

    serve "fixed" echo-server --model fork
    local fixed_before fixed_after
    sleep 0.2
    fixed_before=$(fd_count "$SERVER_PID")
    run_probe "$RUN_DIR/probe" sequential "$SERVER_ADDR" --clients 5 --eof-wait 500
    fixed_after=$(fd_count "$SERVER_PID")
    local fixed_eof
    fixed_eof=$(result "$RUN_DIR/probe" eof)
    stop_server "$SERVER_PID"

    table_head parent-keeps-socket
    compare "clients that saw EOF (of 5)" "$buggy_eof" "$fixed_eof"
    compare "parent's open fds before -> after" "$buggy_before -> $buggy_after" "$fixed_before -> $fixed_after"
    see_also "ls -l /proc/PID/fd                    # socket:[...] lines piling up in the parent" \
        "ss -tnp state established '( sport = :PORT )'   # connections the parent still holds" \
        "strace -f -e trace=accept4,clone,close -p PID    # fixed: the parent's close(fd) after clone"
}
