//! `Content-Type` from a file name's extension, as a browser needs it to render the bytes.
//!
//! Servers do not sniff content: the extension decides, and anything unknown is
//! `application/octet-stream` (a download, never something a browser would execute). Text
//! types say `charset=utf-8` so that accents in a page are shown as written.

/// The media type for `name` (a file name or a path; only the last extension counts).
pub fn content_type(name: &str) -> &'static str {
    let ext = match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && !ext.contains('/') => ext,
        _ => return OCTET_STREAM,
    };
    match ext.to_ascii_lowercase().as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "txt" => "text/plain; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "svg" => "image/svg+xml",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "wasm" => "application/wasm",
        _ => OCTET_STREAM,
    }
}

pub const OCTET_STREAM: &str = "application/octet-stream";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_extension() {
        let table = [
            ("index.html", "text/html; charset=utf-8"),
            ("a/b/style.CSS", "text/css; charset=utf-8"),
            ("app.js", "text/javascript; charset=utf-8"),
            ("data.json", "application/json"),
            ("notes.txt", "text/plain; charset=utf-8"),
            ("logo.png", "image/png"),
            ("photo.jpg", "image/jpeg"),
            ("photo.jpeg", "image/jpeg"),
            ("anim.gif", "image/gif"),
            ("icon.svg", "image/svg+xml"),
            ("favicon.ico", "image/x-icon"),
            ("paper.pdf", "application/pdf"),
            ("module.wasm", "application/wasm"),
        ];
        for (name, want) in table {
            assert_eq!(content_type(name), want, "{name}");
        }
    }

    #[test]
    fn unknown_or_missing_extension_is_octet_stream() {
        for name in ["archive.tar.xz", "README", ".bashrc", "dir.d/file", "x."] {
            assert_eq!(content_type(name), OCTET_STREAM, "{name}");
        }
    }
}
