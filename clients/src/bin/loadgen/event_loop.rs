//! The single-threaded event loop that drives every connection: one `epoll_wait(2)` (through
//! `mio::Poll`) per turn, then each ready connection moves its bytes.
//!
//! One thread is enough for 1000 connections because a connection costs the loop nothing
//! while it waits: the kernel tracks readiness, and a turn only touches the connections that
//! are ready. The loop is bounded by a deadline (`warmup + duration`): the `epoll_wait`
//! timeout is the time left until the next progress line or the deadline, so a server that
//! never answers cannot keep us waiting past it.
//!
//! ```text
//! start ──warmup──> measure_from ──duration──> end
//!        (rounds run, not counted)   (counted)     (stop; rounds in flight are dropped)
//! ```

use std::io;
use std::time::{Duration, Instant};

use mio::{Events, Interest, Poll, Token};

use crate::conn::{Conn, ConnError, Role, Scratch};
use crate::recorder::{ErrorTally, Progress, Recorder};
use crate::report::{ns_to_us, Report};
use crate::stream::Target;

/// What to run, from the command line.
pub struct Settings {
    pub target: Target,
    /// Connections doing round trips.
    pub connections: u32,
    /// Connections that only connect: they load the server's readiness mechanism.
    pub idle: u32,
    /// Bytes per message.
    pub size: u32,
    /// Measured window, after the warmup.
    pub duration: Duration,
    /// Time to let connects and caches settle before counting.
    pub warmup: Duration,
    /// Round trips per active connection, when the run is a fixed amount of work.
    pub rounds: Option<u64>,
    /// The server's process group, whose CPU time over the measured window is reported.
    pub server_pid: Option<i32>,
    /// Carried into the report (the server's model).
    pub label: Option<String>,
    /// No progress lines on stderr.
    pub quiet: bool,
}

/// The report plus what decides the exit status.
pub struct Outcome {
    pub report: Report,
    /// Echoes that failed verification (exit 1).
    pub verification_failures: u64,
    /// Connections whose connect succeeded; zero means "no connection could be made" (exit 1).
    pub established: u64,
}

/// Events fetched per `epoll_wait`.
const EVENTS_PER_TURN: usize = 1024;

/// All connections of the run; a failed one is deregistered, closed and left as `None`.
struct Table {
    /// Indexed by connection id, which is also the mio token: an event finds its connection
    /// in O(1). Idle connections come first.
    slots: Vec<Option<Conn>>,
    /// Connections still open: when none is left there is nothing to wait for.
    live: usize,
    /// Connects that succeeded, to tell "no connection could be made" (exit 1).
    established: u64,
}

/// Run the load until the deadline (or until every connection has failed).
pub fn run(settings: &Settings) -> io::Result<Outcome> {
    clients::fd_limit::ensure_fds_for(u64::from(settings.connections) + u64::from(settings.idle));
    let mut poll = Poll::new()?;
    let start = Instant::now();
    let mut recorder = Recorder::new(start, settings.warmup, settings.duration);
    recorder.limit_rounds(settings.rounds, settings.idle, settings.connections);
    let mut errors = ErrorTally::default();
    let mut table = open_connections(settings, &poll, &mut errors);
    let mut events = Events::with_capacity(EVENTS_PER_TURN);
    let mut scratch = Scratch::new();
    let mut progress = Progress::new(start, settings.quiet);
    let mut server_cpu = ServerCpu::new(settings.server_pid);

    while table.live > 0 {
        let now = Instant::now();
        if now >= recorder.end || recorder.all_done() {
            break;
        }
        if now >= recorder.measure_from {
            server_cpu.window_starts();
        }
        let mut wake = recorder.end.min(progress.next());
        if !server_cpu.started() {
            wake = wake.min(recorder.measure_from);
        }
        wait_for_events(&mut poll, &mut events, wake.saturating_duration_since(now))?;
        dispatch(&events, &poll, &mut table, &mut scratch, &mut recorder, &mut errors);
        progress.tick(&recorder);
    }
    let cpu_ns = server_cpu.window_ends();
    let mut outcome = summarize(settings, &table, &recorder, errors);
    outcome.report.set_server_cpu(cpu_ns);
    Ok(outcome)
}

/// The server's CPU time over the measured window (`--server-pid`): sampled when the
/// window opens and once the loop is over.
struct ServerCpu {
    pgid: Option<i32>,
    from: Option<u64>,
}

impl ServerCpu {
    fn new(pgid: Option<i32>) -> ServerCpu {
        ServerCpu { pgid, from: None }
    }

    fn started(&self) -> bool {
        self.pgid.is_none() || self.from.is_some()
    }

    fn window_starts(&mut self) {
        if let (Some(pgid), None) = (self.pgid, self.from) {
            self.from = Some(sample_cpu(pgid).unwrap_or(u64::MAX));
        }
    }

    /// Nanoseconds used in the window; None without `--server-pid`, or when a sample failed.
    fn window_ends(&self) -> Option<u64> {
        let from = self.from.filter(|&ns| ns != u64::MAX)?;
        sample_cpu(self.pgid?).ok().map(|to| to.saturating_sub(from))
    }
}

fn sample_cpu(pgid: i32) -> io::Result<u64> {
    clients::proc_cpu::group_cpu_ns(pgid).inspect_err(|e| log::warn!("server CPU of group {pgid}: {e}"))
}

/// Open the idle connections first, then the active ones: the active sockets then get the
/// highest descriptor numbers on the server too, the worst case for `select`.
fn open_connections(settings: &Settings, poll: &Poll, errors: &mut ErrorTally) -> Table {
    let idle = settings.idle as usize;
    let total = idle + settings.connections as usize;
    let mut table = Table {
        slots: Vec::with_capacity(total),
        live: 0,
        established: 0,
    };
    for id in 0..total {
        let role = if id < idle { Role::Idle } else { Role::Active };
        let slot = match open_one(id, role, settings, poll) {
            Ok(conn) => {
                table.live += 1;
                Some(conn)
            }
            Err(err) => {
                errors.record(id, role, &err);
                None
            }
        };
        table.slots.push(slot);
    }
    table
}

/// Non-blocking connect plus registration for both directions, edge-triggered: with edge
/// triggering a writable socket does not wake us again and again.
fn open_one(id: usize, role: Role, settings: &Settings, poll: &Poll) -> Result<Conn, ConnError> {
    let mut conn = Conn::open(id, role, &settings.target, settings.size as usize)?;
    poll.registry()
        .register(conn.stream_mut(), Token(id), Interest::READABLE | Interest::WRITABLE)
        .map_err(ConnError::Connect)?;
    Ok(conn)
}

/// `epoll_wait(2)` with a timeout; `EINTR` (a tracer attaching, a signal) is just a short turn.
fn wait_for_events(poll: &mut Poll, events: &mut Events, timeout: Duration) -> io::Result<()> {
    match poll.poll(events, Some(timeout)) {
        Err(e) if e.kind() == io::ErrorKind::Interrupted => Ok(()),
        other => other,
    }
}

/// Hand each event to its connection; a failing connection is counted and closed.
fn dispatch(
    events: &Events,
    poll: &Poll,
    table: &mut Table,
    scratch: &mut Scratch,
    recorder: &mut Recorder,
    errors: &mut ErrorTally,
) {
    for event in events.iter() {
        let id = event.token().0;
        let Some(conn) = table.slots.get_mut(id).and_then(Option::as_mut) else {
            continue; // closed earlier in this batch
        };
        let was_connected = conn.connected;
        let result = conn.on_ready(scratch, recorder);
        if !was_connected && conn.connected {
            table.established += 1;
        }
        if let Err(err) = result {
            errors.record(id, conn.role, &err);
            close(poll, table, id);
        }
    }
}

/// Deregister before close (the descriptor number could be reused by the next connect).
fn close(poll: &Poll, table: &mut Table, id: usize) {
    if let Some(mut conn) = table.slots[id].take() {
        let _ = poll.registry().deregister(conn.stream_mut());
        table.live -= 1;
    }
}

/// Turn the counters into the report.
fn summarize(settings: &Settings, table: &Table, recorder: &Recorder, errors: ErrorTally) -> Outcome {
    let active = table.slots.iter().flatten().filter(|c| c.role == Role::Active);
    let stalled: Vec<&Conn> = active.filter(|c| c.completed == 0).collect();
    let h = &recorder.histogram;
    let duration_s = settings.duration.as_secs_f64();
    let report = Report {
        target: settings.target.to_string(),
        label: settings.label.clone(),
        connections: settings.connections,
        idle: settings.idle,
        size: settings.size,
        duration_s,
        warmup_s: settings.warmup.as_secs_f64(),
        round_trips: h.count(),
        rtt_per_sec: h.count() as f64 / duration_s,
        p50_us: h.quantile(0.50).map(ns_to_us),
        p99_us: h.quantile(0.99).map(ns_to_us),
        p999_us: h.quantile(0.999).map(ns_to_us),
        max_us: h.max().map(ns_to_us),
        errors: errors.total,
        error_kinds: errors.kinds,
        stalled_connections: stalled.len() as u64,
        never_connected: stalled.iter().filter(|c| c.is_connecting()).count() as u64,
        server_cpu_ms: None,
        server_cpu_us_per_rt: None,
    };
    Outcome {
        report,
        verification_failures: errors.verification,
        established: table.established,
    }
}
