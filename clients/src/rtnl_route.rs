//! The routing tables as the kernel describes them over rtnetlink: one `RTM_NEWROUTE` per
//! route (a dump of [`crate::netlink::dump`]), printed as `ip route` prints it.
//!
//! A route is more than "destination, gateway, device": its *type* (`unicast`, `blackhole`
//! drops silently, `unreachable` and `prohibit` answer with an ICMP error, `local`,
//! `broadcast`, …), the *table* it lives in (254 `main`, 255 `local`, or any number given to
//! `ip route add … table N`), who installed it (*proto*: `kernel` for the route that comes
//! with an address, `static` for an administrator's, `boot`, `dhcp`, `ra`), its *scope*
//! (`link`: the destination is on the wire; `host`: on this machine), the preferred *source*
//! address (`src`), the *metric*, and flags such as `linkdown`. `/proc/net/route` shows
//! none of the types but "reject", no proto, no src and only the main table. Read
//! [`Route::render`] beside `ip route`. Beyond the gateway: multipath next hops, nexthop
//! objects, a gateway of the other family and realms are in [`crate::rtnl_nexthop`]; the
//! TCP metrics a route carries (`mtu lock`, `advmss`, `initcwnd`, …) in
//! [`crate::rtnl_metrics`]. An IPv6 route that ends (`expires 299sec`: a router
//! advertisement's, or an address's with a finite lifetime) says so in its cache info.

use std::fmt::Write;
use std::io;
use std::net::IpAddr;

use netlink_packet_route::route::{RouteAddress, RouteAttribute, RouteMessage, RoutePreference, RouteRealm};
use netlink_packet_route::{AddressFamily, RouteNetlinkMessage};

use crate::netlink;
use crate::rtnl_metrics::{render_metrics, Metrics};
use crate::rtnl_names::{protocol_name, scope_name, table_name, type_name};
use crate::rtnl_nexthop::{render_realm, render_via, via_address, NextHop};

/// `RT_TABLE_MAIN`: the table `ip route` shows unless told otherwise.
pub const TABLE_MAIN: u32 = 254;
const RTN_UNICAST: u8 = 1;
const RTPROT_BOOT: u8 = 3;
/// `RTM_F_CLONED`: a cache entry, not a configured route (`ip route` hides them).
const RTM_F_CLONED: u32 = 0x200;

/// One route, with the kernel's numbers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Route {
    /// `rtm_family`: 4 or 6 (kept as the IP version).
    pub ipv6: bool,
    /// `rtm_type`: `RTN_*` (1 unicast, 6 blackhole, 7 unreachable, 8 prohibit, …).
    pub kind: u8,
    /// `RTA_DST` and `rtm_dst_len`; no `RTA_DST` means the default route.
    pub dst: Option<IpAddr>,
    pub dst_len: u8,
    /// `RTA_TABLE` (or the 8-bit `rtm_table`).
    pub table: u32,
    /// `rtm_protocol`: `RTPROT_*` (2 kernel, 3 boot, 4 static, …).
    pub protocol: u8,
    /// `rtm_scope`: `RT_SCOPE_*`.
    pub scope: u8,
    /// `rtm_flags`: `RTNH_F_*` and `RTM_F_*` bits (linkdown, onlink, cloned, …).
    pub flags: u32,
    /// `RTA_GATEWAY`: the next router.
    pub gateway: Option<IpAddr>,
    /// `RTA_OIF`: the output interface index; [`Route::dev`] is its name.
    pub oif: Option<u32>,
    pub dev: Option<String>,
    /// `RTA_PREFSRC`: the source address for packets this host originates on this route.
    pub prefsrc: Option<IpAddr>,
    /// `RTA_PRIORITY`: the metric; lower wins.
    pub metric: Option<u32>,
    /// `RTA_PREF` (IPv6 router preference): 0 medium, 1 high, 3 low.
    pub pref: Option<&'static str>,
    /// `rtm_tos`: the route only matches packets with this TOS byte.
    pub tos: u8,
    /// `RTA_NH_ID`: the nexthop object the route uses (`ip nexthop`).
    pub nhid: Option<u32>,
    /// `RTA_VIA`: a gateway of the other family (`via inet6 fe80::1` on an IPv4 route).
    pub via: Option<IpAddr>,
    /// `RTA_FLOW`: the realms.
    pub realm: Option<RouteRealm>,
    /// `RTA_MARK`.
    pub mark: Option<u32>,
    /// `RTA_CACHEINFO`'s `rta_expires`, in clock ticks (`USER_HZ`); 0 for never.
    pub expires: u32,
    /// `RTA_METRICS`.
    pub metrics: Metrics,
    /// `RTA_MULTIPATH`: the next hops of a multipath route (or of a nexthop group).
    pub nexthops: Vec<NextHop>,
}

/// Which address family to dump: `AF_INET`, `AF_INET6`, or `AF_UNSPEC` for both.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    Ipv4,
    Ipv6,
    Both,
}

/// Dump the routes of `family` (`RTM_GETROUTE`), all tables; `names` maps an interface
/// index to its name for `dev`.
///
/// With `table`, the kernel is asked for that table only (`RTA_TABLE` in a strictly checked
/// dump, as `ip route show table N` does): a table that does not exist is then an error
/// whose message comes from the kernel ("ipv4: FIB table does not exist").
pub fn routes(family: Family, table: Option<u32>, names: &dyn Fn(u32) -> Option<String>) -> io::Result<Vec<Route>> {
    let mut request = RouteMessage::default();
    request.header.address_family = match family {
        Family::Ipv4 => AddressFamily::Inet,
        Family::Ipv6 => AddressFamily::Inet6,
        Family::Both => AddressFamily::Unspec,
    };
    if let Some(table) = table {
        request.attributes.push(RouteAttribute::Table(table));
    }
    let replies = netlink::dump_checked(RouteNetlinkMessage::GetRoute(request), table.is_some())?;
    let mut list = Vec::new();
    for reply in replies {
        if let RouteNetlinkMessage::NewRoute(message) = reply {
            let mut route = decode_route(&message);
            route.dev = route.oif.and_then(names);
            for hop in &mut route.nexthops {
                hop.dev = names(hop.oif);
            }
            list.push(route);
        }
    }
    Ok(list)
}

/// Copy the header and the attributes `ip route` prints into a [`Route`].
pub fn decode_route(message: &RouteMessage) -> Route {
    let h = &message.header;
    let mut route = Route {
        ipv6: h.address_family == AddressFamily::Inet6,
        kind: h.kind.into(),
        dst_len: h.destination_prefix_length,
        table: u32::from(h.table),
        protocol: h.protocol.into(),
        scope: h.scope.into(),
        flags: h.flags.bits(),
        tos: h.tos,
        ..Route::default()
    };
    for attribute in &message.attributes {
        match attribute {
            RouteAttribute::Destination(a) => route.dst = ip_of(a),
            RouteAttribute::Gateway(a) => route.gateway = ip_of(a),
            RouteAttribute::PrefSource(a) => route.prefsrc = ip_of(a),
            RouteAttribute::Oif(index) => route.oif = Some(*index),
            RouteAttribute::Priority(metric) => route.metric = Some(*metric),
            RouteAttribute::Table(table) => route.table = *table,
            RouteAttribute::Preference(p) => route.pref = Some(preference_name(p)),
            RouteAttribute::NhId(id) => route.nhid = Some(*id),
            RouteAttribute::Via(v) => route.via = via_address(v),
            RouteAttribute::Realm(r) => route.realm = Some(*r),
            RouteAttribute::Mark(m) => route.mark = Some(*m),
            RouteAttribute::CacheInfo(c) => route.expires = c.expires,
            RouteAttribute::Metrics(m) => route.metrics = Metrics::from_netlink(m),
            RouteAttribute::MultiPath(hops) => route.nexthops = hops.iter().map(NextHop::from_netlink).collect(),
            _ => {}
        }
    }
    route
}

pub fn ip_of(address: &RouteAddress) -> Option<IpAddr> {
    match address {
        RouteAddress::Inet(v4) => Some(IpAddr::V4(*v4)),
        RouteAddress::Inet6(v6) => Some(IpAddr::V6(*v6)),
        _ => None,
    }
}

fn preference_name(p: &RoutePreference) -> &'static str {
    match p {
        RoutePreference::Low => "low",
        RoutePreference::Medium => "medium",
        RoutePreference::High => "high",
        _ => "invalid",
    }
}

/// `sysconf(_SC_CLK_TCK)`: the unit of `rta_expires` (`USER_HZ`, 100 on Linux).
fn clock_ticks_per_second() -> u32 {
    // SAFETY: sysconf reads a constant of the C library.
    let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    u32::try_from(ticks).ok().filter(|t| *t > 0).unwrap_or(100)
}

/// Which routes to show: `ip route` shows the main table and hides cached clones.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableFilter {
    /// One table; its number is not printed (`ip route show table 100`).
    Only(u32),
    /// `table all`: every table, and `table NAME` printed for those other than main.
    All,
}

impl TableFilter {
    pub fn keeps(self, route: &Route) -> bool {
        let table_ok = match self {
            TableFilter::Only(t) => route.table == t,
            TableFilter::All => true,
        };
        table_ok && route.flags & RTM_F_CLONED == 0
    }
}

/// `RTNH_F_*` next-hop flags as `ip` prints them.
pub fn route_flags(flags: u32) -> Vec<&'static str> {
    const NAMES: [(u32, &str); 6] = [
        (0x1, "dead"),
        (0x4, "onlink"),
        (0x2, "pervasive"),
        (0x8, "offload"),
        (0x40, "trap"),
        (0x10, "linkdown"),
    ];
    let mut words: Vec<&str> = NAMES
        .iter()
        .filter(|(bit, _)| flags & bit != 0)
        .map(|(_, n)| *n)
        .collect();
    if flags & 0x20 != 0 {
        words.push("unresolved");
    }
    words
}

impl Route {
    /// The `ip route` line: `[TYPE] DST [nhid N] [tos T] [via GW] [dev IF] [table T]
    /// [proto P] [scope S] [src A] [metric N] [FLAGS] [mark M] [realm R] [expires S]
    /// [METRICS] [pref P]`, then one `\tnexthop …` line per hop of a multipath route; words
    /// with their default value are left out.
    pub fn render(&self, filter: TableFilter) -> String {
        let mut line = String::new();
        if self.kind != RTN_UNICAST {
            let _ = write!(line, "{} ", type_name(self.kind));
        }
        line.push_str(&self.destination());
        if let Some(id) = self.nhid {
            let _ = write!(line, " nhid {id}");
        }
        if self.tos != 0 {
            let _ = write!(line, " tos {:#04x}", self.tos);
        }
        if let Some(gw) = self.gateway {
            let _ = write!(line, " via {gw}");
        }
        if let Some(via) = self.via {
            line.push_str(&render_via(via));
        }
        if let Some(dev) = &self.dev {
            let _ = write!(line, " dev {dev}");
        }
        if filter == TableFilter::All && self.table != TABLE_MAIN {
            let _ = write!(line, " table {}", table_name(self.table));
        }
        if self.protocol != RTPROT_BOOT {
            let _ = write!(line, " proto {}", protocol_name(self.protocol));
        }
        if self.scope != 0 {
            let _ = write!(line, " scope {}", scope_name(self.scope));
        }
        if let Some(src) = self.prefsrc {
            let _ = write!(line, " src {src}");
        }
        if let Some(metric) = self.metric {
            let _ = write!(line, " metric {metric}");
        }
        for flag in route_flags(self.flags) {
            let _ = write!(line, " {flag}");
        }
        if let Some(mark) = self.mark {
            let _ = write!(line, " mark {mark:#x}");
        }
        if let Some(realm) = &self.realm {
            line.push_str(&render_realm(realm));
        }
        if self.expires != 0 {
            let _ = write!(line, " expires {}sec", self.expires / clock_ticks_per_second());
        }
        line.push_str(&render_metrics(&self.metrics));
        if let Some(pref) = self.pref {
            let _ = write!(line, " pref {pref}");
        }
        for hop in &self.nexthops {
            line.push_str(&hop.render());
        }
        line
    }

    /// `default`, `ADDR` for a host route, else `NET/LEN`.
    pub fn destination(&self) -> String {
        let host_len = if self.ipv6 { 128 } else { 32 };
        match self.dst {
            None if self.dst_len == 0 => "default".into(),
            None => format!("0/{}", self.dst_len),
            Some(dst) if self.dst_len == host_len => dst.to_string(),
            Some(dst) => format!("{dst}/{}", self.dst_len),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_like_ip() {
        let blackhole = Route {
            kind: 6,
            dst: "203.0.113.0".parse().ok(),
            dst_len: 24,
            table: TABLE_MAIN,
            protocol: RTPROT_BOOT,
            ..Route::default()
        };
        assert_eq!(
            blackhole.render(TableFilter::Only(TABLE_MAIN)),
            "blackhole 203.0.113.0/24"
        );
        let connected = Route {
            kind: RTN_UNICAST,
            dst: "192.0.2.0".parse().ok(),
            dst_len: 24,
            table: 100,
            protocol: 2,
            scope: 253,
            dev: Some("va".into()),
            prefsrc: "192.0.2.1".parse().ok(),
            flags: 0x10,
            ..Route::default()
        };
        assert_eq!(
            connected.render(TableFilter::All),
            "192.0.2.0/24 dev va table 100 proto kernel scope link src 192.0.2.1 linkdown"
        );
        let default6 = Route {
            ipv6: true,
            kind: RTN_UNICAST,
            gateway: "fe80::1".parse().ok(),
            dev: Some("eth0".into()),
            protocol: 9,
            metric: Some(1024),
            pref: Some("medium"),
            table: TABLE_MAIN,
            ..Route::default()
        };
        assert_eq!(
            default6.render(TableFilter::Only(TABLE_MAIN)),
            "default via fe80::1 dev eth0 proto ra metric 1024 pref medium"
        );
        assert!(!TableFilter::Only(TABLE_MAIN).keeps(&connected));
        assert!(TableFilter::All.keeps(&connected));
    }
}
