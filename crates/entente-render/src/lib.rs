//! Bytes out: a document model (numbered headings and clauses, defined terms, tables,
//! signature blocks) rendered as Markdown, HTML, DOCX or typeset PDF. No I/O, no database;
//! the mirror of entente-analysis, which takes bytes in.

mod docx;
mod html;
mod markdown;
pub mod model;
mod pdf;

pub use docx::docx;
pub use html::{html, html_body};
pub use markdown::markdown;
pub use model::{Block, Document, Level, Run, Signatory, Style, plain_text, runs};
pub use pdf::{page_count, pdf};

/// A failure to render.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The DOCX package could not be assembled (an I/O error on the in-memory buffer).
    #[error("cannot write the DOCX package: {0}")]
    Docx(String),
    /// Typesetting failed.
    #[error("cannot typeset the PDF: {0}")]
    Pdf(String),
}

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Markdown.
    Markdown,
    /// A standalone HTML page.
    Html,
    /// Word.
    Docx,
    /// PDF/A-2b.
    Pdf,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 4] = [Self::Markdown, Self::Html, Self::Docx, Self::Pdf];

    /// The format a file name's extension asks for (`md`, `markdown`, `html`, `htm`,
    /// `docx`, `pdf`, any case).
    pub fn from_path(path: &str) -> Option<Self> {
        let ext = path.rsplit_once('.')?.1.to_ascii_lowercase();
        Self::parse(&ext)
    }

    /// Parses a format name.
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "md" | "markdown" => Some(Self::Markdown),
            "html" | "htm" => Some(Self::Html),
            "docx" => Some(Self::Docx),
            "pdf" => Some(Self::Pdf),
            _ => None,
        }
    }

    /// The usual extension.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Markdown => "md",
            Self::Html => "html",
            Self::Docx => "docx",
            Self::Pdf => "pdf",
        }
    }

    /// The media type.
    pub fn media_type(self) -> &'static str {
        match self {
            Self::Markdown => "text/markdown; charset=utf-8",
            Self::Html => "text/html; charset=utf-8",
            Self::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Self::Pdf => "application/pdf",
        }
    }
}

/// Renders a document in a format.
pub fn render(doc: &Document, format: Format) -> Result<Vec<u8>, RenderError> {
    match format {
        Format::Markdown => Ok(markdown(doc).into_bytes()),
        Format::Html => Ok(html(doc).into_bytes()),
        Format::Docx => docx(doc),
        Format::Pdf => pdf(doc),
    }
}
