"""A server under test, seen from outside: start it, read its address, measure it, stop it.

Everything is read from /proc, as `ps` and `ls /proc/PID/fd` would: resident memory (PSS of the
server and of every descendant, so a forked child counts), open descriptors, children and
zombies. Every wait has a deadline, so a server that hangs fails its scenario instead of
hanging the soak.
"""
import os
import select
import signal
import subprocess
import time


def _ppid_and_state(pid):
    """(parent pid, state letter) of `pid`, or None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
    except OSError:
        return None
    # The command name is in parentheses and may hold spaces: split after the last ')'.
    fields = stat[stat.rfind(")") + 2:].split()
    return int(fields[1]), fields[0]


def descendants(pid):
    """Every process below `pid` (children, grandchildren…)."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            info = _ppid_and_state(int(entry))
            if info:
                parents.setdefault(info[0], []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def pss_kib(pid):
    """Proportional set size of one process in KiB (0 if gone): its resident memory, with
    each page shared by N processes counted 1/N. Unlike VmRSS it can be summed over a fork
    server's children without counting the shared code and copy-on-write pages N times."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class Server:
    """One server process started for one scenario (use as a context manager)."""

    def __init__(self, bin_dir, name, model, args=(), nofile=None, workdir="/tmp"):
        self.name, self.model = name, model
        command = [os.path.join(bin_dir, name), "--model", model, "--listen", "127.0.0.1:0", *args]
        if nofile is not None:
            command = ["prlimit", f"--nofile={nofile}:{nofile}", "--", *command]
        self.log_path = os.path.join(workdir, f"{name}-{model}-{os.getpid()}-{time.monotonic_ns()}.log")
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=self.log, stdin=subprocess.DEVNULL,
                                     bufsize=0)  # unbuffered: select() sees what read() has not taken
        self.pid = self.proc.pid  # prlimit execs the server: same pid
        self.exit_code = None
        try:
            self.addr = self._read_listening_line(10.0)
        except RuntimeError:
            self.kill()  # not yet a context manager: nobody else would
            raise

    def _read_listening_line(self, limit):
        deadline = time.monotonic() + limit
        line = b""
        while not line.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.proc.stdout], [], [], left)[0]:
                raise RuntimeError(f"{self.name} --model {self.model}: no 'listening on' line; log {self.log_path}")
            byte = self.proc.stdout.read(1)
            if not byte:
                raise RuntimeError(f"{self.name} --model {self.model} exited at start; log {self.log_path}")
            line += byte
        host, port = line.decode().split()[-1].rsplit(":", 1)
        return host, int(port)

    def log_text(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")

    def wait_log(self, needle, limit=5.0):
        """The first log line holding `needle` (e.g. metrics-server's 'http on ADDR')."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            for line in self.log_text().splitlines():
                if needle in line:
                    return line
            time.sleep(0.05)
        raise RuntimeError(f"{self.name}: no log line with {needle!r} in {limit}s")

    def alive(self):
        return self.proc.poll() is None

    def rss_mib(self):
        """Resident memory (PSS) of the server and all its descendants, MiB."""
        kib = pss_kib(self.pid) + sum(pss_kib(p) for p in descendants(self.pid))
        return kib / 1024

    def fds(self):
        """Open descriptors of the server process itself."""
        try:
            return len(os.listdir(f"/proc/{self.pid}/fd"))
        except OSError:
            return -1

    def children(self):
        return descendants(self.pid)

    def zombies(self):
        return [p for p in self.children() if (_ppid_and_state(p) or (0, ""))[1] == "Z"]

    def settle(self, fds_at_most, limit=5.0):
        """Wait until the descriptor count is back to `fds_at_most` and no child is left
        (fork model: every client's child has exited and been reaped). Returns
        (fds, children, zombies) as last seen."""
        deadline = time.monotonic() + limit
        while True:
            fds, children, zombies = self.fds(), self.children(), self.zombies()
            if (fds <= fds_at_most and not children) or time.monotonic() > deadline:
                return fds, len(children), len(zombies)
            time.sleep(0.1)

    def stop(self, limit=10.0):
        """SIGTERM, then wait: the exit code, or None if it had to be killed."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.exit_code = self.proc.wait(limit)
            except subprocess.TimeoutExpired:
                self.kill()
                return None
        else:
            self.exit_code = self.proc.returncode
        return self.exit_code

    def kill(self):
        for pid in self.children():
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.kill()
        self.log.close()
        self.proc.stdout.close()
        return False


class RssSampler:
    """Peak RSS of a server while something runs: call sample() in the waiting loops."""

    def __init__(self, server):
        self.server, self.peak = server, server.rss_mib()

    def sample(self):
        self.peak = max(self.peak, self.server.rss_mib())
        return self.peak

    def sleep(self, seconds, step=0.1):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.sample()
            time.sleep(step)
