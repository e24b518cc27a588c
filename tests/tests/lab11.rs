//! Lab 11 grader (labs/11-metrics-reset): `RESET name` in the metrics protocol's three
//! encodings, the binary frame checked like every other, and the Prometheus page after it.
//! Frames are built by hand from docs/metrics-protocol.md, not with the server's codec.

mod lab_common;

use lab_common::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::Command;
use tests::Server;

const RESET: u8 = 0x05;
const GET: u8 = 0x02;
const OK: u8 = 0x80;
const ERR: u8 = 0x81;
const SAMPLE: u8 = 0x82;

/// metrics-server with `--http`; returns it and the HTTP address.
fn metrics_server(model: &str) -> (LabServer, String) {
    let mut server = start("metrics-server", &["--model", model, "--http", "127.0.0.1:0"]);
    let line = server.wait_for_log("http on ");
    let http = line.split("http on ").nth(1).unwrap_or("").trim().to_string();
    (server, http)
}

/// A text or JSON connection: send a line, read a line.
struct Lines {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Lines {
    fn open(server: &Server) -> Lines {
        let writer = connect(server).expect("connect");
        Lines {
            reader: BufReader::new(writer.try_clone().expect("clone")),
            writer,
        }
    }

    fn ask(&mut self, line: &str) -> String {
        let _ = self.writer.write_all(format!("{line}\n").as_bytes());
        let mut reply = String::new();
        match self.reader.read_line(&mut reply) {
            Ok(0) => "(EOF: the server closed)".into(),
            Ok(_) => reply.trim_end().to_string(),
            Err(e) => format!("(no reply: {e})"),
        }
    }
}

/// magic, version 1, type, length, payload, canary.
fn frame(kind: u8, payload: &[u8]) -> Vec<u8> {
    let mut f = vec![0xB5, 0x4D, 1, kind];
    f.extend_from_slice(&(payload.len() as u16).to_le_bytes());
    f.extend_from_slice(payload);
    f.push(0xA5);
    f
}

fn str8(name: &str) -> Vec<u8> {
    let mut p = vec![name.len() as u8];
    p.extend_from_slice(name.as_bytes());
    p
}

/// Read one reply frame: (type, payload), or what went wrong.
fn read_frame(c: &mut TcpStream) -> Result<(u8, Vec<u8>), String> {
    let mut head = [0u8; 6];
    c.read_exact(&mut head).map_err(|e| format!("no reply frame: {e}"))?;
    if head[..3] != [0xB5, 0x4D, 1] {
        return Err(format!("bad reply header {head:02x?}"));
    }
    let len = usize::from(u16::from_le_bytes([head[4], head[5]]));
    let mut rest = vec![0u8; len + 1];
    c.read_exact(&mut rest).map_err(|e| format!("reply cut short: {e}"))?;
    if rest.pop() != Some(0xA5) {
        return Err("reply canary is not A5".into());
    }
    Ok((head[3], rest))
}

fn describe(c: &mut TcpStream) -> String {
    match read_frame(c) {
        Ok((OK, p)) => format!("OK {:?}", String::from_utf8_lossy(p.get(1..).unwrap_or(&[]))),
        Ok((ERR, p)) => format!(
            "ERR code {} {:?}",
            p[0],
            String::from_utf8_lossy(p.get(2..).unwrap_or(&[]))
        ),
        Ok((SAMPLE, p)) => format!(
            "SAMPLE value {}",
            f64::from_le_bytes(p[1..9].try_into().unwrap_or_default())
        ),
        Ok((t, p)) => format!("type {t:#x} payload {p:02x?}"),
        Err(e) => e,
    }
}

#[test]
fn lab11_reset_in_text() {
    let mut steps = Steps::new("lab11_reset_in_text");
    for model in ["thread", "select", "epoll"] {
        steps.step(&format!("[{model}] DESC hits counter, VAL hits 5, then RESET hits"));
        let (server, _) = metrics_server(model);
        let mut c = Lines::open(&server);
        c.ask("DESC hits counter requests served");
        c.ask("VAL hits 5");
        let got = c.ask("RESET hits");
        steps.expect(
            got == "OK reset hits",
            "RESET hits",
            &got,
            "OK reset hits",
            "lecture « Approche Textuelle »: COMMAND PARAM\\n, one reply line (docs/metrics-protocol.md)",
        );
        steps.step(&format!("[{model}] GET hits, then VAL hits 2"));
        let get = c.ask("GET hits");
        let again = c.ask("VAL hits 2");
        steps.expect(
            get == "OK hits counter 0 0 requests served" && again == "OK hits 2",
            "GET hits / VAL hits 2",
            &format!("{get:?} / {again:?}"),
            "\"OK hits counter 0 0 requests served\" / \"OK hits 2\"",
            "RESET sets the value and the timestamp to 0 and keeps the kind and the doc",
        );
        steps.step(&format!(
            "[{model}] RESET without a name, with a word too many, then an unknown metric"
        ));
        let bare = c.ask("RESET");
        let extra = c.ask("RESET hits now");
        let unknown = c.ask("RESET nope");
        steps.expect(
            bare.starts_with("ERR bad-command")
                && extra.starts_with("ERR bad-command")
                && unknown.starts_with("ERR unknown-metric"),
            "RESET / RESET hits now / RESET nope",
            &format!("{bare:?} / {extra:?} / {unknown:?}"),
            "ERR bad-command … / ERR bad-command … / ERR unknown-metric …",
            "a command with a missing argument or an unknown name is refused, the connection stays",
        );
    }
}

#[test]
fn lab11_reset_in_json() {
    let mut steps = Steps::new("lab11_reset_in_json");
    steps.step("[epoll] JSON: desc, val, reset, get");
    let (server, _) = metrics_server("epoll");
    let mut c = Lines::open(&server);
    c.ask(r#"{"command":"desc","param":"hits","kind":"counter","doc":"d"}"#);
    c.ask(r#"{"command":"val","param":"hits","value":3}"#);
    let sent = r#"{"command":"reset","param":"hits"}"#;
    let reset: serde_json::Value = serde_json::from_str(&c.ask(sent)).unwrap_or_default();
    let get: serde_json::Value =
        serde_json::from_str(&c.ask(r#"{"command":"get","param":"hits"}"#)).unwrap_or_default();
    steps.expect(
        reset["ok"] == true && get["metric"]["value"] == 0.0,
        sent,
        &format!("{reset} then GET {get}"),
        "{\"ok\":true,…} then a metric whose value is 0",
        "« Format de données structurées »: the same command as an object, same semantics",
    );
}

#[test]
fn lab11_reset_binary_frame() {
    let mut steps = Steps::new("lab11_reset_binary_frame");
    steps.step("[select] binary: DESC and VAL in text on another connection, then a RESET frame");
    let (server, _) = metrics_server("select");
    let mut t = Lines::open(&server);
    t.ask("DESC hits counter d");
    t.ask("VAL hits 9");
    let mut c = connect(&server).expect("connect");
    let reset = frame(RESET, &str8("hits"));
    let _ = c.write_all(&reset);
    let got = describe(&mut c);
    steps.expect(
        got == "OK \"reset hits\"",
        &format!("{reset:02x?}"),
        &got,
        "an OK frame (0x80) with message \"reset hits\"",
        "type 0x05 RESET, payload name str8 (u8 length, then the bytes): Message::read_payload",
    );
    steps.step("a GET frame for hits");
    let _ = c.write_all(&frame(GET, &str8("hits")));
    let got = describe(&mut c);
    steps.expect(
        got == "SAMPLE value 0",
        "GET hits",
        &got,
        "SAMPLE value 0",
        "the three encodings share one store",
    );
    steps.step("metrics-client --encoding binary ADDR PORT reset hits (the frame written by write_reset)");
    let (host, port) = server.addr.rsplit_once(':').unwrap_or_default();
    let (status, out, err) = tests::run_client(
        "metrics-client",
        &["--encoding", "binary", host, port, "reset", "hits"],
        b"",
    );
    steps.expect(
        status.success() && out.trim() == "OK reset hits",
        "RESET hits, encoded by the server's own codec",
        &format!(
            "exit {:?}, stdout {:?}, stderr {:?}",
            status.code(),
            out.trim(),
            err.trim()
        ),
        "exit 0, `OK reset hits`",
        "the client speaks through the same codec: Message::write_payload writes a RESET's \
         payload with write_reset (name str8), which read_reset must read back",
    );
}

#[test]
fn lab11_hostile_reset_frames() {
    let mut steps = Steps::new("lab11_hostile_reset_frames");
    steps.step("[epoll] a RESET frame whose name length says 10 but the payload has 3 bytes");
    let (server, _) = metrics_server("epoll");
    let mut c = connect(&server).expect("connect");
    let lying = frame(RESET, &[10, b'a', b'b']);
    let _ = c.write_all(&lying);
    let got = describe(&mut c);
    steps.expect(
        got.starts_with("ERR code 11"),
        &format!("{lying:02x?}"),
        &got,
        "ERR code 11 (bad-frame)",
        "the reader checks each length against what is left of the payload: never a read past the end",
    );
    steps.step("a RESET frame with two bytes left over after the name");
    let mut payload = str8("hits");
    payload.extend_from_slice(&[0, 0]);
    let extra = frame(RESET, &payload);
    let _ = c.write_all(&extra);
    let got = describe(&mut c);
    steps.expect(
        got.starts_with("ERR code 11"),
        &format!("{extra:02x?}"),
        &got,
        "ERR code 11 (bad-frame), the connection still open",
        "left-over bytes mean the lengths lied (Reader::finish)",
    );
    steps.step("the same connection still works: a well-formed RESET of an unknown metric");
    let _ = c.write_all(&frame(RESET, &str8("nope")));
    let got = describe(&mut c);
    steps.expect(
        got.starts_with("ERR code 5"),
        "RESET nope",
        &got,
        "ERR code 5 (unknown-metric)",
        "a per-frame error keeps the connection",
    );
}

#[test]
fn lab11_prometheus_after_reset() {
    let mut steps = Steps::new("lab11_prometheus_after_reset");
    steps.step("[thread] DESC hits counter, VAL hits 4, RESET hits, then curl /metrics");
    let (server, http) = metrics_server("thread");
    let mut c = Lines::open(&server);
    c.ask("DESC hits counter d");
    c.ask("VAL hits 4");
    c.ask("RESET hits");
    let out = Command::new("curl")
        .args(["-s", "--max-time", "5", &format!("http://{http}/metrics")])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    let line = out
        .lines()
        .find(|l| l.starts_with("hits "))
        .unwrap_or("(no `hits` line)")
        .to_string();
    steps.expect(
        line == "hits 0",
        "curl /metrics",
        &line,
        "hits 0 (still described: # HELP and # TYPE stay)",
        "the exposition shows every described metric; a reset counter restarts from 0 (Prometheus's rate() sees the drop as a reset)",
    );
}
