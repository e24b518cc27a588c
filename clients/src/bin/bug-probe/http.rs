//! HTTP workloads: a raw GET with the target as written (naive-join), and clients that ask
//! for a large file and hang up at once (sigpipe).

use super::{connect, result_line};
use std::io::{self, Read, Write};
use std::thread;
use std::time::Duration;

/// `GET target` exactly as written: curl and browsers remove `/../` before sending
/// (`curl --path-as-is` does not).
pub fn get(addr: &str, target: &str) -> io::Result<()> {
    let (status, body) = fetch(addr, target)?;
    println!("GET {target} -> {status}");
    let shown = &body[..body.len().min(400)];
    println!("{}", String::from_utf8_lossy(shown).trim_end());
    result_line(&[("status", status_code(&status)), ("body_bytes", body.len().to_string())]);
    Ok(())
}

/// One request with `Connection: close`; the status line and the body (at most 1 MiB).
fn fetch(addr: &str, target: &str) -> io::Result<(String, Vec<u8>)> {
    let mut stream = connect(addr, Duration::from_secs(2))?;
    write!(
        stream,
        "GET {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )?;
    let mut reply = Vec::new();
    stream.take(1 << 20).read_to_end(&mut reply)?;
    let head_end = reply
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(reply.len(), |p| p + 4);
    let status = String::from_utf8_lossy(&reply[..head_end])
        .lines()
        .next()
        .unwrap_or("")
        .to_string();
    Ok((status, reply[head_end.min(reply.len())..].to_vec()))
}

/// `HTTP/1.1 200 OK` -> `200`.
fn status_code(status_line: &str) -> String {
    status_line.split_whitespace().nth(1).unwrap_or("none").to_string()
}

/// Ask for a large file and close at once, `rounds` times: the server's next `sendfile(2)`
/// meets a connection the peer's kernel has reset. Then check the server still answers.
pub fn reset(addr: &str, target: &str, rounds: u32) -> io::Result<()> {
    for round in 1..=rounds {
        match connect(addr, Duration::from_secs(2)) {
            Ok(mut stream) => {
                write!(stream, "GET {target} HTTP/1.1\r\nHost: localhost\r\n\r\n")?;
                drop(stream); // close without reading: the reply meets a closed socket (RST)
                println!("client {round}: asked for {target}, hung up at once");
            }
            Err(e) => {
                println!("client {round}: connect: {e} (is the server still there?)");
                break;
            }
        }
        thread::sleep(Duration::from_millis(100));
    }
    let after = match fetch(addr, "/") {
        Ok((status, _)) if !status.is_empty() => {
            println!("afterwards, GET / -> {status}");
            status_code(&status)
        }
        Ok(_) => {
            println!("afterwards, GET / -> no answer");
            "none".to_string()
        }
        Err(e) => {
            println!("afterwards, GET / -> {e}");
            "none".to_string()
        }
    };
    result_line(&[("rounds", rounds.to_string()), ("status_after", after)]);
    Ok(())
}
