//! The chat's vocabulary: what a member asks ([`Command`]) and what the room tells members
//! ([`Event`]). Both are plain data; `text.rs` and `json.rs` turn them into bytes and back,
//! so the room never knows which encoding a connection speaks.

/// A member's request, decoded from one line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// A line without a leading `/`: a message for every other member.
    Say(String),
    /// `/nick NAME` (JSON: `login`).
    Nick(String),
    /// `/list`.
    List,
    /// `/msg NAME text`: a private message.
    Msg { to: String, text: String },
    /// `/me action`.
    Me(String),
    /// `/quit [reason]`.
    Quit(Option<String>),
    /// `/kick NAME`: the room's operator (its longest-present member) sends NAME away.
    Kick(String),
    /// `/topic` asks for the room's topic; `/topic TEXT` sets it.
    Topic(Option<String>),
}

/// Something the room tells one member.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// To a newcomer: the nick it was given.
    Welcome { nick: String },
    /// To the others: someone arrived.
    Joined { nick: String },
    /// A public message.
    Message { from: String, text: String },
    /// A private message, for its receiver only.
    Private { from: String, text: String },
    /// `/me`: an action.
    Action { from: String, text: String },
    /// To everyone: a member changed nick.
    Renamed { old: String, new: String },
    /// To the asker of `/list`: every nick, sorted.
    Members(Vec<String>),
    /// To the others: a member left, and why.
    Left { nick: String, reason: String },
    /// To a member that sent `/quit`, just before the server closes its connection.
    Bye,
    /// To a kicked member, just before the server closes its connection.
    Kicked { by: String },
    /// To the asker of `/topic`: the topic and who set it, if any.
    Topic { text: Option<String>, by: Option<String> },
    /// To everyone: a member set the topic.
    TopicChanged { by: String, text: String },
    /// To a silent member: it will be disconnected after `seconds` more of silence.
    IdleWarning { seconds: u64 },
    /// A command succeeded and had no other answer for its sender (silent in text).
    Ok,
    /// A command or a line was refused; the connection stays open.
    Error(String),
}

impl Event {
    pub fn error(reason: impl Into<String>) -> Event {
        Event::Error(reason.into())
    }
}
