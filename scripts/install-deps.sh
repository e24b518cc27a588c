#!/usr/bin/env bash
# install-deps.sh — install what the test suite needs and a fresh machine lacks.
# Idempotent: on a machine that has everything it prints nothing, changes nothing, and needs
# neither the network nor root.
#   strace  (strace-compare and its test)      socat (UNIX socket tests)
#   curl    (HTTP and metrics tests)           gdb   (the gdb walkthrough's test)
#   dnsmasq (dns-query tests; dnsmasq-base: the binary without a system service on port 53)
#   prometheus_client (Python: checks the /metrics exposition format)
#   ip (iproute2), ipcalc, sipcalc, dig (bind9-dnsutils): the real tools the network-basics
#   clients are compared with (net_rtnetlink, net_ipcalc_tools, net_dns tests)
#   procps, and ss from iproute2 (make demo-bug and its test)
#   slowhttptest (make soak: slowloris, slow body, slow read)
#   wrk (lab 14's grader: a few seconds of load on the student's HTTP server)
#
# How each is installed:
#   - as root, with apt: every Debian package that is missing, Python's prometheus_client
#     included (python3-prometheus-client, for Debian's own /usr/bin/python3);
#   - without root, when something is missing: the one `sudo apt-get install ...` line an
#     administrator must run is printed, and the script exits 1;
#   - a Python that is not Debian's (no /usr/bin/python3 from dpkg: another distribution)
#     gets the module in a virtual environment of this project, target/venv, never from a
#     system-wide `pip install` (Debian's Python refuses those: PEP 668,
#     "externally-managed-environment").
#
# Which Python the tests use (tests::python_with, tests/src/python.rs, follows the same order):
#   target/venv/bin/python3 if it exists, else /usr/bin/python3, else python3 on PATH.
# Not simply the first python3 on PATH: that may be a pyenv or conda interpreter of the user's
# whose modules are not the ones this script installed.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
target=${CARGO_TARGET_DIR:-$repo/target}
venv=$target/venv

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

# The interpreter the tests will run, in the order given above.
pick_python() {
    if [ -x "$venv/bin/python3" ]; then echo "$venv/bin/python3"
    elif [ -x /usr/bin/python3 ]; then echo /usr/bin/python3
    else command -v python3 || echo python3
    fi
}

# Debian's own interpreter takes its modules from apt; any other from our virtual environment.
is_debian_python() {
    [ "$1" = /usr/bin/python3 ] && command -v dpkg >/dev/null 2>&1 && dpkg -S /usr/bin/python3 >/dev/null 2>&1
}

python=$(pick_python)
python_venv=no
if ! "$python" -c 'import prometheus_client' >/dev/null 2>&1; then
    if is_debian_python "$python"; then
        missing+=(python3-prometheus-client)
    else
        python_venv=yes
    fi
fi

is_root() { [ "$(id -u)" -eq 0 ]; }

if [ ${#missing[@]} -gt 0 ]; then
    if ! is_root; then
        echo "install-deps: missing ${missing[*]}; an administrator must run:" >&2
        echo "    sudo apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "install-deps: missing ${missing[*]} and no apt-get: install them with this system's package manager" >&2
        exit 1
    fi
    echo "install-deps: installing ${missing[*]} (apt)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# A Python that is not Debian's: prometheus_client in target/venv, made from that Python
# (PyPI is needed once; nothing outside target/ is written).
if [ "$python_venv" = yes ]; then
    echo "install-deps: $python lacks prometheus_client: installing it in $venv (python -m venv, pip)"
    rm -rf "$venv"
    if ! "$python" -m venv "$venv"; then
        echo "install-deps: $python cannot make a virtual environment (on Debian: sudo apt-get install -y python3-venv)" >&2
        exit 1
    fi
    "$venv/bin/python3" -m pip install -q prometheus_client
fi
