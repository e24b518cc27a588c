//! `kv-server --listen HOST:PORT [--model select|poll|epoll]`: the key-value store of lab 15
//! on the reactor. Prints `listening on ADDR` once bound; exit 2 on a bad flag.

use lab15_kv::server::Store;
use reactor::{BackendKind, Config, ListenAddr, Listener, Reactor};
use std::io::Write;
use std::process::ExitCode;

const USAGE: &str = "usage: kv-server --listen HOST:PORT [--model select|poll|epoll]";

fn parse_args(args: &[String]) -> Result<(String, BackendKind), String> {
    let mut listen = None;
    let mut model = BackendKind::Epoll;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = || it.next().cloned().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--listen" => listen = Some(value()?),
            "--model" => model = value()?.parse()?,
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok((listen.ok_or("--listen HOST:PORT is needed")?, model))
}

fn serve(listen: &str, model: BackendKind) -> std::io::Result<()> {
    let limits = Config {
        // A partial frame is at most a header, the longest body and the canary.
        max_input: 8 * 1024,
        ..Config::default()
    };
    let mut reactor = Reactor::new(model, Store::default(), limits)?;
    let listener = Listener::bind(&ListenAddr::tcp(listen))?;
    let mut out = std::io::stdout();
    writeln!(out, "listening on {}", listener.local_addr_string()?)?;
    out.flush()?;
    reactor.listen(listener)?;
    reactor.watch_signals(&[])?;
    reactor.run()
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let (listen, model) = match parse_args(&args) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("kv-server: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match serve(&listen, model) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("kv-server: {e}");
            ExitCode::from(1)
        }
    }
}
