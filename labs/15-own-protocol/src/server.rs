//! The store's reactor `Handler`: every whole request frame in the input is answered in
//! order; a partial one waits for more bytes; a body that makes no sense gets an ERROR and
//! the connection goes on; a stream out of step (bad version, bad canary, a length over the
//! limit) gets an ERROR and is closed. The store is bounded, like everything a peer can fill.

use crate::codec::{Decoded, Request, Response};
use reactor::{Ctx, Handler, Peer, Token};
use std::collections::HashMap;

/// Keys the store holds at most; a SET of a new key past it is an ERROR.
pub const MAX_KEYS: usize = 1024;
/// Requests answered per `on_data` call (the reactor calls again for the rest).
const BATCH: usize = 64;

#[derive(Default)]
pub struct Store {
    map: HashMap<Vec<u8>, Vec<u8>>,
}

impl Store {
    /// The answer to one request, applied to the store.
    pub fn apply(&mut self, req: Request) -> Response {
        // LAB 15 BEGIN: apply a request to the store
        match req {
            Request::Get(key) => match self.map.get(&key) {
                Some(v) => Response::Value(v.clone()),
                None => Response::NotFound,
            },
            Request::Set(key, value) => {
                if self.map.len() >= MAX_KEYS && !self.map.contains_key(&key) {
                    return Response::Error(format!("store full: {MAX_KEYS} keys"));
                }
                self.map.insert(key, value);
                Response::Ok
            }
            Request::Del(key) => match self.map.remove(&key) {
                Some(_) => Response::Ok,
                None => Response::NotFound,
            },
        }
        // LAB 15 END
    }
}

impl Handler for Store {
    type State = ();

    fn on_accept(&mut self, _ctx: &mut Ctx<'_>, _token: Token, _peer: &Peer) {}

    fn on_data(&mut self, ctx: &mut Ctx<'_>, token: Token, _state: &mut (), input: &[u8]) -> usize {
        // LAB 15 BEGIN: answer every whole frame; errors for bad ones
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
                Decoded::Incomplete => return used,
                Decoded::Broken(why) => {
                    ctx.send_vec(token, Response::Error(why).encode());
                    ctx.close(token);
                    return input.len();
                }
            }
        }
        used
        // LAB 15 END
    }
}
