//! The lecture's ipcalc table: one row per value, with its dotted form and its 32 bits
//! grouped by octet, a space marking where the prefix ends (`…00000000. 00000001` for /24,
//! as Perl ipcalc 0.42 prints it; the lecture's slide, made with an older ipcalc, shows
//! `…00000000 .00000001`).
//!
//! Pure formatting of what [`super::v4`] and [`super::v6`] compute; read [`render_v4`] side by
//! side with the slide.

use std::fmt::Write;
use std::net::Ipv4Addr;

use super::v4::{class_of, range_of, Net4};
use super::v6::{expanded, type_of, Net6};

/// Width of the label column ("Broadcast: ") and of the dotted-value column (Perl ipcalc's).
const LABEL: usize = 11;
const VALUE: usize = 21;

/// 32 bits as `11000000.10101000.00000000. 00000001`: after each bit, the octet's dot,
/// then a space once the `prefix` bits are written (none for 0 or 32), so the network part
/// and the host part can be told apart at a glance. The order is Perl ipcalc's.
pub fn bits_v4(value: u32, prefix: u8) -> String {
    let mut out = String::with_capacity(36);
    for bit in 1..=32u32 {
        out.push(if value & (1 << (32 - bit)) != 0 { '1' } else { '0' });
        if bit % 8 == 0 && bit < 32 {
            out.push('.');
        }
        if bit == u32::from(prefix) && bit < 32 {
            out.push(' ');
        }
    }
    out
}

fn row(out: &mut String, label: &str, value: &str, rest: &str) {
    let line = format!("{:<LABEL$}{value:<VALUE$}{rest}", format!("{label}:"));
    let _ = writeln!(out, "{}", line.trim_end());
}

/// The IPv4 table, in the lecture's order and layout.
pub fn render_v4(net: &Net4) -> String {
    let p = net.prefix;
    let dotted = |v: u32| Ipv4Addr::from(v).to_string();
    let addr = u32::from(net.addr);
    let mut out = String::new();
    row(&mut out, "Address", &net.addr.to_string(), &bits_v4(addr, p));
    let mask = format!("{} = {p}", dotted(net.netmask()));
    row(&mut out, "Netmask", &mask, &bits_v4(net.netmask(), p));
    row(
        &mut out,
        "Wildcard",
        &dotted(net.wildcard()),
        &bits_v4(net.wildcard(), p),
    );
    out.push_str("=>\n");
    let network = format!("{}/{p}", dotted(net.network()));
    let class = format!(
        "{} (Class {})",
        bits_v4(net.network(), p),
        class_of(Ipv4Addr::from(net.network()))
    );
    row(&mut out, "Network", &network, &class);
    match net.broadcast() {
        Some(b) => row(&mut out, "Broadcast", &dotted(b), &bits_v4(b, p)),
        None if p == 31 => row(&mut out, "Broadcast", "none", "(RFC 3021: /31 point-to-point)"),
        None => row(&mut out, "Broadcast", "none", "(/32: a single host)"),
    }
    row(
        &mut out,
        "HostMin",
        &dotted(net.host_min()),
        &bits_v4(net.host_min(), p),
    );
    row(
        &mut out,
        "HostMax",
        &dotted(net.host_max()),
        &bits_v4(net.host_max(), p),
    );
    let range = format!("({})", range_of(net));
    row(&mut out, "Hosts/Net", &net.hosts().to_string(), &range);
    out
}

/// The IPv6 report: compressed and expanded forms, prefix bounds, size and type.
pub fn render_v6(net: &Net6) -> String {
    let p = net.prefix;
    let mut out = String::new();
    row(&mut out, "Address", &net.addr.to_string(), "");
    row(&mut out, "Expanded", &expanded(net.addr), "");
    row(&mut out, "Prefix", &format!("/{p}"), "");
    row(&mut out, "Network", &format!("{}/{p}", net.network()), "");
    out.push_str("=>\n");
    row(&mut out, "First", &net.network().to_string(), "");
    row(&mut out, "Last", &net.last().to_string(), "");
    let count = format!("2^{} = {}", net.size_log2(), net.size_decimal());
    row(&mut out, "Addresses", &count, "");
    row(&mut out, "Type", &type_of(net), "");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ipcalc::report;

    #[test]
    fn bits_split_at_prefix() {
        let a = u32::from(Ipv4Addr::new(192, 168, 0, 1));
        assert_eq!(bits_v4(a, 24), "11000000.10101000.00000000. 00000001");
        assert_eq!(bits_v4(a, 16), "11000000.10101000. 00000000.00000001");
        assert_eq!(bits_v4(a, 20), "11000000.10101000.0000 0000.00000001");
        assert_eq!(bits_v4(a, 32), "11000000.10101000.00000000.00000001");
        assert_eq!(bits_v4(a, 0), "11000000.10101000.00000000.00000001");
    }

    #[test]
    fn lecture_table_slash_24() {
        let text = report("192.168.0.1/24", None).expect("valid");
        let expected = "\
Address:   192.168.0.1          11000000.10101000.00000000. 00000001
Netmask:   255.255.255.0 = 24   11111111.11111111.11111111. 00000000
Wildcard:  0.0.0.255            00000000.00000000.00000000. 11111111
=>
Network:   192.168.0.0/24       11000000.10101000.00000000. 00000000 (Class C)
Broadcast: 192.168.0.255        11000000.10101000.00000000. 11111111
HostMin:   192.168.0.1          11000000.10101000.00000000. 00000001
HostMax:   192.168.0.254        11000000.10101000.00000000. 11111110
Hosts/Net: 254                  (Private Internet, RFC 1918)
";
        assert_eq!(text, expected);
    }

    #[test]
    fn slash_31_has_no_broadcast() {
        let text = report("10.0.0.0/31", None).expect("valid");
        assert!(text.contains("Broadcast: none"), "{text}");
        assert!(text.contains("Hosts/Net: 2 "), "{text}");
    }

    #[test]
    fn ipv6_report() {
        let text = report("fe80::1/64", None).expect("valid");
        assert!(
            text.contains("Expanded:  fe80:0000:0000:0000:0000:0000:0000:0001"),
            "{text}"
        );
        assert!(text.contains("Last:      fe80::ffff:ffff:ffff:ffff"), "{text}");
        assert!(text.contains("Addresses: 2^64 = 18446744073709551616"), "{text}");
        assert!(text.contains("Type:      Link-Local Unicast, RFC 4291"), "{text}");
    }
}
