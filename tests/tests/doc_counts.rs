//! The figures the docs give about the project's own things are the code's: how many bug
//! toggles, labs, soak rows and models there are, which tools `make deps` installs, and the
//! limits with their defaults. Each is read from the code (`Config::default()`, the servers'
//! `--help`, `scripts/soak/soak.py`, `scripts/install-deps.sh`, the `labs/` folders) and
//! from the doc line that states it; a mismatch names that line (`FILE:LINE: …`).

use std::process::Command;
use tests::{bin, repo_root};

fn read(rel: &str) -> String {
    std::fs::read_to_string(repo_root().join(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
}

const NUMBERS: &[&str] = &[
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
];

/// A number written in digits or in words ("twelve", "Twelve").
fn number(word: &str) -> Option<usize> {
    let word = word.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
    word.parse().ok().or_else(|| NUMBERS.iter().position(|n| *n == word))
}

/// The line (1-based) of `doc` that contains `anchor`, and the number that follows `before`
/// in it (the word right after). Fails naming the doc if the anchor is gone.
fn stated(doc: &str, anchor: &str, before: &str) -> (usize, usize) {
    let text = read(doc);
    let (i, line) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains(anchor))
        .unwrap_or_else(|| panic!("{doc}: no line says {anchor:?} any more: update tests/tests/doc_counts.rs"));
    let after = line[line
        .find(before)
        .unwrap_or_else(|| panic!("{doc}:{}: no {before:?}", i + 1))
        + before.len()..]
        .split_whitespace()
        .next()
        .unwrap_or("");
    let n = number(after).unwrap_or_else(|| panic!("{doc}:{}: {after:?} after {before:?} is not a number", i + 1));
    (i + 1, n)
}

/// The number a doc line states (see `stated`) must be `truth`.
fn check(problems: &mut Vec<String>, doc: &str, anchor: &str, before: &str, truth: usize, what: &str) {
    let (line, says) = stated(doc, anchor, before);
    if says != truth {
        problems.push(format!("{doc}:{line}: says {says} {what}, there are {truth}"));
    }
}

/// The "Possible values" of one option in a `--help` text.
fn possible_values(help: &str, option: &str) -> Vec<String> {
    let start = help
        .find(&format!("--{option} <"))
        .unwrap_or_else(|| panic!("no --{option} in --help"));
    let section = &help[start..];
    let values = section.split("Possible values:").nth(1).expect("Possible values");
    values
        .lines()
        .skip(1)
        .take_while(|l| l.trim_start().starts_with("- "))
        .filter_map(|l| {
            l.trim_start()
                .strip_prefix("- ")?
                .split(':')
                .next()
                .map(|s| s.trim().to_string())
        })
        .collect()
}

fn help(server: &str) -> String {
    let out = Command::new(bin(server)).arg("--help").output().expect("run --help");
    assert!(out.status.success(), "{server} --help");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn bug_toggles_labs_soak_rows_and_models_are_counted_right() {
    let mut problems = Vec::new();
    let help = help("echo-server");

    // Bug toggles: the --bug values of --help, one section each in docs/bugs.md, in order.
    let bugs = possible_values(&help, "bug");
    assert!(bugs.len() >= 10, "--bug lists {bugs:?}");
    check(&mut problems, "README.md", "runs all ", "runs all ", bugs.len(), "bugs");
    check(&mut problems, "docs/bugs.md", "# all ", "# all ", bugs.len(), "bugs");
    let sections: Vec<(usize, String)> = read("docs/bugs.md")
        .lines()
        .enumerate()
        .filter_map(|(i, l)| l.strip_prefix("## ").map(|s| (i + 1, s.trim().to_string())))
        .filter(|(_, s)| !s.contains(' '))
        .collect();
    let names: Vec<&String> = sections.iter().map(|(_, s)| s).collect();
    if names != bugs.iter().collect::<Vec<_>>() {
        problems.push(format!(
            "docs/bugs.md:{}: its sections ({names:?}) are not the --bug values of --help ({bugs:?}), in that order",
            sections.first().map(|s| s.0).unwrap_or(1)
        ));
    }

    // Labs: the labs/NN-name folders; the README's table has a row for each.
    let mut labs: Vec<String> = std::fs::read_dir(repo_root().join("labs"))
        .expect("labs/")
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.len() > 3 && n[..2].chars().all(|c| c.is_ascii_digit()) && &n[2..3] == "-")
        .collect();
    labs.sort();
    check(&mut problems, "README.md", "practical sessions", "", labs.len(), "labs");
    check(
        &mut problems,
        "labs/README.md",
        "practical sessions",
        "",
        labs.len(),
        "labs",
    );
    let readme = read("README.md");
    for lab in &labs {
        // Numbered by its folder: the labs need not be contiguous while some are being written.
        let number: u32 = lab[..2].parse().expect("NN- folder");
        let row = format!("| [{number}](labs/{lab}/) |");
        if !readme.contains(&row) {
            problems.push(format!("README.md: the labs table has no row `{row}`"));
        }
    }

    // Soak: the rows of SHORT in scripts/soak/soak.py (the ones `make test` runs).
    let soak = read("scripts/soak/soak.py");
    let short = soak
        .split("SHORT = [")
        .nth(1)
        .and_then(|s| s.split("\n]").next())
        .expect("SHORT = [ … ] in soak.py");
    let rows = short
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .map(|l| l.matches("(\"").count())
        .sum::<usize>();
    check(
        &mut problems,
        "docs/campaign.md",
        "runs `soak.py --short`:",
        "runs `soak.py --short`:",
        rows,
        "soak-short rows",
    );

    // Models: --model's values; the README's "six" (the classic ones) and strace-compare's
    // columns (every model of echo-server but iterative).
    let models = possible_values(&help, "model");
    let classic: Vec<&String> = models.iter().filter(|m| !m.starts_with("uring")).collect();
    check(
        &mut problems,
        "README.md",
        "concurrency models",
        "The ",
        classic.len(),
        "classic models",
    );
    let script = read("scripts/strace-compare.sh");
    let columns = script
        .split("STRACE_MODELS:-")
        .nth(1)
        .and_then(|s| s.split('}').next())
        .expect("the default STRACE_MODELS")
        .split_whitespace()
        .count();
    check(
        &mut problems,
        "README.md",
        "`make strace-compare` | syscall counts of the",
        "of the ",
        columns,
        "strace-compare columns",
    );
    check(
        &mut problems,
        "docs/walkthroughs.md",
        "runs each of",
        "each of ",
        columns,
        "strace-compare models",
    );
    if columns != models.len() - 1
        || !script.contains("STRACE_MODELS:-thread fork select poll epoll uring uring-completion}")
    {
        problems.push(format!(
            "scripts/strace-compare.sh: the default columns are not every model but iterative ({models:?})"
        ));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_tool_make_deps_installs_is_in_the_readme() {
    let script = read("scripts/install-deps.sh");
    let mut packages = Vec::new();
    for line in script.lines().filter(|l| !l.trim_start().starts_with('#')) {
        if let Some(rest) = line.split("missing+=(").nth(1) {
            let name = rest.split(')').next().unwrap_or("");
            if name == "\"$tool\"" {
                continue;
            }
            packages.push(name.to_string());
        }
        if let Some(tools) = line.strip_prefix("for tool in ").and_then(|l| l.split("; do").next()) {
            packages.extend(tools.split_whitespace().map(String::from));
        }
        if let Some(pip) = line.split("pip install -q ").nth(1) {
            packages.push(pip.trim().to_string());
        }
    }
    assert!(packages.len() >= 8, "install-deps.sh installs {packages:?}?");
    let readme = read("README.md");
    let (line, text) = readme
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains("`make test` installs what it"))
        .map(|(i, _)| (i + 1, readme.lines().skip(i).take(6).collect::<Vec<_>>().join(" ")))
        .expect("README.md: the paragraph that says what `make test` installs");
    let missing: Vec<&String> = packages.iter().filter(|p| !text.contains(&format!("`{p}`"))).collect();
    assert!(
        missing.is_empty(),
        "README.md:{line}: the list of what `make test` installs lacks {missing:?} (scripts/install-deps.sh installs {packages:?})"
    );
}

#[test]
fn the_limits_of_docs_reliability_are_the_defaults_of_the_code() {
    let config = reactor::Config::default();
    let help = help("echo-server");
    let doc = "docs/reliability.md";
    let text = read(doc);
    let row = |flag: &str| -> (usize, String) {
        text.lines()
            .enumerate()
            .find(|(_, l)| l.starts_with('|') && l.contains(flag))
            .map(|(i, l)| (i + 1, l.to_string()))
            .unwrap_or_else(|| panic!("{doc}: no table row names {flag} any more: update tests/tests/doc_counts.rs"))
    };
    let cell = |line: &str| line.split('|').nth(2).unwrap_or("").trim().to_string();
    let mut problems = Vec::new();
    let mut expect = |flag: &str, want: String| {
        let (line, text) = row(flag);
        let limit = cell(&text);
        if !limit.starts_with(&want) && !limit.contains(&format!(" {want}")) {
            problems.push(format!(
                "{doc}:{line}: the limit of {flag} reads `{limit}`, the code's default is {want}"
            ));
        }
    };
    let help_default = |flag: &str| -> String {
        let at = help.find(&format!("--{flag} <")).expect("flag in --help");
        let after = &help[at..];
        let next = after[2..].find("\n      --").map(|n| n + 2).unwrap_or(after.len());
        after[..next]
            .split("[default: ")
            .nth(1)
            .and_then(|d| d.split(']').next())
            .unwrap_or("none")
            .to_string()
    };
    assert_eq!(
        help_default("max-connections"),
        config.max_connections.to_string(),
        "--help and Config agree"
    );
    assert_eq!(
        help_default("fd-reserve"),
        config.fd_reserve.to_string(),
        "--help and Config agree"
    );
    expect("`--max-connections`", config.max_connections.to_string());
    expect("`--fd-reserve`", format!("keep {} free", config.fd_reserve));
    expect("`Config::max_output`", mib(config.max_output));
    expect("`Config::max_input`", mib(config.max_input));
    expect(
        "`--idle-timeout",
        if config.idle_timeout.is_none() {
            "none".into()
        } else {
            "?".into()
        },
    );
    let (line, grace) = row("shutdown (SIGINT/SIGTERM)");
    let secs = config.shutdown_grace.as_secs();
    if !cell(&grace).starts_with(&format!("{secs} s")) {
        problems.push(format!(
            "{doc}:{line}: the shutdown grace reads `{}`, the code's is {secs} s",
            cell(&grace)
        ));
    }
    let (line, queued) = row("`EMFILE`");
    if !queued.contains(&format!("backlog {}", reactor::net::BACKLOG)) {
        problems.push(format!("{doc}:{line}: the backlog is {}", reactor::net::BACKLOG));
    }
    let readme = read("README.md");
    if let Some((i, _)) = readme
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains("drops bursts of clients: the backlog is"))
    {
        if !readme
            .lines()
            .nth(i)
            .unwrap_or("")
            .contains(&format!("the backlog is {}", reactor::net::BACKLOG))
        {
            problems.push(format!("README.md:{}: the backlog is {}", i + 1, reactor::net::BACKLOG));
        }
    } else {
        problems.push("README.md: no line gives the backlog any more (\"the backlog is N\")".into());
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

fn mib(bytes: usize) -> String {
    if bytes % (1 << 20) == 0 {
        format!("{} MiB", bytes >> 20)
    } else {
        format!("{} KiB", bytes >> 10)
    }
}
