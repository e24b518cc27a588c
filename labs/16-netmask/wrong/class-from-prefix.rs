// EXPECT: class=
// The classic confusion: /8 is "class A", /16 "class B", /24 "class C". Classes come from an
// address's first bits, whatever its prefix (192.168.0.0/16 is a class C address).
// REGION: the address class from the leading bits
let _ = addr;
'C'
