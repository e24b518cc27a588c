// EXPECT: the bits column
// The space is put after bit number `prefix` instead of before it: one bit late on every row.
// REGION: the 32 bits, dotted by octet, a space where the prefix ends
let mut out = String::with_capacity(36);
for i in 0..32u32 {
    if i > 0 && i % 8 == 0 {
        out.push('.');
    }
    out.push(if value & (1 << (31 - i)) != 0 { '1' } else { '0' });
    if i == u32::from(prefix) && i < 31 {
        out.push(' ');
    }
}
out
