#!/usr/bin/env bash
# make debug-first [BACKEND=select|poll|epoll] (bash scripts/debug-first.sh BACKEND): step
# through the first loop (reactor/examples/first_loop.rs) in rust-gdb, with the breakpoints of
# scripts/gdb/first-loop.gdb.
#
# Interactive: a terminal for gdb and a second one for the client. The server listens on
# 127.0.0.1:0 (PORT=… asks for a fixed port) and prints `listening on 127.0.0.1:PORT`.

source "$(dirname "$0")/lib.sh"

BACKEND=${1:-select}
case $BACKEND in
select | poll | epoll) ;;
*)
    echo "usage: $0 [select|poll|epoll]" >&2
    exit 2
    ;;
esac
PORT=${PORT:-0}

command -v gdb >/dev/null || die "gdb is not installed (Debian/Ubuntu: sudo apt-get install gdb)"
GDB=rust-gdb
command -v rust-gdb >/dev/null || GDB=gdb
BIN=$(lab_bin examples/first_loop debug)

cat <<TXT
${C_BOLD}make debug-first${C_RESET}: first_loop --backend $BACKEND --listen 127.0.0.1:$PORT under $GDB.

  1. It prints ${C_BOLD}listening on 127.0.0.1:PORT${C_RESET} and waits; in another terminal:
     ${C_BOLD}target/debug/tcp-client 127.0.0.1 PORT${C_RESET}. gdb stops in ${C_BOLD}accept_all${C_RESET}: ${C_BOLD}next${C_RESET} through it.
  2. ${C_BOLD}continue${C_RESET}, then type a line in the client: gdb stops in ${C_BOLD}serve_one${C_RESET}.
     ${C_BOLD}step${C_RESET} into read_and_echo, ${C_BOLD}next${C_RESET} over the read, ${C_BOLD}print buf[..n]${C_RESET}, ${C_BOLD}step${C_RESET} into write_unsent.
  3. ${C_BOLD}bt${C_RESET}: main → serve → serve_one → read_and_echo. ${C_BOLD}quit${C_RESET} to leave.

TXT

exec "$GDB" -q -x "$LAB_ROOT/scripts/gdb/first-loop.gdb" -ex run \
    --args "$BIN" --backend "$BACKEND" --listen "127.0.0.1:$PORT"
