//! The echo protocol (RFC 862): every byte received is sent back, unchanged, in order.
//!
//! The smallest protocol there is, written in the same shape as the bigger ones: it consumes
//! input and appends output, and says how much input it consumed. Echo has no frames, so it
//! consumes everything; a line protocol would stop at the last `\n` and leave the rest.

/// The echo protocol's state: none.
#[derive(Debug, Default)]
pub struct Echo;

impl Echo {
    /// Consume `input`, append the reply to `out`; returns the bytes consumed.
    pub fn on_bytes(&mut self, input: &[u8], out: &mut Vec<u8>) -> usize {
        out.extend_from_slice(input);
        input.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echoes_everything_in_order() {
        let mut echo = Echo;
        let mut out = Vec::new();
        assert_eq!(echo.on_bytes(b"hello ", &mut out), 6);
        assert_eq!(echo.on_bytes(b"", &mut out), 0);
        assert_eq!(echo.on_bytes(&[0, 255, b'\n'], &mut out), 3);
        assert_eq!(out, b"hello \x00\xff\n");
    }
}
