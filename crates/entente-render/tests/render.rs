//! Every format from one model: numbering as readers see it, escaping, Word structure,
//! typeset PDF with page numbers, embedded fonts and PDF/A; LibreOffice opens the DOCX.

use entente_render::{Block, Document, Format, Level, Run, Signatory, render, runs};
use std::io::Read;

fn sample() -> Document {
    let mut blocks = vec![
        Block::Paragraph {
            level: Level::Body,
            runs: runs(
                "This agreement is made between **Alpha Ltd** (\"**Alpha**\") and Beta <GmbH> & Co.",
            ),
        },
        Block::Heading {
            numbered: true,
            text: "Definitions".into(),
        },
        Block::Paragraph {
            level: Level::Clause,
            runs: runs("\"**Confidential Information**\" means information marked *confidential*."),
        },
        Block::Paragraph {
            level: Level::Item,
            runs: vec![Run::plain(
                "first item with \"quotes\", a back\\slash and #hash $dollar",
            )],
        },
        Block::Paragraph {
            level: Level::Item,
            runs: vec![Run::plain("second item")],
        },
        Block::Heading {
            numbered: true,
            text: "Term".into(),
        },
        Block::Paragraph {
            level: Level::Clause,
            runs: runs("This Agreement runs for three (3) years."),
        },
        Block::Table {
            header: vec!["Deliverable".into(), "Due".into()],
            rows: vec![vec!["Connector v1".into(), "1 March 2027".into()]],
        },
    ];
    // Enough clauses for several pages.
    for i in 0..60 {
        blocks.push(Block::Paragraph {
            level: Level::Clause,
            runs: vec![Run::plain(format!(
                "Filler clause {i}: each Party shall perform its obligations with reasonable skill and care, in accordance with good industry practice and the timetable set out in the Schedule, and shall report progress monthly."
            ))],
        });
    }
    blocks.push(Block::Signatures(vec![
        Signatory {
            party: "Alpha Ltd".into(),
            lines: vec!["Name:".into(), "Title:".into(), "Date:".into()],
        },
        Signatory {
            party: "Beta <GmbH> & Co.".into(),
            lines: vec!["Name:".into(), "Title:".into(), "Date:".into()],
        },
    ]));
    Document {
        title: "Technology Integration Partnership Agreement".into(),
        subtitle: Some("between Alpha Ltd and Beta <GmbH> & Co.".into()),
        header: Some("Draft".into()),
        date: Some((2026, 3, 1)),
        blocks,
    }
}

fn text_of(bytes: &[u8], name: &str) -> String {
    entente_analysis::ingest(bytes, name, &entente_analysis::Limits::default())
        .unwrap()
        .text
}

#[test]
fn markdown_numbers_clauses_and_escapes_markup() {
    let md = String::from_utf8(render(&sample(), Format::Markdown).unwrap()).unwrap();
    assert!(md.starts_with("# Technology Integration Partnership Agreement\n"));
    assert!(md.contains("## 1. Definitions\n"), "{md}");
    assert!(
        md.contains(
            "1.1 \"**Confidential Information**\" means information marked *confidential*."
        )
    );
    assert!(md.contains("(a) first item with \"quotes\", a back\\\\slash and \\#hash $dollar"));
    assert!(md.contains("(b) second item"));
    assert!(md.contains("## 2. Term\n\n2.1 This Agreement"));
    assert!(md.contains("| Connector v1 | 1 March 2027 |"));
    assert!(md.contains("Beta \\<GmbH\\> & Co."));
    // Read back as the analysis reads it: the numbers and words survive.
    let t = text_of(md.as_bytes(), "a.md");
    assert!(
        t.contains("2.1 This Agreement runs for three (3) years."),
        "{t}"
    );
    assert!(t.contains("Beta <GmbH> & Co."), "{t}");
}

#[test]
fn html_escapes_text_and_carries_numbers_and_print_page_numbers() {
    let h = String::from_utf8(render(&sample(), Format::Html).unwrap()).unwrap();
    assert!(h.contains("<h2>1. Definitions</h2>"));
    assert!(h.contains(
        "<span class=\"num\">1.1</span>&quot;<strong>Confidential Information</strong>&quot;"
    ));
    assert!(h.contains("Beta &lt;GmbH&gt; &amp; Co."));
    assert!(!h.contains("<GmbH>"));
    assert!(h.contains("counter(pages)"));
    let t = text_of(h.as_bytes(), "a.html");
    assert!(t.contains("1.1"), "{t}");
}

fn part(bytes: &[u8], name: &str) -> String {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut s = String::new();
    z.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

#[test]
fn docx_has_styles_word_numbering_bold_terms_and_page_x_of_y() {
    let bytes = render(&sample(), Format::Docx).unwrap();
    for name in [
        "word/document.xml",
        "word/styles.xml",
        "word/numbering.xml",
        "word/footer1.xml",
        "word/header1.xml",
        "[Content_Types].xml",
    ] {
        // Every part is well-formed XML.
        let xml = part(&bytes, name);
        let mut r = quick_xml::Reader::from_str(&xml);
        loop {
            match r.read_event() {
                Ok(quick_xml::events::Event::Eof) => break,
                Ok(_) => {}
                Err(e) => panic!("{name}: {e}"),
            }
        }
    }
    let doc = part(&bytes, "word/document.xml");
    // Numbers are Word's own (numPr), not typed into the text.
    assert!(!doc.contains(">1.1<"));
    assert!(doc.contains("<w:numId w:val=\"1\"/>"));
    assert!(doc.contains(
        "<w:rPr><w:b/></w:rPr><w:t xml:space=\"preserve\">Confidential Information</w:t>"
    ));
    assert!(doc.contains("Beta &lt;GmbH&gt; &amp; Co."));
    let numbering = part(&bytes, "word/numbering.xml");
    assert!(numbering.contains("%1.%2") && numbering.contains("(%3)"));
    assert!(part(&bytes, "word/footer1.xml").contains("NUMPAGES"));
    assert!(part(&bytes, "word/styles.xml").contains("w:widowControl"));
    // The analysis renders Word's numbering as Word shows it.
    let t = text_of(&bytes, "a.docx");
    assert!(t.contains("1. Definitions"), "{t}");
    assert!(t.contains("1.1 \"Confidential Information\" means"), "{t}");
    assert!(t.contains("(b) second item"), "{t}");
    assert!(
        t.contains("2.1 This Agreement runs for three (3) years."),
        "{t}"
    );
    assert!(t.contains("2.61 Filler clause 59"), "{t}");
}

#[test]
fn pdf_is_typeset_with_page_x_of_y_embedded_fonts_and_pdf_a() {
    let bytes = render(&sample(), Format::Pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    let text = pdf_extract::extract_text_from_mem(&bytes).unwrap();
    let pages = lopdf::Document::load_mem(&bytes).unwrap().get_pages().len();
    assert!(pages >= 2, "{pages} pages");
    assert!(text.contains(&format!("Page 1 of {pages}")), "{text}");
    assert!(text.contains(&format!("Page {pages} of {pages}")));
    assert!(text.contains("1.1"));
    assert!(text.contains("(a)"));
    assert!(text.contains("Beta <GmbH> & Co."), "{text}");
    assert!(text.contains("back\\slash and #hash $dollar"), "{text}");
    let doc = lopdf::Document::load_mem(&bytes).unwrap();
    let mut embedded = 0;
    for (_, obj) in doc.objects.iter() {
        if let Ok(d) = obj.as_dict()
            && (d.has(b"FontFile2") || d.has(b"FontFile3") || d.has(b"FontFile"))
        {
            embedded += 1;
        }
    }
    assert!(embedded > 0, "no embedded font program");
    let raw = String::from_utf8_lossy(&bytes);
    assert!(
        raw.contains("pdfaid:part") || raw.contains("<pdfaid:part>2"),
        "no PDF/A identification"
    );
}

#[test]
fn libreoffice_opens_the_docx() {
    let Some(office) = ["soffice", "libreoffice"].into_iter().find(|b| {
        std::process::Command::new(b)
            .arg("--version")
            .output()
            .is_ok()
    }) else {
        eprintln!("skipped: LibreOffice (soffice) is not installed");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("agreement.docx");
    std::fs::write(&input, render(&sample(), Format::Docx).unwrap()).unwrap();
    let out = std::process::Command::new(office)
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir.path())
        .arg(&input)
        .env("HOME", dir.path())
        .output()
        .unwrap();
    let pdf = dir.path().join("agreement.pdf");
    assert!(
        pdf.exists(),
        "conversion failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = pdf_extract::extract_text_from_mem(&std::fs::read(pdf).unwrap()).unwrap();
    assert!(text.contains("1.1"), "{text}");
    assert!(text.contains("Page 1 of"), "{text}");
}
