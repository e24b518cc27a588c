//! The chat room as pure logic: "member k did this" in, *deliveries* out.
//!
//! A [`Room`] knows the members and their nicks, nothing about sockets, threads or
//! processes. Each method returns the [`Delivery`]s that follow — which event goes to which
//! member, and which connection to close — and the driver carries them out: the reactor
//! queues them with `Ctx::send`, the thread model pushes them into per-client queues, the
//! fork model's parent writes them to its children's socketpairs. The same unit tests
//! therefore cover every concurrency model.
//!
//! Deliveries are in order: a driver that performs them in sequence sends every member its
//! events in the order the room decided them (and `Close` after the `Bye` before it).
//!
//! The room also writes the log lines about members coming, renaming and going (`info!`,
//! `warn!` for one dropped as too slow), so they read the same on every model; drivers add
//! only the peer's address at join (`127.0.0.1:50000 joined as guest-1`).

use super::message::{Command, Event};
use super::nick;
use super::MemberId;
use log::{info, warn};
use std::collections::{BTreeMap, HashMap};
use std::fmt;

/// One thing a driver must do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Delivery {
    /// Send `event` to a member.
    Send(MemberId, Event),
    /// Close a member's connection once what was sent to it is written.
    Close(MemberId),
}

/// Why a member left; shown to the others as `* nick left (reason)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LeaveReason {
    /// `/quit [reason]`.
    Quit(Option<String>),
    /// The connection ended without `/quit` (EOF, reset).
    ConnectionLost,
    /// Its pending output passed the limit: it was not reading.
    TooSlow,
    /// It sent nothing for the idle timeout.
    IdleTimeout,
    /// The server is stopping.
    Shutdown,
    /// The operator sent it away with `/kick` (the operator's nick).
    Kicked(String),
}

impl LeaveReason {
    fn describe(&self) -> String {
        match self {
            LeaveReason::Quit(Some(reason)) => reason.clone(),
            LeaveReason::Quit(None) => "quit".to_string(),
            LeaveReason::ConnectionLost => "connection lost".to_string(),
            LeaveReason::TooSlow => "too slow".to_string(),
            LeaveReason::IdleTimeout => "idle timeout".to_string(),
            LeaveReason::Shutdown => "server shutdown".to_string(),
            LeaveReason::Kicked(by) => format!("kicked by {by}"),
        }
    }
}

/// How the server log says why a member left.
impl fmt::Display for LeaveReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LeaveReason::Quit(Some(reason)) => write!(f, "/quit ({reason})"),
            LeaveReason::Quit(None) => f.write_str("/quit"),
            LeaveReason::ConnectionLost => f.write_str("connection lost (closed without /quit)"),
            LeaveReason::TooSlow => f.write_str("too slow (its unread output passed the limit): disconnected"),
            LeaveReason::IdleTimeout => f.write_str("idle timeout"),
            LeaveReason::Shutdown => f.write_str("server shutdown"),
            LeaveReason::Kicked(by) => write!(f, "kicked by {by}"),
        }
    }
}

/// The members and their nicks.
#[derive(Debug, Default)]
pub struct Room {
    /// Nick of each member, by id; a `BTreeMap` so broadcasts go out in a stable order.
    members: BTreeMap<MemberId, String>,
    /// Who holds each nick, by its case-folded key (`nick::key`): uniqueness in O(1).
    owners: HashMap<String, MemberId>,
    /// The N of the next `guest-N`; only grows, so guest names are never reused.
    next_guest: u64,
    /// Members in the order they joined: the first is the room's operator (`/kick`).
    seniority: Vec<MemberId>,
    /// The topic and the nick of who set it (`/topic`).
    topic: Option<(String, String)>,
}

impl Room {
    pub fn new() -> Room {
        Room::default()
    }

    pub fn len(&self) -> usize {
        self.members.len()
    }

    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// The nick of a member, if it is one.
    pub fn nick(&self, id: MemberId) -> Option<&str> {
        self.members.get(&id).map(String::as_str)
    }

    /// A new connection: name it `guest-N`, welcome it, tell the others.
    pub fn join(&mut self, id: MemberId) -> Vec<Delivery> {
        if self.members.contains_key(&id) {
            return Vec::new();
        }
        let nick = self.fresh_guest_nick();
        self.owners.insert(nick::key(&nick), id);
        self.members.insert(id, nick.clone());
        self.seniority.push(id);
        let mut out = vec![Delivery::Send(id, Event::Welcome { nick: nick.clone() })];
        self.to_others(id, Event::Joined { nick }, &mut out);
        out
    }

    /// `guest-N` with the smallest unused N (someone may have taken `guest-7` by `/nick`).
    fn fresh_guest_nick(&mut self) -> String {
        loop {
            self.next_guest += 1;
            let nick = format!("guest-{}", self.next_guest);
            if !self.owners.contains_key(&nick::key(&nick)) {
                return nick;
            }
        }
    }

    /// A member's command. Commands from a non-member (one that already quit) are ignored.
    pub fn command(&mut self, id: MemberId, command: Command) -> Vec<Delivery> {
        let Some(me) = self.members.get(&id).cloned() else {
            return Vec::new();
        };
        let mut out = Vec::new();
        match command {
            Command::Say(text) => {
                if !text.is_empty() {
                    self.to_others(id, Event::Message { from: me, text }, &mut out);
                }
                out.push(Delivery::Send(id, Event::Ok));
            }
            Command::Me(text) => {
                self.to_others(id, Event::Action { from: me, text }, &mut out);
                out.push(Delivery::Send(id, Event::Ok));
            }
            Command::Nick(new) => self.rename(id, me, new, &mut out),
            Command::List => out.push(Delivery::Send(id, Event::Members(self.sorted_nicks()))),
            Command::Msg { to, text } => match self.owners.get(&nick::key(&to)) {
                Some(&target) => {
                    out.push(Delivery::Send(target, Event::Private { from: me, text }));
                    out.push(Delivery::Send(id, Event::Ok));
                }
                None => out.push(Delivery::Send(id, Event::error(format!("no such member: {to}")))),
            },
            Command::Quit(reason) => {
                out.push(Delivery::Send(id, Event::Bye));
                out.push(Delivery::Close(id));
                out.extend(self.leave(id, LeaveReason::Quit(reason)));
            }
            Command::Kick(nick) => self.kick(id, me, nick, &mut out),
            Command::Topic(text) => self.topic(id, me, text, &mut out),
        }
        out
    }

    /// The room's operator: the member present the longest.
    pub fn operator(&self) -> Option<MemberId> {
        self.seniority.first().copied()
    }

    /// `/kick NAME`: only the operator may; the target is told, closed, and leaves.
    fn kick(&mut self, id: MemberId, me: String, target: String, out: &mut Vec<Delivery>) {
        // LAB 9 BEGIN: /kick: the operator sends a member away
        if self.operator() != Some(id) {
            let operator = self.operator().and_then(|op| self.nick(op)).unwrap_or("nobody");
            let reason = format!("only the operator ({operator}) may /kick");
            return out.push(Delivery::Send(id, Event::Error(reason)));
        }
        let Some(&victim) = self.owners.get(&nick::key(&target)) else {
            return out.push(Delivery::Send(id, Event::error(format!("no such member: {target}"))));
        };
        if victim == id {
            return out.push(Delivery::Send(id, Event::error("you cannot kick yourself")));
        }
        out.push(Delivery::Send(victim, Event::Kicked { by: me.clone() }));
        out.push(Delivery::Close(victim));
        out.extend(self.leave(victim, LeaveReason::Kicked(me)));
        out.push(Delivery::Send(id, Event::Ok));
        // LAB 9 END
    }

    /// `/topic`: tell the asker the topic; `/topic TEXT`: set it and tell everyone.
    fn topic(&mut self, id: MemberId, me: String, text: Option<String>, out: &mut Vec<Delivery>) {
        // LAB 9 BEGIN: /topic: ask for the topic, or set it for everyone
        let Some(text) = text else {
            let (by, text) = self.topic.clone().unzip();
            return out.push(Delivery::Send(id, Event::Topic { text, by }));
        };
        self.topic = Some((me.clone(), text.clone()));
        let changed = Event::TopicChanged { by: me, text };
        for &member in self.members.keys() {
            out.push(Delivery::Send(member, changed.clone()));
        }
        out.push(Delivery::Send(id, Event::Ok));
        // LAB 9 END
    }

    /// `/nick`: check the name, then tell everyone (the renamed member too).
    fn rename(&mut self, id: MemberId, old: String, new: String, out: &mut Vec<Delivery>) {
        if let Err(reason) = nick::validate(&new) {
            return out.push(Delivery::Send(id, Event::Error(reason)));
        }
        if old == new {
            return out.push(Delivery::Send(id, Event::error(format!("you are already {new}"))));
        }
        let new_key = nick::key(&new);
        if self.owners.get(&new_key).is_some_and(|&owner| owner != id) {
            return out.push(Delivery::Send(id, Event::error(format!("nick taken: {new}"))));
        }
        info!("{old} is now {new}");
        self.owners.remove(&nick::key(&old));
        self.owners.insert(new_key, id);
        self.members.insert(id, new.clone());
        let renamed = Event::Renamed { old, new };
        for &member in self.members.keys() {
            out.push(Delivery::Send(member, renamed.clone()));
        }
        out.push(Delivery::Send(id, Event::Ok));
    }

    /// A line that could not be decoded: tell its sender why, change nothing.
    pub fn refuse(&self, id: MemberId, reason: impl Into<String>) -> Vec<Delivery> {
        if self.members.contains_key(&id) {
            vec![Delivery::Send(id, Event::Error(reason.into()))]
        } else {
            Vec::new()
        }
    }

    /// A member is gone (or going): tell the others. Leaving twice is harmless, so a driver
    /// may call this on every close, even after `/quit` already removed the member.
    pub fn leave(&mut self, id: MemberId, reason: LeaveReason) -> Vec<Delivery> {
        let Some(nick) = self.members.remove(&id) else {
            return Vec::new();
        };
        self.seniority.retain(|&m| m != id);
        self.owners.remove(&nick::key(&nick));
        match reason {
            LeaveReason::TooSlow => warn!("{nick} left: {reason}"),
            _ => info!("{nick} left: {reason}"),
        }
        let mut out = Vec::new();
        let reason = reason.describe();
        self.to_others(id, Event::Left { nick, reason }, &mut out);
        out
    }

    fn to_others(&self, id: MemberId, event: Event, out: &mut Vec<Delivery>) {
        for &member in self.members.keys().filter(|&&m| m != id) {
            out.push(Delivery::Send(member, event.clone()));
        }
    }

    /// Nicks sorted case-insensitively (then exactly, for a stable order).
    fn sorted_nicks(&self) -> Vec<String> {
        let mut nicks: Vec<String> = self.members.values().cloned().collect();
        nicks.sort_by_cached_key(|n| (nick::key(n), n.clone()));
        nicks
    }
}

#[cfg(test)]
#[path = "room_tests.rs"]
mod tests;
