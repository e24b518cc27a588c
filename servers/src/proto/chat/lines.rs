//! Line framing for the chat: bytes in, whole lines out — without any I/O.
//!
//! TCP delivers a byte stream, not messages: one `read(2)` may return half a line, or three
//! lines and the start of a fourth. Every chat driver (reactor, thread, fork) and the
//! `chat-client` feed what they read into a [`LineFramer`] and get back [`Frame`]s:
//!
//! - a line ends at `\n`; a `\r` just before it is dropped (telnet and Windows send `\r\n`);
//! - a line holds at most [`MAX_LINE`] bytes. A longer one is reported *once*, as soon as it
//!   is detected, and the rest of it is thrown away up to its `\n`: memory stays bounded
//!   however long the line, and the connection stays usable;
//! - a line that is not valid UTF-8 is reported as such instead of being passed on.
//!
//! Read [`LineFramer::next`] first; [`LineFramer::feed`] is the loop every driver runs.

/// The longest line accepted, in bytes, without its line ending.
pub const MAX_LINE: usize = 4096;

/// What a run of input bytes turned out to be.
#[derive(Debug, PartialEq, Eq)]
pub enum Frame<'a> {
    /// A complete line, without its `\n` or `\r\n`.
    Line(&'a str),
    /// A line longer than [`MAX_LINE`]: reported once, then discarded up to its `\n`.
    TooLong,
    /// A complete line that is not valid UTF-8 (discarded).
    BadUtf8,
}

/// Splits a byte stream into lines; remembers only whether it is inside an over-long line.
#[derive(Debug, Default)]
pub struct LineFramer {
    /// Inside a line already reported as too long: drop bytes until the next `\n`.
    discarding: bool,
}

impl LineFramer {
    pub fn new() -> LineFramer {
        LineFramer::default()
    }

    /// Look at the start of `input`: returns how many bytes were used up and the frame they
    /// completed, if any. `(0, None)` means "an incomplete line: keep it, read more".
    pub fn next<'a>(&mut self, input: &'a [u8]) -> (usize, Option<Frame<'a>>) {
        let newline = input.iter().position(|&b| b == b'\n');
        if self.discarding {
            return match newline {
                Some(i) => {
                    self.discarding = false;
                    (i + 1, None)
                }
                None => (input.len(), None),
            };
        }
        match newline {
            Some(i) => (i + 1, Some(complete_line(&input[..i]))),
            // `MAX_LINE + 1` leaves room for the `\r` of a full-length `\r\n` line.
            None if input.len() > MAX_LINE + 1 => {
                self.discarding = true;
                (input.len(), Some(Frame::TooLong))
            }
            None => (0, None),
        }
    }

    /// Run [`next`](Self::next) over `input`, calling `on_frame` for each frame; returns the
    /// bytes consumed (the caller keeps the rest, an incomplete line, for the next read).
    pub fn feed(&mut self, input: &[u8], mut on_frame: impl FnMut(Frame<'_>)) -> usize {
        let mut consumed = 0;
        loop {
            let (used, frame) = self.next(&input[consumed..]);
            consumed += used;
            if let Some(frame) = frame {
                on_frame(frame);
            }
            if used == 0 || consumed == input.len() {
                return consumed;
            }
        }
    }
}

/// A line without its `\n`: strip a `\r`, check the length and the encoding.
fn complete_line(line: &[u8]) -> Frame<'_> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if line.len() > MAX_LINE {
        return Frame::TooLong;
    }
    match std::str::from_utf8(line) {
        Ok(text) => Frame::Line(text),
        Err(_) => Frame::BadUtf8,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feed `chunks` one after the other as a driver would, keeping unconsumed bytes.
    fn frames(chunks: &[&[u8]]) -> Vec<String> {
        let mut framer = LineFramer::new();
        let mut pending = Vec::new();
        let mut out = Vec::new();
        for chunk in chunks {
            pending.extend_from_slice(chunk);
            let used = framer.feed(&pending, |f| out.push(format!("{f:?}")));
            pending.drain(..used);
        }
        out
    }

    #[test]
    fn splits_lines_and_strips_crlf() {
        assert_eq!(
            frames(&[b"one\ntwo\r\nthr", b"ee\n"]),
            ["Line(\"one\")", "Line(\"two\")", "Line(\"three\")"]
        );
    }

    #[test]
    fn one_byte_at_a_time() {
        let input = b"hi there\r\n";
        let chunks: Vec<&[u8]> = input.chunks(1).collect();
        assert_eq!(frames(&chunks), ["Line(\"hi there\")"]);
    }

    #[test]
    fn an_incomplete_line_is_kept() {
        let mut framer = LineFramer::new();
        assert_eq!(framer.next(b"no newline yet"), (0, None));
        assert_eq!(framer.feed(b"a\nb", |_| {}), 2);
    }

    #[test]
    fn a_line_of_exactly_max_is_accepted_one_more_is_not() {
        let exact = [vec![b'x'; MAX_LINE], b"\r\n".to_vec()].concat();
        let over = [vec![b'x'; MAX_LINE + 1], b"\n".to_vec()].concat();
        assert_eq!(frames(&[&exact]).len(), 1);
        assert!(frames(&[&exact])[0].starts_with("Line("));
        assert_eq!(frames(&[&over]), ["TooLong"]);
    }

    #[test]
    fn an_overlong_line_is_reported_once_and_discarded_to_its_newline() {
        let big = vec![b'y'; 3 * MAX_LINE];
        let got = frames(&[&big, &big, b"yyy\nafter\n"]);
        assert_eq!(got, ["TooLong", "Line(\"after\")"]);
    }

    #[test]
    fn the_framer_never_keeps_more_than_a_line() {
        let mut framer = LineFramer::new();
        let big = vec![b'z'; 10 * MAX_LINE];
        assert_eq!(
            framer.feed(&big, |_| {}),
            big.len(),
            "everything past the limit is consumed"
        );
    }

    #[test]
    fn invalid_utf8_is_reported_and_the_next_line_is_fine() {
        assert_eq!(
            frames(&[b"caf\xe9\n\xff\xfe\nok\n"]),
            ["BadUtf8", "BadUtf8", "Line(\"ok\")"]
        );
        assert_eq!(frames(&["café\n".as_bytes()]), ["Line(\"café\")"]);
    }
}
