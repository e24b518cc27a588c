//! The course's network-basics clients, as a library the thin binaries in `src/bin` call.
//!
//! # Reading order
//!
//! 1. [`gai`] — `getaddrinfo(3)` wrapped once, safely (`freeaddrinfo` always runs); the API
//!    that `resolve` and `tcp-client` use. [`hostent`] is the legacy `gethostbyname(3)`.
//! 2. [`ipcalc`] — addresses, netmasks and prefixes as plain integer arithmetic.
//! 3. [`netlink`] — rtnetlink, the socket `ip` talks to the kernel over (`AF_NETLINK`, a
//!    dump request, a receive loop until `NLMSG_DONE`); [`rtnl_link`] + [`rtnl_print`] turn
//!    its answers into `ip address`, [`rtnl_route`] into `ip route`, with the words of
//!    [`rtnl_names`]. The simpler views:
//!    [`iface`] (`getifaddrs(3)`) and [`route`] (`/proc/net/route`), and what they cannot show.
//! 4. [`dns`] — what `getaddrinfo` does underneath: a DNS query built by hand, sent over
//!    UDP/53 (TCP when truncated), its answer parsed with name compression.
//!
//! 5. [`connect`], [`stdin`], [`relay`] — `tcp-client`: connect by trying each address,
//!    then relay stdin and the socket on one thread with the reactor.
//!
//! 6. [`fd_limit`] (`RLIMIT_NOFILE`) and [`proc_cpu`] (another process group's CPU time, from
//!    `/proc`): what the load tools `loadgen` and `idle-conns` need to open many sockets and
//!    to charge the server for its work.
//!
//! Everything that is pure logic (ipcalc math, DNS encoding and decoding, route parsing) has
//! unit tests with no socket; the binaries only parse flags, call in here and print.

pub mod connect;
pub mod dns;
pub mod fd_limit;
pub mod gai;
pub mod hostent;
pub mod iface;
pub mod ipcalc;
pub mod netlink;
pub mod proc_cpu;
pub mod relay;
pub mod route;
pub mod rtnl_link;
pub mod rtnl_metrics;
pub mod rtnl_names;
pub mod rtnl_netns;
pub mod rtnl_nexthop;
pub mod rtnl_print;
pub mod rtnl_route;
pub mod stdin;
