//! Fuzz-style: a few thousand random and mutated frames (seeded, so a failure replays), over
//! hundreds of connections, on every model. Whatever the server answers or however it closes,
//! it must stay alive and keep answering a well-formed GET.

mod metrics_common;

use metrics_common::*;
use std::io::{Read, Write};
use std::time::Duration;
use tests::write_all;

/// xorshift64*: a tiny deterministic PRNG (no crate needed).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> usize {
        (self.next() % n) as usize
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

/// A valid frame of a random type, then maybe a mutation (flipped byte, cut, extra bytes).
fn random_frame(rng: &mut Rng) -> Vec<u8> {
    let name = format!("f{}", rng.below(50));
    let mut f = match rng.below(6) {
        0 => desc_frame(&name, rng.below(3) as u8, "fuzz"),
        1 => val_frame(name.as_bytes(), f64::from_bits(rng.next()), rng.next() as i64),
        2 => get_frame(name.as_bytes()),
        3 => frame(LIST, &[]),
        4 => {
            let len = rng.below(40);
            frame(rng.next() as u8, &rng.bytes(len))
        }
        _ => {
            let len = rng.below(64);
            rng.bytes(len)
        }
    };
    match rng.below(4) {
        0 if !f.is_empty() => {
            let i = rng.below(f.len() as u64);
            f[i] ^= 1 << rng.below(8);
        }
        1 if f.len() > 1 => f.truncate(rng.below(f.len() as u64)),
        2 => {
            let extra = rng.below(8);
            f.extend(rng.bytes(extra));
        }
        _ => {}
    }
    f
}

/// Read whatever comes back until the server closes or goes quiet.
fn drain(stream: &mut std::net::TcpStream) {
    let _ = stream.set_read_timeout(Some(Duration::from_millis(200)));
    let mut buf = [0u8; 4096];
    while let Ok(n) = stream.read(&mut buf) {
        if n == 0 {
            break;
        }
    }
}

#[test]
fn random_frames_never_bring_the_server_down() {
    for &model in MODELS {
        let (mut server, _) = start(model);
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ model.len() as u64);
        let mut sent = 0;
        // Short batches on many connections: a fatal frame closes its connection and drops
        // the rest of its batch, so most frames still reach the decoder.
        for _ in 0..300 {
            let mut c = server.connect();
            write_all(&mut c, &desc_frame("f0", 1, "fuzz"));
            let mut batch = Vec::new();
            for _ in 0..8 {
                batch.extend(random_frame(&mut rng));
                sent += 1;
            }
            let _ = c.write_all(&batch); // the server may have closed already: fine
            let _ = c.shutdown(std::net::Shutdown::Write);
            drain(&mut c);
        }
        assert_eq!(sent, 2400);
        assert!(
            server.child.try_wait().ok().flatten().is_none(),
            "[{model}] server died"
        );
        let mut c = server.connect();
        write_all(&mut c, &get_frame(b"f0"));
        let (kind, payload) = read_frame(&mut c, model);
        assert!(
            kind == SAMPLE || kind == ERR,
            "[{model}] GET after fuzz: type {kind:#x} {payload:02x?}"
        );
        assert_serves_others(&server, model, "after fuzz");
        let status = server.signal_and_wait(nix::sys::signal::Signal::SIGTERM);
        assert!(status.success(), "[{model}] exit after fuzz: {status:?}");
    }
}
