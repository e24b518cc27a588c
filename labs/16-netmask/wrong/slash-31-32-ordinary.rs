// EXPECT: with overflow
// /31 and /32 treated like any prefix: a broadcast is invented, the first host is past the
// last one, and 2^0 - 2 hosts underflows (a panic in a debug build).
// REGION: the broadcast address
Some(network(addr, prefix) | wildcard(prefix))
// REGION: the first host
network(addr, prefix) + 1
// REGION: the last host
(network(addr, prefix) | wildcard(prefix)) - 1
// REGION: the number of hosts
(1u64 << (32 - u32::from(prefix))) - 2
