#!/usr/bin/env python3
"""scripts/demo-scale.sh's raw results (one JSON line per model and N) → one table per N.

Columns:
  accepted    connections the server holds: socket descriptors of its process group beyond
              those it had before the idle crowd came (probe.py)
  refused     connections the server closed (a "busy" line, then close: a capped model,
              select past FD_SETSIZE) plus connects that failed, as idle-conns saw them
  mem MiB     the server's memory (sum of Pss over its processes) with the crowd held
  B/conn      its growth since before the crowd, divided by the connections accepted
  procs/thr   processes and threads of the server
  tcp inuse   TCP sockets in the namespace (both ends of every loopback connection)
  tcp mem     the kernel's TCP buffer pages (system-wide counter: other work shows in it)
  p50/p99     one active client's round trip beside the crowd (loadgen, 64-byte messages)
  ×p99(0)     p99 divided by the same model's p99 with no idle connection
  CPU µs/rt   the server's CPU time per round trip (schedstat of its group, loadgen
              --server-pid)
  note        past one process's descriptor budget, epoll and uring run as --workers K (the
              parent and K reactors: mem is summed over all of them, B/conn is still per
              connection); the models without workers are not run there
"""

import json
import sys
from collections import defaultdict


def load(path):
    rows = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line:
                rows.append(json.loads(line))
    return rows


def fmt(value, spec):
    return "-" if value is None else format(value, spec)


def figures(row):
    """The table's numbers for one cell (None where not measured)."""
    before, after, idle, lg = row["before"], row["after"], row["idle"], row["loadgen"]
    accepted = max(after.get("sockets", 0) - before.get("sockets", 0), 0) if after else None
    refused = idle.get("closed_by_server", 0) + idle.get("failed", 0) if idle else 0
    grown_kb = after.get("pss_kb", 0) - before.get("pss_kb", 0)
    per_conn = grown_kb * 1024 / accepted if accepted else None
    tcp = after.get("sockstat", {})
    return {
        "accepted": accepted,
        "refused": refused,
        "mem_mib": after.get("pss_kb", 0) / 1024,
        "per_conn": per_conn,
        "procs": after.get("processes"),
        "threads": after.get("threads"),
        "inuse": tcp.get("inuse"),
        "tcp_mem": tcp.get("mem"),
        "p50": lg.get("p50_us"),
        "p99": lg.get("p99_us"),
        "cpu": lg.get("server_cpu_us_per_rt"),
    }


def table(n, rows, p99_at_zero):
    head = (f"{'model':<7} {'accepted':>8} {'refused':>7} {'mem MiB':>8} {'B/conn':>7} {'procs':>5} "
            f"{'thr':>6} {'tcp inuse':>9} {'tcp mem':>7} {'p50 µs':>8} {'p99 µs':>8} {'×p99(0)':>7} "
            f"{'CPU µs/rt':>9}  note")
    lines = [head]
    for row in rows:
        if not row["after"]:  # not run: past one process's limit, and no workers
            dashes = " ".join(["-"] * 12)
            lines.append(f"{row['model']:<7} {dashes}  {row.get('note') or ''}".rstrip())
            continue
        f = figures(row)
        base = p99_at_zero.get(row["model"])
        vs_zero = f"{f['p99'] / base:.2f}" if f["p99"] and base else "-"
        notes = [row.get("note") or ""]
        workers = row.get("workers", 0)
        if workers:
            notes.append(f"--workers {workers} (mem summed over {f['procs']} processes); "
                         f"idle crowd from {row['idle'].get('processes', workers)} processes")
        idle = row["idle"]
        if idle.get("gave_up"):
            notes.append(f"connects stopped after {idle.get('failed')} failures")
        kinds = idle.get("failure_kinds") or {}
        if kinds:
            notes.append(", ".join(f"{k} ×{v}" for k, v in sorted(kinds.items())))
        lines.append((f"{row['model']:<7} {fmt(f['accepted'], '8d')} {f['refused']:>7} "
                      f"{f['mem_mib']:8.1f} {fmt(f['per_conn'], '7.0f')} {fmt(f['procs'], '5d')} "
                      f"{fmt(f['threads'], '6d')} {fmt(f['inuse'], '9d')} {fmt(f['tcp_mem'], '7d')} "
                      f"{fmt(f['p50'], '8.1f')} {fmt(f['p99'], '8.1f')} {vs_zero:>7} "
                      f"{fmt(f['cpu'], '9.2f')}  {'; '.join(n for n in notes if n)}").rstrip())
    return lines


def main():
    if len(sys.argv) != 2:
        print("usage: tables.py RESULTS.jsonl", file=sys.stderr)
        sys.exit(2)
    rows = load(sys.argv[1])
    by_n = defaultdict(list)
    for row in rows:
        by_n[row["n"]].append(row)
    p99_at_zero = {r["model"]: r["loadgen"].get("p99_us") for r in by_n.get(0, [])}
    for n in sorted(by_n):
        print(f"\n== {n} idle connection(s) + 1 active client ==")
        print("\n".join(table(n, by_n[n], p99_at_zero)))
    print()


if __name__ == "__main__":
    main()
