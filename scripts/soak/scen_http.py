"""HTTP under slow and silent peers: connections that never speak, endless blank lines, and
slowhttptest's slowloris, slow body and slow read. Meanwhile a normal client must be served."""
import os
import re
import shutil
import subprocess
import threading
import time

import net
from checks import Checks, finish
from proc import RssSampler

HEADER_TIMEOUT = 2  # --header-timeout for these scenarios: short, so waiting stays bounded


def silent(ctx):
    """200 connections that never send a byte and 20 that send half a head: all closed once
    the header timeout has passed (its clock starts at accept), and a newcomer served."""
    checks = Checks()
    silent_n = 50 if ctx.short else 200
    with ctx.start(["--header-timeout", str(HEADER_TIMEOUT)]) as server:
        fds_base = server.fds()
        quiet = [net.connect(server.addr) for _ in range(silent_n)]
        partial = [net.connect(server.addr) for _ in range(20)]
        for s in partial:
            s.sendall(b"GET / HTTP/1.1\r\nHost: soak\r\n")
        time.sleep(0.5)
        ok, detail = net.probe_http(server.addr)
        checks.require(ok, f"newcomer served among silent peers ({detail})")
        time.sleep(HEADER_TIMEOUT + 2.5)
        quiet_closed = sum(net.closed_by_peer(s) for s in quiet)
        partial_closed = sum(net.closed_by_peer(s) for s in partial)
        checks.figure(f"after {HEADER_TIMEOUT + 3}s: silent closed {quiet_closed}/{silent_n}, "
                      f"partial closed {partial_closed}/20")
        checks.require(partial_closed == 20, "partial heads closed at the header timeout")
        checks.require(quiet_closed == silent_n, "silent connections closed at the header timeout")
        for s in quiet + partial:
            s.close()
        finish(server, checks, fds_base, net.probe_http)
    return checks


def _blank_sender(addr, seconds, result):
    """Send CRLFs as fast as the server takes them; note when the server closes."""
    chunk = b"\r\n" * 1024
    sent, started = 0, time.monotonic()
    try:
        with net.connect(addr) as s:
            s.settimeout(0.5)
            while time.monotonic() - started < seconds:
                try:
                    sent += s.send(chunk)
                except TimeoutError:
                    continue
                except OSError:
                    result.append((True, sent, time.monotonic() - started))
                    return
    except OSError:
        result.append((True, sent, time.monotonic() - started))
        return
    result.append((False, sent, seconds))


def blank_lines(ctx):
    """10 clients send empty lines without end (RFC 7230 lets a server skip a few): each must
    be closed long before the header timeout, with memory bounded."""
    checks = Checks()
    seconds = 4
    with ctx.start(["--header-timeout", "10"]) as server:
        fds_base, sampler = server.fds(), RssSampler(server)
        base = sampler.peak
        result = []
        threads = [threading.Thread(target=_blank_sender, args=(server.addr, seconds, result), daemon=True)
                   for _ in range(10)]
        for t in threads:
            t.start()
        while any(t.is_alive() for t in threads):
            sampler.sleep(0.2)
        closed = sum(1 for c, _, _ in result if c)
        sent = max((n for _, n, _ in result), default=0)
        checks.figure(f"closed {closed}/10 within {seconds}s, up to {sent >> 10} KiB sent, "
                      f"peak RSS {base:.1f}->{sampler.peak:.1f} MiB")
        checks.require(closed == 10, "endless blank lines closed before the header timeout")
        checks.require(sampler.peak <= base + 16, "RSS bounded under blank lines (+16 MiB)")
        finish(server, checks, fds_base, net.probe_http)
    return checks


def _exit_status(path):
    """slowhttptest's verdict line, without its terminal colours."""
    with open(path, "rb") as f:
        text = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", f.read().decode(errors="replace"))
    lines = [line for line in text.splitlines() if "Exit status:" in line or "Test ended on" in line]
    return " ".join(" ".join(line.split()) for line in lines) or "no verdict"


SLOW_MODES = {
    # slowloris: heads that never end (-H); slow body: a body a few bytes at a time (-B);
    # slow read: a tiny receive window on a 4 MiB file (-X).
    "slowloris": ["-H", "-i", "2", "-x", "24", "-t", "GET", "-u", "{url}/"],
    "slow-body": ["-B", "-i", "2", "-s", "8192", "-t", "POST", "-u", "{url}/"],
    "slow-read": ["-X", "-w", "16", "-y", "32", "-n", "2", "-z", "32", "-k", "2", "-u", "{url}/big.bin"],
}


def slow(ctx, mode):
    """slowhttptest holds 200 connections in `mode` for 12 s (6 s short); a normal GET every
    second must be answered in under 2 s throughout."""
    checks = Checks()
    if shutil.which("slowhttptest") is None:
        checks.require(False, "slowhttptest installed (scripts/install-deps.sh)")
        return checks
    seconds = 6 if ctx.short else 12
    with ctx.start() as server:
        fds_base, sampler = server.fds(), RssSampler(server)
        url = f"http://127.0.0.1:{server.addr[1]}"
        args = [a.format(url=url) for a in SLOW_MODES[mode]]
        command = ["slowhttptest", "-c", "200", "-r", "100", "-l", str(seconds), "-p", "3", *args]
        log = open(os.path.join(ctx.workdir, f"slowhttptest-{mode}-{ctx.model}.log"), "wb")
        attacker = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        time.sleep(2)
        # The bar is 2 s per request; the short run (inside make test, on a machine
        # that may be busy compiling) only asks that requests are served at all.
        probe_limit = 10.0 if ctx.short else 2.0
        probes, slowest, failed = 0, 0.0, []
        while attacker.poll() is None and probes < seconds + 10:
            started = time.monotonic()
            ok, detail = net.probe_http(server.addr, probe_limit)
            took = time.monotonic() - started
            probes, slowest = probes + 1, max(slowest, took)
            if not ok:
                failed.append(detail)
            sampler.sleep(max(0.0, 1.0 - took))
        try:
            attacker.wait(20)
        except subprocess.TimeoutExpired:
            attacker.kill()
            attacker.wait()
        log.close()
        checks.figure(f"slowhttptest: {_exit_status(log.name)}")
        checks.figure(f"{probes} probes, {len(failed)} failed, slowest {slowest * 1000:.0f} ms, "
                      f"peak RSS {sampler.peak:.1f} MiB")
        # The attack may end early ("no open connections left": the server answered and
        # closed them, e.g. 405 to a slow POST body): that is a defence, not a failure.
        checks.require(probes >= 1 and not failed, f"normal requests served during {mode}"
                       + (f" ({failed[0]})" if failed else ""))
        time.sleep(1)
        finish(server, checks, fds_base, net.probe_http)
    return checks
