#!/usr/bin/env python3
"""Was the machine quiet? One sample of what else is running, for the bench scripts.

    machine-state.py sample [SECS]          one JSON object on stdout
    machine-state.py verdict START END      both samples → conditions JSON (with "quiet")
    machine-state.py check CONDITIONS.json  exit 0 if that run was quiet, 1 (and why) if not

A sample watches /proc for SECS seconds (default 1) while the benchmark's own processes are
not running (before the first server starts, after the last one stopped): the load average,
the CPU time stolen by the hypervisor (/proc/stat `steal`), the CPU used by every process
over the window (/proc/PID/stat utime+stime), and the busiest of them by name.

A run is *quiet* when, at its start and at its end, the other processes used less than
QUIET_CPU_PCT of one CPU in all, steal was under QUIET_STEAL_PCT of the machine, and at the
start the 1-minute load average was under QUIET_LOAD per CPU (at the end the benchmark's own
load is still in it, so it is recorded, not judged). A chart drawn from a busy run shows a
busy machine's shapes: `make charts-for-readme` refuses to publish it.
"""

import json
import os
import sys
import time

QUIET_CPU_PCT = 10.0  # % of one CPU, all other processes together
QUIET_STEAL_PCT = 1.0  # % of the whole machine
QUIET_LOAD = 0.3  # 1-minute load average per CPU, at the start
TICK = os.sysconf("SC_CLK_TCK")


def cpu_line():
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    # user nice system idle iowait irq softirq steal ...
    return sum(fields[:8]), fields[7] if len(fields) > 7 else 0


def processes():
    out = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                text = f.read()
        except OSError:
            continue
        comm = text[text.index("(") + 1:text.rindex(")")]
        fields = text.rsplit(")", 1)[1].split()
        out[int(name)] = (comm, int(fields[11]) + int(fields[12]))  # utime + stime
    return out


def sample(secs):
    me = os.getpid()
    total0, steal0 = cpu_line()
    procs0 = processes()
    time.sleep(secs)
    total1, steal1 = cpu_line()
    procs1 = processes()
    used = []
    for pid, (comm, ticks) in procs1.items():
        if pid == me or pid not in procs0:
            continue
        pct = (ticks - procs0[pid][1]) / TICK / secs * 100
        if pct >= 0.5:
            used.append((pct, comm, pid))
    used.sort(reverse=True)
    with open("/proc/loadavg") as f:
        load = [float(x) for x in f.read().split()[:3]]
    return {
        "time": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
        "cpus": os.cpu_count(),
        "loadavg": load,
        "others_cpu_pct": round(sum(p for p, _, _ in used), 1),
        "steal_pct": round((steal1 - steal0) / max(total1 - total0, 1) * 100, 2),
        "busiest": [{"comm": c, "pid": p, "cpu_pct": round(pct, 1)} for pct, c, p in used[:5]],
    }


def reasons(start, end):
    why = []
    for when, s in (("start", start), ("end", end)):
        if s["others_cpu_pct"] >= QUIET_CPU_PCT:
            why.append(f"other processes used {s['others_cpu_pct']:.0f} % of a CPU at the {when}")
        if s["steal_pct"] >= QUIET_STEAL_PCT:
            why.append(f"steal {s['steal_pct']:.1f} % at the {when}")
    if start["loadavg"][0] >= QUIET_LOAD * start["cpus"]:
        why.append(f"load average {start['loadavg'][0]:.2f} at the start")
    return why


def summary(start, end, why):
    busiest = ", ".join(f"{b['comm']} {b['cpu_pct']:.0f} %" for b in (start["busiest"] + end["busiest"])[:3])
    figures = (f"load {start['loadavg'][0]:.2f} → {end['loadavg'][0]:.2f}, other processes "
               f"{start['others_cpu_pct']:.0f} % → {end['others_cpu_pct']:.0f} % of a CPU, steal "
               f"{max(start['steal_pct'], end['steal_pct']):.1f} %")
    if not why:
        return f"quiet run: {figures}"
    return f"BUSY machine, figures unreliable: {figures}" + (f" ({busiest})" if busiest else "")


def main(argv):
    if len(argv) >= 1 and argv[0] == "sample":
        print(json.dumps(sample(float(argv[1]) if len(argv) > 1 else 1.0)))
    elif len(argv) == 3 and argv[0] == "verdict":
        start, end = (json.loads(open(p).read()) for p in argv[1:])
        why = reasons(start, end)
        print(json.dumps({"quiet": not why, "why": why, "summary": summary(start, end, why),
                          "thresholds": {"others_cpu_pct": QUIET_CPU_PCT, "steal_pct": QUIET_STEAL_PCT,
                                         "load_per_cpu_at_start": QUIET_LOAD},
                          "start": start, "end": end}, indent=1))
    elif len(argv) == 2 and argv[0] == "check":
        try:
            cond = json.loads(open(argv[1]).read())
        except (OSError, json.JSONDecodeError) as e:
            print(f"no conditions recorded ({e})", file=sys.stderr)
            return 1
        if not cond.get("quiet"):
            print("; ".join(cond.get("why") or ["not recorded as quiet"]), file=sys.stderr)
            return 1
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
