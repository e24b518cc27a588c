//! Drawing a [`Timeline`] as a self-contained SVG: one row per descriptor (labelled with its
//! peer), time across, the loop's waits shaded, events as marks, a turn ruler and a legend.
//!
//! This is a diagram, not a chart, so it is drawn directly as SVG elements. Every mark and
//! shaded wait carries a `<title>`: a browser shows it on hover, and the HTML page
//! (`html.rs`) shows it in a details box. Big traces stay readable by aggregation: marks of
//! one kind that would land within `BUCKET_PX` of each other on a row become one mark with
//! a count, waits are shaded per pixel column by the fraction of time spent waiting, and
//! connections with nothing but an accept and a close fold into one "quiet" row.

mod marks;
mod time;

pub use time::{micros, nice_step};

use crate::model::{MarkKind, RowKind, Timeline};
use marks::{marks, shape};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use time::{ruler, time_axis, waits};

pub const WIDTH: f64 = 1200.0;
pub(crate) const LABEL_W: f64 = 260.0;
pub(crate) const RIGHT_PAD: f64 = 20.0;
pub(crate) const ROW_H: f64 = 22.0;
pub(crate) const TOP: f64 = 96.0;
/// Marks closer than this (pixels) on one row merge into one.
pub(crate) const BUCKET_PX: f64 = 4.0;
/// Past this many rows, quiet connections fold into one row.
const MAX_ROWS: usize = 40;

/// Where each row of the trace is drawn (several trace rows may share a drawn row).
pub(crate) struct Layout {
    /// Drawn row of each trace row.
    pub(crate) slot: Vec<usize>,
    /// Label of each drawn row.
    labels: Vec<String>,
    /// Lifelines: (drawn row, from µs, to µs).
    lives: Vec<(usize, u64, u64)>,
}

pub(crate) fn x_of(t_us: u64, end_us: u64) -> f64 {
    let plot_w = WIDTH - LABEL_W - RIGHT_PAD;
    LABEL_W + plot_w * (t_us as f64 / end_us.max(1) as f64)
}

pub(crate) fn esc(text: &str) -> String {
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
    legend(&mut svg, tl);
    draw_rows(&mut svg, &layout);
    waits(&mut svg, tl, end, rows_h);
    ruler(&mut svg, tl, end);
    lifelines(&mut svg, &layout, end);
    marks(&mut svg, tl, &layout, end);
    time_axis(&mut svg, end, TOP + rows_h);
    svg.push_str("</svg>\n");
    svg
}

/// The legend: the wait shading (when the trace has turns) and the kinds of mark it uses.
fn legend(svg: &mut String, tl: &Timeline) {
    let mut x = 10.0;
    let y = 44.0;
    if !tl.turns.is_empty() {
        let _ = write!(
            svg,
            r##"<rect x="{x}" y="{}" width="22" height="12" fill="#cfe3f7"/><text x="{}" y="{}">waiting in the backend</text>"##,
            y - 9.0,
            x + 26.0,
            y + 1.0
        );
        x += 180.0;
    }
    let used: std::collections::BTreeSet<MarkKind> = tl.marks.iter().map(|m| m.kind).collect();
    for kind in MarkKind::ALL.into_iter().filter(|k| used.contains(k)) {
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
