#!/usr/bin/env bash
# bench-http.sh — http-server (select, poll, epoll) against nginx, with wrk, side by side.
#
# Cases: a 1 KiB and a 1 MiB file, each with keep-alive and with `Connection: close`.
# Every server serves the same files from the same temp dir on loopback, with access logs
# off (nginx: access_log off; http-server: RUST_LOG=warn). The servers run pinned to one
# core and wrk (-t1 -c50) to the other (taskset), one server at a time.
#
# Run time: 4 cases x 4 servers x (DURATION + ~1 s) ≈ 100 s with the default DURATION=5,
# plus the release build the first time. Installs wrk and nginx-light with apt if missing.
# Network: 127.0.0.1 only.
set -euo pipefail

DURATION=${DURATION:-5}
CONNS=${CONNS:-50}
MODELS=${MODELS:-"select poll epoll"}
cd "$(dirname "$0")/.."

need() { command -v "$1" >/dev/null 2>&1; }
if ! need wrk || ! need nginx; then
    echo "installing wrk and nginx-light (apt)..." >&2
    apt-get install -y -qq wrk nginx-light >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk nginx-light >/dev/null; }
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

mkdir -p "$WORK/www" "$WORK/nginx"
chmod 755 "$WORK" "$WORK/www" # nginx's worker runs as www-data: it must be able to read the files
head -c 1024 /dev/urandom >"$WORK/www/1k.bin"
head -c $((1024 * 1024)) /dev/urandom >"$WORK/www/1m.bin"
chmod 644 "$WORK/www/"*

# Core pinning: server on core 0, wrk on core 1 (on a single core, no pinning).
if [ "$(nproc)" -ge 2 ]; then SRV_PIN="taskset -c 0"; WRK_PIN="taskset -c 1"; else SRV_PIN=""; WRK_PIN=""; fi

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
worker_processes 1;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
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
    RUST_LOG=warn $SRV_PIN "$SERVER" --model "$model" --root "$WORK/www" --listen "127.0.0.1:$port" >/dev/null &
    PIDS+=($!)
    wait_port "$port"
}

stop_last() {
    local pid=${PIDS[-1]}
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    unset 'PIDS[-1]'
}

# wrk's Requests/sec for one case; a run with error responses is reported as "ERR".
run_wrk() {
    local port=$1 file=$2 mode=$3 out
    local header=()
    [ "$mode" = close ] && header=(-H "Connection: close")
    out=$($WRK_PIN wrk -t1 -c"$CONNS" -d"${DURATION}s" "${header[@]}" "http://127.0.0.1:$port/$file" 2>&1)
    if grep -q "Non-2xx" <<<"$out"; then
        echo "$out" >&2
        echo ERR
    else
        awk '/Requests\/sec/ {print $2}' <<<"$out"
    fi
}

SERVERS="nginx $MODELS"
declare -A RPS
for server in $SERVERS; do
    port=$(free_port)
    if [ "$server" = nginx ]; then start_nginx "$port"; else start_http_server "$server" "$port"; fi
    for file in 1k.bin 1m.bin; do
        for mode in keepalive close; do
            RPS[$server,$file,$mode]=$(run_wrk "$port" "$file" "$mode")
            echo "  $server $file $mode: ${RPS[$server,$file,$mode]} req/s" >&2
        done
    done
    stop_last
done

echo
printf '%-22s' "case"
for server in $SERVERS; do printf '%18s' "$server"; done
echo
for file in 1k.bin 1m.bin; do
    for mode in keepalive close; do
        printf '%-22s' "$file $mode"
        base=${RPS[nginx,$file,$mode]:-0}
        for server in $SERVERS; do
            rps=${RPS[$server,$file,$mode]:-0}
            if [ "$server" = nginx ]; then
                printf '%18s' "$rps"
            else
                ratio=$(awk -v a="$rps" -v b="$base" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "n/a" }')
                printf '%18s' "$rps ($ratio)"
            fi
        done
        echo
    done
done
echo
echo "req/s from wrk -t1 -c$CONNS -d${DURATION}s; (ratio) = http-server / nginx in the same case."
