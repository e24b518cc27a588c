//! Echo workloads: clients one after another (the fork bugs), a large transfer (read-once,
//! ignore-short-write), and a client that never reads beside one that does (blocking-write).

use super::{connect, result_line, timed_out};
use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

/// Clients one after another: a line, its echo, a half-close, then wait for the server's EOF.
pub fn sequential(addr: &str, clients: u32, eof_wait: Duration) -> io::Result<()> {
    let (mut echoed, mut eofs) = (0, 0);
    for i in 1..=clients {
        let mut stream = connect(addr, Duration::from_secs(2))?;
        let line = format!("hello {i}\n");
        stream.write_all(line.as_bytes())?;
        let mut back = vec![0u8; line.len()];
        let echo_ok = stream.read_exact(&mut back).is_ok() && back == line.as_bytes();
        echoed += u32::from(echo_ok);
        stream.shutdown(Shutdown::Write)?; // we are done: the server's read returns 0
        stream.set_read_timeout(Some(eof_wait))?;
        let start = Instant::now();
        let eof = matches!(stream.read(&mut [0u8; 64]), Ok(0));
        eofs += u32::from(eof);
        let waited = start.elapsed().as_millis();
        let eof_text = if eof {
            format!("EOF after {waited} ms")
        } else {
            format!("no EOF within {waited} ms")
        };
        println!(
            "client {i}: echo {}, {eof_text}",
            if echo_ok { "ok" } else { "MISSING" }
        );
        // Give the server a moment to finish with this client (exit, reap) before the next.
        thread::sleep(Duration::from_millis(50));
    }
    result_line(&[
        ("clients", clients.to_string()),
        ("echoed", echoed.to_string()),
        ("eof", eofs.to_string()),
    ]);
    Ok(())
}

/// Send `bytes` (then FIN) on one thread, read the echo on another: sent versus received.
pub fn big_echo(addr: &str, bytes: u64, read_delay: Duration, idle: Duration) -> io::Result<()> {
    let stream = connect(addr, idle)?;
    let mut writer = stream.try_clone()?;
    let sender = thread::spawn(move || -> u64 {
        // One buffer, as few write(2) calls as the kernel allows: the segments arrive
        // together, as a fast client's would.
        let data = vec![b'x'; bytes as usize];
        let mut sent = 0u64;
        while sent < bytes {
            match writer.write(&data[sent as usize..]) {
                Ok(n) => sent += n as u64,
                Err(_) => break, // a timeout: the server stopped reading us
            }
        }
        let _ = writer.shutdown(Shutdown::Write);
        sent
    });
    thread::sleep(read_delay);
    let (received, ending) = read_until_end(stream);
    let sent = sender.join().unwrap_or(0);
    let lost = sent.saturating_sub(received);
    println!("sent {sent} bytes, received {received} bytes back, lost {lost}; {ending}");
    result_line(&[
        ("sent", sent.to_string()),
        ("received", received.to_string()),
        ("lost", lost.to_string()),
        ("stalled", (ending == STALLED).to_string()),
    ]);
    Ok(())
}

const STALLED: &str = "stalled: no byte within the idle time";

/// Read to EOF; count the bytes and say how it ended.
fn read_until_end(mut stream: TcpStream) -> (u64, &'static str) {
    let mut buf = vec![0u8; 64 * 1024];
    let mut received = 0u64;
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return (received, "EOF"),
            Ok(n) => received += n as u64,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) if timed_out(&e) => return (received, STALLED),
            Err(_) => return (received, "reset"),
        }
    }
}

/// A sends (at most 64 MiB) and never reads; B times small round trips meanwhile.
pub fn stuck_reader(addr: &str, rounds: u32) -> io::Result<()> {
    let mut stuck = connect(addr, Duration::from_secs(2))?;
    // The stuck client stays connected (and unread) until the rounds are over.
    let flooder = thread::spawn(move || -> (u64, TcpStream) {
        let chunk = vec![b's'; 256 * 1024];
        let mut sent = 0u64;
        while sent < 64 << 20 {
            match stuck.write(&chunk) {
                Ok(n) => sent += n as u64,
                Err(_) => break, // blocked 2 s: everything is full
            }
        }
        (sent, stuck)
    });
    thread::sleep(Duration::from_millis(500)); // let A fill every buffer on the way
    let mut other = connect(addr, Duration::from_secs(2))?;
    let mut latencies = Vec::new();
    let mut timeouts = 0;
    for round in 1..=rounds {
        let start = Instant::now();
        let ok = other.write_all(b"ping\n").is_ok() && other.read_exact(&mut [0u8; 5]).is_ok();
        let us = start.elapsed().as_micros();
        if ok {
            latencies.push(us);
            println!("other client, round {round}: echo in {us} us");
        } else {
            timeouts += 1;
            println!("other client, round {round}: NO ECHO within 2 s");
            if timeouts >= 2 {
                println!("(giving up: the server is stuck)");
                break;
            }
        }
    }
    drop(other);
    let sent = flooder.join().map_or(0, |(sent, _stuck)| sent);
    latencies.sort_unstable();
    let median = latencies
        .get(latencies.len() / 2)
        .map_or("none".to_string(), |us| us.to_string());
    println!("the client that never reads sent {sent} bytes before its writes blocked");
    result_line(&[
        ("answered", latencies.len().to_string()),
        ("timeouts", timeouts.to_string()),
        ("median_us", median),
    ]);
    Ok(())
}
