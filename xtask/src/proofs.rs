//! `cargo xtask proofs`: CI's proof that every lab can be trusted.
//!
//! For each lab: (1) on this tree its grader gives full marks; (2) with its regions stripped to
//! the starter, the tree still builds and the grader gives less; (3) each of its
//! wrong-but-plausible solutions (a `--bug` at run time, or replacement text shipped in the
//! lab) scores less too, with the message its `// expect:` line names, if any.
//!
//! Proofs 2 and 3 build a copy of the tree, `target/labs/tree`, into its own persistent
//! target directory, `target/labs/target`. Files are copied only when their content changed, so
//! cargo rebuilds only the crate a lab strips, and only the binaries its checks run. The first
//! time, the target directory is seeded with hard links to the registry crates already built in
//! `target/debug` (never the workspace's own, which are rebuilt into fresh files), so the
//! dependencies are not compiled twice.

use crate::grade::{self, Env, Report};
use crate::manifest::{self, Lab, Wrong};
use crate::regions;
use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

pub fn run(root: &Path, only: Option<u32>) -> Result<bool, String> {
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
        let chosen = sample(&lab.wrongs);
        let wrongs = chosen
            .iter()
            .map(|wrong| run_wrong(root, lab, wrong, &main, &copy, &tree))
            .collect::<Result<Vec<_>, String>>()?;
        // A starter or a wrong solution that does not build proves nothing about the grader:
        // each must build, run, and score below full marks (with its expected message, if it
        // names one).
        let verdicts = [
            reference.full(),
            built(&stripped) && !stripped.full(),
            !wrongs.is_empty() && wrongs.iter().all(|(w, expect)| built(w) && !w.full() && expect.is_ok()),
        ];
        let verbose = std::env::var_os("LAB_PROOFS_VERBOSE").is_some();
        let mut shown: Vec<(&Report, &str)> = vec![(&reference, "reference"), (&stripped, "starter")];
        shown.extend(wrongs.iter().map(|(w, _)| (w, "wrong")));
        for (report, what) in shown {
            if verbose || report.error.is_some() || (what == "reference" && !report.full()) {
                println!("lab {} {what}:", lab.number);
                grade::print_lab(report);
            }
        }
        for (_, expect) in &wrongs {
            if let Err(missing) = expect {
                println!("lab {}: {missing}", lab.number);
            }
        }
        ok &= verdicts.iter().all(|v| *v);
        rows.push((
            lab.clone(),
            reference,
            stripped,
            chosen,
            wrongs,
            verdicts,
            started.elapsed().as_secs(),
        ));
    }
    sync(root, &tree)?;
    println!("\nLab proofs: (1) reference = full marks, (2) starter builds and scores less, (3) wrong solution scores less\n");
    println!("  lab  reference  starter    wrong                             time  proofs");
    for (lab, reference, stripped, chosen, wrongs, verdicts, secs) in rows {
        let score = |r: &Report| format!("{}/{}", r.earned(), r.lab.total());
        let mut wrong_texts: Vec<String> = chosen
            .iter()
            .zip(&wrongs)
            .map(|(wrong, (w, _))| match wrong {
                Wrong::Bug(b) => format!("{} (--bug {b})", score(w)),
                Wrong::File(f) => format!("{} ({})", score(w), grade::rel(&lab.dir, f).display()),
            })
            .collect();
        if wrong_texts.is_empty() {
            wrong_texts.push("MISSING".into());
        }
        let marks: String = verdicts.iter().map(|v| if *v { "ok " } else { "FAIL " }).collect();
        println!(
            "  {:<4} {:<10} {:<10} {:<33} {:>3}s  {}",
            lab.number,
            score(&reference),
            score(&stripped),
            wrong_texts[0],
            secs,
            marks.trim()
        );
        for more in &wrong_texts[1..] {
            println!("  {:<4} {:<10} {:<10} {more}", "", "", "");
        }
    }
    for line in not_run {
        println!("{line}");
    }
    Ok(ok)
}

/// The wrong solutions to prove: all of them, or with `LAB_PROOFS_SAMPLE` set (`make test`,
/// which must stay short) one per lab, a different one each day.
fn sample(wrongs: &[Wrong]) -> Vec<Wrong> {
    if std::env::var_os("LAB_PROOFS_SAMPLE").is_none() || wrongs.len() <= 1 {
        return wrongs.to_vec();
    }
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400);
    vec![wrongs[days as usize % wrongs.len()].clone()]
}

/// Grade one wrong solution: a `--bug` switched on at run time, or a file whose sections
/// replace the lab's regions in the copy of the tree. The second value is `Err` when the file's
/// first line, `// expect: TEXT`, names a message no failed check printed.
fn run_wrong(
    root: &Path,
    lab: &Lab,
    wrong: &Wrong,
    main: &Env,
    copy: &Env,
    tree: &Path,
) -> Result<(Report, Result<(), String>), String> {
    match wrong {
        Wrong::Bug(bug) => {
            let env = Env {
                bug: Some(bug.clone()),
                ..main.clone()
            };
            Ok((grade::run(lab, &env), Ok(())))
        }
        Wrong::File(file) => {
            sync(root, tree)?;
            let path = root.join(file);
            let sections = regions::read_sections(&path)?;
            regions::strip(tree, lab.number, &sections, &|_| None)?;
            let report = grade::run(lab, copy);
            let text = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            let expect = match text.lines().next().and_then(|l| l.strip_prefix("// expect: ")) {
                Some(want) if !report.outcomes.iter().any(|o| o.detail.contains(want.trim())) => Err(format!(
                    "{}: no failed check said {:?}",
                    grade::rel(root, &path).display(),
                    want.trim()
                )),
                _ => Ok(()),
            };
            Ok((report, expect))
        }
    }
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
fn seed_target_dir(root: &Path, target: &Path) -> Result<(), String> {
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
