//! IPv6 prefixes: the same arithmetic on 128 bits (`u128`). No netmask is written in IPv6, only
//! a prefix length; no broadcast either: the last address of a prefix is an ordinary one.

/// The mask of a prefix: `prefix` 1 bits, then 0 bits (/64 → ffff:ffff:ffff:ffff::).
pub fn mask6(prefix: u8) -> u128 {
    // LAB 16 BEGIN: the IPv6 mask of a prefix
    match prefix {
        0 => 0,
        p => u128::MAX << (128 - u32::from(p.min(128))),
    }
    // LAB 16 END
}

/// The first address of the prefix: the interface bits cleared.
pub fn network6(addr: u128, prefix: u8) -> u128 {
    // LAB 16 BEGIN: the first address of an IPv6 prefix
    addr & mask6(prefix)
    // LAB 16 END
}

/// The last address of the prefix: the interface bits set.
pub fn last6(addr: u128, prefix: u8) -> u128 {
    // LAB 16 BEGIN: the last address of an IPv6 prefix
    addr | !mask6(prefix)
    // LAB 16 END
}
