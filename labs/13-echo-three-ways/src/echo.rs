//! One client's echo, and the iterative server: `read(2)` until end of file, `write(2)` back
//! every byte read — all of them, a short write is normal — then `close(2)`.

use crate::listen::{next_client, stopping};
use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Duration;

/// Send back every byte `stream` sends, until it closes (read returns 0) or SIGTERM arrives.
/// Bytes, not lines: what comes back is exactly what went in, binary included. Reads wait at
/// most 100 ms (SO_RCVTIMEO), so a SIGTERM is noticed within that time.
pub fn echo(stream: &mut TcpStream) -> io::Result<()> {
    // LAB 13 BEGIN: echo every byte until end of file
    // A SIGTERM that lands between two reads interrupts nothing: each read waits at most
    // 100 ms, so the flag is looked at even then.
    stream.set_read_timeout(Some(Duration::from_millis(100)))?;
    let mut buf = [0u8; 16 * 1024];
    loop {
        if stopping() {
            return Ok(());
        }
        let n = match stream.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(e) if is_retry(&e) => continue,
            Err(e) => return Err(e),
        };
        stream.write_all(&buf[..n])?;
    }
    // LAB 13 END
}

/// A read that timed out or was interrupted by a signal: look at the flag and read again.
pub fn is_retry(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut | io::ErrorKind::Interrupted
    )
}

/// One client at a time: accept, echo until it leaves, close, accept the next.
pub fn serve_iterative(listener: &TcpListener) -> io::Result<()> {
    // LAB 13 BEGIN: the iterative server
    while let Some(mut stream) = next_client(listener, &mut || {})? {
        if let Err(e) = echo(&mut stream) {
            eprintln!("lab13-echo: client: {e}");
        }
    }
    Ok(())
    // LAB 13 END
}
