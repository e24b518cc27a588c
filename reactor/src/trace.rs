//! The flight recorder (`--trace FILE`): one JSON object per line for each turn of the loop.
//!
//! A turn is gathered in a [`TurnRecord`] while it runs (the wait, the events the backend
//! returned, each handler callback with its byte counts, accepts, closes, timers) and written
//! as one line when the turn ends, through a buffer (`sink::BufferedSink`): a traced server
//! makes one extra `write(2)` per 64 KiB of trace, not one per turn. The buffer is flushed
//! when the reactor is dropped (a clean stop on SIGINT/SIGTERM); a `kill -9` loses its last
//! lines. A trace file that fails (a full disk) is reported once, and once again when it
//! works again, with the number of lines lost (`sink.rs`): never once per turn.
//!
//! Off by default: the reactor holds an `Option<Recorder>`, and every hook starts with
//! "is there a recorder?", one predictable branch. The format is documented in
//! `docs/trace-format.md`; the `loop-timeline` tool turns a trace into a picture.

use crate::sink::BufferedSink;
use crate::{Event, Token};
use std::fmt::Write as _;
use std::fs::File;
use std::io;
use std::os::fd::RawFd;
use std::path::Path;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Format version written in the `start` line.
pub const TRACE_VERSION: u32 = 1;

/// Which handler callback a `calls` entry is about.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Callback {
    /// `on_data`: bytes were read and handed to the handler.
    Data,
    /// The socket became writable and pending output was written (`on_drained` if it emptied).
    Writable,
}

impl Callback {
    fn name(self) -> &'static str {
        match self {
            Callback::Data => "data",
            Callback::Writable => "writable",
        }
    }
}

/// Writes the trace of one reactor.
pub struct Recorder {
    out: BufferedSink,
    /// Time zero of the trace: every `t_us` counts from here.
    start: Instant,
    /// The turn being gathered.
    turn: TurnRecord,
    /// The line being formatted (reused, so a turn allocates nothing once warm).
    line: String,
}

/// What happened in one turn, until it is written out.
#[derive(Default)]
struct TurnRecord {
    number: u64,
    /// When the wait began (µs since the start of the trace).
    start_us: u64,
    timeout: Option<Duration>,
    wait_us: u64,
    /// When dispatching began (right after the wait returned).
    dispatch_start: Option<Instant>,
    watched: usize,
    ready: usize,
    /// (token, fd, event)
    events: Vec<(Token, RawFd, Event)>,
    /// (token, fd, callback, bytes in, bytes queued out, bytes written)
    calls: Vec<(Token, RawFd, Callback, usize, u64, u64)>,
    /// (token, fd, peer)
    accepted: Vec<(Token, RawFd, String)>,
    /// (token, fd, reason)
    closed: Vec<(Token, RawFd, String)>,
    timers: usize,
}

impl Recorder {
    /// Create (truncate) `path` and write the `start` line.
    pub fn create(path: &Path, backend: &str) -> io::Result<Recorder> {
        let file = File::create(path)?;
        let mut recorder = Recorder {
            out: BufferedSink::new("trace", file, 64 * 1024),
            start: Instant::now(),
            turn: TurnRecord::default(),
            line: String::with_capacity(1024),
        };
        let unix_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis());
        let pid = std::process::id();
        recorder.line = format!(
            r#"{{"type":"start","version":{TRACE_VERSION},"backend":"{backend}","pid":{pid},"unix_ms":{unix_ms}}}"#
        );
        recorder.write_line();
        Ok(recorder)
    }

    /// µs since the start of the trace.
    fn micros(&self, at: Instant) -> u64 {
        u64::try_from(at.saturating_duration_since(self.start).as_micros()).unwrap_or(u64::MAX)
    }

    /// A descriptor that is not a connection was registered: a listener, the signal pipe.
    pub fn descriptor(&mut self, token: Token, fd: RawFd, what: &str, label: &str) {
        let t_us = self.micros(Instant::now());
        self.line.clear();
        let _ = write!(
            self.line,
            r#"{{"type":"fd","t_us":{t_us},"token":{},"fd":{fd},"what":"{what}","label":"#,
            token.0
        );
        push_json_str(&mut self.line, label);
        self.line.push('}');
        self.write_line();
    }

    /// The loop is about to wait, at most `timeout`.
    pub fn wait_begins(&mut self, at: Instant, timeout: Option<Duration>) {
        self.turn.start_us = self.micros(at);
        self.turn.timeout = timeout;
    }

    /// The wait returned: turn `number`, `ready` descriptors out of `watched`.
    pub fn wait_ended(&mut self, number: u64, waited: Duration, watched: usize, ready: usize) {
        self.turn.number = number;
        self.turn.wait_us = u64::try_from(waited.as_micros()).unwrap_or(u64::MAX);
        self.turn.watched = watched;
        self.turn.ready = ready;
        self.turn.dispatch_start = Some(Instant::now());
    }

    pub fn event(&mut self, fd: RawFd, event: Event) {
        self.turn.events.push((event.token, fd, event));
    }

    pub fn callback(
        &mut self,
        token: Token,
        fd: RawFd,
        callback: Callback,
        bytes_in: usize,
        queued: u64,
        written: u64,
    ) {
        self.turn.calls.push((token, fd, callback, bytes_in, queued, written));
    }

    pub fn accepted(&mut self, token: Token, fd: RawFd, peer: String) {
        self.turn.accepted.push((token, fd, peer));
    }

    pub fn closed(&mut self, token: Token, fd: RawFd, reason: String) {
        self.turn.closed.push((token, fd, reason));
    }

    pub fn timer_fired(&mut self) {
        self.turn.timers += 1;
    }

    /// The turn is over: format it as one line and start the next record.
    pub fn turn_ended(&mut self) {
        let dispatch_us = self
            .turn
            .dispatch_start
            .map_or(0, |t| u64::try_from(t.elapsed().as_micros()).unwrap_or(u64::MAX));
        self.line.clear();
        format_turn(&mut self.line, &self.turn, dispatch_us);
        self.write_line();
        let turn = &mut self.turn;
        turn.events.clear();
        turn.calls.clear();
        turn.accepted.clear();
        turn.closed.clear();
        turn.timers = 0;
        turn.dispatch_start = None;
    }

    /// Append the formatted line. A failing trace file must not stop a server: the sink
    /// reports it once and drops the lines it cannot write.
    fn write_line(&mut self) {
        self.line.push('\n');
        self.out.buffer().extend_from_slice(self.line.as_bytes());
        self.out.line_done();
    }

    /// Push buffered lines to the file (also done on drop).
    pub fn flush(&mut self) {
        self.out.flush();
    }
}

/// One `turn` line; see docs/trace-format.md for every field.
fn format_turn(line: &mut String, turn: &TurnRecord, dispatch_us: u64) {
    let timeout = turn.timeout.map_or("null".to_string(), |d| d.as_millis().to_string());
    let _ = write!(
        line,
        r#"{{"type":"turn","turn":{},"t_us":{},"timeout_ms":{timeout},"wait_us":{},"watched":{},"ready":{},"events":["#,
        turn.number, turn.start_us, turn.wait_us, turn.watched, turn.ready
    );
    for (i, (token, fd, e)) in turn.events.iter().enumerate() {
        comma(line, i);
        let _ = write!(
            line,
            r#"{{"token":{},"fd":{fd},"r":{},"w":{},"hup":{},"err":{}}}"#,
            token.0, e.readable, e.writable, e.hangup, e.error
        );
    }
    line.push_str(r#"],"calls":["#);
    for (i, (token, fd, cb, bytes_in, queued, written)) in turn.calls.iter().enumerate() {
        comma(line, i);
        let _ = write!(
            line,
            r#"{{"token":{},"fd":{fd},"cb":"{}","in":{bytes_in},"queued":{queued},"written":{written}}}"#,
            token.0,
            cb.name()
        );
    }
    line.push_str(r#"],"accepted":["#);
    for (i, (token, fd, peer)) in turn.accepted.iter().enumerate() {
        comma(line, i);
        let _ = write!(line, r#"{{"token":{},"fd":{fd},"peer":"#, token.0);
        push_json_str(line, peer);
        line.push('}');
    }
    line.push_str(r#"],"closed":["#);
    for (i, (token, fd, reason)) in turn.closed.iter().enumerate() {
        comma(line, i);
        let _ = write!(line, r#"{{"token":{},"fd":{fd},"reason":"#, token.0);
        push_json_str(line, reason);
        line.push('}');
    }
    let _ = write!(line, r#"],"timers":{},"dispatch_us":{dispatch_us}}}"#, turn.timers);
}

fn comma(line: &mut String, index: usize) {
    if index > 0 {
        line.push(',');
    }
}

/// `text` as a JSON string: quotes, backslashes and control characters escaped (a peer
/// label may be a UNIX socket path, which can hold anything).
pub fn push_json_str(line: &mut String, text: &str) {
    line.push('"');
    for c in text.chars() {
        match c {
            '"' => line.push_str("\\\""),
            '\\' => line.push_str("\\\\"),
            '\n' => line.push_str("\\n"),
            c if (c as u32) < 0x20 => {
                let _ = write!(line, "\\u{:04x}", c as u32);
            }
            c => line.push(c),
        }
    }
    line.push('"');
}

#[cfg(test)]
mod tests {
    use super::push_json_str;

    #[test]
    fn json_strings_are_escaped() {
        let mut s = String::new();
        push_json_str(&mut s, "a\"b\\c\n\u{1}");
        assert_eq!(s, r#""a\"b\\c\n\u0001""#);
    }
}
