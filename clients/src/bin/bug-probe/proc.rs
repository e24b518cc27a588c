//! What `/proc/PID/status` says about a server: threads and memory.

/// One `Key:` field of `/proc/PID/status` as a number (kB fields without their unit);
/// `None` when the process is gone.
pub fn status_field(pid: i32, key: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status.lines().find_map(|line| {
        let value = line.strip_prefix(key)?.strip_prefix(':')?;
        value.trim().trim_end_matches("kB").trim().parse().ok()
    })
}

/// `threads=N rss=K KiB vm=M MiB`, or `gone` once the process has exited.
pub fn describe(pid: i32) -> String {
    match (
        status_field(pid, "Threads"),
        status_field(pid, "VmRSS"),
        status_field(pid, "VmSize"),
    ) {
        (Some(threads), Some(rss), Some(vm)) => {
            format!("threads={threads} rss={rss} KiB vmsize={} MiB", vm / 1024)
        }
        _ => "gone".to_string(),
    }
}

/// Is the process running (not gone, not a zombie waiting for its parent's `waitpid`)?
pub fn alive(pid: i32) -> bool {
    let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status")) else {
        return false;
    };
    status
        .lines()
        .find_map(|line| line.strip_prefix("State:"))
        .is_some_and(|state| !matches!(state.trim_start().chars().next(), Some('Z' | 'X')))
}
