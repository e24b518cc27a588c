//! `tiny-http --listen HOST:PORT --root DIR [--model select|poll|epoll] [--header-timeout SECS]`:
//! the lecture's « Serveur HTTP Ultra-Basique » (GET a file, 404) as a reactor `Handler`,
//! then made safe: keep-alive, HEAD, pipelining, and the hostile inputs — paths that climb
//! out of the root, endless headers, headers sent one byte at a time.
//!
//! The reactor does the `accept`, `read`, `write` and `sendfile`; this crate only reads bytes
//! and answers (handler.rs). Prints `listening on ADDR` once bound; exit 2 on a bad flag.

mod files;
mod handler;
mod request;
mod response;

use reactor::{BackendKind, Config, ListenAddr, Listener, Reactor};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

const USAGE: &str =
    "usage: tiny-http --listen HOST:PORT --root DIR [--model select|poll|epoll] [--header-timeout SECS]";

struct Args {
    listen: String,
    root: PathBuf,
    model: BackendKind,
    header_timeout: Duration,
}

fn parse_args(args: &[String]) -> Result<Args, String> {
    let mut listen = None;
    let mut root = None;
    let mut model = BackendKind::Epoll;
    let mut header_timeout = Duration::from_secs(10);
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = || it.next().cloned().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--listen" => listen = Some(value()?),
            "--root" => root = Some(PathBuf::from(value()?)),
            "--model" => model = value()?.parse()?,
            "--header-timeout" => {
                let secs: f64 = value()?
                    .parse()
                    .ok()
                    .filter(|s: &f64| s.is_finite() && *s > 0.0 && *s <= 3600.0)
                    .ok_or("--header-timeout needs seconds in (0, 3600]")?;
                header_timeout = Duration::from_secs_f64(secs);
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(Args {
        listen: listen.ok_or("--listen HOST:PORT is needed")?,
        root: root.ok_or("--root DIR is needed")?,
        model,
        header_timeout,
    })
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let args = match parse_args(&args) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("tiny-http: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match serve(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tiny-http: {e}");
            ExitCode::from(1)
        }
    }
}

fn serve(args: Args) -> std::io::Result<()> {
    let root = args
        .root
        .canonicalize()
        .map_err(|e| std::io::Error::new(e.kind(), format!("--root {}: {e}", args.root.display())))?;
    let handler = handler::FileServer::new(root, args.header_timeout);
    let limits = Config {
        // A safety net behind the handler's own head limit (request::MAX_HEAD).
        max_input: 64 * 1024,
        ..Config::default()
    };
    let mut reactor = Reactor::new(args.model, handler, limits)?;
    let listener = Listener::bind(&ListenAddr::tcp(&args.listen))?;
    let mut out = std::io::stdout();
    writeln!(out, "listening on {}", listener.local_addr_string()?)?;
    out.flush()?;
    reactor.listen(listener)?;
    reactor.watch_signals(&[])?;
    reactor.run()
}
