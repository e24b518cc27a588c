//! What the caller asks `getaddrinfo(3)` for: the `hints` argument (`ai_family`,
//! `ai_socktype`, `ai_protocol`, `ai_flags`) and the family / socket-type values that come
//! back in each result, as small enums instead of bare `AF_*` / `SOCK_*` integers.
//!
//! No system call here; read [`Hints`] beside the lecture's `memset(&hints, 0, …)` then
//! `hints.ai_family = AF_UNSPEC; hints.ai_socktype = SOCK_STREAM;`.

use std::fmt;

use libc::c_int;

/// Address family asked for (`ai_family`) or found (`AddrInfo::family`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Family {
    /// `AF_UNSPEC`: both IPv4 and IPv6, in the order of `/etc/gai.conf` (RFC 6724).
    #[default]
    Unspec,
    /// `AF_INET`: IPv4 only.
    Inet,
    /// `AF_INET6`: IPv6 only.
    Inet6,
}

impl Family {
    /// The `AF_*` constant to put in `ai_family` or pass to `socket(2)`.
    pub fn as_raw(self) -> c_int {
        match self {
            Family::Unspec => libc::AF_UNSPEC,
            Family::Inet => libc::AF_INET,
            Family::Inet6 => libc::AF_INET6,
        }
    }

    /// The lecture's label: `IPV4` or `IPV6`.
    pub fn label(self) -> &'static str {
        match self {
            Family::Unspec => "UNSPEC",
            Family::Inet => "IPV4",
            Family::Inet6 => "IPV6",
        }
    }
}

/// Socket type asked for (`ai_socktype`) or found: what `socket(2)` will be given.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SockType {
    /// 0: any type; glibc then returns one result per type (STREAM, DGRAM, RAW).
    #[default]
    Any,
    /// `SOCK_STREAM`: TCP.
    Stream,
    /// `SOCK_DGRAM`: UDP.
    Dgram,
    /// `SOCK_RAW`: raw IP, root only.
    Raw,
    /// Anything else libc may return; kept rather than dropped.
    Other(c_int),
}

impl SockType {
    /// The `SOCK_*` constant.
    pub fn as_raw(self) -> c_int {
        match self {
            SockType::Any => 0,
            SockType::Stream => libc::SOCK_STREAM,
            SockType::Dgram => libc::SOCK_DGRAM,
            SockType::Raw => libc::SOCK_RAW,
            SockType::Other(raw) => raw,
        }
    }

    /// Map a `SOCK_*` constant back to the enum.
    pub fn from_raw(raw: c_int) -> SockType {
        match raw {
            0 => SockType::Any,
            libc::SOCK_STREAM => SockType::Stream,
            libc::SOCK_DGRAM => SockType::Dgram,
            libc::SOCK_RAW => SockType::Raw,
            other => SockType::Other(other),
        }
    }
}

impl fmt::Display for SockType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SockType::Any => f.write_str("ANY"),
            SockType::Stream => f.write_str("STREAM"),
            SockType::Dgram => f.write_str("DGRAM"),
            SockType::Raw => f.write_str("RAW"),
            SockType::Other(raw) => write!(f, "SOCKTYPE({raw})"),
        }
    }
}

/// The `hints` argument: what kind of answers the caller wants. `Default` is the lecture's
/// `memset(&hints, 0, sizeof(hints))`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Hints {
    /// `ai_family`: restrict to IPv4 or IPv6.
    pub family: Family,
    /// `ai_socktype`: without it every address comes back once per socket type.
    pub socktype: SockType,
    /// `ai_protocol`: 0 lets the socket type choose (TCP for STREAM, UDP for DGRAM).
    pub protocol: c_int,
    /// `ai_flags`: `libc::AI_CANONNAME`, `AI_PASSIVE`, `AI_NUMERICHOST`, … ORed together.
    pub flags: c_int,
}

impl Hints {
    pub fn family(mut self, family: Family) -> Hints {
        self.family = family;
        self
    }

    pub fn socktype(mut self, socktype: SockType) -> Hints {
        self.socktype = socktype;
        self
    }

    /// `AI_CANONNAME`: also return the canonical name (after CNAMEs / `/etc/hosts` aliases).
    pub fn canonical(mut self, on: bool) -> Hints {
        self.flags = set_flag(self.flags, libc::AI_CANONNAME, on);
        self
    }

    /// `AI_PASSIVE`: with no host, return the wildcard address, for `bind(2)` in a server.
    pub fn passive(mut self, on: bool) -> Hints {
        self.flags = set_flag(self.flags, libc::AI_PASSIVE, on);
        self
    }
}

fn set_flag(flags: c_int, flag: c_int, on: bool) -> c_int {
    if on {
        flags | flag
    } else {
        flags & !flag
    }
}
