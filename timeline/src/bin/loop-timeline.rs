//! `loop-timeline`: a flight-recorder trace (`--trace FILE`) → a timeline picture.
//!
//! ```text
//! loop-timeline target/timeline/select.jsonl            # writes select.svg and select.html
//! loop-timeline --compare -o target/timeline/compare select=a.jsonl epoll=b.jsonl
//! ```
//! The SVG stands alone (a browser shows each mark's details on hover); the HTML page embeds
//! it with a details box. `--compare` puts several traces on one page, each as a timeline,
//! with their time per turn plotted together.

use clap::Parser;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;
use timeline::{cost, html, model, svg};

#[derive(Parser, Debug)]
#[command(version, about = "Draw an event-loop trace as an SVG timeline and an HTML page")]
struct Args {
    /// Trace files; with --compare, LABEL=FILE pairs.
    #[arg(required = true)]
    traces: Vec<String>,
    /// Output path without extension (default: the trace's path without its extension).
    #[arg(short, long, value_name = "BASE")]
    out: Option<PathBuf>,
    /// Title of the picture (default: the model and the file name).
    #[arg(long)]
    title: Option<String>,
    /// Several traces side by side, with their per-turn cost on one chart.
    #[arg(long)]
    compare: bool,
}

fn main() -> ExitCode {
    reactor::closed_stdout::quit_quietly_on_closed_stdout();
    let args = Args::parse();
    let result = if args.compare { compare(&args) } else { single(&args) };
    match result {
        Ok(paths) => {
            for p in paths {
                println!("{}", p.display());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("loop-timeline: {e}");
            ExitCode::from(1)
        }
    }
}

fn read(path: &str) -> Result<model::Timeline, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let tl = model::parse(&text);
    if tl.rows.is_empty() && tl.turns.is_empty() {
        return Err(format!("{path}: no trace records (is it a --trace file?)"));
    }
    if tl.skipped_lines > 0 {
        eprintln!(
            "loop-timeline: {path}: skipped {} lines that were not JSON objects",
            tl.skipped_lines
        );
    }
    Ok(tl)
}

fn write(path: PathBuf, text: &str) -> Result<PathBuf, String> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(path)
}

fn with_ext(base: &Path, ext: &str) -> PathBuf {
    let mut name = base.as_os_str().to_owned();
    name.push(ext);
    PathBuf::from(name)
}

fn single(args: &Args) -> Result<Vec<PathBuf>, String> {
    let [trace] = args.traces.as_slice() else {
        return Err("one trace file at a time (or --compare LABEL=FILE ...)".into());
    };
    let started = Instant::now();
    let tl = read(trace)?;
    let base = args.out.clone().unwrap_or_else(|| Path::new(trace).with_extension(""));
    let name = Path::new(trace)
        .file_name()
        .map_or(trace.clone(), |n| n.to_string_lossy().into_owned());
    let title = args.title.clone().unwrap_or_else(|| format!("{} — {name}", tl.model));
    let picture = svg::render(&tl, &title);
    let intro = if tl.turns.is_empty() {
        format!(
            "A blocking model ({}): no event loop, so no turns. Each row is one connection, from accept to close, with the process or thread that served it, its reap, and its bytes in (↓) and out (↑) as the kernel counted them (TCP_INFO; the peer's FIN counts one).",
            tl.model
        )
    } else {
        format!(
            "{} turns, {} descriptors, {} marks. Rows are descriptors (labelled with the peer), time runs left to right, shaded bands are the loop waiting in {}.",
            tl.turns.len(),
            tl.rows.len(),
            tl.marks.len(),
            tl.model
        )
    };
    let page = html::page(
        &title,
        &intro,
        &[html::Section {
            heading: "",
            text: "",
            svg: &picture,
        }],
    );
    let paths = vec![
        write(with_ext(&base, ".svg"), &picture)?,
        write(with_ext(&base, ".html"), &page)?,
    ];
    eprintln!(
        "loop-timeline: {} turns rendered in {:.0} ms",
        tl.turns.len(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    Ok(paths)
}

fn compare(args: &Args) -> Result<Vec<PathBuf>, String> {
    let base = args.out.clone().ok_or("--compare needs -o BASE")?;
    let mut loaded = Vec::new();
    for pair in &args.traces {
        let (label, path) = pair.split_once('=').ok_or(format!("{pair}: expected LABEL=FILE"))?;
        loaded.push((label.to_string(), read(path)?));
    }
    let title = args
        .title
        .clone()
        .unwrap_or_else(|| "Time per turn, side by side".into());
    let traces: Vec<(String, &model::Timeline)> = loaded.iter().map(|(l, t)| (l.clone(), t)).collect();
    let chart = cost::chart(&traces, &title)?;
    let mut summary = String::from("Median time per serving turn: ");
    let costs: Vec<cost::TurnCost> = loaded.iter().map(|(l, t)| cost::summarize(l, t)).collect();
    for (i, c) in costs.iter().enumerate() {
        if i > 0 {
            summary.push_str("; ");
        }
        summary.push_str(&format!(
            "{} {:.0} µs (p90 {:.0}, {} fds watched, {} turns)",
            c.label, c.median_us, c.p90_us, c.watched, c.turns
        ));
        eprintln!(
            "loop-timeline: {:<16} median {:>6.0} µs/turn  p90 {:>6.0}  watched {:>5}  serving turns {}",
            c.label, c.median_us, c.p90_us, c.watched, c.turns
        );
    }
    summary.push('.');
    let pictures: Vec<(String, String)> = loaded
        .iter()
        .map(|(label, tl)| (label.clone(), svg::render(tl, &format!("{label} ({})", tl.model))))
        .collect();
    let footer = timeline::bench::machine_caption();
    let medians = cost::medians_chart(&costs, &footer)?;
    let mut sections = vec![
        html::Section {
            heading: "Median time per turn",
            text: &summary,
            svg: &medians,
        },
        html::Section {
            heading: "Time per turn over the run",
            text: "Each line: the mean time of the turns that served the client, in slices of the run.",
            svg: &chart,
        },
    ];
    for (label, picture) in &pictures {
        sections.push(html::Section {
            heading: label,
            text: "",
            svg: picture,
        });
    }
    let page = html::page(
        &title,
        "Each timeline below is one traced run; the chart puts their turns together.",
        &sections,
    );
    let mut paths = vec![
        write(with_ext(&base, "-medians.svg"), &medians)?,
        write(with_ext(&base, "-cost.svg"), &chart)?,
    ];
    for (label, picture) in &pictures {
        paths.push(write(with_ext(&base, &format!("-{label}.svg")), picture)?);
    }
    paths.push(write(with_ext(&base, ".html"), &page)?);
    Ok(paths)
}
