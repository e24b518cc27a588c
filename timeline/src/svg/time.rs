//! The time dimension of a timeline: the loop's waits shaded, the turn ruler on top, the time
//! axis below, and the number formats they share.

use super::{esc, x_of, LABEL_W, RIGHT_PAD, TOP, WIDTH};
use crate::model::Timeline;
use std::fmt::Write as _;

/// Shade the waits: one rectangle per turn when they are wide enough to see, else the
/// fraction of each pixel column spent waiting.
pub(super) fn waits(svg: &mut String, tl: &Timeline, end: u64, rows_h: f64) {
    let plot_w = WIDTH - LABEL_W - RIGHT_PAD;
    if (tl.turns.len() as f64) < plot_w / 3.0 {
        for t in &tl.turns {
            let (x0, x1) = (x_of(t.start_us, end), x_of(t.start_us + t.wait_us, end));
            let _ = write!(
                svg,
                r##"<rect class="wait" x="{x0:.1}" y="{TOP}" width="{:.1}" height="{rows_h}" fill="#cfe3f7" fill-opacity="0.75"><title>turn {}: waited {} in {} (watching {} fds, {} ready)</title></rect>"##,
                (x1 - x0).max(0.5),
                t.number,
                micros(t.wait_us),
                esc(&tl.model),
                t.watched,
                t.ready
            );
            // The moment the wait returned: the turn's work starts here.
            let _ = write!(
                svg,
                r##"<line x1="{x1:.1}" y1="{TOP}" x2="{x1:.1}" y2="{}" stroke="#ffffff" stroke-width="1.5"/>"##,
                TOP + rows_h
            );
        }
        return;
    }
    let columns = plot_w as usize;
    let mut waiting = vec![0f64; columns];
    let mut first_turn = vec![u64::MAX; columns];
    let us_per_col = end as f64 / columns as f64;
    for t in &tl.turns {
        let (a, b) = (t.start_us as f64, (t.start_us + t.wait_us) as f64);
        let first = ((a / us_per_col) as usize).min(columns - 1);
        let last = ((b / us_per_col) as usize).min(columns - 1);
        for col in first..=last {
            let (lo, hi) = (col as f64 * us_per_col, (col + 1) as f64 * us_per_col);
            waiting[col] += (b.min(hi) - a.max(lo)).max(0.0);
            first_turn[col] = first_turn[col].min(t.number);
        }
    }
    for (col, w) in waiting.iter().enumerate() {
        let share = (w / us_per_col).clamp(0.0, 1.0);
        if share < 0.01 {
            continue;
        }
        let _ = write!(
            svg,
            r##"<rect class="wait" x="{:.1}" y="{TOP}" width="1" height="{rows_h}" fill="#9cc3ea" fill-opacity="{:.2}"><title>from turn {}: {:.0}% of this {} spent waiting</title></rect>"##,
            LABEL_W + col as f64,
            0.15 + 0.6 * share,
            first_turn[col],
            share * 100.0,
            micros(us_per_col as u64)
        );
    }
}

/// Turn numbers along the top: a tick per turn while they are far enough apart, labels
/// spaced at least 60 px.
pub(super) fn ruler(svg: &mut String, tl: &Timeline, end: u64) {
    if tl.turns.is_empty() {
        return; // a blocking model: no loop, no turns
    }
    let y = TOP - 8.0;
    let _ = write!(svg, r##"<text x="8" y="{}" fill="#333">turn</text>"##, y - 2.0);
    let _ = write!(
        svg,
        r##"<line x1="{LABEL_W}" y1="{y}" x2="{}" y2="{y}" stroke="#333"/>"##,
        WIDTH - RIGHT_PAD
    );
    let plot_w = WIDTH - LABEL_W - RIGHT_PAD;
    let every_tick = (tl.turns.len() as f64) < plot_w / 3.0;
    let mut last_label = f64::MIN;
    for t in &tl.turns {
        let x = x_of(t.start_us, end);
        let labelled = x - last_label >= 60.0;
        if every_tick || labelled {
            let _ = write!(
                svg,
                r##"<line x1="{x:.1}" y1="{}" x2="{x:.1}" y2="{}" stroke="#333"/>"##,
                y - 4.0,
                y + 4.0
            );
        }
        if labelled {
            let _ = write!(
                svg,
                r#"<text x="{x:.1}" y="{}" font-size="10" text-anchor="middle">{}</text>"#,
                y - 7.0,
                t.number
            );
            last_label = x;
        }
    }
}

/// Time ticks along the bottom, in round steps.
pub(super) fn time_axis(svg: &mut String, end: u64, y: f64) {
    let _ = write!(
        svg,
        r##"<line x1="{LABEL_W}" y1="{y}" x2="{}" y2="{y}" stroke="#333"/>"##,
        WIDTH - RIGHT_PAD
    );
    let step = nice_step(end as f64 / 8.0);
    let mut t = 0.0;
    while t <= end as f64 {
        let x = x_of(t as u64, end);
        let _ = write!(
            svg,
            r##"<line x1="{x:.1}" y1="{y}" x2="{x:.1}" y2="{}" stroke="#333"/><text x="{x:.1}" y="{}" font-size="10" text-anchor="middle">{}</text>"##,
            y + 5.0,
            y + 17.0,
            micros(t as u64)
        );
        t += step;
    }
    let _ = write!(
        svg,
        r#"<text x="{}" y="{}" text-anchor="middle">time since the trace started</text>"#,
        LABEL_W + (WIDTH - LABEL_W - RIGHT_PAD) / 2.0,
        y + 34.0
    );
}

/// 1, 2 or 5 times a power of ten, at least `raw`.
pub fn nice_step(raw: f64) -> f64 {
    let raw = raw.max(1.0);
    let pow = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * pow)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * pow)
}

/// A duration in µs, ms or s, whichever reads best.
pub fn micros(us: u64) -> String {
    match us {
        0..=999 => format!("{us} µs"),
        1_000..=9_999 => format!("{:.1} ms", us as f64 / 1000.0),
        10_000..=999_999 => format!("{:.0} ms", us as f64 / 1000.0),
        _ => format!("{:.2} s", us as f64 / 1e6),
    }
}

#[cfg(test)]
mod tests {
    use super::{micros, nice_step};

    #[test]
    fn durations_and_steps_read_well() {
        assert_eq!(micros(999), "999 µs");
        assert_eq!(micros(1_500), "1.5 ms");
        assert_eq!(micros(250_000), "250 ms");
        assert_eq!(micros(1_200_000), "1.20 s");
        assert_eq!(nice_step(130.0), 200.0);
        assert_eq!(nice_step(4_000.0), 5_000.0);
    }
}
