#!/usr/bin/env python3
"""System calls per round trip from two `strace -f -c` summaries (scripts/bench/syscalls.sh).

`count R1 R2`: R1 and R2 are strace -c outputs of runs of R and 2R round trips per connection
(each with the loadgen report beside it, R1.json and R2.json). The difference of the counts,
divided by the difference of round trips, is what the round trips alone cost: start-up,
connects and shutdown cancel out. Prints one JSON object: per_rt (all calls), by_name
{syscall: [calls per rt, errors per rt]}, round_trips.
`show FILE`: one human line from such a JSON object.
"""

import json
import sys


def parse_strace_c(path):
    """{syscall: (calls, errors)} from a `strace -c` table."""
    counts = {}
    with open(path) as f:
        for line in f:
            cols = line.split()
            if len(cols) < 5 or not cols[0][0].isdigit() or cols[-1] == "total":
                continue
            # % time, seconds, usecs/call, calls, [errors], syscall
            calls = int(cols[3])
            errors = int(cols[4]) if len(cols) == 6 else 0
            counts[cols[-1]] = (calls, errors)
    return counts


def round_trips(path):
    with open(path + ".json") as f:
        return json.load(f)["round_trips"]


def count(r1, r2):
    a, b = parse_strace_c(r1), parse_strace_c(r2)
    rts = round_trips(r2) - round_trips(r1)
    if rts <= 0:
        return {"error": "the longer run did not complete more round trips", "round_trips": rts}
    by_name = {}
    for name in sorted(set(a) | set(b)):
        calls = b.get(name, (0, 0))[0] - a.get(name, (0, 0))[0]
        errors = b.get(name, (0, 0))[1] - a.get(name, (0, 0))[1]
        if calls > 0:
            by_name[name] = [round(calls / rts, 4), round(max(errors, 0) / rts, 4)]
    # A call made fewer times in the longer run (a wait that happened to batch more events)
    # is timing, not cost: the total sums the calls that grew.
    total = sum(calls for calls, _ in by_name.values())
    return {"per_rt": round(total, 3), "round_trips": rts, "by_name": by_name}


def show(path):
    with open(path) as f:
        data = json.load(f)
    if "per_rt" not in data:
        return data.get("error", "no data")
    parts = []
    for name, (calls, errors) in sorted(data["by_name"].items(), key=lambda kv: -kv[1][0]):
        if calls >= 0.01:
            parts.append(f"{name} {calls:g}" + (f" ({errors:g} failed)" if errors >= 0.01 else ""))
    return f"{data['per_rt']:.2f} per round trip: " + ", ".join(parts)


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "count":
        print(json.dumps(count(sys.argv[2], sys.argv[3])))
    elif len(sys.argv) == 3 and sys.argv[1] == "show":
        print(show(sys.argv[2]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
