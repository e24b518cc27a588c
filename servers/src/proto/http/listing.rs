//! A generated page listing a directory that has no `index.html`: "sharing a folder".
//!
//! Two escapings, each where it belongs: a name inside the page's text is *HTML-escaped*
//! (`<`, `&`, quotes), so a file called `<script>…` is shown, not run; a name inside an
//! `href` is *percent-encoded*, so `a b#1?.txt` links to that file rather than to `a b` with
//! a fragment. Links are relative (`name`, `sub/`), which is why a directory is always
//! served at a URL ending in `/` (`site.rs` redirects `/sub` to `/sub/`).
//!
//! The listing is bounded (`MAX_ENTRIES`): a directory of a million files gives a page that
//! says how many were left out, not a response of unbounded size.

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// Most names shown on one page.
pub const MAX_ENTRIES: usize = 10_000;

/// One name in a directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The file name as bytes (a Linux name need not be UTF-8).
    pub name: Vec<u8>,
    pub is_dir: bool,
    /// Size in bytes (0 for directories).
    pub size: u64,
}

/// The entries of `dir`, sorted by name, at most `MAX_ENTRIES`; also how many were skipped.
pub fn read_entries(dir: &Path) -> io::Result<(Vec<Entry>, usize)> {
    let mut entries = Vec::new();
    let mut skipped = 0;
    for item in fs::read_dir(dir)? {
        let item = item?;
        if entries.len() >= MAX_ENTRIES {
            skipped += 1;
            continue;
        }
        // metadata() follows symlinks: a link is shown as what it points to; following it
        // is still checked by openat2 when a client asks for it.
        let meta = item.metadata().ok();
        entries.push(Entry {
            name: item.file_name().as_bytes().to_vec(),
            is_dir: meta.as_ref().is_some_and(|m| m.is_dir()),
            size: meta.as_ref().filter(|m| m.is_file()).map_or(0, |m| m.len()),
        });
    }
    entries.sort_by(|a, b| a.name.cmp(&b.name));
    Ok((entries, skipped))
}

/// The HTML page for directory `url_path` (as requested, e.g. `/docs/`).
pub fn render(url_path: &str, entries: &[Entry], skipped: usize) -> Vec<u8> {
    let title = html_escape(&String::from_utf8_lossy(
        &super::path::percent_decode(url_path).unwrap_or_default(),
    ));
    let mut page = String::with_capacity(256 + entries.len() * 96);
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Index of {title}</title></head>\n\
         <body>\n<h1>Index of {title}</h1>\n<ul>\n"
    );
    if url_path != "/" {
        page.push_str("<li><a href=\"../\">../</a></li>\n");
    }
    for entry in entries {
        let slash = if entry.is_dir { "/" } else { "" };
        let href = percent_encode(&entry.name);
        let text = html_escape(&String::from_utf8_lossy(&entry.name));
        let size = if entry.is_dir {
            String::new()
        } else {
            format!(" ({} bytes)", entry.size)
        };
        let _ = writeln!(page, "<li><a href=\"{href}{slash}\">{text}{slash}</a>{size}</li>");
    }
    if skipped > 0 {
        let _ = writeln!(page, "<li>… and {skipped} more</li>");
    }
    page.push_str("</ul>\n</body></html>\n");
    page.into_bytes()
}

/// Escape the five characters that could end a text node or an attribute.
pub fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Percent-encode everything but RFC 3986's unreserved characters, for one path segment.
pub fn percent_encode(name: &[u8]) -> String {
    let mut out = String::with_capacity(name.len());
    for &b in name {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str, is_dir: bool) -> Entry {
        Entry {
            name: name.as_bytes().to_vec(),
            is_dir,
            size: 3,
        }
    }

    #[test]
    fn hostile_names_are_escaped_in_text_and_encoded_in_links() {
        let page = render(
            "/share/",
            &[entry("<script>alert(1)</script>", false), entry("a b#1?.txt", false)],
            0,
        );
        let page = String::from_utf8(page).expect("utf-8");
        assert!(!page.contains("<script>"), "{page}");
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{page}");
        assert!(
            page.contains("href=\"%3Cscript%3Ealert%281%29%3C%2Fscript%3E\""),
            "{page}"
        );
        assert!(
            page.contains("<a href=\"a%20b%231%3F.txt\">a b#1?.txt</a> (3 bytes)"),
            "{page}"
        );
    }

    #[test]
    fn directories_get_a_slash_and_subpages_a_parent_link() {
        let page = String::from_utf8(render("/", &[entry("sub", true)], 0)).expect("utf-8");
        assert!(page.contains("<a href=\"sub/\">sub/</a></li>"), "{page}");
        assert!(!page.contains("../"), "no parent above the root: {page}");
        let page = String::from_utf8(render("/a%20dir/", &[], 2)).expect("utf-8");
        assert!(page.contains("<title>Index of /a dir/</title>"), "{page}");
        assert!(page.contains("href=\"../\""), "{page}");
        assert!(page.contains("and 2 more"), "{page}");
    }

    #[test]
    fn quotes_cannot_break_the_attribute() {
        assert_eq!(html_escape("\"'&"), "&quot;&#39;&amp;");
        assert_eq!(percent_encode("x\"y'".as_bytes()), "x%22y%27");
        assert_eq!(percent_encode("é".as_bytes()), "%C3%A9");
    }
}
