# shellcheck shell=bash
# Bugs of reading, writing and listening (sourced by scripts/demo-bug.sh): backlog-2,
# read-once, ignore-short-write, blocking-write.

demo_backlog_2() {
    title backlog-2 \
        "listen(fd, 2): the kernel queues at most ~3 connections that are not accept()ed yet." \
        "In a burst the rest find the queue full: their SYN (or final ACK) is dropped, and the" \
        "client's kernel retries after its initial RTO of 1 s, then 2 s, 4 s... 200 clients at once:"
    serve "buggy" echo-server --model epoll --bug backlog-2
    echo "  ss -ltn: Send-Q of a listening socket is its backlog:"
    ss -ltn "sport = :${SERVER_ADDR##*:}" | sed 's/^/    /'
    run_probe "$RUN_DIR/probe" burst "$SERVER_ADDR" --clients 200
    local buggy=$RUN_DIR/probe
    stop_server "$SERVER_PID"

    serve "fixed" echo-server --model epoll
    ss -ltn "sport = :${SERVER_ADDR##*:}" | sed 's/^/    /'
    run_probe "$RUN_DIR/probe" burst "$SERVER_ADDR" --clients 200
    local fixed=$RUN_DIR/probe
    stop_server "$SERVER_PID"

    table_head backlog-2
    compare "clients whose SYN was retransmitted" "$(result "$buggy" retransmitted) of 200" "$(result "$fixed" retransmitted) of 200"
    compare "echo after >= 0.9 s" "$(result "$buggy" slow)" "$(result "$fixed" slow)"
    compare "no echo within 10 s" "$(result "$buggy" no_echo)" "$(result "$fixed" no_echo)"
    compare "connect(): median / max (ms)" "$(result "$buggy" connect_p50_ms) / $(result "$buggy" connect_max_ms)" "$(result "$fixed" connect_p50_ms) / $(result "$fixed" connect_max_ms)"
    compare "echo, of those echoed: median / max (ms)" "$(result "$buggy" p50_ms) / $(result "$buggy" max_ms)" "$(result "$fixed" p50_ms) / $(result "$fixed" max_ms)"
    see_also "ss -ltn 'sport = :PORT'          # Send-Q = backlog (2 vs 1024), Recv-Q = queued now" \
        "nstat -az TcpExtListenOverflows TcpExtListenDrops   # the kernel's drop counters" \
        "strace -e trace=listen -f ./target/debug/echo-server --bug backlog-2 ...   # listen(3, 2)"
}

# echo_256k WHICH MODEL [--bug NAME]: a 256 KiB echo; leaves the probe output in ECHO_OUT.
echo_256k() {
    local which=$1 model=$2
    shift 2
    serve "$which" echo-server --model "$model" "$@"
    run_probe "$RUN_DIR/probe" big-echo "$SERVER_ADDR" --bytes 262144 --idle 1000
    ECHO_OUT=$RUN_DIR/probe
    stop_server "$SERVER_PID"
}

demo_read_once() {
    title read-once \
        "One read() per readiness event. select and poll are level-triggered: data left unread" \
        "is reported again next turn, so the bug hides. mio's epoll is edge-triggered: it reports" \
        "*new* data once; what we did not read stays in the socket and nothing wakes us for it."
    echo_256k "buggy (epoll)" epoll --bug read-once
    local buggy_epoll=$ECHO_OUT
    echo_256k "buggy (poll)" poll --bug read-once
    local buggy_poll=$ECHO_OUT
    echo_256k "fixed (epoll)" epoll
    local fixed=$ECHO_OUT

    table_head read-once
    compare "epoll: bytes echoed of 262144" "$(result "$buggy_epoll" received)" "$(result "$fixed" received)"
    compare "epoll: stalled" "$(result "$buggy_epoll" stalled)" "$(result "$fixed" stalled)"
    compare "poll (level-triggered): bytes echoed" "$(result "$buggy_poll" received)" "(same code, fixed)"
    see_also "strace -e trace=epoll_wait,read -p PID   # one read of 65536 per epoll_wait, then silence" \
        "ss -tn 'sport = :PORT'                  # Recv-Q: the bytes stuck in the server's socket" \
        "RUST_LOG=trace ./target/debug/echo-server --model epoll --bug read-once   # one event, one read"
}

demo_ignore_short_write() {
    title ignore-short-write \
        "write() on a non-blocking socket takes what fits in the send buffer and returns that" \
        "count. The lecture's write(client_socket, message, strlen(message)) never checks it:" \
        "whatever did not fit is gone. A client sends 16 MiB and starts reading after 0.3 s:"
    serve "buggy" echo-server --model epoll --bug ignore-short-write
    run_probe "$RUN_DIR/probe" big-echo "$SERVER_ADDR" --bytes 16777216 --read-delay 300 --idle 2000
    local buggy=$RUN_DIR/probe
    echo "  server log: $(grep -c 'bytes dropped' "$RUN_DIR/server.err") short writes with their rest dropped"
    stop_server "$SERVER_PID"

    serve "fixed" echo-server --model epoll
    run_probe "$RUN_DIR/probe" big-echo "$SERVER_ADDR" --bytes 16777216 --read-delay 300 --idle 2000
    local fixed=$RUN_DIR/probe
    stop_server "$SERVER_PID"

    table_head ignore-short-write
    compare "bytes sent" "$(result "$buggy" sent)" "$(result "$fixed" sent)"
    compare "bytes echoed back" "$(result "$buggy" received)" "$(result "$fixed" received)"
    compare "bytes lost" "$(result "$buggy" lost)" "$(result "$fixed" lost)"
    see_also "strace -e trace=write,sendto -p PID 2>&1 | grep -v '= 65536'   # short writes: asked N, got less" \
        "ss -tmn 'sport = :PORT'     # skmem: the send buffer is full when the short write happens"
}

demo_blocking_write() {
    title blocking-write \
        "A reactor serves everyone from one thread, so it must never wait for one client. With a" \
        "blocking socket, write() to a client that stopped reading waits until that client reads" \
        "again: the whole loop stops, every other client with it (head-of-line blocking)."
    serve "buggy" echo-server --model epoll --bug blocking-write
    "$PROBE" stuck-reader "$SERVER_ADDR" --rounds 5 >"$RUN_DIR/probe" 2>&1 &
    local probe_pid=$!
    sleep 1.5
    echo "  where the server's only thread sleeps (cat /proc/PID/wchan): $(cat "/proc/$SERVER_PID/wchan" 2>/dev/null)"
    wait "$probe_pid" || true
    sed 's/^/    /' "$RUN_DIR/probe"
    local buggy=$RUN_DIR/probe
    stop_server "$SERVER_PID"

    serve "fixed" echo-server --model epoll
    run_probe "$RUN_DIR/probe" stuck-reader "$SERVER_ADDR" --rounds 5
    local fixed=$RUN_DIR/probe
    stop_server "$SERVER_PID"

    table_head blocking-write
    compare "other client: round trips answered" "$(result "$buggy" answered)" "$(result "$fixed" answered)"
    compare "other client: rounds with no echo in 2 s" "$(result "$buggy" timeouts)" "$(result "$fixed" timeouts)"
    compare "other client: median round trip (us)" "$(result "$buggy" median_us)" "$(result "$fixed" median_us)"
    see_also "cat /proc/PID/wchan; cat /proc/PID/stack   # wait_woken < sk_stream_wait_memory < tcp_sendmsg: asleep in write(2)" \
        "strace -p PID                 # a write(...) that does not return" \
        "gdb -p PID -batch -ex bt      # Reactor::flush -> write_pending -> Outbox::flush_to -> send"
}
