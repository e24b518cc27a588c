#!/usr/bin/env bash
# make demo-uring (bash scripts/demo-uring.sh): one echo session on io_uring, twice.
#
#   1. echo-server --model uring-completion (the proactor): one client connects, sends three
#      lines 0.3 s apart and leaves, then SIGTERM. For each turn of the loop the server logs
#      how many operations one io_uring_enter submitted and how many completions it reaped.
#   2. The same session on --model uring (readiness through POLL_ADD operations): per turn,
#      the entries submitted, the completions reaped and the events they became.
# Then a few lines on reading the counts. Runs in about 3 seconds; needs the debug binaries
# (make build) and python3 for the client.

source "$(dirname "$0")/lib.sh"

SERVER_BIN=$(lab_bin echo-server)
command -v python3 >/dev/null || die "python3 is needed for the client"
lab_tmpdir
DIR=$LAB_TMP

# The client: connect, three lines 0.3 s apart, each echo awaited, then close. Bounded: 10 s.
CLIENT='
import socket, sys, time
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=10)
for i in range(1, 4):
    line = ("line %d\n" % i).encode()
    s.sendall(line)
    got = b""
    while len(got) < len(line):
        chunk = s.recv(100)
        if not chunk:
            sys.exit("server closed early")
        got += chunk
    print("client: sent %r, got %r" % (line, got))
    time.sleep(0.3)
s.close()
print("client: closed")
'

# session MODEL LOG_FILTER: run the session against MODEL, print the per-turn log lines.
session() {
    local model=$1 filter=$2
    heading "echo-server --model $model (RUST_LOG=$filter)"
    start_server "$DIR" env RUST_LOG="$filter" "$SERVER_BIN" --model "$model" --listen 127.0.0.1:0
    python3 -c "$CLIENT" 127.0.0.1 "$SERVER_PORT"
    sleep 0.1
    stop_server "$SERVER_PID"
    printf '%s-- what the server logged, one line per io_uring_enter --%s\n' "$C_DIM" "$C_RESET"
    # Keep the turn lines and the few lines that say what happened; drop the timestamps.
    sed -n -E 's/^\[[^ ]+ +([A-Z]+) +[^]]+\] /\1 /p' "$DIR/server.err" |
        grep -E 'turn|io_uring_enter|accepted|closed|stopping|SIG' | sed 's/^DEBUG //; s/^INFO  *//'
}

printf '%sdemo-uring:%s one client, three lines, on the completion model and then on readiness.\n' \
    "$C_BOLD" "$C_RESET"
session uring-completion "reactor::proactor=debug"
session uring "reactor::backend::uring=debug,reactor::reactor::accept=debug"

heading "Reading the counts"
cat <<'TXT'
  uring-completion: every "submitted N" is the work queued since the last turn, handed to the
  kernel in the same io_uring_enter that then sleeps. After the first turn (ACCEPT + the POLL_ADD
  on the signal pipe: 2), each line costs one turn with 1 submission and 1 completion for the
  RECV, then one for the SEND that echoes it. The data never passes through a read() or write()
  of ours: the counts are all the system calls there are (compare make strace-compare).
  The SIGTERM turn cancels the last operations; the loop ends when every completion is in,
  because until then the kernel may still write into a connection's buffer.

  uring: the same ring used for readiness. "submitted" counts POLL_ADD / POLL_REMOVE entries
  queued by register / reregister during the turn (batched into the wait: no epoll_ctl), and
  each completion becomes an event; the reactor then reads and writes with recvfrom / sendto,
  as on epoll. Multishot polls stay armed, so a quiet turn submits 0 entries. When the client
  leaves, deregister submits its POLL_REMOVE at once (the poll holds a reference to the socket):
  the next turn reaps completions that become no event, the cancelled poll's -ECANCELED and the
  removal's own, recognised as stale by their user_data.
TXT
