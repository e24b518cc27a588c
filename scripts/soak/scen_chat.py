"""The chat under bursts and floods: one member sends 3,000 lines of 1 KB at once to a reader
that reads as fast as it can; 200 members of whom 20 never read while one floods; and
terminal control sequences that must not reach other members' screens."""
import re
import selectors
import threading
import time

import net
from checks import Checks, finish
from proc import RssSampler

LINE_RE = re.compile(rb"\] m(\d+) ")


def _join(addr, limit=5.0, rcvbuf=None):
    s = net.connect(addr, limit, rcvbuf=rcvbuf)
    data, _ = net.recv_until(s, lambda d: b"welcome" in d and d.endswith(b"\n"), limit)
    if b"welcome" not in data:
        s.close()
        raise OSError(f"no welcome: {data[:60]!r}")
    return s


def _send_lines(s, lines, result):
    try:
        s.settimeout(60)
        s.sendall(b"".join(lines))
        result.append("sent")
    except OSError as e:
        result.append(f"send failed: {e}")


def burst(ctx):
    """3,000 lines of 1 KB sent at once; the reader, reading flat out, gets all of them in
    order and is not dropped as too slow."""
    checks = Checks()
    count = 3000
    with ctx.start() as server:
        fds_base, sampler = server.fds(), RssSampler(server)
        reader, sender = _join(server.addr), _join(server.addr)
        lines = [b"m%d " % i + b"x" * (1024 - 8) + b"\n" for i in range(count)]
        sent = []
        threading.Thread(target=_send_lines, args=(sender, lines, sent), daemon=True).start()
        got, last, reason = 0, -1, "timeout"
        in_order = True
        buffer = b""
        deadline = time.monotonic() + 60
        reader.settimeout(1.0)
        while got < count and time.monotonic() < deadline:
            try:
                chunk = reader.recv(1 << 20)
            except TimeoutError:
                sampler.sample()
                continue
            except OSError:
                reason = "reset"
                break
            if not chunk:
                reason = "closed by the server"
                break
            buffer += chunk
            *complete, buffer = buffer.split(b"\n")
            for line in complete:
                match = LINE_RE.search(line)
                if match:
                    number = int(match.group(1))
                    in_order &= number == last + 1
                    last, got = number, got + 1
        sampler.sample()
        checks.figure(f"reader got {got}/{count}" + ("" if got == count else f" ({reason})")
                      + f", peak RSS {sampler.peak:.1f} MiB")
        checks.require(got == count, "a fast reader gets every line of a burst")
        checks.require(in_order, "lines in order")
        reader.close()
        sender.close()
        finish(server, checks, fds_base, net.probe_chat)
    return checks


def flood(ctx):
    """200 members, 20 of which never read; one sends lines as fast as it can. Every reading
    member gets every line within the time limit; the 20 are dropped within a bounded time;
    memory stays bounded. The short size (60 members, 6 stalled, 5 MB each) is still past what
    a stalled member's buffers take (about 2 MB in the kernel on loopback here, plus 4 x the
    256 KiB mark): the server logs them over the mark with no progress, so dropping them is
    right. On fork a drop must reach the socket: the relaying child must hear the parent."""
    checks = Checks()
    members, stalled_n = (60, 6) if ctx.short else (200, 20)
    count, limit = (5000, 20) if ctx.short else (5000, 40)
    drop_wait = 10  # seconds a stalled member may stay once the flood is over
    with ctx.start() as server:
        fds_base, sampler = server.fds(), RssSampler(server)
        sel = selectors.DefaultSelector()
        readers, stalled = [], []
        for i in range(members - 1):
            # A member that never reads gets a small receive window, so that what the server
            # queues for it is in the server's memory, not in the kernel's buffers.
            s = _join(server.addr, rcvbuf=4096 if i < stalled_n else None)
            if i < stalled_n:
                stalled.append(s)
            else:
                s.setblocking(False)
                sel.register(s, selectors.EVENT_READ, data={"got": 0, "buf": b"", "closed": False})
                readers.append(s)
            _drain(sel, 0)
        flooder = _join(server.addr)
        # 1 KB a line: 5 MB for each member, more than the kernel's socket buffers (up to
        # 4 MiB on loopback) and the server's 256 KiB output limit together, so a member
        # that never reads must be either dropped or the cause of unbounded memory.
        lines = [b"m%d flood " % i + b"z" * 1000 + b"\n" for i in range(count)]
        sent = []
        started = time.monotonic()
        threading.Thread(target=_send_lines, args=(flooder, lines, sent), daemon=True).start()
        while time.monotonic() - started < limit:
            _drain(sel, 0.2)
            sampler.sample()
            if all(key.data["got"] >= count or key.data["closed"] for key in sel.get_map().values()):
                break
        took = time.monotonic() - started
        done = sum(1 for key in sel.get_map().values() if key.data["got"] >= count)
        dropped_readers = sum(1 for key in sel.get_map().values() if key.data["closed"])
        time.sleep(max(0.0, started + took + drop_wait - time.monotonic()))
        sampler.sample()
        stalled_closed = sum(net.closed_by_peer(s) for s in stalled)
        rate = done * count / took if took else 0
        checks.figure(f"{done}/{len(readers)} readers got all {count} lines in {took:.1f}s "
                      f"({rate:,.0f} lines/s delivered), {dropped_readers} readers dropped, "
                      f"stalled dropped {stalled_closed}/{stalled_n}, peak RSS {sampler.peak:.0f} MiB")
        checks.require(done == len(readers), f"every reading member gets every line within {limit}s")
        checks.require(stalled_closed == stalled_n, f"members that never read are dropped within {drop_wait}s")
        checks.require(sampler.peak <= 256, "RSS bounded (256 MiB)")
        for s in readers + stalled + [flooder]:
            s.close()
        finish(server, checks, fds_base, net.probe_chat)
    return checks


def _drain(sel, timeout):
    for key, _ in sel.select(timeout):
        state = key.data
        try:
            chunk = key.fileobj.recv(1 << 20)
        except BlockingIOError:
            continue
        except OSError:
            chunk = b""
        if not chunk:
            state["closed"] = True
            sel.unregister(key.fileobj)
            continue
        # Count whole flood lines with bytes.count (C speed): 180 readers in one Python
        # thread must keep up with the server, or the soak measures itself.
        complete, _, state["buf"] = (state["buf"] + chunk).rpartition(b"\n")
        state["got"] += complete.count(b" flood ")


# Sequences that would act on a terminal: clear screen, OSC window title, colour, bare CR
# that overwrites the line with a forged one, BEL, backspace, C1 CSI (U+009B), bidi override.
CONTROL_LINES = [b"a\x1b[2Jb", b"a\x1b]0;owned\x07b", b"\x1b[31mred", b"hello\r[admin] fake line",
                 b"bell\x07", b"back\x08space", "c1 \u009b2J".encode(), b"/me \x1b[2J", "bidi \u202e".encode()]
FORBIDDEN = re.compile(rb"[\x00-\x08\x0a-\x1f\x7f]|\xc2[\x80-\x9f]")


def control_chars(ctx):
    """Control characters sent by one member never reach another member's screen raw."""
    checks = Checks()
    with ctx.start() as server:
        fds_base = server.fds()
        sender, reader = _join(server.addr), _join(server.addr)
        net.recv_until(sender, lambda d: b"joined" in d, 2.0)
        for line in CONTROL_LINES:
            sender.sendall(line + b"\n")
        sender.sendall(b"end-marker\n")
        data, why = net.recv_until(reader, lambda d: b"end-marker" in d, 5.0)
        relayed = [line for line in data.split(b"\n")[:-1] if FORBIDDEN.search(line)]
        checks.figure(f"{len(relayed)}/{len(CONTROL_LINES)} control sequences relayed raw")
        checks.require(b"end-marker" in data, f"the reader is still served ({why})")
        checks.require(not relayed, "control characters are not relayed" +
                       (f" (e.g. {relayed[0][:30]!r})" if relayed else ""))
        sender.close()
        reader.close()
        finish(server, checks, fds_base, net.probe_chat)
    return checks
