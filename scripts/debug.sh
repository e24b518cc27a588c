#!/usr/bin/env bash
# make debug-select|poll|epoll (bash scripts/debug.sh MODEL): step through the event loop of
# echo-server in rust-gdb, with the breakpoints and commands of scripts/gdb/reactor.gdb.
#
# Interactive: a terminal for gdb and a second one for the client. The server listens on
# 127.0.0.1:0 (the kernel picks a free port, so two students on one machine never collide;
# PORT=… asks for a fixed one) and prints `listening on 127.0.0.1:PORT`; it logs each turn
# (RUST_LOG=debug), and gdb stops at the start of every turn and at every event. The README's
# "One turn of the loop in gdb" is the sequence to type; tests/tests/gdb_readme.rs runs it.
# Walkthrough: docs/walkthroughs.md.

source "$(dirname "$0")/lib.sh"

MODEL=${1:-}
case $MODEL in
select | poll | epoll | uring) ;;
*)
    echo "usage: $0 select|poll|epoll|uring   (the reactor models: the blocking ones have no loop to step)" >&2
    exit 2
    ;;
esac
PORT=${PORT:-0}

if [[ ! -t 0 ]]; then
    # Not an error: gdb then reads its commands from stdin (a test drives it so), and quits
    # at end of input.
    echo "$(basename "$0"): stdin is not a terminal: gdb reads its commands from it." >&2
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

  The server prints ${C_BOLD}listening on 127.0.0.1:PORT${C_RESET}; gdb stops at ${C_BOLD}Breakpoint 1${C_RESET}, the start of turn 1.
  1. ${C_BOLD}to-wait${C_RESET}, and in another terminal: ${C_BOLD}target/debug/tcp-client 127.0.0.1 PORT${C_RESET}
     The wait returns ${C_BOLD}Ok(1)${C_RESET}; ${C_BOLD}events${C_RESET} shows Token(listener 0), readable: a client to accept.
  2. ${C_BOLD}continue${C_RESET} (Breakpoint 2: dispatch → accept), ${C_BOLD}continue${C_RESET} (Breakpoint 1: turn 2 begins).
  3. ${C_BOLD}to-wait${C_RESET}, then type a line in the client: Ok(1) again; ${C_BOLD}events${C_RESET} shows Token(0), readable.
  4. ${C_BOLD}to-handler${C_RESET}: into the echo handler's on_data, with the bytes read; ${C_BOLD}conns${C_RESET}: the connection;
     ${C_BOLD}bt${C_RESET}: turn → dispatch → read_ready → deliver → on_data. ${C_BOLD}continue${C_RESET}: turn 3, the echo is written.
  Also: ${C_BOLD}stats${C_RESET}, ${C_BOLD}next${C_RESET}, ${C_BOLD}step${C_RESET}, ${C_BOLD}finish${C_RESET}, ${C_BOLD}help user-defined${C_RESET}; ${C_BOLD}quit${C_RESET} to leave.

TXT

# exec: gdb takes over this terminal (and Ctrl-C goes to it, not to a wrapper).
RUST_LOG=${RUST_LOG:-debug} exec "$GDB" -q -x "$LAB_ROOT/scripts/gdb/reactor.gdb" -ex run \
    --args "$SERVER_BIN" --model "$MODEL" --listen "127.0.0.1:$PORT"
