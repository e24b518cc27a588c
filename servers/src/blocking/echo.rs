//! The echo protocol on a blocking socket: read what arrived, write the reply, repeat until
//! the client closes (read returns 0).
//!
//! `write_all` blocks while the client's receive window is full: TCP flow control is the
//! backpressure here, and memory stays at one buffer whatever the client does.

use crate::proto::echo::Echo;
use log::info;
use reactor::{Peer, Stream};
use std::io::{self, Read, Write};

/// Serve one client until EOF, the idle timeout, or SIGINT/SIGTERM.
pub fn echo_session(stream: &mut Stream, peer: &Peer) -> io::Result<()> {
    let mut echo = Echo;
    let mut buf = vec![0u8; 16 * 1024];
    let mut out = Vec::with_capacity(buf.len());
    loop {
        let n = match stream.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {
                if reactor::signal::stop_requested() {
                    return Ok(());
                }
                continue;
            }
            Err(e) if super::is_idle_timeout(&e) => {
                info!("{peer}: idle timeout, closing");
                return Ok(());
            }
            Err(e) => return Err(e),
        };
        out.clear();
        echo.on_bytes(&buf[..n], &mut out);
        stream.write_all(&out)?;
    }
}
