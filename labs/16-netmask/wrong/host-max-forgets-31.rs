// EXPECT: HostMax
// A wrong lab 16: host_max treats /31 like any prefix and subtracts one from the broadcast;
// on /31 (RFC 3021) both addresses are hosts, so HostMax is the network address + 1.
// REGION: the last host
match prefix {
    32 => addr,
    p => (network(addr, p) | wildcard(p)) - 1,
}
