//! DOCX with Word's own structure: heading and clause styles, one multi-level list in
//! `numbering.xml` (`1.` → `1.1` → `(a)`) that Word and LibreOffice count themselves, defined
//! terms in bold, tables, signature blocks, a running header and "Page X of Y" in the footer.
//!
//! The WordprocessingML is written as text, as the redline writer in entente-core does: the
//! package is nine small parts, and a DOCX crate would bring a second zip and quick-xml.
//! Every text goes through `esc`, and the tests read the parts back with quick-xml.

use crate::RenderError;
use crate::model::{Block, Document, Level, Run, Style};
use std::fmt::Write as _;
use std::io::{Cursor, Write};

const W: &str = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" \
xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"";

/// Escapes text for XML, dropping the characters XML 1.0 forbids.
fn esc(s: &str) -> String {
    let clean: String = s
        .chars()
        .filter(|&c| {
            ((c as u32) >= 0x20 || matches!(c, '\t' | '\n' | '\r'))
                && c != '\u{FFFE}'
                && c != '\u{FFFF}'
        })
        .collect();
    quick_xml::escape::escape(clean.as_str()).into_owned()
}

fn text_run(text: &str, style: Style) -> String {
    let rpr = match style {
        Style::Plain => "",
        Style::Bold => "<w:rPr><w:b/></w:rPr>",
        Style::Italic => "<w:rPr><w:i/></w:rPr>",
    };
    format!(
        "<w:r>{rpr}<w:t xml:space=\"preserve\">{}</w:t></w:r>",
        esc(text)
    )
}

fn runs_xml(runs: &[Run]) -> String {
    runs.iter().map(|r| text_run(&r.text, r.style)).collect()
}

/// A paragraph with a style and, when numbered, its place in the one list (numId 1).
fn para(style: &str, ilvl: Option<u8>, extra_ppr: &str, content: &str) -> String {
    let num = ilvl
        .map(|l| format!("<w:numPr><w:ilvl w:val=\"{l}\"/><w:numId w:val=\"1\"/></w:numPr>"))
        .unwrap_or_default();
    format!("<w:p><w:pPr><w:pStyle w:val=\"{style}\"/>{num}{extra_ppr}</w:pPr>{content}</w:p>")
}

fn table_xml(header: &[String], rows: &[Vec<String>]) -> String {
    let cols = header.len().max(1);
    // A4 text width at 2.5 cm margins is 9026 twentieths of a point.
    let width = 9026 / cols;
    let cell = |text: &str, bold: bool| {
        let content = text_run(text, if bold { Style::Bold } else { Style::Plain });
        format!(
            "<w:tc><w:tcPr><w:tcW w:w=\"{width}\" w:type=\"dxa\"/></w:tcPr>{}</w:tc>",
            para("TableText", None, "", &content)
        )
    };
    let mut x = String::from(
        "<w:tbl><w:tblPr><w:tblStyle w:val=\"TableGrid\"/><w:tblW w:w=\"5000\" w:type=\"pct\"/>\
         <w:tblBorders><w:top w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"808080\"/>\
         <w:left w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"808080\"/>\
         <w:bottom w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"808080\"/>\
         <w:right w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"808080\"/>\
         <w:insideH w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"808080\"/>\
         <w:insideV w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"808080\"/></w:tblBorders>\
         <w:tblLook w:val=\"04A0\" w:firstRow=\"1\"/></w:tblPr><w:tblGrid>",
    );
    for _ in 0..cols {
        let _ = write!(x, "<w:gridCol w:w=\"{width}\"/>");
    }
    x.push_str("</w:tblGrid><w:tr><w:trPr><w:tblHeader/></w:trPr>");
    for h in header {
        x.push_str(&cell(h, true));
    }
    x.push_str("</w:tr>");
    for r in rows {
        x.push_str("<w:tr><w:trPr><w:cantSplit/></w:trPr>");
        for c in r {
            x.push_str(&cell(c, false));
        }
        x.push_str("</w:tr>");
    }
    x.push_str("</w:tbl>");
    // Word needs a paragraph between a table and what follows.
    x.push_str(&para("Normal", None, "", ""));
    x
}

fn document_xml(doc: &Document) -> String {
    let mut body = String::new();
    body.push_str(&para(
        "Title",
        None,
        "",
        &text_run(&doc.title, Style::Plain),
    ));
    if let Some(s) = &doc.subtitle {
        body.push_str(&para("Subtitle", None, "", &text_run(s, Style::Plain)));
    }
    for b in &doc.blocks {
        match b {
            Block::Heading { numbered, text } => {
                let style = if *numbered {
                    "Heading1"
                } else {
                    "HeadingUnnumbered"
                };
                let ilvl = numbered.then_some(0);
                body.push_str(&para(style, ilvl, "", &text_run(text, Style::Plain)));
            }
            Block::Paragraph { level, runs } => {
                let (style, ilvl) = match level {
                    Level::Body => ("BodyText", None),
                    Level::Clause => ("Clause", Some(1)),
                    Level::Item => ("ClauseItem", Some(2)),
                };
                body.push_str(&para(style, ilvl, "", &runs_xml(runs)));
            }
            Block::Table { header, rows } => body.push_str(&table_xml(header, rows)),
            Block::Signatures(s) => {
                for sig in s {
                    // Each block stays on one page: every line keeps with the next but the last.
                    let keep = "<w:keepNext/><w:keepLines/>";
                    body.push_str(&para(
                        "Signature",
                        None,
                        keep,
                        &text_run(&format!("For and on behalf of {}", sig.party), Style::Bold),
                    ));
                    let mut lines = vec!["Signature: ______________________________".to_owned()];
                    lines.extend(sig.lines.iter().cloned());
                    let last = lines.len() - 1;
                    for (i, l) in lines.iter().enumerate() {
                        let k = if i == last { "" } else { keep };
                        body.push_str(&para("Signature", None, k, &text_run(l, Style::Plain)));
                    }
                }
            }
        }
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <w:document {W}><w:body>{body}<w:sectPr>\
         <w:headerReference w:type=\"default\" r:id=\"rIdHeader\"/>\
         <w:footerReference w:type=\"default\" r:id=\"rIdFooter\"/>\
         <w:pgSz w:w=\"11906\" w:h=\"16838\"/>\
         <w:pgMar w:top=\"1417\" w:right=\"1417\" w:bottom=\"1417\" w:left=\"1417\" w:header=\"708\" w:footer=\"708\" w:gutter=\"0\"/>\
         </w:sectPr></w:body></w:document>"
    )
}

/// Styles: Normal with widow/orphan control; headings keep with the next paragraph.
const STYLES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<w:styles xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii=\"Times New Roman\" w:hAnsi=\"Times New Roman\" w:cs=\"Times New Roman\"/>\
<w:sz w:val=\"22\"/><w:szCs w:val=\"22\"/><w:lang w:val=\"en-GB\"/></w:rPr></w:rPrDefault>\
<w:pPrDefault><w:pPr><w:widowControl/><w:spacing w:after=\"120\" w:line=\"264\" w:lineRule=\"auto\"/><w:jc w:val=\"both\"/></w:pPr></w:pPrDefault></w:docDefaults>\
<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/><w:qFormat/><w:pPr><w:widowControl/></w:pPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"Title\"><w:name w:val=\"Title\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"Subtitle\"/><w:qFormat/>\
<w:pPr><w:jc w:val=\"center\"/><w:spacing w:before=\"240\" w:after=\"120\"/></w:pPr><w:rPr><w:b/><w:caps/><w:sz w:val=\"32\"/><w:szCs w:val=\"32\"/></w:rPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"Subtitle\"><w:name w:val=\"Subtitle\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"BodyText\"/><w:qFormat/>\
<w:pPr><w:jc w:val=\"center\"/><w:spacing w:after=\"360\"/></w:pPr><w:rPr><w:i/></w:rPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"Heading1\"><w:name w:val=\"heading 1\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"Clause\"/><w:qFormat/>\
<w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before=\"280\" w:after=\"120\"/><w:jc w:val=\"left\"/><w:outlineLvl w:val=\"0\"/></w:pPr>\
<w:rPr><w:b/><w:caps/><w:sz w:val=\"24\"/><w:szCs w:val=\"24\"/></w:rPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"HeadingUnnumbered\"><w:name w:val=\"Heading Unnumbered\"/><w:basedOn w:val=\"Heading1\"/><w:next w:val=\"BodyText\"/><w:qFormat/></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"BodyText\"><w:name w:val=\"Body Text\"/><w:basedOn w:val=\"Normal\"/><w:qFormat/></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"Clause\"><w:name w:val=\"Clause\"/><w:basedOn w:val=\"Normal\"/><w:qFormat/></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"ClauseItem\"><w:name w:val=\"Clause Item\"/><w:basedOn w:val=\"Normal\"/><w:qFormat/></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"Signature\"><w:name w:val=\"Signature\"/><w:basedOn w:val=\"Normal\"/><w:pPr><w:jc w:val=\"left\"/><w:spacing w:after=\"60\"/></w:pPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"TableText\"><w:name w:val=\"Table Text\"/><w:basedOn w:val=\"Normal\"/><w:pPr><w:jc w:val=\"left\"/><w:spacing w:after=\"0\"/></w:pPr><w:rPr><w:sz w:val=\"20\"/></w:rPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"Header\"><w:name w:val=\"header\"/><w:basedOn w:val=\"Normal\"/><w:pPr><w:jc w:val=\"right\"/></w:pPr><w:rPr><w:sz w:val=\"16\"/><w:color w:val=\"595959\"/></w:rPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"Footer\"><w:name w:val=\"footer\"/><w:basedOn w:val=\"Normal\"/><w:pPr><w:jc w:val=\"center\"/></w:pPr><w:rPr><w:sz w:val=\"18\"/></w:rPr></w:style>\
<w:style w:type=\"table\" w:styleId=\"TableGrid\"><w:name w:val=\"Table Grid\"/><w:tblPr><w:tblCellMar><w:left w:w=\"100\" w:type=\"dxa\"/><w:right w:w=\"100\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr></w:style>\
</w:styles>";

/// One list, three levels: `1.` for headings, `1.1` for clauses (legal numbering, so the
/// section number stays decimal), `(a)` for items; each level restarts under the one above.
const NUMBERING: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<w:numbering xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
<w:abstractNum w:abstractNumId=\"0\"><w:multiLevelType w:val=\"multilevel\"/>\
<w:lvl w:ilvl=\"0\"><w:start w:val=\"1\"/><w:numFmt w:val=\"decimal\"/><w:pStyle w:val=\"Heading1\"/><w:lvlText w:val=\"%1.\"/><w:lvlJc w:val=\"left\"/>\
<w:pPr><w:tabs><w:tab w:val=\"num\" w:pos=\"709\"/></w:tabs><w:ind w:left=\"709\" w:hanging=\"709\"/></w:pPr></w:lvl>\
<w:lvl w:ilvl=\"1\"><w:start w:val=\"1\"/><w:numFmt w:val=\"decimal\"/><w:pStyle w:val=\"Clause\"/><w:isLgl/><w:lvlText w:val=\"%1.%2\"/><w:lvlJc w:val=\"left\"/>\
<w:pPr><w:tabs><w:tab w:val=\"num\" w:pos=\"709\"/></w:tabs><w:ind w:left=\"709\" w:hanging=\"709\"/></w:pPr></w:lvl>\
<w:lvl w:ilvl=\"2\"><w:start w:val=\"1\"/><w:numFmt w:val=\"lowerLetter\"/><w:pStyle w:val=\"ClauseItem\"/><w:lvlText w:val=\"(%3)\"/><w:lvlJc w:val=\"left\"/>\
<w:pPr><w:tabs><w:tab w:val=\"num\" w:pos=\"1418\"/></w:tabs><w:ind w:left=\"1418\" w:hanging=\"709\"/></w:pPr></w:lvl>\
</w:abstractNum><w:num w:numId=\"1\"><w:abstractNumId w:val=\"0\"/></w:num></w:numbering>";

/// "Page X of Y" from Word's PAGE and NUMPAGES fields, with their last computed values.
const FOOTER: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<w:ftr xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
<w:p><w:pPr><w:pStyle w:val=\"Footer\"/></w:pPr><w:r><w:t xml:space=\"preserve\">Page </w:t></w:r>\
<w:fldSimple w:instr=\" PAGE \\* MERGEFORMAT \"><w:r><w:t>1</w:t></w:r></w:fldSimple>\
<w:r><w:t xml:space=\"preserve\"> of </w:t></w:r>\
<w:fldSimple w:instr=\" NUMPAGES \\* MERGEFORMAT \"><w:r><w:t>1</w:t></w:r></w:fldSimple></w:p></w:ftr>";

const SETTINGS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<w:settings xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
<w:updateFields w:val=\"true\"/><w:defaultTabStop w:val=\"709\"/><w:compat/></w:settings>";

const CONTENT_TYPES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
<Default Extension=\"xml\" ContentType=\"application/xml\"/>\
<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>\
<Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>\
<Override PartName=\"/word/numbering.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml\"/>\
<Override PartName=\"/word/settings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml\"/>\
<Override PartName=\"/word/header1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml\"/>\
<Override PartName=\"/word/footer1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml\"/>\
<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>\
</Types>";

const ROOT_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>\
<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>\
</Relationships>";

const DOCUMENT_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rIdStyles\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>\
<Relationship Id=\"rIdNumbering\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering\" Target=\"numbering.xml\"/>\
<Relationship Id=\"rIdSettings\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings\" Target=\"settings.xml\"/>\
<Relationship Id=\"rIdHeader\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/header\" Target=\"header1.xml\"/>\
<Relationship Id=\"rIdFooter\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer\" Target=\"footer1.xml\"/>\
</Relationships>";

/// Writes the document as a DOCX package.
pub fn docx(doc: &Document) -> Result<Vec<u8>, RenderError> {
    let header = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:hdr {W}>{}</w:hdr>",
        para(
            "Header",
            None,
            "",
            &text_run(doc.header.as_deref().unwrap_or(&doc.title), Style::Plain)
        )
    );
    let core = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>{}</dc:title><dc:creator>Entente</dc:creator></cp:coreProperties>",
        esc(&doc.title)
    );
    let document = document_xml(doc);
    let err = |e: &dyn std::fmt::Display| RenderError::Docx(e.to_string());
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, body) in [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", ROOT_RELS),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS),
        ("word/styles.xml", STYLES),
        ("word/numbering.xml", NUMBERING),
        ("word/settings.xml", SETTINGS),
        ("word/header1.xml", header.as_str()),
        ("word/footer1.xml", FOOTER),
        ("docProps/core.xml", core.as_str()),
        ("word/document.xml", document.as_str()),
    ] {
        zip.start_file(name, opts).map_err(|e| err(&e))?;
        zip.write_all(body.as_bytes()).map_err(|e| err(&e))?;
    }
    Ok(zip.finish().map_err(|e| err(&e))?.into_inner())
}
