//! Where a route sends packets when it has more than a plain gateway.
//!
//! * **Multipath** (`RTA_MULTIPATH`): `ip route add 10.0.0.0/8 nexthop via A weight 1
//!   nexthop via B weight 3` spreads flows over several next hops, each a `struct rtnexthop`
//!   (interface, flags, `rtnh_hops` = weight - 1) followed by its own attributes (gateway,
//!   realm). `ip` prints one `nexthop …` line per hop, indented by a tab.
//! * **Nexthop objects** (`RTA_NH_ID`): `ip nexthop add id 7 via A dev eth0`, then
//!   `ip route add … nhid 7`: many routes share one next hop (or group), changed in one place.
//!   The kernel still reports the resolved gateway and device (or the group's hops).
//! * **A gateway of another family** (`RTA_VIA`): an IPv4 route through an IPv6 router
//!   (RFC 5549, `via inet6 fe80::1`): `RTA_GATEWAY` can only hold an address of the
//!   route's own family, so the kernel uses a `struct rtvia` with its family.
//! * **Realms** (`RTA_FLOW`): two 16-bit tags (source/destination) that accounting and
//!   filters (`tc`'s route classifier) can match: `realm 5` or `realms 3/4`.

use std::fmt::Write;
use std::net::IpAddr;

use netlink_packet_route::route::{RouteAttribute, RouteNextHop, RouteRealm, RouteVia};

use crate::rtnl_route::{ip_of, route_flags};

/// One hop of a multipath route.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NextHop {
    pub gateway: Option<IpAddr>,
    /// `RTA_VIA`: a gateway of the other family.
    pub via: Option<IpAddr>,
    pub realm: Option<RouteRealm>,
    /// `rtnh_ifindex`, and its name.
    pub oif: u32,
    pub dev: Option<String>,
    /// `rtnh_hops + 1`.
    pub weight: u32,
    /// `rtnh_flags`: `RTNH_F_*` (dead, onlink, linkdown, …).
    pub flags: u32,
}

impl NextHop {
    pub fn from_netlink(hop: &RouteNextHop) -> NextHop {
        let mut next = NextHop {
            oif: hop.interface_index,
            weight: u32::from(hop.hops) + 1,
            flags: u32::from(hop.flags.bits()),
            ..NextHop::default()
        };
        for attribute in &hop.attributes {
            match attribute {
                RouteAttribute::Gateway(a) => next.gateway = ip_of(a),
                RouteAttribute::Via(v) => next.via = via_address(v),
                RouteAttribute::Realm(r) => next.realm = Some(*r),
                _ => {}
            }
        }
        next
    }

    /// `\tnexthop via A [realm R] dev D weight W [flags]`, on its own line.
    pub fn render(&self) -> String {
        let mut line = String::from("\n\tnexthop");
        if let Some(gw) = self.gateway {
            let _ = write!(line, " via {gw}");
        }
        if let Some(via) = self.via {
            line.push_str(&render_via(via));
        }
        if let Some(realm) = &self.realm {
            line.push_str(&render_realm(realm));
        }
        match &self.dev {
            Some(dev) => {
                let _ = write!(line, " dev {dev}");
            }
            None => {
                let _ = write!(line, " dev if{}", self.oif);
            }
        }
        let _ = write!(line, " weight {}", self.weight);
        for flag in route_flags(self.flags) {
            let _ = write!(line, " {flag}");
        }
        line
    }
}

/// The address of an `RTA_VIA` (IPv4 or IPv6; MPLS and others are not shown).
pub fn via_address(via: &RouteVia) -> Option<IpAddr> {
    match via {
        RouteVia::Inet(v4) => Some(IpAddr::V4(*v4)),
        RouteVia::Inet6(v6) => Some(IpAddr::V6(*v6)),
        _ => None,
    }
}

/// ` via inet6 fe80::1`: the family is named, since it is not the route's.
pub fn render_via(address: IpAddr) -> String {
    match address {
        IpAddr::V4(a) => format!(" via inet {a}"),
        IpAddr::V6(a) => format!(" via inet6 {a}"),
    }
}

/// ` realm 5`, or ` realms 3/4` when a source realm is set too.
pub fn render_realm(realm: &RouteRealm) -> String {
    if realm.source != 0 {
        format!(" realms {}/{}", realm_name(realm.source), realm_name(realm.destination))
    } else {
        format!(" realm {}", realm_name(realm.destination))
    }
}

/// Realm 0 is `cosmos` in iproute2's `/etc/iproute2/rt_realms`; others are numbers.
fn realm_name(realm: u16) -> String {
    if realm == 0 {
        "cosmos".into()
    } else {
        realm.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_hops_like_ip() {
        let hop = NextHop {
            gateway: "10.1.0.2".parse().ok(),
            realm: Some(RouteRealm {
                source: 0,
                destination: 3,
            }),
            dev: Some("va".into()),
            weight: 1,
            ..NextHop::default()
        };
        assert_eq!(hop.render(), "\n\tnexthop via 10.1.0.2 realm 3 dev va weight 1");
        let v6 = NextHop {
            via: "fe80::2".parse().ok(),
            dev: Some("vc".into()),
            weight: 2,
            flags: 0x10,
            ..NextHop::default()
        };
        assert_eq!(v6.render(), "\n\tnexthop via inet6 fe80::2 dev vc weight 2 linkdown");
        let both = RouteRealm {
            source: 3,
            destination: 4,
        };
        assert_eq!(render_realm(&both), " realms 3/4");
    }
}
