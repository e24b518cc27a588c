//! `metrics-client`: talk to `metrics-server` in any of its three encodings.
//!
//! ```text
//! metrics-client 127.0.0.1 7070 desc hits counter requests served
//! metrics-client --encoding binary --dump 127.0.0.1 7070 val hits 1
//! metrics-client --encoding json 127.0.0.1 7070 list
//! metrics-client 127.0.0.1 7070 push --interval 1000 load1      (Ctrl-C to stop)
//! ```
//!
//! Replies are printed in the text form (`OK …`, `ERR …`), or as the JSON line itself with
//! `--encoding json`. `--dump` shows every frame sent and received as hex on stderr: the
//! quickest way to see the binary layout of `servers/src/proto/metrics/binary.rs` for real.
//!
//! Read `wire.rs` (the codec, shared with the server), then `conn.rs`, then `push.rs`.

mod conn;
mod push;
mod wire;

use clap::{Parser, Subcommand};
use conn::{Connection, Encoding};
use std::process::ExitCode;
use std::time::Duration;
use wire::command::{Command, Kind};

/// Client of metrics-server: desc, val, get, list, reset, or push the load average.
#[derive(Parser, Debug)]
#[command(name = "metrics-client", version)]
struct Args {
    /// Encoding spoken on the connection.
    #[arg(long, value_enum, default_value_t = Encoding::Text)]
    encoding: Encoding,
    /// Print each frame sent and received as hex on stderr.
    #[arg(long)]
    dump: bool,
    /// Server host name or address.
    host: String,
    /// Server port.
    port: u16,
    #[command(subcommand)]
    action: Action,
}

#[derive(Subcommand, Debug)]
enum Action {
    /// Register a metric: NAME counter|gauge DOC…
    Desc {
        name: String,
        #[arg(value_parser = parse_kind)]
        kind: Kind,
        /// Free text, shown as # HELP.
        doc: Vec<String>,
    },
    /// Send a value: a counter adds it, a gauge takes it.
    Val {
        name: String,
        #[arg(allow_negative_numbers = true)]
        value: f64,
        /// Milliseconds since 1970 (default: the server's clock).
        #[arg(long, default_value_t = 0)]
        timestamp: i64,
    },
    /// Read one metric.
    Get { name: String },
    /// Read every metric.
    List,
    /// Set a metric back to 0 (kind and doc stay).
    Reset { name: String },
    /// Report the 1-minute load average (/proc/loadavg) as gauge NAME until interrupted.
    Push {
        /// Milliseconds between two values.
        #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..))]
        interval: u64,
        /// Stop after this many values.
        #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
        count: Option<u64>,
        name: String,
    },
}

fn parse_kind(word: &str) -> Result<Kind, String> {
    Kind::parse(word).ok_or_else(|| format!("{word:?}: expected counter or gauge"))
}

fn main() -> ExitCode {
    let args = Args::parse();
    let mut conn = match Connection::open(&args.host, args.port, args.encoding, args.dump) {
        Ok(conn) => conn,
        Err(e) => return fail(&format!("connect to {} port {}: {e}", args.host, args.port)),
    };
    let command = match args.action {
        Action::Push { interval, count, name } => {
            return match push::push(&mut conn, &name, Duration::from_millis(interval), count) {
                Ok(true) => ExitCode::SUCCESS,
                Ok(false) => ExitCode::from(1),
                Err(e) => fail(&e),
            };
        }
        Action::Desc { name, kind, doc } => Command::Desc {
            name,
            kind,
            doc: doc.join(" "),
        },
        Action::Val { name, value, timestamp } => Command::Val { name, value, timestamp },
        Action::Get { name } => Command::Get { name },
        Action::List => Command::List,
        Action::Reset { name } => Command::Reset { name },
    };
    match conn.request(&command) {
        Ok(answer) => {
            print!("{}", answer.printed);
            if answer.ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Err(e) => fail(&e.to_string()),
    }
}

fn fail(why: &str) -> ExitCode {
    eprintln!("metrics-client: {why}");
    ExitCode::from(1)
}
