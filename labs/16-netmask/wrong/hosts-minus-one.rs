// EXPECT: hosts=
// "Only the broadcast is reserved": one host too many on every ordinary prefix.
// REGION: the number of hosts
match prefix {
    32 => 1,
    31 => 2,
    p => (1u64 << (32 - u32::from(p))) - 1,
}
