#!/usr/bin/env python3
"""Turn the raw loadgen JSON reports of scripts/bench.sh into the comparison tables.

Each file RAW/<model>-c<connections>-i<idle>-r<run>.json is one `loadgen --json` report (a
sibling .rc file holds loadgen's exit status when it was not 0). Runs of the same cell are
reduced to their median, metric by metric, so one noisy run does not move the table.

Beside rt/s, `CPU µs/rt` is the server's CPU time per round trip (loadgen --server-pid: every
thread of the server's process group, from schedstat, over the measured window). On loopback
rt/s is bounded by the load generator and swings between runs; CPU per round trip is what
one server costs against another (docs/performance.md).
"""

import argparse
import json
import statistics
import sys
from collections import defaultdict
from pathlib import Path


def load(raw: Path):
    """Map (model, connections, idle) -> list of (report, exit status)."""
    cells = defaultdict(list)
    for path in sorted(raw.glob("*.json")):
        try:
            report = json.loads(path.read_text())
        except (OSError, json.JSONDecodeError) as e:
            print(f"bench-tables: skipping {path}: {e}", file=sys.stderr)
            continue
        rc_file = path.with_suffix(".rc")
        rc = int(rc_file.read_text().strip() or 0) if rc_file.exists() else 0
        key = (report.get("label"), report.get("connections"), report.get("idle"))
        cells[key].append((report, rc))
    return cells


def median(runs, field):
    """Median of a field over the runs, ignoring nulls (no round trip measured)."""
    values = [r[field] for r, _ in runs if r.get(field) is not None]
    return statistics.median(values) if values else None


def fmt(value, spec):
    return "-" if value is None else format(value, spec)


def ratio(value, base):
    if value is None or not base:
        return "-"
    return f"{value / base:.2f}x"


def note(runs, connections):
    """Stalls, errors and failed runs, so a fast-looking row cannot hide them."""
    parts = []
    stalled = median(runs, "stalled_connections")
    if stalled:
        never = median(runs, "never_connected")
        parts.append(f"{stalled:g} of {connections} stalled" + (f" ({never:g} never connected)" if never else ""))
    errors = median(runs, "errors")
    if errors:
        kinds = sorted({k for r, _ in runs for k in r.get("error_kinds", {})})
        parts.append(f"{errors:g} errors ({', '.join(kinds)})")
    failed = [rc for _, rc in runs if rc]
    if failed:
        parts.append(f"loadgen exit {failed[0]} in {len(failed)}/{len(runs)} runs")
    return "; ".join(parts)


# The reference server each reactor model is held against (scripts/bench/).
REFERENCE = {"select": "c-select", "poll": "c-poll", "epoll": "bare-mio"}


def syscalls_per_rt(syscalls, model, conns):
    """(all calls, the breakdown) per round trip from scripts/bench/syscalls.sh, or None."""
    if syscalls is None:
        return None
    path = syscalls / f"{model}-c{conns}.json"
    try:
        data = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError):
        return None
    return data if "per_rt" in data else None


def breakdown(data):
    """The main calls of a round trip, e.g. "read 1, write 1, epoll_wait 0.4"."""
    items = sorted(data["by_name"].items(), key=lambda kv: -kv[1][0])
    return ", ".join(f"{name} {calls:.2g}" + (f" ({errs:.2g} EAGAIN/err)" if errs >= 0.01 else "")
                     for name, (calls, errs) in items if calls >= 0.01)


def connections_table(cells, models, conns, syscalls):
    head = (f"{'model':<16} {'rt/s':>10} {'p99 µs':>9} {'vs epoll':>9} {'vs ref':>15} {'CPU µs/rt':>9} "
            f"{'CPU vs ref':>10} {'sys/rt':>7}")
    lines = [head + "  note"]
    epoll = median(cells.get(("epoll", conns, 0), []), "rtt_per_sec")
    counts = []
    for model in models:
        runs = cells.get((model, conns, 0), [])
        if not runs:
            lines.append(f"{model:<16} {'(no data)':>10}")
            continue
        rate = median(runs, "rtt_per_sec")
        cpu = median(runs, "server_cpu_us_per_rt")
        ref = REFERENCE.get(model)
        vs_ref = cpu_vs_ref = "-"
        if ref in models:
            ref_runs = cells.get((ref, conns, 0), [])
            vs_ref = f"{ratio(rate, median(ref_runs, 'rtt_per_sec'))} {ref}"
            cpu_vs_ref = ratio(cpu, median(ref_runs, "server_cpu_us_per_rt"))
        sys_rt = syscalls_per_rt(syscalls, model, conns)
        line = (f"{model:<16} {fmt(rate, '10.0f')} {fmt(median(runs, 'p99_us'), '9.1f')} "
                f"{ratio(rate, epoll):>9} {vs_ref:>15} {fmt(cpu, '9.2f')} {cpu_vs_ref:>10} "
                f"{fmt(sys_rt and sys_rt['per_rt'], '7.2f')}")
        lines.append(f"{line}  {note(runs, conns)}".rstrip())
        if sys_rt:
            counts.append(f"  {model:<16} {breakdown(sys_rt)}")
    if counts:
        lines.append("system calls per round trip (strace -f -c; difference of two counted runs):")
        lines.extend(counts)
    return lines


def idle_table(cells, models, idles):
    lines = [f"{'model':<16} {'idle':>5} {'p50 µs':>9} {'p99 µs':>9} {'rt/s':>10} {'CPU µs/rt':>9}  note"]
    for model in models:
        for idle in idles:
            runs = cells.get((model, 1, idle), [])
            if not runs:
                lines.append(f"{model:<16} {idle:>5} {'(no data)':>9}")
                continue
            line = (f"{model:<16} {idle:>5} {fmt(median(runs, 'p50_us'), '9.1f')} "
                    f"{fmt(median(runs, 'p99_us'), '9.1f')} {fmt(median(runs, 'rtt_per_sec'), '10.0f')} "
                    f"{fmt(median(runs, 'server_cpu_us_per_rt'), '9.2f')}")
            lines.append(f"{line}  {note(runs, 1)}".rstrip())
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("raw", type=Path)
    ap.add_argument("--models", required=True)
    ap.add_argument("--idle-models", default="")
    ap.add_argument("--conns", default="1 50 1000")
    ap.add_argument("--idle", default="0 100 1000")
    ap.add_argument("--secs", default="?")
    ap.add_argument("--runs", default="?")
    ap.add_argument("--syscalls", type=Path, help="scripts/bench/syscalls.sh's output directory")
    ap.add_argument("--conditions", type=Path, help="the run's conditions.json (machine-state.py)")
    args = ap.parse_args()

    if args.conditions:
        try:
            print(json.loads(args.conditions.read_text())["summary"])
        except (OSError, KeyError, json.JSONDecodeError) as e:
            print(f"machine conditions not recorded ({e})")

    cells = load(args.raw)
    models = args.models.split()
    for conns in (int(c) for c in args.conns.split()):
        print(f"\n== {conns} connection(s), 64-byte messages: median of {args.runs} run(s) of {args.secs} s ==")
        print("\n".join(connections_table(cells, models, conns, args.syscalls)))
    idle_models = args.idle_models.split()
    if idle_models:
        print(f"\n== 1 active connection + N idle: median of {args.runs} run(s) of {args.secs} s ==")
        print("\n".join(idle_table(cells, idle_models, [int(i) for i in args.idle.split()])))
    print()


if __name__ == "__main__":
    main()
