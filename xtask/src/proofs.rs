//! `cargo xtask proofs`: CI's proof that every lab can be trusted.
//!
//! For each lab: (1) on this tree its grader gives full marks; (2) with its regions stripped to
//! the starter, the tree still builds and the grader gives less; (3) its wrong-but-plausible
//! solutions (a `--bug` at run time, or replacement text in `labs/NN-name/wrong/`) build and
//! score less, each with the message it names in its `// EXPECT:` line (or after `=>` in
//! lab.txt): a grader must fail a mistake for the right reason. `proofs` proves one wrong
//! solution per lab, chosen from the HEAD commit (another one at the next commit);
//! `proofs --full` proves them all.
//!
//! Proofs 2 and 3 build a copy of the tree, `target/labs/tree`, into its own persistent
//! target directory, `target/labs/target`. Files are copied only when their content changed, so
//! cargo rebuilds only the crate a lab strips, and only the binaries its checks run. The first
//! time, the target directory is seeded with hard links to the registry crates already built in
//! `target/debug` (never the workspace's own, which are rebuilt into fresh files), so the
//! dependencies are not compiled twice.

use crate::grade::{self, Env, Report};
use crate::manifest::{self, Lab, Wrong, WrongCase};
use crate::regions;
use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

/// One wrong solution graded: its score, whether its message showed, how long it took.
struct WrongRow {
    case: WrongCase,
    report: Report,
    secs: u64,
}

impl WrongRow {
    fn holds(&self) -> bool {
        built(&self.report) && !self.report.full() && self.report.failure_text().contains(&self.case.expect)
    }
}

pub fn run(root: &Path, only: Option<u32>, full: bool) -> Result<bool, String> {
    let labs: Vec<Lab> = manifest::all(root)?
        .into_iter()
        .filter(|l| only.map_or(true, |n| n == l.number))
        .collect();
    let tree = root.join("target/labs/tree");
    let target = root.join("target/labs/target");
    seed_target_dir(root, &target)?;
    let main = Env {
        root: root.to_path_buf(),
        ..Env::default()
    };
    let copy = Env {
        root: tree.clone(),
        target_dir: Some(target),
        ..Env::default()
    };
    let seed = head_seed(root);
    let verbose = std::env::var_os("LAB_PROOFS_VERBOSE").is_some();
    let mut rows = Vec::new();
    let mut not_run = Vec::new();
    let mut ok = true;
    for lab in &labs {
        let started = Instant::now();
        let reference = grade::run(lab, &main);
        // Checks that need root, run by someone else: no proof either way.
        if let Some(reason) = reference.not_run() {
            not_run.push(format!("  {:<4} not run: {reason}", lab.number));
            continue;
        }
        sync(root, &tree)?;
        let starter_text = starter(root, lab)?;
        regions::strip(&tree, lab.number, &starter_text, &|t| crate::todo_stub(lab, t))?;
        let stripped = grade::run(lab, &copy);
        let mut wrongs = Vec::new();
        for case in chosen(lab, full, seed) {
            let clock = Instant::now();
            let report = match &case.how {
                Wrong::Bug(bug) => grade::run(
                    lab,
                    &Env {
                        bug: Some(bug.clone()),
                        ..main.clone()
                    },
                ),
                Wrong::File(file) => {
                    sync(root, &tree)?;
                    let sections = regions::read_sections(&root.join(file))?;
                    regions::strip(&tree, lab.number, &sections, &|_| None)?;
                    grade::run(lab, &copy)
                }
            };
            wrongs.push(WrongRow {
                case,
                report,
                secs: clock.elapsed().as_secs(),
            });
        }
        // A starter or a wrong solution that does not build proves nothing about the grader:
        // each must build, run, and score below full marks.
        let verdicts = [
            reference.full(),
            built(&stripped) && !stripped.full(),
            !wrongs.is_empty() && wrongs.iter().all(WrongRow::holds),
        ];
        let show = |report: &Report, what: &str, failed: bool| {
            if verbose || report.error.is_some() || failed {
                println!("lab {} {what}:", lab.number);
                grade::print_lab(report);
            }
        };
        show(&reference, "reference", !reference.full());
        show(&stripped, "starter", false);
        for w in &wrongs {
            show(&w.report, &format!("wrong {}", w.case.name), !w.holds());
            if !w.holds() && built(&w.report) && !w.report.full() {
                println!("  (expected the message to contain {:?})", w.case.expect);
            }
        }
        ok &= verdicts.iter().all(|v| *v);
        rows.push((
            lab.clone(),
            reference,
            stripped,
            wrongs,
            verdicts,
            started.elapsed().as_secs(),
        ));
    }
    sync(root, &tree)?;
    println!(
        "\nLab proofs: (1) reference = full marks, (2) starter builds and scores less, (3) each wrong \
         solution scores less with its message ({})\n",
        if full {
            "all of them"
        } else {
            "one per lab, chosen from the HEAD commit; --full for all"
        }
    );
    println!("  lab  reference  starter    time  proofs");
    let score = |r: &Report| format!("{}/{}", r.earned(), r.lab.total());
    for (lab, reference, stripped, wrongs, verdicts, secs) in rows {
        let marks: String = verdicts.iter().map(|v| if *v { "ok " } else { "FAIL " }).collect();
        println!(
            "  {:<4} {:<10} {:<10} {:>3}s  {}",
            lab.number,
            score(&reference),
            score(&stripped),
            secs,
            marks.trim()
        );
        if wrongs.is_empty() {
            println!("         wrong: MISSING");
        }
        for w in wrongs {
            println!(
                "         wrong {:<34} {:<7} {:>3}s  {}  {:?}",
                w.case.name,
                score(&w.report),
                w.secs,
                if w.holds() { "ok  " } else { "FAIL" },
                w.case.expect
            );
        }
    }
    for line in not_run {
        println!("{line}");
    }
    Ok(ok)
}

/// The wrong solutions to prove: all of them, or one chosen by `seed`.
fn chosen(lab: &Lab, full: bool, seed: u64) -> Vec<WrongCase> {
    if full || lab.wrongs.len() <= 1 {
        return lab.wrongs.clone();
    }
    let pick = (seed.wrapping_add(u64::from(lab.number)) % lab.wrongs.len() as u64) as usize;
    vec![lab.wrongs[pick].clone()]
}

/// A number from the HEAD commit's hash (0 outside git): the sample changes with each commit.
fn head_seed(root: &Path) -> u64 {
    Command::new("git")
        .current_dir(root)
        .args(["rev-parse", "HEAD"])
        .output()
        .ok()
        .and_then(|o| u64::from_str_radix(String::from_utf8_lossy(&o.stdout).get(..12)?, 16).ok())
        .unwrap_or(0)
}

/// The lab's starter sections (`labs/NN-name/starter.rs`), empty when it has none.
pub fn starter(root: &Path, lab: &Lab) -> Result<HashMap<String, String>, String> {
    let path = root.join(&lab.dir).join("starter.rs");
    if path.exists() {
        regions::read_sections(&path)
    } else {
        Ok(HashMap::new())
    }
}

/// Files of the tree as git sees them (tracked, plus new files not ignored).
pub fn tree_files(root: &Path) -> Result<Vec<String>, String> {
    let out = Command::new("git")
        .current_dir(root)
        .args(["ls-files", "-z", "--cached", "--others", "--exclude-standard"])
        .output()
        .map_err(|e| format!("git ls-files: {e}"))?;
    if !out.status.success() {
        return Err(format!("git ls-files: {}", String::from_utf8_lossy(&out.stderr)));
    }
    let files = String::from_utf8_lossy(&out.stdout)
        .split('\0')
        .filter(|f| !f.is_empty() && root.join(f).is_file())
        .map(String::from)
        .collect();
    Ok(files)
}

/// Make `dst` a copy of the tree at `src`, writing only files whose content differs (cargo
/// rebuilds by modification time: an untouched file must stay untouched).
pub fn sync(src: &Path, dst: &Path) -> Result<(), String> {
    for file in tree_files(src)? {
        let from = src.join(&file);
        let to = dst.join(&file);
        let content = fs::read(&from).map_err(|e| format!("{}: {e}", from.display()))?;
        if fs::read(&to).is_ok_and(|old| old == content) {
            continue;
        }
        if let Some(parent) = to.parent() {
            fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        fs::write(&to, content).map_err(|e| format!("{}: {e}", to.display()))?;
    }
    Ok(())
}

/// Hard-link the registry crates of `root/target/debug` into `target/debug`, once.
pub fn seed_target_dir(root: &Path, target: &Path) -> Result<(), String> {
    let from = root.join("target/debug");
    let to = target.join("debug");
    if to.exists() || !from.exists() {
        return Ok(());
    }
    let registry = registry_crates(root)?;
    let is_registry = |file: &str| {
        let stem = file.split('.').next().unwrap_or(file);
        let name = stem.rsplit_once('-').map_or(stem, |(n, _)| n);
        let lib = file.ends_with(".rlib") || file.ends_with(".rmeta") || file.ends_with(".so");
        let name = if lib {
            name.strip_prefix("lib").unwrap_or(name)
        } else {
            name
        };
        registry.contains(&name.replace('-', "_"))
    };
    for sub in ["deps", "build", ".fingerprint"] {
        let dir = to.join(sub);
        fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let Ok(entries) = fs::read_dir(from.join(sub)) else {
            continue;
        };
        let mut links = Vec::new();
        for entry in entries.flatten() {
            if is_registry(&entry.file_name().to_string_lossy()) {
                links.push(entry.path());
            }
        }
        if links.is_empty() {
            continue;
        }
        let status = Command::new("cp")
            .arg("-al")
            .args(&links)
            .arg(&dir)
            .status()
            .map_err(|e| format!("cp: {e}"))?;
        if !status.success() {
            return Err(format!("cp -al into {} failed", dir.display()));
        }
    }
    Ok(())
}

/// Names (with `_` for `-`) of the crates.io packages in Cargo.lock.
fn registry_crates(root: &Path) -> Result<HashSet<String>, String> {
    let lock = fs::read_to_string(root.join("Cargo.lock")).map_err(|e| format!("Cargo.lock: {e}"))?;
    let mut names = HashSet::new();
    for block in lock.split("[[package]]") {
        let name = block
            .lines()
            .find_map(|l| l.strip_prefix("name = "))
            .map(|n| n.trim_matches('"').replace('-', "_"));
        if let (Some(name), true) = (name, block.contains("source = \"registry+")) {
            names.insert(name);
        }
    }
    Ok(names)
}

/// Did the lab's code build (whatever the grader then said)?
fn built(report: &grade::Report) -> bool {
    report.error.as_deref().map_or(true, |e| !e.starts_with("build failed"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::Check;
    use std::path::PathBuf;

    fn lab(number: u32, wrongs: usize) -> Lab {
        Lab {
            number,
            dir: PathBuf::from("labs/99-x"),
            title: String::new(),
            build: Vec::new(),
            checks: vec![Check {
                test: "lab99_x".into(),
                points: 1,
                what: String::new(),
            }],
            wrongs: (0..wrongs)
                .map(|i| WrongCase {
                    name: format!("w{i}"),
                    how: Wrong::Bug(format!("b{i}")),
                    expect: String::new(),
                })
                .collect(),
        }
    }

    #[test]
    fn the_sample_is_one_wrong_solution_that_changes_with_the_commit() {
        let five = lab(3, 5);
        let picks: HashSet<String> = (0..20).map(|seed| chosen(&five, false, seed)[0].name.clone()).collect();
        assert_eq!(picks.len(), 5, "every wrong solution is chosen for some commit");
        assert!((0..20).all(|seed| chosen(&five, false, seed).len() == 1));
        assert_eq!(chosen(&five, true, 7).len(), 5);
        assert!(chosen(&lab(3, 0), false, 7).is_empty());
    }
}
