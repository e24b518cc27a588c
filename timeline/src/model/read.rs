//! Reading a trace line by line into a [`Timeline`]: `turn` records of the reactor and the
//! blocking models' `accept` / `spawn` / `close` / `reap` records (docs/trace-format.md).

use super::{Mark, MarkKind, Row, RowKind, Timeline, Turn};
use serde_json::Value;
use std::collections::HashMap;

/// Parse a trace file's text.
pub fn parse(text: &str) -> Timeline {
    let mut builder = Builder::default();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        match serde_json::from_str::<Value>(line) {
            Ok(record) if record.is_object() => builder.record(&record),
            _ => builder.timeline.skipped_lines += 1,
        }
    }
    builder.finish()
}

#[derive(Default)]
struct Builder {
    timeline: Timeline,
    /// Open row of each reactor token / blocking connection serial.
    by_token: HashMap<u64, usize>,
    /// Blocking models: the row served by each child pid (for reap marks).
    by_pid: HashMap<i64, usize>,
    /// The listener's row (blocking models draw accepts there).
    listener: Option<usize>,
}

fn u(v: &Value, key: &str) -> u64 {
    v.get(key).and_then(Value::as_u64).unwrap_or(0)
}

fn i(v: &Value, key: &str) -> i64 {
    v.get(key).and_then(Value::as_i64).unwrap_or(-1)
}

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

fn list<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key).and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

impl Builder {
    fn record(&mut self, r: &Value) {
        let t = u(r, "t_us");
        self.timeline.end_us = self.timeline.end_us.max(t);
        match s(r, "type") {
            "start" => {
                let model = if s(r, "backend").is_empty() {
                    s(r, "model")
                } else {
                    s(r, "backend")
                };
                self.timeline.model = model.to_string();
            }
            "fd" => {
                let kind = match s(r, "what") {
                    "listener" => RowKind::Listener,
                    "signal" => RowKind::Signal,
                    _ => RowKind::Stream,
                };
                let row = self.open_row(kind, s(r, "label"), i(r, "fd"), t);
                self.by_token.insert(u(r, "token"), row);
                if kind == RowKind::Listener {
                    self.listener.get_or_insert(row);
                }
            }
            "turn" => self.turn(r),
            "accept" => self.blocking_accept(r, t),
            "spawn" => {
                if let Some(&row) = self.by_token.get(&u(r, "conn")) {
                    let worker = s(r, "worker");
                    if let Some(pid) = worker.strip_prefix("pid ").and_then(|p| p.parse().ok()) {
                        self.by_pid.insert(pid, row);
                    }
                    self.mark(row, t, MarkKind::Spawn, 0, worker.to_string());
                }
            }
            "close" => {
                if let Some(row) = self.by_token.remove(&u(r, "conn")) {
                    let note = match (r.get("in"), r.get("out")) {
                        (Some(a), Some(b)) => format!("{a} bytes in, {b} out (TCP_INFO)"),
                        _ => "closed".to_string(),
                    };
                    self.mark(row, t, MarkKind::Close, 0, note.clone());
                    self.close_row(row, t, note);
                    if let (Some(a), Some(b)) = (
                        r.get("in").and_then(Value::as_u64),
                        r.get("out").and_then(Value::as_u64),
                    ) {
                        self.timeline.rows[row].bytes = Some((a, b));
                    }
                }
            }
            "reap" => {
                let pid = i(r, "pid");
                let row = self.by_pid.remove(&pid).or(self.listener);
                if let Some(row) = row {
                    self.mark(row, t, MarkKind::Reap, 0, format!("waitpid: {}", s(r, "status")));
                }
            }
            _ => {}
        }
    }

    fn turn(&mut self, r: &Value) {
        let turn = Turn {
            number: u(r, "turn"),
            start_us: u(r, "t_us"),
            wait_us: u(r, "wait_us"),
            dispatch_us: u(r, "dispatch_us"),
            watched: u(r, "watched"),
            ready: u(r, "ready"),
            calls: list(r, "calls").len() as u64,
        };
        let at = turn.start_us + turn.wait_us;
        let n = turn.number;
        self.timeline.end_us = self.timeline.end_us.max(at + turn.dispatch_us);
        self.timeline.turns.push(turn);
        for e in list(r, "events") {
            let Some(&row) = self.by_token.get(&u(e, "token")) else {
                continue;
            };
            let flags: Vec<&str> = [
                ("r", "readable"),
                ("w", "writable"),
                ("hup", "hangup"),
                ("err", "error"),
            ]
            .iter()
            .filter(|(k, _)| e.get(*k).and_then(Value::as_bool) == Some(true))
            .map(|(_, name)| *name)
            .collect();
            let kind = if self.timeline.rows[row].kind == RowKind::Signal {
                MarkKind::Signal
            } else {
                MarkKind::Ready
            };
            self.mark(row, at, kind, n, format!("fd {} {}", i(e, "fd"), flags.join("+")));
        }
        for a in list(r, "accepted") {
            let peer = s(a, "peer");
            if let Some(listener) = self.listener {
                self.mark(
                    listener,
                    at,
                    MarkKind::Accept,
                    n,
                    format!("accept → fd {} ({peer})", i(a, "fd")),
                );
            }
            let row = self.open_row(RowKind::Client, peer, i(a, "fd"), at);
            self.by_token.insert(u(a, "token"), row);
            self.mark(row, at, MarkKind::Accept, n, format!("accepted from {peer}"));
        }
        for c in list(r, "calls") {
            let Some(&row) = self.by_token.get(&u(c, "token")) else {
                continue;
            };
            let (bytes_in, queued, written) = (u(c, "in"), u(c, "queued"), u(c, "written"));
            if s(c, "cb") == "data" {
                self.mark(
                    row,
                    at,
                    MarkKind::Read,
                    n,
                    format!("on_data: {bytes_in} bytes in, {queued} queued out"),
                );
            }
            if written > 0 {
                self.mark(row, at, MarkKind::Write, n, format!("wrote {written} bytes"));
            }
        }
        for c in list(r, "closed") {
            if let Some(row) = self.by_token.remove(&u(c, "token")) {
                let reason = s(c, "reason").to_string();
                self.mark(row, at, MarkKind::Close, n, format!("close: {reason}"));
                self.close_row(row, at, reason);
            }
        }
    }

    fn blocking_accept(&mut self, r: &Value, t: u64) {
        let listener = *self
            .listener
            .get_or_insert_with(|| push_row(&mut self.timeline, RowKind::Listener, "listener", -1, 0));
        let peer = s(r, "peer");
        self.mark(
            listener,
            t,
            MarkKind::Accept,
            0,
            format!("accept → fd {} ({peer})", i(r, "fd")),
        );
        let row = self.open_row(RowKind::Client, peer, i(r, "fd"), t);
        self.by_token.insert(u(r, "conn"), row);
        self.mark(row, t, MarkKind::Accept, 0, format!("accepted from {peer}"));
    }

    fn open_row(&mut self, kind: RowKind, label: &str, fd: i64, t: u64) -> usize {
        push_row(&mut self.timeline, kind, label, fd, t)
    }

    fn close_row(&mut self, row: usize, t: u64, note: String) {
        if let Some(r) = self.timeline.rows.get_mut(row) {
            r.closed_us = Some(t);
            r.close_note = note;
        }
    }

    fn mark(&mut self, row: usize, t_us: u64, kind: MarkKind, turn: u64, detail: String) {
        self.timeline.marks.push(Mark {
            row,
            t_us,
            kind,
            turn,
            detail,
        });
    }

    fn finish(self) -> Timeline {
        self.timeline
    }
}

fn push_row(timeline: &mut Timeline, kind: RowKind, label: &str, fd: i64, t: u64) -> usize {
    timeline.rows.push(Row {
        kind,
        label: label.to_string(),
        fd,
        opened_us: t,
        closed_us: None,
        close_note: String::new(),
        bytes: None,
    });
    timeline.rows.len() - 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::MarkKind;

    const TRACE: &str = r#"{"type":"start","version":1,"backend":"poll","pid":1,"unix_ms":0}
{"type":"fd","t_us":1,"token":18446744073709551614,"fd":3,"what":"listener","label":"127.0.0.1:7000"}
{"type":"turn","turn":1,"t_us":10,"timeout_ms":null,"wait_us":100,"watched":1,"ready":1,"events":[{"token":18446744073709551614,"fd":3,"r":true,"w":false,"hup":false,"err":false}],"calls":[],"accepted":[{"token":0,"fd":7,"peer":"127.0.0.1:5000"}],"closed":[],"timers":0,"dispatch_us":5}
{"type":"turn","turn":2,"t_us":120,"timeout_ms":null,"wait_us":50,"watched":2,"ready":1,"events":[{"token":0,"fd":7,"r":true,"w":false,"hup":false,"err":false}],"calls":[{"token":0,"fd":7,"cb":"data","in":4,"queued":4,"written":4}],"accepted":[],"closed":[{"token":0,"fd":7,"reason":"peer closed"}],"timers":0,"dispatch_us":5}
{"type":"turn","turn":3,"t_us":200,"timeout_ms":null,"wait_us":10,"watched":1,"ready":1,"events":[{"token":18446744073709551614,"fd":3,"r":true,"w":false,"hup":false,"err":false}],"calls":[],"accepted":[{"token":0,"fd":7,"peer":"127.0.0.1:5001"}],"closed":[],"timers":0,"dispatch_us":5}
{"type":"turn","#;

    #[test]
    fn a_reused_token_and_fd_open_a_new_row() {
        let tl = parse(TRACE);
        assert_eq!(tl.model, "poll");
        assert_eq!(tl.skipped_lines, 1, "the cut last line");
        let labels: Vec<&str> = tl.rows.iter().map(|r| r.label.as_str()).collect();
        assert_eq!(labels, ["127.0.0.1:7000", "127.0.0.1:5000", "127.0.0.1:5001"]);
        assert_eq!(tl.rows[1].closed_us, Some(170));
        assert_eq!(tl.rows[2].closed_us, None);
        let on_first: Vec<MarkKind> = tl.marks.iter().filter(|m| m.row == 1).map(|m| m.kind).collect();
        assert_eq!(
            on_first,
            [
                MarkKind::Accept,
                MarkKind::Ready,
                MarkKind::Read,
                MarkKind::Write,
                MarkKind::Close
            ]
        );
        assert_eq!(tl.turns.iter().map(|t| t.calls).collect::<Vec<_>>(), [0, 1, 0]);
    }
}
