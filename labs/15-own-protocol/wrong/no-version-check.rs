// A wrong lab 15: the version byte is written but never checked: a frame of another version
// is obeyed as if it were this one.
// EXPECT: a bad version:
// REGION: the frame at the start of a buffer: version, length, canary
if input.len() < HEADER {
    return Decoded::Incomplete;
}
let length = usize::from(u16::from_be_bytes([input[2], input[3]]));
if length > MAX_BODY {
    return Decoded::Broken(format!("frame of {length} bytes, at most {MAX_BODY}"));
}
let total = HEADER + length + 1;
if input.len() < total {
    return Decoded::Incomplete;
}
if input[total - 1] != CANARY {
    return Decoded::Broken("bad canary".into());
}
Decoded::Frame((input[1], &input[HEADER..total - 1]), total)
