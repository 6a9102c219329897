//! A standalone HTML page: numbered headings and clauses, defined terms in `<strong>`,
//! tables, signature blocks, and print styles with page numbers.

use crate::model::{Block, Counter, Document, Level, Run, Style};
use std::fmt::Write as _;

/// Escapes text for HTML content and attributes.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
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

const STYLE: &str = "body{font-family:Georgia,'Times New Roman',serif;max-width:42em;margin:2em auto;padding:0 1em;line-height:1.45;color:#111}\
h1{text-align:center;font-size:1.5em;margin-bottom:.2em}.subtitle{text-align:center;margin-top:0}\
h2{font-size:1.1em;margin-top:1.6em;break-after:avoid}p{margin:.5em 0;orphans:2;widows:2}\
.clause{padding-left:3em;text-indent:-3em}.item{padding-left:5.5em;text-indent:-2.5em}.num{display:inline-block;min-width:3em;text-indent:0}\
.item .num{min-width:2.5em}table{border-collapse:collapse;margin:1em 0;width:100%}th,td{border:1px solid #999;padding:.3em .5em;text-align:left;vertical-align:top}\
.signatures{display:flex;flex-wrap:wrap;gap:2em;margin-top:2em;break-inside:avoid}.signatory{flex:1 1 14em}.sigline{border-bottom:1px solid #111;height:2.5em;margin-bottom:.3em}\
header.running{font-size:.8em;color:#555;text-align:right}\
@page{size:A4;margin:2.5cm;@bottom-center{content:'Page ' counter(page) ' of ' counter(pages)}}";

/// Renders a complete HTML document.
pub fn html(doc: &Document) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        esc(&doc.title)
    );
    out.push_str(&html_body(doc));
    out.push_str("</body>\n</html>\n");
    out
}

/// The document's content as an HTML fragment (no page, no styles), for a page that embeds
/// a preview under its own stylesheet; same classes as [`html`].
pub fn html_body(doc: &Document) -> String {
    let mut out = String::new();
    if let Some(h) = &doc.header {
        let _ = writeln!(out, "<header class=\"running\">{}</header>", esc(h));
    }
    let _ = writeln!(out, "<h1>{}</h1>", esc(&doc.title));
    if let Some(s) = &doc.subtitle {
        let _ = writeln!(out, "<p class=\"subtitle\">{}</p>", esc(s));
    }
    let mut n = Counter::default();
    for b in &doc.blocks {
        match b {
            Block::Heading { numbered, text } => {
                if *numbered {
                    let label = n.heading();
                    let _ = writeln!(out, "<h2>{label} {}</h2>", esc(text));
                } else {
                    let _ = writeln!(out, "<h2>{}</h2>", esc(text));
                }
            }
            Block::Paragraph { level, runs } => {
                let class = match level {
                    Level::Body => "",
                    Level::Clause => " class=\"clause\"",
                    Level::Item => " class=\"item\"",
                };
                let label = n
                    .paragraph(*level)
                    .map(|l| format!("<span class=\"num\">{l}</span>"))
                    .unwrap_or_default();
                let _ = writeln!(out, "<p{class}>{label}{}</p>", inline(runs));
            }
            Block::Table { header, rows } => {
                out.push_str("<table>\n<thead><tr>");
                for h in header {
                    let _ = write!(out, "<th>{}</th>", esc(h));
                }
                out.push_str("</tr></thead>\n<tbody>\n");
                for r in rows {
                    out.push_str("<tr>");
                    for c in r {
                        let _ = write!(out, "<td>{}</td>", esc(c));
                    }
                    out.push_str("</tr>\n");
                }
                out.push_str("</tbody>\n</table>\n");
            }
            Block::Signatures(s) => {
                out.push_str("<div class=\"signatures\">\n");
                for sig in s {
                    let _ = write!(
                        out,
                        "<div class=\"signatory\"><p><strong>For and on behalf of {}</strong></p><div class=\"sigline\"></div><p>Signature</p>",
                        esc(&sig.party)
                    );
                    for l in &sig.lines {
                        let _ = write!(out, "<p>{}</p>", esc(l));
                    }
                    out.push_str("</div>\n");
                }
                out.push_str("</div>\n");
            }
        }
    }
    out
}

fn inline(runs: &[Run]) -> String {
    let mut s = String::new();
    for r in runs {
        let t = esc(&r.text);
        match r.style {
            Style::Plain => s.push_str(&t),
            Style::Bold => {
                let _ = write!(s, "<strong>{t}</strong>");
            }
            Style::Italic => {
                let _ = write!(s, "<em>{t}</em>");
            }
        }
    }
    s
}
