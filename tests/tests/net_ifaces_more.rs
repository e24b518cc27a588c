//! `ifaces` beside `ip address` on what a container host shows: interfaces with altnames
//! (`ip link property add … altname …`), named by one of them, and veths whose peer lives in
//! another namespace, a named one (`link-netns NAME`) and an unnamed one, made by
//! `unshare -n` (`link-netnsid N`).
//!
//! Needs root, `ip` (iproute2) and `unshare` (util-linux): CI runs as root. veth is the only
//! device type used; nothing is skipped.

mod netns_common;

use std::process::{Child, Command, Stdio};

use netns_common::{trimmed_lines, Netns};

/// A process alone in a new, unnamed network namespace (`unshare -n sleep`), killed when
/// dropped: its namespace disappears with it.
struct Unnamed(Child);

impl Unnamed {
    fn new() -> Unnamed {
        let child = Command::new("unshare")
            .args(["-n", "sleep", "30"])
            .stdin(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run `unshare` (util-linux): {e}"));
        let unnamed = Unnamed(child);
        // Wait until the child has entered its namespace (it is not ours any more).
        let ours = std::fs::read_link("/proc/self/ns/net").ok();
        for _ in 0..200 {
            let theirs = std::fs::read_link(format!("/proc/{}/ns/net", unnamed.0.id())).ok();
            if theirs.is_some() && theirs != ours {
                return unnamed;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        panic!("unshare -n did not enter a new network namespace within 2 s");
    }
}

impl Drop for Unnamed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn same_as_ip(ns: &Netns, ours_args: &[&str], ip_args: &str) -> String {
    let ours = ns.ours("ifaces", ours_args);
    let ip = ns.ip(ip_args);
    assert_eq!(
        trimmed_lines(&ours),
        trimmed_lines(&ip),
        "ifaces {ours_args:?} differs from ip {ip_args}"
    );
    ours
}

#[test]
fn altnames_and_peers_in_other_namespaces_match_ip_address() {
    let here = Netns::new("ifaces-alt");
    let there = Netns::new("ifaces-peer");
    let unnamed = Unnamed::new();
    let unnamed_pid = unnamed.0.id().to_string();
    for command in [
        "link set lo up",
        "link add va type veth peer name vb",
        &format!("link set vb netns {}", there.0),
        "link property add dev va altname uplink-to-the-other-namespace",
        "link property add dev va altname va-second-name",
        "link set va up",
        "addr add 192.0.2.1/24 dev va",
        "link add vc type veth peer name vd",
        "link property add dev vc altname local-pair",
        "link add ve type veth peer name vf",
        &format!("link set dev vf netns {unnamed_pid}"),
    ] {
        here.ip(command);
    }
    let all = same_as_ip(&here, &[], "address");
    same_as_ip(&there, &[], "address");
    let by_altname = same_as_ip(
        &here,
        &["uplink-to-the-other-namespace"],
        "address show dev uplink-to-the-other-namespace",
    );
    same_as_ip(&here, &["va"], "address show dev va");
    same_as_ip(&here, &["local-pair"], "address show dev local-pair");
    let peer_side = there.ours("ifaces", &["vb"]);
    assert!(
        by_altname.contains(&format!(" link-netns {}\n", there.0)),
        "{by_altname}"
    );
    assert!(peer_side.contains(&format!(" link-netns {}\n", here.0)), "{peer_side}");
    for expected in [
        "    altname uplink-to-the-other-namespace\n    altname va-second-name\n    inet 192.0.2.1/24",
        "    altname local-pair\n",
    ] {
        assert!(all.contains(expected), "missing `{expected}` in\n{all}");
    }
    let unnamed_peer = here.ours("ifaces", &["ve"]);
    assert!(
        unnamed_peer.contains(" link-netnsid "),
        "a namespace without a name stays a number:\n{unnamed_peer}"
    );
    assert!(
        here.run_ours("ifaces", &["no-such-altname"]).status.code() == Some(1),
        "an unknown name is still refused"
    );
    drop(unnamed);
}
