//! `Token`: the number the kernel hands back to tell us *which* descriptor is ready.
//!
//! epoll stores a 64-bit cookie next to every registered fd (`epoll_event.data`) and returns
//! it with each event; poll and select give back the fd itself, so their backends keep an
//! fd -> token map. For a connection the token is its key in the reactor's `Slab`, so the
//! event leads straight to the connection record with one array index: no search, no hash.
//!
//! A few tokens at the very top of the range are reserved for the reactor's own descriptors
//! (the signal pipe, the listeners); the slab never grows that far.

use std::fmt;

/// Identifies one registered descriptor. For connections, the slab key.
#[derive(Copy, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Token(pub usize);

/// How many listeners one reactor may own (each needs a reserved token).
pub const MAX_LISTENERS: usize = 16;

impl Token {
    /// The read end of the self-pipe that carries SIGINT/SIGTERM into the loop.
    pub const SIGNAL: Token = Token(usize::MAX);

    /// The token of listener number `index` (0-based).
    pub const fn listener(index: usize) -> Token {
        Token(usize::MAX - 1 - index)
    }

    /// `Some(index)` when this token names a listener.
    pub fn listener_index(self) -> Option<usize> {
        let index = usize::MAX.checked_sub(1)?.checked_sub(self.0)?;
        (index < MAX_LISTENERS).then_some(index)
    }

    /// True for tokens that name a connection (a slab key).
    pub fn is_connection(self) -> bool {
        self.0 < usize::MAX - 1 - MAX_LISTENERS
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if *self == Token::SIGNAL {
            write!(f, "Token(signal)")
        } else if let Some(i) = self.listener_index() {
            write!(f, "Token(listener {i})")
        } else {
            write!(f, "Token({})", self.0)
        }
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_tokens_do_not_collide_with_connections() {
        assert!(Token(0).is_connection());
        assert!(Token(1_000_000).is_connection());
        assert!(!Token::SIGNAL.is_connection());
        assert_eq!(Token::listener(0).listener_index(), Some(0));
        assert_eq!(Token::listener(3).listener_index(), Some(3));
        assert!(!Token::listener(3).is_connection());
        assert_eq!(Token::SIGNAL.listener_index(), None);
        assert_eq!(Token(5).listener_index(), None);
    }
}
