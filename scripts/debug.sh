#!/usr/bin/env bash
# make debug-select|poll|epoll (bash scripts/debug.sh MODEL): step through the event loop of
# echo-server in rust-gdb, with the breakpoints and commands of scripts/gdb/reactor.gdb.
#
# Interactive: it needs a terminal, and a second one for the client. The server listens on
# 127.0.0.1:7070 (PORT=… to change it), logs each turn (RUST_LOG=debug), and gdb stops at
# the start of every turn and at every event. Walkthrough: docs/walkthroughs.md.

source "$(dirname "$0")/lib.sh"

MODEL=${1:-}
case $MODEL in
select | poll | epoll | uring) ;;
*)
    echo "usage: $0 select|poll|epoll|uring   (the reactor models: the blocking ones have no loop to step)" >&2
    exit 2
    ;;
esac
PORT=${PORT:-7070}

if [[ ! -t 0 ]]; then
    echo "$(basename "$0"): gdb is interactive: run make debug-$MODEL from a terminal." >&2
    echo "(For a non-interactive tour: rust-gdb -batch -x scripts/gdb/reactor.gdb -x scripts/gdb/one-turn.gdb --args …)" >&2
    exit 2
fi
command -v gdb >/dev/null || die "gdb is not installed (Debian/Ubuntu: sudo apt-get install gdb)"
GDB=rust-gdb
if ! command -v rust-gdb >/dev/null; then
    echo "rust-gdb not found (it comes with rustup's toolchain): using plain gdb, Rust values print less nicely." >&2
    GDB=gdb
fi
SERVER_BIN=$(lab_bin echo-server debug)

cat <<TXT
${C_BOLD}make debug-$MODEL${C_RESET}: echo-server --model $MODEL --listen 127.0.0.1:$PORT under $GDB.

  1. gdb starts the server and stops at ${C_BOLD}Breakpoint 1, …Reactor<…>::turn${C_RESET}: turn 1 is about
     to wait in $MODEL. Type ${C_BOLD}continue${C_RESET}: the server now sleeps in the kernel.
  2. In another terminal:  ${C_BOLD}target/debug/tcp-client 127.0.0.1 $PORT${C_RESET}
     The wait returns: ${C_BOLD}Breakpoint 2, …dispatch${C_RESET}. ${C_BOLD}print event${C_RESET} shows Token(listener 0): a new client.
  3. ${C_BOLD}continue${C_RESET} (accept done, turn 2 starts), ${C_BOLD}continue${C_RESET} again, then type a line in the client:
     dispatch stops with Token(0), readable. ${C_BOLD}to-handler${C_RESET} runs to the echo handler's on_data and
     shows the bytes; ${C_BOLD}bt${C_RESET} shows turn → dispatch → read_ready → deliver → on_data.
  4. Look around: ${C_BOLD}events${C_RESET}, ${C_BOLD}conns${C_RESET}, ${C_BOLD}stats${C_RESET}, ${C_BOLD}to-wait${C_RESET}, ${C_BOLD}next${C_RESET}, ${C_BOLD}step${C_RESET}, ${C_BOLD}finish${C_RESET}; ${C_BOLD}quit${C_RESET} to leave.

TXT

# exec: gdb takes over this terminal (and Ctrl-C goes to it, not to a wrapper).
RUST_LOG=${RUST_LOG:-debug} exec "$GDB" -q -x "$LAB_ROOT/scripts/gdb/reactor.gdb" -ex run \
    --args "$SERVER_BIN" --model "$MODEL" --listen "127.0.0.1:$PORT"
