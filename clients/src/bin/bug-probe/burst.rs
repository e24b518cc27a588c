//! A burst of connects (backlog-2): every client connects at the same moment, sends one
//! byte and waits for its echo. A full accept queue makes the kernel drop SYNs (and final
//! ACKs); the client's kernel retransmits after its 1 s initial RTO, so those clients take
//! about a second, or three. `TCP_INFO`'s `tcpi_total_retrans` counts the retransmitted SYNs.

use super::result_line;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::os::fd::AsRawFd;
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

/// What one client of the burst saw.
struct Sample {
    connect: Duration,
    /// Until the echo came back: connect, plus the wait to be accepted; or why it did not.
    echo: Result<Duration, io::ErrorKind>,
    /// Segments this client's kernel retransmitted (the SYN, here).
    retransmits: u32,
}

pub fn run(addr: &str, clients: u32) -> io::Result<()> {
    let target = addr
        .to_socket_addrs()?
        .next()
        .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "no address"))?;
    let barrier = Arc::new(Barrier::new(clients as usize));
    let handles: Vec<_> = (0..clients)
        .map(|_| {
            let barrier = Arc::clone(&barrier);
            thread::spawn(move || {
                barrier.wait();
                one_client(target)
            })
        })
        .collect();
    let mut samples = Vec::new();
    let mut failed = 0;
    for handle in handles {
        match handle.join() {
            Ok(Ok(sample)) => samples.push(sample),
            _ => failed += 1,
        }
    }
    report(&samples, failed);
    Ok(())
}

fn one_client(target: SocketAddr) -> io::Result<Sample> {
    let start = Instant::now();
    let mut stream = TcpStream::connect_timeout(&target, Duration::from_secs(10))?;
    let connect = start.elapsed();
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    stream.write_all(b"x")?;
    let echo = match stream.read_exact(&mut [0u8; 1]) {
        Ok(()) => Ok(start.elapsed()),
        Err(e) => Err(e.kind()),
    };
    Ok(Sample {
        connect,
        echo,
        retransmits: total_retransmits(&stream),
    })
}

/// `getsockopt(TCP_INFO)`: segments retransmitted on this connection so far.
fn total_retransmits(stream: &TcpStream) -> u32 {
    // SAFETY: tcp_info is plain old data; the kernel fills at most `len` bytes of it.
    let mut info: libc::tcp_info = unsafe { std::mem::zeroed() };
    let mut len = std::mem::size_of::<libc::tcp_info>() as libc::socklen_t;
    let rc = unsafe {
        libc::getsockopt(
            stream.as_raw_fd(),
            libc::IPPROTO_TCP,
            libc::TCP_INFO,
            (&mut info as *mut libc::tcp_info).cast(),
            &mut len,
        )
    };
    if rc == 0 {
        info.tcpi_total_retrans
    } else {
        0
    }
}

/// Buckets, percentiles and the retransmission count.
fn report(samples: &[Sample], failed: u32) {
    let connects: Vec<Duration> = samples.iter().map(|s| s.connect).collect();
    let echoes: Vec<Duration> = samples.iter().filter_map(|s| s.echo.ok()).collect();
    let mut no_echo: Vec<String> = samples
        .iter()
        .filter_map(|s| s.echo.err())
        .map(|k| format!("{k:?}"))
        .collect();
    no_echo.sort();
    println!("connect():        {}", distribution(&connects));
    println!("first echo back:  {}", distribution(&echoes));
    let slow = echoes.iter().filter(|d| **d >= Duration::from_millis(900)).count();
    let retransmitted = samples.iter().filter(|s| s.retransmits > 0).count();
    println!(
        "{slow} of {} clients waited >= 0.9 s for their echo (a dropped SYN is retried after 1 s); \
         {retransmitted} retransmitted a segment; {} got no echo; {failed} could not connect",
        samples.len(),
        no_echo.len()
    );
    if let (Some(first), Some(last)) = (no_echo.first(), no_echo.last()) {
        println!("no echo because: {first} .. {last}");
    }
    result_line(&[
        ("clients", samples.len().to_string()),
        ("slow", slow.to_string()),
        ("retransmitted", retransmitted.to_string()),
        ("no_echo", no_echo.len().to_string()),
        ("failed", failed.to_string()),
        ("connect_p50_ms", percentile(&connects, 50).to_string()),
        ("connect_max_ms", percentile(&connects, 100).to_string()),
        ("p50_ms", percentile(&echoes, 50).to_string()),
        ("max_ms", percentile(&echoes, 100).to_string()),
    ]);
}

/// `<10ms: a  10-100ms: b  0.1-1s: c  >=1s: d  (min/p50/p90/max ms)`.
fn distribution(times: &[Duration]) -> String {
    let ms = |d: &Duration| d.as_millis();
    let count = |lo: u128, hi: u128| times.iter().filter(|d| (lo..hi).contains(&ms(d))).count();
    format!(
        "<10ms: {:4}  10-100ms: {:4}  0.1-1s: {:4}  >=1s: {:4}   p50 {} ms, p90 {} ms, max {} ms",
        count(0, 10),
        count(10, 100),
        count(100, 1000),
        count(1000, u128::MAX),
        percentile(times, 50),
        percentile(times, 90),
        percentile(times, 100)
    )
}

fn percentile(times: &[Duration], p: usize) -> u128 {
    let mut sorted: Vec<u128> = times.iter().map(Duration::as_millis).collect();
    sorted.sort_unstable();
    if sorted.is_empty() {
        return 0;
    }
    let index = (sorted.len() - 1) * p / 100;
    sorted[index]
}
