//! Time per turn of several traces on one chart: the picture of O(watched) versus O(ready).
//!
//! A turn's time is its wait plus its dispatch. With one busy client the wait is mostly the
//! client's round trip, the same for every backend; what select(2) and poll(2) add on top is
//! the cost of handing the kernel every watched descriptor on every call (and the kernel
//! checking each one), which grows with idle connections. epoll(7) keeps the interest list
//! in the kernel and returns only ready descriptors, so its turns do not.

use crate::model::Timeline;
use plotters::prelude::*;

/// Summary of one trace's turns that served a client.
#[derive(Clone, Debug)]
pub struct TurnCost {
    pub label: String,
    pub turns: usize,
    pub median_us: f64,
    pub p90_us: f64,
    /// Descriptors watched (median), to say what the cost is proportional to.
    pub watched: u64,
}

/// µs per serving turn (wait + dispatch), in turn order.
pub fn serving_turns(tl: &Timeline) -> Vec<f64> {
    tl.turns
        .iter()
        .filter(|t| t.calls > 0)
        .map(|t| (t.wait_us + t.dispatch_us) as f64)
        .collect()
}

fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() - 1) as f64 * q).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

pub fn summarize(label: &str, tl: &Timeline) -> TurnCost {
    let mut costs = serving_turns(tl);
    costs.sort_by(f64::total_cmp);
    let mut watched: Vec<u64> = tl.turns.iter().filter(|t| t.calls > 0).map(|t| t.watched).collect();
    watched.sort_unstable();
    TurnCost {
        label: label.to_string(),
        turns: costs.len(),
        median_us: quantile(&costs, 0.5),
        p90_us: quantile(&costs, 0.9),
        watched: watched.get(watched.len() / 2).copied().unwrap_or(0),
    }
}

const COLORS: [RGBColor; 6] = [
    RGBColor(31, 111, 209),
    RGBColor(240, 140, 0),
    RGBColor(46, 158, 68),
    RGBColor(214, 40, 40),
    RGBColor(123, 63, 181),
    RGBColor(100, 100, 100),
];

/// One line per trace: µs per serving turn (log scale) against the time since the trace's
/// first serving turn, averaged over `BINS` slices of time so that every run spans the
/// same width whatever its number of turns.
pub fn chart(traces: &[(String, &Timeline)], caption: &str) -> Result<String, String> {
    let series: Vec<(String, Vec<(f64, f64)>)> = traces
        .iter()
        .map(|(label, tl)| (label.clone(), over_time(tl)))
        .collect();
    let x_max = series
        .iter()
        .flat_map(|(_, p)| p.iter().map(|q| q.0))
        .fold(1.0f64, f64::max);
    let y_max = series
        .iter()
        .flat_map(|(_, p)| p.iter().map(|q| q.1))
        .fold(10.0f64, f64::max)
        * 2.0;
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (1200, 460)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let mut chart = ChartBuilder::on(&root)
            .caption(caption, ("sans-serif", 18))
            .margin(14)
            .x_label_area_size(44)
            .y_label_area_size(70)
            .build_cartesian_2d(0f64..x_max, (1f64..y_max).log_scale())
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .x_label_formatter(&|x| crate::bench::short_number(*x))
            .y_label_formatter(&|y| crate::bench::short_number(*y))
            .x_desc("time since the first served request (ms)")
            .y_desc("µs per turn (wait + dispatch), log scale")
            .axis_desc_style(("sans-serif", 14))
            .label_style(("sans-serif", 12))
            .draw()
            .map_err(|e| e.to_string())?;
        for (i, (label, points)) in series.into_iter().enumerate() {
            let color = COLORS[i % COLORS.len()];
            chart
                .draw_series(LineSeries::new(points, color.stroke_width(2)))
                .map_err(|e| e.to_string())?
                .label(label)
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], color.stroke_width(3)));
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .label_font(("sans-serif", 14))
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK)
            .draw()
            .map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(out)
}

/// Slices of time each serving-turn average is taken over.
const BINS: usize = 150;

/// (ms since the first serving turn, mean µs per serving turn in that slice).
fn over_time(tl: &Timeline) -> Vec<(f64, f64)> {
    let serving: Vec<(u64, f64)> = tl
        .turns
        .iter()
        .filter(|t| t.calls > 0)
        .map(|t| (t.start_us, (t.wait_us + t.dispatch_us) as f64))
        .collect();
    let (Some(first), Some(last)) = (serving.first(), serving.last()) else {
        return Vec::new();
    };
    let span = (last.0 - first.0).max(1) as f64;
    let mut sums = vec![(0.0, 0usize); BINS];
    for &(t, cost) in &serving {
        let bin = (((t - first.0) as f64 / span) * (BINS - 1) as f64) as usize;
        sums[bin].0 += cost;
        sums[bin].1 += 1;
    }
    sums.iter()
        .enumerate()
        .filter(|(_, (_, n))| *n > 0)
        .map(|(i, (sum, n))| (i as f64 * span / (BINS - 1) as f64 / 1000.0, (sum / *n as f64).max(1.0)))
        .collect()
}

/// Medians side by side: for each idle count (the part of a label after its last '-'),
/// one bar per backend.
pub fn medians_chart(costs: &[TurnCost], footer: &str) -> Result<String, String> {
    let mut groups: Vec<String> = Vec::new();
    let mut backends: Vec<String> = Vec::new();
    for c in costs {
        let (backend, idle) = c.label.rsplit_once('-').unwrap_or((&c.label, ""));
        if !groups.iter().any(|g| g == idle) {
            groups.push(idle.to_string());
        }
        if !backends.iter().any(|b| b == backend) {
            backends.push(backend.to_string());
        }
    }
    let series = backends
        .iter()
        .map(|b| {
            let values = groups
                .iter()
                .map(|g| {
                    costs
                        .iter()
                        .find(|c| c.label == format!("{b}-{g}"))
                        .map(|c| c.median_us)
                })
                .collect();
            (b.clone(), values)
        })
        .collect();
    let data = crate::bench::Grouped {
        title: "Median time per turn, 1 active client".into(),
        x_desc: "idle connections beside it".into(),
        y_desc: "µs per serving turn (median)".into(),
        categories: groups.iter().map(|g| format!("{g} idle")).collect(),
        series,
    };
    crate::bench::bars(&data, footer)
}
