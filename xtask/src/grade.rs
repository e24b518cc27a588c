//! Grading: build what a lab's checks run (`cargo build`), run its tests
//! (`cargo test -p tests --test labNN`) within a time limit, read which passed, and print the
//! table and score. A run that outlives the limit is killed with every server it started (one
//! process group); the checks that did not finish fail as such, the others keep their result.

use crate::manifest::Lab;
use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long a lab's checks may run, all together (`LAB_TIMEOUT_SECS` to change it).
fn time_limit() -> Duration {
    let secs = std::env::var("LAB_TIMEOUT_SECS").ok().and_then(|s| s.parse().ok());
    Duration::from_secs(secs.unwrap_or(240))
}

/// Where and how to build: the workspace, an optional target directory and profile, and the
/// lecture bug to switch on (the wrong solutions that are a `--bug`).
#[derive(Clone, Default)]
pub struct Env {
    pub root: PathBuf,
    pub target_dir: Option<PathBuf>,
    pub bug: Option<String>,
    /// Print cargo's and the tests' output as they come (a student's `lab-check`).
    pub verbose: bool,
}

impl Env {
    pub fn cargo(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
        cmd.current_dir(&self.root).args(args).env("RUST_BACKTRACE", "0");
        if let Some(dir) = &self.target_dir {
            cmd.env("CARGO_TARGET_DIR", dir);
        }
        match &self.bug {
            Some(bug) => cmd.env("LAB_BUG", bug),
            None => cmd.env_remove("LAB_BUG"),
        };
        cmd
    }
}

/// How one check went.
pub struct Outcome {
    pub test: String,
    pub points: u32,
    pub earned: u32,
    pub what: String,
    /// The test's output when it failed: its numbered steps and the expected-vs-actual panic.
    pub detail: String,
    /// Why it did not run (its `#[ignore = "needs root: ..."]` reason when not root): neither
    /// passed nor failed.
    pub not_run: Option<String>,
}

pub struct Report {
    pub lab: Lab,
    pub outcomes: Vec<Outcome>,
    /// Set when nothing could run (the build failed).
    pub error: Option<String>,
}

impl Report {
    pub fn earned(&self) -> u32 {
        self.outcomes.iter().map(|o| o.earned).sum()
    }
    pub fn full(&self) -> bool {
        self.error.is_none() && self.earned() == self.lab.total()
    }
    /// Everything the failed checks said (and the build error): where a wrong solution's
    /// expected message is looked for.
    pub fn failure_text(&self) -> String {
        let mut text = self.error.clone().unwrap_or_default();
        for o in &self.outcomes {
            text.push('\n');
            text.push_str(&o.detail);
        }
        text
    }
    /// Why some checks did not run, if any did not.
    pub fn not_run(&self) -> Option<&str> {
        self.outcomes.iter().find_map(|o| o.not_run.as_deref())
    }
}

/// Checks that need root carry `#[ignore = "needs root: ..."]`: run them only as root.
fn running_as_root() -> bool {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let euid = status
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .and_then(|ids| ids.split_whitespace().nth(1));
    euid == Some("0")
}

/// Build and run lab `lab`'s checks in `env`.
pub fn run(lab: &Lab, env: &Env) -> Report {
    let fail_all = |error: String| Report {
        lab: lab.clone(),
        outcomes: lab
            .checks
            .iter()
            .map(|c| Outcome {
                test: c.test.clone(),
                points: c.points,
                earned: 0,
                what: c.what.clone(),
                detail: String::new(),
                not_run: None,
            })
            .collect(),
        error: Some(error),
    };
    let mut build: Vec<&str> = vec!["build", "--quiet"];
    build.extend(lab.build.iter().map(String::as_str));
    let mut cmd = env.cargo(&build);
    if !env.verbose {
        cmd.stderr(Stdio::piped()).stdout(Stdio::null());
    }
    match cmd.output() {
        Ok(out) if out.status.success() => {}
        Ok(out) => return fail_all(format!("build failed:\n{}", String::from_utf8_lossy(&out.stderr))),
        Err(e) => return fail_all(format!("cannot run cargo: {e}")),
    }
    let target = lab.test_target();
    let compile = ["test", "--quiet", "-p", "tests", "--test", &target, "--no-run"];
    match env.cargo(&compile).stdin(Stdio::null()).output() {
        Ok(out) if out.status.success() => {}
        Ok(out) => {
            return fail_all(format!(
                "the tests did not build:\n{}",
                String::from_utf8_lossy(&out.stderr)
            ))
        }
        Err(e) => return fail_all(format!("cannot run cargo test: {e}")),
    }
    let mut test = vec!["test", "-p", "tests", "--test", &target, "--", "--test-threads", "2"];
    if running_as_root() {
        test.push("--include-ignored");
    }
    let limit = time_limit();
    // Where each failed check also writes its report (kept when the run is stopped).
    let failures = env
        .target_dir
        .clone()
        .unwrap_or_else(|| env.root.join("target"))
        .join("lab-failures")
        .join(&target);
    let _ = std::fs::remove_dir_all(&failures);
    let _ = std::fs::create_dir_all(&failures);
    let mut cmd = env.cargo(&test);
    cmd.env("LAB_FAILURE_DIR", &failures);
    let (stdout, stderr, success, timed_out) = match run_bounded(cmd, limit) {
        Ok(run) => run,
        Err(e) => return fail_all(format!("cannot run cargo test: {e}")),
    };
    if !timed_out && !success && !stdout.contains("test result:") {
        return fail_all(format!("the tests did not build or run:\n{stderr}"));
    }
    let outcomes = lab
        .checks
        .iter()
        .map(|c| {
            let passed = stdout.lines().any(|l| l.trim() == format!("test {} ... ok", c.test));
            let ran = stdout.lines().any(|l| l.starts_with(&format!("test {} ... ", c.test)));
            let finished = stdout
                .lines()
                .any(|l| l.starts_with(&format!("test {} ... ", c.test)) && !l.ends_with("... "));
            let ignored = format!("test {} ... ignored, ", c.test);
            let not_run = stdout
                .lines()
                .find_map(|l| l.strip_prefix(&ignored))
                .map(str::to_string);
            let detail = if passed || not_run.is_some() {
                String::new()
            } else if timed_out && !finished {
                format!(
                    "this check did not finish in {} s (the run was stopped): the server stopped \
                     answering, or a busy loop or a missed wake-up kept it from answering",
                    limit.as_secs()
                )
            } else if timed_out && !stdout.contains(&format!("---- {} stdout ----", c.test)) {
                std::fs::read_to_string(failures.join(format!("{}.txt", c.test))).unwrap_or_else(|_| {
                    "failed (its details were lost: the run was stopped at the time limit)".to_string()
                })
            } else if !ran {
                format!("no test named {} ran (tests/tests/{target}.rs)", c.test)
            } else {
                failure_output(&stdout, &c.test)
            };
            Outcome {
                test: c.test.clone(),
                points: c.points,
                earned: if passed { c.points } else { 0 },
                what: c.what.clone(),
                detail,
                not_run,
            }
        })
        .collect();
    Report {
        lab: lab.clone(),
        outcomes,
        error: None,
    }
}

/// Run `cmd` in its own process group, for at most `limit`: (stdout, stderr, success,
/// timed out). At the limit the whole group is killed: cargo, the test binary, its servers.
fn run_bounded(mut cmd: Command, limit: Duration) -> std::io::Result<(String, String, bool, bool)> {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()?;
    let out = drain(child.stdout.take());
    let err = drain(child.stderr.take());
    let deadline = Instant::now() + limit;
    let (success, timed_out) = loop {
        if let Some(status) = child.try_wait()? {
            break (status.success(), false);
        }
        if Instant::now() >= deadline {
            kill_group(&mut child);
            break (false, true);
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let text =
        |t: std::thread::JoinHandle<Vec<u8>>| String::from_utf8_lossy(&t.join().unwrap_or_default()).into_owned();
    Ok((text(out), text(err), success, timed_out))
}

/// Read a pipe to its end on a thread.
fn drain(pipe: Option<impl Read + Send + 'static>) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut all = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut all);
        }
        all
    })
}

/// SIGKILL to the child's process group (it leads it: `process_group(0)`), then reap it.
fn kill_group(child: &mut Child) {
    let _ = Command::new("kill")
        .args(["-KILL", "--", &format!("-{}", child.id())])
        .status();
    let _ = child.kill();
    let _ = child.wait();
}

/// The `---- NAME stdout ----` block libtest prints for a failed test.
fn failure_output(stdout: &str, test: &str) -> String {
    let head = format!("---- {test} stdout ----");
    let Some(start) = stdout.find(&head) else {
        return String::from("(no output captured)");
    };
    let rest = &stdout[start + head.len()..];
    let end = ["\n---- ", "\nfailures:\n", "\n\nfailures:"]
        .iter()
        .filter_map(|m| rest.find(m))
        .min()
        .unwrap_or(rest.len());
    rest[..end].trim().to_string()
}

/// The per-check table of one lab, failures first in full.
pub fn print_lab(report: &Report) {
    if let Some(error) = &report.error {
        println!("\n{error}");
    }
    for o in report
        .outcomes
        .iter()
        .filter(|o| o.earned < o.points && !o.detail.is_empty())
    {
        println!("\n=== FAILED {} ({} pts): {}\n{}", o.test, o.points, o.what, o.detail);
    }
    println!("\nLab {} — {}\n", report.lab.number, report.lab.title);
    println!("  {:<7} {:>6}  {:<48} check", "result", "points", "test");
    for o in &report.outcomes {
        let mark = match (&o.not_run, o.earned == o.points) {
            (Some(_), _) => "NOT RUN",
            (None, true) => "PASS",
            (None, false) => "FAIL",
        };
        println!("  {mark:<7} {:>2}/{:<3}  {:<48} {}", o.earned, o.points, o.test, o.what);
    }
    println!("\nScore: {}/{}", report.earned(), report.lab.total());
    if let Some(reason) = report.not_run() {
        println!("Not graded: the checks marked NOT RUN did not run ({reason}); run them as root.");
    } else if report.full() {
        println!("The statement: {}", report.lab.statement().display());
    } else {
        println!(
            "Read the failures above (steps, expected vs actual), then {}.",
            report.lab.statement().display()
        );
    }
}

/// One line per lab (the `make grade` table).
pub fn print_table(reports: &[Report]) {
    println!("\n  {:<4} {:<56} {:>7}", "lab", "title", "score");
    let (mut earned, mut total) = (0, 0);
    for r in reports {
        let note = match (&r.error, r.not_run()) {
            (Some(_), _) => "  (build failed)".to_string(),
            (None, Some(reason)) => format!("  (not run: {reason})"),
            (None, None) => String::new(),
        };
        println!(
            "  {:<4} {:<56} {:>3}/{:<3}{note}",
            r.lab.number,
            r.lab.title,
            r.earned(),
            r.lab.total()
        );
        earned += r.earned();
        total += r.lab.total();
    }
    println!("\nScore: {earned}/{total}");
}

/// The same as JSON, for a teacher's scripts.
pub fn json(reports: &[Report]) -> String {
    let labs: Vec<_> = reports
        .iter()
        .map(|r| {
            serde_json::json!({
                "lab": r.lab.number,
                "title": r.lab.title,
                "score": r.earned(),
                "total": r.lab.total(),
                "error": r.error,
                "checks": r.outcomes.iter().map(|o| serde_json::json!({
                    "test": o.test, "what": o.what, "points": o.points, "earned": o.earned,
                    "passed": o.earned == o.points, "not_run": o.not_run,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let earned: u32 = reports.iter().map(Report::earned).sum();
    let total: u32 = reports.iter().map(|r| r.lab.total()).sum();
    serde_json::to_string_pretty(&serde_json::json!({ "score": earned, "total": total, "labs": labs }))
        .unwrap_or_default()
}

/// The workspace root: the directory of the `Cargo.toml` holding `[workspace]`, from the
/// current directory up.
pub fn workspace_root() -> Result<PathBuf, String> {
    let mut dir = std::env::current_dir().map_err(|e| e.to_string())?;
    loop {
        let manifest = dir.join("Cargo.toml");
        if std::fs::read_to_string(&manifest).is_ok_and(|t| t.contains("[workspace]")) {
            return Ok(dir);
        }
        if !dir.pop() {
            return Err("not inside the reactor-lab workspace".into());
        }
    }
}

/// `path` relative to `root` for messages.
pub fn rel<'a>(root: &Path, path: &'a Path) -> &'a Path {
    path.strip_prefix(root).unwrap_or(path)
}
