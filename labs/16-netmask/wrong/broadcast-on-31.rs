// EXPECT: broadcast
// A wrong lab 16: the broadcast test stops at /32, so a /31 gets a broadcast address
// although both its addresses are hosts (RFC 3021).
// REGION: the broadcast address
(prefix <= 31).then(|| network(addr, prefix) | wildcard(prefix))
