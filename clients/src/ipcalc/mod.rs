//! ipcalc: what a netmask means, as integer arithmetic on 32-bit (IPv4) and 128-bit (IPv6)
//! addresses — the lecture's "Couche IP" tables for 192.168.0.1/24 and /16.
//!
//! No system call here: this is what the kernel does with `ip address add 192.168.0.1/24`
//! (network = address AND netmask, broadcast = network OR wildcard) before any packet moves.
//! Read [`v4::Net4`] first, then [`table::render_v4`] for the lecture's layout; [`v6`] is the
//! same idea on 128 bits. This module turns the command line into one of the two, with
//! error messages that name exactly what is wrong.

pub mod special;
pub mod table;
pub mod v4;
pub mod v6;

use std::fmt;

pub use v4::Net4;
pub use v6::Net6;

/// An address and prefix, ready to be shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Network {
    V4(Net4),
    V6(Net6),
}

/// What is wrong with the input, worded for someone learning what a netmask is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputError(pub String);

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InputError {}

fn err<T>(message: String) -> Result<T, InputError> {
    Err(InputError(message))
}

/// Parse `ADDRESS/PREFIX`, `ADDRESS/NETMASK` or (`ADDRESS`, `NETMASK`|`PREFIX`|`/PREFIX`).
/// The address is checked first: it is the first thing to fix when both are wrong.
pub fn parse_input(address: &str, mask: Option<&str>) -> Result<Network, InputError> {
    let (addr_text, mask_text) = match (address.split_once('/'), mask) {
        (Some(_), Some(extra)) => return err(format!("'{address}' already has a prefix; unexpected '{extra}'")),
        (Some((a, m)), None) => (a, Some(m)),
        // `ipcalc 1.2.3.4 /24`: the slash may come with the separate argument too.
        (None, Some(m)) => (address, Some(m.strip_prefix('/').unwrap_or(m))),
        (None, None) => (address, None),
    };
    if addr_text.contains(':') {
        let addr = v6::parse_ipv6(addr_text)?;
        let mask_text = require_prefix(address, mask_text)?;
        if mask_text.contains(':') {
            return err(format!(
                "invalid prefix '{mask_text}': IPv6 has no dotted netmask, write a prefix length \
                 of 0 to 128 bits ({addr}/64)"
            ));
        }
        let prefix = parse_prefix(mask_text, 128)?;
        Ok(Network::V6(Net6 { addr, prefix }))
    } else {
        let addr = v4::parse_ipv4(addr_text, "address")?;
        let mask_text = require_prefix(address, mask_text)?;
        let prefix = if mask_text.contains('.') {
            v4::prefix_of_netmask(v4::parse_ipv4(mask_text, "netmask")?)?
        } else {
            parse_prefix(mask_text, 32)?
        };
        Ok(Network::V4(Net4 { addr, prefix }))
    }
}

fn require_prefix<'a>(address: &str, mask: Option<&'a str>) -> Result<&'a str, InputError> {
    match mask {
        Some(mask) => Ok(mask),
        None => err(format!(
            "'{address}' has no prefix: write ADDRESS/PREFIX (192.168.0.1/24) \
             or ADDRESS NETMASK (192.168.0.1 255.255.255.0)"
        )),
    }
}

/// A prefix length: decimal, 0 to `max` bits.
pub fn parse_prefix(text: &str, max: u8) -> Result<u8, InputError> {
    let family = if max == 32 { "IPv4" } else { "IPv6" };
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return err(format!(
            "invalid prefix '/{text}': expected a number of bits, 0 to {max}"
        ));
    }
    match text.parse::<u32>() {
        Ok(n) if n <= u32::from(max) => Ok(n as u8),
        _ => err(format!(
            "prefix /{text} is out of range: an {family} prefix is 0 to {max}"
        )),
    }
}

/// The full report for the command line, in the lecture's table layout.
pub fn report(address: &str, mask: Option<&str>) -> Result<String, InputError> {
    Ok(match parse_input(address, mask)? {
        Network::V4(net) => table::render_v4(&net),
        Network::V6(net) => table::render_v6(&net),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slash_prefix_and_separate_netmask_agree() {
        let a = parse_input("192.168.0.1/24", None).expect("slash");
        let b = parse_input("192.168.0.1", Some("255.255.255.0")).expect("mask");
        let c = parse_input("192.168.0.1/255.255.255.0", None).expect("slash mask");
        assert_eq!(a, b);
        assert_eq!(a, c);
    }

    #[test]
    fn missing_prefix_is_explained() {
        let e = parse_input("10.0.0.1", None).expect_err("no prefix");
        assert!(e.0.contains("no prefix"), "{e}");
    }

    #[test]
    fn prefix_out_of_range() {
        let e = parse_input("10.0.0.1/33", None).expect_err("33");
        assert!(e.0.contains("0 to 32"), "{e}");
        let e = parse_input("::1/129", None).expect_err("129");
        assert!(e.0.contains("0 to 128"), "{e}");
        let e = parse_input("10.0.0.1/99999999999", None).expect_err("huge");
        assert!(e.0.contains("out of range"), "{e}");
        let e = parse_input("10.0.0.1/-1", None).expect_err("negative");
        assert!(e.0.contains("invalid prefix"), "{e}");
    }

    #[test]
    fn messages_name_the_first_real_problem() {
        assert_eq!(parse_input("1.2.3.4", Some("/24")), parse_input("1.2.3.4/24", None));
        let e = parse_input("::1", Some("ffff::")).expect_err("v6 netmask");
        assert!(
            e.0.starts_with("invalid prefix 'ffff::': IPv6 has no dotted netmask"),
            "{e}"
        );
        let e = parse_input("::g", None).expect_err("bad address, no prefix");
        assert!(e.0.contains("invalid IPv6 address '::g'"), "{e}");
        let e = parse_input("1.2.3.x", Some("abc")).expect_err("both bad");
        assert!(e.0.contains("invalid IPv4 address"), "{e}");
    }

    #[test]
    fn ipv6_is_detected() {
        assert!(matches!(parse_input("fe80::1/64", None), Ok(Network::V6(_))));
    }
}
