//! The chat room on the one-thread reactor (select, poll or epoll).
//!
//! The room lives in the handler: one thread owns it, so no lock. Each connection's state is
//! its line framer; its token is its member id. A line in gives [`Output`]s, and each
//! becomes a `Ctx::send` (to this connection or any other) or a `Ctx::close`. The reactor
//! applies them after the callback returns.
//!
//! Flow control needs no code here: the reactor runs with `Overflow::HoldSenders` and
//! `max_output` = the chat's high-water mark. A line whose copies push a member past the
//! mark makes the reactor stop reading the *sender* until that member drains (a burst of
//! 3,000 lines reaches a reader that keeps reading, at the reader's pace); a member whose
//! output stops moving for 2 s, or stays over the mark for 10 s, is closed with
//! `CloseReason::TooSlow`, and `on_close` tells the others `* nick left (too slow)`
//! (`reactor/src/reactor/flow.rs`). A send itself only appends to an outbox.
//!
//! `fork.rs` and `relay.rs` run this same handler in the parent of the fork model, with a
//! child process per client relaying bytes over a `socketpair(2)`.

pub mod fork;
mod idle;
mod relay;

pub use idle::{IdleKick, IdleStep};

use crate::proto::chat::{Chat, Event, LeaveReason, LineFramer, MemberId, Output, Protocol, MAX_LINE};
use log::info;
use reactor::{CloseReason, Config, Ctx, Handler, Overflow, Peer, Token};
use std::time::Duration;

/// The chat room as a reactor handler.
pub struct ChatHandler {
    chat: Chat,
    /// `--idle-kick`: members silent too long are warned, then disconnected (`idle.rs`).
    idle: Option<IdleKick>,
}

impl ChatHandler {
    pub fn new(protocol: Protocol) -> ChatHandler {
        ChatHandler {
            chat: Chat::new(protocol),
            idle: None,
        }
    }

    /// Warn, then disconnect, members silent for `after`.
    pub fn with_idle_kick(self, after: Duration) -> ChatHandler {
        ChatHandler {
            idle: Some(IdleKick::new(after)),
            ..self
        }
    }

    /// An idle timer of `token` fired.
    fn idle_timer(&mut self, ctx: &mut Ctx<'_>, token: Token, tag: u64) {
        let Some(idle) = self.idle.as_mut() else { return };
        match idle.fired(ctx, token, tag) {
            Some(IdleStep::Warn(left)) => {
                let warning = Event::IdleWarning {
                    seconds: left.as_secs(),
                };
                perform(ctx, self.chat.tell(member(token), warning));
            }
            Some(IdleStep::Kick) => {
                if let Some(nick) = self.chat.nick(member(token)) {
                    info!("{nick}: idle, disconnected");
                }
                perform(ctx, self.chat.leave(member(token), LeaveReason::IdleTimeout));
                ctx.close(token);
            }
            None => {}
        }
    }
}

/// The reactor limits a chat needs on top of the command line's: hold a sender while a
/// member it writes to is over `max_output`, and never keep more than about a line of input.
pub fn config(base: Config, max_output: usize) -> Config {
    Config {
        max_output,
        overflow: Overflow::HoldSenders,
        // The framer consumes everything past MAX_LINE; this is only a safety net.
        max_input: 2 * MAX_LINE + 2,
        ..base
    }
}

impl Handler for ChatHandler {
    type State = LineFramer;

    fn on_accept(&mut self, ctx: &mut Ctx<'_>, token: Token, peer: &Peer) -> LineFramer {
        let outputs = self.chat.join(member(token));
        if let Some(nick) = self.chat.nick(member(token)) {
            info!("{peer} joined as {nick}");
        }
        perform(ctx, outputs);
        if let Some(idle) = self.idle.as_mut() {
            idle.restart(ctx, token);
        }
        LineFramer::new()
    }

    fn on_data(&mut self, ctx: &mut Ctx<'_>, token: Token, framer: &mut LineFramer, input: &[u8]) -> usize {
        if let Some(idle) = self.idle.as_mut() {
            idle.restart(ctx, token);
        }
        let chat = &mut self.chat;
        framer.feed(input, |frame| {
            let outputs = chat.frame(member(token), frame);
            perform(ctx, outputs);
        })
    }

    fn on_timer(&mut self, ctx: &mut Ctx<'_>, token: Token, _framer: &mut LineFramer, tag: u64) {
        self.idle_timer(ctx, token, tag);
    }

    fn on_close(&mut self, ctx: &mut Ctx<'_>, token: Token, _framer: &mut LineFramer, reason: &CloseReason) {
        if let Some(idle) = self.idle.as_mut() {
            idle.forget(token);
        }
        // The room logs the leave (after a /quit it already has, and this is a no-op).
        let outputs = self.chat.leave(member(token), leave_reason(reason));
        perform(ctx, outputs);
    }
}

/// A token is unique among open connections, which is all the room needs of a member id.
fn member(token: Token) -> MemberId {
    token.0 as MemberId
}

/// Carry out the room's decisions through the reactor.
pub fn perform(ctx: &mut Ctx<'_>, outputs: Vec<Output>) {
    for output in outputs {
        match output {
            Output::Send(id, bytes) => ctx.send_vec(Token(id as usize), bytes),
            Output::Close(id) => ctx.close(Token(id as usize)),
        }
    }
}

/// What the others are told about a connection the reactor closed. A `/quit` already left
/// the room, so its close is silent whatever the reason here.
pub fn leave_reason(reason: &CloseReason) -> LeaveReason {
    match reason {
        CloseReason::TooSlow => LeaveReason::TooSlow,
        CloseReason::IdleTimeout => LeaveReason::IdleTimeout,
        CloseReason::Shutdown => LeaveReason::Shutdown,
        CloseReason::PeerClosed | CloseReason::Requested | CloseReason::InputTooLarge | CloseReason::Error(_) => {
            LeaveReason::ConnectionLost
        }
    }
}
