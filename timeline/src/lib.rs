//! # timeline — pictures of the event loop
//!
//! Pictures are not the loop's business, so they live here, outside the `reactor` crate:
//!
//! - `model.rs` reads a flight-recorder trace (`--trace FILE`, docs/trace-format.md) into
//!   rows (one per descriptor), turns and marks;
//! - `svg.rs` draws that as a timeline, `html.rs` wraps it in a page with hover details;
//! - `cost.rs` plots the time per turn of several traces (select vs poll vs epoll);
//! - `bench/` draws the benchmarks' results as charts with `plotters` (its SVG backend).
//!
//! Binaries: `loop-timeline` (a trace → SVG + HTML; `--compare` for the side-by-side page)
//! and `bench-charts` (benchmark results → SVG charts).

pub mod bench;
pub mod cost;
pub mod html;
pub mod model;
pub mod svg;
