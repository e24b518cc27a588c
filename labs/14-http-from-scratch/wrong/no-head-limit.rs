// A wrong lab 14: a partial head is kept whatever its size, waiting for its end: a peer that
// never ends it is buffered (up to the reactor's 64 KiB safety net) and never told 431.
// EXPECT: HTTP/1.1 431
// REGION: answer every complete head, bound the partial one
let mut used = 0;
loop {
    let rest = &input[used..];
    let Some(end) = request::head_end(rest) else {
        state.partial = !rest.is_empty();
        if state.timer.is_none() {
            state.timer = ctx.set_timer(self.header_timeout, HEAD_TIMER);
        }
        return used;
    };
    if let Some(key) = state.timer.take() {
        ctx.cancel_timer(key);
    }
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
