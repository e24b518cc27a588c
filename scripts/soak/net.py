"""Loopback clients for the soak: connect, reset, read with a deadline, and one *probe* per
server — the normal request whose answer proves the server still serves.

Every socket has a timeout; nothing here can block forever. Only 127.0.0.1 is ever dialled.
"""
import socket
import struct
import time


def connect(addr, timeout=5.0, rcvbuf=None):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)  # before connect: sets the window
    s.settimeout(timeout)
    s.connect(addr)
    return s


def reset(s):
    """Close with an RST instead of a FIN (SO_LINGER 0): the peer's next read gets ECONNRESET."""
    try:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    s.close()


def recv_until(s, done, limit=5.0, max_bytes=1 << 24):
    """Read until done(bytes_so_far) is true, EOF, an error or the deadline. Returns
    (data, reason) with reason in {'done', 'eof', 'reset', 'timeout', 'too-much'}."""
    data = b""
    deadline = time.monotonic() + limit
    while not done(data):
        left = deadline - time.monotonic()
        if left <= 0:
            return data, "timeout"
        if len(data) > max_bytes:
            return data, "too-much"
        s.settimeout(left)
        try:
            chunk = s.recv(65536)
        except socket.timeout:
            return data, "timeout"
        except OSError:
            return data, "reset"
        if not chunk:
            return data, "eof"
        data += chunk
    return data, "done"


def closed_by_peer(s, drain_limit=1 << 26):
    """True if the server closed (or reset) this connection: drain what is queued without
    blocking and look for EOF. False if it is still open."""
    s.setblocking(False)
    drained = 0
    try:
        while drained < drain_limit:
            chunk = s.recv(1 << 20)
            if not chunk:
                return True
            drained += len(chunk)
    except BlockingIOError:
        return False
    except OSError:
        return True
    return False


def http_exchange(s, path="/", limit=5.0, host="soak"):
    """One keep-alive GET on an open connection: (status or None, body length)."""
    status, detail, body = http_response(s, path, limit, host)
    return (status, len(body)) if status is not None else (None, detail)


def http_response(s, path="/", limit=5.0, host="soak"):
    """One keep-alive GET: (status, Content-Length promised, body), or (None, why, b"").
    The body may be shorter than promised if the server closed first."""
    s.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
    head, why = recv_until(s, lambda d: b"\r\n\r\n" in d, limit)
    if b"\r\n\r\n" not in head:
        return None, why, b""
    head, _, body = head.partition(b"\r\n\r\n")
    try:
        status = int(head.split(b" ", 2)[1])
    except (IndexError, ValueError):
        return None, "bad status line", b""
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip() or 0)
    if length > len(body):
        rest, _ = recv_until(s, lambda d: len(d) >= length - len(body), limit, max_bytes=length + 1)
        body += rest
    return status, length, body


def http_get(addr, path="/", limit=5.0):
    """A fresh connection, one GET: the status, or None with why."""
    try:
        with connect(addr, limit) as s:
            return http_exchange(s, path, limit)
    except OSError as e:
        return None, str(e)


# One probe per server: does a newcomer get a normal answer? (ok, detail)

def probe_echo(addr, limit=5.0):
    try:
        with connect(addr, limit) as s:
            s.sendall(b"ping\n")
            data, why = recv_until(s, lambda d: b"\n" in d, limit)
            return data == b"ping\n", f"echo {data[:40]!r} ({why})"
    except OSError as e:
        return False, f"echo: {e}"


def probe_chat(addr, limit=5.0):
    """A newcomer is welcomed and can list the members."""
    try:
        with connect(addr, limit) as s:
            data, why = recv_until(s, lambda d: b"welcome" in d and d.endswith(b"\n"), limit)
            if b"welcome" not in data:
                return False, f"chat: no welcome ({why}): {data[:60]!r}"
            s.sendall(b"/list\n")
            data, why = recv_until(s, lambda d: b"members:" in d, limit)
            return b"members:" in data, f"chat /list ({why})"
    except OSError as e:
        return False, f"chat: {e}"


def probe_http(addr, limit=5.0):
    status, detail = http_get(addr, "/index.html", limit)
    return status == 200, f"GET /index.html -> {status} {detail}"


def probe_metrics(addr, limit=5.0):
    try:
        with connect(addr, limit) as s:
            s.sendall(b"LIST\n")
            data, why = recv_until(s, lambda d: d.startswith(b"OK") and b"\n" in d, limit)
            return data.startswith(b"OK"), f"LIST -> {data[:30]!r} ({why})"
    except OSError as e:
        return False, f"metrics: {e}"


PROBES = {"echo-server": probe_echo, "chat-server": probe_chat, "http-server": probe_http,
          "metrics-server": probe_metrics}
