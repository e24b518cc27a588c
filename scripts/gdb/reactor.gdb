# rust-gdb command file: step through one turn of the reactor's event loop.
#
# Used by `make debug-select|poll|epoll` (scripts/debug.sh); walkthrough in docs/walkthroughs.md.
# It sets two breakpoints, at the start of every turn (Reactor::turn_within, the body of
# Reactor::turn) and on every event the
# wait returned (Reactor::dispatch), and defines a few commands to look around:
#
#   events      the events the last wait returned          (in turn or dispatch)
#   stats       turns, accepted, refused, interrupted waits
#   conns       the slab of connections (socket, buffers, interest)
#   to-wait     run to the wait of this turn and stop just after it returns
#   to-handler  run to the handler's on_data (the echo protocol) and show its input
#   bytes EXPR  a &[u8] or Vec<u8> as text (e.g. `bytes input`)
#
# scripts/gdb/one-turn.gdb is a scripted tour on top of this file (used by the tests).
#
# Reactor<H> is generic, so its functions are named after the handler type, e.g.
# reactor::reactor::Reactor<servers::reactive::echo::EchoHandler>::turn<…>. gdb's own
# `rbreak REGEX` finds them but then fails to set the breakpoint on Rust generics, so
# `break-matching REGEX` (below) looks the full names up and breaks on each one.

set pagination off
set confirm off
set print pretty on
# The servers are single-threaded; the fork model's children are not followed.
set follow-fork-mode parent
set detach-on-fork on
# `step` walks into our code only, not into the standard library or the log macros.
skip -rfunction ^(core|alloc|std|log|env_logger)::

python
import re
import gdb


class BreakMatching(gdb.Command):
    """break-matching [-t] REGEX: a breakpoint on every function whose name matches REGEX.

    Like rbreak, but it breaks on the full demangled name, which works for generic Rust
    functions such as reactor::reactor::Reactor<H>::turn. -t: temporary breakpoints."""

    def __init__(self):
        super().__init__("break-matching", gdb.COMMAND_BREAKPOINTS)

    def invoke(self, arg, from_tty):
        temporary = arg.startswith("-t ")
        if temporary:
            arg = arg[3:].strip()
        listing = gdb.execute("info functions " + arg, to_string=True)
        names = []
        for line in listing.splitlines():
            # "175:	static fn reactor::reactor::Reactor<…>::turn<…>(*mut …) -> …;"
            m = re.search(r"\bfn (.+?)\(", line)
            if m and re.search(arg, m.group(1)) and m.group(1) not in names:
                names.append(m.group(1))
        if not names:
            raise gdb.GdbError("no function matches " + arg + " (is this a debug build?)")
        for name in names:
            gdb.Breakpoint(name, temporary=temporary)


class ReactorField(gdb.Command):
    """Print a field of the Reactor from the nearest frame that has one (turn, dispatch,
    read_ready… or any frame below them, such as the handler's on_data)."""

    def __init__(self, name, field):
        super().__init__(name, gdb.COMMAND_DATA)
        self.field = field

    def invoke(self, arg, from_tty):
        selected = frame = gdb.selected_frame()
        while frame is not None:
            if re.match(r"reactor::reactor::Reactor<", frame.name() or ""):
                frame.select()
                try:
                    gdb.execute("print self." + self.field)
                finally:
                    selected.select()
                return
            frame = frame.older()
        raise gdb.GdbError("no Reactor in this backtrace: stop in turn or dispatch first")


class Bytes(gdb.Command):
    """bytes EXPR: print a &[u8] or Vec<u8> as text, e.g. `bytes input` in on_data."""

    def __init__(self):
        super().__init__("bytes", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        value = gdb.parse_and_eval(arg)
        if value.type.code == gdb.TYPE_CODE_PTR:
            value = value.dereference()
        limit = 256  # enough to see a request; `print` shows everything
        fields = [f.name for f in value.type.fields()]
        if "data_ptr" in fields:  # a slice: pointer and length
            length = int(value["length"])
            data = bytes(gdb.selected_inferior().read_memory(value["data_ptr"], min(length, limit)))
        else:  # a Vec<u8>: let its pretty printer walk the elements
            printer = gdb.default_visualizer(value)
            if printer is None or not hasattr(printer, "children"):
                raise gdb.GdbError(arg + " is neither a slice nor a Vec")
            data = bytearray()
            for _, element in printer.children():
                if len(data) == limit:
                    break
                data.append(int(element) & 0xFF)
            length = int(re.search(r"size=(\d+)", printer.to_string()).group(1))
        print("%d bytes%s: %r" % (length, " (first %d)" % limit if length > limit else "", bytes(data)))


class TokenPrinter:
    """Token(usize::MAX) is the signal pipe, the next ones down are listeners."""

    def __init__(self, value):
        self.value = value

    def to_string(self):
        n = int(self.value["__0"])
        top = (1 << 64) - 1
        if n == top:
            return "Token(signal pipe)"
        if top - 1 - 16 < n < top:
            return "Token(listener %d)" % (top - 1 - n)
        return "Token(%d)" % n


def lookup_printer(value):
    if value.type.strip_typedefs().name == "reactor::token::Token":
        return TokenPrinter(value)
    return None


gdb.pretty_printers.append(lookup_printer)
BreakMatching()
Bytes()
for name, doc in [
    ("events", "The events the last wait (select/poll/epoll_wait) returned: one per ready fd."),
    ("stats", "Counters of the loop: turns, accepted and refused connections, interrupted waits."),
    ("conns", "The slab of connections: socket, unread input, pending output, interest."),
]:
    # gdb takes a command's help from its class docstring: one small class per command.
    type(name, (ReactorField,), {"__doc__": doc})(name, name)
end

define to-wait
  break-matching -t ^reactor::reactor::Reactor<.*>::wait_for_events<.*>$
  continue
  finish
end
document to-wait
From a stop in turn: run into wait_for_events (the select/poll/epoll_wait call) and
stop when it returns, with the number of ready descriptors as the value returned.
end

define to-handler
  break-matching -t ^servers::reactive::.*::on_data$
  continue
  bytes input
end
document to-handler
Run to the handler's on_data (the protocol: here echo) and print the bytes it was given.
end

# The start of a turn: turn() is turn_within(None) in this reactor, so stop in the body.
python
try:
    gdb.execute("break-matching ^reactor::reactor::Reactor<.*>::turn_within<.*>$")
except gdb.GdbError:
    gdb.execute("break-matching ^reactor::reactor::Reactor<.*>::turn<.*>$")
end
break-matching ^reactor::reactor::Reactor<.*>::dispatch<.*>$

echo \nBreakpoints: 1 = the start of each turn, 2 = each event the wait returned.\n
echo Commands: events, stats, conns, to-wait, to-handler, bytes EXPR (help user-defined).\n
