//! Lab 9 grader (labs/09-chat-kick-topic): `/kick NAME` and `/topic [TEXT]` in the room,
//! hence on every chat model at once, in text and in JSON.

mod lab_common;

use lab_common::*;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use tests::{Server, CONCURRENT_MODELS};

/// One member: a line reader and a writer on one socket.
struct Member {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Member {
    fn join(server: &Server, steps: &Steps) -> Member {
        let writer = match connect(server) {
            Ok(s) => s,
            Err(e) => {
                steps.expect(
                    false,
                    "connect",
                    &e.to_string(),
                    "a connection",
                    "the chat server accepts",
                );
                unreachable!()
            }
        };
        let reader = BufReader::new(writer.try_clone().expect("clone"));
        let mut m = Member { reader, writer };
        m.line(); // the welcome
        m
    }

    fn send(&mut self, line: &str) {
        let _ = self.writer.write_all(format!("{line}\n").as_bytes());
    }

    /// The next line, or what happened instead.
    fn line(&mut self) -> String {
        let mut line = String::new();
        match self.reader.read_line(&mut line) {
            Ok(0) => "(EOF)".to_string(),
            Ok(_) => line.trim_end().to_string(),
            Err(e) => format!("(no line: {e})"),
        }
    }

    /// After what was read: does the server close? (EOF within the read timeout.)
    fn closed(&mut self) -> bool {
        let mut rest = Vec::new();
        self.reader.read_to_end(&mut rest).is_ok()
    }
}

/// Expect `member` to receive `want` next.
fn expect_line(steps: &Steps, member: &mut Member, sent: &str, want: &str, rule: &str) {
    let got = member.line();
    steps.expect(got == want, sent, &got, want, rule);
}

const SANS_IO: &str = "the room (servers/src/proto/chat/room.rs) is sans-I/O: it returns Deliveries \
                       (Send, Close) that every driver carries out, so one change serves every model";

#[test]
fn lab09_operator_kicks_on_every_model() {
    let mut steps = Steps::new("lab09_operator_kicks_on_every_model");
    for model in CONCURRENT_MODELS {
        steps.step(&format!(
            "[{model}] start chat-server; guest-1 (the operator), guest-2, guest-3 join"
        ));
        let server = start("chat-server", &["--model", model]);
        let mut op = Member::join(&server, &steps);
        let mut bob = Member::join(&server, &steps);
        op.line(); // * guest-2 joined
        let mut carol = Member::join(&server, &steps);
        op.line(); // * guest-3 joined
        bob.line(); // * guest-3 joined
        steps.step(&format!("[{model}] guest-1 sends `/kick guest-2`"));
        op.send("/kick guest-2");
        expect_line(
            &steps,
            &mut bob,
            "/kick guest-2",
            "* you were kicked by guest-1",
            SANS_IO,
        );
        steps.expect(
            bob.closed(),
            "/kick guest-2",
            "the connection stays open",
            "EOF: the server closes the kicked member",
            "a Delivery::Close after the Kicked event",
        );
        expect_line(
            &steps,
            &mut carol,
            "/kick guest-2",
            "* guest-2 left (kicked by guest-1)",
            SANS_IO,
        );
        expect_line(
            &steps,
            &mut op,
            "/kick guest-2",
            "* guest-2 left (kicked by guest-1)",
            SANS_IO,
        );
        steps.step(&format!("[{model}] /list shows who is left"));
        op.send("/list");
        expect_line(
            &steps,
            &mut op,
            "/list",
            "* members: guest-1, guest-3",
            "the kicked member has left the room",
        );
    }
}

#[test]
fn lab09_only_the_operator_kicks() {
    let mut steps = Steps::new("lab09_only_the_operator_kicks");
    steps.step("start chat-server --model epoll; guest-1 and guest-2 join");
    let server = start("chat-server", &["--model", "epoll"]);
    let mut op = Member::join(&server, &steps);
    let mut bob = Member::join(&server, &steps);
    op.line();
    steps.step("guest-2 (not the operator) sends `/kick guest-1`");
    bob.send("/kick guest-1");
    expect_line(
        &steps,
        &mut bob,
        "/kick guest-1",
        "! only the operator (guest-1) may /kick",
        "the operator is the member present the longest; anyone else gets an error line",
    );
    steps.step("guest-1 is still here: guest-2 says hi");
    bob.send("hi");
    expect_line(&steps, &mut op, "hi", "[guest-2] hi", "nobody was kicked");
}

#[test]
fn lab09_topic_on_every_model() {
    let mut steps = Steps::new("lab09_topic_on_every_model");
    for model in CONCURRENT_MODELS {
        steps.step(&format!(
            "[{model}] start chat-server; two members join; guest-2 asks `/topic`"
        ));
        let server = start("chat-server", &["--model", model]);
        let mut a = Member::join(&server, &steps);
        let mut b = Member::join(&server, &steps);
        a.line();
        b.send("/topic");
        expect_line(&steps, &mut b, "/topic", "* no topic", "no topic was set yet");
        steps.step(&format!("[{model}] guest-2 sends `/topic Rust labs`"));
        b.send("/topic Rust labs");
        let want = "* guest-2 set the topic: Rust labs";
        expect_line(
            &steps,
            &mut a,
            "/topic Rust labs",
            want,
            "everyone is told, the setter too",
        );
        expect_line(
            &steps,
            &mut b,
            "/topic Rust labs",
            want,
            "everyone is told, the setter too",
        );
        steps.step(&format!("[{model}] guest-1 asks `/topic`"));
        a.send("/topic");
        expect_line(
            &steps,
            &mut a,
            "/topic",
            "* topic: Rust labs (set by guest-2)",
            "the room remembers the topic",
        );
    }
}

#[test]
fn lab09_kick_and_topic_in_json() {
    let mut steps = Steps::new("lab09_kick_and_topic_in_json");
    for model in ["thread", "epoll"] {
        steps.step(&format!(
            "[{model}] start chat-server --protocol json; two members join"
        ));
        let server = start("chat-server", &["--model", model, "--protocol", "json"]);
        let mut op = Member::join(&server, &steps);
        let mut bob = Member::join(&server, &steps);
        op.line();
        let expect_json = |steps: &Steps, m: &mut Member, sent: &str, want: Value| {
            let line = m.line();
            let got: Value = serde_json::from_str(&line).unwrap_or(Value::String(line.clone()));
            steps.expect(
                got == want,
                sent,
                &line,
                &want.to_string(),
                "docs/chat-protocol.md, JSON encoding",
            );
        };
        steps.step(&format!("[{model}] {{\"command\":\"topic\",\"param\":\"labs\"}}"));
        let sent = r#"{"command":"topic","param":"labs"}"#;
        bob.send(sent);
        expect_json(
            &steps,
            &mut op,
            sent,
            json!({"event":"topic_changed","by":"guest-2","text":"labs"}),
        );
        expect_json(
            &steps,
            &mut bob,
            sent,
            json!({"event":"topic_changed","by":"guest-2","text":"labs"}),
        );
        expect_json(&steps, &mut bob, sent, json!({"status":"ok"}));
        steps.step(&format!("[{model}] {{\"command\":\"topic\"}}"));
        op.send(r#"{"command":"topic"}"#);
        expect_json(
            &steps,
            &mut op,
            "topic",
            json!({"event":"topic","text":"labs","by":"guest-2"}),
        );
        steps.step(&format!("[{model}] {{\"command\":\"kick\",\"param\":\"guest-2\"}}"));
        let sent = r#"{"command":"kick","param":"guest-2"}"#;
        op.send(sent);
        expect_json(&steps, &mut bob, sent, json!({"event":"kicked","by":"guest-1"}));
        expect_json(
            &steps,
            &mut op,
            sent,
            json!({"event":"left","nick":"guest-2","reason":"kicked by guest-1"}),
        );
        expect_json(&steps, &mut op, sent, json!({"status":"ok"}));
    }
}

#[test]
fn lab09_kick_refusals_and_names() {
    let mut steps = Steps::new("lab09_kick_refusals_and_names");
    steps.step("start chat-server --model epoll; guest-1 (the operator), guest-2, guest-3 join");
    let server = start("chat-server", &["--model", "epoll"]);
    let mut op = Member::join(&server, &steps);
    let mut bob = Member::join(&server, &steps);
    op.line(); // * guest-2 joined
    let mut carol = Member::join(&server, &steps);
    op.line(); // * guest-3 joined
    bob.line(); // * guest-3 joined
    steps.step("guest-1 sends `/kick zed` (nobody has that name)");
    op.send("/kick zed");
    expect_line(
        &steps,
        &mut op,
        "/kick zed",
        "! no such member: zed",
        "an unknown name is an error line to the asker, and the room goes on: look the name \
         up with self.owners.get (an index, owners[&key], panics on a missing key)",
    );
    steps.step("guest-1 sends `/kick guest-1` (itself)");
    op.send("/kick guest-1");
    expect_line(
        &steps,
        &mut op,
        "/kick guest-1",
        "! you cannot kick yourself",
        "the statement's third refusal: compare the victim with the asker (victim == id) \
         before any delivery",
    );
    steps.step("guest-1 sends `/kick Guest-3` (another case)");
    op.send("/kick Guest-3");
    expect_line(
        &steps,
        &mut carol,
        "/kick Guest-3",
        "* you were kicked by guest-1",
        "nicks are case-insensitive: look the name up with nick::key(&target), the key \
         self.owners is indexed by",
    );
    steps.step("guest-1 asks `/list`");
    op.line(); // * guest-3 left (kicked by guest-1)
    op.send("/list");
    expect_line(
        &steps,
        &mut op,
        "/list",
        "* members: guest-1, guest-2",
        "only the victim left",
    );
}
