//! The docs point at things that exist. Every backticked repository path, every relative
//! link and every cited function name in README.md, docs/*.md, labs/README.md,
//! labs/*/README*.md and the module doc headers (`//!`) of reactor/src and servers/src is
//! looked up in the tree; each one that is missing is reported as `FILE:LINE: what`, all of
//! them in one failure, so a rename that leaves a doc behind names the line to fix.
//!
//! What counts (docs/doc-tests.md has the rules with examples):
//! - a *path* is a code span without spaces that ends in `/`, has a source-file extension, or
//!   starts with a top-level entry of the repository (`reactor/…`, `scripts/…`). It must exist
//!   from the repository root or the doc's folder; a module doc may also name it from its
//!   crate's `src/` or its own folder; a partial path (`blocking/fork.rs`) must be the end of
//!   exactly one path. Build outputs (`target/…`) and placeholders (`labs/NN-name/`) are not
//!   paths.
//! - a *link* `[text](path)` that is not a URL or an anchor must exist from the doc's folder.
//! - a *function* is a code span like `read_ready`, `child_main()` or `Outbox::flush_to`: a
//!   snake_case name must be a `fn` of the workspace (or a system call or library function of
//!   `NOT_OURS`); a function cited beside its file (`` `prepare` in `servers/src/blocking/mod.rs` ``
//!   or `` (`servers/src/blocking/mod.rs`, `prepare`) ``) must be defined in that file.

use std::collections::{BTreeSet, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use tests::repo_root;

/// Names the docs cite that are not functions of this workspace: system calls, libc and
/// std functions, gdb commands, mio's. A name of the project is never listed here.
const NOT_OURS: &[&str] = &[
    // system calls and libc
    "accept4",
    "epoll_create1",
    "epoll_ctl",
    "epoll_pwait",
    "epoll_wait",
    "exit_group",
    "getaddrinfo",
    "getifaddrs",
    "gethostbyname",
    "io_uring_enter",
    "io_uring_setup",
    "pthread_create",
    "rt_sigaction",
    "rt_sigreturn",
    "set_nonblocking",
    "openat2",
    "_exit",
    "epoll_pwait2",
    "io_uring_register",
    "inet_ntop",
    "inet_pton",
    "freeaddrinfo",
    "gai_strerror",
    "getnameinfo",
    "sched_setaffinity",
    "sched_getaffinity",
    "ppoll",
    "pselect6",
    "recvfrom",
    "sendto",
    "recvmsg",
    "sendmsg",
    "sendfile",
    "setsockopt",
    "getsockopt",
    "getsockname",
    "getpeername",
    "waitpid",
    "wait4",
    "clone3",
    "set_tid_address",
    "prlimit64",
    "setrlimit",
    "getrlimit",
    "socketpair",
    "shutdown",
    "if_nametoindex",
    "exit",
    "fork",
    "clone",
    "select",
    "pthread_join",
    "pthread_detach",
    "asctime",
    "revents",
    // tcp_info(7) fields, ip-route(8) words, nginx directives (docs/performance.md compares)
    "tcpi_bytes_received",
    "tcpi_bytes_acked",
    "kernel_ll",
    "keepalive_requests",
    "open_file_cache",
    "open_file_cache_valid",
    "tcp_nopush",
    // std and crates
    "Option",
    "TcpStream",
    "JoinHandle",
    "FdSet",
    "Poll",
    "write_all",
    "read_exact",
    "read_to_end",
    "set_read_timeout",
    "set_write_timeout",
    "try_clone",
    "from_raw_fd",
    "into_raw_fd",
    "as_raw_fd",
    "set_nodelay",
    "take_error",
    "local_addr",
    "peer_addr",
    "catch_unwind",
    "spawn",
    "unwrap",
    "expect",
    "from_str",
    "with_capacity",
    "shrink_to_fit",
    "env_logger",
    "serde_json",
    "io_uring",
    "fuzz_target",
    // gdb
    "break_matching",
    "rust_gdb",
    "set_var",
];

/// Words that stand for something in a path (`labs/NN-name/`, `target/traces/MODEL.trace`).
const PLACEHOLDERS: &[&str] = &[
    "NN", "N", "MODEL", "PID", "PORT", "DIR", "FILE", "NAME", "PATH", "OUT", "HOST", "BUG", "TARGET", "X", "BASE",
    "name", "…", "...",
];

/// Extensions that make a code span a file path.
const EXTENSIONS: &[&str] = &[
    "rs", "md", "sh", "py", "gdb", "toml", "txt", "mk", "svg", "c", "yml", "yaml", "lock",
];

/// Every file and folder of the repository (relative, `/`-separated), and every `fn` name
/// with the files that define it.
struct Tree {
    entries: BTreeSet<String>,
    top_level: HashSet<String>,
    functions: Vec<(String, String)>, // (name, file)
    types: HashSet<String>,
    /// Every identifier of the workspace's Rust code, comments left out: fields, constants,
    /// JSON keys, fuzz targets — what a doc may name that is not a function.
    words: HashSet<String>,
    /// The targets of the Makefile and of mk/*.mk.
    make_targets: HashSet<String>,
}

impl Tree {
    fn scan(root: &Path) -> Tree {
        let mut tree = Tree {
            entries: BTreeSet::new(),
            top_level: HashSet::new(),
            functions: Vec::new(),
            types: HashSet::new(),
            words: HashSet::new(),
            make_targets: HashSet::new(),
        };
        tree.walk(root, root);
        let mut makefiles = vec![root.join("Makefile")];
        makefiles.extend(
            fs::read_dir(root.join("mk"))
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| e.path()),
        );
        for makefile in makefiles.iter().filter(|p| p.extension().map_or(true, |e| e == "mk")) {
            for line in fs::read_to_string(makefile).unwrap_or_default().lines() {
                let Some((names, rest)) = line.split_once(':') else {
                    continue;
                };
                if line.starts_with(['\t', ' ', '#']) || rest.starts_with('=') || names.contains(['=', '$', '%']) {
                    continue;
                }
                tree.make_targets.extend(names.split_whitespace().map(String::from));
            }
        }
        tree
    }

    fn walk(&mut self, root: &Path, dir: &Path) {
        let Ok(read) = fs::read_dir(dir) else { return };
        for entry in read.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if name == ".git" || name == "target" || name == "node_modules" {
                continue;
            }
            let rel = path
                .strip_prefix(root)
                .map(|p| p.to_string_lossy().into_owned())
                .unwrap_or_default();
            if dir == root {
                self.top_level.insert(name.clone());
            }
            self.entries.insert(rel.clone());
            if path.is_dir() {
                self.walk(root, &path);
            } else if name.ends_with(".rs") && rel != "tests/tests/doc_refs.rs" {
                // (not this file: the names it lists as examples are not the workspace's)
                self.index_rust(&rel, &fs::read_to_string(&path).unwrap_or_default());
            }
        }
    }

    /// `fn name` and `struct|enum|trait|type|mod Name` of one Rust file.
    fn index_rust(&mut self, rel: &str, text: &str) {
        for line in text.lines() {
            let code = line.split("//").next().unwrap_or("");
            self.words.extend(
                code.split(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .filter(|w| !w.is_empty())
                    .map(String::from),
            );
            let words: Vec<&str> = line
                .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .filter(|w| !w.is_empty())
                .collect();
            for pair in words.windows(2) {
                match pair[0] {
                    "fn" => self.functions.push((pair[1].to_string(), rel.to_string())),
                    "struct" | "enum" | "trait" | "type" | "mod" | "union" => {
                        self.types.insert(pair[1].to_string());
                    }
                    _ => {}
                }
            }
        }
    }

    fn exists(&self, rel: &str) -> bool {
        self.entries.contains(rel.trim_end_matches('/'))
    }

    fn has_fn(&self, name: &str) -> bool {
        self.functions.iter().any(|(n, _)| n == name)
    }

    /// `name` defined in `path` (a file, or any file under a folder).
    fn fn_in(&self, name: &str, path: &str) -> bool {
        let path = path.trim_end_matches('/');
        self.functions
            .iter()
            .any(|(n, file)| n == name && (file == path || file.starts_with(&format!("{path}/"))))
    }
}

/// One doc: its path, the folders a relative path may start from, and its text lines (for a
/// Rust file, only the `//!` lines, the rest blanked so line numbers stay right).
struct Doc {
    rel: String,
    bases: Vec<String>,
    lines: Vec<String>,
    markdown: bool,
}

fn docs(root: &Path) -> Vec<Doc> {
    let mut docs = Vec::new();
    let mut markdown = vec!["README.md".to_string(), "labs/README.md".to_string()];
    for dir in ["docs", "labs"] {
        let mut names: Vec<_> = fs::read_dir(root.join(dir))
            .unwrap_or_else(|e| panic!("read {dir}/: {e}"))
            .flatten()
            .map(|e| e.path())
            .collect();
        names.sort();
        for path in names {
            let rel = relative(&path, root);
            if dir == "docs" && rel.ends_with(".md") {
                markdown.push(rel);
            } else if dir == "labs" && path.is_dir() {
                let mut readmes: Vec<_> = fs::read_dir(&path)
                    .into_iter()
                    .flatten()
                    .flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| n.starts_with("README") && n.ends_with(".md"))
                    .collect();
                readmes.sort();
                markdown.extend(readmes.into_iter().map(|n| format!("{rel}/{n}")));
            }
        }
    }
    for rel in markdown {
        let text = fs::read_to_string(root.join(&rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"));
        let dir = parent(&rel);
        docs.push(Doc {
            rel,
            bases: vec![String::new(), dir],
            lines: text.lines().map(String::from).collect(),
            markdown: true,
        });
    }
    for krate in ["reactor", "servers"] {
        let mut files = Vec::new();
        rust_files(&root.join(krate).join("src"), &mut files);
        files.sort();
        for path in files {
            let rel = relative(&path, root);
            let text = fs::read_to_string(&path).unwrap_or_default();
            let lines = text
                .lines()
                .map(|l| l.trim_start().strip_prefix("//!").map(String::from).unwrap_or_default())
                .collect();
            // From the crate's src/ down to the file's own folder.
            let mut bases = vec![String::new(), krate.to_string()];
            let mut dir = format!("{krate}/src");
            bases.push(dir.clone());
            for segment in parent(&rel)
                .trim_start_matches(&dir)
                .split('/')
                .filter(|s| !s.is_empty())
            {
                dir = format!("{dir}/{segment}");
                bases.push(dir.clone());
            }
            docs.push(Doc {
                rel,
                bases,
                lines,
                markdown: false,
            });
        }
    }
    docs
}

/// `path` from the repository root, `/`-separated.
fn relative(path: &Path, root: &Path) -> String {
    path.strip_prefix(root)
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn parent(rel: &str) -> String {
    rel.rsplit_once('/').map(|(d, _)| d.to_string()).unwrap_or_default()
}

/// `a/./b/../c` -> `a/c`.
fn normalize(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            s => out.push(s),
        }
    }
    out.join("/")
}

/// A code span or a link target, with the line it starts on (1-based).
struct Item {
    line: usize,
    text: String,
    /// The text between this span and the next one on the same line.
    after: String,
}

/// The code spans of a doc (outside fenced blocks), and the targets of its links.
fn scan(doc: &Doc) -> (Vec<Item>, Vec<Item>) {
    let mut spans = Vec::new();
    let mut links = Vec::new();
    let mut in_fence = false;
    for (i, line) in doc.lines.iter().enumerate() {
        if doc.markdown && line.trim_start().starts_with("```") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            continue;
        }
        let mut rest = line.as_str();
        let mut outside = String::new();
        while let Some(start) = rest.find('`') {
            outside.push_str(&rest[..start]);
            let ticks = rest[start..].chars().take_while(|&c| c == '`').count();
            let body = &rest[start + ticks..];
            let close = "`".repeat(ticks);
            let Some(end) = body.find(&close) else {
                // A span that goes on to the next line: too rare to matter; skip it.
                rest = "";
                break;
            };
            if let Some(prev) = spans.last_mut().filter(|p: &&mut Item| p.line == i + 1) {
                prev.after = rest[..start].to_string();
            }
            spans.push(Item {
                line: i + 1,
                text: body[..end].trim().to_string(),
                after: String::new(),
            });
            rest = &body[end + ticks..];
        }
        outside.push_str(rest);
        if doc.markdown {
            let mut text = outside.as_str();
            while let Some(at) = text.find("](") {
                let target = &text[at + 2..];
                let end = target.find(')').unwrap_or(target.len());
                links.push(Item {
                    line: i + 1,
                    text: target[..end].to_string(),
                    after: String::new(),
                });
                text = &target[end..];
            }
        }
    }
    (spans, links)
}

fn is_placeholder_path(text: &str) -> bool {
    text.split(['/', '.', '-', '_'])
        .any(|seg| PLACEHOLDERS.contains(&seg) || seg.contains('…') || seg.contains("NN"))
}

/// Is this code span a repository path? (See the module doc.)
fn as_path<'a>(text: &'a str, tree: &Tree) -> Option<&'a str> {
    if text.is_empty()
        || text.contains(|c: char| c.is_whitespace() || "<>{}*$=:|@%,;()'\"\\[]".contains(c))
        || text.starts_with(['/', '~', '-', '.'])
        || text.starts_with("target/")
        || is_placeholder_path(text)
    {
        return None;
    }
    let ext = text.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    let first = text.split('/').next().unwrap_or("");
    let folder = text.ends_with('/') && (text.trim_end_matches('/').contains('/') || tree.top_level.contains(first));
    let looks_like = folder
        || (EXTENSIONS.contains(&ext) && !text.ends_with('.'))
        || (text.contains('/') && tree.top_level.contains(first));
    looks_like.then_some(text)
}

/// Where a path resolves, if anywhere.
fn resolve(path: &str, doc: &Doc, tree: &Tree) -> Result<String, String> {
    for base in &doc.bases {
        let joined = normalize(&format!("{base}/{path}"));
        if tree.exists(&joined) {
            return Ok(joined);
        }
    }
    let first = path.split('/').next().unwrap_or("");
    let bare = path.trim_end_matches('/');
    if !bare.contains('/') {
        // A file named on its own (`io.rs`, after its folder was named): it must exist somewhere.
        let found: Vec<&String> = tree
            .entries
            .iter()
            .filter(|e| e.as_str() == bare || e.ends_with(&format!("/{bare}")))
            .collect();
        return found
            .first()
            .map(|f| f.to_string())
            .ok_or_else(|| format!("`{path}`: no file or folder of that name in the repository"));
    }
    if !tree.top_level.contains(first) {
        let found: Vec<&String> = tree
            .entries
            .iter()
            .filter(|e| e.ends_with(&format!("/{bare}")))
            .collect();
        match found.len() {
            1 => return Ok(found[0].clone()),
            0 => {}
            _ => {
                return Err(format!(
                    "`{path}`: ambiguous, it is the end of {} paths ({}): write the full path",
                    found.len(),
                    found.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
                ))
            }
        }
    }
    let looked: Vec<String> = doc
        .bases
        .iter()
        .map(|b| {
            if b.is_empty() {
                "the repository root".into()
            } else {
                format!("{b}/")
            }
        })
        .collect();
    Err(format!(
        "`{path}`: no such file or folder (looked from {})",
        looked.join(", ")
    ))
}

/// A code span that names a function (or a field, with a type): what to look up.
struct Cited {
    name: String,
    ty: Option<String>,
    /// Written `name()` or `fn name`: it must be a function, not any identifier.
    called: bool,
}

/// Is this code span a function name? (`read_ready`, `child_main()`, `Outbox::flush_to`,
/// `Reactor<H>::dispatch`; not `accept` alone, which is the lecture's system call.)
fn as_function(text: &str, beside_file: bool) -> Option<Cited> {
    let called = text.starts_with("fn ") || text.ends_with("()");
    let text = text.strip_prefix("fn ").unwrap_or(text);
    let text = text.strip_suffix("()").unwrap_or(text);
    // Drop generics: Reactor<H>::dispatch -> Reactor::dispatch.
    let mut plain = String::new();
    let mut depth = 0;
    for c in text.chars() {
        match c {
            '<' => depth += 1,
            '>' => depth -= 1,
            _ if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    let segments: Vec<&str> = plain.split("::").collect();
    let ident = |s: &str| {
        !s.is_empty()
            && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !s.starts_with(|c: char| c.is_ascii_digit())
    };
    if !segments.iter().all(|s| ident(s)) {
        return None;
    }
    let name = segments.last()?.to_string();
    let snake = name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && name.chars().any(|c| c.is_ascii_lowercase());
    if !snake || (segments.len() == 1 && !name.contains('_') && !called && !beside_file) {
        return None;
    }
    let ty = (segments.len() >= 2)
        .then(|| segments[segments.len() - 2].to_string())
        .filter(|t| t.starts_with(|c: char| c.is_ascii_uppercase()));
    Some(Cited { name, ty, called })
}

/// The file a function is cited beside: `` `name` in `path` `` or `` `path`, `name` ``.
fn cited_beside<'a>(spans: &'a [Item], k: usize, tree: &Tree) -> Option<&'a Item> {
    let span = &spans[k];
    let next = spans
        .get(k + 1)
        .filter(|next| next.line == span.line && span.after.trim() == "in");
    next.or_else(|| {
        k.checked_sub(1)
            .map(|p| &spans[p])
            .filter(|prev| prev.line == span.line && prev.after.trim() == ",")
    })
    .filter(|file| as_path(&file.text, tree).is_some())
}

/// What is wrong with a cited function, if anything.
fn check_function(cited: &Cited, spans: &[Item], k: usize, doc: &Doc, tree: &Tree) -> Option<String> {
    let Cited { name, ty, called } = cited;
    let text = &spans[k].text;
    let file = cited_beside(spans, k, tree)
        .and_then(|f| as_path(&f.text, tree).map(|p| (p, resolve(p, doc, tree))))
        .and_then(|(p, r)| r.ok().map(|r| (p, r)));
    if let Some((written, resolved)) = file {
        if tree.fn_in(name, &resolved) {
            return None;
        }
        let elsewhere: Vec<&str> = tree
            .functions
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, f)| f.as_str())
            .collect();
        if !elsewhere.is_empty() {
            return Some(format!(
                "`{name}` is cited in `{written}` but defined in {}",
                elsewhere.join(", ")
            ));
        }
        if tree.words.contains(name.as_str()) {
            return None; // a field or constant of that file's code, named beside it
        }
        return Some(format!("`{name}` is cited in `{written}`, but no fn `{name}` exists"));
    }
    if let Some(ty) = ty {
        if NOT_OURS.contains(&ty.as_str()) {
            return None;
        }
        if !tree.types.contains(ty) {
            return Some(format!(
                "`{text}`: no type `{ty}` in the workspace (a std or crate type? add it to NOT_OURS in tests/tests/doc_refs.rs)"
            ));
        }
    }
    if NOT_OURS.contains(&name.as_str()) {
        return None;
    }
    if *called && !tree.has_fn(name) {
        return Some(format!(
            "`{text}`: no fn `{name}` in the workspace (a system call or library function? add it to NOT_OURS in tests/tests/doc_refs.rs)"
        ));
    }
    if !tree.words.contains(name.as_str()) {
        return Some(format!(
            "`{text}`: `{name}` appears nowhere in the workspace's code (a system call or library name? add it to NOT_OURS in tests/tests/doc_refs.rs)"
        ));
    }
    None
}

/// Every problem of one doc, as `FILE:LINE: message`.
fn check_doc(doc: &Doc, tree: &Tree) -> Vec<String> {
    let mut problems = Vec::new();
    let (spans, links) = scan(doc);
    let mut report = |line: usize, msg: String| problems.push(format!("{}:{}: {}", doc.rel, line, msg));
    for (k, span) in spans.iter().enumerate() {
        if let Some(target) = span
            .text
            .strip_prefix("make ")
            .and_then(|t| t.split_whitespace().next())
        {
            let placeholder = target.ends_with(['-', '*']) || target.contains(|c: char| c.is_ascii_uppercase());
            if !placeholder && !target.contains('=') && !tree.make_targets.contains(target) {
                report(
                    span.line,
                    format!("`{}`: no target `{target}` in the Makefile or mk/*.mk", span.text),
                );
            }
            continue;
        }
        if let Some(path) = as_path(&span.text, tree) {
            if let Err(msg) = resolve(path, doc, tree) {
                report(span.line, msg);
            }
        } else if let Some(cited) = as_function(&span.text, cited_beside(&spans, k, tree).is_some()) {
            if let Some(msg) = check_function(&cited, &spans, k, doc, tree) {
                report(span.line, msg);
            }
        }
    }
    for link in &links {
        let target = link.text.split('#').next().unwrap_or("").trim();
        if target.is_empty() || target.contains("://") || target.starts_with("mailto:") {
            continue;
        }
        let joined = normalize(&format!("{}/{}", parent(&doc.rel), target));
        if !tree.exists(&joined) {
            report(link.line, format!("link `{}`: {joined} does not exist", link.text));
        }
    }
    problems
}

#[test]
fn every_path_link_and_function_the_docs_cite_exists() {
    let root = repo_root();
    let tree = Tree::scan(&root);
    let docs = docs(&root);
    assert!(docs.len() > 30, "found only {} docs to check", docs.len());
    let problems: Vec<String> = docs.iter().flat_map(|d| check_doc(d, &tree)).collect();
    let (mut paths, mut functions, mut links, mut targets) = (0, 0, 0, 0);
    for doc in &docs {
        let (spans, doc_links) = scan(doc);
        links += doc_links
            .iter()
            .filter(|l| !l.text.contains("://") && !l.text.starts_with('#'))
            .count();
        for (k, span) in spans.iter().enumerate() {
            if span.text.starts_with("make ") {
                targets += 1;
            } else if as_path(&span.text, &tree).is_some() {
                paths += 1;
            } else if as_function(&span.text, cited_beside(&spans, k, &tree).is_some()).is_some() {
                functions += 1;
            }
        }
    }
    eprintln!(
        "checked {paths} paths, {functions} function names, {links} relative links and {targets} make commands in {} docs",
        docs.len()
    );
    assert!(
        problems.is_empty(),
        "{} reference(s) in the docs point at nothing (fix the doc, or the rule in \
         tests/tests/doc_refs.rs if the span is not a reference):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn the_checker_catches_what_it_is_for() {
    let root = repo_root();
    let tree = Tree::scan(&root);
    let doc = Doc {
        rel: "docs/example.md".into(),
        bases: vec![String::new(), "docs".into()],
        lines: vec![
            "Read `reactor/src/reactor/accept.rs` and `reactor/accept.rs`.".into(),
            "The fix is in `servers/src/blocking/mod.rs`, `prepare`; and `prepare` in `servers/src/blocking/fork.rs`."
                .into(),
            "See [bugs](bugs.md), [gone](nowhere.md) and `no_such_function_here`.".into(),
            "Run `make demo-select`, `make demo-MODEL`, then `make no-such-target`.".into(),
            "```".into(),
            "`reactor/not-checked-in-a-fence.rs`".into(),
            "```".into(),
        ],
        markdown: true,
    };
    let problems = check_doc(&doc, &tree);
    let expect = [
        "docs/example.md:1: `reactor/accept.rs`: no such file",
        "docs/example.md:2: `prepare` is cited in `servers/src/blocking/fork.rs`",
        "docs/example.md:3: link `nowhere.md`",
        "docs/example.md:3: `no_such_function_here`: ",
        "docs/example.md:4: `make no-such-target`: no target",
    ];
    for e in expect {
        assert!(
            problems.iter().any(|p| p.starts_with(e)),
            "expected a problem starting with {e:?} in {problems:#?}"
        );
    }
    assert_eq!(problems.len(), expect.len(), "{problems:#?}");
}

#[test]
fn the_files_and_functions_the_bug_warnings_name_exist() {
    // `--bug NAME` warns "the correct code is in FILE (FUNCTION)": each must be there.
    let root = repo_root();
    let tree = Tree::scan(&root);
    let mut lines = Vec::new();
    for bug in reactor::Bug::ALL {
        let mut cited = Vec::new();
        for part in bug.fixed_in().split(" and ") {
            match part.split_once(" (") {
                Some((file, function)) => cited.push(format!("`{file}`, `{}`", function.trim_end_matches(')'))),
                None => cited.push(format!("`{part}`")),
            }
        }
        lines.push(format!("--bug {}: {}", bug.name(), cited.join("; ")));
    }
    let doc = Doc {
        rel: "reactor/src/bugs.rs (Bug::fixed_in)".into(),
        bases: vec![String::new(), "servers/src/proto/http".into()],
        lines,
        markdown: false,
    };
    let problems = check_doc(&doc, &tree);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
