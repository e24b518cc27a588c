//! Lab 16: addresses and netmasks with bit operations — the core of `ipcalc` for IPv4, then
//! IPv6 prefixes (labs/16-netmask/README.md). The student writes `v4.rs`, `v6.rs` and
//! `table::bits`; this file reads the command line and prints.
//!
//! ```text
//! lab16-ipcalc 192.168.0.1/24            the lecture's table
//! lab16-ipcalc 192.168.0.1 255.255.0.0   the same from a netmask
//! lab16-ipcalc 2001:db8::1/48            an IPv6 prefix: network and last address
//! lab16-ipcalc --batch                   one input per line on stdin, one `key=value` line out
//! ```
//!
//! Exit status: 0; 2 on a bad flag or (outside `--batch`) a bad input, with what is wrong.

mod table;
mod v4;
mod v6;

use std::io::{BufRead, Write};
use std::net::{Ipv4Addr, Ipv6Addr};
use std::process::ExitCode;

const USAGE: &str = "usage: lab16-ipcalc ADDRESS/PREFIX | ADDRESS NETMASK | --batch";

/// An input understood: an IPv4 address and prefix, or an IPv6 one.
enum Input {
    V4(u32, u8),
    V6(u128, u8),
}

/// `ADDRESS/PREFIX`, `ADDRESS/NETMASK` or `ADDRESS NETMASK` (the netmask through the student's
/// `prefix_of_netmask`).
fn parse(text: &str) -> Result<Input, String> {
    let (addr, mask) = text
        .split_once('/')
        .or_else(|| text.split_once(' '))
        .ok_or_else(|| format!("'{text}' has no prefix: write ADDRESS/PREFIX or ADDRESS NETMASK"))?;
    let mask = mask.trim();
    if let Ok(a) = addr.parse::<Ipv6Addr>() {
        let prefix = parse_prefix(mask, 128)?;
        return Ok(Input::V6(u128::from(a), prefix));
    }
    let a: Ipv4Addr = addr.parse().map_err(|_| format!("invalid address '{addr}'"))?;
    let prefix = if mask.contains('.') {
        let m: Ipv4Addr = mask.parse().map_err(|_| format!("invalid netmask '{mask}'"))?;
        v4::prefix_of_netmask(v4::from_octets(m.octets())).ok_or_else(|| format!("netmask {mask} is not contiguous"))?
    } else {
        parse_prefix(mask, 32)?
    };
    Ok(Input::V4(v4::from_octets(a.octets()), prefix))
}

fn parse_prefix(text: &str, max: u8) -> Result<u8, String> {
    match text.parse::<u8>() {
        Ok(p) if p <= max => Ok(p),
        _ => Err(format!("invalid prefix '{text}': 0 to {max}")),
    }
}

/// One `--batch` line: every value as `key=value`, for a grader or a script.
fn summary(text: &str) -> String {
    match parse(text) {
        Ok(Input::V4(a, p)) => {
            let d = table::dotted;
            format!(
                "{}/{p} netmask={} wildcard={} network={} broadcast={} hostmin={} hostmax={} hosts={} class={}",
                d(a),
                d(v4::netmask(p)),
                d(v4::wildcard(p)),
                d(v4::network(a, p)),
                v4::broadcast(a, p).map_or("none".into(), d),
                d(v4::host_min(a, p)),
                d(v4::host_max(a, p)),
                v4::hosts(p),
                v4::class_of(v4::network(a, p)),
            )
        }
        Ok(Input::V6(a, p)) => format!(
            "{}/{p} network={} last={}",
            Ipv6Addr::from(a),
            Ipv6Addr::from(v6::network6(a, p)),
            Ipv6Addr::from(v6::last6(a, p)),
        ),
        Err(e) => format!("{text} error={e}"),
    }
}

fn batch() -> ExitCode {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for line in std::io::stdin().lock().lines().map_while(Result::ok) {
        if writeln!(out, "{}", summary(line.trim())).is_err() {
            return ExitCode::FAILURE;
        }
    }
    if out.flush().is_err() {
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let input = match args.as_slice() {
        [flag] if flag == "--batch" => return batch(),
        [one] if !one.starts_with('-') => one.clone(),
        [addr, mask] if !addr.starts_with('-') => format!("{addr} {mask}"),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match parse(&input) {
        Ok(Input::V4(a, p)) => print!("{}", table::render(a, p)),
        Ok(Input::V6(a, p)) => {
            println!("Address:   {}", Ipv6Addr::from(a));
            println!("Network:   {}/{p}", Ipv6Addr::from(v6::network6(a, p)));
            println!("Last:      {}", Ipv6Addr::from(v6::last6(a, p)));
        }
        Err(e) => {
            eprintln!("lab16-ipcalc: {e}");
            return ExitCode::from(2);
        }
    }
    ExitCode::SUCCESS
}
