//! A lab's manifest, `labs/NN-name/lab.txt`: its title, what to build before grading, its
//! checks with their points, and its wrong-but-plausible solutions (a `--bug` or a file each).
//!
//! ```text
//! title: Edge-triggered epoll: drain until WouldBlock
//! build: -p servers --bin echo-server -p clients --bin bug-probe
//! wrong-bug: read-once
//! check: lab07_burst_echoes_fully_on_epoll 4 a 256 KiB burst comes back whole on epoll
//! ```

use std::fs;
use std::path::{Path, PathBuf};

/// One graded check: a test function of `tests/tests/labNN.rs`.
#[derive(Debug, Clone)]
pub struct Check {
    pub test: String,
    pub points: u32,
    pub what: String,
}

/// A wrong-but-plausible solution CI must see fail.
#[derive(Debug, Clone)]
pub enum Wrong {
    /// A lecture bug switched on at run time (`LAB_BUG=NAME` makes the tests pass `--bug NAME`).
    Bug(String),
    /// Replacement text for the lab's regions (`// REGION: title` sections), like a starter.
    File(PathBuf),
}

#[derive(Debug, Clone)]
pub struct Lab {
    pub number: u32,
    /// `labs/NN-name`, relative to the workspace root.
    pub dir: PathBuf,
    pub title: String,
    /// Arguments of `cargo build` that build what the checks run.
    pub build: Vec<String>,
    pub checks: Vec<Check>,
    /// Every `wrong-bug:` and `wrong-file:` line, in order.
    pub wrongs: Vec<Wrong>,
}

impl Lab {
    /// `labNN`: the test target (`tests/tests/labNN.rs`) and the prefix of its tests.
    pub fn test_target(&self) -> String {
        format!("lab{:02}", self.number)
    }

    pub fn readme(&self) -> PathBuf {
        self.dir.join("README.md")
    }

    pub fn total(&self) -> u32 {
        self.checks.iter().map(|c| c.points).sum()
    }
}

/// Every lab under `root/labs`, by number.
pub fn all(root: &Path) -> Result<Vec<Lab>, String> {
    let dir = root.join("labs");
    let entries = fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut labs = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(number) = name.split('-').next().and_then(|n| n.parse::<u32>().ok()) else {
            continue;
        };
        let rel = Path::new("labs").join(&name);
        labs.push(parse(root, number, &rel)?);
    }
    labs.sort_by_key(|l| l.number);
    Ok(labs)
}

/// The lab numbered `number`.
pub fn find(root: &Path, number: u32) -> Result<Lab, String> {
    all(root)?
        .into_iter()
        .find(|l| l.number == number)
        .ok_or_else(|| format!("no lab {number} under labs/ (make grade lists them)"))
}

fn parse(root: &Path, number: u32, rel: &Path) -> Result<Lab, String> {
    let path = root.join(rel).join("lab.txt");
    let text = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut lab = Lab {
        number,
        dir: rel.to_path_buf(),
        title: String::new(),
        build: Vec::new(),
        checks: Vec::new(),
        wrongs: Vec::new(),
    };
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let bad = || format!("{}:{}: cannot read {line:?}", path.display(), i + 1);
        let (key, value) = line.split_once(':').ok_or_else(bad)?;
        let value = value.trim();
        match key {
            "title" => lab.title = value.to_string(),
            "build" => lab.build = value.split_whitespace().map(String::from).collect(),
            "wrong-bug" => lab.wrongs.push(Wrong::Bug(value.to_string())),
            "wrong-file" => lab.wrongs.push(Wrong::File(rel.join(value))),
            "check" => {
                let mut words = value.splitn(3, ' ');
                let test = words.next().ok_or_else(bad)?.to_string();
                let points = words.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
                let what = words.next().unwrap_or("").to_string();
                if !test.starts_with(&lab.test_target()) {
                    return Err(format!(
                        "{}: check {test} must start with {}_",
                        path.display(),
                        lab.test_target()
                    ));
                }
                lab.checks.push(Check { test, points, what });
            }
            _ => return Err(bad()),
        }
    }
    if lab.checks.is_empty() {
        return Err(format!("{}: no `check:` line", path.display()));
    }
    Ok(lab)
}
