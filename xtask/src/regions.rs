//! Lab regions: the reference solution marked in place in the real code,
//!
//! ```text
//!         // LAB 7 BEGIN: drain until WouldBlock
//!         ...the code the student writes...
//!         // LAB 7 END
//! ```
//!
//! and the stripping that turns them into a starter: the markers stay (they show where to
//! write), the body becomes the lab's starter text (`labs/NN-name/starter.rs`, a section per
//! region: `// REGION: title`) or, when the lab gives none, a `todo!()` naming the lab and its
//! README. The same replacement drives the wrong solutions CI must see fail.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

/// Replacement bodies by region title, read from a `// REGION: title` sectioned file.
pub fn read_sections(path: &Path) -> Result<HashMap<String, String>, String> {
    let text = fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut sections = HashMap::new();
    let mut current: Option<(String, Vec<&str>)> = None;
    for line in text.lines() {
        if let Some(title) = line.strip_prefix("// REGION: ") {
            if let Some((t, body)) = current.take() {
                sections.insert(t, body.join("\n"));
            }
            current = Some((title.trim().to_string(), Vec::new()));
        } else if let Some((_, body)) = current.as_mut() {
            body.push(line);
        }
    }
    if let Some((t, body)) = current {
        sections.insert(t, body.join("\n"));
    }
    Ok(sections)
}

/// A marker line: `// LAB N BEGIN: title` or `// LAB N END`.
enum Marker<'a> {
    Begin(u32, &'a str),
    End(u32),
}

fn marker(line: &str) -> Option<Marker<'_>> {
    let rest = line.trim_start().strip_prefix("// LAB ")?;
    let (number, rest) = rest.split_once(' ')?;
    let number = number.parse().ok()?;
    if let Some(title) = rest.strip_prefix("BEGIN: ") {
        Some(Marker::Begin(number, title.trim()))
    } else if rest.trim() == "END" {
        Some(Marker::End(number))
    } else {
        None
    }
}

/// Rust sources of the tree at `root` that may hold regions: not target/ nor xtask/, and
/// under labs/ only the crates of the from-scratch labs (`labs/NN-name/src/`), never a lab's
/// starter or wrong solutions.
pub fn sources(root: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = fs::read_dir(&dir) else { continue };
        let in_a_lab = dir.parent() == Some(&root.join("labs"));
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if path.is_dir() {
                let skipped = dir == root && matches!(&*name, "target" | "xtask");
                if !(name.starts_with('.') || skipped || (in_a_lab && name != "src")) {
                    pending.push(path);
                }
            } else if name.ends_with(".rs") && !in_a_lab {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The titles of lab `number`'s regions, with the file each is in (relative to `root`).
pub fn list(root: &Path, number: u32) -> Result<Vec<(PathBuf, String)>, String> {
    let mut found = Vec::new();
    for file in sources(root) {
        let text = fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        let rel = file.strip_prefix(root).unwrap_or(&file).to_path_buf();
        for (title, _) in scan(&text, number).map_err(|e| format!("{}: {e}", rel.display()))? {
            found.push((rel.clone(), title));
        }
    }
    Ok(found)
}

/// The body lines of lab `number`'s regions (1-based, inclusive), with their file (relative
/// to `root`): where mutation testing mutates.
pub fn body_lines(root: &Path, number: u32) -> Result<Vec<(PathBuf, u32, u32)>, String> {
    let mut found = Vec::new();
    for file in sources(root) {
        let text = fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        let rel = file.strip_prefix(root).unwrap_or(&file).to_path_buf();
        for (_, body) in scan(&text, number).map_err(|e| format!("{}: {e}", rel.display()))? {
            found.push((rel.clone(), body.start as u32 + 1, body.end as u32));
        }
    }
    Ok(found)
}

/// Lab `number`'s regions in `text`: (title, line range of the body), checking the markers
/// pair up and do not nest.
fn scan(text: &str, number: u32) -> Result<Vec<(String, std::ops::Range<usize>)>, String> {
    let mut regions = Vec::new();
    let mut open: Option<(u32, String, usize)> = None;
    for (i, line) in text.lines().enumerate() {
        match marker(line) {
            Some(Marker::Begin(n, title)) => {
                if let Some((m, _, at)) = &open {
                    return Err(format!(
                        "line {}: LAB {n} BEGIN inside LAB {m} (line {})",
                        i + 1,
                        at + 1
                    ));
                }
                open = Some((n, title.to_string(), i));
            }
            Some(Marker::End(n)) => match open.take() {
                Some((m, title, at)) if m == n => {
                    if n == number {
                        regions.push((title, at + 1..i));
                    }
                }
                _ => return Err(format!("line {}: LAB {n} END without its BEGIN", i + 1)),
            },
            None => {}
        }
    }
    if let Some((m, _, at)) = open {
        return Err(format!("line {}: LAB {m} BEGIN never ends", at + 1));
    }
    Ok(regions)
}

/// Replace the bodies of lab `number`'s regions in every source under `root`. A region whose
/// title `replacements` lacks gets `default_stub(title)`, or keeps its code when that is
/// `None`. Returns the files changed.
pub fn strip(
    root: &Path,
    number: u32,
    replacements: &HashMap<String, String>,
    default_stub: &dyn Fn(&str) -> Option<String>,
) -> Result<Vec<PathBuf>, String> {
    let mut changed = Vec::new();
    for file in sources(root) {
        let text = fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        let regions = scan(&text, number).map_err(|e| format!("{}: {e}", file.display()))?;
        if regions.is_empty() {
            continue;
        }
        let lines: Vec<&str> = text.lines().collect();
        let mut out = String::with_capacity(text.len());
        let mut next = 0;
        for (title, body) in regions {
            for line in &lines[next..body.start] {
                out.push_str(line);
                out.push('\n');
            }
            let begin = lines[body.start - 1];
            let indent = &begin[..begin.len() - begin.trim_start().len()];
            let Some(stub) = replacements.get(&title).cloned().or_else(|| default_stub(&title)) else {
                next = body.start; // keep the reference code of this region
                continue;
            };
            for line in stub.trim_matches('\n').lines() {
                if !line.trim().is_empty() {
                    out.push_str(indent);
                    out.push_str(line);
                }
                out.push('\n');
            }
            next = body.end;
        }
        for line in &lines[next..] {
            out.push_str(line);
            out.push('\n');
        }
        fs::write(&file, out).map_err(|e| format!("{}: {e}", file.display()))?;
        changed.push(file);
    }
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CODE: &str = "fn a() {\n    // LAB 3 BEGIN: first\n    real();\n    // LAB 3 END\n}\n// LAB 4 BEGIN: other\nx\n// LAB 4 END\n";

    #[test]
    fn scan_finds_only_the_asked_lab() {
        let r = scan(CODE, 3).unwrap();
        assert_eq!(r, vec![("first".to_string(), 2..3)]);
        assert_eq!(scan(CODE, 4).unwrap()[0].0, "other");
    }

    #[test]
    fn unbalanced_markers_are_errors() {
        assert!(scan("// LAB 1 BEGIN: x\n", 1).is_err());
        assert!(scan("// LAB 1 END\n", 1).is_err());
        assert!(scan("// LAB 1 BEGIN: x\n// LAB 2 BEGIN: y\n// LAB 2 END\n// LAB 1 END\n", 1).is_err());
    }

    #[test]
    fn strip_keeps_markers_and_indents_the_stub() {
        let dir = std::env::temp_dir().join(format!("xtask-strip-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("a.rs"), CODE).unwrap();
        strip(&dir, 3, &HashMap::new(), &|t| Some(format!("todo!(\"{t}\")"))).unwrap();
        let out = fs::read_to_string(dir.join("a.rs")).unwrap();
        fs::remove_dir_all(&dir).unwrap();
        assert!(out.contains("    // LAB 3 BEGIN: first\n    todo!(\"first\")\n    // LAB 3 END\n"));
        assert!(!out.contains("real()"));
        assert!(out.contains("// LAB 4 BEGIN: other\nx\n"));
    }
}
