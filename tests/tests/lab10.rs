//! Lab 10 grader (labs/10-http-status): `GET /status` answers the server's figures as JSON on
//! every model, other methods get 405 with `Allow`, and keep-alive still works.

mod lab_common;

use lab_common::*;
use serde_json::Value;
use std::io::{Read, Write};
use std::process::Command;
use tests::ALL_MODELS;

/// `curl -si URL` (with `-X METHOD`): the status code, the head, the body.
fn curl(method: &str, url: &str) -> (u16, String, String) {
    let out = Command::new("curl")
        .args(["-s", "-i", "--max-time", "5", "-X", method, url])
        .output()
        .expect("run curl");
    let text = String::from_utf8_lossy(&out.stdout).replace("\r\n", "\n");
    let (head, body) = text.split_once("\n\n").unwrap_or((&text, ""));
    let code = head.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    (code, head.to_string(), body.to_string())
}

fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().find_map(|l| {
        let (n, v) = l.split_once(':')?;
        n.eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

#[test]
fn lab10_status_json_on_every_model() {
    let mut steps = Steps::new("lab10_status_json_on_every_model");
    for model in ALL_MODELS {
        steps.step(&format!("[{model}] start http-server; curl -si http://ADDR/status"));
        let server = start("http-server", &["--model", model]);
        let (code, head, body) = curl("GET", &format!("http://{}/status", server.addr));
        let json: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
        let ok = code == 200
            && header(&head, "Content-Type") == Some("application/json")
            && json["model"] == *model
            && json["uptime_seconds"].is_u64()
            && json["connections"].as_i64().is_some_and(|n| n >= 1)
            && json["requests_served"].as_u64().is_some_and(|n| n >= 1);
        steps.expect(
            ok,
            "GET /status HTTP/1.1",
            &format!(
                "{code}, Content-Type {:?}, body {body:?}",
                header(&head, "Content-Type")
            ),
            &format!(
                "200, application/json, {{\"model\":\"{model}\",\"uptime_seconds\":N,\"connections\":N>=1,\
                 \"requests_served\":N>=1}}"
            ),
            "lecture « Réponse Serveur »: a status line, headers (Content-Type, Content-Length), an empty \
             line, the body; the figures come from status::snapshot() (shared memory: right on fork too)",
        );
    }
}

#[test]
fn lab10_requests_are_counted() {
    let mut steps = Steps::new("lab10_requests_are_counted");
    steps.step("start http-server --model epoll; GET /status twice");
    let server = start("http-server", &["--model", "epoll"]);
    let url = format!("http://{}/status", server.addr);
    let count = |body: &str| {
        serde_json::from_str::<Value>(body)
            .ok()
            .and_then(|j| j["requests_served"].as_u64())
    };
    let first = count(&curl("GET", &url).2);
    let second = count(&curl("GET", &url).2);
    steps.expect(
        first.is_some() && second == first.map(|n| n + 1),
        "GET /status, GET /status",
        &format!("requests_served {first:?} then {second:?}"),
        "N then N+1",
        "every answered request is counted (Exchange::answer calls status::request_served)",
    );
}

#[test]
fn lab10_other_methods_get_405_with_allow() {
    let mut steps = Steps::new("lab10_other_methods_get_405_with_allow");
    for model in ["thread", "epoll"] {
        steps.step(&format!("[{model}] curl -si -X POST http://ADDR/status"));
        let server = start("http-server", &["--model", model]);
        let (code, head, _) = curl("POST", &format!("http://{}/status", server.addr));
        steps.expect(
            code == 405 && header(&head, "Allow") == Some("GET, HEAD"),
            "POST /status",
            &format!("{code}, Allow {:?}", header(&head, "Allow")),
            "405 Method Not Allowed with `Allow: GET, HEAD`",
            "RFC 9110 §15.5.6: a 405 must list the methods the resource supports in Allow",
        );
    }
}

#[test]
fn lab10_keep_alive_still_works() {
    let mut steps = Steps::new("lab10_keep_alive_still_works");
    for model in ["thread", "select", "epoll"] {
        steps.step(&format!(
            "[{model}] one connection: GET /status, HEAD /status, GET / (Connection: close)"
        ));
        let server = start("http-server", &["--model", model]);
        let mut c = match connect(&server) {
            Ok(c) => c,
            Err(e) => panic!("connect: {e}"),
        };
        let requests = "GET /status HTTP/1.1\r\nHost: x\r\n\r\n\
                        HEAD /status HTTP/1.1\r\nHost: x\r\n\r\n\
                        GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
        let _ = c.write_all(requests.as_bytes());
        let mut all = Vec::new();
        let _ = c.read_to_end(&mut all);
        let (answers, problem) = read_responses(&all, &[false, true, false]);
        let text = String::from_utf8_lossy(&all);
        steps.expect(
            problem.is_none() && answers == 3,
            "three pipelined requests on one connection",
            &format!(
                "{answers} responses read by their Content-Length{}: {:?}",
                problem.as_deref().map_or(String::new(), |p| format!(", then {p}")),
                text.chars().take(400).collect::<String>()
            ),
            "three `200 OK` responses, each body exactly Content-Length bytes (HEAD: none), then \
             the close asked for",
            "HTTP/1.1 keeps the connection open: Content-Length tells where each body ends (every \
             byte of it, the final newline too), and HEAD sends the head of GET without its body",
        );
    }
}

/// Read pipelined responses as a client does: a head, then exactly Content-Length bytes of
/// body (none for a HEAD, `head_only[i]`). How many were whole, and what went wrong after.
fn read_responses(mut bytes: &[u8], head_only: &[bool]) -> (usize, Option<String>) {
    for (i, &head) in head_only.iter().enumerate() {
        let late = bytes.windows(8).position(|w| w == b"HTTP/1.1");
        if let (Some(late @ 1..), true) = (late, i > 0) {
            return (
                i,
                Some(format!(
                    "the next response starts {late} byte(s) late: the previous body was longer \
                     than its Content-Length"
                )),
            );
        }
        if !bytes.starts_with(b"HTTP/1.1 200 OK\r\n") {
            let start: String = String::from_utf8_lossy(&bytes[..bytes.len().min(40)]).into();
            let what = if i == 0 {
                "the first response"
            } else {
                "the next response"
            };
            return (i, Some(format!("{what} starts with {start:?}, not `HTTP/1.1 200 OK`")));
        }
        let Some(end) = bytes.windows(4).position(|w| w == b"\r\n\r\n") else {
            return (i, Some("a head without its blank line".into()));
        };
        let head_text = String::from_utf8_lossy(&bytes[..end]).to_ascii_lowercase();
        let length: usize = head_text
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        let body = if head { 0 } else { length };
        bytes = &bytes[(end + 4 + body).min(bytes.len())..];
    }
    if bytes.is_empty() {
        (head_only.len(), None)
    } else {
        let rest: String = String::from_utf8_lossy(&bytes[..bytes.len().min(40)]).into();
        (
            head_only.len(),
            Some(format!("{} bytes left over: {rest:?}", bytes.len())),
        )
    }
}
