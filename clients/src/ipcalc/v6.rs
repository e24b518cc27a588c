//! IPv6 prefixes as `u128` arithmetic: network, first and last address, size, and the
//! address type (RFC 4291 and the special-purpose registry, [`super::special`]).
//!
//! Same idea as [`super::v4`] on 128 bits, with two differences worth noticing: there is no
//! broadcast (multicast replaces it), and a /64 holds 2^64 addresses, so sizes are shown as
//! powers of two. Read [`Net6`] first.

use std::net::Ipv6Addr;

use super::{err, InputError};

/// An IPv6 address with its prefix length, e.g. 2001:db8::1/64.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Net6 {
    /// The address as typed, interface-identifier bits included.
    pub addr: Ipv6Addr,
    /// Number of leading 1 bits of the mask, 0..=128.
    pub prefix: u8,
}

impl Net6 {
    /// The mask as a number; shifting by 128 is undefined, hence the /0 case.
    pub fn mask(&self) -> u128 {
        match self.prefix {
            0 => 0,
            p => u128::MAX << (128 - u32::from(p.min(128))),
        }
    }

    pub fn network(&self) -> Ipv6Addr {
        Ipv6Addr::from(u128::from(self.addr) & self.mask())
    }

    /// The last address of the prefix: every host bit set (usable: IPv6 has no broadcast).
    pub fn last(&self) -> Ipv6Addr {
        Ipv6Addr::from(u128::from(self.addr) | !self.mask())
    }

    /// The exponent n of the 2^n addresses in the prefix.
    pub fn size_log2(&self) -> u32 {
        128 - u32::from(self.prefix)
    }

    /// 2^n in decimal; 2^128 does not fit a u128, hence the literal.
    pub fn size_decimal(&self) -> String {
        match self.size_log2() {
            128 => "340282366920938463463374607431768211456".to_string(),
            n => (1u128 << n).to_string(),
        }
    }
}

/// What the *network* is, from the IANA IPv6 special-purpose registry and the RFC 4291
/// address types, with the RFC ("Link-Local Unicast, RFC 4291").
pub fn type_of(net: &Net6) -> String {
    super::special::describe(u128::from(net.network()), net.prefix, 128, "Reserved, RFC 4291")
}

/// The eight groups written out in full, each four hex digits (no `::` shortcut).
pub fn expanded(addr: Ipv6Addr) -> String {
    let groups: Vec<String> = addr.segments().iter().map(|g| format!("{g:04x}")).collect();
    groups.join(":")
}

pub fn parse_ipv6(text: &str) -> Result<Ipv6Addr, InputError> {
    text.parse().or_else(|_| {
        err(format!(
            "invalid IPv6 address '{text}': expected up to 8 groups of 1 to 4 hex digits \
             separated by ':', with at most one '::'"
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(addr: &str, prefix: u8) -> Net6 {
        Net6 {
            addr: parse_ipv6(addr).expect("addr"),
            prefix,
        }
    }

    #[test]
    fn slash_64() {
        let n = net("2001:db8:1:2::1", 64);
        assert_eq!(n.network(), parse_ipv6("2001:db8:1:2::").expect("net"));
        assert_eq!(n.last(), parse_ipv6("2001:db8:1:2:ffff:ffff:ffff:ffff").expect("last"));
        assert_eq!(n.size_log2(), 64);
        assert_eq!(n.size_decimal(), "18446744073709551616");
    }

    #[test]
    fn extremes() {
        assert_eq!(net("::", 0).size_decimal(), "340282366920938463463374607431768211456");
        assert_eq!(net("::", 0).last(), Ipv6Addr::from(u128::MAX));
        let host = net("::1", 128);
        assert_eq!(
            (host.network(), host.last()),
            (Ipv6Addr::LOCALHOST, Ipv6Addr::LOCALHOST)
        );
        assert_eq!(host.size_decimal(), "1");
    }

    #[test]
    fn types() {
        let t = |s| type_of(&net(s, 128));
        assert_eq!(t("::1"), "Loopback, RFC 4291");
        assert_eq!(t("fe80::1"), "Link-Local Unicast, RFC 4291");
        assert_eq!(t("fd00::2"), "Unique Local Unicast (ULA), RFC 4193");
        assert_eq!(t("ff02::1"), "Multicast, RFC 4291");
        assert_eq!(t("2a00:1450:4007:815::2003"), "Global Unicast, RFC 4291");
        assert_eq!(t("2001:db8::1"), "Documentation, RFC 3849");
        assert_eq!(t("::ffff:1.2.3.4"), "IPv4-mapped, RFC 4291");
        assert_eq!(
            type_of(&net("2001:db8::1", 16)),
            "Global Unicast, RFC 4291, In Part IETF Protocol Assignments, RFC 2928 and 1 more special-purpose blocks"
        );
        assert_eq!(type_of(&net("2a00::1", 16)), "Global Unicast, RFC 4291");
    }

    #[test]
    fn expansion_and_errors() {
        let a = parse_ipv6("2001:db8::1").expect("addr");
        assert_eq!(expanded(a), "2001:0db8:0000:0000:0000:0000:0000:0001");
        assert!(parse_ipv6("2001:db8:::1").is_err());
        assert!(parse_ipv6("12345::").is_err());
    }
}
