//! What a run measures: the clock (warmup, measured window, deadline), the latency
//! histogram, the errors by reason, and the once-per-second progress line.
//!
//! Kept apart from the event loop so the loop reads as "wait, dispatch, repeat" and the
//! bookkeeping rules (which round trips count, which errors are logged) sit in one place.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use crate::conn::{ConnError, Role, RoundSink};
use crate::histogram::Histogram;

/// Errors logged in full on stderr; later ones only counted, so 1000 failing connections
/// do not drown the report.
const LOGGED_ERRORS: u64 = 5;

/// The clock of the run and the figures it collects; handed to connections as their sink.
pub struct Recorder {
    /// Round trips completing before this are warmup: run, but not counted.
    pub measure_from: Instant,
    /// The deadline: no round starts or counts after it.
    pub end: Instant,
    pub histogram: Histogram,
    /// Round trips in the whole run, warmup included (for the progress line).
    pub all_rounds: u64,
    /// `--rounds N`: round trips each active connection still has to do (indexed by
    /// connection id; idle connections are never asked). Empty: run until the deadline.
    rounds_left: Vec<u64>,
    /// Active connections that have done their `--rounds`: the run ends when all have.
    done_conns: u32,
    /// Active connections (what `done_conns` must reach); 0 without `--rounds`.
    active: u32,
}

impl Recorder {
    pub fn new(start: Instant, warmup: Duration, duration: Duration) -> Recorder {
        let measure_from = start + warmup;
        Recorder {
            measure_from,
            end: measure_from + duration,
            histogram: Histogram::new(),
            all_rounds: 0,
            rounds_left: Vec::new(),
            done_conns: 0,
            active: 0,
        }
    }

    /// `--rounds N`: each of `active` connections stops after `n` round trips. Connection ids
    /// count the `idle` connections first, then the active ones, so the table covers both.
    pub fn limit_rounds(&mut self, rounds: Option<u64>, idle: u32, active: u32) {
        if let Some(n) = rounds {
            self.rounds_left = vec![n; idle as usize + active as usize];
            self.active = active;
        }
    }

    /// Every active connection has done its `--rounds`.
    pub fn all_done(&self) -> bool {
        self.active > 0 && self.done_conns >= self.active
    }

    /// Count one round trip of `conn` against its `--rounds`; false once it has done them all.
    fn take_round(&mut self, conn: usize) -> bool {
        let Some(left) = self.rounds_left.get_mut(conn) else {
            return true; // no --rounds
        };
        *left = left.saturating_sub(1);
        if *left == 0 {
            self.done_conns += 1;
            return false;
        }
        true
    }
}

impl RoundSink for Recorder {
    fn may_start(&self) -> bool {
        Instant::now() < self.end
    }

    fn round_trip(&mut self, conn: usize, started: Instant, done: Instant) -> bool {
        self.all_rounds += 1;
        if done >= self.measure_from && done < self.end {
            let ns = done.duration_since(started).as_nanos();
            self.histogram.record(u64::try_from(ns).unwrap_or(u64::MAX));
        }
        self.take_round(conn) && done < self.end
    }
}

/// Errors by reason, as the report shows them.
#[derive(Default)]
pub struct ErrorTally {
    pub kinds: BTreeMap<String, u64>,
    pub total: u64,
    /// Broken echoes among them: they make the run exit with status 1.
    pub verification: u64,
}

impl ErrorTally {
    pub fn record(&mut self, conn: usize, role: Role, err: &ConnError) {
        let prefix = if role == Role::Idle { "idle " } else { "" };
        *self.kinds.entry(format!("{prefix}{}", err.kind())).or_insert(0) += 1;
        self.total += 1;
        if err.is_verification() {
            self.verification += 1;
        }
        if self.total <= LOGGED_ERRORS {
            log::warn!("connection {conn}: {err}");
        } else if self.total == LOGGED_ERRORS + 1 {
            log::warn!("further connection errors are only counted");
        }
    }
}

/// Once-per-second progress line on stderr.
pub struct Progress {
    start: Instant,
    /// When the next line is due; it also bounds the `epoll_wait` timeout, so it must keep
    /// moving even with `--quiet` (a deadline left in the past would make every wait return
    /// at once: a busy loop stealing the CPU we are measuring with).
    next: Instant,
    last_rounds: u64,
    quiet: bool,
}

impl Progress {
    pub fn new(start: Instant, quiet: bool) -> Progress {
        Progress {
            start,
            next: start + Duration::from_secs(1),
            last_rounds: 0,
            quiet,
        }
    }

    /// When the next line is due (the event loop's wait must not sleep past it).
    pub fn next(&self) -> Instant {
        self.next
    }

    pub fn tick(&mut self, recorder: &Recorder) {
        let now = Instant::now();
        if now < self.next {
            return;
        }
        self.next += Duration::from_secs(1);
        if self.quiet {
            return;
        }
        let phase = if now < recorder.measure_from { " (warmup)" } else { "" };
        eprintln!(
            "loadgen: {:>5.1}s {:>10} round trips, {:>8}/s{phase}",
            now.duration_since(self.start).as_secs_f64(),
            recorder.all_rounds,
            recorder.all_rounds - self.last_rounds,
        );
        self.last_rounds = recorder.all_rounds;
    }
}
