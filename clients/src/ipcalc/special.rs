//! The IANA special-purpose address registries (RFC 6890 and the RFCs that added to them),
//! and the words `ipcalc` prints for a *network*: the block that contains it, or the blocks
//! it overlaps (`In Part Private Internet, RFC 1918` for 128.0.0.0/1, like Perl ipcalc).
//!
//! A block is a prefix, so "is this network inside that block" and "do they overlap" are the
//! same mask arithmetic as the rest of ipcalc, done here on `u128` for both families (an IPv4
//! value is just a 32-bit number). Read [`describe`] first.

/// One registry entry: a prefix and what it is for, with the RFC that says so.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Block {
    pub network: u128,
    pub prefix: u8,
    pub label: &'static str,
}

const fn v4(a: u8, b: u8, c: u8, d: u8, prefix: u8, label: &'static str) -> Block {
    let network = ((a as u128) << 24) | ((b as u128) << 16) | ((c as u128) << 8) | d as u128;
    Block { network, prefix, label }
}

const fn v6(network: u128, prefix: u8, label: &'static str) -> Block {
    Block { network, prefix, label }
}

/// IANA IPv4 Special-Purpose Address Registry, plus multicast (RFC 5771).
pub const IPV4: &[Block] = &[
    v4(0, 0, 0, 0, 8, "This Network, RFC 791"),
    v4(0, 0, 0, 0, 32, "This Host on This Network, RFC 1122"),
    v4(10, 0, 0, 0, 8, "Private Internet, RFC 1918"),
    v4(100, 64, 0, 0, 10, "Shared Address Space, RFC 6598"),
    v4(127, 0, 0, 0, 8, "Loopback, RFC 1122"),
    v4(169, 254, 0, 0, 16, "Link-Local, RFC 3927"),
    v4(172, 16, 0, 0, 12, "Private Internet, RFC 1918"),
    v4(192, 0, 0, 0, 24, "IETF Protocol Assignments, RFC 6890"),
    v4(192, 0, 0, 0, 29, "IPv4 Service Continuity Prefix, RFC 7335"),
    v4(192, 0, 0, 8, 32, "IPv4 Dummy Address, RFC 7600"),
    v4(192, 0, 0, 9, 32, "Port Control Protocol Anycast, RFC 7723"),
    v4(192, 0, 0, 10, 32, "TURN Anycast, RFC 8155"),
    v4(192, 0, 0, 170, 32, "NAT64/DNS64 Discovery, RFC 8880"),
    v4(192, 0, 0, 171, 32, "NAT64/DNS64 Discovery, RFC 8880"),
    v4(192, 0, 2, 0, 24, "Documentation (TEST-NET-1), RFC 5737"),
    v4(192, 31, 196, 0, 24, "AS112-v4, RFC 7535"),
    v4(192, 52, 193, 0, 24, "AMT, RFC 7450"),
    v4(192, 88, 99, 0, 24, "Deprecated 6to4 Relay Anycast, RFC 7526"),
    v4(192, 168, 0, 0, 16, "Private Internet, RFC 1918"),
    v4(192, 175, 48, 0, 24, "Direct Delegation AS112 Service, RFC 7534"),
    v4(198, 18, 0, 0, 15, "Benchmarking, RFC 2544"),
    v4(198, 51, 100, 0, 24, "Documentation (TEST-NET-2), RFC 5737"),
    v4(203, 0, 113, 0, 24, "Documentation (TEST-NET-3), RFC 5737"),
    v4(224, 0, 0, 0, 4, "Multicast, RFC 5771"),
    v4(240, 0, 0, 0, 4, "Reserved, RFC 1112"),
    v4(255, 255, 255, 255, 32, "Limited Broadcast, RFC 919"),
];

/// IANA IPv6 Special-Purpose Address Registry, plus the RFC 4291 address types.
pub const IPV6: &[Block] = &[
    v6(0, 128, "Unspecified, RFC 4291"),
    v6(1, 128, "Loopback, RFC 4291"),
    v6(0xffff << 32, 96, "IPv4-mapped, RFC 4291"),
    v6(0x0064_ff9b << 96, 96, "IPv4-IPv6 Translation, RFC 6052"),
    v6(
        0x0064_ff9b_0001 << 80,
        48,
        "IPv4-IPv6 Translation (local use), RFC 8215",
    ),
    v6(0x0100 << 112, 64, "Discard-Only, RFC 6666"),
    v6(0x0100_0000_0000_0001 << 64, 64, "Dummy IPv6 Prefix, RFC 9780"),
    v6(0x2000 << 112, 3, "Global Unicast, RFC 4291"),
    v6(0x2001 << 112, 23, "IETF Protocol Assignments, RFC 2928"),
    v6(0x2001 << 112, 32, "Teredo, RFC 4380"),
    v6((0x2001_0001 << 96) | 1, 128, "Port Control Protocol Anycast, RFC 7723"),
    v6((0x2001_0001 << 96) | 2, 128, "TURN Anycast, RFC 8155"),
    v6(
        (0x2001_0001 << 96) | 3,
        128,
        "DNS-SD Service Registration Protocol Anycast, RFC 9665",
    ),
    v6(0x2001_0002_0000 << 80, 48, "Benchmarking, RFC 5180"),
    v6(0x2001_0003 << 96, 32, "AMT, RFC 7450"),
    v6(0x2001_0004_0112 << 80, 48, "AS112-v6, RFC 7535"),
    v6(0x2001_0010 << 96, 28, "Deprecated ORCHID, RFC 4843"),
    v6(0x2001_0020 << 96, 28, "ORCHIDv2, RFC 7343"),
    v6(0x2001_0030 << 96, 28, "Drone Remote ID Entity Tags, RFC 9374"),
    v6(0x2001_0db8 << 96, 32, "Documentation, RFC 3849"),
    v6(0x2002 << 112, 16, "6to4, RFC 3056"),
    v6(0x2620_004f_8000 << 80, 48, "Direct Delegation AS112 Service, RFC 7534"),
    v6(0x3fff << 112, 20, "Documentation, RFC 9637"),
    v6(0x5f00 << 112, 16, "Segment Routing (SRv6) SIDs, RFC 9602"),
    v6(0xfc00 << 112, 7, "Unique Local Unicast (ULA), RFC 4193"),
    v6(0xfe80 << 112, 10, "Link-Local Unicast, RFC 4291"),
    v6(0xff00 << 112, 8, "Multicast, RFC 4291"),
];

/// The mask of a `prefix`-bit network in a `bits`-wide address.
fn mask(prefix: u8, bits: u32) -> u128 {
    let all = if bits == 128 { u128::MAX } else { (1u128 << bits) - 1 };
    match u32::from(prefix) {
        0 => 0,
        p => (all << (bits - p.min(bits))) & all,
    }
}

/// Is `network/prefix` entirely inside `block`?
fn inside(network: u128, prefix: u8, block: &Block, bits: u32) -> bool {
    prefix >= block.prefix && network & mask(block.prefix, bits) == block.network
}

/// Does `block` lie (partly) inside `network/prefix`? Prefixes either nest or are disjoint.
fn overlaps(network: u128, prefix: u8, block: &Block, bits: u32) -> bool {
    block.prefix > prefix && block.network & mask(prefix, bits) == network
}

/// What `network/prefix` is: the most specific block containing it (else `default`:
/// Public Internet, Reserved), then the blocks it contains, if any (`In Part …`): a large
/// network such as 2000::/10 is Global Unicast, and in part 6to4 and Documentation.
pub fn describe(network: u128, prefix: u8, bits: u32, default: &str) -> String {
    let table = if bits == 32 { IPV4 } else { IPV6 };
    let containing = table.iter().filter(|b| inside(network, prefix, b, bits));
    let what = containing.max_by_key(|b| b.prefix).map_or(default, |block| block.label);
    let mut parts: Vec<&str> = Vec::new();
    for block in table.iter().filter(|b| overlaps(network, prefix, b, bits)) {
        // Skip blocks inside a block already named (192.0.0.9/32 inside 192.0.0.0/24).
        if !parts.contains(&block.label)
            && !table.iter().any(|o| {
                o.prefix < block.prefix
                    && overlaps(network, prefix, o, bits)
                    && inside(block.network, block.prefix, o, bits)
            })
        {
            parts.push(block.label);
        }
    }
    // Perl ipcalc's habit: say "Private Internet" first, it is what a reader looks for.
    parts.sort_by_key(|label| !label.starts_with("Private"));
    parts.retain(|label| *label != what);
    match parts.as_slice() {
        [] => what.to_string(),
        [one] => format!("{what}, In Part {one}"),
        [first, rest @ ..] => format!("{what}, In Part {first} and {} more special-purpose blocks", rest.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d4(a: [u8; 4], prefix: u8) -> String {
        let network = u128::from(u32::from_be_bytes(a)) & mask(prefix, 32);
        describe(network, prefix, 32, "Public Internet")
    }

    #[test]
    fn ipv4_blocks() {
        assert_eq!(
            d4([192, 0, 0, 0], 24),
            "IETF Protocol Assignments, RFC 6890, In Part IPv4 Service Continuity Prefix, RFC 7335 and 4 more special-purpose blocks"
        );
        assert_eq!(d4([192, 0, 0, 8], 29), "IETF Protocol Assignments, RFC 6890, In Part IPv4 Dummy Address, RFC 7600 and 2 more special-purpose blocks");
        assert_eq!(d4([192, 0, 0, 9], 32), "Port Control Protocol Anycast, RFC 7723");
        assert_eq!(d4([198, 18, 0, 0], 15), "Benchmarking, RFC 2544");
        assert_eq!(d4([8, 8, 8, 0], 24), "Public Internet");
        assert_eq!(
            d4([172, 0, 0, 0], 8),
            "Public Internet, In Part Private Internet, RFC 1918"
        );
        let all = d4([0, 0, 0, 0], 0);
        assert!(
            all.starts_with("Public Internet, In Part Private Internet, RFC 1918 and "),
            "{all}"
        );
    }

    #[test]
    fn ipv6_blocks() {
        let d6 = |n: u128, p| describe(n, p, 128, "Reserved, RFC 4291");
        assert_eq!(d6(0x2001_0db8 << 96, 48), "Documentation, RFC 3849");
        assert_eq!(d6(0xfe80 << 112, 64), "Link-Local Unicast, RFC 4291");
        assert_eq!(d6(0x2a00 << 112, 16), "Global Unicast, RFC 4291");
        assert_eq!(
            d6(0x2000 << 112, 10),
            "Global Unicast, RFC 4291, In Part IETF Protocol Assignments, RFC 2928 and 2 more special-purpose blocks"
        );
        assert_eq!(
            d6(0x2002 << 112, 15),
            "Global Unicast, RFC 4291, In Part 6to4, RFC 3056"
        );
        assert_eq!(d6(0x8000 << 112, 2), "Reserved, RFC 4291");
        assert_eq!(
            d6(0x4000 << 112, 2),
            "Reserved, RFC 4291, In Part Segment Routing (SRv6) SIDs, RFC 9602"
        );
    }
}
