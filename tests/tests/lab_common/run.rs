//! Running a student's client as a black box with a deadline: a run that does not finish is
//! killed and reported as such (a loop that never ends), never left to hang the grader.

use std::io::Write;
use std::process::{Command, ExitStatus, Stdio};
use std::thread;
use std::time::Duration;
use tests::{bin, wait_output_within};

/// One run: its exit status (None when it had to be killed), stdout, stderr.
pub struct Run {
    pub status: Option<ExitStatus>,
    pub out: String,
    pub err: String,
    pub limit: Duration,
}

impl Run {
    pub fn code(&self) -> Option<i32> {
        self.status.and_then(|s| s.code())
    }

    /// What happened, for a failure message.
    pub fn said(&self) -> String {
        let how = match (self.status, self.code()) {
            (None, _) => format!(
                "still running after {:?} (killed, its output lost): a loop that never ends?",
                self.limit
            ),
            (Some(_), Some(101)) => "exit 101: it PANICKED".to_string(),
            (Some(_), Some(c)) => format!("exit {c}"),
            (Some(_), None) => "killed by a signal".to_string(),
        };
        let err: Vec<&str> = self.err.lines().filter(|l| !l.trim().is_empty()).take(3).collect();
        format!("{how}; stdout {:?}; stderr {:?}", self.out, err.join(" | "))
    }
}

/// Run the workspace binary `name` with `args`, `stdin` as its input, for at most `limit`.
pub fn run_bounded(name: &str, args: &[&str], stdin: &[u8], limit: Duration) -> Run {
    let mut child = Command::new(bin(name))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("spawn {name}: {e}"));
    let mut input = child.stdin.take().expect("stdin");
    let data = stdin.to_vec();
    let writer = thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let (status, out, err) = wait_output_within(child, limit);
    let _ = writer.join();
    Run {
        status,
        out,
        err,
        limit,
    }
}
