// EXPECT: the last address of an IPv6 prefix
// The last address as network + size - 1, the size 2^(128 - p) in a u128: 2^128 does not fit,
// so the student caps the shift at 127 — and /0 ends at 7fff:ffff:… instead of ffff:ffff:….
// REGION: the last address of an IPv6 prefix
network6(addr, prefix) + ((1u128 << (128 - u32::from(prefix)).min(127)) - 1)
