// EXPECT: network byte order
// The octets read in the machine's order (little-endian on x86): 192.168.0.1 becomes
// 0x0100A8C0, and every mask lands on the wrong end of the address.
// REGION: four octets to a 32-bit number, network byte order
u32::from_le_bytes(octets)
// REGION: a 32-bit number to four octets
value.to_le_bytes()
