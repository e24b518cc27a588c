"""Scenarios every server faces: connection churn with resets, SIGTERM under load, and
descriptor exhaustion (`prlimit --nofile=64` with 200 clients)."""
import socket
import threading
import time

import net
from checks import Checks, finish

# What a client sends to be "doing a request" on each server (none for the chat: joining is it).
REQUEST = {
    "echo-server": b"hello\n",
    "chat-server": b"hello everyone\n",
    "http-server": b"GET /index.html HTTP/1.1\r\nHost: soak\r\n\r\n",
    "metrics-server": b"LIST\n",
}


def churn(ctx):
    """Thousands of short connections, most closed with an RST, some mid-request: memory,
    descriptors and children must come back to where they started."""
    checks = Checks()
    total = 300 if ctx.short else 3000
    with ctx.start() as server:
        probe = net.PROBES[ctx.server]
        probe(server.addr)
        fds_base, rss_base = server.fds(), server.rss_mib()
        started = time.monotonic()
        done = errors = 0
        deadline = started + (20 if ctx.short else 90)
        while done < total and time.monotonic() < deadline:
            batch, attempts = [], min(50, total - done)
            for _ in range(attempts):
                try:
                    batch.append(net.connect(server.addr, 2.0))
                except OSError:
                    errors += 1
            for i, s in enumerate(batch):
                try:
                    if i % 3 == 1:
                        s.sendall(REQUEST[ctx.server][:7])  # mid-request
                    elif i % 3 == 2:
                        s.sendall(REQUEST[ctx.server])
                except OSError:
                    pass
                net.reset(s)
            done += attempts
        elapsed = time.monotonic() - started
        time.sleep(0.5)
        rss = server.rss_mib()
        checks.figure(f"{done} conns in {elapsed:.1f}s, connect errors {errors}")
        checks.figure(f"RSS {rss_base:.1f}->{rss:.1f} MiB")
        checks.require(done >= total, f"all {total} connections made in time")
        checks.require(rss <= rss_base + 16, "RSS back near start (+16 MiB)")
        finish(server, checks, fds_base, probe)
    return checks


def _busy_client(addr, request, stop, counts):
    """Send a request, read whatever comes back, until told to stop or the server goes."""
    try:
        with net.connect(addr, 2.0) as s:
            while not stop.is_set():
                s.sendall(request)
                s.settimeout(0.5)
                try:
                    if not s.recv(65536):
                        counts["eof"] += 1
                        return
                except socket.timeout:
                    pass
                counts["requests"] += 1
    except OSError:
        counts["eof"] += 1


def sigterm(ctx):
    """SIGTERM while 50 clients keep sending: exit 0 within 10 s, no child left behind."""
    checks = Checks()
    with ctx.start() as server:
        stop, counts = threading.Event(), {"requests": 0, "eof": 0}
        clients = 1 if ctx.model == "iterative" else (10 if ctx.short else 50)
        threads = [threading.Thread(target=_busy_client, args=(server.addr, REQUEST[ctx.server], stop, counts),
                                    daemon=True) for _ in range(clients)]
        for t in threads:
            t.start()
        time.sleep(1.0)
        children = server.children()
        started = time.monotonic()
        code = server.stop(10.0)
        took = time.monotonic() - started
        time.sleep(0.3)
        left = [p for p in children if _exists(p)]
        stop.set()
        for t in threads:
            t.join(3)
        checks.figure(f"{clients} clients, {counts['requests']} requests, exit {code} in {took:.2f}s")
        checks.require(code == 0, f"exit 0 on SIGTERM under load (got {code})")
        checks.require(not left, f"every child gone ({len(left)} left)")
    return checks


def _exists(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return ") Z" not in f.read()
    except OSError:
        return False


def _admit(server, ctx, count):
    """Open `count` clients and make each do one request; the ones that were served."""
    served = []
    for _ in range(count):
        try:
            s = net.connect(server.addr, 3.0)
        except OSError:
            continue
        if _one_request(ctx.server, s):
            served.append(s)
        else:
            s.close()
    return served


def _one_request(name, s):
    """One normal request on an open connection; True if answered normally."""
    try:
        if name == "http-server":
            status, _ = net.http_exchange(s, "/index.html", 3.0)
            return status == 200
        if name == "chat-server":  # the answer to /list comes after any notice queued before
            s.sendall(b"/list\n")
            data, _ = net.recv_until(s, lambda d: b"members:" in d, 3.0)
            return b"members:" in data
        if name == "metrics-server":
            s.sendall(b"LIST\n")
            data, _ = net.recv_until(s, lambda d: d.startswith(b"OK") and b"\n" in d, 3.0)
            return data.startswith(b"OK")
        s.sendall(b"ping\n")
        data, _ = net.recv_until(s, lambda d: b"\n" in d, 3.0)
        return data == b"ping\n"
    except OSError:
        return False


def _connect_many(addr, count):
    """Start `count` connections without waiting for each (non-blocking connect): past the
    listen backlog a blocking connect would wait for SYN retries."""
    pending = []
    for _ in range(count):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        s.connect_ex(addr)
        pending.append(s)
    return pending


def _told_something(s):
    """Did the server write anything (the busy line) to this connection?"""
    try:
        return bool(s.recv(4096).strip())
    except OSError:
        return False


def nofile(ctx):
    """Under `prlimit --nofile=64`: 20 clients admitted, then 200 more try to connect. The 20
    must go on being served (not 500, not dropped); the refused are told why; afterwards a
    newcomer is served again."""
    checks = Checks()
    admitted_n, extra_n = (20, 60) if ctx.short else (20, 200)
    with ctx.start(nofile=64) as server:
        admitted = _admit(server, ctx, admitted_n)
        checks.figure(f"admitted {len(admitted)}/{admitted_n}")
        checks.require(len(admitted) == admitted_n, f"{admitted_n} clients served under 64 fds")
        extra = _connect_many(server.addr, extra_n)
        time.sleep(1.0)
        busy_told = sum(1 for s in extra if _told_something(s))
        still = sum(_one_request(ctx.server, s) for s in admitted)
        checks.figure(f"{len(extra)} more tried, {busy_told} told why; admitted still served {still}/{len(admitted)}")
        checks.require(still == len(admitted), "admitted clients still served at fd exhaustion")
        for s in extra + admitted:
            s.close()
        time.sleep(1.0)
        checks.require(server.alive(), "server alive")
        ok, detail = net.PROBES[ctx.server](server.addr)
        checks.require(ok, f"newcomer served after ({detail})")
        code = server.stop()
        checks.require(code == 0, f"exit 0 on SIGTERM (got {code})")
    return checks
