//! Network interfaces and their addresses from `getifaddrs(3)`: the simple view of
//! `ifaces --getifaddrs` (the default view asks rtnetlink, see [`crate::rtnl_link`]).
//!
//! What getifaddrs cannot show: an address's scope (guessed here from its value by
//! [`scope_of`]; the kernel may say otherwise), its flags (secondary, nodad, …), the queueing
//! discipline, a veth's peer; and one field serves as both broadcast and point-to-point peer.
//!
//! `getifaddrs` returns one entry per (interface, address): an `AF_PACKET` entry carries the
//! MAC address, `AF_INET`/`AF_INET6` entries an IP address and its netmask. glibc builds the
//! list from netlink (`socket(AF_NETLINK)`, `sendto(RTM_GETLINK/RTM_GETADDR)`, `recvmsg`:
//! see `strace ifaces`). [`interfaces`] groups the entries per interface; the MTU and the
//! operational state come from sysfs (`/sys/class/net/IF/mtu`, `operstate`). Read
//! [`interfaces`] first, then [`Interface::render`] beside the lecture's `ip address` output.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::net::IpAddr;

use nix::ifaddrs::{getifaddrs, InterfaceAddress};
use nix::net::if_::{if_nametoindex, InterfaceFlags};

/// `ARPHRD_*` hardware types from `<linux/if_arp.h>` that `ip` names.
const ARPHRD_ETHER: u16 = 1;
const ARPHRD_LOOPBACK: u16 = 772;
const ARPHRD_NONE: u16 = 0xfffe;

/// One interface with everything `ip address` prints about it.
#[derive(Clone, Debug)]
pub struct Interface {
    /// `if_nametoindex`: the number before the name; sorts the list like `ip` does.
    pub index: u32,
    pub name: String,
    pub flags: InterfaceFlags,
    /// From sysfs; `None` if it could not be read.
    pub mtu: Option<u32>,
    /// `operstate` from sysfs, upper-cased: UP, DOWN, UNKNOWN (loopback has no carrier).
    pub state: Option<String>,
    /// Hardware type and MAC + broadcast MAC, from the `AF_PACKET` entry.
    pub link: Option<Link>,
    pub addrs: Vec<IfAddr>,
}

/// The link-layer (Ethernet) part of an interface.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Link {
    pub hatype: u16,
    pub mac: [u8; 6],
    pub broadcast: Option<[u8; 6]>,
}

/// One IP address of an interface.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IfAddr {
    pub addr: IpAddr,
    /// Count of 1 bits of the netmask getifaddrs gave.
    pub prefix: u8,
    /// IPv4 broadcast address, when the interface has one.
    pub broadcast: Option<IpAddr>,
    /// `ifa_name` of the entry: the label (`eth0:1` for an alias), shown at the end of inet.
    pub label: String,
}

/// Read every interface and its addresses, sorted by index.
pub fn interfaces() -> nix::Result<Vec<Interface>> {
    let mut by_name: BTreeMap<String, Interface> = BTreeMap::new();
    for entry in getifaddrs()? {
        // IPv4 aliases come back labelled `eth0:1`; they belong to `eth0`.
        let base = base_name(&entry.interface_name).to_string();
        let iface = by_name
            .entry(base.clone())
            .or_insert_with(|| new_interface(&base, &entry));
        add_entry(iface, &entry);
    }
    let mut list: Vec<Interface> = by_name.into_values().collect();
    list.sort_by_key(|i| i.index);
    Ok(list)
}

fn base_name(label: &str) -> &str {
    label.split(':').next().unwrap_or(label)
}

fn new_interface(name: &str, entry: &InterfaceAddress) -> Interface {
    Interface {
        index: if_nametoindex(name).unwrap_or(0),
        name: name.to_string(),
        flags: entry.flags,
        mtu: read_sysfs(name, "mtu").and_then(|s| s.parse().ok()),
        state: read_sysfs(name, "operstate").map(|s| s.to_uppercase()),
        link: None,
        addrs: Vec::new(),
    }
}

fn read_sysfs(name: &str, attribute: &str) -> Option<String> {
    let path = format!("/sys/class/net/{name}/{attribute}");
    std::fs::read_to_string(path).ok().map(|s| s.trim().to_string())
}

fn add_entry(iface: &mut Interface, entry: &InterfaceAddress) {
    let Some(address) = entry.address.as_ref() else {
        return;
    };
    if let Some(ll) = address.as_link_addr() {
        let broadcast = entry.broadcast.as_ref().and_then(|b| b.as_link_addr()?.addr());
        if let Some(mac) = ll.addr() {
            iface.link = Some(Link {
                hatype: ll.hatype(),
                mac,
                broadcast,
            });
        }
        return;
    }
    let netmask = entry.netmask.as_ref();
    let (addr, prefix) = if let Some(sin) = address.as_sockaddr_in() {
        let mask = netmask.and_then(|m| m.as_sockaddr_in()).map(|m| u32::from(m.ip()));
        (IpAddr::V4(sin.ip()), mask.map_or(32, u32::count_ones))
    } else if let Some(sin6) = address.as_sockaddr_in6() {
        let mask = netmask.and_then(|m| m.as_sockaddr_in6()).map(|m| u128::from(m.ip()));
        (IpAddr::V6(sin6.ip()), mask.map_or(128, u128::count_ones))
    } else {
        return;
    };
    // One union field holds the broadcast or the point-to-point peer, and glibc fills it
    // with the address itself when the kernel sent no IFA_BROADCAST: that is no broadcast.
    let broadcast = entry
        .broadcast
        .as_ref()
        .and_then(|b| b.as_sockaddr_in())
        .map(|b| IpAddr::V4(b.ip()))
        .filter(|&b| b != addr);
    let label = entry.interface_name.clone();
    iface.addrs.push(IfAddr {
        addr,
        prefix: prefix as u8,
        broadcast,
        label,
    });
}

/// Flags in the order `ip` prints them; `IFF_LOWER_UP` is the carrier (cable plugged in).
pub fn flags_text(flags: InterfaceFlags) -> String {
    const NAMES: [(InterfaceFlags, &str); 9] = [
        (InterfaceFlags::IFF_LOOPBACK, "LOOPBACK"),
        (InterfaceFlags::IFF_BROADCAST, "BROADCAST"),
        (InterfaceFlags::IFF_POINTOPOINT, "POINTOPOINT"),
        (InterfaceFlags::IFF_MULTICAST, "MULTICAST"),
        (InterfaceFlags::IFF_NOARP, "NOARP"),
        (InterfaceFlags::IFF_ALLMULTI, "ALLMULTI"),
        (InterfaceFlags::IFF_PROMISC, "PROMISC"),
        (InterfaceFlags::IFF_UP, "UP"),
        (InterfaceFlags::IFF_LOWER_UP, "LOWER_UP"),
    ];
    let mut names: Vec<&str> = Vec::new();
    if flags.contains(InterfaceFlags::IFF_UP) && !flags.contains(InterfaceFlags::IFF_LOWER_UP) {
        names.push("NO-CARRIER");
    }
    names.extend(NAMES.iter().filter(|(f, _)| flags.contains(*f)).map(|(_, n)| *n));
    names.join(",")
}

pub fn mac_text(mac: &[u8]) -> String {
    let parts: Vec<String> = mac.iter().map(|b| format!("{b:02x}")).collect();
    parts.join(":")
}

/// `ip`'s scope, derived from the address: host (loopback), link (link-local) or global.
pub fn scope_of(addr: IpAddr) -> &'static str {
    match addr {
        IpAddr::V4(a) if a.is_loopback() => "host",
        IpAddr::V4(a) if a.is_link_local() => "link",
        IpAddr::V6(a) if a.is_loopback() => "host",
        IpAddr::V6(a) if a.segments()[0] & 0xffc0 == 0xfe80 => "link",
        _ => "global",
    }
}

fn link_line(link: &Link) -> String {
    let kind = match link.hatype {
        ARPHRD_ETHER => "ether".to_string(),
        ARPHRD_LOOPBACK => "loopback".to_string(),
        ARPHRD_NONE => return "    link/none".to_string(),
        other => format!("[{other}]"),
    };
    let mut line = format!("    link/{kind} {}", mac_text(&link.mac));
    if let Some(brd) = link.broadcast {
        let _ = write!(line, " brd {}", mac_text(&brd));
    }
    line
}

fn addr_line(a: &IfAddr) -> String {
    let family = if a.addr.is_ipv4() { "inet" } else { "inet6" };
    let mut line = format!("    {family} {}/{}", a.addr, a.prefix);
    if let Some(brd) = a.broadcast {
        let _ = write!(line, " brd {brd}");
    }
    let _ = write!(line, " scope {}", scope_of(a.addr));
    if a.addr.is_ipv4() {
        let _ = write!(line, " {}", a.label);
    }
    line
}

impl Interface {
    /// The `ip address` block for this interface, one line per link or address.
    pub fn render(&self) -> String {
        let mut out = format!("{}: {}: <{}>", self.index, self.name, flags_text(self.flags));
        match self.mtu {
            Some(mtu) => {
                let _ = write!(out, " mtu {mtu}");
            }
            None => out.push_str(" mtu ?"),
        }
        if let Some(state) = &self.state {
            let _ = write!(out, " state {state}");
        }
        out.push('\n');
        if let Some(link) = &self.link {
            let _ = writeln!(out, "{}", link_line(link));
        }
        let (v4, v6): (Vec<&IfAddr>, Vec<&IfAddr>) = self.addrs.iter().partition(|a| a.addr.is_ipv4());
        for a in v4.into_iter().chain(v6) {
            let _ = writeln!(out, "{}", addr_line(a));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_renders_like_ip_address() {
        let lo = Interface {
            index: 1,
            name: "lo".into(),
            flags: InterfaceFlags::IFF_LOOPBACK | InterfaceFlags::IFF_UP | InterfaceFlags::IFF_LOWER_UP,
            mtu: Some(65536),
            state: None,
            link: Some(Link {
                hatype: ARPHRD_LOOPBACK,
                mac: [0; 6],
                broadcast: Some([0; 6]),
            }),
            addrs: vec![
                IfAddr {
                    addr: "::1".parse().expect("v6"),
                    prefix: 128,
                    broadcast: None,
                    label: "lo".into(),
                },
                IfAddr {
                    addr: "127.0.0.1".parse().expect("v4"),
                    prefix: 8,
                    broadcast: None,
                    label: "lo".into(),
                },
            ],
        };
        assert_eq!(
            lo.render(),
            "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536\n    \
             link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n    \
             inet 127.0.0.1/8 scope host lo\n    inet6 ::1/128 scope host\n"
        );
    }

    #[test]
    fn flags_order_and_no_carrier() {
        let eth = InterfaceFlags::IFF_BROADCAST | InterfaceFlags::IFF_MULTICAST | InterfaceFlags::IFF_UP;
        assert_eq!(flags_text(eth), "NO-CARRIER,BROADCAST,MULTICAST,UP");
        assert_eq!(flags_text(InterfaceFlags::empty()), "");
    }

    #[test]
    fn scopes_and_labels() {
        assert_eq!(scope_of("fe80::1".parse().expect("ll")), "link");
        assert_eq!(scope_of("192.168.1.2".parse().expect("v4")), "global");
        assert_eq!(base_name("eth0:1"), "eth0");
        assert_eq!(mac_text(&[0x98, 0x90, 0x96, 0xd2, 0x65, 0x0e]), "98:90:96:d2:65:0e");
    }
}
