//! A redline as a Word document with real tracked changes: insertions are `w:ins`,
//! deletions `w:del` with `w:delText`, each carrying author and date, so Word and LibreOffice
//! show them as revisions a lawyer can accept or reject.
//!
//! The WordprocessingML is written by hand: the package needs five small parts, and no DOCX
//! crate we could use writes revision marks on runs *and* on paragraph marks (an inserted or
//! deleted line break). Every text is escaped through `escape`, and a test reads the result
//! back with quick-xml.

use entente_domain::Timestamp;
use entente_domain::redline::{Op, Redline};
use std::io::{Cursor, Write};

/// Failure to assemble the package (only an I/O error on the in-memory buffer).
#[derive(Debug, thiserror::Error)]
#[error("cannot write the DOCX package: {0}")]
pub struct DocxError(String);

/// Escapes text for XML content and attributes, dropping characters XML 1.0 forbids.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// The revision metadata every mark carries.
struct Rev<'a> {
    author: &'a str,
    date: &'a str,
    next_id: u32,
}

impl Rev<'_> {
    fn attrs(&mut self) -> String {
        self.next_id += 1;
        format!(
            "w:id=\"{}\" w:author=\"{}\" w:date=\"{}\"",
            self.next_id,
            escape(self.author),
            escape(self.date)
        )
    }
}

fn run(op: Op, text: &str, rev: &mut Rev<'_>) -> String {
    if text.is_empty() {
        return String::new();
    }
    let t = escape(&text.replace('\r', ""));
    match op {
        Op::Equal => format!("<w:r><w:t xml:space=\"preserve\">{t}</w:t></w:r>"),
        Op::Insert => format!(
            "<w:ins {}><w:r><w:t xml:space=\"preserve\">{t}</w:t></w:r></w:ins>",
            rev.attrs()
        ),
        Op::Delete => format!(
            "<w:del {}><w:r><w:delText xml:space=\"preserve\">{t}</w:delText></w:r></w:del>",
            rev.attrs()
        ),
    }
}

/// The `word/document.xml` body for a redline: one paragraph per line of the newer and older
/// texts merged, a heading line first.
fn document_xml(redline: &Redline, heading: &str, rev: &mut Rev<'_>) -> String {
    let mut body = String::new();
    body.push_str(&format!(
        "<w:p><w:pPr><w:rPr><w:b/></w:rPr></w:pPr><w:r><w:rPr><w:b/></w:rPr><w:t xml:space=\"preserve\">{}</w:t></w:r></w:p>",
        escape(heading)
    ));
    let mut para = String::new();
    for seg in &redline.segments {
        let mut lines = seg.text.split('\n').peekable();
        while let Some(line) = lines.next() {
            para.push_str(&run(seg.op, line, rev));
            if lines.peek().is_some() {
                // The paragraph mark itself was inserted or deleted when the line break was.
                let mark = match seg.op {
                    Op::Equal => String::new(),
                    Op::Insert => format!("<w:pPr><w:rPr><w:ins {}/></w:rPr></w:pPr>", rev.attrs()),
                    Op::Delete => format!("<w:pPr><w:rPr><w:del {}/></w:rPr></w:pPr>", rev.attrs()),
                };
                body.push_str(&format!("<w:p>{mark}{para}</w:p>"));
                para.clear();
            }
        }
    }
    body.push_str(&format!("<w:p>{para}</w:p>"));
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
         <w:body>{body}<w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/>\
         <w:pgMar w:top=\"1440\" w:right=\"1440\" w:bottom=\"1440\" w:left=\"1440\" w:header=\"708\" w:footer=\"708\" w:gutter=\"0\"/>\
         </w:sectPr></w:body></w:document>"
    )
}

const CONTENT_TYPES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
<Default Extension=\"xml\" ContentType=\"application/xml\"/>\
<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>\
<Override PartName=\"/word/settings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml\"/>\
<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>\
</Types>";

const ROOT_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>\
<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>\
</Relationships>";

const DOCUMENT_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings\" Target=\"settings.xml\"/>\
</Relationships>";

// Track changes stays on, so edits made while reviewing the redline are tracked as well.
const SETTINGS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<w:settings xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:trackRevisions/></w:settings>";

/// Writes a redline as a DOCX whose changes are tracked revisions by `author` at `at`.
pub fn redline_docx(
    redline: &Redline,
    title: &str,
    heading: &str,
    author: &str,
    at: Timestamp,
) -> Result<Vec<u8>, DocxError> {
    let date = at.jiff().strftime("%Y-%m-%dT%H:%M:%SZ").to_string();
    let mut rev = Rev {
        author,
        date: &date,
        next_id: 0,
    };
    let document = document_xml(redline, heading, &mut rev);
    let core = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\
         <dc:title>{}</dc:title><dc:creator>Entente</dc:creator>\
         <dcterms:created xsi:type=\"dcterms:W3CDTF\">{}</dcterms:created></cp:coreProperties>",
        escape(title),
        escape(&date)
    );
    let err = |e: &dyn std::fmt::Display| DocxError(e.to_string());
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, body) in [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", ROOT_RELS),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS),
        ("word/settings.xml", SETTINGS),
        ("docProps/core.xml", core.as_str()),
        ("word/document.xml", document.as_str()),
    ] {
        zip.start_file(name, opts).map_err(|e| err(&e))?;
        zip.write_all(body.as_bytes()).map_err(|e| err(&e))?;
    }
    Ok(zip.finish().map_err(|e| err(&e))?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use entente_domain::redline::redline;
    use quick_xml::events::Event;
    use std::io::Read;

    fn part(bytes: &[u8], name: &str) -> String {
        let mut z = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut s = String::new();
        z.by_name(name).unwrap().read_to_string(&mut s).unwrap();
        s
    }

    #[test]
    fn changes_become_tracked_insertions_and_deletions_with_author_and_date() {
        let r = redline(
            "Notice: ninety (90) days.\nLaw: New York & Delaware.",
            "Notice: sixty (60) days.\nLaw: New York & Delaware.\nNew <line>.",
        );
        let at = Timestamp::parse("2026-03-01T12:30:00Z").unwrap();
        let bytes =
            redline_docx(&r, "Redline v1 → v2", "Redline", "Maria \"M\" López", at).unwrap();
        let xml = part(&bytes, "word/document.xml");
        // Well-formed, and the marks are where they belong.
        let mut reader = quick_xml::Reader::from_str(&xml);
        let (mut ins, mut del, mut del_text, mut authors) = (0, 0, String::new(), Vec::new());
        let mut in_del_text = false;
        loop {
            match reader.read_event().unwrap() {
                Event::Eof => break,
                Event::Start(e) | Event::Empty(e) => {
                    let name = e.name();
                    if name.as_ref() == "w:ins" || name.as_ref() == "w:del" {
                        if name.as_ref() == "w:ins" {
                            ins += 1;
                        } else {
                            del += 1;
                        }
                        let attr = |n: &str| {
                            e.try_get_attribute(n)
                                .unwrap()
                                .unwrap()
                                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                                .unwrap()
                                .into_owned()
                        };
                        authors.push(attr("w:author"));
                        assert_eq!(attr("w:date"), "2026-03-01T12:30:00Z");
                    }
                    in_del_text = name.as_ref() == "w:delText";
                }
                Event::Text(t) if in_del_text => {
                    del_text.push_str(&t.xml10_content());
                }
                Event::End(_) => in_del_text = false,
                _ => {}
            }
        }
        assert!(ins >= 3 && del >= 2, "ins {ins}, del {del}");
        assert!(authors.iter().all(|a| a == "Maria \"M\" López"));
        assert!(
            del_text.contains("ninety") && del_text.contains("90"),
            "{del_text}"
        );
        assert!(xml.contains("New &lt;line&gt;."));
        assert!(part(&bytes, "word/settings.xml").contains("trackRevisions"));
        assert!(part(&bytes, "[Content_Types].xml").contains("wordprocessingml.document.main+xml"));
    }
}
