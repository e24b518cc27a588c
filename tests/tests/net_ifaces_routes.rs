//! Black-box tests of `ifaces` (like `ip address`) and `routes` (like `ip route`): the
//! loopback interface every Linux machine has, a saved sample of the `/proc` route formats,
//! and the live `/proc` files.

use std::fs;

use tests::{run_client, TempDir};

fn run(name: &str, args: &[&str]) -> (i32, String, String) {
    let (status, out, err) = run_client(name, args, b"");
    (status.code().unwrap_or(-1), out, err)
}

#[test]
fn ifaces_shows_loopback_like_ip_address() {
    let (code, out, err) = run("ifaces", &[]);
    assert_eq!(code, 0, "{err}");
    let lo = out
        .lines()
        .position(|l| l.contains(": lo: <"))
        .unwrap_or_else(|| panic!("no lo:\n{out}"));
    let header = out.lines().nth(lo).unwrap_or_default();
    let flags = header
        .split_once('<')
        .and_then(|(_, r)| r.split_once('>'))
        .map(|(f, _)| f);
    let flags: Vec<&str> = flags.unwrap_or_default().split(',').collect();
    for flag in ["LOOPBACK", "UP", "LOWER_UP"] {
        assert!(flags.contains(&flag), "{flag} missing in {header}");
    }
    assert!(header.contains(" mtu "), "{header}");
    let block: Vec<&str> = out.lines().skip(lo + 1).take_while(|l| l.starts_with("    ")).collect();
    assert!(
        block
            .iter()
            .any(|l| l.starts_with("    link/loopback 00:00:00:00:00:00")),
        "{block:?}"
    );
    assert!(
        block.iter().any(|l| l.starts_with("    inet 127.0.0.1/8 ")),
        "{block:?}"
    );
}

#[test]
fn ifaces_filter_by_name() {
    let (code, out, _) = run("ifaces", &["lo"]);
    assert_eq!(code, 0);
    assert!(out.starts_with(|c: char| c.is_ascii_digit()), "{out}");
    assert_eq!(out.lines().filter(|l| !l.starts_with("    ")).count(), 1, "{out}");
    let (code, _, err) = run("ifaces", &["no-such-if0"]);
    assert_eq!(code, 1);
    assert!(err.contains("no interface named no-such-if0"), "{err}");
}

const ROUTE_SAMPLE: &str = "\
Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
enp3s0\t00000000\t01C9A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0
enp3s0\t00C9A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0
docker0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0
";

#[test]
fn routes_parses_a_sample_like_the_lecture() {
    let dir = TempDir::new("routes");
    let path = dir.path().join("route");
    fs::write(&path, ROUTE_SAMPLE).expect("write sample");
    let (code, out, err) = run("routes", &["--file", path.to_str().expect("utf-8 path")]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        "default via 192.168.201.1 dev enp3s0 metric 100\n\
         192.168.201.0/24 dev enp3s0 scope link metric 100\n\
         172.17.0.0/16 dev docker0 scope link\n"
    );
}

#[test]
fn routes_parses_an_ipv6_sample() {
    let dir = TempDir::new("routes6");
    let path = dir.path().join("ipv6_route");
    let sample = "\
fe800000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000002 00000000 00000001     eth0
00000000000000000000000000000000 00 00000000000000000000000000000000 00 fe800000000000000000000000000001 00000400 00000002 00000000 00000003     eth0
";
    fs::write(&path, sample).expect("write sample");
    let (code, out, err) = run("routes", &["-6", "--file", path.to_str().expect("utf-8 path")]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        "fe80::/64 dev eth0 metric 256\ndefault via fe80::1 dev eth0 metric 1024\n"
    );
}

#[test]
fn routes_rejects_a_corrupt_file_with_its_line() {
    let dir = TempDir::new("routes-bad");
    let path = dir.path().join("route");
    fs::write(&path, "Iface Destination\neth0 NOTHEX 00000000 0001 0 0 0 00000000\n").expect("write");
    let (code, out, err) = run("routes", &["--file", path.to_str().expect("utf-8 path")]);
    assert_eq!(code, 2, "{out}");
    assert!(err.contains("line 2") && err.contains("destination 'NOTHEX'"), "{err}");
    let (code, _, err) = run("routes", &["--file", "/nonexistent/route"]);
    assert_eq!(code, 1);
    assert!(err.contains("cannot read /nonexistent/route"), "{err}");
}

#[test]
fn routes_file_format_is_recognised() {
    let dir = TempDir::new("routes-format");
    let headerless = dir.path().join("route");
    let body: String = ROUTE_SAMPLE.lines().skip(1).map(|l| format!("{l}\n")).collect();
    fs::write(&headerless, body).expect("write");
    let path = headerless.to_str().expect("utf-8 path");
    let (code, out, err) = run("routes", &["--file", path]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out.lines().next(),
        Some("default via 192.168.201.1 dev enp3s0 metric 100"),
        "{out}"
    );
    assert_eq!(out.lines().count(), 3, "{out}");
    let (code, out, err) = run("routes", &["--file", "/proc/net/ipv6_route"]);
    assert_eq!(code, 2, "{out}");
    assert!(err.contains("add -6"), "{err}");
    let (code, _, err) = run("routes", &["-6", "--file", path]);
    assert_eq!(code, 2);
    assert!(err.contains("IPv4 route file"), "{err}");
}

/// The live `/proc` tables: every line has the `ip route` shape and names an interface.
#[test]
fn routes_reads_the_live_proc_files() {
    let (_, ifaces, _) = run("ifaces", &["--getifaddrs"]);
    for args in [&["--proc"][..], &["--proc", "-6"][..]] {
        let (code, out, err) = run("routes", args);
        assert_eq!(code, 0, "{args:?}: {err}");
        let ipv4 = args.len() == 1;
        let live = fs::read_to_string(if ipv4 {
            "/proc/net/route"
        } else {
            "/proc/net/ipv6_route"
        })
        .expect("read /proc");
        let expected_lines = live.lines().filter(|l| !l.trim().is_empty()).count() - usize::from(ipv4);
        assert!(out.lines().count() <= expected_lines, "{out}");
        for line in out.lines() {
            let dev = line
                .split_once(" dev ")
                .map(|(_, r)| r.split(' ').next().unwrap_or_default());
            let dev = dev.unwrap_or_else(|| panic!("no dev in {line:?}"));
            assert!(ifaces.contains(&format!(": {dev}: <")), "{line:?}: {dev} not in ifaces");
        }
    }
}
