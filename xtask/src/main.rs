//! `cargo xtask`: the lab kit's tool (labs/README.md). The make targets of `mk/labs.mk` call it.
//!
//! ```text
//! cargo xtask start N          branch lab-NN with lab N's regions stripped to its starter
//! cargo xtask tree N DIR       the same stripped tree written to DIR (for a teacher)
//! cargo xtask check N          build, run lab N's checks, print the table and `Score: x/y`
//! cargo xtask grade [--json]   every lab, one table (on a branch lab-NN: lab N only)
//! cargo xtask proofs [N] [--full]  CI: reference full marks; starter and wrong solutions below
//! cargo xtask regions N        where lab N's regions are
//! cargo xtask mutants N [--sample K]  mutation testing of lab N's regions (cargo-mutants)
//! ```
//!
//! Exit status: 0 at full marks (or proofs all hold), 1 below, 2 on a usage or setup error.

mod grade;
mod manifest;
mod mutants;
mod proofs;
mod regions;

use grade::Env;
use manifest::Lab;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

const USAGE: &str =
    "usage: cargo xtask start N | tree N DIR | check N | grade [--json] | proofs [N] [--full] | regions N | mutants N [--sample K]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &[String]) -> Result<bool, String> {
    let root = grade::workspace_root()?;
    let number = |i: usize| -> Result<u32, String> {
        args.get(i)
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| format!("a lab number is needed\n{USAGE}"))
    };
    match args.first().map(String::as_str) {
        Some("start") => start(&root, &manifest::find(&root, number(1)?)?),
        Some("tree") => {
            let out = args
                .get(2)
                .ok_or_else(|| format!("an output directory is needed\n{USAGE}"))?;
            tree(&root, &manifest::find(&root, number(1)?)?, Path::new(out))
        }
        Some("check") => {
            let lab = manifest::find(&root, number(1)?)?;
            println!(
                "Building and running the checks of lab {} ({})...",
                lab.number,
                lab.test_target()
            );
            let env = Env {
                root: root.clone(),
                verbose: true,
                ..Env::default()
            };
            let report = grade::run(&lab, &env);
            grade::print_lab(&report);
            Ok(report.full())
        }
        Some("grade") => {
            let json = args.iter().any(|a| a == "--json");
            let env = Env {
                root: root.clone(),
                ..Env::default()
            };
            let labs = match branch_lab(&root) {
                Some(n) => {
                    let lab = manifest::find(&root, n)?;
                    if !json {
                        println!(
                            "On branch lab-{n:02}: grading lab {n} only ({}); `git checkout main` for every lab.",
                            lab.title
                        );
                    }
                    vec![lab]
                }
                None => manifest::all(&root)?,
            };
            let reports: Vec<_> = labs.iter().map(|lab| grade::run(lab, &env)).collect();
            if json {
                println!("{}", grade::json(&reports));
            } else {
                match reports.as_slice() {
                    [only] => grade::print_lab(only),
                    all => grade::print_table(all),
                }
            }
            Ok(reports.iter().all(grade::Report::full))
        }
        Some("proofs") => {
            let full = args.iter().any(|a| a == "--full");
            let only = args.iter().skip(1).find_map(|n| n.parse().ok());
            proofs::run(&root, only, full)
        }
        Some("mutants") => {
            let lab = manifest::find(&root, number(1)?)?;
            let sample = args
                .iter()
                .position(|a| a == "--sample")
                .and_then(|i| args.get(i + 1))
                .and_then(|k| k.parse().ok());
            mutants::run(&root, &lab, sample)
        }
        Some("regions") => {
            let lab = manifest::find(&root, number(1)?)?;
            for (file, title) in regions::list(&root, lab.number)? {
                println!("{}: LAB {} BEGIN: {title}", file.display(), lab.number);
            }
            Ok(true)
        }
        _ => Err(USAGE.into()),
    }
}

/// The lab of the current branch when it is `lab-NN` (made by `make lab-start N`).
fn branch_lab(root: &Path) -> Option<u32> {
    let branch = git(root, &["rev-parse", "--abbrev-ref", "HEAD"]).ok()?;
    branch.trim().strip_prefix("lab-")?.parse().ok()
}

/// The stub of a region the lab's starter does not replace: compiles, and panics with the
/// instruction the first time the code runs.
pub fn todo_stub(lab: &Lab, title: &str) -> Option<String> {
    Some(format!(
        "todo!(\"lab {}: {} — see {}\")",
        lab.number,
        title.replace('"', "'"),
        lab.readme().display()
    ))
}

/// `make lab-start N`: a branch `lab-NN` holding the starter, committed, so that
/// `git diff` shows the student's own work.
fn start(root: &Path, lab: &Lab) -> Result<bool, String> {
    let dirty = git(root, &["status", "--porcelain", "--untracked-files=no"])?;
    if !dirty.trim().is_empty() {
        return Err(format!("commit or stash your changes first:\n{dirty}"));
    }
    let current = git(root, &["rev-parse", "--abbrev-ref", "HEAD"])?;
    let current = current.trim();
    if current.starts_with("lab-") {
        return Err(format!(
            "you are on {current}: each lab starts from the full framework, `git checkout main` first"
        ));
    }
    let branch = format!("lab-{:02}", lab.number);
    git(root, &["checkout", "-q", "-b", &branch])
        .map_err(|e| format!("{e}\n(already started? `git checkout {branch}` goes back to it)"))?;
    let changed = regions::strip(root, lab.number, &proofs::starter(root, lab)?, &|t| todo_stub(lab, t))?;
    if changed.is_empty() {
        return Err(format!("lab {} has no regions in this tree", lab.number));
    }
    git(
        root,
        &[
            "commit",
            "-q",
            "-a",
            "-m",
            &format!("lab {}: starter ({})", lab.number, lab.title),
        ],
    )?;
    println!("Branch {branch}: lab {} — {}", lab.number, lab.title);
    println!(
        "Your code goes between the `// LAB {} BEGIN` and `// LAB {} END` lines of:",
        lab.number, lab.number
    );
    for file in &changed {
        println!("  {}", grade::rel(root, file).display());
    }
    println!(
        "Read:  {}   (en français : {})",
        lab.readme().display(),
        lab.dir.join("README.fr.md").display()
    );
    println!(
        "Then:  make lab-check {}        (git diff shows your work; git checkout main leaves the lab)",
        lab.number
    );
    Ok(true)
}

/// `make lab-tree N OUT=DIR`: the workspace with lab N stripped, written to DIR.
fn tree(root: &Path, lab: &Lab, out: &Path) -> Result<bool, String> {
    let out: PathBuf = if out.is_absolute() {
        out.to_path_buf()
    } else {
        root.join(out)
    };
    if out.starts_with(root) && !out.starts_with(root.join("target")) {
        return Err(format!(
            "{} is inside the workspace: choose a directory outside it",
            out.display()
        ));
    }
    proofs::sync(root, &out)?;
    let changed = regions::strip(&out, lab.number, &proofs::starter(root, lab)?, &|t| todo_stub(lab, t))?;
    println!(
        "{}: lab {} stripped in {} file(s); start with {}",
        out.display(),
        lab.number,
        changed.len(),
        lab.readme().display()
    );
    Ok(true)
}

fn git(root: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new("git")
        .current_dir(root)
        .args(args)
        .output()
        .map_err(|e| format!("git: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "git {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}
