//! The text encoding: what a person types in `telnet`, `nc` or `chat-client`.
//!
//! ```text
//! hello everyone          -> others see   [alice] hello everyone
//! /nick bob               -> everyone     * alice is now known as bob
//! /list                   -> you          * members: bob, carol
//! /msg carol psst         -> carol sees   [bob -> you] psst
//! /me waves               -> others see   * bob waves
//! /quit gotta go          -> you          * bye      others: * bob left (gotta go)
//! /topic Rust labs        -> everyone     * alice set the topic: Rust labs
//! /topic                  -> you          * topic: Rust labs (set by alice)
//! /kick bob               -> bob          * you were kicked by alice   others: * bob left (kicked by alice)
//! /dance                  -> you          ! unknown command: /dance (…)
//! ```
//! Lines from the server start with `*` (room news), `[` (messages) or `!` (errors).

use super::controls;
use super::message::{Command, Event};

/// What the unknown-command error suggests.
pub const COMMANDS: &str = "/nick NAME, /list, /msg NAME text, /me action, /topic [text], /kick NAME, /quit [reason]";

/// Decode one line (without its newline) into a command, or say what is wrong with it.
/// A line holding a terminal control character is refused whole (`controls.rs`).
pub fn parse_command(line: &str) -> Result<Command, String> {
    if let Some(code) = controls::first_forbidden(line) {
        return Err(format!("control character {code} not allowed: line discarded"));
    }
    let Some(command_line) = line.strip_prefix('/') else {
        return Ok(Command::Say(line.to_string()));
    };
    let (name, rest) = split_word(command_line);
    match name {
        "nick" => match split_word(rest) {
            ("", _) => Err("usage: /nick NAME".to_string()),
            (nick, "") => Ok(Command::Nick(nick.to_string())),
            _ => Err("a nick is one word: /nick NAME".to_string()),
        },
        "list" => Ok(Command::List),
        "msg" => match split_word(rest) {
            ("", _) | (_, "") => Err("usage: /msg NAME text".to_string()),
            (to, text) => Ok(Command::Msg {
                to: to.to_string(),
                text: text.to_string(),
            }),
        },
        "me" if rest.is_empty() => Err("usage: /me action".to_string()),
        "me" => Ok(Command::Me(rest.to_string())),
        "quit" => Ok(Command::Quit(Some(rest).filter(|r| !r.is_empty()).map(str::to_string))),
        "kick" => match split_word(rest) {
            ("", _) => Err("usage: /kick NAME".to_string()),
            (nick, "") => Ok(Command::Kick(nick.to_string())),
            _ => Err("a nick is one word: /kick NAME".to_string()),
        },
        "topic" => Ok(Command::Topic(
            Some(rest.trim_end()).filter(|t| !t.is_empty()).map(str::to_string),
        )),
        _ => Err(format!("unknown command: /{name} (try {COMMANDS})")),
    }
}

/// `"msg bob hi there"` -> `("msg", "bob hi there")`; surrounding spaces are dropped.
fn split_word(s: &str) -> (&str, &str) {
    let s = s.trim_start_matches(' ');
    match s.split_once(' ') {
        Some((word, rest)) => (word, rest.trim_start_matches(' ')),
        None => (s, ""),
    }
}

/// The line (without its newline) that shows `event`; `None` for [`Event::Ok`], which the
/// text encoding does not show.
pub fn render_event(event: &Event) -> Option<String> {
    Some(match event {
        Event::Welcome { nick } => format!("* welcome, you are {nick}"),
        Event::Joined { nick } => format!("* {nick} joined"),
        Event::Message { from, text } => format!("[{from}] {text}"),
        Event::Private { from, text } => format!("[{from} -> you] {text}"),
        Event::Action { from, text } => format!("* {from} {text}"),
        Event::Renamed { old, new } => format!("* {old} is now known as {new}"),
        Event::Members(nicks) => format!("* members: {}", nicks.join(", ")),
        Event::Left { nick, reason } => format!("* {nick} left ({reason})"),
        Event::Bye => "* bye".to_string(),
        Event::Kicked { by } => format!("* you were kicked by {by}"),
        Event::Topic {
            text: Some(text),
            by: Some(by),
        } => format!("* topic: {text} (set by {by})"),
        Event::Topic { text: Some(text), .. } => format!("* topic: {text}"),
        Event::Topic { text: None, .. } => "* no topic".to_string(),
        Event::TopicChanged { by, text } => format!("* {by} set the topic: {text}"),
        Event::IdleWarning { seconds } => format!("* you will be disconnected in {seconds} s"),
        Event::Ok => return None,
        Event::Error(reason) => format!("! {reason}"),
    })
}

/// A command as a user would type it (what `chat-client` sends in text mode is the typed
/// line itself; this is for tools that build commands, such as the JSON client's tests).
pub fn format_command(command: &Command) -> String {
    match command {
        Command::Say(text) => text.clone(),
        Command::Nick(nick) => format!("/nick {nick}"),
        Command::List => "/list".to_string(),
        Command::Msg { to, text } => format!("/msg {to} {text}"),
        Command::Me(action) => format!("/me {action}"),
        Command::Quit(None) => "/quit".to_string(),
        Command::Quit(Some(reason)) => format!("/quit {reason}"),
        Command::Kick(nick) => format!("/kick {nick}"),
        Command::Topic(None) => "/topic".to_string(),
        Command::Topic(Some(text)) => format!("/topic {text}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_lines_are_messages() {
        assert_eq!(parse_command("hello / world"), Ok(Command::Say("hello / world".into())));
        assert_eq!(parse_command(""), Ok(Command::Say(String::new())));
    }

    #[test]
    fn commands_and_their_arguments() {
        assert_eq!(parse_command("/nick bob"), Ok(Command::Nick("bob".into())));
        assert_eq!(parse_command("/list"), Ok(Command::List));
        assert_eq!(
            parse_command("/msg  carol  two  spaces"),
            Ok(Command::Msg {
                to: "carol".into(),
                text: "two  spaces".into()
            })
        );
        assert_eq!(parse_command("/me waves"), Ok(Command::Me("waves".into())));
        assert_eq!(parse_command("/quit"), Ok(Command::Quit(None)));
        assert_eq!(
            parse_command("/quit see you"),
            Ok(Command::Quit(Some("see you".into())))
        );
    }

    #[test]
    fn bad_commands_say_why() {
        assert_eq!(parse_command("/nick"), Err("usage: /nick NAME".into()));
        assert!(parse_command("/nick a b").is_err());
        assert_eq!(parse_command("/msg bob"), Err("usage: /msg NAME text".into()));
        assert_eq!(parse_command("/me"), Err("usage: /me action".into()));
        for line in ["hi\u{1b}[2J", "/me \u{9b}1m", "/msg bob a\rb", "/quit \u{202e}x"] {
            let refused = parse_command(line).unwrap_err();
            assert!(refused.starts_with("control character U+"), "{line:?}: {refused}");
        }
        let unknown = parse_command("/dance now").unwrap_err();
        assert!(unknown.starts_with("unknown command: /dance"), "{unknown}");
    }

    #[test]
    fn events_render_as_the_protocol_says() {
        let m = |from: &str, text: &str| (from.to_string(), text.to_string());
        let (from, text) = m("alice", "hi");
        assert_eq!(
            render_event(&Event::Message { from, text }).as_deref(),
            Some("[alice] hi")
        );
        let (from, text) = m("alice", "psst");
        assert_eq!(
            render_event(&Event::Private { from, text }).as_deref(),
            Some("[alice -> you] psst")
        );
        let members = Event::Members(vec!["a".into(), "b".into()]);
        assert_eq!(render_event(&members).as_deref(), Some("* members: a, b"));
        assert_eq!(render_event(&Event::Ok), None);
        assert_eq!(render_event(&Event::error("no")).as_deref(), Some("! no"));
    }

    #[test]
    fn format_then_parse_is_the_identity() {
        let commands = [
            Command::Say("hi".into()),
            Command::Nick("bob".into()),
            Command::List,
            Command::Msg {
                to: "x".into(),
                text: "y z".into(),
            },
            Command::Me("nods".into()),
            Command::Quit(None),
            Command::Quit(Some("bye".into())),
            Command::Kick("bob".into()),
            Command::Topic(None),
            Command::Topic(Some("Rust labs".into())),
        ];
        for command in commands {
            assert_eq!(parse_command(&format_command(&command)), Ok(command));
        }
    }
}
