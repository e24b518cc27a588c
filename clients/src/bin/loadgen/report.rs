//! The result of a run, printed for people (aligned lines) or for scripts (`--json`).
//!
//! The JSON field names are a contract with `scripts/bench.sh`: `label, connections, idle,
//! size, duration_s, round_trips, rtt_per_sec, p50_us, p99_us, p999_us, max_us, errors,
//! error_kinds, stalled_connections` (plus `target`, `warmup_s`, `never_connected`, and with
//! `--server-pid` `server_cpu_ms`, `server_cpu_us_per_rt`).
//! Latencies are `null` when no round trip was measured.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct Report {
    pub target: String,
    /// Free text from `--label`, usually the server's concurrency model.
    pub label: Option<String>,
    pub connections: u32,
    pub idle: u32,
    pub size: u32,
    /// The measured window (the warmup is not included).
    pub duration_s: f64,
    pub warmup_s: f64,
    /// Round trips completed inside the measured window.
    pub round_trips: u64,
    pub rtt_per_sec: f64,
    pub p50_us: Option<f64>,
    pub p99_us: Option<f64>,
    pub p999_us: Option<f64>,
    pub max_us: Option<f64>,
    /// Connections that stopped on an error, of any kind.
    pub errors: u64,
    /// Those errors grouped by reason, e.g. `"connect: connection refused": 3`.
    pub error_kinds: BTreeMap<String, u64>,
    /// Active connections without error that completed no round trip in the whole run
    /// (e.g. every client but the first against the iterative server).
    pub stalled_connections: u64,
    /// Of the stalled ones, those whose connect never even finished (accept queue full).
    pub never_connected: u64,
    /// `--server-pid`: the server's CPU time over the measured window (null without it).
    pub server_cpu_ms: Option<f64>,
    /// ... divided by the round trips measured: what one round trip costs the server.
    pub server_cpu_us_per_rt: Option<f64>,
}

/// Nanoseconds to microseconds, rounded to 0.1 µs (the histogram's precision at ~10 µs).
pub fn ns_to_us(ns: u64) -> f64 {
    (ns as f64 / 100.0).round() / 10.0
}

impl Report {
    /// Record the server's CPU time over the window (nanoseconds), and its cost per round trip.
    pub fn set_server_cpu(&mut self, ns: Option<u64>) {
        self.server_cpu_ms = ns.map(|ns| (ns as f64 / 1e4).round() / 100.0);
        self.server_cpu_us_per_rt = ns
            .filter(|_| self.round_trips > 0)
            .map(|ns| (ns as f64 / self.round_trips as f64 / 10.0).round() / 100.0);
    }

    pub fn write_json(&self, out: &mut impl Write) -> io::Result<()> {
        serde_json::to_writer(&mut *out, self)?;
        writeln!(out)
    }

    /// A few aligned `name  value` lines.
    pub fn write_human(&self, out: &mut impl Write) -> io::Result<()> {
        let line = |out: &mut dyn Write, name: &str, value: String| writeln!(out, "{name:<15}{value}");
        line(out, "target", self.target.clone())?;
        if let Some(label) = &self.label {
            line(out, "model", label.clone())?;
        }
        line(
            out,
            "connections",
            format!(
                "{} active + {} idle, {}-byte messages",
                self.connections, self.idle, self.size
            ),
        )?;
        line(
            out,
            "duration",
            format!(
                "{:.2} s measured (after {:.2} s warmup)",
                self.duration_s, self.warmup_s
            ),
        )?;
        line(out, "round trips", self.round_trips.to_string())?;
        line(out, "round trips/s", format!("{:.0}", self.rtt_per_sec))?;
        for (name, value) in [
            ("latency p50", self.p50_us),
            ("latency p99", self.p99_us),
            ("latency p999", self.p999_us),
            ("latency max", self.max_us),
        ] {
            line(out, name, value.map_or("-".into(), |us| format!("{us:.1} µs")))?;
        }
        if let Some(us) = self.server_cpu_us_per_rt {
            line(out, "server CPU", format!("{us:.2} µs per round trip"))?;
        }
        line(out, "errors", self.errors_text())?;
        line(out, "stalled", self.stalled_text())
    }

    fn errors_text(&self) -> String {
        if self.errors == 0 {
            return "0".into();
        }
        let kinds: Vec<String> = self.error_kinds.iter().map(|(k, n)| format!("{k}: {n}")).collect();
        format!("{} ({})", self.errors, kinds.join(", "))
    }

    fn stalled_text(&self) -> String {
        let mut text = format!(
            "{} of {} connections completed no round trip",
            self.stalled_connections, self.connections
        );
        if self.never_connected > 0 {
            text += &format!(" ({} never connected)", self.never_connected);
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Report {
        Report {
            target: "127.0.0.1:1 (tcp)".into(),
            label: Some("epoll".into()),
            connections: 4,
            idle: 0,
            size: 64,
            duration_s: 1.0,
            warmup_s: 0.5,
            round_trips: 10,
            rtt_per_sec: 10.0,
            p50_us: Some(1.0),
            p99_us: Some(2.0),
            p999_us: Some(3.0),
            max_us: Some(4.0),
            errors: 1,
            error_kinds: BTreeMap::from([("closed by peer".to_string(), 1)]),
            stalled_connections: 3,
            never_connected: 0,
            server_cpu_ms: None,
            server_cpu_us_per_rt: None,
        }
    }

    #[test]
    fn json_has_the_contract_fields() -> Result<(), Box<dyn std::error::Error>> {
        let mut out = Vec::new();
        sample().write_json(&mut out)?;
        let v: serde_json::Value = serde_json::from_slice(&out)?;
        for field in [
            "label",
            "connections",
            "idle",
            "size",
            "duration_s",
            "round_trips",
            "rtt_per_sec",
            "p50_us",
            "p99_us",
            "p999_us",
            "max_us",
            "errors",
            "error_kinds",
            "stalled_connections",
        ] {
            assert!(v.get(field).is_some(), "missing {field}");
        }
        Ok(())
    }

    #[test]
    fn human_output_names_stalls_and_errors() -> Result<(), Box<dyn std::error::Error>> {
        let mut out = Vec::new();
        sample().write_human(&mut out)?;
        let text = String::from_utf8(out)?;
        assert!(text.contains("3 of 4 connections completed no round trip"), "{text}");
        assert!(text.contains("1 (closed by peer: 1)"), "{text}");
        Ok(())
    }
}
