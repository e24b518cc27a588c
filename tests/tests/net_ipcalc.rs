//! Black-box tests of `ipcalc`: the lecture's two tables (192.168.0.1/24 and /16), the
//! RFC 3021 /31 and /32 cases, IPv6, and input that must be refused with a clear message.

use tests::run_client;

fn ipcalc(args: &[&str]) -> (i32, String, String) {
    let (status, out, err) = run_client("ipcalc", args, b"");
    (status.code().unwrap_or(-1), out, err)
}

/// The line starting with `label:`, with its runs of spaces collapsed to one.
fn row(out: &str, label: &str) -> String {
    let prefix = format!("{label}:");
    let line = out.lines().find(|l| l.starts_with(&prefix));
    let line = line.unwrap_or_else(|| panic!("no {label} row in:\n{out}"));
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn lecture_slash_24() {
    let (code, out, err) = ipcalc(&["192.168.0.1/24"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        row(&out, "Address"),
        "Address: 192.168.0.1 11000000.10101000.00000000. 00000001"
    );
    assert_eq!(
        row(&out, "Netmask"),
        "Netmask: 255.255.255.0 = 24 11111111.11111111.11111111. 00000000"
    );
    assert_eq!(
        row(&out, "Wildcard"),
        "Wildcard: 0.0.0.255 00000000.00000000.00000000. 11111111"
    );
    assert_eq!(
        row(&out, "Network"),
        "Network: 192.168.0.0/24 11000000.10101000.00000000. 00000000 (Class C)"
    );
    assert_eq!(
        row(&out, "Broadcast"),
        "Broadcast: 192.168.0.255 11000000.10101000.00000000. 11111111"
    );
    assert_eq!(
        row(&out, "HostMin"),
        "HostMin: 192.168.0.1 11000000.10101000.00000000. 00000001"
    );
    assert_eq!(
        row(&out, "HostMax"),
        "HostMax: 192.168.0.254 11000000.10101000.00000000. 11111110"
    );
    assert_eq!(row(&out, "Hosts/Net"), "Hosts/Net: 254 (Private Internet, RFC 1918)");
    assert!(out.lines().any(|l| l == "=>"), "{out}");
}

#[test]
fn lecture_slash_16_given_as_a_netmask() {
    let (code, out, err) = ipcalc(&["192.168.0.1", "255.255.0.0"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        row(&out, "Netmask"),
        "Netmask: 255.255.0.0 = 16 11111111.11111111. 00000000.00000000"
    );
    assert_eq!(
        row(&out, "Broadcast"),
        "Broadcast: 192.168.255.255 11000000.10101000. 11111111.11111111"
    );
    assert_eq!(
        row(&out, "HostMax"),
        "HostMax: 192.168.255.254 11000000.10101000. 11111111.11111110"
    );
    assert_eq!(row(&out, "Hosts/Net"), "Hosts/Net: 65534 (Private Internet, RFC 1918)");
    assert!(row(&out, "Network").ends_with("(Class C)"), "{out}");
}

#[test]
fn prefix_off_an_octet_boundary() {
    let (code, out, _) = ipcalc(&["172.20.5.9/12"]);
    assert_eq!(code, 0);
    assert_eq!(
        row(&out, "Network"),
        "Network: 172.16.0.0/12 10101100.0001 0000.00000000.00000000 (Class B)"
    );
    assert_eq!(
        row(&out, "Hosts/Net"),
        "Hosts/Net: 1048574 (Private Internet, RFC 1918)"
    );
}

#[test]
fn slash_31_point_to_point() {
    let (code, out, _) = ipcalc(&["10.0.0.1/31"]);
    assert_eq!(code, 0);
    assert!(row(&out, "Broadcast").starts_with("Broadcast: none"), "{out}");
    assert!(row(&out, "HostMin").starts_with("HostMin: 10.0.0.0 "), "{out}");
    assert!(row(&out, "HostMax").starts_with("HostMax: 10.0.0.1 "), "{out}");
    assert_eq!(row(&out, "Hosts/Net"), "Hosts/Net: 2 (Private Internet, RFC 1918)");
}

#[test]
fn slash_32_single_host() {
    let (code, out, _) = ipcalc(&["8.8.8.8/32"]);
    assert_eq!(code, 0);
    assert!(row(&out, "Broadcast").starts_with("Broadcast: none"), "{out}");
    assert!(row(&out, "HostMin").starts_with("HostMin: 8.8.8.8 "), "{out}");
    assert_eq!(row(&out, "Hosts/Net"), "Hosts/Net: 1 (Public Internet)");
}

#[test]
fn ranges_and_classes() {
    let cases = [
        ("127.0.0.1/8", "(Loopback, RFC 1122)", 'A'),
        ("169.254.3.4/16", "(Link-Local, RFC 3927)", 'B'),
        ("224.0.0.251/24", "(Multicast, RFC 5771)", 'D'),
        ("10.1.2.3/8", "(Private Internet, RFC 1918)", 'A'),
        ("1.1.1.1/24", "(Public Internet)", 'A'),
        // A block, and the smaller blocks it holds.
        (
            "192.0.0.9/24",
            "(IETF Protocol Assignments, RFC 6890, In Part IPv4 Service Continuity Prefix, RFC 7335 and 4 more special-purpose blocks)",
            'C',
        ),
        ("198.18.0.1/15", "(Benchmarking, RFC 2544)", 'C'),
        ("100.64.1.1/10", "(Shared Address Space, RFC 6598)", 'A'),
        ("203.0.113.7/24", "(Documentation (TEST-NET-3), RFC 5737)", 'C'),
        // The network is described, not the typed address (Perl ipcalc: Class B, In Part …).
        (
            "192.168.0.1/1",
            "(Public Internet, In Part Private Internet, RFC 1918 and 12 more special-purpose blocks)",
            'B',
        ),
    ];
    for (input, range, class) in cases {
        let (code, out, _) = ipcalc(&[input]);
        assert_eq!(code, 0, "{input}");
        assert!(row(&out, "Hosts/Net").ends_with(range), "{input}: {out}");
        assert!(
            row(&out, "Network").ends_with(&format!("(Class {class})")),
            "{input}: {out}"
        );
    }
}

#[test]
fn ipv6_global_slash_64() {
    let (code, out, err) = ipcalc(&["2a00:1450:4007:815::2003/64"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(row(&out, "Address"), "Address: 2a00:1450:4007:815::2003");
    assert_eq!(
        row(&out, "Expanded"),
        "Expanded: 2a00:1450:4007:0815:0000:0000:0000:2003"
    );
    assert_eq!(row(&out, "Network"), "Network: 2a00:1450:4007:815::/64");
    assert_eq!(row(&out, "First"), "First: 2a00:1450:4007:815::");
    assert_eq!(row(&out, "Last"), "Last: 2a00:1450:4007:815:ffff:ffff:ffff:ffff");
    assert_eq!(row(&out, "Addresses"), "Addresses: 2^64 = 18446744073709551616");
    assert_eq!(row(&out, "Type"), "Type: Global Unicast, RFC 4291");
}

#[test]
fn ipv6_types_and_extremes() {
    let cases = [
        ("fe80::9a90:96ff:fed2:650e/64", "Link-Local Unicast, RFC 4291"),
        ("fd00::2/64", "Unique Local Unicast (ULA), RFC 4193"),
        ("::1/128", "Loopback, RFC 4291"),
        ("ff02::1/16", "Multicast, RFC 4291"),
        ("2001:db8:1::1/48", "Documentation, RFC 3849"),
        ("2001:2::5/48", "Benchmarking, RFC 5180"),
        ("64:ff9b::1.2.3.4/96", "IPv4-IPv6 Translation, RFC 6052"),
        ("2002:c000:204::1/48", "6to4, RFC 3056"),
        ("3fff:1::/32", "Documentation, RFC 9637"),
    ];
    for (input, kind) in cases {
        let (code, out, _) = ipcalc(&[input]);
        assert_eq!(code, 0, "{input}");
        assert_eq!(row(&out, "Type"), format!("Type: {kind}"), "{input}");
    }
    let (_, out, _) = ipcalc(&["::1/128"]);
    assert_eq!(row(&out, "Addresses"), "Addresses: 2^0 = 1");
    let (_, out, _) = ipcalc(&["::/0"]);
    assert_eq!(
        row(&out, "Addresses"),
        "Addresses: 2^128 = 340282366920938463463374607431768211456"
    );
}

/// A large IPv6 network names the special-purpose blocks inside it, as the IPv4 side does
/// ("In Part Private Internet" for 128.0.0.0/1).
#[test]
fn ipv6_network_containing_special_blocks_says_in_part() {
    for (input, expected) in [
        (
            "2001:db8::/10",
            "Type: Global Unicast, RFC 4291, In Part IETF Protocol Assignments, RFC 2928 and 2 more special-purpose blocks",
        ),
        ("2002::/15", "Type: Global Unicast, RFC 4291, In Part 6to4, RFC 3056"),
        (
            "fc00::/6",
            "Type: Reserved, RFC 4291, In Part Unique Local Unicast (ULA), RFC 4193 and 2 more special-purpose blocks",
        ),
        ("2001:db8::/32", "Type: Documentation, RFC 3849"),
    ] {
        let (code, out, err) = ipcalc(&[input]);
        assert_eq!(code, 0, "{err}");
        assert_eq!(row(&out, "Type"), expected, "{input}");
    }
}

#[test]
fn invalid_input_is_named_and_exits_2() {
    let cases: &[(&[&str], &str)] = &[
        (&["192.168.0.256/24"], "octet 4 (256) is greater than 255"),
        (&["192.168.0/24"], "expected 4 decimal octets"),
        (&["192.168.0.1/33"], "prefix /33 is out of range"),
        (&["192.168.0.1", "255.0.255.0"], "netmask 255.0.255.0 is not contiguous"),
        (&["192.168.0.1"], "has no prefix"),
        (&["2001:db8::1/129"], "prefix /129 is out of range"),
        (&["2001:db8:::1/64"], "invalid IPv6 address"),
        (&["10.0.0.1/abc"], "invalid prefix"),
        (&["1.2.3.4", "/2x"], "invalid prefix '/2x'"),
        (
            &["::1", "ffff::"],
            "invalid prefix 'ffff::': IPv6 has no dotted netmask",
        ),
        (&["::g"], "invalid IPv6 address '::g'"),
    ];
    for (args, needle) in cases {
        let (code, out, err) = ipcalc(args);
        assert_eq!(code, 2, "{args:?}: {out}");
        assert!(err.contains(needle), "{args:?}: stderr {err:?} lacks {needle:?}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}
