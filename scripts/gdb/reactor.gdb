# rust-gdb command file: step through one turn of the reactor's event loop.
#
# Used by `make debug-select|poll|epoll` (scripts/debug.sh); walkthrough in docs/walkthroughs.md.
# It sets two breakpoints, at the start of every turn (Reactor::turn_within, the body of
# Reactor::turn) and on every event the
# wait returned (Reactor::dispatch), and defines a few commands to look around:
#
#   events      the events the last wait returned          (in turn or dispatch)
#   stats       turns, accepted, refused, interrupted waits
#   conns       one line per connection: token, fd, peer, unread input, pending output,
#               registered interest, state (a pretty-printer also shows any `Conn` so)
#   to-wait     run to the next wait and stop just after it returns (other breakpoints
#               are passed over): the value returned is the number of ready descriptors
#   to-handler  run to the handler's on_data (the echo protocol) and show its input
#   bytes EXPR  a &[u8] or Vec<u8> as text (e.g. `bytes input`)
#   step-trail  `step` from here to the handler's on_data, then list the functions entered
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
# `step` walks into the lesson only: not into the standard library, the log macros or the
# libraries under the loop (mio's epoll internals, the slab, nix, libc), and not into what
# sits beside the lesson: the flight recorder's hooks (`--trace`), the lecture's bugs
# (`--bug`: the switch and its #[cold] variants) and the counters.
# tests/tests/gdb_step.rs checks that stepping one echo read stays on the lesson's path.
skip -rfunction ^(core|alloc|std|log|env_logger|mio|slab|nix|libc)::
skip -rfunction ^reactor::trace::
skip -rfunction ^reactor::reactor::Reactor<.*>::observe
skip -rfunction ^reactor::reactor::traced::
skip -rfunction ^reactor::bugs::
skip -rfunction ::bug_[a-z_]+(<.*>)?$
skip -rfunction ^reactor::reactor::Reactor<.*>::stats

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


# ---- connections as a student thinks of them --------------------------------------------
# A Conn printed by gdb is ~50 lines of nested std types, the fd seven levels down. These
# helpers walk the debug info instead (field names, Rust enum variants) and ConnPrinter
# prints one line: fd, peer, unread input, pending output, interest, state.


def fields_of(value):
    """The named, non-artificial fields of a struct (of a Rust enum: its active variant)."""
    t = value.type.strip_typedefs()
    if t.code not in (gdb.TYPE_CODE_STRUCT, gdb.TYPE_CODE_UNION):
        return []
    return [f for f in t.fields() if f.name and not f.artificial]


def variant(value):
    """(name, payload) of a Rust enum value's active variant."""
    fields = fields_of(value)
    if len(fields) > 1:  # gdb listed every variant: the printed value names the active one
        m = re.match(r"[^({]*::(\w+)", value.format_string(max_depth=0))
        fields = [f for f in fields if m and f.name == m.group(1)] or fields
    f = fields[0]
    return f.name, value[f]


def find_field(value, name, depth=0):
    """The first field called `name`, searched depth-first through nested structs/enums."""
    if depth > 12:
        return None
    for f in fields_of(value):
        try:
            child = value[f]
        except gdb.error:
            continue  # an inactive enum variant
        if f.name == name:
            return child
        found = find_field(child, name, depth + 1)
        if found is not None:
            return found
    return None


def as_int(value):
    """An integer, unwrapping newtypes such as I32NotAllOnes(6)."""
    while fields_of(value):
        value = value[fields_of(value)[0]]
    return int(value)


def vec_len(value):
    printer = gdb.default_visualizer(value)
    m = re.search(r"size=(\d+)", printer.to_string() if printer else "")
    return int(m.group(1)) if m else int(value["len"])


def peer_text(peer):
    kind, payload = variant(peer)
    try:
        if kind == "Tcp":
            family, addr = variant(payload["__0"])
            addr = addr["__0"]
            octets = [int(addr["ip"]["octets"][i]) for i in range(4 if family == "V4" else 16)]
            port = int(addr["port"])
            if family == "V4":
                return "%s:%d" % (".".join(map(str, octets)), port)
            import ipaddress
            return "[%s]:%d" % (ipaddress.IPv6Address(bytes(octets)), port)
    except gdb.error:
        pass
    text = payload.format_string(max_depth=2)
    return "%s %s" % (kind.lower(), text)


class ConnPrinter:
    """reactor::conn::Conn<S>: fd, peer, unread input, pending output, interest, state."""

    def __init__(self, value):
        self.value = value

    def state(self):
        v = self.value
        if bool(v["dead"]):
            return "closed, slot freed at the end of this turn"
        if variant(v["closing"])[0] == "Some":
            return "closing once its output is written"
        if bool(v["paused"]):
            return "paused: not read (its output is over the high-water mark, or it is held by flow control)"
        if bool(v["read_closed"]):
            return "peer sent EOF"
        return "open"

    def to_string(self):
        v = self.value
        fd = find_field(v["stream"], "fd")
        interest = [name.upper() for name in ("readable", "writable") if bool(v["registered"][name])]
        return "fd %s, peer %s, %d bytes unread in inbuf, %d bytes pending out, interest %s, %s" % (
            as_int(fd) if fd is not None else "?",
            peer_text(v["peer"]),
            vec_len(v["inbuf"]),
            pending_out(v["outbox"]),
            "|".join(interest) or "none",
            self.state(),
        )


def pending_out(outbox):
    """Bytes waiting in a connection's outbox: 0 while it has none (the outbox is allocated
    on the connection's first output: `LazyOutbox(Option<Box<Outbox>>)`)."""
    kind, payload = variant(outbox["__0"])
    if kind != "Some":
        return 0
    return int(payload["__0"].dereference()["buffered"])


def connections(slab):
    """(token number, Conn value) for each occupied slot of the reactor's Slab<Conn>."""
    printer = gdb.default_visualizer(slab["entries"])
    for index, (_, entry) in enumerate(printer.children()):
        kind, payload = variant(entry)
        if kind == "Occupied":
            yield index, payload["__0"]


class Conns(gdb.Command):
    """conns: one line per connection of the Reactor (token, fd, peer, unread input, pending
    output, registered interest, state). `print self.conns` shows the raw slab."""

    def __init__(self):
        super().__init__("conns", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        frame = reactor_frame()
        conns = list(connections(frame.read_var("self").dereference()["conns"]))
        print("%d connection(s)" % len(conns))
        for token, conn in conns:
            print("  Token(%d): %s" % (token, ConnPrinter(conn).to_string()))


def reactor_frame():
    """The nearest frame of a Reactor method (turn, dispatch, read_ready…)."""
    frame = gdb.selected_frame()
    while frame is not None:
        if re.match(r"reactor::reactor::Reactor<", frame.name() or ""):
            return frame
        frame = frame.older()
    raise gdb.GdbError("no Reactor in this backtrace: stop in turn or dispatch first")


class RunTo(gdb.Command):
    """Run to the next call of a function, passing over the other breakpoints (they would
    stop the run early, e.g. dispatch for another event), then maybe finish it."""

    def __init__(self, name, regex, finish, show):
        super().__init__(name, gdb.COMMAND_RUNNING)
        self.regex, self.finish, self.show = regex, finish, show

    def invoke(self, arg, from_tty):
        others = [b for b in gdb.breakpoints() if b.enabled]
        for b in others:
            b.enabled = False
        try:
            gdb.execute("break-matching -t " + self.regex)
            gdb.execute("continue")
        finally:
            for b in others:
                if b.is_valid():
                    b.enabled = True
        if self.finish:
            gdb.execute("finish")
        if self.show:
            gdb.execute(self.show)


def short_name(name):
    """A function's name without generic arguments: Reactor<EchoHandler>::read_ready<…>
    becomes reactor::reactor::Reactor::read_ready."""
    previous = None
    while previous != name:
        previous = name
        name = re.sub(r"<[^<>]*>", "", name)
    return name


class StepTrail(gdb.Command):
    """step-trail: `step` from here into the handler's on_data (the protocol), then list
    every function entered on the way, in order. With the skip list above, that is the
    lesson's path: read_ready, the read, deliver, on_data."""

    def __init__(self):
        super().__init__("step-trail", gdb.COMMAND_RUNNING)

    def invoke(self, arg, from_tty):
        trail = []
        for _ in range(int(arg or 2000)):
            name = short_name(gdb.selected_frame().name() or "??")
            if not trail or trail[-1] != name:
                trail.append(name)
            if re.match(r"servers::reactive::.*::on_data$", name):
                break
            gdb.execute("step", to_string=True)
        print("functions entered: " + " -> ".join(trail) + " (end of trail)")


def lookup_printer(value):
    name = value.type.strip_typedefs().name or ""
    if name == "reactor::token::Token":
        return TokenPrinter(value)
    if name.startswith("reactor::conn::Conn<"):
        return ConnPrinter(value)
    return None


gdb.pretty_printers.append(lookup_printer)
BreakMatching()
Bytes()
StepTrail()
Conns()
# gdb takes a command's help from its class docstring: one small class per command.
type("ToWait", (RunTo,), {"__doc__": """to-wait: run into the next wait_for_events (the select/poll/epoll_wait
call), passing over the other breakpoints, and stop when it returns: the value returned is
Ok(number of ready descriptors). Then `events` lists them."""})(
    "to-wait", r"^reactor::reactor::Reactor<.*>::wait_for_events<.*>$", True, None)
type("ToHandler", (RunTo,), {"__doc__": """to-handler: run to the handler's on_data (the protocol: here echo), passing
over the other breakpoints, and print the bytes it was given."""})(
    "to-handler", r"^servers::reactive::.*::on_data$", False, "bytes input")
for name, doc in [
    ("events", "The events the last wait (select/poll/epoll_wait) returned: one per ready fd."),
    ("stats", "Counters of the loop: turns, accepted and refused connections, interrupted waits."),
]:
    type(name, (ReactorField,), {"__doc__": doc})(name, name)
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
echo Commands: events, stats, conns, to-wait, to-handler, step-trail, bytes EXPR (help user-defined).\n
