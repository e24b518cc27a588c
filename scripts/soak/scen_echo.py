"""Echo against a client that sends without reading: backpressure, not memory."""
import threading
import time

import net
from checks import Checks, finish
from proc import RssSampler


def _flood(addr, total, stop, result):
    chunk = b"x" * 65536
    sent = 0
    try:
        with net.connect(addr, 1.0, rcvbuf=4096) as s:
            while sent < total and not stop.is_set():
                try:
                    sent += s.send(chunk)
                except TimeoutError:
                    continue
    except OSError:
        pass
    result.append(sent)


def no_read(ctx):
    """A client sends 64 MiB and never reads the echo: the server stops reading it (or drops
    it) instead of buffering; other clients are served meanwhile."""
    checks = Checks()
    with ctx.start() as server:
        fds_base, sampler = server.fds(), RssSampler(server)
        base = sampler.peak
        stop, result = threading.Event(), []
        thread = threading.Thread(target=_flood, args=(server.addr, 64 << 20, stop, result), daemon=True)
        thread.start()
        sampler.sleep(3.0)
        if ctx.model != "iterative":  # iterative serves one client at a time, by design
            ok, detail = net.probe_echo(server.addr)
            checks.require(ok, f"another client served meanwhile ({detail})")
        sampler.sleep(1.0)
        stop.set()
        thread.join(5)
        checks.figure(f"sent {sum(result) >> 20} MiB unread, RSS {base:.1f}->{sampler.peak:.1f} MiB")
        checks.require(sampler.peak <= base + 16, "RSS bounded (+16 MiB)")
        time.sleep(0.5)
        finish(server, checks, fds_base, net.probe_echo)
    return checks
