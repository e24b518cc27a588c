// A wrong lab 17: the id is a constant. Every answer still matches, but any host that can
// guess it (everyone: it never changes) can forge the answer.
// EXPECT: three different ids
// REGION: a fresh id per query
0x1234
