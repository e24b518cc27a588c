//! `http-server`: a static file server (HTTP/1.1: GET and HEAD, keep-alive, pipelining,
//! ranges, conditional requests, directory listings) on any of the six concurrency models.
//!
//! ```text
//! http-server --model epoll --root ./public --listen 127.0.0.1:8080
//! listening on 127.0.0.1:8080
//! ```
//! Without `--root` it serves the small demo site in `servers/www`, and without `--listen`
//! it takes a free port (`listening on 127.0.0.1:PORT`), so `http-server` alone shows a page
//! at `http://127.0.0.1:PORT/`. Try `curl -v`, `http-get -i`, or a browser; run
//! it under `strace -f` to watch `sendfile(2)` and `openat2(2)`. The protocol is in
//! `proto/http/`, the drivers in `reactive/http.rs` and `blocking/http.rs`.

use clap::{CommandFactory, Parser};
use servers::blocking::{self, http::HttpSession};
use servers::cli::{self, ServerArgs};
use servers::proto::http::serve::refusal_bytes;
use servers::proto::http::{file_cache, Site};
use servers::reactive::access_log::{self, AccessLog};
use servers::reactive::{self, http::HttpHandler};
use servers::workers::{self, WorkerArgs};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// The demo site shipped with the sources.
const DEMO_SITE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/www");

/// HTTP/1.1 static file server.
#[derive(Parser, Debug)]
#[command(name = env!("CARGO_BIN_NAME"), version, after_help = r#"Examples:
  http-server                              the demo site, on 127.0.0.1:PORT (a free port)
  http-server --model thread --root ./public --listen 127.0.0.1:8080
Then: curl -v http://127.0.0.1:PORT/   or   http-get -i http://127.0.0.1:PORT/"#)]
struct Args {
    #[command(flatten)]
    server: ServerArgs,

    #[command(flatten)]
    workers: WorkerArgs,

    /// Directory to serve (default: the demo site shipped in servers/www).
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,

    /// Write one line per request to FILE (appended; `-` for stdout) in nginx's combined
    /// format, buffered and written once per turn of the loop; the per-request info line on
    /// stderr is then not written.
    #[arg(long, value_name = "FILE|-")]
    access_log: Option<String>,

    /// Keep files up to 16 KiB in memory, within BYTES in all (0: off, every request opens
    /// the file). Each request still checks with one fstatat(2) that the file is unchanged.
    #[arg(long, value_name = "BYTES", default_value_t = file_cache::DEFAULT_BUDGET)]
    file_cache: usize,

    /// Seconds a client may take to send a complete request head (then 408 and close).
    #[arg(long, value_name = "SECS", default_value_t = 10, value_parser = cli::at_least_one)]
    header_timeout: u64,
}

fn main() {
    reactor::closed_stdout::quit_quietly_on_closed_stdout();
    let args = Args::parse();
    args.server.check("http-server", false);
    let workers = (args.workers.count(args.server.model)).unwrap_or_else(|why| {
        Args::command()
            .error(clap::error::ErrorKind::ArgumentConflict, why)
            .exit()
    });
    cli::init_logging();
    cli::raise_fd_limit();
    let root = args.root.clone().unwrap_or_else(|| PathBuf::from(DEMO_SITE));
    let site = Site::open(&root).unwrap_or_else(|e| cli::fail(&format!("root {}", root.display()), &e));
    let site = site
        .with_naive_join(args.server.bugs.set().has(reactor::Bug::NaiveJoin))
        .with_file_cache(args.file_cache);
    log::info!("serving files from {}", site.root_path().display());
    let addr = args.server.listen_addr(cli::DEFAULT_LISTEN);
    let listener = cli::listen(&args.server, &addr).unwrap_or_else(|e| cli::fail(&format!("listen on {addr}"), &e));
    let header_timeout = Duration::from_secs(args.header_timeout);
    let model = format!("{:?}", args.server.model).to_lowercase();
    if let Err(e) = servers::proto::http::status::init(&model) {
        cli::fail("GET /status", &e);
    }
    let open_log =
        |spec: &str| AccessLog::open(spec).unwrap_or_else(|e| cli::fail(&format!("--access-log {spec}"), &e));
    let result = match args.server.model.backend() {
        Some(kind) => {
            let mut handler = HttpHandler::new(site, header_timeout);
            if let Some(spec) = &args.access_log {
                handler = handler.with_access_log(open_log(spec));
            }
            let attached = args.server.attached();
            let config = reactor::Config {
                busy_message: refusal_bytes(),
                ..args.server.reactor_config()
            };
            match workers {
                Some(n) => {
                    // Each worker takes the handler from its own copy (see workers::run):
                    // the site's directory and the log's descriptor are inherited.
                    let config = workers::config(config);
                    let mut handler = Some(handler);
                    workers::run(n, listener, move |l| match handler.take() {
                        Some(h) => reactive::run(kind, l, h, config.clone(), &attached),
                        None => Err(std::io::Error::other("worker started twice")),
                    })
                }
                None => reactive::run(kind, listener, handler, config, &attached),
            }
        }
        None => {
            let session = Arc::new(HttpSession {
                site,
                header_timeout,
                idle_timeout: args.server.idle_timeout(),
                access_log: args.access_log.as_deref().map(|spec| {
                    let file =
                        access_log::open_file(spec).unwrap_or_else(|e| cli::fail(&format!("--access-log {spec}"), &e));
                    reactor::LineSink::new("access log", file)
                }),
            });
            let serve = move |stream: &mut _, peer: &_| session.serve(stream, peer);
            let options = blocking::Options {
                busy_message: refusal_bytes(),
                ..blocking::Options::from_args(&args.server)
            };
            blocking::run(args.server.model, listener, serve, options)
        }
    };
    if let Err(e) = result {
        cli::fail("server", &e);
    }
}
