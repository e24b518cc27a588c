"""Files and outputs that change or fail under a running server: a file rewritten in place
while cached (stale-cache), files truncated and rewritten under load (truncate-load), and an
access log and trace on a full disk (full-disk, with /dev/full: every write fails ENOSPC)."""
import mmap
import os
import threading
import time

import net
from checks import Checks, finish

RACY_WINDOW = 2.0  # the cache keeps a file only once its last change is this old (site.rs)


def _get(s, path, limit=5.0):
    """One keep-alive GET: (status, promised length, body bytes); status None if cut off."""
    status, length, body = net.http_response(s, path, limit)
    return status, (length if status is not None else 0), body


def _rewrite(path, byte, size, mapped):
    """Overwrite `path` in place, same size, slowly: 512-byte write(2)s, or one byte at a time
    through a shared mapping (stamped once, at the first fault)."""
    with open(path, "r+b") as f:
        if mapped:
            with mmap.mmap(f.fileno(), size) as m:
                for at in range(size):
                    m[at] = byte
                    if at % 256 == 255:
                        time.sleep(0.002)
        else:
            for at in range(0, size, 512):
                os.pwrite(f.fileno(), bytes([byte]) * 512, at)
                time.sleep(0.0003)


def stale_cache(ctx):
    """A cached 4 KiB file rewritten in place, slowly, same size, while a client asks for it
    flat out; after each rewrite, 5 fresh requests must all carry the new bytes."""
    checks = Checks()
    rounds, size = (6 if ctx.short else 30), 4096
    path = os.path.join(ctx.site, f"stale-{ctx.model}.txt")
    with open(path, "wb") as f:
        f.write(b"a" * size)
    with ctx.start() as server:
        fds_base = server.fds()
        time.sleep(RACY_WINDOW + 0.2)
        name = "/" + os.path.basename(path)
        with net.connect(server.addr) as s:
            status, _, body = _get(s, name)
            checks.require(status == 200 and body == b"a" * size, f"the file is served ({status})")
        stale, checks_done = 0, 0
        for i in range(rounds):
            byte = ord("b") + i % 24
            stop = threading.Event()

            def hammer():
                try:
                    with net.connect(server.addr) as c:
                        while not stop.is_set() and _get(c, name)[0] is not None:
                            pass
                except OSError:
                    pass

            reader = threading.Thread(target=hammer, daemon=True)
            reader.start()
            _rewrite(path, byte, size, mapped=i % 2 == 1)
            stop.set()
            reader.join(10)
            with net.connect(server.addr) as s:
                for _ in range(5):
                    status, _, body = _get(s, name)
                    checks_done += 1
                    stale += body != bytes([byte]) * size
        checks.figure(f"{rounds} slow rewrites, {checks_done} checks after them, {stale} stale")
        checks.require(stale == 0, "no old bytes once the rewrite has finished")
        finish(server, checks, fds_base, net.probe_http)
    os.unlink(path)
    return checks


def truncate_load(ctx):
    """A writer truncates and rewrites an 8 KiB and a 256 KiB file (what `>` does) every
    half millisecond while 8 clients ask for them: no 500, no byte that was never in the
    file; a response cut short by the shrinking file ends with a close."""
    checks = Checks()
    seconds = 3 if ctx.short else 10
    small, large = (os.path.join(ctx.site, f"{n}-{ctx.model}") for n in ("small.txt", "large.bin"))
    contents = {small: b"s" * 8192, large: b"l" * (256 << 10)}
    for path, data in contents.items():
        with open(path, "wb") as f:
            f.write(data)
    with ctx.start() as server:
        fds_base = server.fds()
        stop = threading.Event()

        def writer():
            while not stop.is_set():
                for path, data in contents.items():
                    with open(path, "wb") as f:
                        f.write(data)
                time.sleep(0.0005)

        counts = {"answers": 0, "cut": 0, "errors": 0, "foreign": 0}
        lock = threading.Lock()

        def client(k):
            s = None
            turn = 0
            while not stop.is_set():
                try:
                    s = s or net.connect(server.addr)
                    turn += 1
                    path = large if turn % 4 == k % 4 else small
                    status, length, body = _get(s, "/" + os.path.basename(path))
                except OSError:
                    s = None
                    continue
                fill = contents[path][:1]
                with lock:
                    if status is None:
                        pass
                    elif status != 200:
                        counts["errors"] += 1
                    else:
                        counts["answers"] += 1
                        counts["foreign"] += body.strip(fill) != b""
                        counts["cut"] += len(body) < length
                if status != 200 or len(body) < length:
                    s.close()
                    s = None
            if s:
                s.close()

        threads = [threading.Thread(target=writer, daemon=True)]
        threads += [threading.Thread(target=client, args=(k,), daemon=True) for k in range(8)]
        for t in threads:
            t.start()
        time.sleep(seconds)
        stop.set()
        for t in threads:
            t.join(10)
        checks.figure(f"{counts['answers']} answers in {seconds}s, {counts['cut']} cut short and closed, "
                      f"{counts['errors']} errors")
        checks.require(counts["answers"] > 0, "files served while rewritten")
        checks.require(counts["errors"] == 0, "no error status for a file truncated under load")
        checks.require(counts["foreign"] == 0, "no byte that was never in the file")
        finish(server, checks, fds_base, net.probe_http)
    for path in contents:
        os.unlink(path)
    return checks


def full_disk(ctx):
    """The access log (http-server) and the trace on /dev/full: 2,000 requests, and each
    failing output is reported once on stderr, not per request or per write."""
    checks = Checks()
    extra = ["--trace", "/dev/full"]
    if ctx.server == "http-server":
        extra += ["--access-log", "/dev/full"]
    requests = 500 if ctx.short else 2000
    with ctx.start(extra) as server:
        fds_base = server.fds()
        served = 0
        for _ in range(20):
            with net.connect(server.addr) as s:
                for _ in range(requests // 20):
                    if ctx.server == "http-server":
                        served += _get(s, "/")[0] == 200
                    else:
                        s.sendall(b"ping\n")
                        got, _ = net.recv_until(s, lambda d: len(d) >= 5)
                        served += got == b"ping\n"
        time.sleep(0.3)
        log = server.log_text().splitlines()
        sinks = ["trace"] + (["access log"] if ctx.server == "http-server" else [])
        said = {sink: sum(1 for line in log if f" {sink}: " in line) for sink in sinks}
        checks.figure(f"{served}/{requests} served; lines on stderr: "
                      + ", ".join(f"{sink} {n}" for sink, n in said.items()))
        checks.require(served == requests, "every request served with its outputs failing")
        for sink, n in said.items():
            checks.require(n == 1, f"a failing {sink} reported once ({n} lines)")
        finish(server, checks, fds_base, net.probe_http if ctx.server == "http-server" else net.probe_echo)
    return checks
