//! Terminal control characters in chat text: refused by the server, escaped by the client.
//!
//! A chat line is printed on other people's terminals. An `ESC [2J` in it clears their
//! screen, `ESC ]0;…BEL` retitles their window, a bare `\r` returns the cursor so the rest of
//! the line overwrites its start (`hello\r[admin] fake` shows as a forged line), U+009B is
//! the one-character form of `ESC [`, and U+202E (right-to-left override) reverses the text
//! that follows. So the text encoding refuses any line holding one of them with a `! …`
//! reply, like invalid UTF-8, and `chat-client` escapes whatever arrives anyway (an old
//! server, another implementation, the JSON encoding, which escapes only C0 controls).
//!
//! Refused: C0 controls except TAB (U+0000–U+001F), DEL (U+007F), C1 controls
//! (U+0080–U+009F), and the bidirectional embedding, override and isolate controls
//! (U+202A–U+202E, U+2066–U+2069): right-to-left *text* is welcome, only the invisible
//! characters that reorder what follows are not.

/// Is `c` a character a chat line may not carry to another member's terminal?
pub fn is_forbidden(c: char) -> bool {
    (c.is_control() && c != '\t') || is_bidi_control(c)
}

/// The invisible characters that change the display order of the text after them.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// The first forbidden character of `line`, as the error reply names it (`U+001B`).
pub fn first_forbidden(line: &str) -> Option<String> {
    line.chars()
        .find(|&c| is_forbidden(c))
        .map(|c| format!("U+{:04X}", u32::from(c)))
}

/// `line` with every forbidden character made visible: `^[` for ESC (caret notation for
/// C0 and DEL), `\u{9b}` for C1 and bidi controls. Printing the result cannot move the
/// cursor, change colours or reorder the text.
pub fn escape(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    for c in line.chars() {
        match u32::from(c) {
            _ if !is_forbidden(c) => out.push(c),
            code @ (0..=0x1F | 0x7F) => {
                out.push('^');
                out.push(char::from((code as u8) ^ 0x40)); // ESC (0x1B) -> '[', DEL -> '?'
            }
            code => out.push_str(&format!("\\u{{{code:x}}}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tabs_and_ordinary_text_pass_everything_else_is_named() {
        assert_eq!(first_forbidden("tab\there, café, שלום, 日本"), None);
        assert_eq!(first_forbidden("a\u{1b}[2J").as_deref(), Some("U+001B"));
        assert_eq!(first_forbidden("hello\r[admin] fake").as_deref(), Some("U+000D"));
        assert_eq!(first_forbidden("\u{9b}31m").as_deref(), Some("U+009B"));
        assert_eq!(first_forbidden("abc\u{202e}fed").as_deref(), Some("U+202E"));
        assert_eq!(first_forbidden("del\u{7f}").as_deref(), Some("U+007F"));
        assert_eq!(first_forbidden("bel\u{7}").as_deref(), Some("U+0007"));
    }

    #[test]
    fn escaping_leaves_nothing_a_terminal_would_obey() {
        assert_eq!(escape("\u{1b}[2Jhi\r\u{7}\u{8}\u{7f}"), "^[[2Jhi^M^G^H^?");
        assert_eq!(escape("\u{9b}1m \u{202e}x\u{2069}"), "\\u{9b}1m \\u{202e}x\\u{2069}");
        assert_eq!(escape("tab\tok, é"), "tab\tok, é");
        assert!(escape("\u{1b}]0;title\u{7}").chars().all(|c| !is_forbidden(c)));
    }
}
