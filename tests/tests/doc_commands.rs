//! The command examples of the docs are snapshot tests: every ```` ```console ```` block of
//! README.md, docs/*.md and labs/README.md runs through `trycmd` (the tool clap and cargo use
//! for their own docs). A block is `$ command`, an optional `? CODE` (exit status; success by
//! default), and the exact output, stdout then stderr; `[..]` in a line matches anything (ports,
//! pids, dates), a line `...` any number of lines.
//!
//! trycmd would also run the doc's *unmarked* fenced blocks, so each doc is copied into a
//! temporary folder with every line outside its `console` blocks blanked (indented blocks, in
//! a list item, are dedented): the copy has the doc's name and its line numbers, and a failure
//! reads `…/README.md:LINE`, the doc's own line. The binaries are the workspace's, from the
//! target directory of this test.

use std::collections::BTreeSet;
use std::time::Duration;
use tests::{bin, repo_root, TempDir};

/// The docs that may hold `console` blocks.
fn docs() -> Vec<String> {
    let mut docs = vec!["README.md".to_string(), "labs/README.md".to_string()];
    let mut more: Vec<String> = std::fs::read_dir(repo_root().join("docs"))
        .expect("docs/")
        .flatten()
        .map(|e| format!("docs/{}", e.file_name().to_string_lossy()))
        .filter(|n| n.ends_with(".md"))
        .collect();
    more.sort();
    docs.extend(more);
    docs
}

/// The doc with only its `console` blocks left (same line numbers), the number of commands,
/// and the programs they run.
fn console_only(text: &str) -> (String, usize, BTreeSet<String>) {
    let mut out = Vec::new();
    let mut indent: Option<usize> = None;
    let mut commands = 0;
    let mut programs = BTreeSet::new();
    for line in text.lines() {
        let trimmed = line.trim_start();
        let lead = line.len() - trimmed.len();
        match indent {
            None if trimmed.starts_with("```console") => {
                indent = Some(lead);
                out.push(trimmed.to_string());
            }
            None => out.push(String::new()),
            Some(n) => {
                let body = if line.len() >= n && line[..n].trim().is_empty() {
                    &line[n..]
                } else {
                    trimmed
                };
                if body.starts_with("```") {
                    indent = None;
                }
                if let Some(command) = body.strip_prefix("$ ") {
                    commands += 1;
                    if let Some(program) = command.split_whitespace().find(|w| !w.contains('=')) {
                        programs.insert(program.to_string());
                    }
                }
                out.push(body.to_string());
            }
        }
    }
    (out.join("\n") + "\n", commands, programs)
}

#[test]
fn the_console_examples_of_the_docs_print_what_they_show() {
    let dir = TempDir::new("doc-commands");
    let cases = trycmd::TestCases::new();
    cases.timeout(Duration::from_secs(20)).env("RUST_LOG", "off");
    let mut total = 0;
    let mut programs = BTreeSet::new();
    for doc in docs() {
        let text = std::fs::read_to_string(repo_root().join(&doc)).unwrap_or_else(|e| panic!("read {doc}: {e}"));
        let (copy, commands, used) = console_only(&text);
        if commands == 0 {
            continue;
        }
        let path = dir.path().join(&doc);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, copy).expect("write the copy");
        eprintln!("{doc}: {commands} command(s), checked as {}", path.display());
        cases.case(&path);
        total += commands;
        programs.extend(used);
    }
    for program in &programs {
        cases.register_bin(program.clone(), bin(program));
    }
    // The README's and the docs' examples: ipcalc, resolve, --help, refused flags.
    assert!(total >= 8, "only {total} console commands found in the docs");
    cases.run();
}
