//! Terminal control characters in chat lines (issue 10, defect 7): the server refuses them
//! in the text encoding with a `! …` reply on every model, and `chat-client` escapes any it
//! receives before printing.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use tests::{bin, connect_tcp, wait_output, Server, CONCURRENT_MODELS, STEP};

fn line(reader: &mut impl BufRead, model: &str) -> String {
    let mut line = String::new();
    match reader.read_line(&mut line) {
        Ok(n) if n > 0 => line.trim_end_matches('\n').to_string(),
        other => panic!("[{model}] no line from the server: {other:?}"),
    }
}

fn member(server: &Server) -> (BufReader<TcpStream>, TcpStream) {
    let stream = connect_tcp(&server.addr);
    (BufReader::new(stream.try_clone().expect("clone")), stream)
}

#[test]
fn control_characters_are_refused_and_never_relayed() {
    for &model in CONCURRENT_MODELS {
        let server = Server::start("chat-server", &["--model", model, "--listen", "127.0.0.1:0"]);
        let (mut watcher, _w) = member(&server);
        assert_eq!(line(&mut watcher, model), "* welcome, you are guest-1");
        let (mut sender, mut out) = member(&server);
        assert_eq!(line(&mut sender, model), "* welcome, you are guest-2");
        assert_eq!(line(&mut watcher, model), "* guest-2 joined");
        let hostile: [(&str, &str); 7] = [
            ("clear \u{1b}[2J\u{1b}[H", "U+001B"),
            ("hello\r[admin] fake line", "U+000D"),
            ("/me \u{9b}31mred", "U+009B"),
            ("/msg guest-1 ding\u{7}\u{8}", "U+0007"),
            ("\u{1b}]0;pwned\u{7}title", "U+001B"),
            ("abc \u{202e}txt.exe", "U+202E"),
            ("/quit bye\u{7f}", "U+007F"),
        ];
        for (text, code) in hostile {
            out.write_all(format!("{text}\n").as_bytes()).expect("write");
            assert_eq!(
                line(&mut sender, model),
                format!("! control character {code} not allowed: line discarded"),
                "[{model}] {text:?}"
            );
        }
        out.write_all("tabs\tand ünïcode are fine\n".as_bytes()).expect("write");
        // The next line the watcher sees is this one: nothing of the above was relayed.
        assert_eq!(line(&mut watcher, model), "[guest-2] tabs\tand ünïcode are fine");
    }
}

#[test]
fn chat_client_escapes_control_characters_it_receives() {
    // A server that does not filter (an old one, another implementation): one raw line.
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port().to_string();
    let mut client = Command::new(bin("chat-client"))
        .args(["127.0.0.1", &port])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn chat-client");
    let (mut conn, _) = listener.accept().expect("accept");
    conn.set_read_timeout(Some(STEP)).expect("timeout");
    conn.write_all("[eve] \u{1b}[2J\u{1b}]0;t\u{7}hi\rforged \u{9b}1m \u{202e}olleh\tok\n".as_bytes())
        .expect("write");
    drop(client.stdin.take()); // EOF: the client says /quit, then we close
    let mut quit = String::new();
    BufReader::new(&conn).read_line(&mut quit).expect("read /quit");
    assert_eq!(quit, "/quit\n");
    drop(conn);
    let (_, stdout, stderr) = wait_output(client, STEP);
    assert_eq!(
        stdout, "[eve] ^[[2J^[]0;t^Ghi^Mforged \\u{9b}1m \\u{202e}olleh\tok\n",
        "stderr: {stderr}"
    );
}
