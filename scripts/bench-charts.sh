# bench-charts.sh — sourced by the bench scripts: draw their results as SVG charts.
#
#   bench_charts KIND INPUT OUTDIR   run `bench-charts` (timeline crate, plotters' SVG
#                                    backend) on a finished run; a chart that cannot be drawn
#                                    is reported, never fails the benchmark itself
#   bench_keep_output KIND SCRIPT ARGS...
#                                    for scripts that print their tables: run SCRIPT again
#                                    with its stdout kept in target/bench/KIND-<time>/tables.txt,
#                                    then chart it there, and exit with SCRIPT's status
#
# Charts carry the machine (CPU, kernel) and the date in their footer.

BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

bench_charts() {
    local kind=$1 input=$2 out=$3 bin=$BENCH_ROOT/target/release/bench-charts
    if ! (cd "$BENCH_ROOT" && cargo build --release -q -p timeline --bin bench-charts) >&2; then
        echo "bench: charts skipped (bench-charts did not build)" >&2
        return 0
    fi
    echo "bench: charts:" >&2
    "$bin" "$kind" "$input" --out "$out" >&2 || echo "bench: no charts drawn from $input" >&2
}

bench_keep_output() {
    [[ -z ${BENCH_KEEP_INNER:-} ]] || return 0 # already inside: carry on with the script
    local kind=$1 script=$BENCH_ROOT/scripts/${2##*/} dir rc
    shift 2
    dir=$BENCH_ROOT/target/bench/$kind-$(date +%Y%m%d-%H%M%S)
    mkdir -p "$dir"
    set +e
    BENCH_KEEP_INNER=1 bash "$script" "$@" | tee "$dir/tables.txt"
    rc=${PIPESTATUS[0]}
    set -e
    echo "bench: tables kept in $dir/tables.txt" >&2
    [[ $rc -ne 0 ]] || bench_charts "$kind" "$dir/tables.txt" "$dir"
    exit "$rc"
}
