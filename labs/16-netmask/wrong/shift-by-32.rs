// EXPECT: shift left with overflow
// The netmask as "all ones shifted left by the host bits", with no special case: /0 shifts a
// u32 by 32, which panics in a debug build (and is undefined behaviour in C).
// REGION: the netmask of a prefix
u32::MAX << (32 - u32::from(prefix))
