//! Shared by the namespace tests (`net_rtnetlink.rs`, `net_routes_more.rs`): a network
//! namespace created for the test and deleted when dropped, `ip` and our binaries run inside.

#![allow(dead_code)] // each test file uses its own part

use std::process::{Command, Output};

use tests::bin;

/// A network namespace, deleted when dropped (also when an assertion fails).
pub struct Netns(pub String);

impl Netns {
    pub fn new(tag: &str) -> Netns {
        let name = format!("rlab-{tag}-{}", std::process::id());
        let out = Command::new("ip").args(["netns", "add", &name]).output();
        let out = out.unwrap_or_else(|e| panic!("cannot run `ip` (install iproute2): {e}"));
        assert!(
            out.status.success(),
            "cannot create a network namespace (`ip netns add {name}`; needs root or CAP_SYS_ADMIN): {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Netns(name)
    }

    /// Run `ip ARGS` inside the namespace; panics with ip's message if it fails.
    pub fn ip(&self, args: &str) -> String {
        self.exec("ip", &args.split_whitespace().collect::<Vec<_>>())
    }

    pub fn exec(&self, program: &str, args: &[&str]) -> String {
        let out = Command::new("ip")
            .args(["netns", "exec", &self.0, program])
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("ip netns exec {program}: {e}"));
        assert!(
            out.status.success(),
            "{program} {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn ours(&self, name: &str, args: &[&str]) -> String {
        let path = bin(name);
        self.exec(path.to_str().expect("utf-8 path"), args)
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        let _ = Command::new("ip").args(["netns", "del", &self.0]).status();
    }
}

impl Netns {
    /// Run `program ARGS` inside the namespace, whatever its exit status.
    pub fn run(&self, program: &str, args: &[&str]) -> Output {
        Command::new("ip")
            .args(["netns", "exec", &self.0, program])
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("ip netns exec {program}: {e}"))
    }

    /// [`Netns::run`] for one of our binaries.
    pub fn run_ours(&self, name: &str, args: &[&str]) -> Output {
        let path = bin(name);
        self.run(path.to_str().expect("utf-8 path"), args)
    }
}

/// `ip` ends many lines with a space; ours do not.
pub fn trimmed_lines(text: &str) -> Vec<String> {
    text.lines().map(|l| l.trim_end().to_string()).collect()
}
