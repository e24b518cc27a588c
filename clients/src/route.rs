//! The routing table read from the kernel's text files `/proc/net/route` (IPv4) and
//! `/proc/net/ipv6_route` (IPv6): the simple view of `routes --proc`.
//!
//! `ip route` (and `routes` by default, see [`crate::rtnl_route`]) asks over rtnetlink; the
//! `/proc` files are the older interface, readable with `cat`: `strace routes --proc` shows
//! one `openat` + `read`. They cannot show a route's proto, scope, preferred source or
//! table, and call every rejecting route (blackhole, prohibit, unreachable) "reject". Read [`parse_ipv4_routes`] first: the
//! only subtlety is that IPv4 addresses are printed as a native-endian integer of the
//! network-order bytes, so on x86 `010200C0` is 192.0.2.1.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// `RTF_*` flags from `<linux/route.h>` and `<linux/ipv6_route.h>`.
const RTF_UP: u32 = 0x0001;
const RTF_GATEWAY: u32 = 0x0002;
const RTF_REJECT: u32 = 0x0200;
const RTF_LOCAL: u32 = 0x8000_0000;

/// What `ip route` prints before the destination for routes that are not plain unicast.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Unicast,
    /// `RTF_REJECT`: packets get "network unreachable".
    Unreachable,
    /// `RTF_LOCAL` (IPv6): an address of this host, from the kernel's `local` table.
    Local,
    /// ff00::/8: where multicast leaves.
    Multicast,
}

/// One route: "to reach `dest/prefix`, send through `dev`, via `gateway` if any".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route {
    pub kind: Kind,
    pub dest: IpAddr,
    pub prefix: u8,
    /// The next router; `None` means the destination is directly on the link.
    pub gateway: Option<IpAddr>,
    pub dev: String,
    /// Lower wins between routes to the same destination.
    pub metric: u32,
}

impl fmt::Display for Route {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            Kind::Unicast => {}
            Kind::Unreachable => f.write_str("unreachable ")?,
            Kind::Local => f.write_str("local ")?,
            Kind::Multicast => f.write_str("multicast ")?,
        }
        let host_bits = if self.dest.is_ipv4() { 32 } else { 128 };
        if self.prefix == 0 {
            f.write_str("default")?;
        } else if self.prefix == host_bits {
            write!(f, "{}", self.dest)?;
        } else {
            write!(f, "{}/{}", self.dest, self.prefix)?;
        }
        if let Some(gw) = self.gateway {
            write!(f, " via {gw}")?;
        }
        write!(f, " dev {}", self.dev)?;
        if self.gateway.is_none() && self.kind == Kind::Unicast && self.dest.is_ipv4() {
            f.write_str(" scope link")?;
        }
        // ip route omits a zero IPv4 metric but always shows the IPv6 one.
        if self.metric != 0 || self.dest.is_ipv6() {
            write!(f, " metric {}", self.metric)?;
        }
        Ok(())
    }
}

/// A line of a `/proc` file that does not have the expected shape.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RouteError {
    /// 1-based line number in the file.
    pub line: usize,
    pub reason: String,
}

impl fmt::Display for RouteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.reason)
    }
}

impl std::error::Error for RouteError {}

fn hex_u32(field: &str, what: &str) -> Result<u32, String> {
    u32::from_str_radix(field, 16).map_err(|_| format!("{what} '{field}' is not hexadecimal"))
}

/// The two `/proc` formats, told apart by their first line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// `/proc/net/route`: a header `Iface Destination …`, 8-hex-digit addresses.
    Ipv4,
    /// `/proc/net/ipv6_route`: no header, 32-hex-digit addresses.
    Ipv6,
}

/// Which format `text` is in, from its first non-empty line; `None` if neither.
pub fn detect_format(text: &str) -> Option<Format> {
    let first = text.lines().find(|l| !l.trim().is_empty())?;
    let fields: Vec<&str> = first.split_whitespace().collect();
    let hex = |f: &str, len: usize| f.len() == len && f.bytes().all(|b| b.is_ascii_hexdigit());
    if is_ipv4_header(first) || (fields.len() >= 8 && hex(fields[1], 8)) {
        Some(Format::Ipv4)
    } else if fields.len() == 10 && hex(fields[0], 32) {
        Some(Format::Ipv6)
    } else {
        None
    }
}

fn is_ipv4_header(line: &str) -> bool {
    line.split_whitespace().next() == Some("Iface")
}

/// Parse `/proc/net/route`: a header line (skipped when present: a saved copy may lack it),
/// then `Iface Destination Gateway Flags RefCnt Use Metric Mask MTU Window IRTT`, addresses
/// in hex. Routes that are not `RTF_UP` are skipped.
pub fn parse_ipv4_routes(text: &str) -> Result<Vec<Route>, RouteError> {
    let first = text.lines().next().unwrap_or_default();
    let skip = usize::from(is_ipv4_header(first));
    let routes = parse_lines(text, skip, parse_ipv4_line)?;
    Ok(routes.into_iter().flatten().collect())
}

/// Apply `parse` to each non-empty line after the first `skip` ones, numbering errors.
fn parse_lines<T>(text: &str, skip: usize, parse: fn(&str) -> Result<T, String>) -> Result<Vec<T>, RouteError> {
    let lines = text.lines().enumerate().skip(skip);
    let lines = lines.filter(|(_, line)| !line.trim().is_empty());
    lines
        .map(|(i, line)| parse(line).map_err(|reason| RouteError { line: i + 1, reason }))
        .collect()
}

fn parse_ipv4_line(line: &str) -> Result<Option<Route>, String> {
    let f: Vec<&str> = line.split_whitespace().collect();
    if f.len() < 8 {
        return Err(format!("expected at least 8 fields, found {}", f.len()));
    }
    let dest = proc_ipv4(hex_u32(f[1], "destination")?);
    let gateway = proc_ipv4(hex_u32(f[2], "gateway")?);
    let flags = hex_u32(f[3], "flags")?;
    let metric = f[6]
        .parse::<u32>()
        .map_err(|_| format!("metric '{}' is not a number", f[6]))?;
    let mask = u32::from(proc_ipv4(hex_u32(f[7], "mask")?));
    if mask.leading_ones() + mask.trailing_zeros() != 32 {
        return Err(format!("mask {} is not contiguous", Ipv4Addr::from(mask)));
    }
    if flags & RTF_UP == 0 {
        return Ok(None);
    }
    Ok(Some(Route {
        kind: if flags & RTF_REJECT != 0 {
            Kind::Unreachable
        } else {
            Kind::Unicast
        },
        dest: IpAddr::V4(dest),
        prefix: mask.leading_ones() as u8,
        gateway: (flags & RTF_GATEWAY != 0).then_some(IpAddr::V4(gateway)),
        dev: f[0].to_string(),
        metric,
    }))
}

/// The kernel prints the network-order bytes as a native integer: give the bytes back.
fn proc_ipv4(value: u32) -> Ipv4Addr {
    Ipv4Addr::from(value.to_ne_bytes())
}

/// Parse `/proc/net/ipv6_route`: no header; `dest plen src plen next_hop metric refcnt use
/// flags dev`, addresses as 32 hex digits in network order.
pub fn parse_ipv6_routes(text: &str) -> Result<Vec<Route>, RouteError> {
    parse_lines(text, 0, parse_ipv6_line)
}

fn parse_ipv6_line(line: &str) -> Result<Route, String> {
    let f: Vec<&str> = line.split_whitespace().collect();
    if f.len() != 10 {
        return Err(format!("expected 10 fields, found {}", f.len()));
    }
    let dest = proc_ipv6(f[0], "destination")?;
    let prefix = hex_u32(f[1], "prefix length")?;
    if prefix > 128 {
        return Err(format!("prefix length {prefix} is more than 128"));
    }
    let next_hop = proc_ipv6(f[4], "next hop")?;
    let metric = hex_u32(f[5], "metric")?;
    let flags = hex_u32(f[8], "flags")?;
    let kind = if flags & RTF_REJECT != 0 {
        Kind::Unreachable
    } else if flags & RTF_LOCAL != 0 {
        Kind::Local
    } else if dest.segments()[0] & 0xff00 == 0xff00 {
        Kind::Multicast
    } else {
        Kind::Unicast
    };
    Ok(Route {
        kind,
        dest: IpAddr::V6(dest),
        prefix: prefix as u8,
        gateway: (flags & RTF_GATEWAY != 0).then_some(IpAddr::V6(next_hop)),
        dev: f[9].to_string(),
        metric,
    })
}

fn proc_ipv6(field: &str, what: &str) -> Result<Ipv6Addr, String> {
    if field.len() != 32 {
        return Err(format!("{what} '{field}' is not 32 hex digits"));
    }
    u128::from_str_radix(field, 16)
        .map(Ipv6Addr::from)
        .map_err(|_| format!("{what} '{field}' is not hexadecimal"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const V4: &str = "\
Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
eth0\t00000000\t01C9A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0
eth0\t00C9A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0
lo\t0A00000A\t00000000\t0005\t0\t0\t0\tFFFFFFFF\t0\t0\t0
";

    #[test]
    fn ipv4_sample_like_the_lecture() {
        let lines: Vec<String> = parse_ipv4_routes(V4)
            .expect("parses")
            .iter()
            .map(Route::to_string)
            .collect();
        assert_eq!(
            lines,
            [
                "default via 192.168.201.1 dev eth0 metric 100",
                "192.168.201.0/24 dev eth0 scope link metric 100",
                "10.0.0.10 dev lo scope link",
            ]
        );
    }

    #[test]
    fn ipv6_sample() {
        let text = "\
fd000000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth0
00000000000000000000000000000000 00 00000000000000000000000000000000 00 fd000000000000000000000000000001 00000400 00000002 00000000 00000003     eth0
00000000000000000000000000000001 80 00000000000000000000000000000000 00 00000000000000000000000000000000 00000000 00000002 00000000 80200001       lo
ff000000000000000000000000000000 08 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000003 00000000 00000001     eth0
00000000000000000000000000000000 00 00000000000000000000000000000000 00 00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo
";
        let lines: Vec<String> = parse_ipv6_routes(text)
            .expect("parses")
            .iter()
            .map(Route::to_string)
            .collect();
        assert_eq!(
            lines,
            [
                "fd00::/64 dev eth0 metric 256",
                "default via fd00::1 dev eth0 metric 1024",
                "local ::1 dev lo metric 0",
                "multicast ff00::/8 dev eth0 metric 256",
                "unreachable default dev lo metric 4294967295",
            ]
        );
    }

    #[test]
    fn malformed_lines_are_errors_with_line_numbers() {
        let bad = "Iface Destination\neth0 zzzz 00000000 0001 0 0 0 00000000\n";
        let e = parse_ipv4_routes(bad).expect_err("bad hex");
        assert_eq!(e.line, 2);
        assert!(e.reason.contains("destination"), "{e}");
        assert!(parse_ipv4_routes("Iface\neth0 00000000\n").is_err());
        assert!(parse_ipv4_routes("Iface\neth0 0 0 1 0 0 0 00FF00FF\n").is_err());
        assert!(parse_ipv6_routes("00 00\n").is_err());
        // A saved copy without its header keeps its first route.
        let headerless = V4.lines().skip(1).collect::<Vec<_>>().join("\n");
        assert_eq!(parse_ipv4_routes(&headerless).expect("parses").len(), 3);
        assert_eq!(detect_format(&headerless), Some(Format::Ipv4));
        assert_eq!(detect_format(V4), Some(Format::Ipv4));
        assert_eq!(detect_format("hello world\n"), None);
        let e = parse_ipv6_routes(&"0".repeat(32).replace('0', "0 ")).expect_err("fields");
        assert!(e.reason.contains("expected 10 fields"), "{e}");
    }
}
