//! IPv4 networks as `u32` arithmetic: netmask, wildcard, network, broadcast, host range,
//! the address class of the 1980s (RFC 791) and the special ranges ([`super::special`]).
//!
//! Read [`Net4`] first: every value in the lecture's table is one line here. Conventions
//! (RFC 3021): a /31 is a point-to-point link with two usable hosts and no broadcast; a /32
//! is a single host.

use std::net::Ipv4Addr;

use super::{err, InputError};

/// An IPv4 address with its prefix length, e.g. 192.168.0.1/24.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Net4 {
    /// The address as typed, host bits included.
    pub addr: Ipv4Addr,
    /// Number of leading 1 bits of the netmask, 0..=32.
    pub prefix: u8,
}

impl Net4 {
    /// 255.255.255.0 for /24. Shifting a u32 by 32 is undefined, hence the /0 case.
    pub fn netmask(&self) -> u32 {
        match self.prefix {
            0 => 0,
            p => u32::MAX << (32 - u32::from(p.min(32))),
        }
    }

    /// The host part: the complement of the netmask (0.0.0.255 for /24).
    pub fn wildcard(&self) -> u32 {
        !self.netmask()
    }

    pub fn network(&self) -> u32 {
        u32::from(self.addr) & self.netmask()
    }

    /// All host bits set; /31 and /32 have none (RFC 3021).
    pub fn broadcast(&self) -> Option<u32> {
        (self.prefix <= 30).then(|| self.network() | self.wildcard())
    }

    /// First usable host: after the network address, except on /31 and /32.
    pub fn host_min(&self) -> u32 {
        match self.prefix {
            32 => u32::from(self.addr),
            31 => self.network(),
            _ => self.network() + 1,
        }
    }

    /// Last usable host: before the broadcast address, except on /31 and /32.
    pub fn host_max(&self) -> u32 {
        match self.prefix {
            32 => u32::from(self.addr),
            31 => self.network() | 1,
            _ => (self.network() | self.wildcard()) - 1,
        }
    }

    /// 2^(32 - prefix) - 2 (network and broadcast are not hosts); u64 because /0 needs 33 bits.
    pub fn hosts(&self) -> u64 {
        match self.prefix {
            32 => 1,
            31 => 2,
            p => (1u64 << (32 - u32::from(p))) - 2,
        }
    }
}

/// Classful addressing (RFC 791), obsolete since CIDR (1993) but still taught and shown.
pub fn class_of(addr: Ipv4Addr) -> char {
    match addr.octets()[0] {
        0..=127 => 'A',
        128..=191 => 'B',
        192..=223 => 'C',
        224..=239 => 'D',
        _ => 'E',
    }
}

/// What the *network* is, in the IANA special-purpose registry's words with its RFC
/// ("Private Internet, RFC 1918"), "Public Internet", or "In Part …" when it only overlaps.
pub fn range_of(net: &Net4) -> String {
    super::special::describe(u128::from(net.network()), net.prefix, 32, "Public Internet")
}

/// Parse a dotted quad with messages that name the bad part (`what` is "address" or
/// "netmask"). Leading zeros are refused: `inet_aton(3)` would read "010" as octal 8.
pub fn parse_ipv4(text: &str, what: &str) -> Result<Ipv4Addr, InputError> {
    let parts: Vec<&str> = text.split('.').collect();
    if parts.len() != 4 {
        return err(format!(
            "invalid IPv4 {what} '{text}': expected 4 decimal octets separated by dots, found {}",
            parts.len()
        ));
    }
    let mut octets = [0u8; 4];
    for (i, part) in parts.iter().enumerate() {
        octets[i] = parse_octet(text, what, i + 1, part)?;
    }
    Ok(Ipv4Addr::from(octets))
}

fn parse_octet(text: &str, what: &str, n: usize, part: &str) -> Result<u8, InputError> {
    let bad = |why: String| err(format!("invalid IPv4 {what} '{text}': octet {n} {why}"));
    if part.is_empty() {
        return bad("is empty".to_string());
    }
    if !part.bytes().all(|b| b.is_ascii_digit()) {
        return bad(format!("('{part}') is not a decimal number"));
    }
    if part.len() > 1 && part.starts_with('0') {
        return bad(format!(
            "('{part}') has a leading zero (inet_aton would read it as octal)"
        ));
    }
    match part.parse::<u16>() {
        Ok(v) if v <= 255 => Ok(v as u8),
        _ => bad(format!("({part}) is greater than 255")),
    }
}

/// The prefix length of a dotted netmask, refusing masks whose 1 bits are not contiguous.
pub fn prefix_of_netmask(mask: Ipv4Addr) -> Result<u8, InputError> {
    let bits = u32::from(mask);
    if bits.leading_ones() + bits.trailing_zeros() != 32 {
        return err(format!(
            "netmask {mask} is not contiguous: all its 1 bits must come before its 0 bits \
             ({})",
            super::table::bits_v4(bits, 0)
        ));
    }
    Ok(bits.leading_ones() as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(addr: &str, prefix: u8) -> Net4 {
        Net4 {
            addr: parse_ipv4(addr, "address").expect("addr"),
            prefix,
        }
    }

    fn ip(v: u32) -> Ipv4Addr {
        Ipv4Addr::from(v)
    }

    #[test]
    fn lecture_slash_24() {
        let n = net("192.168.0.1", 24);
        assert_eq!(ip(n.netmask()), Ipv4Addr::new(255, 255, 255, 0));
        assert_eq!(ip(n.wildcard()), Ipv4Addr::new(0, 0, 0, 255));
        assert_eq!(ip(n.network()), Ipv4Addr::new(192, 168, 0, 0));
        assert_eq!(n.broadcast().map(ip), Some(Ipv4Addr::new(192, 168, 0, 255)));
        assert_eq!(ip(n.host_min()), Ipv4Addr::new(192, 168, 0, 1));
        assert_eq!(ip(n.host_max()), Ipv4Addr::new(192, 168, 0, 254));
        assert_eq!(n.hosts(), 254);
    }

    #[test]
    fn lecture_slash_16() {
        let n = net("192.168.0.1", 16);
        assert_eq!(n.broadcast().map(ip), Some(Ipv4Addr::new(192, 168, 255, 255)));
        assert_eq!(ip(n.host_max()), Ipv4Addr::new(192, 168, 255, 254));
        assert_eq!(n.hosts(), 65534);
    }

    #[test]
    fn point_to_point_and_host_routes() {
        let p2p = net("10.0.0.1", 31);
        assert_eq!(p2p.broadcast(), None);
        assert_eq!(
            (ip(p2p.host_min()), ip(p2p.host_max())),
            (ip(0x0a00_0000), ip(0x0a00_0001))
        );
        assert_eq!(p2p.hosts(), 2);
        let host = net("10.0.0.7", 32);
        assert_eq!((host.broadcast(), host.hosts()), (None, 1));
        assert_eq!(ip(host.host_min()), Ipv4Addr::new(10, 0, 0, 7));
    }

    #[test]
    fn slash_zero_does_not_overflow() {
        let all = net("1.2.3.4", 0);
        assert_eq!(all.netmask(), 0);
        assert_eq!(all.hosts(), (1u64 << 32) - 2);
        assert_eq!(all.broadcast(), Some(u32::MAX));
    }

    #[test]
    fn classes_and_ranges() {
        let c = |s| class_of(parse_ipv4(s, "address").expect("addr"));
        let r = |s| range_of(&net(s, 32));
        assert_eq!([c("10.1.1.1"), c("172.16.0.1"), c("192.168.0.1")], ['A', 'B', 'C']);
        assert_eq!([c("224.0.0.1"), c("250.0.0.1")], ['D', 'E']);
        assert_eq!(r("172.31.255.255"), "Private Internet, RFC 1918");
        assert_eq!(r("172.32.0.1"), "Public Internet");
        assert_eq!(r("127.0.0.1"), "Loopback, RFC 1122");
        assert_eq!(r("169.254.1.1"), "Link-Local, RFC 3927");
        assert_eq!(r("239.1.1.1"), "Multicast, RFC 5771");
        assert_eq!(r("8.8.8.8"), "Public Internet");
        // The network is described, not the typed address.
        assert_eq!(
            range_of(&net("192.168.0.1", 1)),
            "Public Internet, In Part Private Internet, RFC 1918 and 12 more special-purpose blocks"
        );
    }

    #[test]
    fn bad_octets_are_named() {
        let e = parse_ipv4("192.168.0.256", "address").expect_err("256");
        assert!(e.0.contains("octet 4 (256) is greater than 255"), "{e}");
        let e = parse_ipv4("192.168.0", "address").expect_err("3 parts");
        assert!(e.0.contains("found 3"), "{e}");
        let e = parse_ipv4("1.2.x.4", "address").expect_err("x");
        assert!(e.0.contains("octet 3"), "{e}");
        let e = parse_ipv4("1..3.4", "address").expect_err("empty");
        assert!(e.0.contains("octet 2 is empty"), "{e}");
        assert!(parse_ipv4("010.0.0.1", "address").is_err());
        assert!(parse_ipv4("99999999999999999999.0.0.1", "address").is_err());
    }

    #[test]
    fn netmasks() {
        let p = |s| prefix_of_netmask(parse_ipv4(s, "netmask").expect("mask"));
        assert_eq!(p("255.255.255.0"), Ok(24));
        assert_eq!(p("255.255.240.0"), Ok(20));
        assert_eq!(p("0.0.0.0"), Ok(0));
        assert_eq!(p("255.255.255.255"), Ok(32));
        let e = p("255.0.255.0").expect_err("holes");
        assert!(e.0.contains("not contiguous"), "{e}");
    }
}
