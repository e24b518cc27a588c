// EXPECT: zombie children
// A student's fork server: "the children exit by themselves, nothing to do in the parent".
// Each finished child stays a zombie, because nobody calls waitpid.
// REGION: reap every finished child
