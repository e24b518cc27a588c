//! `make demo-scale` (scripts/demo-scale.sh): its JSON lines → two charts against the number
//! of idle connections N, one line per model, both on a logarithmic y axis (a process per
//! client and an event loop differ by decades):
//!
//! - the active client's p99 round trip beside the idle crowd;
//! - the server's memory per connection (growth of its Pss over the connections accepted).
//!
//! Each line of the input is one (model, N) cell: `{"model", "n", "idle": idle-conns' tally,
//! "before"/"after": probe.py's figures, "loadgen": loadgen's report}`.

use super::{log_lines, Grouped};
use serde_json::Value;
use std::collections::BTreeSet;

/// The cells, parsed; a line that is not JSON is an error (the file is the script's own).
pub fn load(text: &str) -> Result<Vec<Value>, String> {
    let rows: Vec<Value> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(i, l)| serde_json::from_str(l).map_err(|e| format!("line {}: {e}", i + 1)))
        .collect::<Result<_, _>>()?;
    if rows.is_empty() {
        return Err("no results".into());
    }
    Ok(rows)
}

fn num(v: &Value, path: &[&str]) -> Option<f64> {
    path.iter().try_fold(v, |v, k| v.get(k))?.as_f64()
}

/// Bytes of server memory per accepted connection; None at N = 0 or when none was accepted.
pub fn bytes_per_conn(row: &Value) -> Option<f64> {
    let accepted = num(row, &["after", "sockets"])? - num(row, &["before", "sockets"])?;
    if accepted < 1.0 {
        return None;
    }
    let grown_kb = num(row, &["after", "pss_kb"])? - num(row, &["before", "pss_kb"])?;
    Some((grown_kb * 1024.0 / accepted).max(1.0))
}

fn grouped(rows: &[Value], title: &str, y_desc: &str, value: impl Fn(&Value) -> Option<f64>) -> Grouped {
    let ns: BTreeSet<u64> = rows.iter().filter_map(|r| r.get("n")?.as_u64()).collect();
    let mut models: Vec<String> = Vec::new();
    for r in rows {
        if let Some(m) = r.get("model").and_then(Value::as_str) {
            if !models.iter().any(|x| x == m) {
                models.push(m.to_string());
            }
        }
    }
    let series = models
        .into_iter()
        .map(|m| {
            let values = ns
                .iter()
                .map(|&n| {
                    rows.iter()
                        .find(|r| {
                            r.get("model").and_then(Value::as_str) == Some(&m)
                                && r.get("n").and_then(Value::as_u64) == Some(n)
                        })
                        .and_then(&value)
                })
                .collect();
            (m, values)
        })
        .filter(|(_, v): &(String, Vec<Option<f64>>)| v.iter().any(Option::is_some))
        .collect();
    Grouped {
        title: title.into(),
        x_desc: "idle connections N (connected, silent) beside 1 active client".into(),
        y_desc: y_desc.into(),
        categories: ns.iter().map(u64::to_string).collect(),
        series,
    }
}

/// Both charts: [(file name, svg)].
pub fn charts(text: &str, footer: &str) -> Result<Vec<(String, String)>, String> {
    let rows = load(text)?;
    let p99 = grouped(
        &rows,
        "Scale: p99 round trip of 1 active client beside N idle ones",
        "p99 round trip (µs, log scale)",
        |r| num(r, &["loadgen", "p99_us"]),
    );
    let memory = grouped(
        &rows,
        "Scale: server memory per idle connection",
        "bytes per connection (Pss growth, log scale)",
        bytes_per_conn,
    );
    Ok(vec![
        ("scale-p99.svg".into(), log_lines(&p99, footer)?),
        ("scale-memory.svg".into(), log_lines(&memory, footer)?),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROWS: &str = r#"
{"model":"epoll","n":0,"idle":{},"before":{"pss_kb":4000,"sockets":3},"after":{"pss_kb":4000,"sockets":3},"loadgen":{"p99_us":50.0}}
{"model":"epoll","n":1000,"idle":{"open":1000},"before":{"pss_kb":4000,"sockets":3},"after":{"pss_kb":4250,"sockets":1003},"loadgen":{"p99_us":60.0}}
{"model":"select","n":1000,"idle":{"closed_by_server":0},"before":{"pss_kb":4000,"sockets":3},"after":{"pss_kb":4300,"sockets":1003},"loadgen":{}}
"#;

    #[test]
    fn memory_per_connection_and_p99_per_model() -> Result<(), String> {
        let rows = load(ROWS)?;
        assert_eq!(bytes_per_conn(&rows[0]), None);
        assert_eq!(bytes_per_conn(&rows[1]), Some(256.0));
        let charts = charts(ROWS, "test footer")?;
        assert_eq!(charts.len(), 2);
        assert!(charts[0].1.contains("epoll") && charts[1].1.contains("select"));
        assert!(load("not json").is_err());
        Ok(())
    }
}
