//! The bytes of one message: a 16-byte tag naming the connection and the round, repeated.
//!
//! ```text
//! c0002ar0000001f\nc0002ar0000001f\nc0002ar0000001f\n…      connection 0x2a, round 0x1f
//! ```
//!
//! Why a tag and not zeros: an echo server that mixes up its connections (sends A's bytes to
//! B), replays an old message, drops, duplicates or flips a byte is *caught*, because the
//! expected byte at every offset depends on the connection, the round and the position. And a
//! student reading `strace -e read,write` or a packet capture sees at a glance whose message it
//! is. Byte `i` is `tag[i % 16]`, so any slice can be produced or checked without keeping the
//! whole message in memory (1000 connections × a large `--size` stays cheap).

/// Length of the repeated tag.
pub const TAG_LEN: usize = 16;

/// The tag of one (connection, round) pair: `c` + 5 hex digits + `r` + 8 hex digits + `\n`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pattern {
    tag: [u8; TAG_LEN],
}

/// The first byte where an echo differs from what was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mismatch {
    /// Offset in the message.
    pub offset: usize,
    pub expected: u8,
    pub got: u8,
}

impl Pattern {
    /// The pattern for round `round` of connection `conn` (both wrap in their hex width).
    pub fn new(conn: usize, round: u32) -> Pattern {
        let mut tag = [0u8; TAG_LEN];
        tag[0] = b'c';
        write_hex(&mut tag[1..6], conn as u64);
        tag[6] = b'r';
        write_hex(&mut tag[7..15], u64::from(round));
        tag[15] = b'\n';
        Pattern { tag }
    }

    /// Fill `out` with the message bytes starting at `offset`.
    pub fn fill(&self, offset: usize, out: &mut [u8]) {
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = self.tag[(offset + i) % TAG_LEN];
        }
    }

    /// Check that `data` equals the message bytes starting at `offset`.
    pub fn verify(&self, offset: usize, data: &[u8]) -> Result<(), Mismatch> {
        for (i, &got) in data.iter().enumerate() {
            let expected = self.tag[(offset + i) % TAG_LEN];
            if got != expected {
                return Err(Mismatch {
                    offset: offset + i,
                    expected,
                    got,
                });
            }
        }
        Ok(())
    }
}

/// Lower-case hex of `value` into all of `out`, most significant digit first (wrapping).
fn write_hex(out: &mut [u8], mut value: u64) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for byte in out.iter_mut().rev() {
        *byte = DIGITS[(value & 0xf) as usize];
        value >>= 4;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_names_connection_and_round() {
        let p = Pattern::new(0x2a, 0x1f);
        let mut msg = [0u8; 20];
        p.fill(0, &mut msg);
        assert_eq!(&msg, b"c0002ar0000001f\nc000");
    }

    #[test]
    fn any_slice_verifies_and_a_flip_is_caught() {
        let p = Pattern::new(7, 3);
        let mut msg = vec![0u8; 100];
        p.fill(0, &mut msg);
        assert_eq!(p.verify(37, &msg[37..60]), Ok(()));
        msg[41] ^= 1;
        let err = p.verify(37, &msg[37..60]).unwrap_err();
        assert_eq!(err.offset, 41);
    }

    #[test]
    fn other_connections_and_rounds_differ() {
        let mut a = [0u8; 16];
        let mut b = [0u8; 16];
        Pattern::new(1, 5).fill(0, &mut a);
        assert!(Pattern::new(2, 5).verify(0, &a).is_err());
        Pattern::new(1, 6).fill(0, &mut b);
        assert_ne!(a, b);
    }
}
