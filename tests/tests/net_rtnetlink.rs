//! `ifaces` and `routes` held against `ip` in a network namespace this test creates: a veth
//! pair and a second one whose peer is down, addresses with a peer, every scope, secondary,
//! nodad, no broadcast; blackhole, prohibit, unreachable, metric, src, proto static,
//! table 100, IPv6. Each line of ours is compared field by field with `ip -j` (JSON) and as
//! text with `ip` (whose lines end in a space), in the same namespace.
//!
//! Needs root and `ip` (iproute2): CI runs as root. If the namespace cannot be created the
//! test fails and says why; it never skips.

use std::collections::BTreeMap;

use serde_json::Value;
mod netns_common;

use netns_common::{trimmed_lines, Netns};

/// The state the issue lists, built with `ip` commands.
fn lab_namespace(tag: &str) -> Netns {
    let ns = Netns::new(tag);
    for command in [
        "link set lo up",
        "link add va type veth peer name vb",
        "link add vc type veth peer name vd",
        "link set va up",
        "link set vb up",
        "link set vc up",
        "addr add 10.40.0.1 peer 10.40.0.2/32 dev va",
        "addr add 192.0.2.1/24 brd + dev va",
        "addr add 192.0.2.2/24 dev va",
        "addr add 100.64.1.1/10 dev va",
        "addr add 169.254.7.7/16 dev va",
        "addr add 198.51.100.1/24 scope link dev va",
        "addr add 127.0.0.2/8 scope host dev lo label lo:1",
        "addr add 10.9.0.1/24 dev vc",
        "-6 addr add 2001:db8::1/64 nodad dev va",
        "route add blackhole 203.0.113.0/24",
        "route add prohibit 198.18.0.0/15",
        "route add unreachable 192.0.2.128/25",
        "route add 10.50.0.0/16 via 10.40.0.2 metric 77 proto static",
        "route add 10.60.0.0/16 dev va src 192.0.2.1",
        "route add 10.70.0.0/16 dev va table 100",
        "route add 10.80.0.0/16 dev vc",
        "-6 route add blackhole 2001:db8:dead::/48",
        "-6 route add prohibit 2001:db8:2::/64",
        "-6 route add 2001:db8:1::/64 via 2001:db8::2 metric 300",
        "-6 route add 2001:db8:100::/64 dev va table 100",
    ] {
        ns.ip(command);
    }
    ns
}

/// `ip` route JSON object → field map (numbers and arrays as text).
fn json_fields(object: &Value) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    for (key, value) in object.as_object().expect("ip -j gives objects") {
        let text = match value {
            Value::String(s) => s.clone(),
            Value::Array(items) => items.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(","),
            Value::Bool(b) => b.to_string(),
            other => other.to_string(),
        };
        map.insert(key.clone(), text);
    }
    map
}

const ROUTE_TYPES: [&str; 6] = [
    "blackhole",
    "unreachable",
    "prohibit",
    "local",
    "broadcast",
    "multicast",
];
const ROUTE_FLAGS: [&str; 4] = ["linkdown", "onlink", "dead", "offload"];

/// One line of `routes` → the same field names `ip -j route` uses.
fn route_fields(line: &str) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    let mut words = line.split_whitespace().peekable();
    if let Some(kind) = words.next_if(|w| ROUTE_TYPES.contains(w)) {
        map.insert("type".into(), kind.to_string());
    }
    map.insert("dst".into(), words.next().unwrap_or_default().to_string());
    let mut flags = Vec::new();
    while let Some(word) = words.next() {
        if ROUTE_FLAGS.contains(&word) {
            flags.push(word);
            continue;
        }
        let key = match word {
            "via" => "gateway",
            "proto" => "protocol",
            "src" => "prefsrc",
            other => other,
        };
        map.insert(key.into(), words.next().unwrap_or_default().to_string());
    }
    map.insert("flags".into(), flags.join(","));
    map
}

fn compare_routes(ns: &Netns, args: &[&str]) -> usize {
    let ip_args = format!("-j {} route show table {}", args[0], args[2]);
    let json: Value = serde_json::from_str(&ns.ip(ip_args.trim())).expect("ip -j output is JSON");
    let theirs: Vec<_> = json.as_array().expect("array").iter().map(json_fields).collect();
    let ours_text = ns.ours(
        "routes",
        &args.iter().copied().filter(|a| !a.is_empty()).collect::<Vec<_>>(),
    );
    let ours: Vec<_> = ours_text.lines().map(route_fields).collect();
    assert_eq!(ours.len(), theirs.len(), "{args:?}: ours\n{ours_text}\nip: {theirs:#?}");
    for (line, (mine, ip)) in ours_text.lines().zip(ours.iter().zip(&theirs)) {
        assert_eq!(mine, ip, "{args:?}: `{line}` differs from ip -j");
    }
    let text = ns.ip(&format!("{} route show table {}", args[0], args[2]));
    assert_eq!(
        trimmed_lines(&ours_text),
        trimmed_lines(&text),
        "{args:?}: text differs from ip"
    );
    ours.len()
}

#[test]
fn routes_match_ip_route_field_by_field() {
    let ns = lab_namespace("routes");
    let mut compared = 0;
    for family in ["", "-6"] {
        for table in ["main", "100", "local", "all"] {
            compared += compare_routes(&ns, &[family, "--table", table]);
        }
    }
    let v4 = ns.ours("routes", &[]);
    for expected in [
        "blackhole 203.0.113.0/24",
        "prohibit 198.18.0.0/15",
        "unreachable 192.0.2.128/25",
        "10.50.0.0/16 via 10.40.0.2 dev va proto static metric 77",
        "10.60.0.0/16 dev va scope link src 192.0.2.1",
        "10.40.0.2 dev va proto kernel scope link src 10.40.0.1",
        "10.80.0.0/16 dev vc scope link linkdown",
    ] {
        assert!(v4.lines().any(|l| l == expected), "missing `{expected}` in\n{v4}");
    }
    assert_eq!(
        ns.ours("routes", &["--table", "100"]),
        "10.70.0.0/16 dev va scope link\n"
    );
    let v6 = ns.ours("routes", &["-6"]);
    for expected in [
        "blackhole 2001:db8:dead::/48 dev lo metric 1024 pref medium",
        "prohibit 2001:db8:2::/64 dev lo metric 1024 pref medium",
        "2001:db8:1::/64 via 2001:db8::2 dev va metric 300 pref medium",
    ] {
        assert!(v6.lines().any(|l| l == expected), "missing `{expected}` in\n{v6}");
    }
    assert!(
        !v6.contains("4294967295"),
        "the kernel's null route is not a route:\n{v6}"
    );
    eprintln!("routes: {compared} routes compared with ip -j");
}

const ADDR_FLAGS: [&str; 13] = [
    "secondary",
    "temporary",
    "nodad",
    "optimistic",
    "dadfailed",
    "home",
    "deprecated",
    "tentative",
    "dynamic",
    "mngtmpaddr",
    "noprefixroute",
    "autojoin",
    "stable-privacy",
];

/// One `    inet …` line of `ifaces` → the field names of `ip -j address`'s `addr_info`.
fn address_fields(line: &str) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    let mut words = line.split_whitespace();
    map.insert("family".into(), words.next().unwrap_or_default().to_string());
    let mut local = words.next().unwrap_or_default().to_string();
    let mut rest: Vec<&str> = words.collect();
    if rest.first() == Some(&"peer") && rest.len() > 1 {
        local = format!("{local} peer {}", rest[1]);
        rest.drain(..2);
    }
    let (address, prefix) = local.rsplit_once('/').unwrap_or((&local, ""));
    let (local, peer) = address.split_once(" peer ").unwrap_or((address, ""));
    map.insert("local".into(), local.to_string());
    if !peer.is_empty() {
        map.insert("address".into(), peer.to_string());
    }
    map.insert("prefixlen".into(), prefix.to_string());
    let mut words = rest.into_iter();
    while let Some(word) = words.next() {
        match word {
            "brd" => map.insert("broadcast".into(), words.next().unwrap_or_default().into()),
            "any" => map.insert("anycast".into(), words.next().unwrap_or_default().into()),
            "scope" => map.insert("scope".into(), words.next().unwrap_or_default().into()),
            flag if ADDR_FLAGS.contains(&flag) => map.insert(flag.into(), "true".into()),
            label => map.insert("label".into(), label.into()),
        };
    }
    map
}

/// The facts of an `addr_info` object that `ifaces` prints (not the lifetimes' numbers).
fn ip_address_fields(object: &Value) -> BTreeMap<String, String> {
    let mut map = json_fields(object);
    map.retain(|k, _| !k.ends_with("life_time"));
    map
}

#[test]
fn ifaces_match_ip_address_field_by_field() {
    let ns = lab_namespace("ifaces");
    let json: Value = serde_json::from_str(&ns.ip("-j address")).expect("ip -j address is JSON");
    let ours = ns.ours("ifaces", &[]);
    let blocks: Vec<&str> = ours.split_inclusive('\n').collect();
    let headers: Vec<&&str> = blocks.iter().filter(|l| !l.starts_with(' ')).collect();
    let links = json.as_array().expect("array");
    assert_eq!(headers.len(), links.len(), "{ours}");
    let mut compared = 0;
    for link in links {
        let name = link["ifname"].as_str().expect("ifname");
        let block = ns.ours("ifaces", &[name]);
        let header = block.lines().next().unwrap_or_default();
        let peer = link["link"].as_str().map(|p| format!("@{p}")).unwrap_or_default();
        let flags: Vec<&str> = link["flags"]
            .as_array()
            .expect("flags")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        let expected = format!(
            "{}: {name}{peer}: <{}> mtu {} qdisc {} state {} group {} qlen {}",
            link["ifindex"],
            flags.join(","),
            link["mtu"],
            link["qdisc"].as_str().unwrap_or_default(),
            link["operstate"].as_str().unwrap_or_default(),
            link["group"].as_str().unwrap_or_default(),
            link["txqlen"],
        );
        assert_eq!(header, expected, "link header of {name}");
        let mut link_line = format!(
            "    link/{} {}",
            link["link_type"].as_str().unwrap_or_default(),
            link["address"].as_str().unwrap_or_default()
        );
        if let Some(brd) = link["broadcast"].as_str() {
            link_line.push_str(&format!(" brd {brd}"));
        }
        assert_eq!(block.lines().nth(1), Some(link_line.as_str()), "link line of {name}");
        let ours_addresses: Vec<&str> = block.lines().filter(|l| l.starts_with("    inet")).collect();
        let theirs = link["addr_info"].as_array().expect("addr_info");
        assert_eq!(ours_addresses.len(), theirs.len(), "addresses of {name}:\n{block}");
        for (line, ip) in ours_addresses.iter().zip(theirs) {
            assert_eq!(
                address_fields(line),
                ip_address_fields(ip),
                "`{line}` differs from ip -j"
            );
            compared += 1;
        }
    }
    let text = ns.ip("address");
    assert_eq!(
        trimmed_lines(&ours),
        trimmed_lines(&text),
        "text differs from `ip address`"
    );
    for expected in [
        "    inet 10.40.0.1 peer 10.40.0.2/32 scope global va",
        "    inet 192.0.2.1/24 brd 192.0.2.255 scope global va",
        "    inet 192.0.2.2/24 scope global secondary va",
        "    inet 100.64.1.1/10 scope global va",
        "    inet 169.254.7.7/16 scope global va",
        "    inet 198.51.100.1/24 scope link va",
        "    inet 127.0.0.2/8 scope host secondary lo:1",
        "    inet6 2001:db8::1/64 scope global nodad",
    ] {
        assert!(ours.lines().any(|l| l == expected), "missing `{expected}` in\n{ours}");
    }
    assert!(
        ours.contains(": vc@vd: <NO-CARRIER,BROADCAST,MULTICAST,UP,M-DOWN>"),
        "{ours}"
    );
    eprintln!(
        "ifaces: {} links and {compared} addresses compared with ip -j",
        links.len()
    );
}

/// The simple `--getifaddrs` view lists the same addresses (without peer, scope or flags),
/// and no longer invents a broadcast for an address that has none.
#[test]
fn getifaddrs_view_lists_the_same_addresses() {
    let ns = lab_namespace("gifa");
    let addresses = |text: &str| -> Vec<String> {
        let mut list: Vec<String> = text
            .lines()
            .filter(|l| l.starts_with("    inet"))
            .map(|l| {
                let words: Vec<&str> = l.split_whitespace().collect();
                match words.as_slice() {
                    [_, local, "peer", peer, ..] => {
                        let prefix = peer.rsplit_once('/').map_or("", |(_, p)| p);
                        format!("{local}/{prefix}")
                    }
                    [_, address, ..] => address.to_string(),
                    _ => String::new(),
                }
            })
            .collect();
        list.sort();
        list
    };
    let rtnetlink = ns.ours("ifaces", &[]);
    let simple = ns.ours("ifaces", &["--getifaddrs"]);
    assert_eq!(addresses(&simple), addresses(&rtnetlink), "{simple}\n{rtnetlink}");
    assert!(simple.contains("    inet 100.64.1.1/10 scope global va\n"), "{simple}");
}
