//! `--model uring` and `--model uring-completion` where io_uring is unavailable: exit 1 with
//! a message naming the cause, before binding.
//!
//! How to take io_uring away from one process, on a kernel that has it, without root-only
//! sysctls: a **seccomp filter** installed in the child between `fork` and `exec`
//! (`Command::pre_exec`) makes `io_uring_setup(2)` fail with the errno we choose — exactly
//! what Docker's default profile does. A filter survives `exec` and cannot be removed, so the
//! server runs under it and nothing else does. (`prlimit` cannot do this: no resource limit
//! covers io_uring; `setpriv` installs no seccomp filter; `systemd-run -p SystemCallFilter=`
//! needs a running systemd, which a CI container does not have.)

use std::os::unix::process::CommandExt;
use std::process::{Command, Output};
use tests::*;

#[cfg(target_arch = "x86_64")]
const AUDIT_ARCH: u32 = 0xC000_003E; // AUDIT_ARCH_X86_64, <linux/audit.h>
#[cfg(target_arch = "aarch64")]
const AUDIT_ARCH: u32 = 0xC000_00B7; // AUDIT_ARCH_AARCH64

/// Offsets in `struct seccomp_data { int nr; __u32 arch; ... }`.
const NR_OFFSET: u32 = 0;
const ARCH_OFFSET: u32 = 4;

fn statement(code: u32, k: u32) -> libc::sock_filter {
    libc::sock_filter {
        code: code as u16,
        jt: 0,
        jf: 0,
        k,
    }
}

fn jump_if_equal(k: u32, jt: u8, jf: u8) -> libc::sock_filter {
    libc::sock_filter {
        code: (libc::BPF_JMP | libc::BPF_JEQ | libc::BPF_K) as u16,
        jt,
        jf,
        k,
    }
}

/// A classic-BPF program: "io_uring_setup fails with `errno`; everything else is allowed".
fn deny_io_uring_setup(errno: i32) -> Vec<libc::sock_filter> {
    let load = libc::BPF_LD | libc::BPF_W | libc::BPF_ABS;
    let ret = libc::BPF_RET | libc::BPF_K;
    vec![
        statement(load, ARCH_OFFSET),
        jump_if_equal(AUDIT_ARCH, 0, 3), // another ABI: allow (syscall numbers differ)
        statement(load, NR_OFFSET),
        jump_if_equal(libc::SYS_io_uring_setup as u32, 0, 1),
        statement(ret, libc::SECCOMP_RET_ERRNO | (errno as u32 & libc::SECCOMP_RET_DATA)),
        statement(ret, libc::SECCOMP_RET_ALLOW),
    ]
}

/// A seccomp filter program, kept alive (in the parent) until the child has exec'ed.
struct Filter {
    _program: Vec<libc::sock_filter>,
    fprog: Box<libc::sock_fprog>,
}

impl Filter {
    fn deny_io_uring_setup(errno: i32) -> Filter {
        let mut program = deny_io_uring_setup(errno);
        let fprog = Box::new(libc::sock_fprog {
            len: program.len() as u16,
            filter: program.as_mut_ptr(),
        });
        Filter {
            _program: program,
            fprog,
        }
    }

    /// Make `command`'s child install the filter between fork and exec. The child only
    /// makes two prctl calls there (async-signal-safe) on memory built before the fork.
    fn install_in(&self, command: &mut Command) {
        let fprog = &*self.fprog as *const libc::sock_fprog as usize;
        // SAFETY: the closure allocates nothing and calls only prctl(2); `fprog` points to
        // memory the child inherited and that the parent keeps alive past the spawn.
        unsafe {
            command.pre_exec(move || {
                // Required for an unprivileged process; harmless as root.
                if libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0
                    || libc::prctl(libc::PR_SET_SECCOMP, libc::SECCOMP_MODE_FILTER, fprog) != 0
                {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
    }
}

/// `name args...` with io_uring_setup(2) answering `errno`, run to its end.
fn run_without_io_uring(errno: i32, name: &str, args: &[&str]) -> Output {
    let filter = Filter::deny_io_uring_setup(errno);
    let mut command = Command::new(bin(name));
    command.args(args).stdin(std::process::Stdio::null());
    filter.install_in(&mut command);
    command.output().expect("spawn under the seccomp filter")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn enosys_from_seccomp_is_named_and_exits_1_before_binding() {
    for server in ["echo-server", "chat-server", "http-server", "metrics-server"] {
        let out = run_without_io_uring(libc::ENOSYS, server, &["--model", "uring", "--listen", "127.0.0.1:0"]);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{server}: {stderr}");
        assert!(
            stderr.contains("--model uring") && stderr.contains("io_uring is unavailable"),
            "{server}: {stderr}"
        );
        assert!(
            stderr.contains("ENOSYS") && stderr.contains("seccomp"),
            "{server}: {stderr}"
        );
        assert!(
            text(&out.stdout).is_empty(),
            "{server} bound anyway: {:?}",
            text(&out.stdout)
        );
    }
}

#[test]
fn eperm_is_named_with_its_possible_causes() {
    let out = run_without_io_uring(
        libc::EPERM,
        "echo-server",
        &["--model", "uring-completion", "--listen", "127.0.0.1:0"],
    );
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("--model uring-completion"), "{stderr}");
    assert!(stderr.contains("EPERM"), "{stderr}");
    // The sysctl allows io_uring on this machine (the other tests use it), so the message
    // must point at the filter, not at kernel.io_uring_disabled.
    assert!(stderr.contains("seccomp"), "{stderr}");
}

#[test]
fn a_reactor_client_on_uring_reports_the_cause_too() {
    let server = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = server.local_addr().expect("addr").port().to_string();
    let out = run_without_io_uring(libc::ENOSYS, "tcp-client", &["--model", "uring", "127.0.0.1", &port]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("io_uring is unavailable") && stderr.contains("ENOSYS"),
        "{stderr}"
    );
}

#[test]
fn the_filter_blocks_only_io_uring_epoll_still_serves() {
    // Proof that the failures above come from io_uring_setup alone.
    let filter = Filter::deny_io_uring_setup(libc::ENOSYS);
    let mut command = Command::new(bin("echo-server"));
    command.args(["--model", "epoll", "--listen", "127.0.0.1:0"]);
    filter.install_in(&mut command);
    let server = Server::start_with(&mut command);
    let mut stream = server.connect();
    write_all(&mut stream, b"still epoll\n");
    assert_eq!(read_n(&mut stream, 12), b"still epoll\n");
}

#[test]
fn uring_completion_is_refused_by_servers_without_a_completion_driver() {
    for server in ["chat-server", "http-server", "metrics-server"] {
        let out = Command::new(bin(server))
            .args(["--model", "uring-completion", "--listen", "127.0.0.1:0"])
            .output()
            .expect("spawn");
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{server}: {stderr}");
        assert!(stderr.contains("echo-server only"), "{server}: {stderr}");
        assert!(text(&out.stdout).is_empty(), "{server}: {:?}", text(&out.stdout));
    }
}
