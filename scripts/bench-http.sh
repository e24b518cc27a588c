#!/usr/bin/env bash
# bench-http.sh — http-server (select, poll, epoll) against nginx, with wrk, side by side.
#
# Cases: a 1 KiB and a 1 MiB file, each with keep-alive and with `Connection: close`.
# Prints req/s per case and server, and each model's ratio to nginx in the same case.
#
# Fairness (the comparison must be apples to apples):
# - Same files, from the same directory, on 127.0.0.1. Before measuring, every server is
#   checked with curl: status 200 and byte-identical bodies, with and without keep-alive.
#   A wrk run with socket errors or non-2xx answers is reported as ERR, not as a number.
# - nginx as Debian ships it where it matters here: `sendfile on; tcp_nopush on;` (the
#   defaults of Debian's nginx.conf). File caches as CACHE says (below): both on or both off.
#   Changed, to match http-server: one worker (one reactor thread);
#   the access log as LOGS says (below; http-server runs with RUST_LOG=warn, so the logger
#   writes no per-request line on stderr); `keepalive_requests` raised from its default 1000, which would make nginx close every
#   keep-alive connection after 1000 requests — http-server never does, and wrk counts the
#   reconnects against nginx.
# - Every server (nginx's one worker, each http-server) is pinned to core 0 and wrk
#   (-t1 -c50) to core 1 (taskset), on a machine with at least 2 cores. All servers are
#   started at once and the runs interleaved (case by case, server by server), so a burst of
#   other load on the machine hits them all alike; ROUNDS=3 repeats everything and reports
#   medians.
#
# Run time: ROUNDS x 4 cases x (1 + number of MODELS) x (DURATION + ~0.5 s): about 90 s with
# the defaults (ROUNDS=1, DURATION=5, three models) per access-log setting, plus the release
# build the first time.
#
# Access log (LOGS="off on", both by default, each its own table): `off` is nginx's
# `access_log off` against http-server without --access-log; `on` is nginx's default
# `access_log FILE` (combined format, one write(2) per request) against
# `http-server --access-log FILE` (combined format, buffered, one write(2) per loop turn).
#
# File caches (CACHE="on" by default; "off", or "on off" for both tables): `on` is nginx's
# `open_file_cache max=1000` (descriptors and stat results kept, trusted for
# open_file_cache_valid = 60 s) against http-server's default `--file-cache` (files up to
# 16 KiB in memory, checked with one fstatat(2) on every request: never stale); `off` is
# nginx's default (no cache) against `http-server --file-cache 0`: both open, stat and close
# the file on every request.
#
# Workers (MODE=workers): nginx `worker_processes 2` against `http-server --workers 2`
# (WORKERS=2, MODELS=epoll by default), everything unpinned: servers and wrk share the
# machine's cores, the only fair comparison on 2 cores (docs/workers.md).
#
# Installs wrk and nginx-light with apt if missing. Network: 127.0.0.1 only.
set -euo pipefail

DURATION=${DURATION:-5}
CONNS=${CONNS:-50}
ROUNDS=${ROUNDS:-1}
MODE=${MODE:-single}
LOGS=${LOGS:-"off on"}
CACHES=${CACHE:-on}
if [ "$MODE" = workers ]; then
    WORKERS=${WORKERS:-2}
    MODELS=${MODELS:-"epoll"}
else
    WORKERS=1
    MODELS=${MODELS:-"select poll epoll"}
fi
cd "$(dirname "$0")/.."
source scripts/bench-charts.sh
bench_keep_output http "$0" "$@" # tables and charts kept in target/bench/http-<time>/

need() { command -v "$1" >/dev/null 2>&1; }
if ! need wrk || ! need nginx || ! need curl; then
    echo "installing wrk, nginx-light and curl (apt)..." >&2
    apt-get install -y -qq wrk nginx-light curl >/dev/null ||
        { apt-get update -qq && apt-get install -y -qq wrk nginx-light curl >/dev/null; }
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

cargo build --release -q -p servers --bin http-server
SERVER=target/release/http-server

WORK=$(mktemp -d /tmp/bench-http.XXXXXX)
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

FILES="1k.bin 1m.bin"
MODES="keepalive close"
mkdir -p "$WORK/www" "$WORK/nginx"
chmod 755 "$WORK" "$WORK/www" # nginx's worker (as root: user nobody) must be able to read the files
head -c 1024 /dev/urandom >"$WORK/www/1k.bin"
head -c $((1024 * 1024)) /dev/urandom >"$WORK/www/1m.bin"
chmod 644 "$WORK/www/"*

# Core pinning: servers on core 0, wrk on core 1 (on a single core, or with workers, none).
if [ "$(nproc)" -ge 2 ] && [ "$MODE" != workers ]; then SRV_PIN="taskset -c 0"; WRK_PIN="taskset -c 1"; else SRV_PIN=""; WRK_PIN=""; fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

wait_port() {
    for _ in $(seq 50); do
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        sleep 0.1
    done
    echo "server on port $1 did not start" >&2
    return 1
}

start_nginx() {
    local port=$1
    cat >"$WORK/nginx/nginx.conf" <<CONF
worker_processes $WORKERS;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 1024; }
http {
    $NGINX_LOG
    $NGINX_CACHE
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    client_body_temp_path $WORK/nginx/body;
    proxy_temp_path $WORK/nginx/proxy;
    fastcgi_temp_path $WORK/nginx/fastcgi;
    uwsgi_temp_path $WORK/nginx/uwsgi;
    scgi_temp_path $WORK/nginx/scgi;
    default_type application/octet-stream;
    server {
        listen 127.0.0.1:$port;
        root $WORK/www;
    }
}
CONF
    $SRV_PIN "$NGINX" -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" &
    PIDS+=($!)
    wait_port "$port"
}

start_http_server() {
    local model=$1 port=$2
    local extra=()
    [ "$LOG" = on ] && extra+=(--access-log "$WORK/http-server-$model.log")
    [ "$FILE_CACHE" = off ] && extra+=(--file-cache 0)
    [ "$MODE" = workers ] && extra+=(--workers "$WORKERS")
    RUST_LOG=warn $SRV_PIN "$SERVER" --model "$model" --root "$WORK/www" --listen "127.0.0.1:$port" "${extra[@]}" >/dev/null &
    PIDS+=($!)
    wait_port "$port"
}

# Every file, with and without keep-alive: 200 and the exact bytes, or the bench stops.
check_server() {
    local server=$1 port=$2 file code
    for file in $FILES; do
        for header in "Connection: keep-alive" "Connection: close"; do
            code=$(curl -s -o "$WORK/got" -w '%{http_code}' -H "$header" "http://127.0.0.1:$port/$file")
            if [ "$code" != 200 ] || ! cmp -s "$WORK/got" "$WORK/www/$file"; then
                echo "$server: GET /$file ($header) gave status $code or wrong bytes" >&2
                exit 1
            fi
        done
    done
}

# wrk's Requests/sec for one case; a run with socket errors or non-2xx answers is "ERR".
run_wrk() {
    local port=$1 file=$2 mode=$3 out
    local header=()
    [ "$mode" = close ] && header=(-H "Connection: close")
    out=$($WRK_PIN wrk -t1 -c"$CONNS" -d"${DURATION}s" "${header[@]}" "http://127.0.0.1:$port/$file" 2>&1)
    if grep -qE "Non-2xx|Socket errors" <<<"$out"; then
        echo "$out" >&2
        echo ERR
    else
        awk '/Requests\/sec/ {print $2}' <<<"$out"
    fi
}

# The median of the numbers given (ERR if any run failed).
median() {
    tr ' ' '\n' | grep -v '^$' | sort -n | awk '
        /ERR/ { err = 1 } { v[NR] = $1 }
        END { if (err || NR == 0) print "ERR"; else print v[int((NR + 1) / 2)] }'
}

SERVERS="nginx $MODELS"

# Stop the servers of one log setting (nginx's worker processes go with their master).
stop_servers() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    PIDS=()
}

# One table: start every server with access log $LOG, check them, measure, print.
bench_log_setting() {
if [ "$LOG" = on ]; then NGINX_LOG="access_log $WORK/nginx/access.log;"; else NGINX_LOG="access_log off;"; fi
if [ "$FILE_CACHE" = on ]; then NGINX_CACHE="open_file_cache max=1000;"; else NGINX_CACHE=""; fi
declare -A PORT RUNS
for server in $SERVERS; do
    PORT[$server]=$(free_port)
    if [ "$server" = nginx ]; then start_nginx "${PORT[$server]}"; else start_http_server "$server" "${PORT[$server]}"; fi
    check_server "$server" "${PORT[$server]}"
done
echo "all servers answer 200 with the same bytes; measuring ($ROUNDS round(s) of ${DURATION}s runs)" >&2

for round in $(seq "$ROUNDS"); do
    for file in $FILES; do
        for mode in $MODES; do
            for server in $SERVERS; do
                rps=$(run_wrk "${PORT[$server]}" "$file" "$mode")
                RUNS[$server,$file,$mode]+="$rps "
                echo "  round $round: $server $file $mode: $rps req/s" >&2
            done
        done
    done
done

echo
echo "== access log $LOG, file caches $FILE_CACHE, worker processes $WORKERS =="
printf '%-22s' "case"
for server in $SERVERS; do printf '%18s' "$server"; done
echo
for file in $FILES; do
    for mode in $MODES; do
        printf '%-22s' "$file $mode"
        base=$(median <<<"${RUNS[nginx,$file,$mode]}")
        for server in $SERVERS; do
            rps=$(median <<<"${RUNS[$server,$file,$mode]}")
            if [ "$server" = nginx ]; then
                printf '%18s' "$rps"
            else
                ratio=$(awk -v a="$rps" -v b="$base" 'BEGIN { if (b > 0 && a > 0) printf "%.2fx", a / b; else print "n/a" }')
                printf '%18s' "$rps ($ratio)"
            fi
        done
        echo
    done
done
echo
echo "req/s from wrk -t1 -c$CONNS -d${DURATION}s (median of $ROUNDS); (ratio) = http-server / nginx in the same case."
if [ -n "$SRV_PIN" ]; then where="servers on core 0, wrk on core 1"; else where="unpinned: servers and wrk share the cores"; fi
echo "access log: $LOG; file caches: $FILE_CACHE (nginx open_file_cache / http-server --file-cache); worker processes: $WORKERS; $where."
stop_servers
}

for FILE_CACHE in $CACHES; do
    for LOG in $LOGS; do
        echo "== access log $LOG, file caches $FILE_CACHE ==" >&2
        bench_log_setting
    done
done
