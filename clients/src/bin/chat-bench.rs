//! `chat-bench`: load for `chat-server`, for `make bench-chat`.
//!
//! ```text
//! chat-bench --clients 100 --messages 100 127.0.0.1:7001   # broadcast throughput
//! chat-bench --idle 1000 127.0.0.1:7001                    # hold idle members (for RSS)
//! ```
//! Throughput: N members join (each welcomed before the next connects), then all send M
//! messages at once and read until each has the (N-1)·M others' messages. The rate is
//! N·(N-1)·M deliveries over the time from the start signal to the last delivery. One thread
//! per member, blocking sockets: the members read while the others write, so the benchmark
//! itself is never the slow consumer.
//!
//! Idle: N members join and stay silent; `ready N` is printed once all are welcomed, and
//! the members leave when stdin reaches EOF (the script measures the server meanwhile).

use clap::Parser;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::ExitCode;
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

/// Load generator for chat-server.
#[derive(Parser, Debug)]
#[command(name = env!("CARGO_BIN_NAME"), version, after_help = r#"Examples:
  chat-bench --clients 100 --messages 100 127.0.0.1:PORT
  chat-bench --idle 1000 127.0.0.1:PORT     (until stdin closes: Ctrl-D)"#)]
struct Args {
    /// Server address, HOST:PORT.
    addr: String,
    /// Members talking at once.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(2..=2000))]
    clients: u64,
    /// Messages each member sends.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    messages: u64,
    /// Instead: hold this many idle members until stdin closes.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=20_000))]
    idle: Option<u64>,
}

/// A member that receives nothing for this long has stalled: fail rather than hang.
const STALL: Duration = Duration::from_secs(30);

fn main() -> ExitCode {
    reactor::closed_stdout::quit_quietly_on_closed_stdout();
    let args = Args::parse();
    let result = match args.idle {
        Some(n) => hold_idle(&args.addr, n as usize),
        None => throughput(&args.addr, args.clients as usize, args.messages as usize),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("chat-bench: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Connect and read the welcome line.
fn join(addr: &str) -> io::Result<(TcpStream, BufReader<TcpStream>)> {
    let stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(STALL))?;
    stream.set_nodelay(true)?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut welcome = String::new();
    reader.read_line(&mut welcome)?;
    if !welcome.starts_with("* welcome") {
        return Err(io::Error::other(format!("unexpected greeting {welcome:?}")));
    }
    Ok((stream, reader))
}

fn throughput(addr: &str, clients: usize, messages: usize) -> io::Result<()> {
    let mut members = Vec::with_capacity(clients);
    for _ in 0..clients {
        members.push(join(addr)?);
    }
    let start = Arc::new(Barrier::new(clients + 1));
    let threads: Vec<_> = members
        .into_iter()
        .enumerate()
        .map(|(i, (stream, reader))| {
            // Member i still gets a "joined" line for each member after it.
            let expected = (clients - 1 - i) + (clients - 1) * messages;
            let start = Arc::clone(&start);
            thread::spawn(move || talk(stream, reader, i, messages, expected, &start))
        })
        .collect();
    start.wait();
    let t0 = Instant::now();
    for t in threads {
        t.join().map_err(|_| io::Error::other("a member thread panicked"))??;
    }
    let elapsed = t0.elapsed().as_secs_f64();
    let deliveries = clients * (clients - 1) * messages;
    println!(
        "clients={clients} messages={messages} deliveries={deliveries} time={elapsed:.3}s rate={:.0}/s",
        deliveries as f64 / elapsed
    );
    Ok(())
}

/// Send our messages, then count lines until `expected` have arrived.
fn talk(
    mut stream: TcpStream,
    mut reader: BufReader<TcpStream>,
    me: usize,
    messages: usize,
    expected: usize,
    start: &Barrier,
) -> io::Result<()> {
    let batch: String = (0..messages)
        .map(|k| format!("bench message {k} from {me}\n"))
        .collect();
    start.wait();
    stream.write_all(batch.as_bytes())?;
    let mut buf = vec![0u8; 64 * 1024];
    let mut lines = 0;
    while lines < expected {
        let n = reader.read(&mut buf)?;
        if n == 0 {
            return Err(io::Error::other(format!(
                "member {me}: server closed after {lines} lines"
            )));
        }
        lines += buf[..n].iter().filter(|&&b| b == b'\n').count();
    }
    Ok(())
}

fn hold_idle(addr: &str, n: usize) -> io::Result<()> {
    let mut members = Vec::with_capacity(n);
    for _ in 0..n {
        members.push(join(addr)?);
    }
    println!("ready {n}");
    io::stdout().flush()?;
    let mut sink = Vec::new();
    io::stdin().read_to_end(&mut sink)?; // until the script closes our stdin
    drop(members);
    Ok(())
}
