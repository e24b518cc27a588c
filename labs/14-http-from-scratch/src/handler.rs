//! `FileServer`: the reactor `Handler` of this server. `on_data` sees every byte received
//! and not consumed yet: it answers each complete head (pipelined ones in order), leaves a
//! partial one for later, and refuses a head over the limit. A timer per request bounds how
//! long a head may take to arrive, counted from its first byte: a client that sends one byte
//! a second (slowloris) is cut off like a silent one.

use crate::{files, request, response};
use reactor::{Ctx, Handler, Peer, TimerKey, Token};
use std::fs::File;
use std::path::PathBuf;
use std::time::Duration;

/// The tag of the head timer.
const HEAD_TIMER: u64 = 1;
/// Requests answered per `on_data` call; the reactor calls again for the rest.
const BATCH: usize = 32;

pub struct FileServer {
    /// Canonical (`realpath`) root: every file served is under it.
    root: PathBuf,
    header_timeout: Duration,
}

/// Per connection: the head timer while a head is awaited.
#[derive(Default)]
pub struct Conn {
    timer: Option<TimerKey>,
    /// Part of a head has arrived (a 408 is owed if the timer fires).
    partial: bool,
}

impl FileServer {
    pub fn new(root: PathBuf, header_timeout: Duration) -> FileServer {
        FileServer { root, header_timeout }
    }

    /// The answer to one parsed request: a file (GET/HEAD), 404 or 405.
    fn answer(&self, ctx: &mut Ctx<'_>, token: Token, req: &request::Request) {
        // LAB 14 BEGIN: answer one request
        if req.method != "GET" && req.method != "HEAD" {
            ctx.send_vec(token, response::error(405, req.keep_alive));
            return;
        }
        let found = files::resolve(&self.root, &req.target)
            .and_then(|path| Some((File::open(&path).ok()?, path)))
            .and_then(|(file, path)| Some((file.metadata().ok()?.len(), file, path)));
        let Some((len, file, path)) = found else {
            ctx.send_vec(token, response::error(404, req.keep_alive));
            return;
        };
        ctx.send_vec(
            token,
            response::head(200, files::content_type(&path), len, req.keep_alive),
        );
        if req.method == "GET" && len > 0 {
            ctx.send_file(token, file, 0, len);
        }
        // LAB 14 END
    }
}

impl Handler for FileServer {
    type State = Conn;

    fn on_accept(&mut self, ctx: &mut Ctx<'_>, _token: Token, _peer: &Peer) -> Conn {
        // LAB 14 BEGIN: a new connection: start the head timer
        Conn {
            timer: ctx.set_timer(self.header_timeout, HEAD_TIMER),
            partial: false,
        }
        // LAB 14 END
    }

    fn on_data(&mut self, ctx: &mut Ctx<'_>, token: Token, state: &mut Conn, input: &[u8]) -> usize {
        // LAB 14 BEGIN: answer every complete head, bound the partial one
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
                if state.timer.is_none() {
                    // Waiting for the next head: its clock starts now and is not restarted by
                    // the bytes that trickle in (an idle keep-alive connection ends there too).
                    state.timer = ctx.set_timer(self.header_timeout, HEAD_TIMER);
                }
                return used;
            };
            if end > request::MAX_HEAD {
                ctx.send_vec(token, response::error(431, false));
                ctx.close(token);
                return input.len();
            }
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
        state.partial = false;
        used
        // LAB 14 END
    }

    fn on_timer(&mut self, ctx: &mut Ctx<'_>, token: Token, state: &mut Conn, tag: u64) {
        // LAB 14 BEGIN: the head timer fired: 408 if a head had started, then close
        if tag != HEAD_TIMER {
            return;
        }
        state.timer = None;
        if state.partial {
            ctx.send_vec(token, response::error(408, false));
        }
        ctx.close(token);
        // LAB 14 END
    }
}
