//! Command-line flags of `idle-conns` (clap derive; bad flags exit with status 2).

use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
use std::time::Duration;

use clap::Parser;

/// Longest hold: every load tool of this course is bounded in time.
const MAX_HOLD_SECS: u64 = 3600;

/// Open N TCP connections to a server and hold them, silent, so the server's cost per idle
/// connection can be measured (`make demo-scale`).
#[derive(Parser, Debug)]
#[command(name = env!("CARGO_BIN_NAME"), version, after_help = r#"Examples:
  idle-conns --count 10000 127.0.0.1:PORT
  idle-conns --count 100000 --sources 4 --hold 60 127.0.0.1:PORT"#)]
pub struct Cli {
    /// Server address (IPv4 or IPv6 HOST:PORT).
    #[arg(value_name = "HOST:PORT")]
    pub target: SocketAddr,

    /// Connections to open.
    #[arg(short = 'n', long, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub count: u32,

    /// Spread the connections over this many source addresses 127.0.0.1, 127.0.0.2, …
    /// (`bind(2)` before `connect(2)`): one source address has one ephemeral port range,
    /// ~28k ports by default, towards one destination. Needs a 127.0.0.0/8 target.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u8).range(1..=250))]
    pub sources: u8,

    /// Connects in flight at once: enough to be quick, few enough not to overflow the
    /// server's accept queue (its `listen` backlog).
    #[arg(long, default_value_t = 256, value_parser = clap::value_parser!(u32).range(1..=65_536))]
    pub window: u32,

    /// Seconds a connect may take before it counts as failed.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=60))]
    pub connect_timeout: u64,

    /// Stop opening after this many failed connects in a row (the server stopped accepting).
    /// Several windows' worth: a server stalled for a few seconds on a busy machine times out
    /// a whole window at once, and that is not a server that stopped accepting.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..))]
    pub give_up_after: u32,

    /// Seconds to hold the connections once they are open, then exit (SIGTERM ends it sooner).
    #[arg(long, default_value_t = 300, value_parser = clap::value_parser!(u64).range(0..=MAX_HOLD_SECS))]
    pub hold: u64,
}

impl Cli {
    /// The source address of connection `i`, or None to let the kernel pick (one source).
    pub fn source_of(&self, i: u32) -> Option<SocketAddr> {
        if self.sources <= 1 {
            return None;
        }
        let host = 1 + (i % u32::from(self.sources)) as u8;
        Some(SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::new(127, 0, 0, host), 0)))
    }

    /// Several sources only make sense on IPv4 loopback, where 127.0.0.0/8 is all local.
    pub fn check(&self) -> Result<(), String> {
        let loopback_v4 = matches!(self.target, SocketAddr::V4(a) if a.ip().is_loopback());
        if self.sources > 1 && !loopback_v4 {
            return Err(format!(
                "--sources {} needs a 127.0.0.0/8 target, not {}",
                self.sources, self.target
            ));
        }
        Ok(())
    }

    pub fn connect_timeout(&self) -> Duration {
        Duration::from_secs(self.connect_timeout)
    }

    pub fn hold(&self) -> Duration {
        Duration::from_secs(self.hold)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cli(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("idle-conns").chain(args.iter().copied()))
    }

    #[test]
    fn sources_cycle_over_loopback_addresses() -> Result<(), clap::Error> {
        let c = cli(&["--count", "10", "--sources", "3", "127.0.0.1:7"])?;
        assert!(c.check().is_ok());
        let hosts: Vec<String> = (0..4)
            .filter_map(|i| c.source_of(i))
            .map(|a| a.ip().to_string())
            .collect();
        assert_eq!(hosts, ["127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.1"]);
        assert_eq!(cli(&["--count", "10", "127.0.0.1:7"])?.source_of(5), None);
        Ok(())
    }

    #[test]
    fn bad_flags_are_refused() -> Result<(), clap::Error> {
        assert!(cli(&["--count", "0", "127.0.0.1:7"]).is_err());
        assert!(cli(&["--count", "5"]).is_err());
        assert!(cli(&["--count", "5", "--hold", "99999", "127.0.0.1:7"]).is_err());
        assert!(cli(&["--count", "5", "--sources", "2", "[::1]:7"])?.check().is_err());
        Ok(())
    }
}
