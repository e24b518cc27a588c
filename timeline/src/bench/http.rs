//! `make bench-http` (scripts/bench-http.sh): its final table → grouped bars of requests per
//! second per case, nginx beside each http-server model.
//!
//! The table is a `case` header naming the servers, then one line per case:
//! `1k.bin keepalive   51234   40000 (0.78x) …` (a value may be ERR).

use super::{bars, Grouped};

pub fn parse(text: &str) -> Option<Grouped> {
    let mut lines = text.lines().skip_while(|l| !l.starts_with("case"));
    let servers: Vec<String> = lines.next()?.split_whitespace().skip(1).map(str::to_string).collect();
    let mut categories = Vec::new();
    let mut series: Vec<(String, Vec<Option<f64>>)> = servers.iter().map(|s| (s.clone(), Vec::new())).collect();
    for line in lines {
        let words: Vec<&str> = line.split_whitespace().filter(|w| !w.starts_with('(')).collect();
        if words.len() != servers.len() + 2 {
            continue;
        }
        categories.push(format!("{} {}", words[0], words[1]));
        for (i, w) in words[2..].iter().enumerate() {
            series[i].1.push(w.parse::<f64>().ok());
        }
    }
    if categories.is_empty() {
        return None;
    }
    Some(Grouped {
        title: "HTTP: requests per second, http-server models and nginx".into(),
        x_desc: "file and connection mode (wrk -t1 -c50)".into(),
        y_desc: "requests / s (median of rounds)".into(),
        categories,
        series,
    })
}

pub fn charts(text: &str, footer: &str) -> Result<Vec<(String, String)>, String> {
    let data = parse(text).ok_or("no table found (expected bench-http.sh output)")?;
    Ok(vec![("http-rps.svg".into(), bars(&data, footer)?)])
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn reads_the_table_and_keeps_err_as_missing() {
        let text = "all servers answer\n\ncase                               nginx            select
1k.bin keepalive                19535.96  15983.97 (0.82x)
1m.bin close                         ERR  269.61 (n/a)

req/s from wrk";
        let g = parse(text).expect("a table");
        assert_eq!(g.categories, ["1k.bin keepalive", "1m.bin close"]);
        assert_eq!(g.series[0], ("nginx".to_string(), vec![Some(19535.96), None]));
        assert_eq!(g.series[1], ("select".to_string(), vec![Some(15983.97), Some(269.61)]));
    }
}
