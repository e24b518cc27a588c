//! Black-box tests of `chat-client` driven through pipes against `chat-server` on every
//! concurrent model: what it sends, what it prints, how it ends.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use tests::{bin, connect_tcp, run_client, wait_output, Server, CONCURRENT_MODELS, STEP};

fn start(model: &str, extra: &[&str]) -> Server {
    let mut args = vec!["--model", model, "--listen", "127.0.0.1:0"];
    args.extend_from_slice(extra);
    Server::start("chat-server", &args)
}

/// `127.0.0.1:4000` -> ("127.0.0.1", "4000"), as chat-client takes them.
fn host_port(addr: &str) -> (&str, &str) {
    addr.rsplit_once(':').expect("HOST:PORT")
}

/// A plain TCP member watching the room.
fn watcher(server: &Server, model: &str) -> BufReader<TcpStream> {
    let mut reader = BufReader::new(connect_tcp(&server.addr));
    assert_eq!(line(&mut reader, model), "* welcome, you are guest-1");
    reader
}

fn line(reader: &mut impl BufRead, model: &str) -> String {
    let mut line = String::new();
    match reader.read_line(&mut line) {
        Ok(n) if n > 0 => line.trim_end_matches('\n').to_string(),
        other => panic!("[{model}] no line from the server: {other:?}"),
    }
}

#[test]
fn typed_lines_go_out_and_received_lines_are_printed() {
    for &model in CONCURRENT_MODELS {
        let server = start(model, &[]);
        let mut room = watcher(&server, model);
        let (host, port) = host_port(&server.addr);
        let input = b"hello from a pipe\n/msg guest-1 psst\n/list\n/quit see you\n";
        let (status, stdout, stderr) = run_client("chat-client", &["--nick", "piper", host, port], input);
        assert!(status.success(), "[{model}] exit status {status}; stderr: {stderr}");
        assert_eq!(
            stdout, "* welcome, you are guest-2\n* guest-2 is now known as piper\n* members: guest-1, piper\n* bye\n",
            "[{model}] what the client printed"
        );
        for want in [
            "* guest-2 joined",
            "* guest-2 is now known as piper",
            "[piper] hello from a pipe",
            "[piper -> you] psst",
            "* piper left (see you)",
        ] {
            assert_eq!(line(&mut room, model), want, "[{model}] what the room saw");
        }
    }
}

#[test]
fn end_of_stdin_quits_cleanly() {
    for &model in CONCURRENT_MODELS {
        let server = start(model, &[]);
        let mut room = watcher(&server, model);
        let (host, port) = host_port(&server.addr);
        let (status, stdout, _) = run_client("chat-client", &[host, port], b"last words\n");
        assert!(status.success(), "[{model}] EOF on stdin is a clean end, got {status}");
        assert!(stdout.ends_with("* bye\n"), "[{model}] stdout: {stdout}");
        assert_eq!(line(&mut room, model), "* guest-2 joined");
        assert_eq!(line(&mut room, model), "[guest-2] last words");
        assert_eq!(
            line(&mut room, model),
            "* guest-2 left (quit)",
            "[{model}] it said /quit"
        );
    }
}

#[test]
fn json_events_are_shown_as_text() {
    for &model in CONCURRENT_MODELS {
        let server = start(model, &["--protocol", "json"]);
        let (host, port) = host_port(&server.addr);
        let input = b"/nick jay\n/nick\nhi\n/list\n/quit\n";
        let args = ["--protocol", "json", host, port];
        let (status, stdout, stderr) = run_client("chat-client", &args, input);
        assert!(status.success(), "[{model}] exit status {status}; stderr: {stderr}");
        assert_eq!(
            stdout, "* welcome, you are guest-1\n* guest-1 is now known as jay\n* members: jay\n* bye\n",
            "[{model}] JSON events rendered as text lines (status ok is silent)"
        );
        assert!(
            stderr.contains("usage: /nick NAME"),
            "[{model}] a bad command is refused locally: {stderr}"
        );
    }
}

#[test]
fn a_server_that_goes_away_ends_the_client_with_a_message() {
    for &model in CONCURRENT_MODELS {
        let mut server = start(model, &[]);
        let (host, port) = host_port(&server.addr);
        let mut child = Command::new(bin("chat-client"))
            .args([host, port])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn chat-client");
        let mut stdin = child.stdin.take().expect("stdin");
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        assert_eq!(line(&mut stdout, model), "* welcome, you are guest-1");
        let status = server.signal_and_wait(nix::sys::signal::Signal::SIGTERM);
        assert!(status.success(), "[{model}] server stopped cleanly");
        child.stdout = Some(stdout.into_inner());
        let (status, _, stderr) = wait_output(child, STEP);
        let _ = stdin.write_all(b"too late\n");
        assert_eq!(status.code(), Some(1), "[{model}] the server went away: exit 1");
        assert!(
            stderr.contains("the server closed the connection"),
            "[{model}] stderr: {stderr}"
        );
    }
}
