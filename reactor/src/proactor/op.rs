//! What each submitted operation is, written into its `user_data`.
//!
//! A submission queue entry carries one 64-bit cookie, `user_data`, that the kernel copies
//! unchanged into the operation's completion. It plays the role of the reactor's `Token`:
//! the only way to know, when a completion arrives, which operation of which connection it
//! finishes. Here the high byte says the kind and the low bits the connection's slab key.
//!
//! The proactor keeps *at most one* operation in flight per connection (a receive or a
//! send), so a connection's key is enough to find it, and a completion can never arrive for
//! a slot that was freed: a slot is freed only once its operation has completed.

/// An operation in flight, decoded from (and encoded into) `user_data`.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Op {
    /// `IORING_OP_ACCEPT` on the listening socket.
    Accept,
    /// `IORING_OP_TIMEOUT`: the pause after `EMFILE` before accepting again (rule 8).
    AcceptBackoff,
    /// `IORING_OP_POLL_ADD` on the signal self-pipe: SIGINT or SIGTERM arrived.
    Signal,
    /// `IORING_OP_RECV` or `IORING_OP_SEND` of the connection with this slab key.
    Conn(usize),
    /// `IORING_OP_ASYNC_CANCEL` or `IORING_OP_LINK_TIMEOUT`: their own completions only say
    /// whether they found their target, which the target's completion tells anyway.
    Helper,
}

const KIND_SHIFT: u32 = 56;
const KEY_MASK: u64 = (1 << KIND_SHIFT) - 1;

impl Op {
    pub fn encode(self) -> u64 {
        let (kind, key) = match self {
            Op::Accept => (1, 0),
            Op::AcceptBackoff => (2, 0),
            Op::Signal => (3, 0),
            Op::Conn(key) => (4, key as u64 & KEY_MASK),
            Op::Helper => (5, 0),
        };
        (kind << KIND_SHIFT) | key
    }

    pub fn decode(user_data: u64) -> Option<Op> {
        let key = (user_data & KEY_MASK) as usize;
        match user_data >> KIND_SHIFT {
            1 => Some(Op::Accept),
            2 => Some(Op::AcceptBackoff),
            3 => Some(Op::Signal),
            4 => Some(Op::Conn(key)),
            5 => Some(Op::Helper),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Op;

    #[test]
    fn every_op_survives_the_round_trip_through_user_data() {
        for op in [
            Op::Accept,
            Op::AcceptBackoff,
            Op::Signal,
            Op::Conn(0),
            Op::Conn(123_456),
            Op::Helper,
        ] {
            assert_eq!(Op::decode(op.encode()), Some(op));
        }
        assert_eq!(Op::decode(0), None);
    }
}
