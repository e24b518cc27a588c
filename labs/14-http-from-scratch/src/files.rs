//! From a request target to a file under the root, and never outside it: the query string is
//! ignored, `%XX` escapes are decoded *before* any check, `..` segments are refused, and the
//! file's real path (symbolic links resolved, `realpath(3)`) must still be under the root.

use std::path::{Path, PathBuf};

/// The file `target` names under `root` (a canonical path), or `None` (a 404).
pub fn resolve(root: &Path, target: &str) -> Option<PathBuf> {
    // LAB 14 BEGIN: from the target to a file under the root
    let path = target.split(['?', '#']).next()?;
    if !path.starts_with('/') {
        return None;
    }
    let decoded = percent_decode(path)?;
    let mut file = root.to_path_buf();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => {}
            ".." => return None,
            s if s.contains('\0') || s.contains('\\') => return None,
            s => file.push(s),
        }
    }
    if decoded.ends_with('/') || file.is_dir() {
        file.push("index.html");
    }
    let real = file.canonicalize().ok()?;
    (real.starts_with(root) && real.is_file()).then_some(real)
    // LAB 14 END
}

/// `%2e%2E` → `..`; `None` for a bad escape or bytes that are not UTF-8.
pub fn percent_decode(path: &str) -> Option<String> {
    // LAB 14 BEGIN: decode %XX escapes
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .filter(|h| h.iter().all(u8::is_ascii_hexdigit))?;
            out.push(u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
    // LAB 14 END
}

/// The Content-Type of a file, from its extension.
pub fn content_type(path: &Path) -> &'static str {
    // LAB 14 BEGIN: Content-Type from the extension
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("html" | "htm") => "text/html; charset=utf-8",
        Some("txt") => "text/plain; charset=utf-8",
        Some("css") => "text/css",
        Some("js") => "text/javascript",
        Some("json") => "application/json",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        _ => "application/octet-stream",
    }
    // LAB 14 END
}
