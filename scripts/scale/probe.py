#!/usr/bin/env python3
"""What a server costs right now, read from /proc: one JSON line for scripts/demo-scale.sh.

    probe.py PGID

The server leads process group PGID (started with setsid), so "the server" is every process
of that group: the fork model's children too. Printed:
  pss_kb     memory, the sum of Pss over its processes (/proc/PID/smaps_rollup): pages shared
             by several processes are split between them, so 1000 forked children are not
             counted 1000 times over; for one process it is its RSS less its share of the
             shared libraries
  rss_kb     the sum of VmRSS (the same for one process, an overcount for many)
  processes, threads
  sockets    distinct socket inodes among the descriptors of the group (/proc/PID/fd)
  sockstat   the TCP line of /proc/PID/net/sockstat: sockets in use in the server's network
             namespace, and the kernel's TCP buffer memory in pages (a system-wide counter)
"""

import json
import os
import sys


def group_pids(pgid):
    pids = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        if int(fields[2]) == pgid and fields[0] != "Z":
            pids.append(int(name))
    return pids


def field_kb(path, key):
    try:
        with open(path) as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def sockets(pid, seen):
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return
    for fd in fds:
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:"):
            seen.add(target)


def sockstat(pid):
    try:
        with open(f"/proc/{pid}/net/sockstat") as f:
            for line in f:
                if line.startswith("TCP:"):
                    words = line.split()[1:]
                    return {k: int(v) for k, v in zip(words[::2], words[1::2])}
    except OSError:
        pass
    return {}


def probe(pgid):
    pids = group_pids(pgid)
    seen = set()
    threads = 0
    for pid in pids:
        sockets(pid, seen)
        threads += field_kb(f"/proc/{pid}/status", "Threads")
    return {
        "pss_kb": sum(field_kb(f"/proc/{p}/smaps_rollup", "Pss") for p in pids),
        "rss_kb": sum(field_kb(f"/proc/{p}/status", "VmRSS") for p in pids),
        "processes": len(pids),
        "threads": threads,
        "sockets": len(seen),
        "sockstat": sockstat(pgid),
    }


if __name__ == "__main__":
    if len(sys.argv) != 2 or not sys.argv[1].isdigit():
        print("usage: probe.py PGID", file=sys.stderr)
        sys.exit(2)
    print(json.dumps(probe(int(sys.argv[1]))))
