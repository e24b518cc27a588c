//! `bench-charts KIND INPUT --out DIR`: a benchmark's results → SVG charts in DIR.
//!
//! ```text
//! bench-charts echo target/bench/20260101-120000/raw --out target/bench/20260101-120000
//! bench-charts chat target/bench/chat-…/tables.txt --out target/bench/chat-…
//! bench-charts http target/bench/http-…/tables.txt --out target/bench/http-…
//! bench-charts scale target/scale/…/results.jsonl --out target/scale/…
//! ```
//! `echo` reads loadgen's raw JSON reports (scripts/bench.sh keeps them); `chat` and `http`
//! read the tables their scripts print. Prints the path of each chart written.

use clap::{Parser, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;
use timeline::bench;

#[derive(Copy, Clone, Debug, ValueEnum)]
enum Kind {
    /// make bench: INPUT is the directory of loadgen JSON reports.
    Echo,
    /// make bench-chat: INPUT is the script's printed output.
    Chat,
    /// make bench-http: INPUT is the script's printed output.
    Http,
    /// make demo-scale: INPUT is its results.jsonl.
    Scale,
}

#[derive(Parser, Debug)]
#[command(version, about = "Draw benchmark results as SVG charts")]
struct Args {
    #[arg(value_enum)]
    kind: Kind,
    input: PathBuf,
    /// Directory for the charts.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Footer text (default: the machine's CPU, kernel and the date).
    #[arg(long)]
    caption: Option<String>,
    /// The run's conditions.json (scripts/bench/machine-state.py verdict): its summary — how
    /// busy the machine was at the start and end — becomes a second footer line.
    #[arg(long, value_name = "FILE")]
    conditions: Option<PathBuf>,
}

fn main() -> ExitCode {
    reactor::closed_stdout::quit_quietly_on_closed_stdout();
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench-charts: {e}");
            ExitCode::from(1)
        }
    }
}

fn run(args: &Args) -> Result<(), String> {
    let mut footer = args.caption.clone().unwrap_or_else(bench::machine_caption);
    if let Some(path) = &args.conditions {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let line = bench::conditions_line(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        footer = format!("{footer}\n{line}");
    }
    let read = || std::fs::read_to_string(&args.input).map_err(|e| format!("{}: {e}", args.input.display()));
    let charts = match args.kind {
        Kind::Echo => bench::echo::charts(&args.input, &footer)?,
        Kind::Chat => bench::chat::charts(&read()?, &footer)?,
        Kind::Http => bench::http::charts(&read()?, &footer)?,
        Kind::Scale => bench::scale::charts(&read()?, &footer)?,
    };
    std::fs::create_dir_all(&args.out).map_err(|e| format!("{}: {e}", args.out.display()))?;
    for (name, svg) in charts {
        let path = args.out.join(name);
        std::fs::write(&path, svg).map_err(|e| format!("{}: {e}", path.display()))?;
        println!("{}", path.display());
    }
    Ok(())
}
