//! A lab's manifest, `labs/NN-name/lab.txt`: its title, what to build before grading, its
//! checks with their points, and its wrong-but-plausible solutions: `--bug`s named there, and
//! the files of `labs/NN-name/wrong/` (replacement text for the regions), each with the
//! message its grading must show.
//!
//! ```text
//! title: Edge-triggered epoll: drain until WouldBlock
//! build: -p servers --bin echo-server -p clients --bin bug-probe
//! wrong-bug: read-once => 262144 bytes back
//! check: lab07_burst_echoes_fully_on_epoll 4 a 256 KiB burst comes back whole on epoll
//! ```
//!
//! A file of `wrong/` says what it is in its opening comment and what the grader must say
//! about it on an `// EXPECT: substring` line.

use std::fs;
use std::path::{Path, PathBuf};

/// One graded check: a test function of `tests/tests/labNN.rs`.
#[derive(Debug, Clone)]
pub struct Check {
    pub test: String,
    pub points: u32,
    pub what: String,
}

/// How a wrong-but-plausible solution is made.
#[derive(Debug, Clone)]
pub enum Wrong {
    /// A lecture bug switched on at run time (`LAB_BUG=NAME` makes the tests pass `--bug NAME`).
    Bug(String),
    /// Replacement text for the lab's regions (`// REGION: title` sections), like a starter.
    File(PathBuf),
}

/// A wrong solution CI must see fail, with a substring of the message it must produce.
#[derive(Debug, Clone)]
pub struct WrongCase {
    pub name: String,
    pub how: Wrong,
    pub expect: String,
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
    pub wrongs: Vec<WrongCase>,
}

impl Lab {
    /// `labNN`: the test target (`tests/tests/labNN.rs`) and the prefix of its tests.
    pub fn test_target(&self) -> String {
        format!("lab{:02}", self.number)
    }

    pub fn readme(&self) -> PathBuf {
        self.dir.join("README.md")
    }

    /// The statement in the student's language: README.fr.md when LANG (or LC_ALL,
    /// LC_MESSAGES) starts with `fr`, README.md otherwise.
    pub fn statement(&self) -> PathBuf {
        let lang = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .find_map(|v| std::env::var(v).ok().filter(|l| !l.is_empty()))
            .unwrap_or_default();
        if lang.starts_with("fr") {
            self.dir.join("README.fr.md")
        } else {
            self.readme()
        }
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
            "wrong-bug" => {
                let (bug, expect) = value.split_once(" => ").ok_or_else(bad)?;
                lab.wrongs.push(WrongCase {
                    name: format!("--bug {}", bug.trim()),
                    how: Wrong::Bug(bug.trim().to_string()),
                    expect: expect.trim().to_string(),
                });
            }
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
    lab.wrongs.extend(wrong_files(root, rel)?);
    Ok(lab)
}

/// The files of `labs/NN-name/wrong/`, by name, each with its `// EXPECT:` line.
fn wrong_files(root: &Path, rel: &Path) -> Result<Vec<WrongCase>, String> {
    let dir = root.join(rel).join("wrong");
    let Ok(entries) = fs::read_dir(&dir) else {
        return Ok(Vec::new());
    };
    let mut files: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|file| {
            let text = fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
            let expect = text
                .lines()
                .find_map(|l| l.strip_prefix("// EXPECT:"))
                .map(|e| e.trim().to_string())
                .ok_or_else(|| format!("{}: no `// EXPECT: message` line", file.display()))?;
            let name = file
                .file_name()
                .map_or(String::new(), |n| n.to_string_lossy().into_owned());
            Ok(WrongCase {
                name,
                how: Wrong::File(rel.join("wrong").join(file.file_name().unwrap_or_default())),
                expect,
            })
        })
        .collect()
}
