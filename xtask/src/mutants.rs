//! `cargo xtask mutants N`: mutation testing of lab N's regions, with the lab's grader as the
//! test. `cargo mutants --list --json` (the cargo-mutants tool) writes the mutants of the
//! files holding the regions, each with its diff; those inside a region's body are applied
//! one at a time to a copy of the tree (`target/labs/mutants-tree`, with its own target
//! directory, so that it may run beside the proofs) and graded.
//! A mutant is caught when the grader gives less than full marks, unviable when it does not
//! build, missed otherwise. Every missed mutant must be listed, with a one-line reason (an
//! equivalent mutant), in `labs/NN-name/mutants-allowed.txt`:
//!
//! ```text
//! # function | the mutation, as printed | why it cannot be caught
//! reset | replace = with += in ... | ...
//! ```

use crate::grade::{self, Env};
use crate::manifest::Lab;
use crate::{proofs, regions};
use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

/// One mutant of a region: where, what, and its diff.
struct Mutant {
    function: String,
    description: String,
    file: String,
    line: u64,
    diff: String,
}

pub fn run(root: &Path, lab: &Lab, limit: Option<usize>) -> Result<bool, String> {
    let started = Instant::now();
    let mut mutants = list(root, lab)?;
    if let Some(n) = limit {
        // A fixed sample, spread over the list: the same mutants each time.
        let step = (mutants.len() / n.max(1)).max(1);
        mutants = mutants.into_iter().step_by(step).take(n).collect();
    }
    let allowed = allowed(root, lab)?;
    // A tree and a target directory of its own: the binaries of a target directory are
    // named for the binary alone, so sharing the proofs' would let one overwrite the other's.
    let tree = root.join("target/labs/mutants-tree");
    let target = root.join("target/labs/mutants-target");
    proofs::seed_target_dir(root, &target)?;
    let copy = Env {
        root: tree.clone(),
        target_dir: Some(target),
        ..Env::default()
    };
    let (mut caught, mut unviable, mut missed, mut excused) = (0, 0, Vec::new(), 0);
    println!("lab {}: {} mutants in its regions", lab.number, mutants.len());
    for (i, m) in mutants.iter().enumerate() {
        proofs::sync(root, &tree)?;
        apply(&tree, &m.file, &m.diff)?;
        let report = grade::run(lab, &copy);
        let verdict = if report.error.as_deref().is_some_and(|e| e.starts_with("build failed")) {
            unviable += 1;
            "unviable"
        } else if !report.full() {
            caught += 1;
            "caught"
        } else if allowed.iter().any(|(f, d)| *f == m.function && *d == m.description) {
            excused += 1;
            "missed, allowed"
        } else {
            missed.push(m);
            "MISSED"
        };
        println!(
            "  [{}/{}] {verdict:<15} {}:{} {}: {}",
            i + 1,
            mutants.len(),
            m.file,
            m.line,
            m.function,
            m.description
        );
    }
    proofs::sync(root, &tree)?;
    println!(
        "\nlab {}: {} mutants, {caught} caught, {unviable} unviable, {excused} allowed, {} missed, {} s",
        lab.number,
        mutants.len(),
        missed.len(),
        started.elapsed().as_secs()
    );
    for m in &missed {
        println!(
            "  missed: {} | {}   (a stronger check, or a line in {}/mutants-allowed.txt)",
            m.function,
            m.description,
            lab.dir.display()
        );
    }
    Ok(missed.is_empty())
}

/// The mutants cargo-mutants finds in the files of the lab's regions, kept when they fall
/// inside a region's body.
fn list(root: &Path, lab: &Lab) -> Result<Vec<Mutant>, String> {
    let bodies = regions::body_lines(root, lab.number)?;
    let mut files: Vec<String> = bodies.iter().map(|(f, _, _)| f.display().to_string()).collect();
    files.dedup();
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.current_dir(root)
        .args(["mutants", "--list", "--json", "--no-config"]);
    for f in &files {
        cmd.args(["--file", f]);
    }
    let out = cmd
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| format!("cargo mutants: {e} (make mutants installs it)"))?;
    if !out.status.success() {
        return Err(format!(
            "cargo mutants --list: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let json: serde_json::Value =
        serde_json::from_slice(&out.stdout).map_err(|e| format!("cargo mutants --list --json: {e}"))?;
    let inside = |file: &str, line: u64| {
        bodies
            .iter()
            .any(|(f, a, b)| f.display().to_string() == file && (u64::from(*a)..=u64::from(*b)).contains(&line))
    };
    let mut kept = Vec::new();
    for m in json.as_array().into_iter().flatten() {
        let file = m["file"].as_str().unwrap_or_default().to_string();
        let line = m["span"]["start"]["line"].as_u64().unwrap_or(0);
        let end = m["span"]["end"]["line"].as_u64().unwrap_or(line);
        if !(inside(&file, line) && inside(&file, end)) {
            continue;
        }
        let description = match m["replacement"].as_str() {
            Some(r) => format!("{} -> {r}", m["genre"].as_str().unwrap_or("")),
            None => m["name"].as_str().unwrap_or_default().to_string(),
        };
        kept.push(Mutant {
            function: m["function"]["function_name"].as_str().unwrap_or_default().to_string(),
            description: m["name"]
                .as_str()
                .and_then(|n| n.splitn(4, ':').nth(3))
                .map_or(description, |d| d.trim().to_string()),
            file,
            line,
            diff: m["diff"].as_str().unwrap_or_default().to_string(),
        });
    }
    Ok(kept)
}

/// Apply a mutant's diff to `file` of the tree (its header names the mutation, not a path).
fn apply(tree: &Path, file: &str, diff: &str) -> Result<(), String> {
    use std::io::Write;
    let mut child = Command::new("patch")
        .current_dir(tree)
        .args(["--quiet", "--forward", file])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .map_err(|e| format!("patch: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(diff.as_bytes()).map_err(|e| format!("patch: {e}"))?;
    }
    let status = child.wait().map_err(|e| format!("patch: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("patch did not apply:\n{diff}"))
    }
}

/// `function | mutation | reason` lines of `labs/NN-name/mutants-allowed.txt`.
fn allowed(root: &Path, lab: &Lab) -> Result<Vec<(String, String)>, String> {
    let path = root.join(&lab.dir).join("mutants-allowed.txt");
    let Ok(text) = fs::read_to_string(&path) else {
        return Ok(Vec::new());
    };
    let mut list = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let parts: Vec<&str> = line.splitn(3, " | ").collect();
        match parts.as_slice() {
            [function, mutation, reason] if !reason.trim().is_empty() => {
                list.push((function.trim().to_string(), mutation.trim().to_string()))
            }
            _ => {
                return Err(format!(
                    "{}:{}: want `function | mutation | reason`",
                    path.display(),
                    i + 1
                ))
            }
        }
    }
    Ok(list)
}
