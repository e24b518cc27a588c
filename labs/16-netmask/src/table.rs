//! The lecture's table: one row per value, its dotted form, and its 32 bits grouped by octet
//! with a space where the prefix ends (`11000000.10101000.00000000. 00000001` for /24, as Perl
//! ipcalc and the project's `ipcalc` print it).
//! Only [`bits`] is the student's; the rest is layout.

use crate::v4;
use std::fmt::Write;

/// 32 bits as `11000000.10101000.00000000. 00000001`: a dot between octets, and a space just
/// after bit number `prefix` (counted from 1, most significant first; after the octet's dot
/// when the prefix ends an octet; none for /0 or /32).
pub fn bits(value: u32, prefix: u8) -> String {
    // LAB 16 BEGIN: the 32 bits, dotted by octet, a space where the prefix ends
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
    // LAB 16 END
}

/// `a.b.c.d` of a 32-bit address.
pub fn dotted(value: u32) -> String {
    let [a, b, c, d] = v4::to_octets(value);
    format!("{a}.{b}.{c}.{d}")
}

fn row(out: &mut String, label: &str, value: &str, rest: &str) {
    let line = format!("{:<11}{value:<21}{rest}", format!("{label}:"));
    let _ = writeln!(out, "{}", line.trim_end());
}

/// The lecture's table for `addr/prefix` (the project's `ipcalc` prints the same rows, and
/// the kind of range after the number of hosts).
pub fn render(addr: u32, p: u8) -> String {
    let mut out = String::new();
    row(&mut out, "Address", &dotted(addr), &bits(addr, p));
    let mask = v4::netmask(p);
    row(&mut out, "Netmask", &format!("{} = {p}", dotted(mask)), &bits(mask, p));
    row(
        &mut out,
        "Wildcard",
        &dotted(v4::wildcard(p)),
        &bits(v4::wildcard(p), p),
    );
    out.push_str("=>\n");
    let net = v4::network(addr, p);
    let class = format!("{} (Class {})", bits(net, p), v4::class_of(net));
    row(&mut out, "Network", &format!("{}/{p}", dotted(net)), &class);
    match v4::broadcast(addr, p) {
        Some(b) => row(&mut out, "Broadcast", &dotted(b), &bits(b, p)),
        None if p == 31 => row(&mut out, "Broadcast", "none", "(RFC 3021: /31 point-to-point)"),
        None => row(&mut out, "Broadcast", "none", "(/32: a single host)"),
    }
    let (min, max) = (v4::host_min(addr, p), v4::host_max(addr, p));
    row(&mut out, "HostMin", &dotted(min), &bits(min, p));
    row(&mut out, "HostMax", &dotted(max), &bits(max, p));
    row(&mut out, "Hosts/Net", &v4::hosts(p).to_string(), "");
    out
}
