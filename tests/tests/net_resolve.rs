//! Black-box tests of `resolve`: getaddrinfo and gethostbyname on names that never leave
//! the machine (`localhost`, numeric addresses) and on a name that must fail
//! (`.invalid` is reserved by RFC 2606, so no DNS server may answer it).

use tests::run_client;

fn resolve(args: &[&str]) -> (i32, String, String) {
    let (status, out, err) = run_client("resolve", args, b"");
    (status.code().unwrap_or(-1), out, err)
}

#[test]
fn localhost_prints_the_lecture_format() {
    let (code, out, err) = resolve(&["localhost"]);
    assert_eq!(code, 0, "stderr: {err}");
    assert!(out.lines().any(|l| l == "IPV4 : 127.0.0.1"), "stdout: {out}");
    assert!(
        out.lines()
            .all(|l| l.starts_with("IPV4 : ") || l.starts_with("IPV6 : ")),
        "{out}"
    );
}

#[test]
fn ipv4_only_on_localhost() {
    let (code, out, _) = resolve(&["-4", "localhost"]);
    assert_eq!(code, 0);
    assert!(out.lines().all(|l| l.starts_with("IPV4 : ")), "stdout: {out}");
}

#[test]
fn numeric_addresses_resolve_to_themselves() {
    let (code, out, _) = resolve(&["127.0.0.1"]);
    assert_eq!((code, out.as_str()), (0, "IPV4 : 127.0.0.1\n"));
    let (code, out, _) = resolve(&["-6", "::1"]);
    assert_eq!((code, out.as_str()), (0, "IPV6 : ::1\n"));
}

#[test]
fn service_adds_port_and_socket_type() {
    let (code, out, _) = resolve(&["127.0.0.1", "80"]);
    assert_eq!((code, out.as_str()), (0, "IPV4 : 127.0.0.1  port 80  STREAM\n"));
    let (code, out, _) = resolve(&["::1", "domain", "--dgram"]);
    assert_eq!((code, out.as_str()), (0, "IPV6 : ::1  port 53  DGRAM\n"));
}

#[test]
fn canonical_name_is_printed_first() {
    let (code, out, _) = resolve(&["--canonical", "localhost"]);
    assert_eq!(code, 0);
    assert_eq!(out.lines().next(), Some("Canonical name: localhost"), "{out}");
}

#[test]
fn unknown_name_exits_2_with_the_gai_message() {
    let (code, out, err) = resolve(&["nonexistent.invalid"]);
    assert_eq!(code, 2, "stdout: {out}");
    assert!(out.is_empty(), "stdout: {out}");
    let known = ["Name or service not known", "No address associated with hostname"];
    let temporary = "Temporary failure in name resolution";
    assert!(
        known.iter().chain([&temporary]).any(|m| err.contains(m)),
        "stderr should carry the gai_strerror text: {err}"
    );
    assert!(err.contains("nonexistent.invalid"), "stderr names the host: {err}");
}

#[test]
fn wrong_family_for_a_literal_exits_2() {
    let (code, _, err) = resolve(&["-6", "127.0.0.1"]);
    assert_eq!(code, 2);
    assert!(err.contains("getaddrinfo: "), "{err}");
}

#[test]
fn hostile_names_never_panic() {
    // Every name is local or under .invalid: no query may reach a real DNS server.
    let long = format!("{}.invalid", "a".repeat(300));
    for name in [
        long.as_str(),
        "..",
        "",
        "%%%.invalid",
        "-.invalid",
        "\u{e9}t\u{e9}.invalid",
    ] {
        let (code, _, err) = resolve(&[name]);
        assert!(code == 0 || code == 2, "{name:?}: exit {code}, stderr {err}");
        assert!(!err.contains("panicked"), "{name:?}: {err}");
    }
}

#[test]
fn gethostbyname_prints_host_and_ipv4() {
    let (code, out, err) = resolve(&["--gethostbyname", "localhost"]);
    assert_eq!(code, 0, "stderr: {err}");
    let mut lines = out.lines();
    assert_eq!(lines.next(), Some("Host resolves to localhost"));
    assert!(out.lines().any(|l| l == "127.0.0.1"), "{out}");
    assert!(!out.contains(':'), "gethostbyname knows no IPv6: {out}");
}

#[test]
fn gethostbyname_knows_no_ipv6() {
    let (code, out, err) = resolve(&["--gethostbyname", "::1"]);
    assert_eq!(code, 2, "stdout: {out}");
    assert!(err.contains("gethostbyname: "), "{err}");
}

#[test]
fn gethostbyname_unknown_name_exits_2_with_hstrerror() {
    let (code, _, err) = resolve(&["--gethostbyname", "nonexistent.invalid"]);
    assert_eq!(code, 2);
    let texts = ["Unknown host", "Host name lookup failure", "No address associated"];
    assert!(texts.iter().any(|t| err.contains(t)), "stderr: {err}");
}

#[test]
fn bad_flags_exit_2() {
    let (code, _, err) = resolve(&["-4", "-6", "localhost"]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot be used with"), "{err}");
}

/// glibc keeps the low 16 bits of a numeric service; `resolve` refuses instead of wrapping.
#[test]
fn numeric_ports_outside_the_16_bit_range_are_refused() {
    for port in ["65536", "99999", "-1", "18446744073709551616"] {
        let (code, out, err) = resolve(&["-4", "--", "localhost", port]);
        assert_eq!(code, 2, "{port}: {out}");
        assert!(out.is_empty(), "{port}: {out}");
        assert!(err.contains(&format!("port {port} is out of range")), "{port}: {err}");
    }
    for (port, shown) in [("0", "port 0 "), ("65535", "port 65535 "), ("080", "port 80 ")] {
        let (code, out, err) = resolve(&["-4", "localhost", port]);
        assert_eq!(code, 0, "{port}: {err}");
        assert!(out.contains(shown), "{port}: {out}");
    }
}

/// Our lines rebuilt from Python's `socket.getaddrinfo` (glibc underneath) on the same
/// arguments: same addresses, same order, same ports and socket types.
#[test]
fn results_match_python_getaddrinfo() {
    const SCRIPT: &str = r#"
import socket, sys
host, service, family, dgram = sys.argv[1], sys.argv[2] or None, sys.argv[3], sys.argv[4] == "1"
fam = {"4": socket.AF_INET, "6": socket.AF_INET6, "": socket.AF_UNSPEC}[family]
kind = socket.SOCK_DGRAM if dgram else socket.SOCK_STREAM
for f, t, _, _, addr in socket.getaddrinfo(host, service, fam, kind):
    label = "IPV4" if f == socket.AF_INET else "IPV6"
    if service is None:
        print(f"{label} : {addr[0]}")
    else:
        print(f"{label} : {addr[0]} port {addr[1]} {'DGRAM' if t == socket.SOCK_DGRAM else 'STREAM'}")
"#;
    let cases: [(&str, &str, &str, bool); 10] = [
        ("localhost", "", "", false),
        ("127.0.0.1", "", "", false),
        ("::1", "", "", false),
        ("localhost", "80", "", false),
        ("localhost", "http", "4", false),
        ("::1", "domain", "", true),
        ("127.0.0.1", "0", "4", false),
        ("127.0.0.1", "65535", "", true),
        ("localhost", "ssh", "", false),
        ("127.0.0.2", "8080", "4", false),
    ];
    for (host, service, family, dgram) in cases {
        let py = std::process::Command::new("python3")
            .args(["-c", SCRIPT, host, service, family, if dgram { "1" } else { "0" }])
            .output()
            .expect("run python3");
        assert!(py.status.success(), "python: {}", String::from_utf8_lossy(&py.stderr));
        let mut args = vec![host];
        if !service.is_empty() {
            args.push(service);
        }
        match family {
            "4" => args.push("-4"),
            "6" => args.push("-6"),
            _ => {}
        }
        if dgram {
            args.push("--dgram");
        }
        let (code, out, err) = resolve(&args);
        assert_eq!(code, 0, "{args:?}: {err}");
        let collapse = |t: &str| -> Vec<String> {
            t.lines()
                .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
                .collect()
        };
        let theirs = collapse(&String::from_utf8_lossy(&py.stdout));
        assert!(!theirs.is_empty(), "{args:?}: python found nothing");
        assert_eq!(
            collapse(&out),
            theirs,
            "{args:?}: resolve (left) vs Python getaddrinfo (right)"
        );
    }
}
