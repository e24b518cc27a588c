//! `make bench` (scripts/bench.sh): loadgen's raw JSON reports → two charts.
//!
//! - round trips per second against the number of connections, one line per model;
//! - p99 latency of 1 active connection against the number of idle ones, per backend.
//!
//! Each `RAW/*.json` is one `loadgen --json` report; runs of one cell are reduced to their
//! median, as `bench-tables.py` does for the tables.

use super::{lines, Grouped};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// (model, connections, idle) → reports of that cell.
type Cells = BTreeMap<(String, u64, u64), Vec<Value>>;

pub fn load(raw: &Path) -> Result<Cells, String> {
    let mut cells = Cells::new();
    let entries = std::fs::read_dir(raw).map_err(|e| format!("{}: {e}", raw.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let Ok(report) = std::fs::read_to_string(&path)
            .map_err(|e| e.to_string())
            .and_then(|t| serde_json::from_str::<Value>(&t).map_err(|e| e.to_string()))
        else {
            eprintln!("bench-charts: skipping {}", path.display());
            continue;
        };
        let label = report.get("label").and_then(Value::as_str).unwrap_or("?").to_string();
        let conns = report.get("connections").and_then(Value::as_u64).unwrap_or(0);
        let idle = report.get("idle").and_then(Value::as_u64).unwrap_or(0);
        cells.entry((label, conns, idle)).or_default().push(report);
    }
    if cells.is_empty() {
        return Err(format!("no loadgen reports in {}", raw.display()));
    }
    Ok(cells)
}

fn median(reports: Option<&Vec<Value>>, field: &str) -> Option<f64> {
    let mut values: Vec<f64> = reports?.iter().filter_map(|r| r.get(field)?.as_f64()).collect();
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    Some(values[values.len() / 2])
}

/// Models in the order the bench runs them, then any others.
fn models(cells: &Cells, want: &[&str]) -> Vec<String> {
    let present: BTreeSet<&String> = cells.keys().map(|k| &k.0).collect();
    let mut out: Vec<String> = want
        .iter()
        .filter(|m| present.iter().any(|p| p == *m))
        .map(|m| m.to_string())
        .collect();
    for p in present {
        if !out.contains(p) {
            out.push(p.clone());
        }
    }
    out
}

/// Round trips/s against connections (idle = 0).
pub fn throughput(cells: &Cells) -> Grouped {
    let conns: BTreeSet<u64> = cells.keys().filter(|k| k.2 == 0).map(|k| k.1).collect();
    let order = ["iterative", "fork", "thread", "select", "poll", "epoll", "bare-mio"];
    let series = models(cells, &order)
        .into_iter()
        .map(|m| {
            let values = conns
                .iter()
                .map(|&c| median(cells.get(&(m.clone(), c, 0)), "rtt_per_sec"))
                .collect();
            (m, values)
        })
        .filter(|(_, v): &(String, Vec<Option<f64>>)| v.iter().any(Option::is_some))
        .collect();
    Grouped {
        title: "Echo: round trips per second by number of connections".into(),
        x_desc: "concurrent connections (64-byte ping-pong each)".into(),
        y_desc: "round trips / s (median of runs)".into(),
        categories: conns.iter().map(u64::to_string).collect(),
        series,
    }
}

/// p99 latency of one active connection against idle connections, select/poll/epoll.
pub fn idle_latency(cells: &Cells) -> Grouped {
    let idle: BTreeSet<u64> = cells.keys().filter(|k| k.1 == 1).map(|k| k.2).collect();
    let series = ["select", "poll", "epoll", "bare-mio"]
        .iter()
        .map(|m| {
            let values = idle
                .iter()
                .map(|&i| median(cells.get(&(m.to_string(), 1, i)), "p99_us"))
                .collect();
            (m.to_string(), values)
        })
        .filter(|(_, v): &(String, Vec<Option<f64>>)| v.iter().any(Option::is_some))
        .collect();
    Grouped {
        title: "Echo: p99 latency of 1 active connection beside idle ones".into(),
        x_desc: "idle connections (connected, silent)".into(),
        y_desc: "p99 round-trip latency (µs)".into(),
        categories: idle.iter().map(u64::to_string).collect(),
        series,
    }
}

/// Both charts: [(file name, svg)].
pub fn charts(raw: &Path, footer: &str) -> Result<Vec<(String, String)>, String> {
    let cells = load(raw)?;
    Ok(vec![
        ("echo-throughput.svg".into(), lines(&throughput(&cells), footer)?),
        ("echo-idle-p99.svg".into(), lines(&idle_latency(&cells), footer)?),
    ])
}
