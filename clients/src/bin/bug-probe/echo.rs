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

/// Send `bytes` of a seeded pattern (then FIN) on one thread, read the echo on another and
/// compare it byte for byte: sent versus received, and how many of the received bytes differ
/// from what was sent at that offset (a stream that lost nothing can still be corrupted).
pub fn big_echo(addr: &str, bytes: u64, read_delay: Duration, idle: Duration) -> io::Result<()> {
    let stream = connect(addr, idle)?;
    let mut writer = stream.try_clone()?;
    let sender = thread::spawn(move || -> u64 {
        // One buffer, as few write(2) calls as the kernel allows: the segments arrive
        // together, as a fast client's would.
        let data = pattern(bytes as usize);
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
    let end = read_until_end(stream, bytes);
    let sent = sender.join().unwrap_or(0);
    let lost = sent.saturating_sub(end.received);
    let first = end.first_corrupt.map_or("none".to_string(), |at| at.to_string());
    println!(
        "sent {sent} bytes, received {} bytes back, lost {lost}, corrupted {} (first at offset {first}); {}",
        end.received, end.corrupted, end.ending
    );
    result_line(&[
        ("sent", sent.to_string()),
        ("received", end.received.to_string()),
        ("lost", lost.to_string()),
        ("corrupted", end.corrupted.to_string()),
        ("first_corrupt", first),
        ("stalled", (end.ending == STALLED).to_string()),
        ("ending", end.ending.split(':').next().unwrap_or("").to_string()),
    ]);
    Ok(())
}

/// The seeded byte pattern big-echo sends: no two neighbouring 4 KiB pages alike, so a
/// repeated, dropped or reordered chunk shows as corrupted bytes.
fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(pattern_byte).collect()
}

fn pattern_byte(i: usize) -> u8 {
    let x = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x5EED;
    (x >> 56) as u8 ^ (i >> 12) as u8
}

const STALLED: &str = "stalled: no byte within the idle time";

/// How a read to the end went: bytes, how many differ from the pattern, how it ended.
struct End {
    received: u64,
    corrupted: u64,
    first_corrupt: Option<u64>,
    ending: &'static str,
}

/// Read to EOF, comparing each byte with the pattern at its offset (bytes past `expected`
/// count as corrupted: the server sent more than it was given).
fn read_until_end(mut stream: TcpStream, expected: u64) -> End {
    let mut buf = vec![0u8; 64 * 1024];
    let mut end = End {
        received: 0,
        corrupted: 0,
        first_corrupt: None,
        ending: "EOF",
    };
    loop {
        let n = match stream.read(&mut buf) {
            Ok(0) => return end,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) if timed_out(&e) => {
                end.ending = STALLED;
                return end;
            }
            Err(_) => {
                end.ending = "reset";
                return end;
            }
        };
        for (k, &byte) in buf[..n].iter().enumerate() {
            let at = end.received + k as u64;
            if at >= expected || byte != pattern_byte(at as usize) {
                end.corrupted += 1;
                end.first_corrupt.get_or_insert(at);
            }
        }
        end.received += n as u64;
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
        let mut back = [0u8; 5];
        let ok = other.write_all(b"ping\n").is_ok() && other.read_exact(&mut back).is_ok() && &back == b"ping\n";
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
