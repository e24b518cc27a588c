//! The completion model (`--model uring-completion`): the echo protocol on the io_uring
//! proactor of `reactor::proactor`, where receives and sends are operations the kernel
//! completes, with buffers it owns until then. Read `reactor/src/proactor/mod.rs` first:
//! it says why only echo runs on it.

use crate::proto::echo::Echo;
use reactor::proactor::{Proactor, Service};
use reactor::{Config, Listener};
use std::io;

/// Echo as a completion service: each completed receive is answered by its own bytes.
struct EchoService(Echo);

impl Service for EchoService {
    fn respond(&mut self, input: &[u8], reply: &mut Vec<u8>) {
        let consumed = self.0.on_bytes(input, reply);
        debug_assert_eq!(consumed, input.len(), "echo has no frames: it consumes everything");
    }
}

/// Serve echo on the proactor until SIGINT/SIGTERM.
pub fn echo(listener: Listener, config: Config) -> io::Result<()> {
    let mut proactor = Proactor::new(listener, EchoService(Echo), config)?;
    log::info!("serving echo on the io_uring proactor (completion model)");
    proactor.run()?;
    log::info!("stopped");
    Ok(())
}
