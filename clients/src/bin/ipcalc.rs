//! `ipcalc`: the lecture's netmask tables (192.168.0.1/24 → 254 hosts, /16 → 65534) computed
//! for any IPv4 or IPv6 address and prefix.
//!
//! No system call: everything is in `clients::ipcalc` (read `v4.rs`, then `table.rs`); this
//! file only parses the command line and prints.

use std::process::ExitCode;

use clap::Parser;

const LONG_ABOUT: &str = "\
Show what an address and its prefix (or netmask) mean: netmask, wildcard, network, broadcast,
first and last host and number of hosts, each with its 32 bits grouped by octet and a space
where the prefix ends; the address class and range (private, loopback, …). For IPv6: the
compressed and expanded address, network, first and last address, size and type.

Examples: ipcalc 192.168.0.1/24    ipcalc 192.168.0.1 255.255.0.0    ipcalc fe80::1/64

Exit status: 0 on success; 2 on invalid input (a bad octet, a prefix out of range, a netmask
that is not contiguous), with a message saying what is wrong.";

#[derive(Parser, Debug)]
#[command(name = env!("CARGO_BIN_NAME"), version, about = "Compute IPv4/IPv6 network parameters from an address and prefix", after_help = r#"Examples:
  ipcalc 192.168.0.1/24
  ipcalc 10.1.2.3 255.255.240.0
  ipcalc fe80::1/64"#)]
#[command(long_about = LONG_ABOUT)]
struct Args {
    /// ADDRESS/PREFIX (192.168.0.1/24, fe80::1/64), or ADDRESS followed by NETMASK.
    address: String,
    /// NETMASK (255.255.255.0) or PREFIX (24) when ADDRESS has no /PREFIX.
    netmask: Option<String>,
}

fn main() -> ExitCode {
    reactor::closed_stdout::quit_quietly_on_closed_stdout();
    let args = Args::parse();
    match clients::ipcalc::report(&args.address, args.netmask.as_deref()) {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("ipcalc: {e}");
            ExitCode::from(2)
        }
    }
}
