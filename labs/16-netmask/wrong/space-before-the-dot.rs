// EXPECT: the bits column
// The space is put before the octet's dot when the prefix ends on an octet (as an old ipcalc
// printed it, `00000000 .00000001`), where the reference puts it after (`00000000. 00000001`).
// REGION: the 32 bits, dotted by octet, a space where the prefix ends
let mut out = String::with_capacity(36);
for i in 0..32u32 {
    if i > 0 && i == u32::from(prefix) {
        out.push(' ');
    }
    if i > 0 && i % 8 == 0 {
        out.push('.');
    }
    out.push(if value & (1 << (31 - i)) != 0 { '1' } else { '0' });
}
out
