//! The short soak (`scripts/soak/soak.py --short`, also `make soak-short`): a few rows of the
//! overload campaign of `make soak`, at small sizes, against the debug binaries. Each row
//! starts a fresh server on port 0, attacks it over loopback for a bounded time and checks the
//! outcome (still served, descriptors and memory back, no zombie, exit 0 on SIGTERM).
//!
//! The rows are `SHORT` in `scripts/soak/soak.py`: 14 that passed before the fixes of issue
//! 10, and these 9 defect rows, each of which failed before its fix:
//!
//! | row (server, model, scenario) | defect of issue 10 |
//! |---|---|
//! | chat-server, thread, burst-3000 | 1: a fast reader dropped as too slow during a burst |
//! | chat-server, fork, flood-200 | 1: stalled members dropped late / memory of 200 children |
//! | metrics-server, epoll, scrapers-300 | 2: non-reading scrapers cost memory, starve the port |
//! | metrics-server, thread, slow-scrapers | 3: slow scrapers block every scrape |
//! | http-server, epoll, silent | 4: a silent connection is never closed |
//! | http-server, thread, blank-lines | 5: leading blank lines buffered without limit |
//! | http-server, epoll, nofile-64 | 6: 500 for admitted clients at descriptor exhaustion |
//! | chat-server, thread, nofile-64 | 6: three descriptors per member, refused without a word |
//! | chat-server, poll, control-chars | 7: terminal control sequences relayed |

use std::process::Command;
use std::time::Duration;

#[test]
fn short_soak_passes() {
    let bin_dir = tests::bin("echo-server").parent().expect("target dir").to_path_buf();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/soak/soak.py");
    let out_file = bin_dir.join("soak-short-table.md");
    let child = Command::new("python3")
        .arg(script)
        .arg("--short")
        .arg("--bin-dir")
        .arg(&bin_dir)
        .arg("--out")
        .arg(&out_file)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("python3 runs scripts/soak/soak.py");
    let (status, stdout, stderr) = tests::wait_output(child, Duration::from_secs(120));
    assert!(status.success(), "short soak failed:\n{stdout}\n{stderr}");
    // Every row of the table is a PASS, and there are as many rows as SHORT lists.
    let table = std::fs::read_to_string(&out_file).expect("the soak writes its table");
    let rows: Vec<&str> = table
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| server"))
        .collect();
    assert!(rows.len() >= 8, "expected the short rows, got:\n{table}");
    assert!(
        rows.iter().all(|r| r.contains("| PASS |")),
        "a row did not pass:\n{table}"
    );
}
