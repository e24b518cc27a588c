//! CPU time of another process group, read from `/proc`: how a load generator charges a
//! server for the work it did (`loadgen --server-pid PID`).
//!
//! A server started with `setsid` leads its own process group, so "the server" is every
//! process whose group is its PID (the fork model's children included) and every thread of
//! those processes. For each thread, `/proc/PID/task/TID/schedstat` starts with the
//! nanoseconds it has spent on a CPU (the scheduler's own clock, finer than the 10 ms ticks
//! of `getrusage(2)` and `/proc/PID/stat`). Summing them twice, around a measured window,
//! gives the server's CPU time inside it. Threads that exit inside the window take their
//! time with them, so the figure is for servers whose workers live through the run.

use std::fs;
use std::io;
use std::path::Path;

/// Nanoseconds on a CPU of every thread of every process in process group `pgid`.
/// `NotFound` when no such process exists (the server exited).
pub fn group_cpu_ns(pgid: i32) -> io::Result<u64> {
    let mut total = 0u64;
    let mut found = false;
    for entry in fs::read_dir("/proc")? {
        let Ok(entry) = entry else { continue };
        let Some(pid) = entry.file_name().to_str().and_then(|s| s.parse::<i32>().ok()) else {
            continue;
        };
        // A process may vanish between the listing and the read: skip it.
        let Ok(stat) = fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        if process_group(&stat) != Some(pgid) {
            continue;
        }
        found = true;
        total += process_cpu_ns(&entry.path());
    }
    if !found {
        return Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!("no process in group {pgid}"),
        ));
    }
    Ok(total)
}

/// The process group (5th field) of a `/proc/PID/stat` line. The command name (2nd field)
/// is in parentheses and may hold spaces or parentheses, so fields are counted after the
/// last `)`.
pub fn process_group(stat: &str) -> Option<i32> {
    let rest = &stat[stat.rfind(')')? + 1..];
    // After the name: state, ppid, pgrp.
    rest.split_whitespace().nth(2)?.parse().ok()
}

/// The first field of a `schedstat` line: time on a CPU, in nanoseconds.
pub fn schedstat_ns(line: &str) -> Option<u64> {
    line.split_whitespace().next()?.parse().ok()
}

/// Sum over the threads of one process (`/proc/PID/task/*/schedstat`).
fn process_cpu_ns(proc_dir: &Path) -> u64 {
    let Ok(tasks) = fs::read_dir(proc_dir.join("task")) else {
        return 0;
    };
    tasks
        .flatten()
        .filter_map(|t| fs::read_to_string(t.path().join("schedstat")).ok())
        .filter_map(|line| schedstat_ns(&line))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_fields_are_counted_after_the_name() {
        assert_eq!(process_group("42 (echo-server) S 1 42 42 0 -1"), Some(42));
        assert_eq!(process_group("7 (a) b) (c) R 3 99 99 0"), Some(99));
        assert_eq!(process_group("garbage"), None);
        assert_eq!(schedstat_ns("123456 789 10\n"), Some(123_456));
        assert_eq!(schedstat_ns(""), None);
    }

    #[test]
    fn our_own_group_has_spent_cpu() -> io::Result<()> {
        let pgid = nix::unistd::getpgrp().as_raw();
        assert!(group_cpu_ns(pgid)? > 0);
        assert_eq!(
            group_cpu_ns(i32::MAX).map_err(|e| e.kind()),
            Err(io::ErrorKind::NotFound)
        );
        Ok(())
    }
}
