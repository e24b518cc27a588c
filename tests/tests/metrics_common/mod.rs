//! Helpers shared by the `metrics_*` black-box tests: start a metrics server with an HTTP
//! port, and build or read binary frames *by hand* from the documented layout (the tests do
//! not use the server's codec, so a codec bug cannot hide itself).

#![allow(dead_code)]

use std::io::Read;
use tests::{read_n, Server};

/// The models metrics-server runs on.
pub const MODELS: &[&str] = &["thread", "select", "poll", "epoll"];

pub const DESC: u8 = 0x00;
pub const VAL: u8 = 0x01;
pub const GET: u8 = 0x02;
pub const LIST: u8 = 0x03;
pub const QUIT: u8 = 0x04;
pub const OK: u8 = 0x80;
pub const ERR: u8 = 0x81;
pub const SAMPLE: u8 = 0x82;
pub const LIST_HEAD: u8 = 0x83;
pub const ENTRY: u8 = 0x84;

/// A metrics server on 127.0.0.1:0 with `--http 127.0.0.1:0`; returns it and the HTTP address.
pub fn start(model: &str) -> (Server, String) {
    let mut server = Server::start(
        "metrics-server",
        &["--model", model, "--listen", "127.0.0.1:0", "--http", "127.0.0.1:0"],
    );
    let line = server.wait_for_log("http on ");
    let http = line.split("http on ").nth(1).unwrap_or("").trim().to_string();
    (server, http)
}

/// magic, version 1, type, length, payload, canary.
pub fn frame(kind: u8, payload: &[u8]) -> Vec<u8> {
    let mut f = vec![0xB5, 0x4D, 1, kind];
    f.extend_from_slice(&(payload.len() as u16).to_le_bytes());
    f.extend_from_slice(payload);
    f.push(0xA5);
    f
}

pub fn str8(out: &mut Vec<u8>, s: &[u8]) {
    out.push(s.len() as u8);
    out.extend_from_slice(s);
}

pub fn desc_frame(name: &str, kind: u8, doc: &str) -> Vec<u8> {
    let mut p = vec![kind];
    str8(&mut p, name.as_bytes());
    p.extend_from_slice(&(doc.len() as u16).to_le_bytes());
    p.extend_from_slice(doc.as_bytes());
    frame(DESC, &p)
}

pub fn val_frame(name: &[u8], value: f64, timestamp: i64) -> Vec<u8> {
    let mut p = value.to_le_bytes().to_vec();
    p.extend_from_slice(&timestamp.to_le_bytes());
    str8(&mut p, name);
    frame(VAL, &p)
}

pub fn get_frame(name: &[u8]) -> Vec<u8> {
    let mut p = Vec::new();
    str8(&mut p, name);
    frame(GET, &p)
}

/// Read one reply frame; returns (type, payload) after checking magic, version and canary.
pub fn read_frame(stream: &mut impl Read, context: &str) -> (u8, Vec<u8>) {
    let head = read_n(stream, 6);
    assert_eq!(&head[..3], &[0xB5, 0x4D, 1], "{context}: reply header {head:02x?}");
    let len = u16::from_le_bytes([head[4], head[5]]) as usize;
    let mut rest = read_n(stream, len + 1);
    assert_eq!(rest.pop(), Some(0xA5), "{context}: reply canary");
    (head[3], rest)
}

/// Read an OK frame and return its message.
pub fn read_ok(stream: &mut impl Read, context: &str) -> String {
    let (kind, payload) = read_frame(stream, context);
    assert_eq!(
        kind,
        OK,
        "{context}: expected OK, got type {kind:#x} {:?}",
        String::from_utf8_lossy(&payload)
    );
    String::from_utf8_lossy(&payload[1..]).into_owned()
}

/// Read an ERR frame and return (code, message).
pub fn read_err(stream: &mut impl Read, context: &str) -> (u8, String) {
    let (kind, payload) = read_frame(stream, context);
    assert_eq!(
        kind,
        ERR,
        "{context}: expected ERR, got type {kind:#x} {:?}",
        String::from_utf8_lossy(&payload)
    );
    (payload[0], String::from_utf8_lossy(&payload[2..]).into_owned())
}

/// Send one text line and read one reply line.
pub fn text_cmd(stream: &mut (impl Read + std::io::Write), line: &str) -> String {
    tests::write_all(stream, format!("{line}\n").as_bytes());
    tests::read_line(stream)
}

/// A fresh text connection that can still DESC, VAL and GET: proof the server serves others.
pub fn assert_serves_others(server: &Server, model: &str, context: &str) {
    let mut other = server.connect();
    let name = format!("alive_{}", context.replace(|c: char| !c.is_ascii_alphanumeric(), "_"));
    let name = &name[..name.len().min(60)];
    let desc = text_cmd(&mut other, &format!("DESC {name} gauge still here"));
    assert!(
        desc.starts_with("OK "),
        "[{model}] {context}: other client DESC got {desc:?}"
    );
    assert_eq!(
        text_cmd(&mut other, &format!("VAL {name} 7 1000")),
        format!("OK {name} 7"),
        "[{model}] {context}"
    );
    let get = text_cmd(&mut other, &format!("GET {name}"));
    assert_eq!(get, format!("OK {name} gauge 7 1000 still here"), "[{model}] {context}");
}
