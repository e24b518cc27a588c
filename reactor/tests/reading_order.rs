//! The reading order in `src/lib.rs` lists every file of the loop: each module the crate
//! declares (`mod NAME;`, followed from `lib.rs` down), except the tests and the completion
//! model (`proactor/`, a step of its own), must be named in it; and every file it names
//! exists. The first step is the first loop.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The files of the modules declared in `file` (a module root: `lib.rs` or a `mod.rs`, or a
/// plain `NAME.rs` whose children live in `NAME/`), and theirs, relative to `src/`.
fn declared_modules(src: &Path, rel: &Path, out: &mut BTreeSet<PathBuf>) {
    let text = fs::read_to_string(src.join(rel)).unwrap_or_else(|e| panic!("read {}: {e}", rel.display()));
    let dir = match rel.file_name().and_then(|n| n.to_str()) {
        Some("lib.rs") | Some("mod.rs") => rel.parent().map(Path::to_path_buf).unwrap_or_default(),
        _ => rel.with_extension(""),
    };
    let mut previous = "";
    for line in text.lines() {
        let line = line.trim();
        let is_test = previous.contains("cfg(test)") || previous.starts_with("#[path");
        previous = line;
        let Some(name) = line
            .strip_prefix("pub mod ")
            .or_else(|| line.strip_prefix("pub(crate) mod "))
            .or_else(|| line.strip_prefix("mod "))
            .and_then(|rest| rest.strip_suffix(';'))
        else {
            continue;
        };
        if is_test || name == "tests" || name == "proactor" {
            continue;
        }
        let flat = dir.join(format!("{name}.rs"));
        let nested = dir.join(name).join("mod.rs");
        let file = if src.join(&flat).exists() { flat } else { nested };
        assert!(src.join(&file).exists(), "mod {name} in {}: no file", rel.display());
        out.insert(file.clone());
        declared_modules(src, &file, out);
    }
}

/// The files the reading order names: every `…rs` between backticks in its section.
fn reading_order() -> Vec<PathBuf> {
    let lib = fs::read_to_string(crate_dir().join("src/lib.rs")).expect("read lib.rs");
    let section = lib
        .split("//! # Reading order")
        .nth(1)
        .and_then(|rest| rest.split("//! # ").next())
        .expect("lib.rs has a `# Reading order` section");
    section
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|quoted| quoted.ends_with(".rs") && !quoted.starts_with("tests/"))
        .map(PathBuf::from)
        .collect()
}

#[test]
fn the_reading_order_names_every_file_of_the_loop() {
    let src = crate_dir().join("src");
    let mut modules = BTreeSet::new();
    declared_modules(&src, Path::new("lib.rs"), &mut modules);
    assert!(modules.len() > 20, "too few modules found: {modules:?}");
    let order = reading_order();
    let named: BTreeSet<PathBuf> = order.iter().cloned().collect();
    let missing: Vec<&PathBuf> = modules.iter().filter(|m| !named.contains(*m)).collect();
    assert!(
        missing.is_empty(),
        "files of the loop missing from lib.rs's reading order: {missing:?}"
    );
    for file in &order {
        let path = if file.starts_with("examples") {
            crate_dir().join(file)
        } else {
            src.join(file)
        };
        assert!(
            path.exists(),
            "the reading order names {}, which does not exist",
            file.display()
        );
    }
    assert_eq!(
        order.first(),
        Some(&PathBuf::from("examples/first_loop.rs")),
        "the reading order starts with the first loop"
    );
}
