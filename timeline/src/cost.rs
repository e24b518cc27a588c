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

/// One line per trace: µs per serving turn against the turn's rank, smoothed over a window
/// of `window` turns so that thousands of turns read as a band, not noise.
pub fn chart(traces: &[(String, &Timeline)], caption: &str) -> Result<String, String> {
    let window = 25usize;
    let series: Vec<(String, Vec<(f64, f64)>)> = traces
        .iter()
        .map(|(label, tl)| (label.clone(), smoothed(&serving_turns(tl), window)))
        .collect();
    let x_max = series.iter().map(|(_, p)| p.len()).max().unwrap_or(1).max(2) as f64;
    let mut all: Vec<f64> = series.iter().flat_map(|(_, p)| p.iter().map(|q| q.1)).collect();
    all.sort_by(f64::total_cmp);
    let y_max = (quantile(&all, 0.99) * 1.25).max(10.0);
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (1200, 460)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let mut chart = ChartBuilder::on(&root)
            .caption(caption, ("sans-serif", 18))
            .margin(14)
            .x_label_area_size(44)
            .y_label_area_size(70)
            .build_cartesian_2d(0f64..x_max, 0f64..y_max)
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .x_desc("serving turn (turns that ran a handler callback), in order")
            .y_desc(format!("µs per turn (wait + dispatch), mean of {window}"))
            .axis_desc_style(("sans-serif", 14))
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

/// Mean over consecutive windows, as (index of the window's first turn, mean).
fn smoothed(costs: &[f64], window: usize) -> Vec<(f64, f64)> {
    costs
        .chunks(window)
        .enumerate()
        .map(|(i, chunk)| ((i * window) as f64, chunk.iter().sum::<f64>() / chunk.len() as f64))
        .collect()
}
