#!/usr/bin/env bash
# demo-chat.sh MODEL — a chat room with three scripted members, on any concurrent model.
#
#   make demo-chat MODEL=epoll      (thread, fork, select, poll or epoll)
#
# Starts chat-server, then alice, bob and carol as three chat-client processes whose stdin
# is a little script (lines with pauses): they join, rename, talk, send a private message
# and leave. Every line a member types ("alice >"), every line it receives ("alice |") and
# every server log line is shown as it happens, on one clock (seconds since the server
# started), so you can follow one message from its sender to each receiver, and see what
# each answer answers. Takes about 7 seconds. Needs the debug build (make builds it).
MODEL=${1:-epoll}
source "$(dirname "$0")/lib.sh"
SERVER=$(lab_bin chat-server)
CLIENT=$(lab_bin chat-client)
lab_tmpdir

# One clock for everything: seconds since the server started listening (T0), the way
# demo.sh stamps its transcript. What a member types is shown with ">", what it receives
# with "|", the server's log lines with the time the server itself wrote on them.
exec 3>&1 # the terminal: member() writes its typed lines there, its stdout feeds the client

# rel US: "+1.234s" since T0 ("-0.004s" for a line the server wrote just before).
rel() {
    local d=$(($1 - T0)) sign=+
    ((d < 0)) && sign=- d=$((-d))
    printf '%s%d.%03ds' "$sign" $((d / 1000000)) $((d % 1000000 / 1000))
}

# stamp WHO: prefix each line of stdin with the time it arrived and WHO.
stamp() {
    local line
    while IFS= read -r line; do
        printf '%8s  %-7s| %s\n' "$(rel "$(now_us)")" "$1" "$line"
    done
}

# stamp_server: the server's stderr, each line on the common clock by its own timestamp
# (env_logger's "[2026-01-01T10:00:00.123Z INFO  target] message"), without a second one.
stamp_server() {
    local line ts rest us
    while IFS= read -r line; do
        if [[ $line =~ ^\[([^ ]+)\ +([A-Z]+)\ +[^]]*\]\ (.*)$ ]]; then
            ts=${BASH_REMATCH[1]} rest=${BASH_REMATCH[3]}
            [[ ${BASH_REMATCH[2]} == INFO ]] || rest="${BASH_REMATCH[2]}: $rest"
            us=$(date -u -d "$ts" +%s%6N 2>/dev/null) || us=$(now_us)
            printf '%8s  %-7s| %s\n' "$(rel "$us")" server "$rest"
        else
            printf '%8s  %-7s| %s\n' "$(rel "$(now_us)")" server "$line"
        fi
    done
}

T0=$(now_us)
start_server "$LAB_TMP" "$SERVER" --model "$MODEL" --listen 127.0.0.1:0
# The server's log, shown as it is written.
tail -n +1 -f "$LAB_TMP/server.err" > >(stamp_server) &
LAB_PIDS+=("$!")
HOST=${SERVER_ADDR%:*}
PORT=$SERVER_PORT
echo "chat-server --model $MODEL listening on $SERVER_ADDR; three members join."
echo "Times are since the server started; NAME > is what NAME types, NAME | what NAME sees."
echo "(alice starts as chat-client --nick alice: the client sends /nick alice on arrival.)"
echo

# member NAME [chat-client flags] <<< "script": each script line is either `sleep N` or a
# line to type (shown, stamped, as it is typed).
member() {
    local name=$1 line
    shift
    while IFS= read -r line; do
        case "$line" in
            sleep\ *) sleep "${line#sleep }" ;;
            *)
                printf '%8s  %-7s> %s\n' "$(rel "$(now_us)")" "$name" "$line" >&3
                printf '%s\n' "$line"
                ;;
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
stop_server "$SERVER_PID"
sleep 0.2 # let the last server lines through the stamper
echo
echo "carol's script ended with no /quit: at stdin EOF chat-client sent /quit for her. Done."
