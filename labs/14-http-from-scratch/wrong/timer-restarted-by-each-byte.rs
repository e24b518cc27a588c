// A wrong lab 14: the head timer is restarted whenever bytes arrive, so it measures silence,
// not the head's duration: a client sending a byte every 150 ms (slowloris) is never cut off.
// EXPECT: not restarted by each byte
// REGION: answer every complete head, bound the partial one
if let Some(key) = state.timer.take() {
    ctx.cancel_timer(key);
}
let mut used = 0;
for _ in 0..BATCH {
    let rest = &input[used..];
    let Some(end) = request::head_end(rest) else {
        if rest.len() > request::MAX_HEAD {
            ctx.send_vec(token, response::error(431, false));
            ctx.close(token);
            return input.len();
        }
        state.partial = !rest.is_empty();
        state.timer = ctx.set_timer(self.header_timeout, HEAD_TIMER);
        return used;
    };
    used += end;
    match request::parse(&rest[..end]) {
        Ok(req) => {
            self.answer(ctx, token, &req);
            if !req.keep_alive {
                ctx.close(token);
                return input.len();
            }
        }
        Err(status) => {
            ctx.send_vec(token, response::error(status, false));
            ctx.close(token);
            return input.len();
        }
    }
}
state.partial = false;
used
