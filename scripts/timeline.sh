#!/usr/bin/env bash
# make timeline MODEL=select (bash scripts/timeline.sh MODEL [OUTDIR]): trace the three-client
# demo and draw it.
#
# Starts `echo-server --model MODEL --trace OUTDIR/MODEL.jsonl`, then three `tcp-client`s A,
# B and C, 0.1 s apart, each sending three lines 0.3 s apart and leaving 0.3 s later; stops the
# server with SIGTERM (which flushes the trace) and runs `loop-timeline` on the trace.
# Writes OUTDIR/MODEL.jsonl, OUTDIR/MODEL.svg and OUTDIR/MODEL.html (OUTDIR defaults to
# target/timeline) and prints the paths. About 2 seconds; 127.0.0.1 only.

source "$(dirname "$0")/lib.sh"

MODELS=(iterative fork thread select poll epoll)
MODEL=${1:-select}
OUTDIR=${2:-$LAB_ROOT/target/timeline}
[[ " ${MODELS[*]} " == *" $MODEL "* ]] || die "usage: $0 MODEL [OUTDIR]   (MODEL: ${MODELS[*]})"

SERVER_BIN=$(lab_bin echo-server)
CLIENT_BIN=$(lab_bin tcp-client)
TIMELINE_BIN=$(lab_bin loop-timeline)
mkdir -p "$OUTDIR"
TRACE=$OUTDIR/$MODEL.jsonl
lab_tmpdir

# client NAME DELAY: wait DELAY s, connect, send NAME1..NAME3 0.3 s apart, stay 0.3 s more.
# tcp-client half-closes at EOF on its stdin and exits when the server closes.
client() {
    local name=$1 i
    sleep "$2"
    for i in 1 2 3; do
        printf '%s%d\n' "$name" "$i"
        sleep 0.3
    done | timeout 10 "$CLIENT_BIN" 127.0.0.1 "$SERVER_PORT" >/dev/null
}

start_server "$LAB_TMP" "$SERVER_BIN" --model "$MODEL" --listen 127.0.0.1:0 --trace "$TRACE"
client A 0 &
a=$!
client B 0.1 &
b=$!
client C 0.2 &
c=$!
wait "$a" "$b" "$c" || die "a client failed"
stop_server "$SERVER_PID"
"$TIMELINE_BIN" "$TRACE" --title "$MODEL: three clients on the echo server"
