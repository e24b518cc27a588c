#!/usr/bin/env bash
# demo-chat.sh MODEL — a chat room with three scripted members, on any concurrent model.
#
#   make demo-chat MODEL=epoll      (thread, fork, select, poll or epoll)
#
# Starts chat-server, then alice, bob and carol as three chat-client processes whose stdin
# is a little script (lines with pauses): they join, rename, talk, send a private message
# and leave. Every line any of them prints (and every server log line) is shown as it
# happens, stamped with the time and who saw it, so you can follow one message from its
# sender to each receiver. Takes about 7 seconds. Needs the debug build (make builds it).
MODEL=${1:-epoll}
source "$(dirname "$0")/lib.sh"
SERVER=$(lab_bin chat-server)
CLIENT=$(lab_bin chat-client)
lab_tmpdir

# stamp WHO: prefix each line of stdin with the time and WHO.
stamp() {
    while IFS= read -r line; do
        printf '%s %-7s| %s\n' "$(date +%H:%M:%S.%3N)" "$1" "$line"
    done
}

start_server "$LAB_TMP" "$SERVER" --model "$MODEL" --listen 127.0.0.1:0
# The server's log, shown as it is written, stamped like the members' lines.
tail -n +1 -f "$LAB_TMP/server.err" > >(stamp server) &
LAB_PIDS+=("$!")
HOST=${SERVER_ADDR%:*}
PORT=$SERVER_PORT
echo "chat-server --model $MODEL listening on $SERVER_ADDR; three members join:"
echo

# member NAME [chat-client flags] <<< "script": each script line is either `sleep N` or a
# line to type.
member() {
    local name=$1
    shift
    while IFS= read -r line; do
        case "$line" in
            sleep\ *) sleep "${line#sleep }" ;;
            *) printf '%s\n' "$line" ;;
        esac
    done | "$CLIENT" "$@" "$HOST" "$PORT" 2>&1 | stamp "$name"
}

members=()
member alice --nick alice <<'SCRIPT' &
sleep 1.2
hello everyone!
sleep 1.5
/msg bob did you see carol's nick?
sleep 1.5
/list
sleep 1.5
/quit off to lunch
SCRIPT
members+=("$!")
sleep 0.3
member bob <<'SCRIPT' &
sleep 0.5
/nick bob
sleep 1.5
/me waves
sleep 2
/msg alice yes, nice to meet her
sleep 2.5
/quit
SCRIPT
members+=("$!")
sleep 0.3
member carol <<'SCRIPT' &
sleep 1.5
/nick alice
sleep 0.5
/nick carol
sleep 1
hi alice, hi bob
sleep 4.5
SCRIPT
members+=("$!")
wait "${members[@]}" 2>/dev/null || true
sleep 0.3
echo
echo "carol's script ended (stdin EOF): the client sent /quit for her. Done."
stop_server "$SERVER_PID"
sleep 0.2 # let the last server lines through the stamper
