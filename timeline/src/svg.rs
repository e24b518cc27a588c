//! Drawing a [`Timeline`] as a self-contained SVG: one row per descriptor (labelled with its
//! peer), time across, the loop's waits shaded, events as marks, a turn ruler and a legend.
//!
//! This is a diagram, not a chart, so it is drawn directly as SVG elements. Every mark and
//! shaded wait carries a `<title>`: a browser shows it on hover, and the HTML page
//! (`html.rs`) shows it in a details box. Big traces stay readable by aggregation: marks of
//! one kind that would land within `BUCKET_PX` of each other on a row become one mark with
//! a count, waits are shaded per pixel column by the fraction of time spent waiting, and
//! connections with nothing but an accept and a close fold into one "quiet" row.

use crate::model::{MarkKind, RowKind, Timeline};
use std::collections::BTreeMap;
use std::fmt::Write as _;

pub const WIDTH: f64 = 1200.0;
const LABEL_W: f64 = 260.0;
const RIGHT_PAD: f64 = 20.0;
const ROW_H: f64 = 22.0;
const TOP: f64 = 96.0;
/// Marks closer than this (pixels) on one row merge into one.
const BUCKET_PX: f64 = 4.0;
/// Past this many rows, quiet connections fold into one row.
const MAX_ROWS: usize = 40;

/// Where each row of the trace is drawn (several trace rows may share a drawn row).
struct Layout {
    /// Drawn row of each trace row.
    slot: Vec<usize>,
    /// Label of each drawn row.
    labels: Vec<String>,
    /// Lifelines: (drawn row, from µs, to µs).
    lives: Vec<(usize, u64, u64)>,
}

fn x_of(t_us: u64, end_us: u64) -> f64 {
    let plot_w = WIDTH - LABEL_W - RIGHT_PAD;
    LABEL_W + plot_w * (t_us as f64 / end_us.max(1) as f64)
}

fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn layout(tl: &Timeline) -> Layout {
    let mut busy = vec![0usize; tl.rows.len()];
    for m in &tl.marks {
        if !matches!(m.kind, MarkKind::Accept | MarkKind::Close) || tl.rows[m.row].kind != RowKind::Client {
            busy[m.row] += 1;
        }
    }
    let fold = tl.rows.len() > MAX_ROWS;
    let mut layout = Layout {
        slot: vec![0; tl.rows.len()],
        labels: Vec::new(),
        lives: Vec::new(),
    };
    let mut quiet: Vec<usize> = Vec::new();
    for (i, row) in tl.rows.iter().enumerate() {
        if fold && row.kind == RowKind::Client && busy[i] == 0 {
            quiet.push(i);
            continue;
        }
        let what = match row.kind {
            RowKind::Listener if row.label == "listener" => row.label.clone(),
            RowKind::Listener => format!("listener {}", row.label),
            RowKind::Signal => row.label.clone(),
            RowKind::Client | RowKind::Stream => row.label.clone(),
        };
        let fd = if row.fd >= 0 {
            format!(" (fd {})", row.fd)
        } else {
            String::new()
        };
        let bytes = row.bytes.map_or(String::new(), |(a, b)| format!(" {a}↓ {b}↑"));
        layout.slot[i] = layout.labels.len();
        layout.labels.push(format!("{what}{fd}{bytes}"));
    }
    if !quiet.is_empty() {
        let slot = layout.labels.len();
        let fds: Vec<i64> = quiet.iter().map(|&i| tl.rows[i].fd).collect();
        let (lo, hi) = (
            fds.iter().min().copied().unwrap_or(0),
            fds.iter().max().copied().unwrap_or(0),
        );
        layout
            .labels
            .push(format!("{} quiet connections (fd {lo}–{hi})", quiet.len()));
        for &i in &quiet {
            layout.slot[i] = slot;
        }
    }
    for (i, row) in tl.rows.iter().enumerate() {
        let end = row.closed_us.unwrap_or(tl.end_us);
        layout.lives.push((layout.slot[i], row.opened_us, end));
    }
    layout
}

/// The whole picture: `title` on top.
pub fn render(tl: &Timeline, title: &str) -> String {
    let layout = layout(tl);
    let end = tl.end_us.max(1);
    let rows_h = layout.labels.len() as f64 * ROW_H;
    let height = TOP + rows_h + 50.0;
    let mut svg = String::with_capacity(64 * 1024);
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="DejaVu Sans, Arial, sans-serif" font-size="12">"#
    );
    let _ = write!(svg, r##"<rect width="100%" height="100%" fill="#ffffff"/>"##);
    let _ = write!(
        svg,
        r#"<text x="10" y="20" font-size="15" font-weight="bold">{}</text>"#,
        esc(title)
    );
    legend(&mut svg);
    draw_rows(&mut svg, &layout);
    waits(&mut svg, tl, end, rows_h);
    ruler(&mut svg, tl, end);
    lifelines(&mut svg, &layout, end);
    marks(&mut svg, tl, &layout, end);
    time_axis(&mut svg, end, TOP + rows_h);
    svg.push_str("</svg>\n");
    svg
}

fn legend(svg: &mut String) {
    let mut x = 10.0;
    let y = 44.0;
    let _ = write!(
        svg,
        r##"<rect x="{x}" y="{}" width="22" height="12" fill="#cfe3f7"/><text x="{}" y="{}">waiting in the backend</text>"##,
        y - 9.0,
        x + 26.0,
        y + 1.0
    );
    x += 180.0;
    for kind in MarkKind::ALL {
        shape(svg, kind, x + 6.0, y - 3.0, 1.0);
        let _ = write!(svg, r#"<text x="{}" y="{}">{}</text>"#, x + 16.0, y + 1.0, kind.name());
        x += 22.0 + 7.5 * kind.name().len() as f64 + 14.0;
    }
    let _ = write!(
        svg,
        r##"<text x="10" y="66" fill="#555">a bigger mark with a number: events merged; a strip of cells: many events, darker = more (hover for details)</text>"##
    );
}

fn draw_rows(svg: &mut String, layout: &Layout) {
    for (i, label) in layout.labels.iter().enumerate() {
        let y = TOP + i as f64 * ROW_H;
        let fill = if i % 2 == 0 { "#f7f7f7" } else { "#ffffff" };
        let _ = write!(
            svg,
            r#"<rect x="0" y="{y}" width="{WIDTH}" height="{ROW_H}" fill="{fill}"/><text x="8" y="{}">{}</text>"#,
            y + 15.0,
            esc(&shorten(label, 38))
        );
    }
    let _ = write!(
        svg,
        r##"<line x1="{LABEL_W}" y1="{TOP}" x2="{LABEL_W}" y2="{}" stroke="#999"/>"##,
        TOP + layout.labels.len() as f64 * ROW_H
    );
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let head: String = text.chars().take(max - 1).collect();
    format!("{head}…")
}

/// Shade the waits: one rectangle per turn when they are wide enough to see, else the
/// fraction of each pixel column spent waiting.
fn waits(svg: &mut String, tl: &Timeline, end: u64, rows_h: f64) {
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
fn ruler(svg: &mut String, tl: &Timeline, end: u64) {
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

fn lifelines(svg: &mut String, layout: &Layout, end: u64) {
    let mut drawn: BTreeMap<usize, Vec<(u64, u64)>> = BTreeMap::new();
    for &(slot, from, to) in &layout.lives {
        drawn.entry(slot).or_default().push((from, to));
    }
    for (slot, spans) in drawn {
        let y = TOP + slot as f64 * ROW_H + ROW_H / 2.0;
        // Many quiet connections share a row: draw their union, not a thousand lines.
        let from = spans.iter().map(|s| s.0).min().unwrap_or(0);
        let to = spans.iter().map(|s| s.1).max().unwrap_or(end);
        let _ = write!(
            svg,
            r##"<line x1="{:.1}" y1="{y}" x2="{:.1}" y2="{y}" stroke="#888" stroke-width="1.5"/>"##,
            x_of(from, end),
            x_of(to, end)
        );
    }
}

/// One merged mark: (first µs, last µs, count, first detail, first turn, last turn).
type Bucket = (u64, u64, usize, String, u64, u64);

/// Marks, merged per (row, kind, bucket). A row where one kind has more buckets than fit
/// side by side becomes a strip: one small cell per bucket, darker for more events.
fn marks(svg: &mut String, tl: &Timeline, layout: &Layout, end: u64) {
    let mut buckets: BTreeMap<(usize, MarkKind, i64), Bucket> = BTreeMap::new();
    for m in &tl.marks {
        let slot = layout.slot[m.row];
        let b = (x_of(m.t_us, end) / BUCKET_PX) as i64;
        let e = buckets
            .entry((slot, m.kind, b))
            .or_insert((m.t_us, m.t_us, 0, m.detail.clone(), m.turn, m.turn));
        e.0 = e.0.min(m.t_us);
        e.1 = e.1.max(m.t_us);
        e.2 += 1;
        e.4 = e.4.min(m.turn);
        e.5 = e.5.max(m.turn);
    }
    let mut per_row: BTreeMap<(usize, MarkKind), (usize, usize)> = BTreeMap::new();
    for ((slot, kind, _), b) in &buckets {
        let e = per_row.entry((*slot, *kind)).or_default();
        e.0 += 1;
        e.1 = e.1.max(b.2);
    }
    for ((slot, kind, _), bucket) in buckets {
        let (n_buckets, max_count) = per_row[&(slot, kind)];
        let x = x_of((bucket.0 + bucket.1) / 2, end);
        let y = TOP + slot as f64 * ROW_H + ROW_H / 2.0 + offset(kind);
        let _ = write!(svg, r#"<g class="mark"><title>{}</title>"#, esc(&tip(kind, &bucket)));
        if n_buckets > DENSE_BUCKETS {
            strip_cell(svg, kind, x, y, bucket.2, max_count);
        } else {
            let count = bucket.2;
            shape(svg, kind, x, y, if count > 1 { 1.35 } else { 1.0 });
            if count > 1 && n_buckets <= LABELLED_BUCKETS {
                let _ = write!(
                    svg,
                    r##"<text x="{:.1}" y="{:.1}" font-size="9" fill="#222">{count}</text>"##,
                    x + 5.0,
                    y - 4.0
                );
            }
        }
        svg.push_str("</g>");
    }
}

/// Past this many merged marks of one kind on a row, draw the row as a strip.
const DENSE_BUCKETS: usize = 60;
/// Counts are written next to merged marks only on rows with at most this many.
const LABELLED_BUCKETS: usize = 25;

fn tip(kind: MarkKind, (from, to, count, detail, t0, t1): &Bucket) -> String {
    let when = if *t1 > 0 {
        format!("turn {t0}")
    } else {
        format!("t={}", micros(*from))
    };
    if *count == 1 {
        return format!("{when}: {} — {detail}", kind.name());
    }
    let span = if t1 > t0 {
        format!("turns {t0}–{t1}")
    } else {
        format!("{}–{}", micros(*from), micros(*to))
    };
    format!("{count} × {} in {span}; first: {detail}", kind.name())
}

/// A cell of a dense row: the kind's colour, opacity growing with the log of the count.
fn strip_cell(svg: &mut String, kind: MarkKind, x: f64, y: f64, count: usize, max_count: usize) {
    let strength = ((count as f64).ln_1p() / (max_count as f64).ln_1p().max(1e-9)).clamp(0.0, 1.0);
    let _ = write!(
        svg,
        r#"<rect x="{:.1}" y="{:.1}" width="{BUCKET_PX}" height="7" fill="{}" fill-opacity="{:.2}"/>"#,
        x - BUCKET_PX / 2.0,
        y - 3.5,
        color(kind),
        0.25 + 0.75 * strength
    );
}

fn color(kind: MarkKind) -> &'static str {
    match kind {
        MarkKind::Ready => "#777777",
        MarkKind::Accept => "#2e9e44",
        MarkKind::Read => "#1f6fd1",
        MarkKind::Write => "#f08c00",
        MarkKind::Close => "#d62828",
        MarkKind::Spawn => "#7b3fb5",
        MarkKind::Reap => "#8a5a00",
        MarkKind::Signal => "#000000",
    }
}

/// Kinds that often share a moment on one row are drawn a little apart.
fn offset(kind: MarkKind) -> f64 {
    match kind {
        MarkKind::Read | MarkKind::Close => -4.0,
        MarkKind::Write | MarkKind::Spawn | MarkKind::Reap => 4.0,
        _ => 0.0,
    }
}

/// The symbol of each kind of mark, centred on (x, y).
fn shape(svg: &mut String, kind: MarkKind, x: f64, y: f64, k: f64) {
    let r = 4.0 * k;
    let _ = match kind {
        MarkKind::Ready => write!(
            svg,
            r##"<line x1="{x:.1}" y1="{:.1}" x2="{x:.1}" y2="{:.1}" stroke="#777" stroke-width="{:.1}"/>"##,
            y - 8.0,
            y + 8.0,
            1.2 * k
        ),
        MarkKind::Accept => write!(
            svg,
            r##"<path d="M{x:.1} {:.1} L{:.1} {y:.1} L{x:.1} {:.1} L{:.1} {y:.1} Z" fill="#2e9e44"/>"##,
            y - r - 1.0,
            x + r + 1.0,
            y + r + 1.0,
            x - r - 1.0
        ),
        MarkKind::Read => write!(svg, r##"<circle cx="{x:.1}" cy="{y:.1}" r="{r:.1}" fill="#1f6fd1"/>"##),
        MarkKind::Write => write!(
            svg,
            r##"<path d="M{x:.1} {:.1} L{:.1} {:.1} L{:.1} {:.1} Z" fill="#f08c00"/>"##,
            y - r,
            x + r,
            y + r,
            x - r,
            y + r
        ),
        MarkKind::Close => write!(
            svg,
            r##"<path d="M{:.1} {:.1} L{:.1} {:.1} M{:.1} {:.1} L{:.1} {:.1}" stroke="#d62828" stroke-width="2.2"/>"##,
            x - r,
            y - r,
            x + r,
            y + r,
            x - r,
            y + r,
            x + r,
            y - r
        ),
        MarkKind::Spawn => write!(
            svg,
            r##"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="#7b3fb5"/>"##,
            x - r,
            y - r,
            2.0 * r,
            2.0 * r
        ),
        MarkKind::Reap => write!(
            svg,
            r##"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="none" stroke="#8a5a00" stroke-width="2"/>"##,
            x - r,
            y - r,
            2.0 * r,
            2.0 * r
        ),
        MarkKind::Signal => write!(
            svg,
            r##"<circle cx="{x:.1}" cy="{y:.1}" r="{r:.1}" fill="#ffffff" stroke="#000" stroke-width="2"/>"##
        ),
    };
}

/// Time ticks along the bottom, in round steps.
fn time_axis(svg: &mut String, end: u64, y: f64) {
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
