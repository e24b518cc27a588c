//! `ip address`'s words for the kernel's numbers: the text that `ifaces` prints from the
//! [`Link`]s and [`Address`]es of [`crate::rtnl_link`]. No syscalls here.
//!
//! The rules follow iproute2 so that the two outputs can be read side by side: flags in
//! `ip`'s order, `@peer` after the name of a veth and `M-DOWN` when that peer is down,
//! `peer P/N` for a point-to-point address, `brd` only when the kernel has one, the scope
//! the kernel stored, then the address flags (`secondary`, `nodad`, `dynamic` for an address
//! that is not `permanent`, …) and the label. Read [`render_link`] first.

use std::fmt::Write;
use std::net::IpAddr;

use crate::rtnl_link::{Address, Link};
use crate::rtnl_names::{link_type_name, operstate_name, scope_name};

/// `IFF_*` bits in the order `ip` prints them (`<linux/if.h>`).
const IFF_NAMES: [(u32, &str); 18] = [
    (0x8, "LOOPBACK"),
    (0x2, "BROADCAST"),
    (0x10, "POINTOPOINT"),
    (0x1000, "MULTICAST"),
    (0x80, "NOARP"),
    (0x200, "ALLMULTI"),
    (0x100, "PROMISC"),
    (0x400, "MASTER"),
    (0x800, "SLAVE"),
    (0x4, "DEBUG"),
    (0x8000, "DYNAMIC"),
    (0x4000, "AUTOMEDIA"),
    (0x2000, "PORTSEL"),
    (0x20, "NOTRAILERS"),
    (0x1, "UP"),
    (0x10000, "LOWER_UP"),
    (0x20000, "DORMANT"),
    (0x40000, "ECHO"),
];
const IFF_UP: u32 = 0x1;
const IFF_RUNNING: u32 = 0x40;
const IFF_POINTOPOINT: u32 = 0x10;

/// `IFA_F_*` address flags in `ip`'s order; `permanent` is printed inverted, as `dynamic`.
const IFA_NAMES: [(u32, &str); 12] = [
    (0x01, "secondary"),
    (0x02, "nodad"),
    (0x04, "optimistic"),
    (0x08, "dadfailed"),
    (0x10, "home"),
    (0x20, "deprecated"),
    (0x40, "tentative"),
    (0x80, "permanent"),
    (0x100, "mngtmpaddr"),
    (0x200, "noprefixroute"),
    (0x400, "autojoin"),
    (0x800, "stable-privacy"),
];
const IFA_F_SECONDARY: u32 = 0x01;
const IFA_F_PERMANENT: u32 = 0x80;

/// The `<...>` list. `NO-CARRIER`: up but no `IFF_RUNNING`; `M-DOWN`: the peer is down.
pub fn link_flags(flags: u32, peer_down: bool) -> Vec<String> {
    let mut names = Vec::new();
    if flags & IFF_UP != 0 && flags & IFF_RUNNING == 0 {
        names.push("NO-CARRIER".to_string());
    }
    let mut rest = flags & !IFF_RUNNING;
    for (bit, name) in IFF_NAMES {
        if rest & bit != 0 {
            names.push(name.to_string());
            rest &= !bit;
        }
    }
    if rest != 0 {
        names.push(format!("{rest:x}"));
    }
    if peer_down {
        names.push("M-DOWN".to_string());
    }
    names
}

/// A hardware address: colon-separated hex, or an IP address for IP tunnels.
pub fn hw_address(bytes: &[u8]) -> String {
    if let Ok(v4) = <[u8; 4]>::try_from(bytes) {
        return IpAddr::from(v4).to_string();
    }
    let parts: Vec<String> = bytes.iter().map(|b| format!("{b:02x}")).collect();
    parts.join(":")
}

/// The name after `@`: the peer's name if it is in this namespace, else `ifN`.
pub fn link_peer(link: &Link, all: &[Link]) -> Option<(String, bool)> {
    let peer = link.link?;
    if peer == 0 {
        return Some(("NONE".into(), false));
    }
    if link.link_netnsid.is_some() {
        return Some((format!("if{peer}"), false));
    }
    let found = all.iter().find(|l| l.index == peer);
    let name = found.map_or_else(|| format!("if{peer}"), |l| l.name.clone());
    let down = found.is_some_and(|l| l.flags & IFF_UP == 0);
    Some((name, down))
}

/// The `ip address` block of one interface: its header, its `link/` line, its addresses.
pub fn render_link(link: &Link, all: &[Link], addresses: &[Address]) -> String {
    let peer = link_peer(link, all);
    let mut out = format!("{}: {}", link.index, link.name);
    if let Some((name, _)) = &peer {
        let _ = write!(out, "@{name}");
    }
    let peer_down = peer.is_some_and(|(_, down)| down);
    let _ = write!(out, ": <{}>", link_flags(link.flags, peer_down).join(","));
    push_opt(&mut out, "mtu", link.mtu);
    push_opt(&mut out, "qdisc", link.qdisc.as_ref());
    if let Some(master) = link.master {
        let name = all
            .iter()
            .find(|l| l.index == master)
            .map_or(master.to_string(), |l| l.name.clone());
        let _ = write!(out, " master {name}");
    }
    push_opt(&mut out, "state", link.operstate.map(operstate_name));
    push_opt(
        &mut out,
        "group",
        link.group
            .map(|g| if g == 0 { "default".into() } else { g.to_string() }),
    );
    push_opt(&mut out, "qlen", link.txqlen.filter(|&q| q != 0));
    out.push('\n');
    let _ = writeln!(out, "{}", link_layer_line(link));
    for address in addresses.iter().filter(|a| a.index == link.index) {
        out.push_str(&render_address(address));
    }
    out
}

fn push_opt(out: &mut String, key: &str, value: Option<impl std::fmt::Display>) {
    if let Some(value) = value {
        let _ = write!(out, " {key} {value}");
    }
}

/// `    link/ether MAC brd MAC` (`peer` instead of `brd` on a point-to-point link), the
/// namespace of a peer that lives elsewhere, then one `    altname NAME` line per altname.
fn link_layer_line(link: &Link) -> String {
    let mut line = format!("    link/{}", link_type_name(link.link_type));
    if let Some(mac) = &link.address {
        let _ = write!(line, " {}", hw_address(mac));
        if let Some(brd) = &link.broadcast {
            let word = if link.flags & IFF_POINTOPOINT != 0 {
                "peer"
            } else {
                "brd"
            };
            let _ = write!(line, " {word} {}", hw_address(brd));
        }
    }
    match (&link.link_netns, link.link_netnsid) {
        (Some(name), _) => {
            let _ = write!(line, " link-netns {name}");
        }
        (None, Some(id)) => {
            let _ = write!(line, " link-netnsid {id}");
        }
        (None, None) => {}
    }
    for altname in &link.altnames {
        let _ = write!(line, "\n    altname {altname}");
    }
    line
}

/// `    inet LOCAL[ peer PEER]/LEN[ brd B] scope S FLAGS LABEL` and the lifetimes line.
pub fn render_address(a: &Address) -> String {
    let family = match a.host_address() {
        Some(IpAddr::V6(_)) => "inet6",
        _ => "inet",
    };
    let mut line = format!("    {family} ");
    if let Some(host) = a.host_address() {
        let _ = write!(line, "{host}");
    }
    if let Some(peer) = a.peer() {
        let _ = write!(line, " peer {peer}");
    }
    let _ = write!(line, "/{}", a.prefix_len);
    push_opt(&mut line, "brd", a.broadcast);
    push_opt(&mut line, "any", a.anycast);
    let _ = write!(line, " scope {}", scope_name(a.scope));
    for flag in address_flags(a) {
        let _ = write!(line, " {flag}");
    }
    if let Some(label) = &a.label {
        let _ = write!(line, " {label}");
    }
    line.push('\n');
    if let Some((valid, preferred)) = a.lifetimes {
        let _ = writeln!(
            line,
            "       valid_lft {} preferred_lft {}",
            lifetime(valid),
            lifetime(preferred)
        );
    }
    line
}

/// The address flags as `ip` words; `secondary` is called `temporary` for IPv6.
pub fn address_flags(a: &Address) -> Vec<String> {
    let mut words = Vec::new();
    let mut rest = a.flags;
    for (bit, name) in IFA_NAMES {
        if bit == IFA_F_PERMANENT {
            if a.flags & bit == 0 {
                words.push("dynamic".to_string());
            }
        } else if rest & bit != 0 {
            let v6 = matches!(a.host_address(), Some(IpAddr::V6(_)));
            words.push(
                if bit == IFA_F_SECONDARY && v6 {
                    "temporary"
                } else {
                    name
                }
                .to_string(),
            );
        }
        rest &= !bit;
    }
    if rest != 0 {
        words.push(format!("flags {rest:02x}"));
    }
    words
}

fn lifetime(seconds: u32) -> String {
    if seconds == u32::MAX {
        "forever".into()
    } else {
        format!("{seconds}sec")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v4(local: &str, address: &str, prefix_len: u8) -> Address {
        Address {
            index: 3,
            prefix_len,
            local: local.parse().ok(),
            address: address.parse().ok(),
            flags: 0x80, // permanent
            label: Some("va".into()),
            ..Address::default()
        }
    }

    #[test]
    fn addresses_like_ip() {
        let peer = v4("10.40.0.1", "10.40.0.2", 32);
        assert_eq!(
            render_address(&peer),
            "    inet 10.40.0.1 peer 10.40.0.2/32 scope global va\n"
        );
        let mut secondary = v4("192.0.2.2", "192.0.2.2", 24);
        secondary.flags |= 0x01;
        secondary.scope = 253;
        assert_eq!(
            render_address(&secondary),
            "    inet 192.0.2.2/24 scope link secondary va\n"
        );
        let mut v6 = v4("", "2001:db8::1", 64);
        v6.label = None;
        v6.flags = 0x02 | 0x40; // nodad, tentative, not permanent
        v6.lifetimes = Some((u32::MAX, 600));
        assert_eq!(
            render_address(&v6),
            "    inet6 2001:db8::1/64 scope global nodad tentative dynamic\n       \
             valid_lft forever preferred_lft 600sec\n"
        );
    }

    #[test]
    fn link_header_with_peer_down() {
        let va = Link {
            index: 5,
            name: "vc".into(),
            flags: 0x1 | 0x2 | 0x1000, // UP, BROADCAST, MULTICAST; no RUNNING
            link: Some(4),
            ..Link::default()
        };
        let vd = Link {
            index: 4,
            name: "vd".into(),
            ..Link::default()
        };
        let all = [vd, va.clone()];
        let text = render_link(&va, &all, &[]);
        assert!(
            text.starts_with("5: vc@vd: <NO-CARRIER,BROADCAST,MULTICAST,UP,M-DOWN>\n"),
            "{text}"
        );
        assert_eq!(operstate_name(3), "LOWERLAYERDOWN");
        assert_eq!(hw_address(&[0xd6, 0xfa, 0, 1, 2, 3]), "d6:fa:00:01:02:03");
    }
}
