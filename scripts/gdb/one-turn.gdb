# A scripted tour of the reactor's loop, on top of reactor.gdb (load that first):
#
#   rust-gdb -q -batch -x scripts/gdb/reactor.gdb -x scripts/gdb/one-turn.gdb \
#       --args target/debug/echo-server --model select --listen 127.0.0.1:0
#
# then, while it waits, connect a client (tcp-client 127.0.0.1 PORT, the port of its `listening on` line) and type one line.
# tests/tests/demos.rs runs exactly this with a scripted client.

# Turn 1 starts; nothing has happened yet.
run
stats
# The wait returns when the client connects: an event for the listener.
continue
print event
events
# Turn 2, then the wait returns again when the client's line arrives.
continue
continue
print event
# Into the handler: the bytes the reactor read, and how we got here.
to-handler
bt 6
conns
# Back to the start of the next turn: the echo has been written by then.
continue
stats
kill
