//! The store: every metric the server knows, shared by all connections whatever encoding
//! they speak. Counters add, gauges set, each value keeps the timestamp of its last VAL.
//!
//! This is the one place that decides whether a command is *meaningful* (valid name and doc,
//! finite value, metric described, room left); the codecs only decide whether it is
//! *well-formed*. The store is bounded: at most `capacity` metrics (10 000 by default), past
//! which DESC of a new name is refused with `store-full` — a client cannot grow the server's
//! memory without limit.
//!
//! The reactor keeps one `Store` in its handler (one thread, no lock); the thread model keeps
//! it behind a `Mutex`. A `BTreeMap` keeps LIST and `/metrics` sorted by name, so output is
//! stable from one scrape to the next.

use super::command::{check_doc, check_name, check_value, Command, Error, ErrorCode, Kind, Reply, Sample};
use std::collections::BTreeMap;

/// Default bound on the number of metrics.
pub const MAX_METRICS: usize = 10_000;

/// One metric's record.
#[derive(Clone, Debug, PartialEq)]
pub struct Metric {
    pub kind: Kind,
    /// Shown as `# HELP` in the exposition.
    pub doc: String,
    pub value: f64,
    /// Milliseconds since the epoch of the last VAL (0: none yet).
    pub timestamp: i64,
}

/// What DESC did.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Described {
    Created,
    /// The name existed with the same kind; its doc was replaced.
    Updated,
}

/// All metrics, by name.
#[derive(Debug)]
pub struct Store {
    metrics: BTreeMap<String, Metric>,
    /// Most metrics this store will hold.
    capacity: usize,
    /// Bumped by every change: a rendering of the store made at version v is still exact
    /// while the version is v (the scrape cache, `scrape.rs`).
    version: u64,
}

impl Default for Store {
    fn default() -> Store {
        Store::with_capacity(MAX_METRICS)
    }
}

impl Store {
    /// An empty store that holds at most `capacity` metrics.
    pub fn with_capacity(capacity: usize) -> Store {
        Store {
            metrics: BTreeMap::new(),
            capacity,
            version: 0,
        }
    }

    /// Changes so far (DESC and VAL that succeeded).
    pub fn version(&self) -> u64 {
        self.version
    }

    pub fn len(&self) -> usize {
        self.metrics.len()
    }

    pub fn is_empty(&self) -> bool {
        self.metrics.is_empty()
    }

    pub fn contains(&self, name: &str) -> bool {
        self.metrics.contains_key(name)
    }

    /// Metrics in name order (for the exposition).
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Metric)> {
        self.metrics.iter().map(|(name, metric)| (name.as_str(), metric))
    }

    /// Apply one command; `now_ms` stamps a VAL that carries no timestamp of its own.
    /// (QUIT is the session's business; the store just says goodbye.)
    pub fn execute(&mut self, command: Command, now_ms: i64) -> Reply {
        let result = match command {
            Command::Desc { name, kind, doc } => self.describe(name, kind, doc).map(|(name, how)| match how {
                Described::Created => format!("described {name}"),
                Described::Updated => format!("redescribed {name}"),
            }),
            Command::Val { name, value, timestamp } => {
                let stamp = if timestamp == 0 { now_ms } else { timestamp };
                self.record(&name, value, stamp)
                    .map(|v| format!("{name} {}", super::command::format_value(v)))
            }
            Command::Get { name } => return self.get(&name).map_or_else(Reply::Err, Reply::Sample),
            Command::List => return Reply::List(self.list()),
            Command::Reset { name } => self.reset(&name).map(|()| format!("reset {name}")),
            Command::Quit => Ok("bye".to_string()),
        };
        result.map_or_else(Reply::Err, Reply::Ok)
    }

    /// DESC: create the metric, or replace the doc of one of the same kind.
    pub fn describe(&mut self, name: String, kind: Kind, doc: String) -> Result<(String, Described), Error> {
        check_name(&name)?;
        check_doc(&doc)?;
        if let Some(metric) = self.metrics.get_mut(&name) {
            if metric.kind != kind {
                let why = format!("{name} is a {}, not a {}", metric.kind.as_str(), kind.as_str());
                return Err(Error::new(ErrorCode::KindMismatch, why));
            }
            metric.doc = doc;
            self.version += 1;
            return Ok((name, Described::Updated));
        }
        if self.metrics.len() >= self.capacity {
            let why = format!("the store holds {} metrics, its limit", self.capacity);
            return Err(Error::new(ErrorCode::StoreFull, why));
        }
        let metric = Metric {
            kind,
            doc,
            value: 0.0,
            timestamp: 0,
        };
        self.metrics.insert(name.clone(), metric);
        self.version += 1;
        Ok((name, Described::Created))
    }

    /// VAL: add to a counter or set a gauge; returns the new value.
    pub fn record(&mut self, name: &str, value: f64, timestamp: i64) -> Result<f64, Error> {
        check_name(name)?;
        check_value(value)?;
        if timestamp < 0 {
            return Err(Error::new(
                ErrorCode::BadValue,
                "a timestamp is milliseconds since 1970, >= 0",
            ));
        }
        let metric = self.metrics.get_mut(name).ok_or_else(|| unknown(name))?;
        let new_value = match metric.kind {
            Kind::Gauge => value,
            Kind::Counter if value < 0.0 => {
                return Err(Error::new(
                    ErrorCode::BadValue,
                    "a counter only goes up: increments are >= 0",
                ));
            }
            Kind::Counter => metric.value + value,
        };
        if !new_value.is_finite() {
            return Err(Error::new(
                ErrorCode::BadValue,
                format!("{name} would overflow to infinity"),
            ));
        }
        metric.value = new_value;
        metric.timestamp = timestamp;
        self.version += 1;
        Ok(new_value)
    }

    /// RESET: the metric's value and timestamp back to 0; its kind and doc stay.
    pub fn reset(&mut self, name: &str) -> Result<(), Error> {
        // LAB 11 BEGIN: RESET in the store
        check_name(name)?;
        let metric = self.metrics.get_mut(name).ok_or_else(|| unknown(name))?;
        metric.value = 0.0;
        metric.timestamp = 0;
        Ok(())
        // LAB 11 END
    }

    /// GET: one metric with its doc.
    pub fn get(&self, name: &str) -> Result<Sample, Error> {
        check_name(name)?;
        let metric = self.metrics.get(name).ok_or_else(|| unknown(name))?;
        Ok(sample(name, metric, metric.doc.clone()))
    }

    /// LIST: every metric, without docs (GET has them), in name order.
    pub fn list(&self) -> Vec<Sample> {
        self.iter()
            .map(|(name, metric)| sample(name, metric, String::new()))
            .collect()
    }
}

fn sample(name: &str, metric: &Metric, doc: String) -> Sample {
    Sample {
        name: name.to_string(),
        kind: metric.kind,
        value: metric.value,
        timestamp: metric.timestamp,
        doc,
    }
}

fn unknown(name: &str) -> Error {
    Error::new(
        ErrorCode::UnknownMetric,
        format!("{name} is not described (send DESC first)"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn desc(store: &mut Store, name: &str, kind: Kind) -> Reply {
        let (name, doc) = (name.to_string(), format!("doc of {name}"));
        store.execute(Command::Desc { name, kind, doc }, 0)
    }

    fn val(store: &mut Store, name: &str, value: f64, timestamp: i64) -> Reply {
        let name = name.to_string();
        store.execute(Command::Val { name, value, timestamp }, 555)
    }

    fn code(reply: Reply) -> ErrorCode {
        match reply {
            Reply::Err(e) => e.code,
            other => panic!("expected an error, got {other:?}"),
        }
    }

    #[test]
    fn counters_add_and_gauges_set_keeping_the_last_timestamp() {
        let mut store = Store::default();
        assert_eq!(
            desc(&mut store, "hits", Kind::Counter),
            Reply::Ok("described hits".into())
        );
        assert_eq!(
            desc(&mut store, "temp", Kind::Gauge),
            Reply::Ok("described temp".into())
        );
        assert_eq!(val(&mut store, "hits", 2.0, 10), Reply::Ok("hits 2".into()));
        assert_eq!(val(&mut store, "hits", 0.5, 20), Reply::Ok("hits 2.5".into()));
        assert_eq!(val(&mut store, "temp", 30.0, 0), Reply::Ok("temp 30".into()));
        assert_eq!(val(&mut store, "temp", -4.0, 40), Reply::Ok("temp -4".into()));
        let hits = store.get("hits").map(|s| (s.value, s.timestamp, s.doc));
        assert_eq!(hits, Ok((2.5, 20, "doc of hits".to_string())));
        assert_eq!(store.get("temp").map(|s| (s.value, s.timestamp)), Ok((-4.0, 40)));
        let names: Vec<String> = store.list().into_iter().map(|s| s.name).collect();
        assert_eq!(names, ["hits", "temp"]);
    }

    #[test]
    fn reset_sets_zero_and_keeps_kind_and_doc() {
        let mut store = Store::default();
        desc(&mut store, "hits", Kind::Counter);
        val(&mut store, "hits", 7.0, 10);
        let reset = store.execute(Command::Reset { name: "hits".into() }, 0);
        assert_eq!(reset, Reply::Ok("reset hits".into()));
        let hits = store.get("hits").map(|s| (s.kind, s.value, s.timestamp, s.doc));
        assert_eq!(hits, Ok((Kind::Counter, 0.0, 0, "doc of hits".to_string())));
        assert_eq!(val(&mut store, "hits", 1.0, 20), Reply::Ok("hits 1".into()));
        let unknown = store.execute(Command::Reset { name: "nope".into() }, 0);
        assert_eq!(code(unknown), ErrorCode::UnknownMetric);
    }

    #[test]
    fn a_val_without_timestamp_is_stamped_with_now() {
        let mut store = Store::default();
        desc(&mut store, "g", Kind::Gauge);
        val(&mut store, "g", 1.0, 0);
        assert_eq!(store.get("g").map(|s| s.timestamp), Ok(555));
    }

    #[test]
    fn bad_commands_are_error_replies() {
        let mut store = Store::default();
        assert_eq!(code(val(&mut store, "nobody", 1.0, 0)), ErrorCode::UnknownMetric);
        assert_eq!(code(desc(&mut store, "9lives", Kind::Gauge)), ErrorCode::BadName);
        assert_eq!(code(desc(&mut store, &"x".repeat(65), Kind::Gauge)), ErrorCode::BadName);
        desc(&mut store, "c", Kind::Counter);
        assert_eq!(code(desc(&mut store, "c", Kind::Gauge)), ErrorCode::KindMismatch);
        assert_eq!(code(val(&mut store, "c", f64::NAN, 0)), ErrorCode::BadValue);
        assert_eq!(code(val(&mut store, "c", f64::INFINITY, 0)), ErrorCode::BadValue);
        assert_eq!(code(val(&mut store, "c", -1.0, 0)), ErrorCode::BadValue);
        assert_eq!(code(val(&mut store, "c", 1.0, -5)), ErrorCode::BadValue);
        val(&mut store, "c", f64::MAX, 0);
        assert_eq!(code(val(&mut store, "c", f64::MAX, 0)), ErrorCode::BadValue);
        let doc = "line\nbreak".to_string();
        let reply = store.execute(
            Command::Desc {
                name: "d".into(),
                kind: Kind::Gauge,
                doc,
            },
            0,
        );
        assert_eq!(code(reply), ErrorCode::BadDoc);
    }

    #[test]
    fn the_store_is_bounded() {
        let mut store = Store::with_capacity(2);
        desc(&mut store, "a", Kind::Gauge);
        desc(&mut store, "b", Kind::Gauge);
        assert_eq!(code(desc(&mut store, "c", Kind::Gauge)), ErrorCode::StoreFull);
        assert_eq!(desc(&mut store, "a", Kind::Gauge), Reply::Ok("redescribed a".into()));
        assert_eq!(store.len(), 2);
    }
}
