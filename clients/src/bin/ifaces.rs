//! `ifaces`: the machine's interfaces and addresses, printed like `ip address`.
//!
//! By default it asks the kernel over rtnetlink as `ip` does (read `clients::netlink`, then
//! `clients::rtnl_link` and `clients::rtnl_print`): `strace -e trace=network ifaces` shows
//! the `socket(AF_NETLINK)`, `bind`, two `sendto` dump requests and the `recvfrom` loop.
//! `--getifaddrs` keeps the simpler view through `getifaddrs(3)` (`clients::iface`).

use std::process::ExitCode;

use clap::Parser;
use clients::{iface, rtnl_link, rtnl_print};

const LONG_ABOUT: &str = "\
List the network interfaces like `ip address`: index, name (@peer for a veth), flags
(LOOPBACK, BROADCAST, MULTICAST, UP, LOWER_UP, M-DOWN, …), MTU, qdisc, state, the hardware
address (with link-netns NAME, or link-netnsid N, when a veth's peer lives in another network
namespace), the interface's altnames, and every IPv4 and IPv6 address with its peer,
broadcast, scope, flags (secondary, nodad, tentative, dynamic, …), label and lifetimes, as
the kernel reports them over rtnetlink (RTM_GETLINK and RTM_GETADDR dumps on an AF_NETLINK
socket).

--getifaddrs uses getifaddrs(3) and /sys/class/net instead. That interface cannot show an
address's scope (it is guessed from the address), its flags (secondary, nodad, …), the
qdisc, or the @peer of a veth; it has one field for both the broadcast and the
point-to-point peer, and no way to say that an address has no broadcast at all.

Exit status: 0 on success; 1 when the kernel cannot be asked or the interface does not
exist; 2 on an invalid command line.";

#[derive(Parser, Debug)]
#[command(name = env!("CARGO_BIN_NAME"), version, about = "List network interfaces and addresses like `ip address`", after_help = r#"Examples:
  ifaces
  ifaces lo"#)]
#[command(long_about = LONG_ABOUT)]
struct Args {
    /// Show only this interface, by its name or one of its altnames (e.g. lo).
    name: Option<String>,
    /// Use getifaddrs(3) instead of rtnetlink (fewer facts: see --help).
    #[arg(long)]
    getifaddrs: bool,
}

fn main() -> ExitCode {
    reactor::closed_stdout::quit_quietly_on_closed_stdout();
    let args = Args::parse();
    let blocks = if args.getifaddrs {
        from_getifaddrs(args.name.as_deref())
    } else {
        from_rtnetlink(args.name.as_deref())
    };
    let blocks = match blocks {
        Ok(blocks) => blocks,
        Err(e) => {
            eprintln!("ifaces: {e}");
            return ExitCode::from(1);
        }
    };
    if blocks.is_empty() {
        if let Some(name) = &args.name {
            eprintln!("ifaces: no interface named {name}");
            return ExitCode::from(1);
        }
    }
    for block in blocks {
        print!("{block}");
    }
    ExitCode::SUCCESS
}

/// One `ip address` block per interface, from the two rtnetlink dumps.
fn from_rtnetlink(only: Option<&str>) -> Result<Vec<String>, String> {
    let (links, addresses) = rtnl_link::links_and_addresses().map_err(|e| format!("rtnetlink: {e}"))?;
    let shown = links.iter().filter(|l| only.map_or(true, |n| l.is_named(n)));
    Ok(shown.map(|l| rtnl_print::render_link(l, &links, &addresses)).collect())
}

/// The simple view from getifaddrs(3).
fn from_getifaddrs(only: Option<&str>) -> Result<Vec<String>, String> {
    let list = iface::interfaces().map_err(|e| format!("getifaddrs: {e}"))?;
    let shown = list.iter().filter(|i| only.map_or(true, |n| n == i.name));
    Ok(shown.map(iface::Interface::render).collect())
}
