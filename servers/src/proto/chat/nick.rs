//! Nicknames: which are valid, and when two are "the same".
//!
//! A nick is 1 to 16 characters of `[A-Za-z0-9_-]`. Uniqueness ignores case (`Alice` and
//! `alice` cannot both be in the room) but a nick is shown as its owner typed it. Keeping to
//! ASCII makes "ignores case" unambiguous and keeps look-alike Unicode names out.

/// The longest nick, in characters (= bytes: nicks are ASCII).
pub const MAX_NICK: usize = 16;

/// Check `nick` against the rules; `Err` says which one it breaks.
pub fn validate(nick: &str) -> Result<(), String> {
    if nick.is_empty() || nick.len() > MAX_NICK {
        return Err(format!("invalid nick {nick:?}: 1 to {MAX_NICK} characters"));
    }
    if let Some(bad) = nick.chars().find(|&c| !is_nick_char(c)) {
        return Err(format!(
            "invalid nick {nick:?}: {bad:?} not allowed (letters, digits, _ and - only)"
        ));
    }
    Ok(())
}

fn is_nick_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// The key two nicks are compared by: same key, same nick.
pub fn key(nick: &str) -> String {
    nick.to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_and_invalid_nicks() {
        for ok in ["a", "Bob_2", "x-y", "abcdefghijklmnop"] {
            assert_eq!(validate(ok), Ok(()), "{ok}");
        }
        for bad in ["", "abcdefghijklmnopq", "has space", "é", "a.b", "\u{1b}[2J"] {
            assert!(validate(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn keys_ignore_case() {
        assert_eq!(key("Alice"), key("aLICE"));
        assert_ne!(key("alice"), key("alice_"));
    }
}
