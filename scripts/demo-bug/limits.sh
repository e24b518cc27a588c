# shellcheck shell=bash
# Bugs of limits and of the whole process (sourced by scripts/demo-bug.sh):
# no-fdsetsize-guard, sigpipe, naive-join, unbounded-outbox, thread-per-client-uncapped.

demo_no_fdsetsize_guard() {
    title no-fdsetsize-guard \
        "An fd_set is a bitmap of FD_SETSIZE = 1024 bits. FD_SET(1030, &set) in C writes past its" \
        "end: silent memory corruption. nix's FdSet::insert checks and panics, so the whole server" \
        "dies with every client. The guard refuses that one connection instead. 1100 clients:"
    serve "buggy" echo-server --model select --max-connections 2000 --bug no-fdsetsize-guard
    run_probe "$RUN_DIR/probe" crowd "$SERVER_ADDR" --clients 1100 --pid "$SERVER_PID" --hold 500
    local buggy=$RUN_DIR/probe
    wait_pid "$SERVER_PID" 10 || true
    local buggy_exit=$LAB_STATUS
    echo "  server stderr:"
    grep -A1 'panicked' "$RUN_DIR/server.err" | sed 's/^/    /' || true
    stop_server "$SERVER_PID"

    serve "fixed" echo-server --model select --max-connections 2000
    run_probe "$RUN_DIR/probe" crowd "$SERVER_ADDR" --clients 1100 --pid "$SERVER_PID" --hold 500
    local fixed=$RUN_DIR/probe
    echo "  server log: $(grep -c 'cannot watch fd' "$RUN_DIR/server.err") connections refused, e.g.:"
    grep -m1 'cannot watch fd' "$RUN_DIR/server.err" | sed 's/^.*WARN  *[^ ]* /    /' || true
    stop_server "$SERVER_PID"

    table_head no-fdsetsize-guard
    compare "clients answered (of 1100)" "$(result "$buggy" answered)" "$(result "$fixed" answered)"
    compare "clients refused with a message" "$(result "$buggy" refused)" "$(result "$fixed" refused)"
    compare "clients lost (EOF, reset)" "$(result "$buggy" lost)" "$(result "$fixed" lost)"
    compare "server" "$(exit_text "$buggy_exit")" "$(result "$fixed" server_alive | sed 's/true/running/')"
    see_also "ls /proc/PID/fd | sort -n | tail -3      # descriptor numbers past 1023" \
        "RUST_BACKTRACE=1 ./target/debug/echo-server --model select --bug no-fdsetsize-guard ...   # FdSet::insert" \
        "gdb -ex 'break rust_panic' -ex run --args ./target/debug/echo-server --model select --bug no-fdsetsize-guard"
}

# site DIR: a root DIR/www with an index and a 16 MiB file, and DIR/secret.txt beside it.
site() {
    mkdir -p "$1/www"
    echo '<h1>hello</h1>' >"$1/www/index.html"
    truncate -s 16M "$1/www/big.bin"
    echo 'the exam answers: 42, 17, 3' >"$1/secret.txt"
}

# sigign PID: is SIGPIPE (13) in the process's ignored-signals mask (/proc/PID/status)?
sigign() {
    local mask
    mask=$(sed -n 's/^SigIgn:\t*//p' "/proc/$1/status")
    if (((16#$mask >> 12) & 1)); then echo "yes (SigIgn $mask)"; else echo "no (SigIgn $mask)"; fi
}

demo_sigpipe() {
    title sigpipe \
        "A write to a connection the peer has reset raises SIGPIPE, whose default action kills" \
        "the process. C servers must ignore it; Rust's runtime sets SIG_IGN before main, and std's" \
        "socket writes pass MSG_NOSIGNAL -- but sendfile(2) cannot. Five clients ask for a 16 MiB" \
        "file and hang up at once; the server's next sendfile() meets the reset."
    lab_tmpdir
    local root=$LAB_TMP
    site "$root"
    serve "buggy" http-server --model epoll --root "$root/www" --bug sigpipe
    local buggy_ign
    buggy_ign=$(sigign "$SERVER_PID")
    run_probe "$RUN_DIR/probe" reset "$SERVER_ADDR" /big.bin --rounds 5
    local buggy=$RUN_DIR/probe
    wait_pid "$SERVER_PID" 5 || true
    local buggy_exit=${LAB_STATUS:-running}
    stop_server "$SERVER_PID"

    serve "fixed" http-server --model epoll --root "$root/www"
    local fixed_ign
    fixed_ign=$(sigign "$SERVER_PID")
    run_probe "$RUN_DIR/probe" reset "$SERVER_ADDR" /big.bin --rounds 5
    local fixed=$RUN_DIR/probe
    local fixed_state=running
    kill -0 "$SERVER_PID" 2>/dev/null || fixed_state=gone
    stop_server "$SERVER_PID"

    table_head sigpipe
    compare "GET / afterwards" "$(result "$buggy" status_after)" "$(result "$fixed" status_after)"
    compare "server" "$(exit_text "$buggy_exit")" "$fixed_state"
    compare "SIGPIPE ignored? (SigIgn bit 13, /proc)" "$buggy_ign" "$fixed_ign"
    see_also "grep SigIgn /proc/PID/status       # bit 13 (0x1000) set: SIGPIPE ignored (fixed)" \
        "strace -e trace=sendfile -e signal=SIGPIPE -p PID   # sendfile(...) = -1 EPIPE, --- SIGPIPE ---" \
        "gdb: handle SIGPIPE stop print, then run it under gdb"
}

demo_naive_join() {
    title naive-join \
        "The lecture's web server skips the '/' of the URL and opens the rest relative to its" \
        "directory: GET /../secret.txt opens ../secret.txt. A root in a temporary directory, a" \
        "secret file beside it (curl cleans up '..' itself; --path-as-is or bug-probe do not):"
    lab_tmpdir
    local root=$LAB_TMP
    site "$root"
    echo "  $root/www is the root; $root/secret.txt is outside it"
    serve "buggy" http-server --root "$root/www" --bug naive-join
    run_probe "$RUN_DIR/probe" get "$SERVER_ADDR" /../secret.txt
    local buggy=$RUN_DIR/probe
    stop_server "$SERVER_PID"

    serve "fixed" http-server --root "$root/www"
    run_probe "$RUN_DIR/probe" get "$SERVER_ADDR" /../secret.txt
    local fixed=$RUN_DIR/probe
    stop_server "$SERVER_PID"

    echo
    echo "  and it refuses to listen beyond loopback (--listen 0.0.0.0:0):"
    "$(lab_bin http-server)" --root "$root/www" --bug naive-join --listen 0.0.0.0:0 2>&1 |
        grep -o 'error: .*' | sed 's/^/    /' || true

    table_head naive-join
    compare "GET /../secret.txt" "$(result "$buggy" status) ($(result "$buggy" body_bytes) bytes)" "$(result "$fixed" status)"
    see_also "curl --path-as-is http://ADDR/../secret.txt" \
        "strace -e trace=openat,openat2 -p PID   # buggy: openat(AT_FDCWD, \".../www/../secret.txt\")" \
        "                                        # fixed: openat2(3, ..., RESOLVE_BENEATH) never even asked"
}

demo_unbounded_outbox() {
    title unbounded-outbox \
        "A chat member who never reads: every line of the others is queued for it. With no limit" \
        "the queue -- server memory -- grows as long as the others talk. The bounded outbox" \
        "disconnects the slow member at 256 KiB. One member floods 32 MiB of lines:"
    serve "buggy" chat-server --model epoll --bug unbounded-outbox
    run_probe "$RUN_DIR/probe" chat-flood "$SERVER_ADDR" --bytes 33554432 --pid "$SERVER_PID"
    local buggy=$RUN_DIR/probe
    stop_server "$SERVER_PID"

    serve "fixed" chat-server --model epoll
    run_probe "$RUN_DIR/probe" chat-flood "$SERVER_ADDR" --bytes 33554432 --pid "$SERVER_PID"
    local fixed=$RUN_DIR/probe
    stop_server "$SERVER_PID"

    table_head unbounded-outbox
    compare "server RSS growth (KiB)" "$(result "$buggy" rss_growth_kib)" "$(result "$fixed" rss_growth_kib)"
    compare "silent member disconnected" "$(result "$buggy" silent_disconnected)" "$(result "$fixed" silent_disconnected)"
    see_also "watch -n0.5 grep VmRSS /proc/PID/status" \
        "ss -tmn 'sport = :PORT'      # the silent member's Recv-Q full; the rest is in the server" \
        "the fixed server's stderr: 'guest-1: output over the limit, disconnected (too slow)'"
}

demo_thread_per_client_uncapped() {
    title thread-per-client-uncapped \
        "The lecture's pthread_create() per client: no cap, no join. Each thread costs a stack" \
        "(virtual memory), a kernel task and a scheduler entry; a burst of clients (or an attacker)" \
        "takes the server to EAGAIN from clone(). Both runs: --max-connections 256, 2000 clients:"
    serve "buggy" echo-server --model thread --max-connections 256 --bug thread-per-client-uncapped
    run_probe "$RUN_DIR/probe" crowd "$SERVER_ADDR" --clients 2000 --pid "$SERVER_PID" --hold 300
    local buggy=$RUN_DIR/probe
    stop_server "$SERVER_PID"

    serve "fixed" echo-server --model thread --max-connections 256
    run_probe "$RUN_DIR/probe" crowd "$SERVER_ADDR" --clients 2000 --pid "$SERVER_PID" --hold 300
    local fixed=$RUN_DIR/probe
    stop_server "$SERVER_PID"

    table_head thread-per-client-uncapped
    compare "server threads with 2000 clients" "$(result "$buggy" threads)" "$(result "$fixed" threads)"
    compare "server RSS (KiB)" "$(result "$buggy" rss_kib)" "$(result "$fixed" rss_kib)"
    compare "clients served / refused" "$(result "$buggy" answered) / $(result "$buggy" refused)" "$(result "$fixed" answered) / $(result "$fixed" refused)"
    see_also "grep -E 'Threads|VmSize|VmRSS' /proc/PID/status" \
        "ls /proc/PID/task | wc -l; ps -L -o lwp,comm -p PID | head" \
        "strace -f -e trace=clone,clone3 -p PID   # one clone per accept, never refused"
}
