//! bare-mio: the smallest correct echo server on mio (epoll, edge-triggered), the way mio's
//! own examples write one: on each event read until `WouldBlock`, write back what was read,
//! keep what the socket did not take and ask for WRITABLE until it drains.
//!
//! It is the reference for `make bench` (scripts/bench.sh): the epoll model of `echo-server`
//! should be at least as fast, with fewer system calls per round trip. No logging, no timers,
//! no limits: only what an echo needs.
//!
//! Usage: `bare-mio [--listen HOST:PORT]` (default 127.0.0.1:0); prints `listening on ADDR`.

use mio::net::{TcpListener, TcpStream};
use mio::{Events, Interest, Poll, Token};
use std::collections::HashMap;
use std::io::{self, Read, Write};

const LISTENER: Token = Token(usize::MAX);

/// One client: its socket and the bytes it has not yet taken back.
struct Client {
    stream: TcpStream,
    pending: Vec<u8>,
    /// Registered for WRITABLE too (only while `pending` is not empty).
    wants_write: bool,
}

fn main() -> io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let addr = match args.iter().position(|a| a == "--listen") {
        Some(i) => args.get(i + 1).cloned().unwrap_or_default(),
        None => "127.0.0.1:0".to_string(),
    };
    let addr = addr
        .parse()
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, format!("--listen {addr}: {e}")))?;
    let mut listener = TcpListener::bind(addr)?;
    println!("listening on {}", listener.local_addr()?);
    let mut poll = Poll::new()?;
    poll.registry()
        .register(&mut listener, LISTENER, Interest::READABLE)?;
    let mut clients: HashMap<Token, Client> = HashMap::new();
    let mut next = 0usize;
    let mut events = Events::with_capacity(1024);
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        if let Err(e) = poll.poll(&mut events, None) {
            if e.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            return Err(e);
        }
        for event in events.iter() {
            if event.token() == LISTENER {
                accept_all(&poll, &listener, &mut clients, &mut next)?;
                continue;
            }
            let token = event.token();
            let Some(client) = clients.get_mut(&token) else { continue };
            let alive = serve(&poll, token, client, &mut buf).unwrap_or(false);
            if !alive {
                if let Some(mut gone) = clients.remove(&token) {
                    let _ = poll.registry().deregister(&mut gone.stream);
                }
            }
        }
    }
}

/// Accept until `WouldBlock` (edge-triggered: no second event for the same backlog).
fn accept_all(
    poll: &Poll,
    listener: &TcpListener,
    clients: &mut HashMap<Token, Client>,
    next: &mut usize,
) -> io::Result<()> {
    loop {
        match listener.accept() {
            Ok((mut stream, _)) => {
                stream.set_nodelay(true)?;
                let token = Token(*next);
                *next += 1;
                poll.registry()
                    .register(&mut stream, token, Interest::READABLE)?;
                clients.insert(token, Client { stream, pending: Vec::new(), wants_write: false });
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(()),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
}

/// Read until `WouldBlock`, echo, keep the rest. Returns false when the client is gone.
fn serve(poll: &Poll, token: Token, client: &mut Client, buf: &mut [u8]) -> io::Result<bool> {
    loop {
        match client.stream.read(buf) {
            Ok(0) => return Ok(false),
            Ok(n) => client.pending.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    while !client.pending.is_empty() {
        match client.stream.write(&client.pending) {
            Ok(n) => {
                client.pending.drain(..n);
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    let wants_write = !client.pending.is_empty();
    if wants_write != client.wants_write {
        let interest = if wants_write {
            Interest::READABLE | Interest::WRITABLE
        } else {
            Interest::READABLE
        };
        poll.registry().reregister(&mut client.stream, token, interest)?;
        client.wants_write = wants_write;
    }
    Ok(true)
}
