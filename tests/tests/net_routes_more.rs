//! The long tail of `ip route`, held against `routes` in a network namespace this test
//! creates: multipath routes (IPv4 and IPv6, weights, a realm and an IPv6 gateway inside a
//! hop), nexthop objects and groups (`nhid`), every route metric `ip` names (`mtu lock`,
//! `window`, `rtt`, `rttvar`, `ssthresh`, `cwnd`, `advmss`, `reordering`, `hoplimit`,
//! `initcwnd`, `features ecn`, `rto_min`, `initrwnd`, `quickack`, `congctl [lock]`,
//! `fastopen_no_cookie`), `tos`, an IPv4 route through an IPv6 gateway (`via inet6`),
//! `realm` and `realms`, `expires` on IPv6 routes (one added with `expires`, one of an
//! address with finite lifetimes), and a table that does not exist.
//!
//! Each view is compared as text with `ip` in the same namespace (ip's trailing spaces
//! aside). The seconds left before a route expires are read at two slightly different
//! moments, so they may differ by one: they are compared within 2 s, the rest exactly.
//!
//! Needs root and `ip` (iproute2): CI runs as root. veth is the only device type used, and
//! every kernel this course runs on has it; nothing is skipped.

mod netns_common;

use netns_common::{trimmed_lines, Netns};

/// The namespace: two veth pairs, addresses, then every kind of route above.
fn long_tail_namespace(tag: &str) -> Netns {
    let ns = Netns::new(tag);
    for command in [
        "link set lo up",
        "link add va type veth peer name vb",
        "link add vc type veth peer name vd",
        "link set va up",
        "link set vb up",
        "link set vc up",
        "link set vd up",
        "addr add 10.1.0.1/24 dev va",
        "addr add 10.2.0.1/24 dev vc",
        "-6 addr add 2001:db8:1::1/64 dev va nodad",
        "-6 addr add 2001:db8:2::1/64 dev vc nodad",
        "-6 addr add 2001:db8:3::1/64 dev va valid_lft 600 preferred_lft 300 nodad",
        // multipath
        "route add 10.10.0.0/16 nexthop via 10.1.0.2 dev va weight 1 nexthop via 10.2.0.2 dev vc weight 3",
        "route add 10.41.0.0/16 nexthop via 10.1.0.2 dev va realm 3 nexthop via inet6 fe80::2 dev vc",
        "-6 route add 2001:db8:10::/64 nexthop via 2001:db8:1::2 dev va weight 2 nexthop via 2001:db8:2::2 dev vc",
        "-6 route add 2001:db8:32::/64 metric 7 mtu 1400 expires 100 nexthop via 2001:db8:1::2 dev va nexthop via 2001:db8:2::2 dev vc",
        // nexthop objects
        "nexthop add id 7 via 10.1.0.2 dev va",
        "nexthop add id 8 via 10.2.0.2 dev vc",
        "nexthop add id 9 group 7/8",
        "-6 nexthop add id 17 via 2001:db8:1::2 dev va",
        "-6 nexthop add id 18 via 2001:db8:2::2 dev vc",
        "nexthop add id 19 group 17,2/18",
        "route add 10.11.0.0/16 nhid 7",
        "route add 10.12.0.0/16 nhid 9",
        "-6 route add 2001:db8:30::/64 nhid 17",
        "-6 route add 2001:db8:31::/64 nhid 19 mtu 1400",
        // metrics
        "route add 10.13.0.0/16 via 10.1.0.2 mtu lock 1400 advmss 1360 initcwnd 10 initrwnd 20 window 65535 rtt 100ms rttvar 50ms hoplimit 32 quickack 1 congctl reno features ecn",
        "route add 10.14.0.0/16 via 10.1.0.2 mtu 1300 congctl lock cubic reordering 3 ssthresh 100 cwnd 10 fastopen_no_cookie 1 rto_min 20ms",
        "route add 10.15.0.0/16 via 10.1.0.2 rtt 1500ms rttvar 2s rto_min 1234ms",
        "route add 10.20.0.0/16 dev va mtu lock 1500 initcwnd 4",
        "-6 route add 2001:db8:21::/64 via 2001:db8:1::2 mtu 1280 hoplimit 5",
        // tos, via inet6, realms
        "route add 10.16.0.0/16 tos 0x10 via 10.1.0.2",
        "route add 10.17.0.0/16 tos 0x08 nhid 7",
        "route add 10.18.0.0/16 via inet6 fe80::1 dev va",
        "route add 10.19.0.0/16 via 10.1.0.2 realm 5",
        "route add 10.21.0.0/16 via 10.1.0.2 realms 3/4",
        "route add 10.46.0.0/16 via 10.1.0.2 mtu 1400 table 100 realm 2 proto static metric 9",
        // expires
        "-6 route add 2001:db8:20::/64 via 2001:db8:1::2 expires 300",
    ] {
        ns.ip(command);
    }
    ns
}

/// `expires 299sec` → (`expires Nsec`, [299]): the text without the seconds, and them.
fn split_expires(lines: &[String]) -> (Vec<String>, Vec<u32>) {
    let mut seconds = Vec::new();
    let text = lines
        .iter()
        .map(|line| {
            let mut words: Vec<String> = line.split(' ').map(str::to_string).collect();
            for i in 1..words.len() {
                if words[i - 1] == "expires" {
                    if let Some(n) = words[i].strip_suffix("sec").and_then(|n| n.parse().ok()) {
                        seconds.push(n);
                        words[i] = "Nsec".into();
                    }
                }
            }
            words.join(" ")
        })
        .collect();
    (text, seconds)
}

/// `routes ARGS` against `ip ROUTE_ARGS`: same text, same exit status, same stderr.
fn compare(ns: &Netns, ours_args: &[&str], ip_args: &str) -> usize {
    let ours = ns.run_ours("routes", ours_args);
    let ip = ns.run("ip", &ip_args.split_whitespace().collect::<Vec<_>>());
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    assert_eq!(
        ours.status.code(),
        ip.status.code(),
        "routes {ours_args:?} vs ip {ip_args}: {}",
        text(&ours.stderr)
    );
    assert_eq!(text(&ours.stderr), text(&ip.stderr), "stderr of routes {ours_args:?}");
    let (ours_lines, ours_expires) = split_expires(&trimmed_lines(&text(&ours.stdout)));
    let (ip_lines, ip_expires) = split_expires(&trimmed_lines(&text(&ip.stdout)));
    assert_eq!(ours_lines, ip_lines, "routes {ours_args:?} differs from ip {ip_args}");
    assert_eq!(ours_expires.len(), ip_expires.len());
    for (a, b) in ours_expires.iter().zip(&ip_expires) {
        assert!(a.abs_diff(*b) <= 2, "expires {a}sec vs ip's {b}sec");
    }
    ours_lines.len()
}

#[test]
fn routes_long_tail_matches_ip_route() {
    let ns = long_tail_namespace("routes-more");
    let mut lines = 0;
    for (ours, ip) in [
        (&[][..], "route show table main"),
        (&["-6"][..], "-6 route show table main"),
        (&["--table", "all"][..], "route show table all"),
        (&["-6", "--table", "all"][..], "-6 route show table all"),
        (&["--table", "100"][..], "route show table 100"),
        (&["--table", "300"][..], "route show table 300"),
        (&["-6", "--table", "300"][..], "-6 route show table 300"),
    ] {
        lines += compare(&ns, ours, ip);
    }
    // What each attribute looks like, so a regression in both tools is still caught.
    let v4 = ns.ours("routes", &[]);
    let v6 = ns.ours("routes", &["-6"]);
    for expected in [
        "10.10.0.0/16\n\tnexthop via 10.1.0.2 dev va weight 1\n\tnexthop via 10.2.0.2 dev vc weight 3\n",
        "10.41.0.0/16\n\tnexthop via 10.1.0.2 realm 3 dev va weight 1\n\tnexthop via inet6 fe80::2 dev vc weight 1\n",
        "10.11.0.0/16 nhid 7 via 10.1.0.2 dev va\n",
        "10.12.0.0/16 nhid 9\n\tnexthop via 10.1.0.2 dev va weight 1\n",
        "10.13.0.0/16 via 10.1.0.2 dev va mtu lock 1400 window 65535 rtt 100ms rttvar 50ms advmss 1360 hoplimit 32 initcwnd 10 features ecn initrwnd 20 quickack 1 congctl reno\n",
        "10.14.0.0/16 via 10.1.0.2 dev va mtu 1300 ssthresh 100 cwnd 10 reordering 3 rto_min lock 20ms congctl lock cubic fastopen_no_cookie 1\n",
        "10.15.0.0/16 via 10.1.0.2 dev va rtt 1.5s rttvar 2s rto_min lock 1.234s\n",
        "10.16.0.0/16 tos 0x10 via 10.1.0.2 dev va\n",
        "10.17.0.0/16 nhid 7 tos 0x08 via 10.1.0.2 dev va\n",
        "10.18.0.0/16 via inet6 fe80::1 dev va\n",
        "10.19.0.0/16 via 10.1.0.2 dev va realm 5\n",
        "10.21.0.0/16 via 10.1.0.2 dev va realms 3/4\n",
    ] {
        assert!(v4.contains(expected), "missing `{expected}` in\n{v4}");
    }
    for expected in [
        "2001:db8:10::/64 metric 1024 pref medium\n\tnexthop via 2001:db8:1::2 dev va weight 2\n",
        "2001:db8:30::/64 nhid 17 via 2001:db8:1::2 dev va metric 1024 pref medium\n",
        "2001:db8:31::/64 nhid 19 metric 1024 mtu 1400 pref medium\n",
        "2001:db8:21::/64 via 2001:db8:1::2 dev va metric 1024 mtu 1280 hoplimit 5 pref medium\n",
    ] {
        assert!(v6.contains(expected), "missing `{expected}` in\n{v6}");
    }
    let expiring: Vec<&str> = v6.lines().filter(|l| l.contains(" expires ")).collect();
    assert_eq!(
        expiring.len(),
        3,
        "the address's route, the route added with expires, the multipath one:\n{v6}"
    );
    let missing = ns.run_ours("routes", &["--table", "300"]);
    assert_eq!(missing.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&missing.stderr),
        "Error: ipv4: FIB table does not exist.\nDump terminated\n"
    );
    eprintln!("routes: {lines} lines over 7 views equal to ip's");
}
