# rust-gdb command file for the first loop (reactor/examples/first_loop.rs).
#
# Used by `make debug-first` (scripts/debug-first.sh). Two breakpoints: every accept burst
# (accept_all) and every ready client (serve_one). From serve_one, `step` walks into
# read_and_echo, the read(2), write_unsent and the write(2); `finish` comes back; `print
# conns`, `print *conn`, `print event` show the state. The standard library, the log macros
# and mio's internals are skipped, so `step` stays in the lesson.

set pagination off
set confirm off
set print pretty on
skip -rfunction ^(core|alloc|std|log|env_logger|mio|slab|nix)::

break first_loop::accept_all
break first_loop::serve_one

echo \nBreakpoints: 1 = a client to accept (accept_all), 2 = a ready client (serve_one).\n
echo Try: continue, step, next, finish, print *conn, print conn.unsent, bt.\n
