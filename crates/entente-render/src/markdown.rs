//! Markdown (and the plain text beside it): headings and clauses carry their numbers as
//! text, defined terms are `**bold**`, tables are pipe tables.

use crate::model::{Block, Counter, Document, Run, Style};
use std::fmt::Write as _;

/// Renders Markdown.
pub fn markdown(doc: &Document) -> String {
    write(doc, true)
}

/// The same document as plain text: the words and numbers a reader sees, no markup.
pub(crate) fn text(doc: &Document) -> String {
    write(doc, false)
}

fn write(doc: &Document, md: bool) -> String {
    let mut out = String::new();
    let mut n = Counter::default();
    let h = |level: usize| {
        if md {
            "#".repeat(level) + " "
        } else {
            String::new()
        }
    };
    let _ = writeln!(out, "{}{}\n", h(1), esc(&doc.title, md));
    if let Some(s) = &doc.subtitle {
        let _ = writeln!(out, "{}\n", esc(s, md));
    }
    for b in &doc.blocks {
        match b {
            Block::Heading { numbered, text } => {
                let label = if *numbered {
                    format!("{} ", n.heading())
                } else {
                    String::new()
                };
                let _ = writeln!(out, "{}{label}{}\n", h(2), esc(text, md));
            }
            Block::Paragraph { level, runs } => {
                if let Some(label) = n.paragraph(*level) {
                    out.push_str(&label);
                    out.push(' ');
                }
                let _ = writeln!(out, "{}\n", inline(runs, md));
            }
            Block::Table { header, rows } => {
                let row = |cells: &[String]| {
                    let cells: Vec<String> = cells.iter().map(|c| esc(c, md)).collect();
                    if md {
                        format!("| {} |\n", cells.join(" | "))
                    } else {
                        format!("{}\n", cells.join("  "))
                    }
                };
                out.push_str(&row(header));
                if md {
                    let _ = writeln!(out, "|{}", "---|".repeat(header.len()));
                }
                for r in rows {
                    out.push_str(&row(r));
                }
                out.push('\n');
            }
            Block::Signatures(s) => {
                for sig in s {
                    let party = esc(&sig.party, md);
                    if md {
                        let _ = writeln!(out, "**For and on behalf of {party}**\n");
                    } else {
                        let _ = writeln!(out, "For and on behalf of {party}\n");
                    }
                    let _ = writeln!(out, "Signature: ______________________________\n");
                    for l in &sig.lines {
                        let _ = writeln!(out, "{}\n", esc(l, md));
                    }
                }
            }
        }
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

fn inline(runs: &[Run], md: bool) -> String {
    let mut s = String::new();
    for r in runs {
        let t = esc(&r.text, md);
        match (r.style, md) {
            (Style::Bold, true) => {
                let _ = write!(s, "**{t}**");
            }
            (Style::Italic, true) => {
                let _ = write!(s, "*{t}*");
            }
            _ => s.push_str(&t),
        }
    }
    s
}

/// Escapes the characters Markdown would read as markup inside a line.
fn esc(s: &str, md: bool) -> String {
    let s = s.replace('\n', " ");
    if !md {
        return s;
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '|' | '#'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
