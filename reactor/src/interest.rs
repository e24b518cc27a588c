//! `Interest`: what we ask the kernel to watch a descriptor for.
//!
//! In select(2) terms: which fd set the descriptor goes into (`readfds`, `writefds`); in
//! poll(2) terms: the `events` field (`POLLIN`, `POLLOUT`); in epoll terms: `EPOLLIN`,
//! `EPOLLOUT`. Readiness rule 3 lives here: ask for WRITABLE only while output is pending,
//! or select and poll report "writable" on every turn and the loop spins.

use std::fmt;
use std::ops::BitOr;

/// A set of readiness kinds: READABLE, WRITABLE, both, or none.
#[derive(Copy, Clone, PartialEq, Eq, Default)]
pub struct Interest {
    /// Wake up when a read (or accept) would not block.
    pub readable: bool,
    /// Wake up when a write would not block.
    pub writable: bool,
}

impl Interest {
    pub const NONE: Interest = Interest {
        readable: false,
        writable: false,
    };
    pub const READABLE: Interest = Interest {
        readable: true,
        writable: false,
    };
    pub const WRITABLE: Interest = Interest {
        readable: false,
        writable: true,
    };
    pub const BOTH: Interest = Interest {
        readable: true,
        writable: true,
    };

    pub fn is_empty(self) -> bool {
        !self.readable && !self.writable
    }
}

impl BitOr for Interest {
    type Output = Interest;
    fn bitor(self, other: Interest) -> Interest {
        Interest {
            readable: self.readable || other.readable,
            writable: self.writable || other.writable,
        }
    }
}

impl fmt::Debug for Interest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.readable, self.writable) {
            (true, true) => write!(f, "READABLE|WRITABLE"),
            (true, false) => write!(f, "READABLE"),
            (false, true) => write!(f, "WRITABLE"),
            (false, false) => write!(f, "NONE"),
        }
    }
}
