//! A chat room with a member who never reads (unbounded-outbox): every line another member
//! sends is queued for it. Bounded, the server drops it past its output limit; unbounded, the
//! server's memory grows with the flood. The server's RSS is sampled while it happens.

use super::{connect, proc, result_line};
use std::io::{self, Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

pub fn flood(addr: &str, bytes: u64, pid: Option<i32>) -> io::Result<()> {
    let silent = connect(addr, Duration::from_millis(300))?; // joins, then never reads
    thread::sleep(Duration::from_millis(100));
    let flooder = connect(addr, Duration::from_secs(2))?;
    drain_in_background(flooder.try_clone()?);
    let done = Arc::new(AtomicBool::new(false));
    let sampler = pid.map(|pid| sample_rss(pid, Arc::clone(&done)));
    let sent = send_lines(flooder, bytes);
    thread::sleep(Duration::from_millis(500)); // let the server catch up
    done.store(true, Ordering::SeqCst);
    let (start_kib, peak_kib) = sampler.and_then(|s| s.join().ok()).unwrap_or((0, 0));
    let (queued, disconnected) = drain_silent(silent);
    println!(
        "flooded {sent} bytes of lines; the silent member then read {queued} queued bytes and {}",
        if disconnected {
            "found itself disconnected"
        } else {
            "is still a member"
        }
    );
    let mut pairs = vec![
        ("sent", sent.to_string()),
        ("silent_disconnected", disconnected.to_string()),
    ];
    if pid.is_some() {
        println!("server RSS: {start_kib} KiB before, {peak_kib} KiB at its peak");
        pairs.push(("rss_start_kib", start_kib.to_string()));
        pairs.push(("rss_peak_kib", peak_kib.to_string()));
        pairs.push(("rss_growth_kib", peak_kib.saturating_sub(start_kib).to_string()));
    }
    result_line(&pairs);
    Ok(())
}

/// Read (and discard) whatever the flooder is sent, so only the silent member lags.
fn drain_in_background(mut stream: std::net::TcpStream) {
    thread::spawn(move || {
        let mut buf = [0u8; 64 * 1024];
        while matches!(stream.read(&mut buf), Ok(n) if n > 0) {}
    });
}

/// 1 KiB lines until `bytes` are sent or the server stops taking them.
fn send_lines(mut stream: std::net::TcpStream, bytes: u64) -> u64 {
    let mut line = vec![b'x'; 1023];
    line.push(b'\n');
    let batch: Vec<u8> = line.repeat(64);
    let mut sent = 0u64;
    while sent < bytes {
        match stream.write_all(&batch) {
            Ok(()) => sent += batch.len() as u64,
            Err(_) => break,
        }
    }
    sent
}

/// Print the server's RSS every 250 ms until `done`; returns (first, peak) in KiB.
fn sample_rss(pid: i32, done: Arc<AtomicBool>) -> thread::JoinHandle<(u64, u64)> {
    thread::spawn(move || {
        let start = Instant::now();
        let first = proc::status_field(pid, "VmRSS").unwrap_or(0);
        let mut peak = first;
        while !done.load(Ordering::SeqCst) {
            let rss = proc::status_field(pid, "VmRSS").unwrap_or(0);
            peak = peak.max(rss);
            println!("t={:4.2}s  server RSS {rss:7} KiB", start.elapsed().as_secs_f64());
            thread::sleep(Duration::from_millis(250));
        }
        (first, peak)
    })
}

/// Read what was queued for the silent member until EOF (it was disconnected) or 300 ms of
/// silence (it is still a member). Bounded by 512 MiB.
fn drain_silent(mut stream: std::net::TcpStream) -> (u64, bool) {
    let mut buf = vec![0u8; 256 * 1024];
    let mut total = 0u64;
    while total < 512 << 20 {
        match stream.read(&mut buf) {
            Ok(0) => return (total, true),
            Ok(n) => total += n as u64,
            Err(e) if e.kind() == io::ErrorKind::ConnectionReset => return (total, true),
            Err(_) => return (total, false),
        }
    }
    (total, false)
}
