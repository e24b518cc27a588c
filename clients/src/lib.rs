//! The course's network-basics clients, as a library the thin binaries in `src/bin` call.
//!
//! # Reading order
//!
//! 1. [`gai`] — `getaddrinfo(3)` wrapped once, safely (`freeaddrinfo` always runs); the API
//!    that `resolve` and `tcp-client` use. [`hostent`] is the legacy `gethostbyname(3)`.
//! 2. [`ipcalc`] — addresses, netmasks and prefixes as plain integer arithmetic.
//! 3. [`iface`] and [`route`] — what `ip address` (`getifaddrs(3)`) and `ip route`
//!    (`/proc/net/route`) show.
//! 4. [`dns`] — what `getaddrinfo` does underneath: a DNS query built by hand, sent over
//!    UDP/53 (TCP when truncated), its answer parsed with name compression.
//!
//! 5. [`connect`], [`stdin`], [`relay`] — `tcp-client`: connect by trying each address,
//!    then relay stdin and the socket on one thread with the reactor.
//!
//! Everything that is pure logic (ipcalc math, DNS encoding and decoding, route parsing) has
//! unit tests with no socket; the binaries only parse flags, call in here and print.

pub mod connect;
pub mod dns;
pub mod gai;
pub mod hostent;
pub mod iface;
pub mod ipcalc;
pub mod relay;
pub mod route;
pub mod stdin;
