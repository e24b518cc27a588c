// A wrong lab 15: the canary is written but never checked, so a reader out of step with the
// frames goes on reading garbage as requests.
// EXPECT: a bad canary:
// REGION: the frame at the start of a buffer: version, length, canary
if input.len() < HEADER {
    return Decoded::Incomplete;
}
if input[0] != VERSION {
    return Decoded::Broken(format!("bad version {}", input[0]));
}
let length = usize::from(u16::from_be_bytes([input[2], input[3]]));
if length > MAX_BODY {
    return Decoded::Broken(format!("frame of {length} bytes, at most {MAX_BODY}"));
}
let total = HEADER + length + 1;
if input.len() < total {
    return Decoded::Incomplete;
}
Decoded::Frame((input[1], &input[HEADER..total - 1]), total)
