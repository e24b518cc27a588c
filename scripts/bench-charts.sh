# bench-charts.sh — sourced by the bench scripts: draw their results as SVG charts.
#
#   bench_charts KIND INPUT OUTDIR   run `bench-charts` (timeline crate, plotters' SVG
#                                    backend) on a finished run; a chart that cannot be drawn
#                                    is reported, never fails the benchmark itself
#   bench_keep_output KIND SCRIPT ARGS...
#                                    for scripts that print their tables: run SCRIPT again
#                                    with its stdout kept in target/bench/KIND-<time>/tables.txt,
#                                    then chart it there, and exit with SCRIPT's status
#   bench_conditions start|end DIR   sample how busy the machine is (load average, steal,
#                                    the other busy processes: scripts/bench/machine-state.py)
#                                    into DIR/machine-start.json or machine-end.json; at the
#                                    end, DIR/conditions.json holds both and the verdict
#
# Charts carry the machine (CPU, kernel) and the date in their footer, and on a second line
# how busy the machine was (DIR/conditions.json), so a chart from a busy run says so.
# BENCH_OUT=DIR makes bench_keep_output (and scripts/bench.sh) write into DIR.

BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

bench_charts() {
    local kind=$1 input=$2 out=$3 bin=$BENCH_ROOT/target/release/bench-charts
    if ! (cd "$BENCH_ROOT" && cargo build --release -q -p timeline --bin bench-charts) >&2; then
        echo "bench: charts skipped (bench-charts did not build)" >&2
        return 0
    fi
    echo "bench: charts:" >&2
    local cond=()
    [[ -f $out/conditions.json ]] && cond=(--conditions "$out/conditions.json")
    "$bin" "$kind" "$input" --out "$out" "${cond[@]}" >&2 || echo "bench: no charts drawn from $input" >&2
}

bench_conditions() {
    local when=$1 dir=$2 state=$BENCH_ROOT/scripts/bench/machine-state.py
    mkdir -p "$dir"
    python3 "$state" sample 1 >"$dir/machine-$when.json" ||
        { echo "bench: could not sample the machine's load" >&2; return 0; }
    [[ $when == end && -f $dir/machine-start.json ]] || return 0
    python3 "$state" verdict "$dir/machine-start.json" "$dir/machine-end.json" >"$dir/conditions.json" || return 0
    echo "bench: $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"])' "$dir/conditions.json")" >&2
}

bench_keep_output() {
    [[ -z ${BENCH_KEEP_INNER:-} ]] || return 0 # already inside: carry on with the script
    local kind=$1 script=$BENCH_ROOT/scripts/${2##*/} dir rc
    shift 2
    dir=${BENCH_OUT:-$BENCH_ROOT/target/bench/$kind-$(date +%Y%m%d-%H%M%S)}
    mkdir -p "$dir"
    bench_conditions start "$dir"
    set +e
    BENCH_KEEP_INNER=1 bash "$script" "$@" | tee "$dir/tables.txt"
    rc=${PIPESTATUS[0]}
    set -e
    bench_conditions end "$dir"
    echo "bench: tables kept in $dir/tables.txt" >&2
    [[ $rc -ne 0 ]] || bench_charts "$kind" "$dir/tables.txt" "$dir"
    exit "$rc"
}
