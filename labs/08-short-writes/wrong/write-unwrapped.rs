// A wrong lab 8: the write's result is unwrapped ("a write to a connected socket works"):
// the first WouldBlock, which is just a client reading slower than the server writes,
// panics the server.
// EXPECT: panicked at
// REGION: write what the socket takes, keep the rest
let n = write_part(sink, &data[*sent..], more).unwrap();
*sent += n;
self.buffered -= n;
self.written += n as u64;
*sent == data.len()
