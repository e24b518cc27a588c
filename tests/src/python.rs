//! Which Python interpreter a test runs: the one `scripts/install-deps.sh` (`make deps`)
//! installed the needed modules for, chosen deliberately rather than the first `python3` on
//! `PATH` (a pyenv or conda interpreter of the user's may come first and lack them).
//!
//! The order is install-deps.sh's: the project's virtual environment `target/venv` (made
//! where the system's Python is not Debian's), then Debian's own `/usr/bin/python3` (whose
//! modules come from apt, e.g. `python3-prometheus-client`), then `python3` on `PATH`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The interpreters install-deps.sh may have prepared, in its order of preference.
fn candidates() -> Vec<PathBuf> {
    let mut list = Vec::new();
    if let Some(target) = target_dir() {
        list.push(target.join("venv/bin/python3"));
    }
    list.push(PathBuf::from("/usr/bin/python3"));
    list.push(PathBuf::from("python3"));
    list
}

/// `target/` of this build: the test executable lives in `target/<profile>/deps/`.
fn target_dir() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    exe.ancestors().nth(3).map(Path::to_path_buf)
}

fn exists(python: &Path) -> bool {
    python.components().count() == 1 || python.exists()
}

fn imports(python: &Path, module: &str) -> bool {
    Command::new(python)
        .args(["-c", &format!("import {module}")])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// The interpreter install-deps.sh chose; panics, saying what to run, if it cannot import
/// `module`.
pub fn python_with(module: &str) -> PathBuf {
    let chosen = candidates()
        .into_iter()
        .find(|p| exists(p))
        .unwrap_or_else(|| PathBuf::from("python3"));
    assert!(
        imports(&chosen, module),
        "{} cannot import {module}: run `make deps` (as root it installs python3-{} with apt; \
         without root it prints the `sudo apt-get install` line an administrator must run)",
        chosen.display(),
        module.replace('_', "-")
    );
    chosen
}
