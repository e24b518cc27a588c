//! `routes`: the routing tables, printed like `ip route`.
//!
//! By default it asks the kernel over rtnetlink as `ip route` does (read `clients::netlink`,
//! then `clients::rtnl_route`): `strace -e trace=network routes` shows the `RTM_GETLINK`
//! dump (interface names) and the `RTM_GETROUTE` dump. `--proc` (or `--file`) reads the
//! older text interface, `/proc/net/route` and `/proc/net/ipv6_route` (`clients::route`).

use std::collections::HashMap;
use std::process::ExitCode;

use clap::Parser;
use clients::netlink::DumpRefused;
use clients::rtnl_route::{self, Family, TableFilter, TABLE_MAIN};
use clients::{route, rtnl_link};

const LONG_ABOUT: &str = "\
Print the kernel's routing table like `ip route`: type (blackhole, unreachable, prohibit,
local, …), destination, gateway, device, table, proto (kernel, static, boot, dhcp, …), scope,
preferred source address, metric and flags (linkdown, onlink, …), as the kernel reports them
over rtnetlink (an RTM_GETROUTE dump on an AF_NETLINK socket). Only the main table is shown,
like `ip route`; --table N shows table N, --table all every table (and, as with
`ip route show table all`, both IPv4 and IPv6 unless -6 is given).

--proc reads /proc/net/route (IPv4) or, with -6, /proc/net/ipv6_route instead; --file PATH
reads a saved copy of either (its format is recognised; -6 must agree with it). Those files
show only the main table (IPv4) or every table mixed (IPv6), no proto, no src, no scope, and
call every rejecting route (blackhole, prohibit, unreachable) `unreachable`.

Exit status: 0 on success; 1 when the kernel or the file cannot be read; 2 when the table
does not exist (the kernel's message is printed, as `ip` prints it), when the file is not in
the expected format (the line number and the reason are printed) or the command line is
invalid.";

#[derive(Parser, Debug)]
#[command(name = env!("CARGO_BIN_NAME"), version, about = "Show the routing table like `ip route`", after_help = r#"Examples:
  routes
  routes -6"#)]
#[command(long_about = LONG_ABOUT)]
struct Args {
    /// IPv6 routes instead of IPv4.
    #[arg(short = '6')]
    ipv6: bool,
    /// Read /proc/net/route (or /proc/net/ipv6_route) instead of asking over rtnetlink.
    #[arg(long, conflicts_with = "table")]
    proc: bool,
    /// Read this saved /proc route file (either format) instead of the kernel.
    #[arg(long, value_name = "PATH", conflicts_with = "table")]
    file: Option<String>,
    /// Routing table to show: a number, main, local, default, or all.
    #[arg(long, value_name = "TABLE", value_parser = parse_table)]
    table: Option<TableFilter>,
}

fn parse_table(text: &str) -> Result<TableFilter, String> {
    match text {
        "all" => Ok(TableFilter::All),
        "main" => Ok(TableFilter::Only(TABLE_MAIN)),
        "local" => Ok(TableFilter::Only(255)),
        "default" => Ok(TableFilter::Only(253)),
        number => number
            .parse()
            .map(TableFilter::Only)
            .map_err(|_| format!("'{number}' is not a table number, main, local, default or all")),
    }
}

fn main() -> ExitCode {
    reactor::closed_stdout::quit_quietly_on_closed_stdout();
    let args = Args::parse();
    if args.proc || args.file.is_some() {
        return from_proc_file(&args);
    }
    let filter = args.table.unwrap_or(TableFilter::Only(TABLE_MAIN));
    match from_rtnetlink(args.ipv6, filter) {
        Ok(lines) => {
            for line in lines {
                println!("{line}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => match e.get_ref().and_then(|r| r.downcast_ref::<DumpRefused>()) {
            // What `ip route show table 300` says when table 300 does not exist.
            Some(refused) => {
                eprintln!("Error: {refused}.\nDump terminated");
                ExitCode::from(2)
            }
            None => {
                eprintln!("routes: rtnetlink: {e}");
                ExitCode::from(1)
            }
        },
    }
}

/// Interface names from an `RTM_GETLINK` dump, then the routes of an `RTM_GETROUTE` dump.
fn from_rtnetlink(ipv6: bool, filter: TableFilter) -> std::io::Result<Vec<String>> {
    let links = rtnl_link::links()?;
    let names: HashMap<u32, String> = links.into_iter().map(|l| (l.index, l.name)).collect();
    // Like `ip route show table all`, every table also means both families unless -6.
    let family = match (ipv6, filter) {
        (true, _) => Family::Ipv6,
        (false, TableFilter::All) => Family::Both,
        (false, TableFilter::Only(_)) => Family::Ipv4,
    };
    let table = match filter {
        TableFilter::Only(table) => Some(table),
        TableFilter::All => None,
    };
    let routes = rtnl_route::routes(family, table, &|index| names.get(&index).cloned())?;
    let shown = routes.iter().filter(|r| filter.keeps(r));
    Ok(shown.map(|r| r.render(filter)).collect())
}

/// The `/proc` text view (live, or a saved copy with --file).
fn from_proc_file(args: &Args) -> ExitCode {
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
    let parsed = match route::detect_format(&text) {
        Some(route::Format::Ipv4) if args.ipv6 => {
            Err("an IPv4 route file (/proc/net/route format), but -6 was given".into())
        }
        Some(route::Format::Ipv6) if !args.ipv6 => {
            Err("an IPv6 route file (/proc/net/ipv6_route format): add -6".into())
        }
        Some(route::Format::Ipv4) => route::parse_ipv4_routes(&text).map_err(|e| e.to_string()),
        Some(route::Format::Ipv6) => route::parse_ipv6_routes(&text).map_err(|e| e.to_string()),
        None if text.trim().is_empty() => Ok(Vec::new()),
        None => Err("neither /proc/net/route nor /proc/net/ipv6_route format".into()),
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
