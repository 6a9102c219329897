//! Ingest: turns the bytes of a TXT, Markdown, HTML, DOCX or PDF file into normalised text
//! with a map back to pages/paragraphs, sniffing the content and refusing bad input clearly.

mod docx;
mod html;
mod markdown;
mod pdf;

use entente_domain::document::MediaType;
use serde::Serialize;

/// Resource limits applied while reading a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest accepted file, in bytes, inclusive (default 50 MiB, 52,428,800 bytes). Every
    /// path that takes a file (CLI and API) applies this one rule.
    pub max_bytes: u64,
    /// Largest total uncompressed size of an archive's entries (DOCX), in bytes (default 200 MB).
    pub max_uncompressed: u64,
    /// Largest compression ratio of any archive entry larger than 1 MB (default 100).
    pub max_ratio: u64,
    /// Most entries an archive may hold (default 10 000).
    pub max_entries: u64,
    /// Most pages a PDF may have (default 5 000).
    pub max_pages: u64,
    /// Longest extracted text, in bytes (default 100 MB).
    pub max_text: u64,
}

/// One mebibyte: upload limits are given in whole MiB.
pub const MIB: u64 = 1024 * 1024;

/// The default largest file, in MiB.
pub const DEFAULT_MAX_MIB: u64 = 50;

/// The largest upload limit that may be configured, in MiB (4 GiB): beyond it a byte count
/// would no longer fit the server's body limit on 32-bit targets.
pub const MAX_CONFIGURABLE_MIB: u64 = 4096;

impl Limits {
    /// The default limits with the largest file set to `mib` MiB (`mib` is expected in
    /// `1..=MAX_CONFIGURABLE_MIB`; larger values saturate rather than overflow).
    pub fn with_max_mib(mib: u64) -> Self {
        Self {
            max_bytes: mib.saturating_mul(MIB),
            ..Self::default()
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_bytes: DEFAULT_MAX_MIB * MIB,
            max_uncompressed: 200 * 1_000_000,
            max_ratio: 100,
            max_entries: 10_000,
            max_pages: 5_000,
            max_text: 100 * 1_000_000,
        }
    }
}

/// Why a file could not be read. Every message says what is wrong in plain words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IngestError {
    /// Zero bytes, or nothing but whitespace.
    #[error("file is empty")]
    Empty,
    /// Above `Limits::max_bytes`.
    #[error("file is {} bytes, above the limit of {}", grouped(*.size), limit_text(*.limit))]
    TooLarge {
        /// Size of the file.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// Text that is not UTF-8.
    #[error("not valid UTF-8 at byte {at} (save the file as UTF-8)")]
    InvalidUtf8 {
        /// Offset of the first bad byte.
        at: usize,
    },
    /// The content is one format, the file name says another.
    #[error("content is {content} but the name says .{ext}")]
    Mismatch {
        /// What the bytes are.
        content: &'static str,
        /// The extension of the name.
        ext: String,
    },
    /// A format Entente does not read.
    #[error("unsupported file type: {what} (supported: .txt, .md, .html, .docx, .pdf)")]
    Unsupported {
        /// What was found.
        what: String,
    },
    /// Password-protected document.
    #[error("{format} is encrypted (remove the password and try again)")]
    Encrypted {
        /// DOCX or PDF.
        format: &'static str,
    },
    /// Broken structure.
    #[error("{format} is malformed: {detail}")]
    Malformed {
        /// DOCX, PDF, HTML …
        format: &'static str,
        /// What is wrong.
        detail: String,
    },
    /// An archive that expands far beyond its size.
    #[error("zip bomb: {detail}")]
    ZipBomb {
        /// Which limit it broke.
        detail: String,
    },
    /// A PDF made of images only.
    #[error("PDF has no text layer (scanned?); OCR is not supported")]
    NoTextLayer,
    /// Readable, but holds no text.
    #[error("{format} contains no text")]
    NoText {
        /// The format.
        format: &'static str,
    },
    /// Too many pages or too much text.
    #[error("{what} is above the limit of {limit}")]
    LimitExceeded {
        /// What was too big.
        what: String,
        /// The limit.
        limit: u64,
    },
}

/// `52428800` as "52,428,800": exact byte counts, readable.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// "52,428,800 bytes (50 MiB)": the exact count, with binary units when the limit is a
/// whole number of them.
fn limit_text(n: u64) -> String {
    const KIB: u64 = 1024;
    let bytes = grouped(n);
    if n >= MIB && n.is_multiple_of(MIB) {
        format!("{bytes} bytes ({} MiB)", n / MIB)
    } else if n >= KIB && n.is_multiple_of(KIB) {
        format!("{bytes} bytes ({} KiB)", n / KIB)
    } else {
        format!("{bytes} bytes")
    }
}

/// One unit of the original document (a page or a paragraph) and where its text lies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceUnit {
    /// Start, in characters of the ingested text.
    pub start: usize,
    /// End (exclusive), in characters.
    pub end: usize,
    /// 1-based page number (PDF).
    pub page: Option<u32>,
    /// 1-based paragraph number (within the document).
    pub paragraph: u32,
}

/// A map from ingested text back to the original document.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SourceMap {
    /// Units in text order, non-overlapping.
    pub units: Vec<SourceUnit>,
}

impl SourceMap {
    /// The unit holding character offset `at`.
    pub fn locate(&self, at: usize) -> Option<&SourceUnit> {
        let i = self.units.partition_point(|u| u.end <= at);
        self.units.get(i).filter(|u| u.start <= at)
    }

    /// Paragraphs separated by blank lines, with an optional page for each line start.
    pub(crate) fn paragraphs(text: &str, pages: &[(usize, u32)]) -> Self {
        let mut units = Vec::new();
        let mut char_pos = 0usize;
        let mut para_start: Option<usize> = None;
        let mut last_nonblank_end = 0usize;
        let mut n = 0u32;
        let mut byte = 0usize;
        let page_at = |b: usize| -> Option<u32> {
            if pages.is_empty() {
                return None;
            }
            let k = pages.partition_point(|&(start, _)| start <= b);
            pages.get(k.saturating_sub(1)).map(|p| p.1)
        };
        let mut para_page = None;
        for line in text.split_inclusive('\n') {
            let chars = line.chars().count();
            let blank = line.trim().is_empty();
            let new_page = page_at(byte);
            if (blank || (para_start.is_some() && new_page != para_page))
                && let Some(s) = para_start.take()
            {
                n += 1;
                units.push(SourceUnit {
                    start: s,
                    end: last_nonblank_end,
                    page: para_page,
                    paragraph: n,
                });
            }
            if !blank {
                if para_start.is_none() {
                    para_start = Some(char_pos);
                    para_page = new_page;
                }
                last_nonblank_end = char_pos + line.trim_end().chars().count();
            }
            char_pos += chars;
            byte += line.len();
        }
        if let Some(s) = para_start {
            n += 1;
            units.push(SourceUnit {
                start: s,
                end: last_nonblank_end,
                page: para_page,
                paragraph: n,
            });
        }
        Self { units }
    }
}

/// The text of a file, ready for analysis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ingested {
    /// What the file was.
    pub media_type: MediaType,
    /// Normalised text (LF line ends, no BOM, no NUL).
    pub text: String,
    /// Where each paragraph (and page) of the text came from.
    pub map: SourceMap,
}

/// What the first bytes say a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sniffed {
    Pdf,
    Zip,
    Ole,
    Rtf,
    Text,
    Binary,
}

fn sniff(bytes: &[u8]) -> Sniffed {
    let head = &bytes[..bytes.len().min(1024)];
    if head.windows(5).any(|w| w == b"%PDF-") {
        return Sniffed::Pdf;
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return Sniffed::Zip;
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Sniffed::Ole;
    }
    if bytes.starts_with(b"{\\rtf") {
        return Sniffed::Rtf;
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Sniffed::Text;
    }
    let sample = &bytes[..bytes.len().min(8192)];
    let nul = sample.iter().filter(|b| **b == 0).count();
    if nul > 0 {
        return Sniffed::Binary;
    }
    Sniffed::Text
}

fn extension(filename: &str) -> String {
    let base = filename.rsplit(['/', '\\']).next().unwrap_or(filename);
    match base.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => ext.to_ascii_lowercase(),
        _ => String::new(),
    }
}

/// Reads a file's bytes into normalised text. `filename` is used for its extension only;
/// the content decides the format, and a contradiction between the two is an error.
pub fn ingest(bytes: &[u8], filename: &str, limits: &Limits) -> Result<Ingested, IngestError> {
    let size = bytes.len() as u64;
    if size > limits.max_bytes {
        return Err(IngestError::TooLarge {
            size,
            limit: limits.max_bytes,
        });
    }
    if bytes.is_empty() {
        return Err(IngestError::Empty);
    }
    let ext = extension(filename);
    let sniffed = sniff(bytes);
    let mismatch = |content: &'static str| IngestError::Mismatch {
        content,
        ext: ext.clone(),
    };
    let textual_ext = matches!(
        ext.as_str(),
        "" | "txt" | "text" | "md" | "markdown" | "html" | "htm" | "xhtml"
    );
    let ing = match sniffed {
        Sniffed::Pdf => {
            if !(ext.is_empty() || ext == "pdf") {
                return Err(mismatch("PDF"));
            }
            pdf::read(bytes, limits)?
        }
        Sniffed::Zip => {
            if !(ext.is_empty() || ext == "docx" || ext == "docm") {
                return Err(if textual_ext || ext == "pdf" {
                    mismatch("a ZIP archive (DOCX?)")
                } else {
                    IngestError::Unsupported {
                        what: format!(".{ext} (a ZIP archive)"),
                    }
                });
            }
            docx::read(bytes, limits)?
        }
        Sniffed::Ole => {
            // Password-protected DOCX files are OLE containers holding an EncryptionInfo stream.
            if ole_is_encrypted_ooxml(bytes) {
                return Err(IngestError::Encrypted { format: "DOCX" });
            }
            return Err(IngestError::Unsupported {
                what: "legacy Word/Office binary (.doc); save it as .docx".into(),
            });
        }
        Sniffed::Rtf => {
            return Err(IngestError::Unsupported {
                what: "RTF; save it as .docx or .txt".into(),
            });
        }
        Sniffed::Binary => {
            if ext == "docx" {
                return Err(IngestError::Malformed {
                    format: "DOCX",
                    detail: "not a ZIP archive".into(),
                });
            }
            if ext == "pdf" {
                return Err(IngestError::Malformed {
                    format: "PDF",
                    detail: "no %PDF header".into(),
                });
            }
            return Err(IngestError::Unsupported {
                what: if ext.is_empty() {
                    "binary content".into()
                } else {
                    format!(".{ext} (binary content)")
                },
            });
        }
        Sniffed::Text => {
            match ext.as_str() {
                "docx" | "docm" => {
                    return Err(IngestError::Malformed {
                        format: "DOCX",
                        detail: "not a ZIP archive (the content is plain text)".into(),
                    });
                }
                "pdf" => {
                    return Err(IngestError::Malformed {
                        format: "PDF",
                        detail: "no %PDF header (the content is plain text)".into(),
                    });
                }
                e if !textual_ext => {
                    return Err(IngestError::Unsupported {
                        what: format!(".{e}"),
                    });
                }
                _ => {}
            }
            let text = decode_text(bytes)?;
            let looks_html = looks_like_html(&text);
            let (media_type, text) = match ext.as_str() {
                "html" | "htm" | "xhtml" => (MediaType::Html, html::to_text(&text)),
                "md" | "markdown" => (MediaType::Markdown, markdown::to_text(&text)),
                _ if looks_html => (MediaType::Html, html::to_text(&text)),
                _ => (MediaType::Text, text),
            };
            let text = normalise(&text);
            let map = SourceMap::paragraphs(&text, &[]);
            Ingested {
                media_type,
                text,
                map,
            }
        }
    };
    if ing.text.len() as u64 > limits.max_text {
        return Err(IngestError::LimitExceeded {
            what: format!("extracted text ({} bytes)", ing.text.len()),
            limit: limits.max_text,
        });
    }
    if ing.text.trim().is_empty() {
        return Err(match ing.media_type {
            MediaType::Pdf => IngestError::NoTextLayer,
            MediaType::Docx => IngestError::NoText { format: "DOCX" },
            MediaType::Html => IngestError::NoText { format: "HTML" },
            _ => IngestError::Empty,
        });
    }
    Ok(ing)
}

fn ole_is_encrypted_ooxml(bytes: &[u8]) -> bool {
    // "EncryptionInfo" as UTF-16LE, the stream name in the OLE directory.
    let needle: Vec<u8> = "EncryptionInfo"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    bytes.windows(needle.len()).any(|w| w == needle.as_slice())
}

fn looks_like_html(text: &str) -> bool {
    let head: String = text
        .trim_start()
        .chars()
        .take(512)
        .collect::<String>()
        .to_ascii_lowercase();
    head.starts_with("<!doctype html")
        || head.starts_with("<html")
        || head.starts_with("<?xml") && head.contains("<html")
        || (head.starts_with('<') && (head.contains("<body") || head.contains("<head")))
}

/// Decodes UTF-8 (with or without BOM) or UTF-16 with a BOM.
fn decode_text(bytes: &[u8]) -> Result<String, IngestError> {
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return decode_utf16(rest, u16::from_le_bytes);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return decode_utf16(rest, u16::from_be_bytes);
    }
    let (body, offset) = match bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        Some(rest) => (rest, 3),
        None => (bytes, 0),
    };
    match std::str::from_utf8(body) {
        Ok(s) => Ok(s.to_owned()),
        Err(e) => Err(IngestError::InvalidUtf8 {
            at: e.valid_up_to() + offset,
        }),
    }
}

fn decode_utf16(bytes: &[u8], f: fn([u8; 2]) -> u16) -> Result<String, IngestError> {
    let units: Vec<u16> = bytes.chunks_exact(2).map(|c| f([c[0], c[1]])).collect();
    String::from_utf16(&units).map_err(|_| IngestError::Malformed {
        format: "text",
        detail: "invalid UTF-16".into(),
    })
}

/// LF line ends, no NUL/BOM/control characters, non-breaking spaces as spaces, ligatures as
/// their letters.
pub(crate) fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let b = text.as_bytes();
    let mut run = 0; // start of the current run of bytes copied unchanged
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        // Plain ASCII (and the lead bytes of characters that stay) is copied in runs.
        let special = c < 0x20 && c != b'\n' && c != b'\t'
            || c == 0x7F
            || c == 0xC2
            || c == 0xE2
            || c == 0xEF;
        if !special {
            i += 1;
            continue;
        }
        let ch = text[i..].chars().next().unwrap_or(' ');
        let len = ch.len_utf8();
        let replacement: Option<&str> = match ch {
            '\r' => Some(if b.get(i + 1) == Some(&b'\n') {
                ""
            } else {
                "\n"
            }),
            '\u{feff}' | '\0' | '\u{200b}' | '\u{ad}' => Some(""),
            '\u{a0}' | '\u{2007}' | '\u{202f}' | '\u{2009}' | '\u{2002}' | '\u{2003}' => Some(" "),
            '\u{0c}' | '\u{0b}' | '\u{2028}' | '\u{2029}' => Some("\n"),
            // Typographic ligatures, as a PDF's fonts map them: Unicode's presentation
            // forms, and the private-use codes Apple and Adobe fonts give "fi" and "fl".
            '\u{fb00}' => Some("ff"),
            '\u{fb01}' | '\u{f001}' => Some("fi"),
            '\u{fb02}' | '\u{f002}' => Some("fl"),
            '\u{fb03}' => Some("ffi"),
            '\u{fb04}' => Some("ffl"),
            '\u{fb05}' | '\u{fb06}' => Some("st"),
            c if c.is_control() && c != '\n' && c != '\t' => Some(" "),
            _ => None,
        };
        if let Some(r) = replacement {
            out.push_str(&text[run..i]);
            out.push_str(r);
            run = i + len;
        }
        i += len;
    }
    out.push_str(&text[run..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(bytes: &[u8], name: &str) -> String {
        ingest(bytes, name, &Limits::default())
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn ligatures_read_as_their_letters() {
        assert_eq!(
            normalise("on \u{f001}le, o\u{fb00}er, \u{fb02}ow, e\u{fb03}cient"),
            "on file, offer, flow, efficient"
        );
    }

    #[test]
    fn empty_files_are_refused() {
        assert_eq!(err(b"", "a.txt"), "file is empty");
        assert_eq!(err(b"  \n\n ", "a.txt"), "file is empty");
    }

    #[test]
    fn invalid_utf8_names_the_byte() {
        let mut b = b"hello world ".to_vec();
        b.push(0xC3);
        b.push(0x28);
        assert_eq!(
            err(&b, "a.txt"),
            "not valid UTF-8 at byte 12 (save the file as UTF-8)"
        );
    }

    #[test]
    fn size_limit_is_enforced_before_parsing() {
        let limits = Limits {
            max_bytes: 10,
            ..Limits::default()
        };
        let e = ingest(&[b'a'; 20], "a.txt", &limits).unwrap_err();
        assert!(matches!(e, IngestError::TooLarge { size: 20, .. }));
        // The limit is inclusive: a file of exactly `max_bytes` is read.
        assert!(ingest(&[b'a'; 10], "a.txt", &limits).is_ok());
        assert_eq!(
            IngestError::TooLarge {
                size: 52_428_801,
                limit: 52_428_800
            }
            .to_string(),
            "file is 52,428,801 bytes, above the limit of 52,428,800 bytes (50 MiB)"
        );
        assert_eq!(
            IngestError::TooLarge {
                size: 2_000,
                limit: 100
            }
            .to_string(),
            "file is 2,000 bytes, above the limit of 100 bytes"
        );
        assert_eq!(Limits::default().max_bytes, 52_428_800);
        assert_eq!(Limits::with_max_mib(50), Limits::default());
    }

    #[test]
    fn content_and_extension_must_agree() {
        assert_eq!(
            err(b"%PDF-1.7\n...", "contract.docx"),
            "content is PDF but the name says .docx"
        );
        assert!(err(b"PK\x03\x04rest", "contract.pdf").contains("ZIP"));
        assert!(err(b"just text", "contract.pdf").contains("PDF is malformed"));
        assert!(err(b"just text", "contract.xlsx").contains("unsupported file type"));
        assert!(err(b"MZ\0\0\0binary", "tool.exe").contains("unsupported"));
        assert!(err(b"{\\rtf1 hello}", "a.rtf").contains("RTF"));
    }

    #[test]
    fn text_is_normalised() {
        let i = ingest(
            "\u{feff}Line one\r\nLine\u{a0}two\r\n".as_bytes(),
            "a.txt",
            &Limits::default(),
        )
        .unwrap();
        assert_eq!(i.text, "Line one\nLine two\n");
        assert_eq!(i.media_type, MediaType::Text);
    }

    #[test]
    fn utf16_with_bom_is_read() {
        let mut b = vec![0xFF, 0xFE];
        for u in "Hi there".encode_utf16() {
            b.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(
            ingest(&b, "a.txt", &Limits::default()).unwrap().text,
            "Hi there"
        );
    }

    #[test]
    fn source_map_locates_paragraphs() {
        let m = SourceMap::paragraphs("One.\n\nTwo two.\nstill two\n\nThree", &[]);
        assert_eq!(m.units.len(), 3);
        assert_eq!(m.locate(7).map(|u| u.paragraph), Some(2));
        assert_eq!(m.locate(100), None);
    }
}
