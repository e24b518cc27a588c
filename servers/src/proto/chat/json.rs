//! The JSON encoding: the same room, one JSON object per line (for programs, not people).
//!
//! ```text
//! -> {"command":"login","param":"alice"}          <- {"event":"renamed","old":"guest-1","new":"alice"}
//!                                                  <- {"status":"ok"}
//! -> {"command":"message","param":"hi"}           others <- {"event":"message","from":"alice","text":"hi"}
//! -> {"command":"private","to":"bob","param":"x"} bob <- {"event":"private","from":"alice","text":"x"}
//! -> {"command":"list"}                           <- {"event":"members","members":["alice","bob"]}
//! -> {"command":"me","param":"waves"}             others <- {"event":"action","from":"alice","text":"waves"}
//! -> {"command":"quit","param":"later"}           <- {"event":"bye"}
//! -> {"command":"topic","param":"Rust"}           everyone <- {"event":"topic_changed","by":"alice","text":"Rust"}
//! -> {"command":"topic"}                          <- {"event":"topic","text":"Rust","by":"alice"}
//! -> {"command":"kick","param":"bob"}             bob <- {"event":"kicked","by":"alice"}
//! -> {"command":"dance"}                          <- {"status":"error","reason":"unknown command: dance …"}
//! ```
//! Every command gets exactly one direct answer: `{"status":"ok"}`, `{"status":"error",…}`,
//! the `members` event (list), the `topic` event (topic without param) or the `bye` event (quit). Other events: `welcome`, `joined`,
//! `left` (with `nick` and `reason`). `serde_json` does the escaping: a nick or a message
//! can never break the framing, since a `\n` inside a string is sent as `\\n`.

use super::message::{Command, Event};
use serde::Serialize;
use serde_json::{json, Value};

/// What a command looks like, quoted in error replies.
const EXAMPLE: &str = r#"{"command":"message","param":"hi"}"#;

/// Decode one JSON line into a command, or say in words what was expected: serde's own
/// messages ("expected ident at line 1 column 2") speak of its parser, not of the protocol.
pub fn parse_command(line: &str) -> Result<Command, String> {
    let value: Value = serde_json::from_str(line).map_err(|e| {
        format!(
            "invalid JSON command: not JSON (column {}): send one object per line, such as {EXAMPLE}",
            e.column()
        )
    })?;
    let Value::Object(fields) = &value else {
        return Err(format!(
            "invalid JSON command: expected an object such as {EXAMPLE}, got {}",
            kind(&value)
        ));
    };
    let command = match fields.get("command") {
        Some(Value::String(command)) => command.as_str(),
        Some(other) => {
            return Err(format!(
                "invalid JSON command: \"command\" must be a string, got {}",
                kind(other)
            ))
        }
        None => return Err(format!("invalid JSON command: no \"command\" field, as in {EXAMPLE}")),
    };
    let text = |name: &str| match fields.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text.clone())),
        Some(other) => Err(format!(
            "invalid JSON command: \"{name}\" must be a string, got {}",
            kind(other)
        )),
    };
    // Other fields are ignored.
    let (param_field, to) = (text("param")?, text("to")?);
    let param = |what: &str| {
        param_field
            .clone()
            .ok_or(format!("\"{command}\" needs a \"param\" ({what})"))
    };
    match command {
        "login" | "nick" => Ok(Command::Nick(param("the nick")?)),
        "message" => Ok(Command::Say(param("the text")?)),
        "list" => Ok(Command::List),
        "private" | "msg" => Ok(Command::Msg {
            to: to.clone().ok_or("\"private\" needs \"to\" (a nick)")?,
            text: param("the text")?,
        }),
        "me" => Ok(Command::Me(param("the action")?)),
        "quit" => Ok(Command::Quit(param_field.clone())),
        "kick" => Ok(Command::Kick(param("the nick")?)),
        "topic" => Ok(Command::Topic(param_field.clone())),
        other => Err(format!(
            "unknown command: {other} (try login, message, list, private, me, topic, kick, quit)"
        )),
    }
}

/// "a number", "an array"…: what a JSON value is, for error messages.
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// An event as JSON: the `"event"` tag first, then the fields in this order.
#[derive(Serialize)]
#[serde(tag = "event", rename_all = "lowercase")]
enum EventObject<'a> {
    Welcome {
        nick: &'a str,
    },
    Joined {
        nick: &'a str,
    },
    Message {
        from: &'a str,
        text: &'a str,
    },
    Private {
        from: &'a str,
        text: &'a str,
    },
    Action {
        from: &'a str,
        text: &'a str,
    },
    Renamed {
        old: &'a str,
        new: &'a str,
    },
    Members {
        members: &'a [String],
    },
    Left {
        nick: &'a str,
        reason: &'a str,
    },
    Bye,
    Kicked {
        by: &'a str,
    },
    Topic {
        text: Option<&'a str>,
        by: Option<&'a str>,
    },
    #[serde(rename = "topic_changed")]
    TopicChanged {
        by: &'a str,
        text: &'a str,
    },
    #[serde(rename = "idle_warning")]
    IdleWarning {
        seconds: u64,
    },
}

/// A command's status as JSON.
#[derive(Serialize)]
#[serde(tag = "status", rename_all = "lowercase")]
enum StatusObject<'a> {
    Ok,
    Error { reason: &'a str },
}

/// The JSON object (one line, no newline) for `event`.
pub fn render_event(event: &Event) -> String {
    let object = match event {
        Event::Welcome { nick } => EventObject::Welcome { nick },
        Event::Joined { nick } => EventObject::Joined { nick },
        Event::Message { from, text } => EventObject::Message { from, text },
        Event::Private { from, text } => EventObject::Private { from, text },
        Event::Action { from, text } => EventObject::Action { from, text },
        Event::Renamed { old, new } => EventObject::Renamed { old, new },
        Event::Members(members) => EventObject::Members { members },
        Event::Left { nick, reason } => EventObject::Left { nick, reason },
        Event::Bye => EventObject::Bye,
        Event::Kicked { by } => EventObject::Kicked { by },
        Event::Topic { text, by } => EventObject::Topic {
            text: text.as_deref(),
            by: by.as_deref(),
        },
        Event::TopicChanged { by, text } => EventObject::TopicChanged { by, text },
        Event::IdleWarning { seconds } => EventObject::IdleWarning { seconds: *seconds },
        Event::Ok => return to_line(&StatusObject::Ok),
        Event::Error(reason) => return to_line(&StatusObject::Error { reason }),
    };
    to_line(&object)
}

/// Serialize to one line. Plain strings and lists always serialize; the fallback is there
/// only so that no path can panic.
fn to_line<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| r#"{"status":"error","reason":"encoding failed"}"#.to_string())
}

/// The JSON line (no newline) a client sends for `command`.
pub fn format_command(command: &Command) -> String {
    let value = match command {
        Command::Say(text) => json!({"command": "message", "param": text}),
        Command::Nick(nick) => json!({"command": "login", "param": nick}),
        Command::List => json!({"command": "list"}),
        Command::Msg { to, text } => json!({"command": "private", "to": to, "param": text}),
        Command::Me(action) => json!({"command": "me", "param": action}),
        Command::Quit(None) => json!({"command": "quit"}),
        Command::Quit(Some(reason)) => json!({"command": "quit", "param": reason}),
        Command::Kick(nick) => json!({"command": "kick", "param": nick}),
        Command::Topic(None) => json!({"command": "topic"}),
        Command::Topic(Some(text)) => json!({"command": "topic", "param": text}),
    };
    value.to_string()
}

/// Decode an event line from a server (the client's side); `None` if it is not one.
pub fn parse_event(line: &str) -> Option<Event> {
    let v: Value = serde_json::from_str(line).ok()?;
    let s = |key: &str| v.get(key).and_then(Value::as_str).map(str::to_string);
    match v.get("status").and_then(Value::as_str) {
        Some("ok") => return Some(Event::Ok),
        Some("error") => return Some(Event::Error(s("reason").unwrap_or_default())),
        _ => {}
    }
    Some(match v.get("event")?.as_str()? {
        "welcome" => Event::Welcome { nick: s("nick")? },
        "joined" => Event::Joined { nick: s("nick")? },
        "message" => Event::Message {
            from: s("from")?,
            text: s("text")?,
        },
        "private" => Event::Private {
            from: s("from")?,
            text: s("text")?,
        },
        "action" => Event::Action {
            from: s("from")?,
            text: s("text")?,
        },
        "renamed" => Event::Renamed {
            old: s("old")?,
            new: s("new")?,
        },
        "members" => Event::Members(
            v.get("members")?
                .as_array()?
                .iter()
                .filter_map(|n| n.as_str().map(str::to_string))
                .collect(),
        ),
        "left" => Event::Left {
            nick: s("nick")?,
            reason: s("reason")?,
        },
        "bye" => Event::Bye,
        "kicked" => Event::Kicked { by: s("by")? },
        "topic" => Event::Topic {
            text: s("text"),
            by: s("by"),
        },
        "topic_changed" => Event::TopicChanged {
            by: s("by")?,
            text: s("text")?,
        },
        "idle_warning" => Event::IdleWarning {
            seconds: v.get("seconds")?.as_u64()?,
        },
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_from_json() {
        let p = parse_command;
        assert_eq!(
            p(r#"{"command":"login","param":"alice"}"#),
            Ok(Command::Nick("alice".into()))
        );
        assert_eq!(
            p(r#"{"command":"message","param":"hi"}"#),
            Ok(Command::Say("hi".into()))
        );
        assert_eq!(p(r#"{"command":"list"}"#), Ok(Command::List));
        assert_eq!(
            p(r#"{"command":"private","to":"bob","param":"x"}"#),
            Ok(Command::Msg {
                to: "bob".into(),
                text: "x".into()
            })
        );
        assert_eq!(p(r#"{"command":"quit"}"#), Ok(Command::Quit(None)));
    }

    #[test]
    fn bad_json_says_why() {
        assert!(parse_command("not json")
            .unwrap_err()
            .starts_with("invalid JSON command"));
        assert!(parse_command(r#"{"command":"login"}"#).unwrap_err().contains("param"));
        assert!(parse_command(r#"{"command":"dance"}"#)
            .unwrap_err()
            .starts_with("unknown command"));
        assert!(parse_command(r#"{"command":42}"#).is_err());
    }

    #[test]
    fn bad_json_errors_say_what_was_expected_in_protocol_words() {
        let not_json = parse_command("{oops").unwrap_err();
        assert!(
            not_json.contains("not JSON") && not_json.contains(r#"{"command":"message","param":"hi"}"#),
            "{not_json}"
        );
        assert!(!not_json.contains("expected ident"), "{not_json}");
        assert!(parse_command("[1]").unwrap_err().contains("expected an object"));
        assert!(parse_command("{}").unwrap_err().contains("no \"command\" field"));
        assert_eq!(
            parse_command(r#"{"command":42}"#).unwrap_err(),
            "invalid JSON command: \"command\" must be a string, got a number"
        );
        assert!(parse_command(r#"{"command":"message","param":["x"]}"#)
            .unwrap_err()
            .contains("\"param\" must be a string, got an array"));
    }

    #[test]
    fn events_round_trip_and_stay_on_one_line() {
        let events = [
            Event::Welcome { nick: "guest-1".into() },
            Event::Message {
                from: "a".into(),
                text: "two\nlines \"quoted\"".into(),
            },
            Event::Members(vec!["a".into(), "b".into()]),
            Event::Left {
                nick: "a".into(),
                reason: "too slow".into(),
            },
            Event::Bye,
            Event::Kicked { by: "op".into() },
            Event::Topic { text: None, by: None },
            Event::Topic {
                text: Some("t".into()),
                by: Some("op".into()),
            },
            Event::TopicChanged {
                by: "op".into(),
                text: "t".into(),
            },
            Event::IdleWarning { seconds: 5 },
            Event::Ok,
            Event::error("no such member: x"),
        ];
        for event in events {
            let line = render_event(&event);
            assert!(!line.contains('\n'), "{line}");
            assert_eq!(parse_event(&line), Some(event));
        }
        assert_eq!(render_event(&Event::Ok), r#"{"status":"ok"}"#);
    }

    #[test]
    fn commands_round_trip() {
        let commands = [
            Command::Say("x".into()),
            Command::Quit(Some("r".into())),
            Command::List,
            Command::Kick("bob".into()),
            Command::Topic(None),
            Command::Topic(Some("t".into())),
        ];
        for command in commands {
            assert_eq!(parse_command(&format_command(&command)), Ok(command));
        }
    }
}
