//! `resolve`: the lecture's name-resolution programs, `getaddrinfo(3)` by default and the
//! legacy `gethostbyname(3)` with `--gethostbyname`.
//!
//! Read `clients::gai` (the safe `getaddrinfo` wrapper) first, then `clients::hostent`.
//! Neither is a system call: `strace -f resolve localhost` shows glibc opening
//! `/etc/nsswitch.conf` and `/etc/hosts`, and for other names talking UDP to the DNS server
//! of `/etc/resolv.conf`.

use std::process::ExitCode;

use clap::Parser;
use clients::gai::{self, AddrInfo, Family, Hints, SockType};
use clients::hostent;

const LONG_ABOUT: &str = "\
Resolve HOST (and SERVICE, a port number or a name from /etc/services) with getaddrinfo(3),
printing one line per result like the lecture's program: `IPV4 : 127.0.0.1`. With a SERVICE,
each line also shows the port and the socket type. With --gethostbyname, use the legacy
gethostbyname(3) instead: IPv4 only.

A numeric SERVICE outside 0-65535 is refused (glibc would wrap it silently).

Exit status: 0 on success; 2 when the name does not resolve, the port is out of range (the gai_strerror or hstrerror
message is printed on stderr) or the command line is invalid.";

#[derive(Parser, Debug)]
#[command(name = env!("CARGO_BIN_NAME"), version, about = "Resolve a host name with getaddrinfo(3) or gethostbyname(3)", after_help = r#"Examples:
  resolve localhost
  resolve -4 example.com http
  resolve --gethostbyname localhost"#)]
#[command(long_about = LONG_ABOUT)]
struct Args {
    /// Host name or numeric address to resolve.
    host: String,
    /// Service: a port number or a name from /etc/services (http, domain, …).
    service: Option<String>,
    /// IPv4 only (ai_family = AF_INET).
    #[arg(short = '4', conflicts_with = "ipv6")]
    ipv4: bool,
    /// IPv6 only (ai_family = AF_INET6).
    #[arg(short = '6')]
    ipv6: bool,
    /// TCP addresses (ai_socktype = SOCK_STREAM); the default, as in the lecture's program.
    #[arg(long, conflicts_with = "dgram")]
    stream: bool,
    /// UDP addresses (ai_socktype = SOCK_DGRAM).
    #[arg(long)]
    dgram: bool,
    /// Ask for the canonical name too (ai_flags = AI_CANONNAME).
    #[arg(long)]
    canonical: bool,
    /// Use the legacy gethostbyname(3) instead: it knows no IPv6.
    #[arg(long, conflicts_with_all = ["service", "ipv4", "ipv6", "stream", "dgram", "canonical"])]
    gethostbyname: bool,
}

fn main() -> ExitCode {
    reactor::closed_stdout::quit_quietly_on_closed_stdout();
    let args = Args::parse();
    let result = if args.gethostbyname {
        run_gethostbyname(&args.host)
    } else {
        run_getaddrinfo(&args)
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("resolve: {}: {message}", args.host);
            ExitCode::from(2)
        }
    }
}

fn hints_from(args: &Args) -> Hints {
    let family = if args.ipv4 {
        Family::Inet
    } else if args.ipv6 {
        Family::Inet6
    } else {
        Family::Unspec
    };
    let socktype = if args.dgram { SockType::Dgram } else { SockType::Stream };
    Hints::default()
        .family(family)
        .socktype(socktype)
        .canonical(args.canonical)
}

/// A numeric service must be a port, 0–65535. glibc's getaddrinfo reads it with `strtoul`
/// and keeps the low 16 bits: `99999` would silently become port 34463, `65536` port 0.
fn check_numeric_port(service: &str) -> Result<(), String> {
    let digits = service.strip_prefix(['-', '+']).unwrap_or(service);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(()); // a service name such as `http`: /etc/services decides
    }
    match service.parse::<u64>() {
        Ok(port) if port <= u64::from(u16::MAX) => Ok(()),
        _ => Err(format!(
            "port {service} is out of range: a port is a number from 0 to 65535"
        )),
    }
}

fn run_getaddrinfo(args: &Args) -> Result<(), String> {
    if let Some(service) = &args.service {
        check_numeric_port(service)?;
    }
    let results = gai::getaddrinfo(Some(&args.host), args.service.as_deref(), hints_from(args))
        .map_err(|e| format!("getaddrinfo: {e}"))?;
    if args.canonical {
        let canon = results.iter().find_map(|ai| ai.canonname.as_deref());
        println!("Canonical name: {}", canon.unwrap_or(&args.host));
    }
    let width = results.iter().map(|ai| ip_text(ai).len()).max().unwrap_or(0);
    for ai in &results {
        println!("{}", result_line(ai, args.service.is_some(), width));
    }
    Ok(())
}

/// The address as `inet_ntop` prints it, with `%scope` for link-local IPv6.
fn ip_text(ai: &AddrInfo) -> String {
    match ai.addr {
        std::net::SocketAddr::V6(v6) if v6.scope_id() != 0 => {
            format!("{}%{}", v6.ip(), v6.scope_id())
        }
        addr => addr.ip().to_string(),
    }
}

/// `IPV4 : 127.0.0.1`, plus `  port 80  STREAM` (aligned) when a service was given.
fn result_line(ai: &AddrInfo, with_service: bool, width: usize) -> String {
    let ip = ip_text(ai);
    if with_service {
        let port = ai.addr.port();
        format!("{} : {ip:<width$}  port {port}  {}", ai.family.label(), ai.socktype)
    } else {
        format!("{} : {ip}", ai.family.label())
    }
}

fn run_gethostbyname(host: &str) -> Result<(), String> {
    let ent = hostent::gethostbyname_v4(host).map_err(|e| format!("gethostbyname: {e}"))?;
    println!("Host resolves to {}", ent.name);
    for alias in &ent.aliases {
        println!("Alias: {alias}");
    }
    for addr in &ent.addresses {
        println!("{addr}");
    }
    Ok(())
}
