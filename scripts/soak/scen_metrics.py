"""Prometheus scrapes under abuse: 300 clients that ask for a ~5 MB exposition and never read
it, and 70 that send their request one byte every 3 seconds. Memory stays bounded and the
other scrapers keep being served."""
import threading
import time

import net
from checks import Checks, finish, metrics_http_addr
from proc import RssSampler

SCRAPE = b"GET /metrics HTTP/1.1\r\nHost: soak\r\n\r\n"


def fill_store(addr, count):
    """`count` metrics with names and docs near their limits (64 and 256 bytes: about 500
    bytes each in the exposition, 5 MB for 10,000 — more than the 4 MiB a loopback socket's
    send buffer can grow to, so a body a client does not read stays in the server's memory
    and not the kernel's), created over several connections (each may create 1,000)."""
    doc = "documentation " * 17  # 238 bytes
    for first in range(0, count, 1000):
        lines = []
        for i in range(first, min(first + 1000, count)):
            name = f"soak_metric_with_a_name_close_to_the_sixty_four_byte_limit_{i:05d}"
            lines.append(f"DESC {name} gauge {doc} {i}\nVAL {name} {i}.5\n")
        with net.connect(addr, 10.0) as s:
            s.sendall("".join(lines).encode() + b"QUIT\n")
            net.recv_until(s, lambda d: False, 10.0)  # until the server closes after QUIT


def scrape(http_addr, limit=10.0):
    status, length = net.http_get(http_addr, "/metrics", limit)
    return status, length


def non_readers(ctx):
    """300 scrapers of a ~5 MB exposition that never read: RSS under 64 MiB; a normal client
    of the metrics port is served meanwhile, and a scrape is served afterwards."""
    checks = Checks()
    scrapers, metrics = (60, 10_000) if ctx.short else (300, 10_000)
    with ctx.start() as server:
        http = metrics_http_addr(server)
        fill_store(server.addr, metrics)
        status, length = scrape(http)
        checks.figure(f"exposition {length / 1e6:.1f} MB")
        checks.require(status == 200, f"a scrape is served ({status})")
        fds_base, sampler = server.fds(), RssSampler(server)
        base = sampler.peak
        held = []
        for _ in range(scrapers):
            try:
                s = net.connect(http, 3.0, rcvbuf=4096)
                s.sendall(SCRAPE)
                held.append(s)
            except OSError:
                pass
            sampler.sample()
        sampler.sleep(2.0)
        ok, detail = net.probe_metrics(server.addr)
        sampler.sleep(6.0)  # rendering 300 expositions takes a while: watch it all
        checks.require(ok, f"metrics port served among non-reading scrapers ({detail})")
        checks.figure(f"{len(held)} non-readers, RSS {base:.0f}->{sampler.peak:.0f} MiB (peak)")
        checks.require(sampler.peak < 64, "RSS under 64 MiB with non-reading scrapers")
        for s in held:
            net.reset(s)
        time.sleep(1.0)
        status, _ = scrape(http)
        checks.require(status == 200, f"a scrape is served afterwards ({status})")
        finish(server, checks, fds_base, net.probe_metrics)
    return checks


def _trickle(http_addr, seconds, stop):
    """Send a scrape request one byte every 3 s (a slow client, not a dead one)."""
    try:
        with net.connect(http_addr, 3.0) as s:
            for i, byte in enumerate(SCRAPE[:seconds // 3 + 1]):
                if i and stop.wait(3.0):
                    return
                s.send(bytes([byte]))
            stop.wait(seconds)
    except OSError:
        pass


def slow_scrapers(ctx):
    """70 scrapers each sending a byte every 3 s for 12 s: a normal scrape every second is
    still answered 200, in under 2 s (10 s in the short run). A head still arriving takes no
    scrape slot (only a complete head does, until its reply is out), so the 70 never push a
    normal scrape to 503; the scrape deadline, from accept, drops them at 10 s."""
    checks = Checks()
    slow_n, seconds = (70, 6) if ctx.short else (70, 12)  # 70: past the thread model's 64 scrapes
    with ctx.start() as server:
        http = metrics_http_addr(server)
        fill_store(server.addr, 100)
        fds_base = server.fds()
        stop = threading.Event()
        threads = [threading.Thread(target=_trickle, args=(http, seconds, stop), daemon=True) for _ in range(slow_n)]
        for t in threads:
            t.start()
        time.sleep(1.0)
        results = []
        limit = 10.0 if ctx.short else 2.0  # see scen_http.slow: the short run asks "served"
        started = time.monotonic()
        while time.monotonic() - started < seconds - 1:
            t0 = time.monotonic()
            status, _ = scrape(http, limit)
            results.append((status, time.monotonic() - t0))
            time.sleep(max(0.0, 1.0 - (time.monotonic() - t0)))
        stop.set()
        for t in threads:
            t.join(5)
        served = sum(1 for status, _ in results if status == 200)
        slowest = max((took for _, took in results), default=0)
        checks.figure(f"{served}/{len(results)} scrapes served among {slow_n} slow ones, "
                      f"slowest {slowest * 1000:.0f} ms")
        checks.require(served == len(results) and results, "every normal scrape served")
        finish(server, checks, fds_base, net.probe_metrics)
    return checks


def stalled_scrapers(ctx):
    """16 scrapers (every slot) ask for a ~5 MB exposition and never read, under
    --scrape-deadline 4: two seconds past the deadline a normal scrape gets 200. On the
    thread model a write that timed out after a partial send used to be retried with a fresh
    timeout: the slots were held two or three deadlines, and every scrape got 503."""
    checks = Checks()
    deadline = 4
    with ctx.start(["--scrape-deadline", str(deadline)]) as server:
        http = metrics_http_addr(server)
        fill_store(server.addr, 10_000)
        status, _ = scrape(http)
        checks.require(status == 200, f"a scrape is served ({status})")
        fds_base = server.fds()
        started = time.monotonic()
        held = []
        for _ in range(16):
            s = net.connect(http, 3.0, rcvbuf=4096)
            s.sendall(SCRAPE)
            held.append(s)
        time.sleep(0.5)
        during, _ = scrape(http, 3.0)
        time.sleep(max(0.0, deadline + 2 - (time.monotonic() - started)))
        after, _ = scrape(http, 5.0)
        dropped = sum(net.closed_by_peer(s) for s in held)
        checks.figure(f"16 non-readers: a scrape got {during} at once, {after} at {deadline + 2}s "
                      f"(deadline {deadline}s); {dropped}/16 dropped by then")
        checks.require(after == 200, "a scrape served once the deadline has dropped the stalled ones")
        checks.require(dropped == 16, "every stalled scrape dropped at its deadline")
        for s in held:
            s.close()
        finish(server, checks, fds_base, net.probe_metrics)
    return checks
