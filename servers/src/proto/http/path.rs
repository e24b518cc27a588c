//! From a request target to a path *relative to the served root*, or a refusal.
//!
//! This is where static file servers get broken into, so every rule is deliberate:
//!
//! 1. absolute-form (`GET http://host/a/b`) is reduced to its path, `/a/b`: the authority
//!    never selects anything;
//! 2. the query (`?…`) and a stray fragment (`#…`) are cut off: they never name a file;
//! 3. the path is split on `/` *before* percent-decoding, then each segment is decoded
//!    exactly once, so `%2f` can never become a separator and `%252e` stays the three
//!    characters `%2e`;
//! 4. a decoded segment that is `..`, or contains `/`, `\` or NUL, is refused; `.` and empty
//!    segments (`//`) are dropped.
//!
//! A refusal is **404 Not Found**: the server does not confirm that anything exists outside
//! its root. A malformed escape (`%zz`, `%4`) is 400: the request itself is broken.
//! Symbolic links are not handled here (a path is only text): `site.rs` opens the result
//! with `openat2(RESOLVE_BENEATH)`, so the kernel refuses any link that leads out of the root.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

/// A request target made safe to look up under the root.
#[derive(Debug, PartialEq, Eq)]
pub struct SafePath {
    /// Relative to the root, no `..`, no leading `/`; empty for the root itself.
    pub rel: PathBuf,
    /// The path as sent, before decoding (without query), for redirects and listings.
    pub raw: String,
    /// The target ended with `/`: a directory was meant.
    pub trailing_slash: bool,
}

/// Why a target cannot be served.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum PathError {
    /// Not a path we can parse (no leading `/`, bad percent escape): 400.
    Malformed,
    /// A path that would leave the root, or that we refuse to interpret: 404.
    Refused,
}

/// Turn a request target into a path under the root.
pub fn safe_path(target: &str) -> Result<SafePath, PathError> {
    let path = strip_absolute_form(target);
    let path = path.split(['?', '#']).next().unwrap_or("");
    if !path.starts_with('/') {
        return Err(PathError::Malformed);
    }
    let mut rel = PathBuf::new();
    for raw_segment in path.split('/') {
        let segment = percent_decode(raw_segment)?;
        match segment.as_slice() {
            b"" | b"." => continue,
            b".." => return Err(PathError::Refused),
            s if s.iter().any(|&b| matches!(b, b'/' | b'\\' | 0)) => return Err(PathError::Refused),
            s => rel.push(OsStr::from_bytes(s)),
        }
    }
    Ok(SafePath {
        rel,
        raw: path.to_string(),
        trailing_slash: path.ends_with('/'),
    })
}

/// Only for `--bug naive-join` (docs/bugs.md): the target as the lecture's server used it,
/// its leading `/` skipped and nothing checked, so `/../secret.txt` names `../secret.txt`.
pub fn naive_path(target: &str) -> SafePath {
    let path = target.split(['?', '#']).next().unwrap_or("");
    SafePath {
        rel: PathBuf::from(path.trim_start_matches('/')),
        raw: path.to_string(),
        trailing_slash: path.ends_with('/'),
    }
}

/// `http://host:port/path?q` -> `/path?q`; `http://host` -> `/`; origin-form unchanged.
fn strip_absolute_form(target: &str) -> &str {
    let lower_starts = |prefix: &str| {
        target
            .get(..prefix.len())
            .is_some_and(|h| h.eq_ignore_ascii_case(prefix))
    };
    let rest = if lower_starts("http://") {
        &target[7..]
    } else if lower_starts("https://") {
        &target[8..]
    } else {
        return target;
    };
    match rest.find(['/', '?']) {
        Some(i) if rest.as_bytes()[i] == b'/' => &rest[i..],
        _ => "/",
    }
}

/// Decode `%XX` escapes once. `+` is not a space in a path (that is only in query strings).
pub fn percent_decode(segment: &str) -> Result<Vec<u8>, PathError> {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hi = bytes.get(i + 1).and_then(|&b| hex(b));
            let lo = bytes.get(i + 2).and_then(|&b| hex(b));
            match (hi, lo) {
                (Some(hi), Some(lo)) => out.push((hi << 4) | lo),
                _ => return Err(PathError::Malformed),
            }
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Ok(out)
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel(target: &str) -> Result<String, PathError> {
        safe_path(target).map(|p| p.rel.to_string_lossy().into_owned())
    }

    #[test]
    fn ordinary_paths() {
        assert_eq!(rel("/"), Ok(String::new()));
        assert_eq!(rel("/index.html"), Ok("index.html".into()));
        assert_eq!(rel("/a/b/c.txt?x=1&y=../../etc"), Ok("a/b/c.txt".into()));
        assert_eq!(rel("/a//./b/"), Ok("a/b".into()));
        assert_eq!(rel("/caf%C3%A9%20cr%c3%a8me.txt"), Ok("café crème.txt".into()));
        assert_eq!(rel("/a+b"), Ok("a+b".into()));
        assert_eq!(rel("/x#frag"), Ok("x".into()));
        assert!(safe_path("/sub/").map(|p| p.trailing_slash).unwrap_or(false));
    }

    #[test]
    fn every_traversal_trick_is_refused() {
        for target in [
            "/..",
            "/../etc/passwd",
            "/a/../../etc/passwd",
            "/a/..",
            "/%2e%2e/etc/passwd",
            "/%2E%2E/%2e%2e/etc/passwd",
            "/.%2e/etc/passwd",
            "/..%2fetc%2fpasswd",
            "/a%2f..%2f..%2fetc",
            "/..%5c..%5cetc",
            "/..\\..\\etc\\passwd",
            "/a\\b",
            "/etc%00.html",
            "/%00",
            "http://evil/../../etc/passwd",
            "HTTP://evil/%2e%2e/etc/passwd",
        ] {
            assert_eq!(rel(target), Err(PathError::Refused), "{target}");
        }
    }

    #[test]
    fn double_encoding_is_decoded_once_only() {
        // %252e%252e is "%2e%2e" literally: a strange but harmless file name.
        assert_eq!(rel("/%252e%252e/x"), Ok("%2e%2e/x".into()));
    }

    #[test]
    fn absolute_form_keeps_only_the_path() {
        assert_eq!(rel("http://example.com/a/b"), Ok("a/b".into()));
        assert_eq!(rel("http://example.com"), Ok(String::new()));
        assert_eq!(rel("https://example.com:8080?x=/etc"), Ok(String::new()));
        assert_eq!(
            rel("http:///etc/passwd"),
            Ok("etc/passwd".into()),
            "still under the root"
        );
    }

    #[test]
    fn malformed_targets() {
        for target in ["", "*", "index.html", "/%", "/%4", "/%zz", "/a%g0", "ftp://x/y"] {
            assert_eq!(rel(target), Err(PathError::Malformed), "{target:?}");
        }
    }
}
