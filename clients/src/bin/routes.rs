//! `routes`: the routing table, printed like `ip route` (`default via GW dev IF`,
//! `NET/PREFIX dev IF`), from `/proc/net/route`, or `/proc/net/ipv6_route` with `-6`.
//!
//! Read `clients::route` first; this file reads the file and prints. `strace routes` shows a
//! single `openat("/proc/net/route")` and `read`: the kernel writes the table as text.

use std::process::ExitCode;

use clap::Parser;
use clients::route;

const LONG_ABOUT: &str = "\
Print the kernel's routing table like `ip route`, read from /proc/net/route (IPv4) or, with
-6, /proc/net/ipv6_route (which also lists the local and multicast routes that
`ip -6 route` keeps in other tables). --file reads a saved copy instead.

Exit status: 0 on success; 1 when the file cannot be read; 2 when it is not in the expected
format (the line number and the reason are printed) or the command line is invalid.";

#[derive(Parser, Debug)]
#[command(name = env!("CARGO_BIN_NAME"), version, about = "Show the routing table like `ip route`", after_help = r#"Examples:
  routes
  routes -6"#)]
#[command(long_about = LONG_ABOUT)]
struct Args {
    /// IPv6 routes (/proc/net/ipv6_route) instead of IPv4.
    #[arg(short = '6')]
    ipv6: bool,
    /// Read this file instead of the live /proc one (a saved copy, a test sample).
    #[arg(long, value_name = "PATH")]
    file: Option<String>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let default = if args.ipv6 {
        "/proc/net/ipv6_route"
    } else {
        "/proc/net/route"
    };
    let path = args.file.as_deref().unwrap_or(default);
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("routes: cannot read {path}: {e}");
            return ExitCode::from(1);
        }
    };
    let parsed = if args.ipv6 {
        route::parse_ipv6_routes(&text)
    } else {
        route::parse_ipv4_routes(&text)
    };
    match parsed {
        Ok(routes) => {
            for r in routes {
                println!("{r}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("routes: {path}: {e}");
            ExitCode::from(2)
        }
    }
}
