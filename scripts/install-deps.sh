#!/usr/bin/env bash
# install-deps.sh — install what the test suite needs and a fresh machine lacks.
# Idempotent: on a machine that has everything it prints nothing and changes nothing.
#   strace  (strace-compare and its test)      socat (UNIX socket tests)
#   curl    (HTTP and metrics tests)           gdb   (the gdb walkthrough's test)
#   dnsmasq (dns-query tests; dnsmasq-base: the binary without a system service on port 53)
#   prometheus_client (Python: checks the /metrics exposition format)
#   ip (iproute2), ipcalc, sipcalc, dig (bind9-dnsutils): the real tools the network-basics
#   clients are compared with (net_rtnetlink, net_ipcalc_tools, net_dns tests)
#   procps, and ss from iproute2 (make demo-bug and its test)
#   slowhttptest (make soak: slowloris, slow body, slow read)
#   wrk (lab 14's grader: a few seconds of load on the student's HTTP server)
set -euo pipefail

missing=()
for tool in strace socat curl gdb slowhttptest wrk; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
[ -x /usr/sbin/dnsmasq ] || missing+=(dnsmasq-base)
command -v ip >/dev/null 2>&1 || missing+=(iproute2)
for tool in ipcalc sipcalc; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
command -v dig >/dev/null 2>&1 || missing+=(bind9-dnsutils)
# ps and ss: make demo-bug shows zombies and listeners with them (a test runs one demo).
command -v ps >/dev/null 2>&1 || missing+=(procps)
command -v ss >/dev/null 2>&1 || command -v ip >/dev/null 2>&1 || missing+=(iproute2)

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"
    elif command -v sudo >/dev/null 2>&1; then sudo "$@"
    else
        echo "install-deps: need root to run: $*" >&2
        exit 1
    fi
}

if [ ${#missing[@]} -gt 0 ]; then
    echo "install-deps: installing ${missing[*]} (apt)"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! python3 -c 'import prometheus_client' >/dev/null 2>&1; then
    echo "install-deps: installing prometheus_client (pip)"
    python3 -m pip install -q prometheus_client
fi
