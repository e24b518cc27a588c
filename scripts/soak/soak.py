#!/usr/bin/env python3
"""soak.py — the reliability campaign of issue 10, against the built servers, on loopback.

Each scenario starts a fresh server (port 0), attacks it in one way for a bounded time, then
checks the outcome the issue demands: still served, nothing lost, RSS and descriptors
bounded, no zombie, exit 0 on SIGTERM. One table at the end (printed, and written as
Markdown for docs/). Usage:

    soak.py [--short] [--server NAME] [--model M] [--scenario S] [--bin-dir DIR] [--out FILE]

--short runs the subset `make test` runs (see SHORT) at small sizes; with filters, it runs
the rows they select at small sizes. Exit status 1 if any row failed.
"""
import argparse
import os
import shutil
import sys
import tempfile
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import scen_chat  # noqa: E402
import scen_common  # noqa: E402
import scen_echo  # noqa: E402
import scen_files  # noqa: E402
import scen_http  # noqa: E402
import scen_metrics  # noqa: E402
from checks import Checks, Ctx, make_site  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ALL = ["iterative", "fork", "thread", "select", "poll", "epoll"]
CONCURRENT = ALL[1:]  # scenarios with many clients at once mean nothing under iterative

# scenario name -> (function, models it applies to)
COMMON = {
    "churn": (scen_common.churn, ALL),
    "sigterm": (scen_common.sigterm, ALL),
    "nofile-64": (scen_common.nofile, CONCURRENT),
}
MATRIX = {
    "echo-server": (ALL, {**COMMON, "no-read": (scen_echo.no_read, ALL),
                          "full-disk": (scen_files.full_disk, ALL)}),
    "chat-server": (CONCURRENT, {**COMMON,
                                 "burst-3000": (scen_chat.burst, CONCURRENT),
                                 "flood-200": (scen_chat.flood, CONCURRENT),
                                 "control-chars": (scen_chat.control_chars, CONCURRENT)}),
    "http-server": (ALL, {**COMMON,
                          "silent": (scen_http.silent, CONCURRENT),
                          "blank-lines": (scen_http.blank_lines, CONCURRENT),
                          "slowloris": (lambda c: scen_http.slow(c, "slowloris"), CONCURRENT),
                          "slow-body": (lambda c: scen_http.slow(c, "slow-body"), CONCURRENT),
                          "slow-read": (lambda c: scen_http.slow(c, "slow-read"), CONCURRENT),
                          "stale-cache": (scen_files.stale_cache, ALL),
                          "truncate-load": (scen_files.truncate_load, ALL),
                          "full-disk": (scen_files.full_disk, ALL)}),
    "metrics-server": (["thread", "select", "poll", "epoll"], {**COMMON,
                                                              "scrapers-300": (scen_metrics.non_readers, CONCURRENT),
                                                              "slow-scrapers": (scen_metrics.slow_scrapers, CONCURRENT),
                                                              "stalled-16": (scen_metrics.stalled_scrapers, CONCURRENT)}),
}

# What `make test` runs (small sizes): rows that pass before the fixes of issue 10. Once the
# fixes are merged, add the defect rows listed in tests/tests/soak_short.rs.
SHORT = [
    ("echo-server", "epoll", "churn"), ("echo-server", "fork", "churn"), ("echo-server", "thread", "sigterm"),
    ("echo-server", "poll", "no-read"),
    ("http-server", "epoll", "churn"), ("http-server", "thread", "sigterm"),
    ("chat-server", "epoll", "burst-3000"), ("chat-server", "select", "churn"),
    ("metrics-server", "epoll", "churn"), ("metrics-server", "thread", "sigterm"),
    ("echo-server", "select", "nofile-64"), ("chat-server", "epoll", "nofile-64"),
    ("http-server", "poll", "slowloris"), ("metrics-server", "epoll", "slow-scrapers"),
    # The defects of issue 10, each at a size that showed it before its fix:
    ("chat-server", "thread", "burst-3000"), ("chat-server", "fork", "flood-200"),
    ("chat-server", "thread", "nofile-64"), ("chat-server", "poll", "control-chars"),
    ("metrics-server", "epoll", "scrapers-300"), ("metrics-server", "thread", "slow-scrapers"),
    ("http-server", "epoll", "silent"), ("http-server", "thread", "blank-lines"),
    ("http-server", "epoll", "nofile-64"),
]


def plan(args):
    rows = []
    for server, (models, scenarios) in MATRIX.items():
        for scenario, (function, applies) in scenarios.items():
            for model in models:
                if model not in applies:
                    continue
                filtered = args.server or args.model or args.scenario
                if args.short and not filtered and (server, model, scenario) not in SHORT:
                    continue  # with filters, --short only means "small sizes"
                if (args.server and server not in args.server) or (args.model and model not in args.model) \
                        or (args.scenario and scenario not in args.scenario):
                    continue
                rows.append((server, model, scenario, function))
    return rows


def run_one(ctx, function):
    try:
        return function(ctx)
    except Exception as e:  # a scenario that cannot even run is a failure, with its reason
        checks = Checks()
        checks.require(False, f"scenario error: {e}")
        if os.environ.get("SOAK_DEBUG"):
            traceback.print_exc()
        return checks


def table(results):
    lines = ["| server | model | scenario | result | figures |", "|---|---|---|---|---|"]
    for server, model, scenario, checks, took in results:
        verdict = "PASS" if checks.passed else "**FAIL**: " + "; ".join(checks.broken)
        lines.append(f"| {server} | {model} | {scenario} | {verdict} | {'; '.join(checks.figures)} ({took:.0f}s) |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--short", action="store_true", help="the subset make test runs")
    parser.add_argument("--server", action="append", help="only this server (repeatable)")
    parser.add_argument("--model", action="append", help="only this model (repeatable)")
    parser.add_argument("--scenario", action="append", help="only this scenario (repeatable)")
    parser.add_argument("--bin-dir", default=os.path.join(ROOT, "target", "debug"))
    parser.add_argument("--out", default=os.path.join(ROOT, "target", "soak", "table.md"))
    args = parser.parse_args()
    for server in MATRIX:
        if not os.access(os.path.join(args.bin_dir, server), os.X_OK):
            sys.exit(f"soak: {args.bin_dir}/{server} missing: build first (cargo build --workspace --bins)")
    rows = plan(args)
    if not rows:
        sys.exit("soak: no scenario matches the filters")
    workdir = tempfile.mkdtemp(prefix="soak-")
    site = make_site(workdir)
    results, started = [], time.monotonic()
    for server, model, scenario, function in rows:
        t0 = time.monotonic()
        checks = run_one(Ctx(args.bin_dir, server, model, args.short, workdir, site), function)
        took = time.monotonic() - t0
        results.append((server, model, scenario, checks, took))
        mark = "PASS" if checks.passed else "FAIL"
        print(f"soak: {server:15} {model:9} {scenario:14} {mark} ({took:.0f}s) {'; '.join(checks.broken)}",
              flush=True)
    failed = sum(1 for r in results if not r[3].passed)
    summary = (f"{len(results) - failed} passed, {failed} failed in {time.monotonic() - started:.0f}s "
               f"({'short' if args.short else 'full'} run, logs in {workdir})")
    text = table(results)
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        f.write(text + "\n\n" + summary.split(" (")[0] + "\n")
    print("\n" + text + "\n")
    shutil.rmtree(site, ignore_errors=True)
    if not failed:  # keep the servers' logs only when there is something to read in them
        shutil.rmtree(workdir, ignore_errors=True)
        summary = summary.replace(f", logs in {workdir}", "")
    print(f"soak: {summary}; table written to {args.out}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
