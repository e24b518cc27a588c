//! The store as Prometheus scrapes it (`GET /metrics`) and as JSON (`GET /metrics.json`).
//!
//! Prometheus *text exposition format* (version 0.0.4), three lines a metric:
//!
//! ```text
//! # HELP hits requests served
//! # TYPE hits counter
//! hits 42 1700000000000
//! ```
//!
//! HELP text escapes `\` as `\\` and a newline as `\n` (the store refuses control
//! characters, but the escaping is what the format requires, so it is done anyway). The
//! trailing timestamp (milliseconds) is the one of the last VAL; a metric that never had a
//! value shows 0 and no timestamp; one without a doc has no HELP line.

use super::command::format_value;
use super::store::Store;
use serde_json::{json, Value};
use std::fmt::Write;

/// `Content-Type` of the text exposition format.
pub const PROMETHEUS_CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// The whole store in the text exposition format.
pub fn prometheus_text(store: &Store) -> String {
    let mut text = String::new();
    for (name, metric) in store.iter() {
        // Writing into a String cannot fail.
        if !metric.doc.is_empty() {
            let _ = writeln!(text, "# HELP {name} {}", escape_help(&metric.doc));
        }
        let _ = writeln!(text, "# TYPE {name} {}", metric.kind.as_str());
        let _ = match metric.timestamp {
            0 => writeln!(text, "{name} {}", format_value(metric.value)),
            ts => writeln!(text, "{name} {} {ts}", format_value(metric.value)),
        };
    }
    text
}

fn escape_help(doc: &str) -> String {
    doc.replace('\\', "\\\\").replace('\n', "\\n")
}

/// The whole store as one JSON document: `{"metrics":[{name, kind, doc, value, timestamp}]}`.
pub fn json_document(store: &Store) -> String {
    let metrics: Vec<Value> = store
        .iter()
        .map(|(name, metric)| {
            json!({
                "name": name,
                "kind": metric.kind.as_str(),
                "doc": metric.doc,
                "value": metric.value,
                "timestamp": metric.timestamp,
            })
        })
        .collect();
    let mut body = json!({ "metrics": metrics }).to_string();
    body.push('\n');
    body
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::metrics::command::Kind;

    #[test]
    fn exposition_has_help_type_and_value() {
        let mut store = Store::default();
        let _ = store.describe("hits".into(), Kind::Counter, "requests \\ served".into());
        let _ = store.describe("load".into(), Kind::Gauge, String::new());
        let _ = store.record("hits", 3.0, 1_700_000_000_000);
        let expected = "# HELP hits requests \\\\ served\n# TYPE hits counter\nhits 3 1700000000000\n\
                        # TYPE load gauge\nload 0\n";
        assert_eq!(prometheus_text(&store), expected);
        let doc: Value = serde_json::from_str(&json_document(&store)).unwrap_or_default();
        assert_eq!(doc["metrics"][0]["name"], "hits");
        assert_eq!(doc["metrics"][0]["value"], 3.0);
        assert_eq!(doc["metrics"][1]["kind"], "gauge");
    }
}
