//! Opening an io_uring, and saying clearly why it failed.
//!
//! `io_uring_setup(2)` creates the two rings shared with the kernel: the *submission queue*
//! (SQ), where the program writes operations, and the *completion queue* (CQ), where the
//! kernel writes their results. Both are `mmap`ed, so filling one and reading the other costs
//! no system call; `io_uring_enter(2)` is only needed to tell the kernel "there is new work"
//! and to sleep until completions arrive.
//!
//! io_uring may be missing even on a recent kernel, and the three causes look alike to a
//! program (`io_uring_setup` fails), so [`open_ring`] names the one it can see:
//!
//! - `ENOSYS`: the kernel was built without io_uring (before 5.1, or `CONFIG_IO_URING=n`),
//!   or a seccomp filter answers ENOSYS (Docker's default profile does, since 2023);
//! - `EPERM`: the sysctl `kernel.io_uring_disabled` is 2 (off for everyone) or 1 (only for
//!   members of `kernel.io_uring_group`), or a seccomp filter / security module refuses it.
//!
//! Both `--model uring` (the readiness backend, `backend/uring.rs`) and
//! `--model uring-completion` (the proactor, `proactor/`) open their ring here.

use io_uring::IoUring;
use std::io;

/// A ring of `entries` submission slots and `cq_entries` completion slots, or an error whose
/// message names why io_uring is not available here.
pub fn open_ring(entries: u32, cq_entries: u32) -> io::Result<IoUring> {
    let ring = match build(entries, cq_entries, true) {
        // Before Linux 5.19 the cooperative flags are unknown: the ring works without them.
        Err(e) if e.raw_os_error() == Some(libc::EINVAL) => build(entries, cq_entries, false),
        other => other,
    }
    .map_err(unavailable)?;
    // The readiness backend sleeps with a timeout passed to io_uring_enter itself
    // (IORING_ENTER_EXT_ARG, Linux 5.11); older kernels would need a timeout operation.
    if !ring.params().is_feature_ext_arg() {
        return Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "io_uring is too old here: io_uring_enter has no timeout argument (IORING_FEAT_EXT_ARG, Linux 5.11)",
        ));
    }
    Ok(ring)
}

/// `io_uring_setup(2)`. With `cooperative`, `IORING_SETUP_COOP_TASKRUN`: the kernel turns
/// finished operations into completions the next time this thread enters the kernel,
/// instead of interrupting it at once (an inter-processor interrupt per wake-up). A
/// one-thread loop enters the kernel all the time anyway; on this course's machine the flag
/// doubled `--model uring`'s round trips at 50 connections. `IORING_SETUP_TASKRUN_FLAG`
/// tells us (a flag in the shared ring) when such work waits, and the `io-uring` crate then
/// enters the kernel for it.
fn build(entries: u32, cq_entries: u32, cooperative: bool) -> io::Result<IoUring> {
    let mut builder = IoUring::builder();
    builder.setup_cqsize(cq_entries);
    if cooperative {
        builder.setup_coop_taskrun().setup_taskrun_flag();
    }
    builder.build(entries)
}

/// Turn the error of `io_uring_setup(2)` into a sentence that names the cause.
fn unavailable(error: io::Error) -> io::Error {
    let cause = match error.raw_os_error() {
        Some(libc::ENOSYS) => {
            "io_uring_setup(2) failed with ENOSYS: this kernel has no io_uring, or a seccomp filter hides it"
                .to_string()
        }
        Some(libc::EPERM) => format!("io_uring_setup(2) failed with EPERM: {}", why_eperm()),
        _ => format!("io_uring_setup(2) failed: {error}"),
    };
    io::Error::new(error.kind(), format!("io_uring is unavailable: {cause}"))
}

/// EPERM has three possible sources; the sysctl is the one a program can read.
fn why_eperm() -> String {
    let sysctl = std::fs::read_to_string("/proc/sys/kernel/io_uring_disabled").unwrap_or_default();
    match sysctl.trim() {
        "2" => "io_uring is disabled for every process (sysctl kernel.io_uring_disabled = 2)".to_string(),
        "1" => {
            "io_uring is reserved to the group kernel.io_uring_group (sysctl kernel.io_uring_disabled = 1)".to_string()
        }
        _ => "a seccomp filter or a security module refuses it (sysctl kernel.io_uring_disabled allows it)".to_string(),
    }
}
