// A wrong lab 15: the length is trusted: a header announcing 65535 bytes is waited on (and
// buffered) instead of being refused from the header alone.
// EXPECT: a header whose length is all 0xff
// REGION: the frame at the start of a buffer: version, length, canary
if input.len() < HEADER {
    return Decoded::Incomplete;
}
if input[0] != VERSION {
    return Decoded::Broken(format!("bad version {}", input[0]));
}
let length = usize::from(u16::from_be_bytes([input[2], input[3]]));
let total = HEADER + length + 1;
if input.len() < total {
    return Decoded::Incomplete;
}
if input[total - 1] != CANARY {
    return Decoded::Broken("bad canary".into());
}
Decoded::Frame((input[1], &input[HEADER..total - 1]), total)
