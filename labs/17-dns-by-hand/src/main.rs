//! `dns-by-hand NAME [A|AAAA|MX|CNAME] --server HOST:PORT [--timeout SECS]`: one DNS question
//! over UDP, built and read byte by byte (RFC 1035 §4) — what `getaddrinfo` and `dig` do
//! behind the scenes. The system calls: `socket(AF_INET, SOCK_DGRAM)`, `sendto`, `recvfrom`
//! with a receive timeout (`SO_RCVTIMEO`).
//!
//! Output, like `dig`'s: a header line with the status and the id, then one line per answer
//! record, `NAME. TTL IN TYPE DATA`. Exit 0 when an answer was read (even NXDOMAIN), 1 when
//! none could be (timeout, malformed answer), 2 on a bad command line.

mod answer;
mod query;
mod udp;

use std::process::ExitCode;
use std::time::Duration;

const USAGE: &str = "usage: dns-by-hand NAME [A|AAAA|MX|CNAME] --server HOST:PORT [--timeout SECS]";

/// What the command line asks.
struct Args {
    name: String,
    qtype: u16,
    server: String,
    timeout: Duration,
}

fn parse_args(args: &[String]) -> Result<Args, String> {
    let mut name = None;
    let mut qtype = query::TYPE_A;
    let mut server = None;
    let mut timeout = Duration::from_secs(2);
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--server" => server = Some(it.next().ok_or("--server needs HOST:PORT")?.clone()),
            "--timeout" => {
                let secs: f64 = it
                    .next()
                    .and_then(|s| s.parse().ok())
                    .filter(|s: &f64| s.is_finite() && *s > 0.0 && *s <= 60.0)
                    .ok_or("--timeout needs a number of seconds in (0, 60]")?;
                timeout = Duration::from_secs_f64(secs);
            }
            flag if flag.starts_with('-') => return Err(format!("unknown option {flag}")),
            word if name.is_none() => name = Some(word.to_string()),
            word => qtype = query::type_number(word).ok_or(format!("unknown type {word} (A, AAAA, MX, CNAME)"))?,
        }
    }
    Ok(Args {
        name: name.ok_or("a NAME is needed")?,
        qtype,
        server: server.ok_or("--server HOST:PORT is needed")?,
        timeout,
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
            eprintln!("dns-by-hand: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let id = query::new_id();
    let message = match query::build_query(id, &args.name, args.qtype) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("dns-by-hand: {}: {e}", args.name);
            return ExitCode::from(2);
        }
    };
    let reply = match udp::exchange(&args.server, &message, id, args.timeout) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("dns-by-hand: {}: {e}", args.server);
            return ExitCode::from(1);
        }
    };
    match answer::parse_answer(&reply, id) {
        Ok(answer) => {
            print!("{}", answer::render(&answer));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("dns-by-hand: malformed answer from {}: {e}", args.server);
            ExitCode::from(1)
        }
    }
}
