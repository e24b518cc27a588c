//! The HTML page around one or more timeline SVGs: self-contained (the SVG inline, a few
//! lines of script, no network), with a details box that shows what the mark or wait under
//! the pointer is about (the `<title>` of the element, which a bare SVG shows as a tooltip).

use std::fmt::Write as _;

/// One section of a page: a heading, a sentence, and an SVG document.
pub struct Section<'a> {
    pub heading: &'a str,
    pub text: &'a str,
    pub svg: &'a str,
}

const STYLE: &str = "body{font-family:DejaVu Sans,Arial,sans-serif;margin:16px;color:#222}\
#details{position:sticky;top:0;background:#fffbe6;border:1px solid #e0c200;padding:6px 10px;\
min-height:1.3em;font-family:monospace;z-index:1}\
svg .mark:hover,svg .wait:hover{opacity:0.6;cursor:crosshair}section{margin-bottom:28px}";

const SCRIPT: &str = r#"document.addEventListener('mouseover', function (e) {
  var el = e.target.closest ? e.target.closest('.mark, .wait') : null;
  if (!el) return;
  var t = el.querySelector('title');
  if (t) document.getElementById('details').textContent = t.textContent;
});"#;

/// A whole page.
pub fn page(title: &str, intro: &str, sections: &[Section<'_>]) -> String {
    let mut html = String::with_capacity(sections.iter().map(|s| s.svg.len()).sum::<usize>() + 4096);
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{t}</title><style>{STYLE}</style></head><body>\n<h1>{t}</h1>\n<p>{intro}</p>\n<div id=\"details\">hover over a mark or a shaded wait for its details</div>\n",
        t = escape(title),
        intro = escape(intro)
    );
    for s in sections {
        html.push_str("<section>");
        if !s.heading.is_empty() {
            let _ = write!(html, "<h2>{}</h2>", escape(s.heading));
        }
        if !s.text.is_empty() {
            let _ = write!(html, "<p>{}</p>", escape(s.text));
        }
        let _ = write!(html, "\n{}\n</section>\n", strip_xml_prolog(s.svg));
    }
    let _ = write!(html, "<script>{SCRIPT}</script>\n</body></html>\n");
    html
}

fn strip_xml_prolog(svg: &str) -> &str {
    match svg.strip_prefix("<?xml") {
        Some(rest) => rest.find("?>").map_or(svg, |i| rest[i + 2..].trim_start()),
        None => svg,
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}
