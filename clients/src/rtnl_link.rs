//! Interfaces and their addresses as the kernel describes them over rtnetlink: one
//! `RTM_NEWLINK` per interface, one `RTM_NEWADDR` per address (the dumps of
//! [`crate::netlink::dump`]). This is what `ip address` reads.
//!
//! The decoded messages are turned into two plain structs, [`Link`] and [`Address`], that
//! keep the kernel's numbers (flags, scope, state) as they are; [`crate::rtnl_print`] turns
//! them into `ip`'s words. Read [`links_and_addresses`] first.
//!
//! What the kernel says and `getifaddrs(3)` cannot: an address's *scope* (chosen when it was
//! added, not derived from its value), its flags (`secondary`, `nodad`, `tentative`, …), the
//! *peer* of a point-to-point address (`IFA_ADDRESS` differs from `IFA_LOCAL`), whether a
//! broadcast address exists at all (`IFA_BROADCAST` is absent when none was given), and for
//! a link its queueing discipline, operational state and the interface it sits on
//! (`IFLA_LINK`, the `@peer` of a veth).

use std::io;
use std::net::{IpAddr, Ipv4Addr};

use netlink_packet_route::address::{AddressAttribute, AddressMessage};
use netlink_packet_route::link::{LinkAttribute, LinkMessage, Prop};
use netlink_packet_route::RouteNetlinkMessage;

use crate::netlink;

impl Link {
    /// Is `name` this interface's name or one of its altnames?
    pub fn is_named(&self, name: &str) -> bool {
        self.name == name || self.altnames.iter().any(|a| a == name)
    }
}

/// One interface (`RTM_NEWLINK`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Link {
    /// `ifi_index`: the number before the name.
    pub index: u32,
    /// `IFLA_IFNAME`.
    pub name: String,
    /// `ifi_flags`: the `IFF_*` bits (UP, LOWER_UP, BROADCAST, …).
    pub flags: u32,
    /// `ifi_type`: the `ARPHRD_*` hardware type (ether, loopback, none, …).
    pub link_type: u16,
    pub mtu: Option<u32>,
    /// `IFLA_QDISC`: the queueing discipline in front of the driver (noqueue, fq_codel, …).
    pub qdisc: Option<String>,
    /// `IFLA_OPERSTATE`: RFC 2863 operational state (`IF_OPER_*`: 6 is UP, 2 DOWN, …).
    pub operstate: Option<u8>,
    pub group: Option<u32>,
    /// `IFLA_TXQLEN`: packets the qdisc may queue.
    pub txqlen: Option<u32>,
    /// `IFLA_ADDRESS`: the hardware address (a MAC for Ethernet).
    pub address: Option<Vec<u8>>,
    /// `IFLA_BROADCAST`: the link-layer broadcast (or, on point-to-point links, the peer).
    pub broadcast: Option<Vec<u8>>,
    /// `IFLA_LINK`: the interface this one is bound to (a veth's peer), when not itself.
    pub link: Option<u32>,
    /// `IFLA_LINK_NETNSID`: set when that peer lives in another network namespace.
    pub link_netnsid: Option<i32>,
    /// The name of that namespace, when `ip netns add` gave it one (`crate::rtnl_netns`).
    pub link_netns: Option<String>,
    /// `IFLA_PROP_LIST`'s `IFLA_ALT_IFNAME`s: other names of the interface
    /// (`ip link property add dev eth0 altname uplink`), longer than `IFNAMSIZ` allows.
    pub altnames: Vec<String>,
    /// `IFLA_MASTER`: the bridge or bond this interface is enslaved to.
    pub master: Option<u32>,
}

/// One address of an interface (`RTM_NEWADDR`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Address {
    /// `ifa_index`: the interface it belongs to.
    pub index: u32,
    pub prefix_len: u8,
    /// `IFA_LOCAL`: the address of this host (IPv4; absent for most IPv6 addresses).
    pub local: Option<IpAddr>,
    /// `IFA_ADDRESS`: equal to `local`, or the *peer* on a point-to-point address.
    pub address: Option<IpAddr>,
    /// `IFA_BROADCAST`: only present when the address was given one.
    pub broadcast: Option<Ipv4Addr>,
    /// `IFA_ANYCAST` (IPv6).
    pub anycast: Option<IpAddr>,
    /// `ifa_scope`: `RT_SCOPE_*`, 0 global, 253 link, 254 host.
    pub scope: u8,
    /// `IFA_FLAGS` (or the 8-bit `ifa_flags`): `IFA_F_SECONDARY`, `IFA_F_NODAD`, …
    pub flags: u32,
    /// `IFA_LABEL` (IPv4): the interface name or an alias such as `eth0:1`.
    pub label: Option<String>,
    /// `IFA_CACHEINFO`: valid and preferred lifetimes in seconds (`u32::MAX`: forever).
    pub lifetimes: Option<(u32, u32)>,
}

impl Address {
    /// The address of this host: `IFA_LOCAL` if present, else `IFA_ADDRESS` (IPv6).
    pub fn host_address(&self) -> Option<IpAddr> {
        self.local.or(self.address)
    }

    /// The other end of a point-to-point address, when `IFA_ADDRESS` differs from `IFA_LOCAL`.
    pub fn peer(&self) -> Option<IpAddr> {
        match (self.local, self.address) {
            (Some(local), Some(address)) if local != address => Some(address),
            _ => None,
        }
    }
}

/// Two dumps, `RTM_GETLINK` then `RTM_GETADDR`, as `ip address` does them.
pub fn links_and_addresses() -> io::Result<(Vec<Link>, Vec<Address>)> {
    let links = links()?;
    let addresses = netlink::dump(RouteNetlinkMessage::GetAddress(AddressMessage::default()))?;
    let addresses = addresses
        .into_iter()
        .filter_map(|m| match m {
            RouteNetlinkMessage::NewAddress(a) => Some(decode_address(&a)),
            _ => None,
        })
        .collect();
    Ok((links, addresses))
}

/// One `RTM_GETLINK` dump: every interface (`routes` needs their names).
pub fn links() -> io::Result<Vec<Link>> {
    let replies = netlink::dump(RouteNetlinkMessage::GetLink(LinkMessage::default()))?;
    let links = replies.into_iter().filter_map(|m| match m {
        RouteNetlinkMessage::NewLink(l) => Some(decode_link(&l)),
        _ => None,
    });
    let mut links: Vec<Link> = links.collect();
    for link in &mut links {
        link.link_netns = link.link_netnsid.and_then(crate::rtnl_netns::name_of_nsid);
    }
    Ok(links)
}

/// Copy the header fields and the attributes `ip address` prints into a [`Link`].
pub fn decode_link(message: &LinkMessage) -> Link {
    let mut link = Link {
        index: message.header.index,
        flags: message.header.flags.bits(),
        link_type: message.header.link_layer_type.into(),
        ..Link::default()
    };
    for attribute in &message.attributes {
        match attribute {
            LinkAttribute::IfName(name) => link.name = name.clone(),
            LinkAttribute::Mtu(mtu) => link.mtu = Some(*mtu),
            LinkAttribute::Qdisc(qdisc) => link.qdisc = Some(qdisc.clone()),
            LinkAttribute::OperState(state) => link.operstate = Some((*state).into()),
            LinkAttribute::Group(group) => link.group = Some(*group),
            LinkAttribute::TxQueueLen(len) => link.txqlen = Some(*len),
            LinkAttribute::Address(mac) => link.address = Some(mac.clone()),
            LinkAttribute::Broadcast(mac) => link.broadcast = Some(mac.clone()),
            LinkAttribute::Link(index) => link.link = Some(*index),
            LinkAttribute::LinkNetNsId(id) => link.link_netnsid = Some(*id),
            LinkAttribute::Controller(index) => link.master = Some(*index),
            LinkAttribute::PropList(props) => {
                for prop in props {
                    if let Prop::AltIfName(name) = prop {
                        link.altnames.push(name.clone());
                    }
                }
            }
            _ => {}
        }
    }
    link
}

/// Copy the header fields and the attributes `ip address` prints into an [`Address`].
pub fn decode_address(message: &AddressMessage) -> Address {
    let header = &message.header;
    let mut address = Address {
        index: header.index,
        prefix_len: header.prefix_len,
        scope: header.scope.into(),
        flags: u32::from(header.flags.bits()),
        ..Address::default()
    };
    for attribute in &message.attributes {
        match attribute {
            AddressAttribute::Local(ip) => address.local = Some(*ip),
            AddressAttribute::Address(ip) => address.address = Some(*ip),
            AddressAttribute::Broadcast(ip) => address.broadcast = Some(*ip),
            AddressAttribute::Anycast(ip) => address.anycast = Some(IpAddr::V6(*ip)),
            AddressAttribute::Label(label) => address.label = Some(label.clone()),
            // The 32-bit IFA_FLAGS supersedes the 8 bits of the header.
            AddressAttribute::Flags(flags) => address.flags = flags.bits(),
            AddressAttribute::CacheInfo(info) => address.lifetimes = Some((info.ifa_valid, info.ifa_preferred)),
            _ => {}
        }
    }
    address
}
