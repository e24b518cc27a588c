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
//! `--encoding json`. `--dump` shows every message sent and received on stderr, field by
//! field, in each encoding (`dump.rs`): the quickest way to see the binary layout of
//! `servers/src/proto/metrics/binary.rs` for real.
//!
//! Read `wire.rs` (the codec, shared with the server), then `conn.rs`, `dump.rs`, `push.rs`.

mod conn;
mod dump;
mod push;
mod wire;

use clap::{Parser, Subcommand};
use conn::{Connection, Encoding, Target};
use servers::cli::at_least_one;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;
use wire::command::{Command, Kind};

/// Client of metrics-server: desc, val, get, list, reset, or push the load average.
#[derive(Parser, Debug)]
#[command(name = env!("CARGO_BIN_NAME"), version, after_help = r#"Examples:
  metrics-client 127.0.0.1 PORT desc hits counter requests served
  metrics-client --encoding binary --dump 127.0.0.1 PORT val hits 1
  metrics-client --encoding json --unix /tmp/metrics.sock list
  metrics-client 127.0.0.1 PORT push --interval 1000 load1      (Ctrl-C stops)"#)]
struct Args {
    /// Encoding spoken on the connection.
    #[arg(long, value_enum, default_value_t = Encoding::Text)]
    encoding: Encoding,
    /// Print each message sent and received on stderr, field by field.
    #[arg(long)]
    dump: bool,
    /// Connect to a UNIX domain socket instead (metrics-server --unix PATH).
    #[arg(long, value_name = "PATH", conflicts_with_all = ["host", "port"])]
    unix: Option<PathBuf>,
    /// Server host name or address.
    #[arg(required_unless_present = "unix")]
    host: Option<String>,
    /// Server port.
    #[arg(required_unless_present = "unix")]
    port: Option<u16>,
    #[command(subcommand)]
    action: Action,
}

#[derive(Subcommand, Debug)]
enum Action {
    /// Register a metric: NAME counter|gauge DOC…
    Desc {
        /// Metric name: letters, digits, _ and :, not starting with a digit (at most 64 bytes).
        name: String,
        /// counter (only grows: VAL adds) or gauge (VAL sets it).
        #[arg(value_parser = parse_kind)]
        kind: Kind,
        /// Free text, shown as # HELP.
        doc: Vec<String>,
    },
    /// Send a value: a counter adds it, a gauge takes it.
    Val {
        /// A metric registered with desc.
        name: String,
        /// The number: added to a counter (not negative), or the gauge's new value.
        #[arg(allow_negative_numbers = true)]
        value: f64,
        /// Milliseconds since 1970 (default: the server's clock).
        #[arg(long, default_value_t = 0)]
        timestamp: i64,
    },
    /// Read one metric.
    Get {
        /// The metric's name.
        name: String,
    },
    /// Read every metric.
    List,
    /// Set a metric back to 0 (kind and doc stay).
    Reset { name: String },
    /// Report the 1-minute load average (/proc/loadavg) as gauge NAME until interrupted.
    Push {
        /// Milliseconds between two values.
        #[arg(long, default_value_t = 1000, value_parser = at_least_one)]
        interval: u64,
        /// Stop after this many values.
        #[arg(long, value_parser = at_least_one)]
        count: Option<u64>,
        /// The gauge to report to (registered by push if needed).
        name: String,
    },
}

fn parse_kind(word: &str) -> Result<Kind, String> {
    Kind::parse(word).ok_or_else(|| format!("{word:?}: expected counter or gauge"))
}

fn main() -> ExitCode {
    reactor::closed_stdout::quit_quietly_on_closed_stdout();
    let args = Args::parse();
    let target = match (&args.unix, &args.host, args.port) {
        (Some(path), _, _) => Target::Unix(path.clone()),
        (None, Some(host), Some(port)) => Target::Tcp(host.clone(), port),
        _ => return fail("give HOST PORT or --unix PATH"), // clap requires one of them
    };
    let mut conn = match Connection::open(&target, args.encoding, args.dump) {
        Ok(conn) => conn,
        Err(e) => return fail(&format!("connect to {}: {e}", target.describe())),
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
