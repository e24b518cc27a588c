"""What a scenario returns: PASS/FAIL with the figures measured and, for a FAIL, which check
broke. Also the checks every scenario ends with (no fd leak, no zombie, exit 0 on SIGTERM)."""
import os
import time

from net import PROBES
from proc import Server


class Checks:
    """Collects figures and broken expectations for one scenario run."""

    def __init__(self):
        self.figures, self.broken = [], []

    def figure(self, text):
        self.figures.append(text)

    def require(self, condition, what):
        """`what` names the outcome the issue demands (shown in the table when broken)."""
        if not condition:
            self.broken.append(what)
        return condition

    @property
    def passed(self):
        return not self.broken


class Ctx:
    """One cell of the matrix: which binary, which model, where, how long."""

    def __init__(self, bin_dir, server, model, short, workdir, site):
        self.bin_dir, self.server, self.model = bin_dir, server, model
        self.short, self.workdir, self.site = short, workdir, site

    def default_args(self):
        if self.server == "http-server":
            return ["--root", self.site]
        if self.server == "metrics-server":
            return ["--http", "127.0.0.1:0"]
        return []

    def start(self, extra=(), nofile=None):
        """Start the server and wait until it answers a probe: its event loop (epoll fd,
        signal pipe…) exists only after the `listening on` line, and the descriptor count
        every scenario compares against must include it."""
        server = Server(self.bin_dir, self.server, self.model, self.default_args() + list(extra),
                        nofile=nofile, workdir=self.workdir)
        ok, detail = PROBES[self.server](server.addr)
        if not ok:
            server.kill()
            raise RuntimeError(f"not serving at start: {detail}")
        time.sleep(0.1)
        return server


def metrics_http_addr(server):
    """metrics-server logs `http on HOST:PORT` on stderr once its scrape port is bound."""
    line = server.wait_log("http on ")
    host, port = line.split("http on ")[-1].strip().rsplit(":", 1)
    return host, int(port)


def finish(server, checks, fds_base, probe=None):
    """The checks of every scenario: still serving, descriptors back, no zombie, and a clean
    exit 0 on SIGTERM."""
    if probe is not None:
        ok, detail = probe(server.addr)
        checks.require(ok, f"served afterwards ({detail})")
    fds, children, zombies = server.settle(fds_base + 2)
    checks.figure(f"fds {fds_base}->{fds}")
    checks.require(fds <= fds_base + 2, f"fds back to start ({fds_base} -> {fds})")
    checks.require(zombies == 0, f"no zombie ({zombies})")
    checks.require(children == 0, f"no child left ({children})")
    code = server.stop()
    checks.require(code == 0, f"exit 0 on SIGTERM (got {code})")


def make_site(workdir):
    """A small document root: index.html and a 4 MiB file for slow readers."""
    site = os.path.join(workdir, "site")
    os.makedirs(site, exist_ok=True)
    with open(os.path.join(site, "index.html"), "w") as f:
        f.write("<!doctype html><title>soak</title><p>soak test page</p>\n")
    with open(os.path.join(site, "big.bin"), "wb") as f:
        f.write(os.urandom(4 << 20))
    return site
