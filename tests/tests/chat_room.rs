//! Black-box tests of `chat-server`: the room's rules over real sockets, on every model
//! that can host a room (thread, fork, select, poll, epoll), in text and in JSON.

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::process::Command;
use tests::{assert_closed, bin, connect_tcp, Server, CONCURRENT_MODELS};

/// One chat member over TCP: a buffered reader and a writer on the same socket.
struct Member {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
    model: &'static str,
}

impl Member {
    /// Connect and read the welcome line, which must name us `nick`.
    fn join(server: &Server, model: &'static str, nick: &str) -> Member {
        let mut member = Member::connect(server, model);
        member.expect(&format!("* welcome, you are {nick}"));
        member
    }

    fn connect(server: &Server, model: &'static str) -> Member {
        let writer = connect_tcp(&server.addr);
        let reader = BufReader::new(writer.try_clone().expect("clone"));
        Member { reader, writer, model }
    }

    fn send(&mut self, line: &str) {
        self.send_bytes(format!("{line}\n").as_bytes());
    }

    fn send_bytes(&mut self, bytes: &[u8]) {
        let model = self.model;
        self.writer
            .write_all(bytes)
            .unwrap_or_else(|e| panic!("[{model}] write: {e}"));
    }

    fn line(&mut self) -> String {
        let mut line = String::new();
        match self.reader.read_line(&mut line) {
            Ok(0) => panic!("[{}] EOF while waiting for a line", self.model),
            Ok(_) => line.trim_end_matches('\n').to_string(),
            Err(e) => panic!("[{}] reading a line: {e}", self.model),
        }
    }

    fn expect(&mut self, want: &str) {
        let got = self.line();
        assert_eq!(got, want, "[{}] unexpected line", self.model);
    }

    fn expect_json(&mut self, want: Value) {
        let line = self.line();
        let got: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("[{}] {line:?}: {e}", self.model));
        assert_eq!(got, want, "[{}] unexpected JSON line", self.model);
    }
}

fn start(model: &str, extra: &[&str]) -> Server {
    let mut args = vec!["--model", model, "--listen", "127.0.0.1:0"];
    args.extend_from_slice(extra);
    Server::start("chat-server", &args)
}

#[test]
fn joins_messages_in_order_quit_and_abrupt_leave() {
    for &model in CONCURRENT_MODELS {
        let server = start(model, &[]);
        let mut a = Member::join(&server, model, "guest-1");
        let mut b = Member::join(&server, model, "guest-2");
        a.expect("* guest-2 joined");
        let mut c = Member::join(&server, model, "guest-3");
        a.expect("* guest-3 joined");
        b.expect("* guest-3 joined");

        for text in ["one", "two", "three"] {
            a.send(text);
        }
        for other in [&mut b, &mut c] {
            for text in ["one", "two", "three"] {
                other.expect(&format!("[guest-1] {text}"));
            }
        }
        // Nothing was echoed to the sender: its next line is the answer to /list.
        a.send("/list");
        a.expect("* members: guest-1, guest-2, guest-3");
        // And nothing was delivered twice: the next line after the three is the /me.
        b.send("/me waves");
        a.expect("* guest-2 waves");
        c.expect("* guest-2 waves");

        b.send("/quit lunch time");
        b.expect("* bye");
        assert_closed(&mut b.reader);
        a.expect("* guest-2 left (lunch time)");
        c.expect("* guest-2 left (lunch time)");

        drop(c); // no /quit: the connection just goes away
        a.expect("* guest-3 left (connection lost)");
        a.send("/list");
        a.expect("* members: guest-1");
    }
}

#[test]
fn nick_collisions_private_messages_and_list() {
    for &model in CONCURRENT_MODELS {
        let server = start(model, &[]);
        let mut a = Member::join(&server, model, "guest-1");
        let mut b = Member::join(&server, model, "guest-2");
        a.expect("* guest-2 joined");

        a.send("/nick Alice");
        a.expect("* guest-1 is now known as Alice");
        b.expect("* guest-1 is now known as Alice");
        b.send("/nick alice");
        b.expect("! nick taken: alice");
        b.send("/nick way-too-long-for-a-nick");
        assert!(
            b.line().starts_with("! invalid nick"),
            "[{model}] a 24-character nick is refused"
        );
        b.send("/nick b@d");
        assert!(b.line().starts_with("! invalid nick"), "[{model}] '@' is refused");
        b.send("/nick bob");
        a.expect("* guest-2 is now known as bob");
        b.expect("* guest-2 is now known as bob");

        a.send("/msg BOB  just for you");
        b.expect("[Alice -> you] just for you");
        a.send("/msg nobody hello?");
        a.expect("! no such member: nobody");
        b.send("/list");
        b.expect("* members: Alice, bob");
        a.send("/list");
        a.expect("* members: Alice, bob");
    }
}

#[test]
fn bad_input_gets_an_explanation_and_the_connection_stays_open() {
    for &model in CONCURRENT_MODELS {
        let server = start(model, &[]);
        let mut a = Member::join(&server, model, "guest-1");
        let mut b = Member::join(&server, model, "guest-2");
        a.expect("* guest-2 joined");

        let mut long = vec![b'x'; 100_000];
        long.extend_from_slice(b"\nafter the long line\n");
        a.send_bytes(&long);
        a.expect("! line too long (over 4096 bytes): discarded");
        b.expect("[guest-1] after the long line");

        a.send_bytes(b"caf\xe9\n");
        a.expect("! invalid UTF-8: line discarded");
        a.send("/dance");
        assert!(a.line().starts_with("! unknown command: /dance"), "[{model}]");
        a.send("/msg bob");
        a.expect("! usage: /msg NAME text");

        // CRLF, and a line that arrives one byte at a time.
        a.send_bytes(b"crlf line\r\n");
        b.expect("[guest-1] crlf line");
        for byte in "slow typist\n".bytes() {
            a.send_bytes(&[byte]);
        }
        b.expect("[guest-1] slow typist");
        let exact = "y".repeat(4096);
        a.send(&exact);
        b.expect(&format!("[guest-1] {exact}"));
    }
}

#[test]
fn json_protocol_round_trip() {
    for &model in CONCURRENT_MODELS {
        let server = start(model, &["--protocol", "json"]);
        let mut a = Member::connect(&server, model);
        a.expect_json(json!({"event": "welcome", "nick": "guest-1"}));
        let mut b = Member::connect(&server, model);
        b.expect_json(json!({"event": "welcome", "nick": "guest-2"}));
        a.expect_json(json!({"event": "joined", "nick": "guest-2"}));

        a.send(r#"{"command":"login","param":"alice"}"#);
        a.expect_json(json!({"event": "renamed", "old": "guest-1", "new": "alice"}));
        a.expect_json(json!({"status": "ok"}));
        b.expect_json(json!({"event": "renamed", "old": "guest-1", "new": "alice"}));

        a.send(r#"{"command":"message","param":"hi \"there\"\nsecond line"}"#);
        a.expect_json(json!({"status": "ok"}));
        b.expect_json(json!({"event": "message", "from": "alice", "text": "hi \"there\"\nsecond line"}));

        b.send(r#"{"command":"list"}"#);
        b.expect_json(json!({"event": "members", "members": ["alice", "guest-2"]}));
        b.send(r#"{"command":"private","to":"alice","param":"psst"}"#);
        b.expect_json(json!({"status": "ok"}));
        a.expect_json(json!({"event": "private", "from": "guest-2", "text": "psst"}));

        b.send(r#"{"command":"login","param":"ALICE"}"#);
        b.expect_json(json!({"status": "error", "reason": "nick taken: ALICE"}));
        b.send("{not json");
        let error: Value = serde_json::from_str(&b.line()).expect("JSON error line");
        assert_eq!(error["status"], "error", "[{model}] invalid JSON gets an error status");

        a.send(r#"{"command":"quit","param":"done"}"#);
        a.expect_json(json!({"event": "bye"}));
        b.expect_json(json!({"event": "left", "nick": "alice", "reason": "done"}));
    }
}

#[test]
fn iterative_model_refuses_with_an_explanation() {
    let out = Command::new(bin("chat-server"))
        .args(["--model", "iterative", "--listen", "127.0.0.1:0"])
        .output()
        .expect("run chat-server");
    assert_eq!(out.status.code(), Some(2), "iterative exits 2");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("one client at a time"),
        "the explanation is printed: {stderr}"
    );
    assert!(out.stdout.is_empty(), "no `listening on` line: it never binds");
}

#[test]
fn unix_socket_and_clean_stop() {
    for &model in CONCURRENT_MODELS {
        let dir = tests::TempDir::new("chat-unix");
        let path = dir.path().join("chat.sock");
        let path_str = path.to_str().expect("utf-8 path");
        let mut server = Server::start("chat-server", &["--model", model, "--unix", path_str]);
        let mut a = tests::connect_unix(&path);
        assert_eq!(tests::read_line(&mut a), "* welcome, you are guest-1", "[{model}]");
        a.write_all(b"/list\n").expect("write");
        assert_eq!(tests::read_line(&mut a), "* members: guest-1", "[{model}]");
        let status = server.signal_and_wait(nix::sys::signal::Signal::SIGTERM);
        assert!(status.success(), "[{model}] SIGTERM exits 0, got {status}");
        assert!(!path.exists(), "[{model}] the socket file is removed");
        assert_closed(&mut a);
    }
}
