//! `metrics-server`: one store of counters and gauges, fed in three encodings (binary, text,
//! JSON) on one port, scraped over HTTP in the Prometheus format.
//!
//! ```text
//! metrics-server --model epoll --listen 127.0.0.1:0 --http 127.0.0.1:0
//! listening on 127.0.0.1:40123
//! ```
//! With `--http`, the HTTP address is logged on stderr (`http on ADDR`); stdout carries only
//! the one `listening on` line of the CLI contract. Then, for example:
//! `printf 'DESC hits counter requests\nVAL hits 1\nLIST\n' | nc 127.0.0.1 40123`,
//! `metrics-client --encoding binary --dump 127.0.0.1 40123 val hits 2`,
//! `curl http://127.0.0.1:PORT/metrics`. The protocol is in `proto/metrics/`.
//!
//! Models: `thread`, `select`, `poll`, `epoll`. Not `iterative` (one client would hold the
//! store, and the HTTP port, for as long as it stays) nor `fork` (a child's store is a copy:
//! what one client stores, the others would never see).

use clap::{CommandFactory, Parser};
use reactor::ListenAddr;
use servers::blocking;
use servers::cli::{self, Model, ServerArgs};
use servers::proto::metrics::scrape::{self, ScrapeLimits};
use servers::reactive;
use servers::workers::{self, WorkerArgs};
use std::time::Duration;

/// Metrics server: DESC/VAL/GET/LIST in binary, text or JSON; Prometheus over HTTP.
#[derive(Parser, Debug)]
#[command(name = env!("CARGO_BIN_NAME"), version,
    mut_arg("model", |a| a.help("Concurrency model: thread, select, poll or epoll (not iterative, not fork: see below)")), after_help = r#"Models: thread, select, poll, epoll. Not iterative (one client would hold the store) nor
fork (each child would have its own copy of the store).

Examples:
  metrics-server --http 127.0.0.1:0        logs `http on 127.0.0.1:HTTP_PORT`
Then: metrics-client 127.0.0.1 PORT list   and   curl http://127.0.0.1:HTTP_PORT/metrics"#)]
struct Args {
    #[command(flatten)]
    server: ServerArgs,

    /// Also serve GET /metrics (Prometheus text format) and GET /metrics.json on HOST:PORT.
    #[arg(long, value_name = "HOST:PORT")]
    http: Option<String>,

    /// Scrapes served at once on --http; the next ones get 503 with Retry-After.
    #[arg(long, value_name = "N", default_value_t = scrape::MAX_SCRAPES as u64, value_parser = clap::value_parser!(u64).range(1..=65_536))]
    max_scrapes: u64,

    /// Seconds one scrape may take, request and reply; then its connection is dropped.
    #[arg(long, value_name = "SECS", default_value_t = scrape::SCRAPE_DEADLINE.as_secs(), value_parser = clap::value_parser!(u64).range(1..))]
    scrape_deadline: u64,

    #[command(flatten)]
    workers: WorkerArgs,
}

fn main() {
    reactor::closed_stdout::quit_quietly_on_closed_stdout();
    let args = Args::parse();
    args.server.check("metrics-server", false);
    if matches!(args.server.model, Model::Iterative | Model::Fork) {
        let why = "metrics-server runs on thread, select, poll or epoll: all clients share one store, \
                   which a forked child cannot, and one client would block everyone under iterative";
        Args::command().error(clap::error::ErrorKind::InvalidValue, why).exit();
    }
    let workers = match args.workers.count(args.server.model) {
        Ok(Some(n)) if n > 1 => {
            let why = "metrics-server keeps every metric in one store, in one process: with --workers N > 1 \
                       each worker would have its own store, and a client would read values another client \
                       never wrote to it (docs/workers.md). --workers 1 runs one supervised reactor";
            Args::command()
                .error(clap::error::ErrorKind::ArgumentConflict, why)
                .exit()
        }
        Ok(n) => n,
        Err(why) => Args::command()
            .error(clap::error::ErrorKind::ArgumentConflict, why)
            .exit(),
    };
    cli::init_logging();
    cli::raise_fd_limit();
    let addr = args.server.listen_addr(cli::DEFAULT_LISTEN);
    let http = args.http.as_deref().map(|host_port| {
        let addr = ListenAddr::tcp(host_port);
        let listener =
            reactor::Listener::bind(&addr).unwrap_or_else(|e| cli::fail(&format!("listen on {addr} (--http)"), &e));
        match listener.local_addr_string() {
            Ok(bound) => log::info!("http on {bound}"),
            Err(e) => cli::fail("--http address", &e),
        }
        listener
    });
    let listener = cli::listen(&args.server, &addr).unwrap_or_else(|e| cli::fail(&format!("listen on {addr}"), &e));
    let limits = ScrapeLimits {
        max: usize::try_from(args.max_scrapes).unwrap_or(usize::MAX),
        deadline: Duration::from_secs(args.scrape_deadline),
    };
    let attached = args.server.attached();
    let result = match args.server.model.backend() {
        Some(kind) => {
            let config = reactive::metrics::config(args.server.reactor_config());
            match workers {
                // One supervised worker: restarted if it dies (with an empty store).
                Some(n) => {
                    let config = workers::config(config);
                    let mut http = Some(http);
                    workers::run(n, listener, move |l| {
                        reactive::metrics::run(kind, l, http.take().flatten(), config.clone(), &attached, limits)
                    })
                }
                None => reactive::metrics::run(kind, listener, http, config, &attached, limits),
            }
        }
        None => blocking::metrics::run(listener, http, &blocking::Options::from_args(&args.server), limits),
    };
    if let Err(e) = result {
        cli::fail("server", &e);
    }
}
