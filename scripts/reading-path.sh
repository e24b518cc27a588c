#!/usr/bin/env bash
# bash scripts/reading-path.sh [ROOT]: the reading path of the reactor, measured.
#
# For each step of the reading order (reactor/src/lib.rs), each file: its lines (without
# its unit-test module), and how many of them are advanced features rather than the lesson:
#   bug   the lecture's bugs (--bug): Bug, Bugs, bug_* functions
#   rec   the flight recorder (--trace): the observe(Seen::...) hook, Recorder, Callback
#   adv   the other features beside the lesson: flow control, stats, io_uring, sendfile and
#         corking, the fd reserve, --workers, the per-turn read budget, graceful shutdown
# Then the totals: the first loop; the lesson path to one turn and one echo connection in
# the real reactor, on ONE backend, select, the lecture's (the files marked lesson); poll
# and epoll, the same wait with another system call, are marked next: listed, read after
# the lesson, not counted in it; the same with the files beside it.
# ROOT defaults to this checkout (another checkout gives a before/after comparison).
# The classification is by keyword, line by line: a measure, not a proof.

set -euo pipefail
ROOT=${1:-$(cd "$(dirname "$0")/.." && pwd)}
SRC=reactor/src

# step|kind|file: kind is lesson, next (another backend: the same wait) or beside.
PATH_FILES="
0|first|reactor/examples/first_loop.rs
1|lesson|$SRC/token.rs
1|lesson|$SRC/interest.rs
1|lesson|$SRC/event.rs
2|beside|$SRC/bugs.rs
3|lesson|$SRC/backend/mod.rs
3|lesson|$SRC/backend/select.rs
3|next|$SRC/backend/poll.rs
3|next|$SRC/backend/epoll.rs
3|beside|$SRC/uring.rs
3|beside|$SRC/backend/uring.rs
5|lesson|$SRC/net/mod.rs
5|lesson|$SRC/net/stream.rs
5|lesson|$SRC/net/listener.rs
5|beside|$SRC/net/unix_listener.rs
5|beside|$SRC/net/cork.rs
5|beside|$SRC/net/blocking.rs
5|lesson|$SRC/timer.rs
5|lesson|$SRC/ctx.rs
5|lesson|$SRC/handler.rs
6|lesson|$SRC/outbox.rs
6|lesson|$SRC/conn.rs
6|lesson|$SRC/config.rs
6|beside|$SRC/signal.rs
6|beside|$SRC/fd_reserve.rs
6|beside|$SRC/shared_page.rs
6|beside|$SRC/sink.rs
6|beside|$SRC/trace.rs
7|lesson|$SRC/reactor/mod.rs
7|lesson|$SRC/reactor/read_until.rs
7|lesson|$SRC/reactor/io.rs
7|lesson|$SRC/reactor/accept.rs
7|lesson|$SRC/reactor/apply.rs
7|lesson|$SRC/reactor/close.rs
7|beside|$SRC/reactor/accept_backoff.rs
7|beside|$SRC/reactor/shutdown.rs
7|beside|$SRC/reactor/signals.rs
7|beside|$SRC/reactor/streams.rs
7|beside|$SRC/reactor/inspect.rs
7|beside|$SRC/reactor/flow.rs
7|beside|$SRC/reactor/traced.rs
"

# count FILE: "lines bug rec adv hooks" for FILE up to its top-level #[cfg(test)] module.
count() {
    awk '
        /^#\[cfg\(test\)\]/ { exit }
        {
            lines++
            if ($0 !~ /^[ \t]*\/\// && $0 ~ /observe\(/) hooks++
            if ($0 ~ /(^|[^a-z])[Bb]ugs?([^a-z]|$)|(^|[^a-z])bug_|Bug::|--bug/) bug++
            else if ($0 ~ /trace_[a-z]|self\.trace|Recorder|Callback::|OutMark|traced|observe\(|Seen::|Observer|observer/) rec++
            else if ($0 ~ /flow|[Hh]old|held|stats|Stats|[Uu]ring|sendfile|[Cc]ork|fd_reserve|FdReserve|shared_listener|one_per_wakeup|EXCLUSIVE|[Ww]orkers|MSG_MORE|pending_reads|READ_BUDGET|stopping|shutdown_grace|Shared|OverMark/) adv++
        }
        END { printf "%d %d %d %d %d\n", lines, bug, rec, adv, hooks }
    ' "$1"
}

printf '%-4s %-7s %-36s %6s %5s %5s %5s\n' step kind file lines bug rec adv
first=0
lesson=(0 0 0 0)
all=(0 0 0 0)
lesson_files=0
all_files=0
next=0
next_files=0
lesson_hooks=0
while IFS='|' read -r step kind file; do
    [[ -n $step ]] || continue
    if [[ ! -f $ROOT/$file ]]; then
        printf '%-4s %-7s %-36s %6s\n' "$step" "$kind" "$file" "(none)"
        continue
    fi
    read -r n bug rec adv hooks < <(count "$ROOT/$file")
    printf '%-4s %-7s %-36s %6d %5d %5d %5d\n' "$step" "$kind" "$file" "$n" "$bug" "$rec" "$adv"
    if [[ $kind == first ]]; then
        first=$n
        continue
    fi
    all=($((all[0] + n)) $((all[1] + bug)) $((all[2] + rec)) $((all[3] + adv)))
    all_files=$((all_files + 1))
    if [[ $kind == next ]]; then
        next=$((next + n))
        next_files=$((next_files + 1))
    fi
    if [[ $kind == lesson ]]; then
        lesson=($((lesson[0] + n)) $((lesson[1] + bug)) $((lesson[2] + rec)) $((lesson[3] + adv)))
        lesson_files=$((lesson_files + 1))
        lesson_hooks=$((lesson_hooks + ${hooks:-0}))
    fi
done <<<"$PATH_FILES"

echo
printf 'first loop:                     %5d lines (target <= 300)\n' "$first"
printf 'lesson path, real reactor, one backend (select): %d lines in %d files (target <= 1500); advanced: %d (bug %d, recorder %d, other %d)\n' \
    "${lesson[0]}" "$lesson_files" $((lesson[1] + lesson[2] + lesson[3])) "${lesson[1]}" "${lesson[2]}" "${lesson[3]}"
printf 'recorder hooks on the lesson path: %d calls of observe() (target <= 10)\n' "$lesson_hooks"
printf 'then the same wait on poll and epoll (next):     %d lines in %d files\n' "$next" "$next_files"
printf 'with poll, epoll and the files beside it:        %d lines in %d files; advanced: %d (bug %d, recorder %d, other %d)\n' \
    "${all[0]}" "$all_files" $((all[1] + all[2] + all[3])) "${all[1]}" "${all[2]}" "${all[3]}"
