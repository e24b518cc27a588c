//! Lab 13: the lecture's echo server three ways — iterative, fork, thread — with std and nix
//! only (labs/13-echo-three-ways/README.md).
//!
//! ```text
//! lab13-echo --model iterative|fork|thread [--listen HOST:PORT]
//! ```
//!
//! Once bound it prints `listening on ADDR`; SIGTERM (or SIGINT) stops it with exit status 0;
//! a bad flag is a message and exit status 2. Read `listen.rs` (socket, bind, listen, accept),
//! then `echo.rs` (one client, and the iterative server), `fork.rs` and `thread.rs`.

mod echo;
mod fork;
mod listen;
mod thread;

use std::io::Write;
use std::process::ExitCode;

/// The three ways of serving clients of the lecture's « Parallélisme de Serveur ».
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Model {
    Iterative,
    Fork,
    Thread,
}

const USAGE: &str = "usage: lab13-echo --model iterative|fork|thread [--listen HOST:PORT]";

/// The command line: `--model` is required, `--listen` defaults to 127.0.0.1:7007.
fn parse_args(args: &[String]) -> Result<(Model, String), String> {
    let mut model = None;
    let mut listen = "127.0.0.1:7007".to_string();
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--model" => {
                model = Some(match value()?.as_str() {
                    "iterative" => Model::Iterative,
                    "fork" => Model::Fork,
                    "thread" => Model::Thread,
                    other => return Err(format!("unknown model {other:?}")),
                })
            }
            "--listen" => listen = value()?.clone(),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    let model = model.ok_or("--model is required")?;
    Ok((model, listen))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (model, addr) = match parse_args(&args) {
        Ok(parsed) => parsed,
        Err(e) => {
            eprintln!("lab13-echo: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(model, &addr) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("lab13-echo: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Bind, say where, then serve with the chosen model until SIGTERM.
fn run(model: Model, addr: &str) -> std::io::Result<()> {
    listen::on_sigterm_stop()?;
    let listener = listen::open_listener(addr)?;
    let local = listener.local_addr()?;
    let mut stdout = std::io::stdout();
    writeln!(stdout, "listening on {local}")?;
    stdout.flush()?;
    match model {
        Model::Iterative => echo::serve_iterative(&listener),
        Model::Fork => fork::serve_fork(listener),
        Model::Thread => thread::serve_thread(&listener),
    }
}
