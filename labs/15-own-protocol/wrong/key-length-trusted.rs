// A wrong lab 15: a SET's key length is used to split its body without checking it fits:
// a key length past the end of the body slices out of bounds and the server panics.
// EXPECT: never a slice out of bounds
// REGION: decode a request
let (kind, body, used) = match unframe(input) {
    Decoded::Frame((kind, body), used) => (kind, body, used),
    Decoded::Incomplete => return Decoded::Incomplete,
    Decoded::Invalid(why, used) => return Decoded::Invalid(why, used),
    Decoded::Broken(why) => return Decoded::Broken(why),
};
match kind {
    1 => Decoded::Frame(Request::Get(body.to_vec()), used),
    3 => Decoded::Frame(Request::Del(body.to_vec()), used),
    2 => {
        let len = usize::from(body[0]);
        let (key, value) = body[1..].split_at(len);
        Decoded::Frame(Request::Set(key.to_vec(), value.to_vec()), used)
    }
    k => Decoded::Invalid(format!("unknown request kind {k}"), used),
}
