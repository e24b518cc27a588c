//! `ifaces`: the machine's interfaces and addresses, printed like `ip address`.
//!
//! Read `clients::iface` first (`getifaddrs(3)` through nix, grouped per interface); this
//! file only prints. `strace ifaces` shows the netlink dump glibc does for getifaddrs.

use std::process::ExitCode;

use clap::Parser;

const LONG_ABOUT: &str = "\
List the network interfaces like `ip address`: index, name, flags (LOOPBACK, BROADCAST,
MULTICAST, UP, LOWER_UP, …), MTU and state, the MAC address, and every IPv4 and IPv6 address
with its prefix length. Data from getifaddrs(3) and /sys/class/net.

Exit status: 0 on success; 1 when getifaddrs fails; 2 on an invalid command line.";

#[derive(Parser, Debug)]
#[command(name = env!("CARGO_BIN_NAME"), version, about = "List network interfaces and addresses like `ip address`", after_help = r#"Examples:
  ifaces
  ifaces lo"#)]
#[command(long_about = LONG_ABOUT)]
struct Args {
    /// Show only this interface (e.g. lo).
    name: Option<String>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let list = match clients::iface::interfaces() {
        Ok(list) => list,
        Err(e) => {
            eprintln!("ifaces: getifaddrs: {e}");
            return ExitCode::from(1);
        }
    };
    let mut shown = 0;
    for iface in list
        .iter()
        .filter(|i| args.name.as_ref().map_or(true, |n| *n == i.name))
    {
        print!("{}", iface.render());
        shown += 1;
    }
    if shown == 0 {
        if let Some(name) = &args.name {
            eprintln!("ifaces: no interface named {name}");
            return ExitCode::from(1);
        }
    }
    ExitCode::SUCCESS
}
