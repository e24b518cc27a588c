//! The words `ip` prints for the kernel's numbers in rtnetlink messages: operational
//! states, scopes, hardware types, route types, protocols and tables. iproute2 reads most of
//! these tables from `/usr/share/iproute2/` (`rt_protos`, `rt_tables`, `rt_scopes`): a
//! number without a name here is printed as a number, as `ip` does. No syscalls.

/// `IF_OPER_*` (RFC 2863) as `ip` names them.
pub fn operstate_name(state: u8) -> String {
    const NAMES: [&str; 7] = [
        "UNKNOWN",
        "NOTPRESENT",
        "DOWN",
        "LOWERLAYERDOWN",
        "TESTING",
        "DORMANT",
        "UP",
    ];
    NAMES
        .get(usize::from(state))
        .map_or_else(|| format!("0x{state:x}"), |n| n.to_string())
}

/// `RT_SCOPE_*` as `ip` names them (shared with routes).
pub fn scope_name(scope: u8) -> String {
    match scope {
        0 => "global".into(),
        200 => "site".into(),
        253 => "link".into(),
        254 => "host".into(),
        255 => "nowhere".into(),
        other => other.to_string(),
    }
}

/// `ARPHRD_*` hardware types as `ip` names them after `link/`.
pub fn link_type_name(link_type: u16) -> String {
    match link_type {
        1 => "ether".into(),
        768 => "ipip".into(),
        769 => "tunnel6".into(),
        772 => "loopback".into(),
        776 => "sit".into(),
        778 => "gre".into(),
        801 => "ieee802.11".into(),
        823 => "gre6".into(),
        0xfffe => "none".into(),
        0xffff => "void".into(),
        other => format!("[{other}]"),
    }
}

/// `RTN_*` route types as `ip` names them.
pub fn type_name(kind: u8) -> String {
    const NAMES: [&str; 12] = [
        "none",
        "unicast",
        "local",
        "broadcast",
        "anycast",
        "multicast",
        "blackhole",
        "unreachable",
        "prohibit",
        "throw",
        "nat",
        "xresolve",
    ];
    NAMES
        .get(usize::from(kind))
        .map_or_else(|| kind.to_string(), |n| n.to_string())
}

/// `RTPROT_*` as `ip` names them (`/usr/share/iproute2/rt_protos`).
pub fn protocol_name(protocol: u8) -> String {
    let name = match protocol {
        0 => "unspec",
        1 => "redirect",
        2 => "kernel",
        3 => "boot",
        4 => "static",
        8 => "gated",
        9 => "ra",
        10 => "mrt",
        11 => "zebra",
        12 => "bird",
        13 => "dnrouted",
        14 => "xorp",
        15 => "ntk",
        16 => "dhcp",
        18 => "keepalived",
        42 => "babel",
        99 => "openr",
        186 => "bgp",
        187 => "isis",
        188 => "ospf",
        189 => "rip",
        192 => "eigrp",
        other => return other.to_string(),
    };
    name.to_string()
}

/// Table numbers as `ip` names them (`/etc/iproute2/rt_tables`).
pub fn table_name(table: u32) -> String {
    match table {
        253 => "default".into(),
        254 => "main".into(),
        255 => "local".into(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_numbers() {
        assert_eq!(type_name(8), "prohibit");
        assert_eq!(type_name(99), "99");
        assert_eq!(protocol_name(4), "static");
        assert_eq!(protocol_name(200), "200");
        assert_eq!(table_name(255), "local");
        assert_eq!(table_name(100), "100");
        assert_eq!(scope_name(253), "link");
        assert_eq!(operstate_name(6), "UP");
        assert_eq!(link_type_name(0xfffe), "none");
    }
}
