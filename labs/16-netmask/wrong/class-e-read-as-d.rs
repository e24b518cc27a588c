// EXPECT: class=
// A wrong lab 16: three leading ones or more is read as class D, so 240.0.0.0/4 (1111…)
// is called multicast where it is class E (reserved).
// REGION: the address class from the leading bits
match addr.leading_ones() {
    0 => 'A',
    1 => 'B',
    2 => 'C',
    _ => 'D',
}
