//! IPv4 addresses as 32-bit integers, and what a prefix means for them: the netmask is the
//! prefix's leading 1 bits, the network is the address AND the netmask, the broadcast is the
//! network OR the wildcard (the netmask's complement). The lecture's « Couche IP » tables.
//!
//! No system call: this is the arithmetic the kernel does for `ip address add 192.168.0.1/24`.

/// The address `a.b.c.d` as a number: the first octet is the most significant (network byte
/// order), so 192.168.0.1 is 0xC0A80001.
pub fn from_octets(octets: [u8; 4]) -> u32 {
    // LAB 16 BEGIN: four octets to a 32-bit number, network byte order
    u32::from_be_bytes(octets)
    // LAB 16 END
}

/// The four octets of a 32-bit address, most significant first.
pub fn to_octets(value: u32) -> [u8; 4] {
    // LAB 16 BEGIN: a 32-bit number to four octets
    value.to_be_bytes()
    // LAB 16 END
}

/// The netmask of a prefix: `prefix` 1 bits, then 0 bits (/24 → 255.255.255.0, /0 → 0).
pub fn netmask(prefix: u8) -> u32 {
    // LAB 16 BEGIN: the netmask of a prefix
    match prefix {
        // A shift by 32 is an overflow in Rust (and undefined in C): /0 is its own case.
        0 => 0,
        p => u32::MAX << (32 - u32::from(p.min(32))),
    }
    // LAB 16 END
}

/// The prefix of a netmask, or `None` when its 1 bits are not all before its 0 bits
/// (255.0.255.0 is no netmask).
pub fn prefix_of_netmask(mask: u32) -> Option<u8> {
    // LAB 16 BEGIN: the prefix of a netmask, contiguous or refused
    let ones = mask.leading_ones();
    (ones + mask.trailing_zeros() == 32).then_some(ones as u8)
    // LAB 16 END
}

/// The wildcard (host mask): the bits the netmask does not cover (/24 → 0.0.0.255).
pub fn wildcard(prefix: u8) -> u32 {
    // LAB 16 BEGIN: the wildcard
    !netmask(prefix)
    // LAB 16 END
}

/// The network address: the host bits cleared.
pub fn network(addr: u32, prefix: u8) -> u32 {
    // LAB 16 BEGIN: the network address
    addr & netmask(prefix)
    // LAB 16 END
}

/// The broadcast address: the host bits set. None for /31 (RFC 3021: two hosts, no
/// broadcast) and /32 (a single host).
pub fn broadcast(addr: u32, prefix: u8) -> Option<u32> {
    // LAB 16 BEGIN: the broadcast address
    (prefix <= 30).then(|| network(addr, prefix) | wildcard(prefix))
    // LAB 16 END
}

/// The first usable host: after the network address, except on /31 (both addresses are
/// hosts) and /32 (the address itself).
pub fn host_min(addr: u32, prefix: u8) -> u32 {
    // LAB 16 BEGIN: the first host
    match prefix {
        32 => addr,
        31 => network(addr, prefix),
        p => network(addr, p) + 1,
    }
    // LAB 16 END
}

/// The last usable host: before the broadcast, except on /31 and /32.
pub fn host_max(addr: u32, prefix: u8) -> u32 {
    // LAB 16 BEGIN: the last host
    match prefix {
        32 => addr,
        31 => network(addr, prefix) | 1,
        p => (network(addr, p) | wildcard(p)) - 1,
    }
    // LAB 16 END
}

/// How many hosts: 2^(32 - prefix) addresses, minus the network and the broadcast (2 on /31,
/// 1 on /32). /0 has 2^32 - 2: more than a u32 holds.
pub fn hosts(prefix: u8) -> u64 {
    // LAB 16 BEGIN: the number of hosts
    match prefix {
        32 => 1,
        31 => 2,
        p => (1u64 << (32 - u32::from(p))) - 2,
    }
    // LAB 16 END
}

/// The classful label of an address (before CIDR, 1993): by its first bits only, whatever the
/// prefix — 0xxx A, 10xx B, 110x C, 1110 D (multicast), 1111 E.
pub fn class_of(addr: u32) -> char {
    // LAB 16 BEGIN: the address class from the leading bits
    match addr.leading_ones() {
        0 => 'A',
        1 => 'B',
        2 => 'C',
        3 => 'D',
        _ => 'E',
    }
    // LAB 16 END
}
