//! Many idle clients at once (no-fdsetsize-guard, thread-per-client-uncapped): open them all,
//! watch the server's threads and memory grow, then ask every one of them for an echo.

use super::{connect, proc, result_line};
use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::thread;
use std::time::Duration;

/// How a client of the crowd fared in the final check.
#[derive(Default)]
struct Tally {
    answered: u32,
    /// Told "server busy" (or why) and closed.
    refused: u32,
    /// EOF, reset or silence: the server is gone or stuck.
    lost: u32,
}

pub fn run(addr: &str, clients: u32, pid: Option<i32>, hold: Duration) -> io::Result<()> {
    raise_fd_limit(u64::from(clients) + 64);
    let mut crowd: Vec<TcpStream> = Vec::new();
    let mut connect_errors = 0;
    for i in 1..=clients {
        match connect(addr, Duration::from_secs(2)) {
            Ok(stream) => crowd.push(stream),
            Err(e) => {
                connect_errors += 1;
                if connect_errors == 1 {
                    println!("client {i}: connect: {e}");
                }
            }
        }
        if i % (clients / 4).max(1) == 0 {
            if let Some(pid) = pid {
                thread::sleep(Duration::from_millis(50)); // let the server catch up
                println!("{i:5} clients connected: server {}", proc::describe(pid));
            }
        }
    }
    thread::sleep(hold);
    if let Some(pid) = pid {
        println!("all connected, then:  server {}", proc::describe(pid));
    }
    let tally = check_all(&mut crowd);
    let alive = pid.map(proc::alive);
    println!(
        "echo check: {} answered, {} refused with a message, {} lost (EOF, reset or silence)",
        tally.answered, tally.refused, tally.lost
    );
    let mut pairs = vec![
        ("clients", crowd.len().to_string()),
        ("answered", tally.answered.to_string()),
        ("refused", tally.refused.to_string()),
        ("lost", tally.lost.to_string()),
        ("connect_errors", connect_errors.to_string()),
    ];
    if let Some(alive) = alive {
        println!("server process: {}", if alive { "alive" } else { "GONE" });
        pairs.push(("server_alive", alive.to_string()));
    }
    if let Some(pid) = pid.filter(|_| alive == Some(true)) {
        pairs.push(("threads", proc::status_field(pid, "Threads").unwrap_or(0).to_string()));
        pairs.push(("rss_kib", proc::status_field(pid, "VmRSS").unwrap_or(0).to_string()));
    }
    result_line(&pairs);
    Ok(())
}

/// Send a line on every connection, then read each answer.
fn check_all(crowd: &mut [TcpStream]) -> Tally {
    let mut tally = Tally::default();
    for stream in crowd.iter_mut() {
        let _ = stream.write_all(b"ping\n");
    }
    for stream in crowd.iter_mut() {
        let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
        let mut answer = [0u8; 5];
        match stream.read(&mut answer) {
            Ok(n) if n > 0 && answer[..n] == b"ping\n"[..n] => tally.answered += 1,
            Ok(n) if n > 0 => tally.refused += 1,
            _ => tally.lost += 1,
        }
    }
    tally
}

/// Enough descriptors for the whole crowd (up to the hard limit).
fn raise_fd_limit(want: u64) {
    use nix::sys::resource::{getrlimit, setrlimit, Resource};
    if let Ok((soft, hard)) = getrlimit(Resource::RLIMIT_NOFILE) {
        let target = want.min(hard).max(soft);
        if target > soft {
            let _ = setrlimit(Resource::RLIMIT_NOFILE, target, hard);
        }
    }
}
