// A wrong lab 15: each read is expected to hold whole frames; a partial one is answered as
// an error and dropped, as if TCP kept the writer's boundaries.
// EXPECT: TCP is a byte stream
// REGION: answer every whole frame; errors for bad ones
let mut used = 0;
for _ in 0..BATCH {
    match Request::decode(&input[used..]) {
        Decoded::Frame(req, n) => {
            let answer = self.apply(req);
            ctx.send_vec(token, answer.encode());
            used += n;
        }
        Decoded::Invalid(why, n) => {
            ctx.send_vec(token, Response::Error(why).encode());
            used += n;
        }
        Decoded::Incomplete if used == input.len() => return used,
        Decoded::Incomplete => {
            ctx.send_vec(token, Response::Error("incomplete frame".into()).encode());
            return input.len();
        }
        Decoded::Broken(why) => {
            ctx.send_vec(token, Response::Error(why).encode());
            ctx.close(token);
            return input.len();
        }
    }
}
used
