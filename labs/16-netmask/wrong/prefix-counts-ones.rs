// EXPECT: not contiguous
// The prefix as the number of 1 bits: 255.255.255.0 gives 24, right, but 255.0.255.0 gives 16
// instead of an error.
// REGION: the prefix of a netmask, contiguous or refused
Some(mask.count_ones() as u8)
