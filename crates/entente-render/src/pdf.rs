//! Typeset PDF through typst as a library: A4, numbered headings and clauses with hanging
//! numbers, a running header, "Page X of Y" in the footer, widow and orphan control, headings
//! kept with what follows, embedded fonts, PDF/A-2b.
//!
//! The typst source is generated here with every text as a string literal (`#"…"`), so no
//! character of a document can be read as markup. No typst package is used: packages are
//! downloaded from the network, and rendering does no I/O.

use crate::RenderError;
use crate::model::{Block, Counter, Document, Level, Run, Style};
use std::fmt::Write as _;
use std::sync::OnceLock;
use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, Source};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt};
use typst_kit::fonts::FontStore;
use typst_layout::PagedDocument;

/// The standard library and the embedded fonts, loaded once per process.
struct Shared {
    library: LazyHash<Library>,
    fonts: FontStore,
}

fn shared() -> &'static Shared {
    static SHARED: OnceLock<Shared> = OnceLock::new();
    SHARED.get_or_init(|| {
        let mut fonts = FontStore::new();
        fonts.extend(typst_kit::fonts::embedded());
        Shared {
            library: LazyHash::new(Library::default()),
            fonts,
        }
    })
}

/// One compilation: a single source file, nothing else to read.
struct World {
    source: Source,
    shared: &'static Shared,
}

impl typst::World for World {
    fn library(&self) -> &LazyHash<Library> {
        &self.shared.library
    }
    fn book(&self) -> &LazyHash<FontBook> {
        self.shared.fonts.book()
    }
    fn main(&self) -> FileId {
        self.source.id()
    }
    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.source.id() {
            Ok(self.source.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }
    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.source.id() {
            Ok(Bytes::from_string(self.source.clone()))
        } else {
            Err(FileError::AccessDenied)
        }
    }
    fn font(&self, index: usize) -> Option<Font> {
        self.shared.fonts.font(index)
    }
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        // The document never asks for today's date: rendering the same model twice gives
        // the same pages.
        None
    }
}

/// A typst string literal.
fn lit(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' | '\r' | '\t' => out.push(' '),
            c if (c as u32) < 0x20 => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn runs(rs: &[Run]) -> String {
    let mut s = String::new();
    for r in rs {
        match r.style {
            Style::Plain => {
                let _ = write!(s, "#{}", lit(&r.text));
            }
            Style::Bold => {
                let _ = write!(s, "#strong({})", lit(&r.text));
            }
            Style::Italic => {
                let _ = write!(s, "#emph({})", lit(&r.text));
            }
        }
    }
    s
}

/// The typst source for a document.
pub(crate) fn source(doc: &Document) -> String {
    let mut s = String::new();
    let header = doc.header.as_deref().unwrap_or(&doc.title);
    let _ = write!(
        s,
        "#set document(title: {title}, author: \"Entente\")\n\
         #set page(paper: \"a4\", margin: (x: 2.5cm, top: 2.6cm, bottom: 2.4cm),\n\
           header: align(right, text(size: 8pt, fill: luma(90), {header})),\n\
           footer: context align(center, text(size: 9pt)[Page #counter(page).display() of #counter(page).final().first()]))\n\
         #set text(font: \"Libertinus Serif\", size: 11pt, lang: \"en\", region: \"gb\", costs: (widow: 100%, orphan: 100%))\n\
         #set par(justify: true, leading: 0.62em, spacing: 0.95em)\n\
         #show heading: set text(size: 11.5pt, weight: \"bold\")\n\
         #show heading: set block(above: 1.5em, below: 0.85em)\n\
         #align(center, text(size: 16pt, weight: \"bold\", upper({title})))\n",
        title = lit(&doc.title),
        header = lit(header),
    );
    if let Some(sub) = &doc.subtitle {
        let _ = writeln!(s, "#align(center, emph({}))\n#v(1.2em)", lit(sub));
    }
    let mut n = Counter::default();
    for b in &doc.blocks {
        match b {
            Block::Heading { numbered, text } => {
                if *numbered {
                    let label = n.heading();
                    let _ = writeln!(
                        s,
                        "#heading(level: 1, numbering: none)[#box(width: 2.4em, {})#upper({})]",
                        lit(&label),
                        lit(text)
                    );
                } else {
                    let _ = writeln!(
                        s,
                        "#heading(level: 1, numbering: none, upper({}))",
                        lit(text)
                    );
                }
            }
            Block::Paragraph { level, runs: rs } => {
                let label = n.paragraph(*level);
                let body = runs(rs);
                match (level, label) {
                    (Level::Body, _) | (_, None) => {
                        let _ = writeln!(s, "#par[{body}]");
                    }
                    (Level::Clause, Some(l)) => {
                        let _ = writeln!(
                            s,
                            "#par(hanging-indent: 2.4em)[#box(width: 2.4em, {}){body}]",
                            lit(&l)
                        );
                    }
                    (Level::Item, Some(l)) => {
                        let _ = writeln!(
                            s,
                            "#pad(left: 2.4em, par(hanging-indent: 2.2em)[#box(width: 2.2em, {}){body}])",
                            lit(&l)
                        );
                    }
                }
            }
            Block::Table { header, rows } => {
                let cols = header.len().max(1);
                let _ = write!(
                    s,
                    "#table(columns: {cols}, inset: 5pt, stroke: 0.5pt + luma(120), align: left,\n  table.header("
                );
                for h in header {
                    let _ = write!(s, "text(size: 9.5pt, strong({})), ", lit(h));
                }
                s.push_str("),\n");
                for r in rows {
                    s.push_str("  ");
                    for c in r {
                        let _ = write!(s, "text(size: 9.5pt, {}), ", lit(c));
                    }
                    s.push('\n');
                }
                s.push_str(")\n");
            }
            Block::Signatures(sigs) => {
                for sig in sigs {
                    // A block is never split across pages.
                    let _ = write!(
                        s,
                        "#block(breakable: false, above: 1.6em)[#strong({}) \\\n#v(1.8em) #{} \\\n",
                        lit(&format!("For and on behalf of {}", sig.party)),
                        lit("Signature: ______________________________")
                    );
                    for l in &sig.lines {
                        let _ = writeln!(s, "#{} \\", lit(l));
                    }
                    s.push_str("]\n");
                }
            }
        }
    }
    s
}

fn diagnostics(d: &[SourceDiagnostic]) -> String {
    d.iter()
        .map(|d| d.message.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

/// Typesets the document as a PDF/A-2b file.
pub fn pdf(doc: &Document) -> Result<Vec<u8>, RenderError> {
    let world = World {
        source: Source::detached(source(doc)),
        shared: shared(),
    };
    let compiled = typst::compile::<PagedDocument>(&world).output;
    let paged = compiled.map_err(|e| RenderError::Pdf(diagnostics(&e)))?;
    let timestamp = doc
        .date
        .and_then(|(y, m, d)| Datetime::from_ymd(y, m, d))
        .map(typst_pdf::Timestamp::new_utc);
    // PDF/A requires a document date.
    let standards: &[typst_pdf::PdfStandard] = if timestamp.is_some() {
        &[typst_pdf::PdfStandard::A_2b]
    } else {
        &[]
    };
    let options = typst_pdf::PdfOptions {
        standards: typst_pdf::PdfStandards::new(standards)
            .map_err(|e| RenderError::Pdf(e.message().to_string()))?,
        creator: typst::foundations::Smart::Custom(Some("Entente".into())),
        timestamp,
        ..typst_pdf::PdfOptions::default()
    };
    let bytes = typst_pdf::pdf(&paged, &options).map_err(|e| RenderError::Pdf(diagnostics(&e)));
    // typst memoises across compilations; drop what recent ones did not reuse, so a server
    // rendering many documents does not grow without bound.
    comemo::evict(10);
    bytes
}

/// How many pages the document typesets to (for tests and reports).
pub fn page_count(doc: &Document) -> Result<usize, RenderError> {
    let world = World {
        source: Source::detached(source(doc)),
        shared: shared(),
    };
    let paged = typst::compile::<PagedDocument>(&world)
        .output
        .map_err(|e| RenderError::Pdf(diagnostics(&e)))?;
    Ok(paged.pages().len())
}
