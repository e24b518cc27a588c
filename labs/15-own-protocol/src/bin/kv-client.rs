//! The client of lab 15's key-value store. The command line is fixed by the statement (the
//! grader drives it); the bytes are the student's design.
//!
//! ```text
//! kv-client --server HOST:PORT get KEY | set KEY VALUE | del KEY
//!     one line: OK, VALUE text, NOT_FOUND or ERROR why; exit 0, or 1 on ERROR or failure
//! kv-client --server HOST:PORT -      one command per line of stdin, one line out for each
//! kv-client --encode COMMAND...       the request's frame, raw, on stdout
//! kv-client --decode                  the response frames on stdin, one line each
//! kv-client --layout                  where the version, length and canary are
//! ```

use lab15_kv::client::{exchange, parse_command, read_response};
use lab15_kv::codec::{Request, LAYOUT};
use std::io::{BufRead, Write};
use std::process::ExitCode;
use std::time::Duration;

const USAGE: &str = "usage: kv-client --server HOST:PORT (get KEY | set KEY VALUE | del KEY | -)\n       \
                     kv-client --encode COMMAND... | --decode | --layout";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    match run(&args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("kv-client: {e}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &[String]) -> Result<ExitCode, String> {
    match args.first().map(String::as_str) {
        Some("--layout") => {
            println!("{LAYOUT}");
            Ok(ExitCode::SUCCESS)
        }
        Some("--encode") => {
            let req = parse_command(&args[1..])?;
            let mut out = std::io::stdout();
            out.write_all(&req.encode())
                .and_then(|()| out.flush())
                .map_err(|e| e.to_string())?;
            Ok(ExitCode::SUCCESS)
        }
        Some("--decode") => Ok(decode_stdin()),
        Some("--server") => {
            let server = args.get(1).ok_or("--server needs HOST:PORT")?;
            let requests: Vec<Request> = if args.get(2).map(String::as_str) == Some("-") {
                let mut reqs = Vec::new();
                for line in std::io::stdin().lock().lines() {
                    let line = line.map_err(|e| e.to_string())?;
                    let words: Vec<String> = line.split_whitespace().map(String::from).collect();
                    if !words.is_empty() {
                        reqs.push(parse_command(&words)?);
                    }
                }
                reqs
            } else {
                vec![parse_command(&args[2..])?]
            };
            Ok(talk(server, &requests))
        }
        _ => Err("what to do?".into()),
    }
}

/// Send the requests, print one line per response; exit 1 if any was an ERROR or failed.
fn talk(server: &str, requests: &[Request]) -> ExitCode {
    match exchange(server, requests, Duration::from_secs(3)) {
        Ok(answers) => {
            let mut failed = false;
            for a in &answers {
                let line = a.line();
                failed |= line.starts_with("ERROR");
                println!("{line}");
            }
            if failed {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(e) => {
            eprintln!("kv-client: {e}");
            ExitCode::from(1)
        }
    }
}

/// `--decode`: every response frame on stdin, a line each; a malformed one is reported.
fn decode_stdin() -> ExitCode {
    let mut stdin = std::io::stdin().lock();
    let mut pending = Vec::new();
    let mut any = false;
    loop {
        match read_response(&mut stdin, &mut pending) {
            Ok(resp) => {
                println!("{}", resp.line());
                any = true;
            }
            Err(e) if e.contains("closed") && pending.is_empty() && any => return ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("kv-client: {e}");
                return ExitCode::from(1);
            }
        }
    }
}
