//! Benchmark charts: the tables of `make bench`, `make bench-chat` and `make bench-http` as
//! SVG pictures, drawn with `plotters` (its SVG backend only: no system libraries).
//!
//! Each chart has axis titles with units, a legend, and a footer naming the machine and the
//! date: a figure without its machine is not a result. The readers of each bench's output
//! are in `echo.rs` (loadgen's raw JSON), `chat.rs` and `http.rs` (the printed tables), and
//! `scale.rs` (the JSON lines of `make demo-scale`).

pub mod chat;
pub mod echo;
pub mod http;
pub mod scale;

use plotters::coord::Shift;
use plotters::prelude::*;
use std::time::{SystemTime, UNIX_EPOCH};

/// Series colours, in legend order.
pub const COLORS: [RGBColor; 8] = [
    RGBColor(31, 111, 209),
    RGBColor(240, 140, 0),
    RGBColor(46, 158, 68),
    RGBColor(214, 40, 40),
    RGBColor(123, 63, 181),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(100, 100, 100),
];

/// A chart's data: category names along x, and per series one value (or none) per category.
pub struct Grouped {
    pub title: String,
    pub x_desc: String,
    pub y_desc: String,
    pub categories: Vec<String>,
    pub series: Vec<(String, Vec<Option<f64>>)>,
}

type Res<T> = Result<T, String>;

fn err<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

/// "CPU model, N CPUs, kernel · date UTC": the footer of every chart.
pub fn machine_caption() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
        })
        .unwrap_or_else(|| "unknown CPU".to_string());
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    format!("{cpu}, {cpus} CPUs, Linux {} · {}", kernel.trim(), utc_now())
}

/// The current date and time, "YYYY-MM-DD HH:MM UTC" (civil-from-days, no date crate).
pub fn utc_now() -> String {
    let secs = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs()) as i64;
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        rest / 3600,
        rest % 3600 / 60
    )
}

/// Split off the footer and write `footer` in it, one line per `\n` (the machine, then how
/// busy it was during the run); returns the area above.
fn with_footer<'a>(root: &DrawingArea<SVGBackend<'a>, Shift>, footer: &str) -> Res<DrawingArea<SVGBackend<'a>, Shift>> {
    root.fill(&WHITE).map_err(err)?;
    let (_, h) = root.dim_in_pixel();
    let lines: Vec<&str> = footer.lines().collect();
    let (upper, lower) = root.split_vertically(h - 8 - 18 * lines.len().max(1) as u32);
    for (i, line) in lines.iter().enumerate() {
        lower
            .draw(&Text::new(
                line.to_string(),
                (12, 6 + 18 * i as i32),
                ("sans-serif", 13).into_font().color(&RGBColor(80, 80, 80)),
            ))
            .map_err(err)?;
    }
    Ok(upper)
}

/// The run's conditions line (`"summary"` of the bench scripts' conditions.json: load,
/// other processes, steal), for the footer.
pub fn conditions_line(json: &str) -> Result<String, String> {
    let value: serde_json::Value = serde_json::from_str(json).map_err(err)?;
    value
        .get("summary")
        .and_then(serde_json::Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| "no \"summary\" in the conditions".to_string())
}

fn y_range(data: &Grouped) -> f64 {
    let max = data
        .series
        .iter()
        .flat_map(|(_, v)| v.iter().flatten())
        .fold(0f64, |a, &b| a.max(b));
    if max > 0.0 {
        max * 1.3
    } else {
        1.0
    }
}

/// Lines over categories (connections, idle counts): one line per series.
pub fn lines(data: &Grouped, footer: &str) -> Res<String> {
    lines_on(data, footer, 0f64..y_range(data))
}

/// The same on a logarithmic y axis, for figures that span decades (memory per connection of
/// a process per client beside an event loop's).
pub fn log_lines(data: &Grouped, footer: &str) -> Res<String> {
    let values = || {
        data.series
            .iter()
            .flat_map(|(_, v)| v.iter().flatten().copied())
            .filter(|v| *v > 0.0)
    };
    let lo = values().fold(f64::INFINITY, f64::min);
    let hi = values().fold(0f64, f64::max);
    let (lo, hi) = if hi > 0.0 { (lo / 2.0, hi * 3.0) } else { (1.0, 10.0) };
    lines_on(data, footer, (lo..hi).log_scale())
}

fn lines_on<Y>(data: &Grouped, footer: &str, y: Y) -> Res<String>
where
    Y: plotters::coord::ranged1d::AsRangedCoord<Value = f64>,
    Y::CoordDescType: plotters::coord::ranged1d::ValueFormatter<f64>,
{
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (900, 520)).into_drawing_area();
        let area = with_footer(&root, footer)?;
        let n = data.categories.len().max(1);
        let cats = data.categories.clone();
        let mut chart = ChartBuilder::on(&area)
            .caption(&data.title, ("sans-serif", 19))
            .margin(14)
            .x_label_area_size(46)
            .y_label_area_size(80)
            .build_cartesian_2d(-0.3f64..(n as f64 - 0.7), y)
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_labels(n)
            .x_label_formatter(&|x| category_at(&cats, *x))
            .y_label_formatter(&|y| short_number(*y))
            .x_desc(data.x_desc.as_str())
            .y_desc(data.y_desc.as_str())
            .axis_desc_style(("sans-serif", 15))
            .label_style(("sans-serif", 13))
            .draw()
            .map_err(err)?;
        for (i, (name, values)) in data.series.iter().enumerate() {
            let color = COLORS[i % COLORS.len()];
            let points: Vec<(f64, f64)> = values
                .iter()
                .enumerate()
                .filter_map(|(x, v)| v.map(|v| (x as f64, v)))
                .collect();
            chart
                .draw_series(LineSeries::new(points.clone(), color.stroke_width(2)))
                .map_err(err)?
                .label(name.as_str())
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], color.stroke_width(3)));
            chart
                .draw_series(points.into_iter().map(|p| Circle::new(p, 4, color.filled())))
                .map_err(err)?;
        }
        legend(&mut chart, SeriesLabelPosition::UpperLeft)?;
        root.present().map_err(err)?;
    }
    Ok(out)
}

/// Grouped bars: for each category, one bar per series.
pub fn bars(data: &Grouped, footer: &str) -> Res<String> {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (900, 520)).into_drawing_area();
        let area = with_footer(&root, footer)?;
        let n = data.categories.len().max(1);
        let cats = data.categories.clone();
        let mut chart = ChartBuilder::on(&area)
            .caption(&data.title, ("sans-serif", 19))
            .margin(14)
            .x_label_area_size(46)
            .y_label_area_size(80)
            .build_cartesian_2d(-0.5f64..(n as f64 - 0.5), 0f64..y_range(data))
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_labels(n)
            .disable_x_mesh()
            .x_label_formatter(&|x| category_at(&cats, *x))
            .y_label_formatter(&|y| short_number(*y))
            .x_desc(data.x_desc.as_str())
            .y_desc(data.y_desc.as_str())
            .axis_desc_style(("sans-serif", 15))
            .label_style(("sans-serif", 13))
            .draw()
            .map_err(err)?;
        let k = data.series.len().max(1) as f64;
        let width = 0.8 / k;
        for (i, (name, values)) in data.series.iter().enumerate() {
            let color = COLORS[i % COLORS.len()];
            let left = -0.4 + i as f64 * width;
            let rects: Vec<Rectangle<(f64, f64)>> = values
                .iter()
                .enumerate()
                .filter_map(|(x, v)| {
                    v.map(|v| {
                        Rectangle::new(
                            [(x as f64 + left, 0.0), (x as f64 + left + width * 0.92, v)],
                            color.filled(),
                        )
                    })
                })
                .collect();
            chart
                .draw_series(rects)
                .map_err(err)?
                .label(name.as_str())
                .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 14, y + 6)], color.filled()));
            // The value above each bar: a 4 MiB bar beside a 1.7 GiB one is a flat line.
            let labels = values.iter().enumerate().filter_map(|(x, v)| {
                v.map(|v| {
                    EmptyElement::at((x as f64 + left + width * 0.46, v))
                        + Text::new(short_number(v), (-12, -16), ("sans-serif", 12).into_font())
                })
            });
            chart.draw_series(labels).map_err(err)?;
        }
        legend(&mut chart, SeriesLabelPosition::UpperRight)?;
        root.present().map_err(err)?;
    }
    Ok(out)
}

fn legend<'a, DB: DrawingBackend + 'a, CT: plotters::coord::CoordTranslate>(
    chart: &mut ChartContext<'a, DB, CT>,
    position: SeriesLabelPosition,
) -> Res<()>
where
    DB::ErrorType: 'static,
{
    chart
        .configure_series_labels()
        .position(position)
        .label_font(("sans-serif", 14))
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .draw()
        .map_err(err)
}

/// The category drawn at a tick, if the tick sits on one.
fn category_at(categories: &[String], x: f64) -> String {
    let i = x.round();
    if (x - i).abs() > 0.01 || i < 0.0 {
        return String::new();
    }
    categories.get(i as usize).cloned().unwrap_or_default()
}

/// 12500 -> "12.5k", 2000000 -> "2M".
pub fn short_number(v: f64) -> String {
    let a = v.abs();
    if a >= 1e6 {
        format!("{}M", trim(v / 1e6))
    } else if a >= 1e3 {
        format!("{}k", trim(v / 1e3))
    } else {
        trim(v)
    }
}

fn trim(v: f64) -> String {
    let s = format!("{v:.1}");
    s.strip_suffix(".0").map_or(s.clone(), str::to_string)
}

#[cfg(test)]
mod tests {
    use super::{conditions_line, short_number, utc_now};

    #[test]
    fn conditions_come_from_the_summary() {
        assert_eq!(
            conditions_line(r#"{"quiet":true,"summary":"quiet run: load 0.1"}"#),
            Ok("quiet run: load 0.1".into())
        );
        assert!(conditions_line("{}").is_err());
        assert!(conditions_line("nope").is_err());
    }

    #[test]
    fn numbers_and_dates_for_captions() {
        assert_eq!(short_number(12_500.0), "12.5k");
        assert_eq!(short_number(2_000_000.0), "2M");
        assert_eq!(short_number(4.0), "4");
        let now = utc_now();
        assert_eq!(now.len(), "2026-11-27 13:39 UTC".len(), "{now}");
        assert!(now.starts_with("20") && now.ends_with(" UTC"), "{now}");
    }
}
