//! `Chat`: the room plus an encoding — what every driver actually calls.
//!
//! A driver has bytes and connections; the room has commands and members. `Chat` sits
//! between them: it takes a [`Frame`] from the line framer, decodes it with the connection's
//! [`Protocol`], asks the [`Room`], and renders the resulting deliveries into [`Output`]:
//! bytes for a member, or a close. Drivers only move those bytes.

use super::lines::{Frame, MAX_LINE};
use super::message::Event;
use super::room::{Delivery, LeaveReason, Room};
use super::{MemberId, Protocol};

/// What a driver must do, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Output {
    /// Queue these bytes (whole lines) for a member.
    Send(MemberId, Vec<u8>),
    /// Close the member's connection once its queued bytes are written.
    Close(MemberId),
}

/// One room, one encoding.
#[derive(Debug, Default)]
pub struct Chat {
    room: Room,
    protocol: Protocol,
}

impl Chat {
    pub fn new(protocol: Protocol) -> Chat {
        Chat {
            room: Room::new(),
            protocol,
        }
    }

    pub fn protocol(&self) -> Protocol {
        self.protocol
    }

    /// The nick of a member (for log lines).
    pub fn nick(&self, id: MemberId) -> Option<&str> {
        self.room.nick(id)
    }

    pub fn members(&self) -> usize {
        self.room.len()
    }

    /// A connection arrived.
    pub fn join(&mut self, id: MemberId) -> Vec<Output> {
        let deliveries = self.room.join(id);
        self.render(deliveries)
    }

    /// One frame of input from a member.
    pub fn frame(&mut self, id: MemberId, frame: Frame<'_>) -> Vec<Output> {
        let deliveries = match frame {
            Frame::Line(line) => match self.protocol.decode(line) {
                Ok(command) => self.room.command(id, command),
                Err(reason) => self.room.refuse(id, reason),
            },
            Frame::TooLong => self
                .room
                .refuse(id, format!("line too long (over {MAX_LINE} bytes): discarded")),
            Frame::BadUtf8 => self.room.refuse(id, "invalid UTF-8: line discarded"),
        };
        self.render(deliveries)
    }

    /// Tell one member something the room did not decide (a driver's notice, such as the
    /// idle warning), in the member's encoding.
    pub fn tell(&self, id: MemberId, event: Event) -> Vec<Output> {
        self.render(vec![Delivery::Send(id, event)])
    }

    /// A connection ended (or is being ended) for `reason`.
    pub fn leave(&mut self, id: MemberId, reason: LeaveReason) -> Vec<Output> {
        let deliveries = self.room.leave(id, reason);
        self.render(deliveries)
    }

    /// Encode each delivery. A broadcast is a run of identical events, so the last
    /// rendering is reused: one `format!` per message, not one per recipient.
    fn render(&self, deliveries: Vec<Delivery>) -> Vec<Output> {
        let mut last: Option<(Event, Vec<u8>)> = None;
        let mut out = Vec::with_capacity(deliveries.len());
        for delivery in deliveries {
            match delivery {
                Delivery::Close(id) => out.push(Output::Close(id)),
                Delivery::Send(id, event) => {
                    let bytes = match &last {
                        Some((previous, bytes)) if *previous == event => bytes.clone(),
                        _ => {
                            let mut bytes = Vec::new();
                            self.protocol.encode(&event, &mut bytes);
                            last = Some((event, bytes.clone()));
                            bytes
                        }
                    };
                    if !bytes.is_empty() {
                        out.push(Output::Send(id, bytes));
                    }
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(chat: &mut Chat, id: MemberId, text: &str) -> Vec<Output> {
        chat.frame(id, Frame::Line(text))
    }

    fn send(id: MemberId, text: &str) -> Output {
        Output::Send(id, text.as_bytes().to_vec())
    }

    #[test]
    fn text_lines_in_bytes_out() {
        let mut chat = Chat::new(Protocol::Text);
        assert_eq!(chat.join(1), [send(1, "* welcome, you are guest-1\n")]);
        chat.join(2);
        assert_eq!(
            line(&mut chat, 1, "hello"),
            [send(2, "[guest-1] hello\n")],
            "Ok is silent in text"
        );
        assert_eq!(
            line(&mut chat, 1, "/quit"),
            [send(1, "* bye\n"), Output::Close(1), send(2, "* guest-1 left (quit)\n")]
        );
    }

    #[test]
    fn framing_errors_are_explained_to_the_sender() {
        let mut chat = Chat::new(Protocol::Text);
        chat.join(1);
        let out = chat.frame(1, Frame::TooLong);
        assert_eq!(out, [send(1, "! line too long (over 4096 bytes): discarded\n")]);
        assert_eq!(
            chat.frame(1, Frame::BadUtf8),
            [send(1, "! invalid UTF-8: line discarded\n")]
        );
        let unknown = line(&mut chat, 1, "/dance");
        assert!(matches!(&unknown[..], [Output::Send(1, b)] if b.starts_with(b"! unknown command")));
    }

    #[test]
    fn the_same_room_speaks_json() {
        let mut chat = Chat::new(Protocol::Json);
        assert_eq!(
            chat.join(1),
            [send(1, "{\"event\":\"welcome\",\"nick\":\"guest-1\"}\n")]
        );
        chat.join(2);
        let out = line(&mut chat, 2, r#"{"command":"message","param":"hi"}"#);
        assert_eq!(
            out,
            [
                send(1, "{\"event\":\"message\",\"from\":\"guest-2\",\"text\":\"hi\"}\n"),
                send(2, "{\"status\":\"ok\"}\n")
            ]
        );
        let bad = line(&mut chat, 2, "{oops");
        assert!(
            matches!(&bad[..], [Output::Send(2, b)] if b.starts_with(b"{\"status\":\"error\",\"reason\":\"invalid JSON")),
            "{bad:?}"
        );
    }
}
