//! `make bench-chat` (scripts/bench-chat.sh): its printed tables → two bar charts,
//! broadcast deliveries per second and resident memory, per model.
//!
//! The lines read are `MODEL clients=… deliveries=… rate=N/s` (throughput) and
//! `MODEL PROCS RSS_MIB PSS_MIB` (memory); anything else (headers, FAILED lines) is skipped.

use super::{bars, Grouped};

#[derive(Default, Debug)]
pub struct ChatResults {
    /// (model, deliveries per second)
    pub rate: Vec<(String, f64)>,
    /// (model, RSS MiB, PSS MiB)
    pub memory: Vec<(String, f64, f64)>,
    /// The idle count, from the "== memory with N idle members" heading.
    pub idle: String,
}

pub fn parse(text: &str) -> ChatResults {
    let mut out = ChatResults::default();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("== memory with ") {
            out.idle = rest.split_whitespace().next().unwrap_or("").to_string();
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        if let Some(rate) = words.iter().find_map(|w| w.strip_prefix("rate=")) {
            if let Ok(v) = rate.trim_end_matches("/s").parse::<f64>() {
                out.rate.push((words[0].to_string(), v));
            }
        } else if words.len() == 4 && words[1].parse::<u64>().is_ok() {
            if let (Ok(rss), Ok(pss)) = (words[2].parse::<f64>(), words[3].parse::<f64>()) {
                out.memory.push((words[0].to_string(), rss, pss));
            }
        }
    }
    out
}

pub fn charts(text: &str, footer: &str) -> Result<Vec<(String, String)>, String> {
    let r = parse(text);
    if r.rate.is_empty() && r.memory.is_empty() {
        return Err("no chat results found (expected bench-chat.sh output)".into());
    }
    let rate = Grouped {
        title: "Chat: broadcast deliveries per second".into(),
        x_desc: "concurrency model".into(),
        y_desc: "deliveries / s (one line to one member)".into(),
        categories: r.rate.iter().map(|(m, _)| m.clone()).collect(),
        series: vec![("deliveries/s".into(), r.rate.iter().map(|(_, v)| Some(*v)).collect())],
    };
    let memory = Grouped {
        title: format!("Chat: server memory with {} idle members", r.idle),
        x_desc: "concurrency model".into(),
        y_desc: "memory (MiB, all server processes)".into(),
        categories: r.memory.iter().map(|(m, _, _)| m.clone()).collect(),
        series: vec![
            (
                "RSS (shared pages counted per process)".into(),
                r.memory.iter().map(|m| Some(m.1)).collect(),
            ),
            (
                "PSS (shared pages split)".into(),
                r.memory.iter().map(|m| Some(m.2)).collect(),
            ),
        ],
    };
    Ok(vec![
        ("chat-deliveries.svg".into(), bars(&rate, footer)?),
        ("chat-memory.svg".into(), bars(&memory, footer)?),
    ])
}

#[cfg(test)]
mod tests {
    use super::parse;

    const OUTPUT: &str = "== broadcast throughput: 50 members x 50 messages (release build)
model    result
thread   clients=50 messages=50 deliveries=122500 time=0.216s rate=568263/s
fork     FAILED: chat-bench: Connection refused (os error 111)
epoll    clients=50 messages=50 deliveries=122500 time=0.032s rate=3829886/s

== memory with 1000 idle members
model         procs    RSS MiB    PSS MiB
fork           1001     1740.6      494.0
epoll             1        4.0        2.5
";

    #[test]
    fn reads_rates_and_memory_and_skips_failures() {
        let r = parse(OUTPUT);
        assert_eq!(r.rate, vec![("thread".into(), 568263.0), ("epoll".into(), 3829886.0)]);
        assert_eq!(
            r.memory,
            vec![("fork".into(), 1740.6, 494.0), ("epoll".into(), 4.0, 2.5)]
        );
        assert_eq!(r.idle, "1000");
    }
}
