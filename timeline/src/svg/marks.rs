//! The marks of a timeline: one symbol per kind of event, merged when they would overlap, and
//! drawn as strips of cells on rows too dense for symbols.

use super::time::micros;
use super::{esc, x_of, Layout, BUCKET_PX, ROW_H, TOP};
use crate::model::{MarkKind, Timeline};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// One merged mark: (first µs, last µs, count, first detail, first turn, last turn).
type Bucket = (u64, u64, usize, String, u64, u64);

/// Marks, merged per (row, kind, bucket). A row where one kind has more buckets than fit
/// side by side becomes a strip: one small cell per bucket, darker for more events.
pub(super) fn marks(svg: &mut String, tl: &Timeline, layout: &Layout, end: u64) {
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
pub(super) fn shape(svg: &mut String, kind: MarkKind, x: f64, y: f64, k: f64) {
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
