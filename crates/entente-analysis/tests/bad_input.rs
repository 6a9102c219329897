//! Bad input: every malformed, hostile or unsupported file gets its own clear error
//! (and never a panic). Fixtures are built in memory.

use entente_analysis::{IngestError, Limits, analyze_bytes, ingest};
use pdf_extract::{Dictionary, Document, Object, Stream};
use std::io::{Cursor, Write};
use zip::write::SimpleFileOptions;

fn err(bytes: &[u8], name: &str, limits: &Limits) -> IngestError {
    match ingest(bytes, name, limits) {
        Ok(i) => panic!(
            "{name} should be refused, got {:?}",
            &i.text[..i.text.len().min(80)]
        ),
        Err(e) => e,
    }
}

fn docx_with(entries: &[(&str, &[u8])], method: zip::CompressionMethod) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default().compression_method(method);
    for (name, data) in entries {
        w.start_file(*name, opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

const DOC_XML: &str = r#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>This Agreement is made between Alpha Inc. ("Alpha") and Beta LLC ("Beta").</w:t></w:r></w:p><w:p><w:r><w:t>This Agreement is governed by the laws of the State of New York.</w:t></w:r></w:p></w:body></w:document>"#;

#[test]
fn a_valid_minimal_docx_is_read() {
    let d = docx_with(
        &[("word/document.xml", DOC_XML.as_bytes())],
        zip::CompressionMethod::Deflated,
    );
    let a = analyze_bytes(&d, "a.docx", &Limits::default()).unwrap();
    let j = a.to_json();
    assert_eq!(j["governing_law"]["value"], "New York");
    assert_eq!(j["parties"].as_array().unwrap().len(), 2);
}

#[test]
fn corrupt_docx_is_malformed() {
    let mut d = docx_with(
        &[("word/document.xml", DOC_XML.as_bytes())],
        zip::CompressionMethod::Deflated,
    );
    d.truncate(d.len() / 2);
    let e = err(&d, "broken.docx", &Limits::default());
    assert!(
        matches!(e, IngestError::Malformed { format: "DOCX", .. }),
        "{e}"
    );
    assert!(e.to_string().starts_with("DOCX is malformed"), "{e}");
}

#[test]
fn a_zip_that_is_not_a_word_document() {
    let d = docx_with(&[("hello.txt", b"hi")], zip::CompressionMethod::Stored);
    let e = err(&d, "a.docx", &Limits::default());
    assert!(e.to_string().contains("not a Word document"), "{e}");
}

#[test]
fn broken_xml_inside_docx() {
    let d = docx_with(
        &[("word/document.xml", b"<w:document><w:body><w:p>")],
        zip::CompressionMethod::Stored,
    );
    // Unclosed tags are tolerated or refused, never a panic.
    let _ = ingest(&d, "a.docx", &Limits::default());
    let d = docx_with(
        &[("word/document.xml", b"<w:document></w:body>")],
        zip::CompressionMethod::Stored,
    );
    let e = err(&d, "a.docx", &Limits::default());
    assert!(
        e.to_string().starts_with("DOCX is malformed: document.xml"),
        "{e}"
    );
}

#[test]
fn zip_bomb_by_ratio_and_by_total_size() {
    let zeros = vec![0u8; 3_000_000];
    let d = docx_with(
        &[
            ("word/document.xml", DOC_XML.as_bytes()),
            ("word/media/bomb.bin", &zeros),
        ],
        zip::CompressionMethod::Deflated,
    );
    let e = err(&d, "bomb.docx", &Limits::default());
    assert!(matches!(e, IngestError::ZipBomb { .. }), "{e}");
    assert!(
        e.to_string()
            .starts_with("zip bomb: word/media/bomb.bin expands"),
        "{e}"
    );
    let small = Limits {
        max_uncompressed: 100,
        ..Limits::default()
    };
    let d = docx_with(
        &[("word/document.xml", DOC_XML.as_bytes())],
        zip::CompressionMethod::Deflated,
    );
    let e = err(&d, "a.docx", &small);
    assert!(e.to_string().starts_with("zip bomb: entries expand"), "{e}");
    let few = Limits {
        max_entries: 1,
        ..Limits::default()
    };
    let d = docx_with(
        &[("word/document.xml", DOC_XML.as_bytes()), ("x", b"y")],
        zip::CompressionMethod::Stored,
    );
    assert!(err(&d, "a.docx", &few).to_string().contains("2 entries"));
}

#[test]
fn password_protected_docx_is_reported_as_encrypted() {
    // Encrypted OOXML is an OLE compound file holding an "EncryptionInfo" stream.
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.extend(vec![0u8; 500]);
    for u in "EncryptionInfo".encode_utf16() {
        ole.extend_from_slice(&u.to_le_bytes());
    }
    ole.extend(vec![0u8; 100]);
    let e = err(&ole, "secret.docx", &Limits::default());
    assert_eq!(
        e.to_string(),
        "DOCX is encrypted (remove the password and try again)"
    );
    // A legacy .doc is unsupported, not "encrypted".
    let mut doc = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    doc.extend(vec![0u8; 600]);
    assert!(
        err(&doc, "old.doc", &Limits::default())
            .to_string()
            .contains("legacy Word")
    );
}

fn pdf_with_page(content: &[u8], encrypt: bool) -> Vec<u8> {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let content_id = doc.add_object(Stream::new(Dictionary::new(), content.to_vec()));
    let mut page = Dictionary::new();
    page.set("Type", Object::Name(b"Page".to_vec()));
    page.set("Parent", Object::Reference(pages_id));
    page.set("Contents", Object::Reference(content_id));
    page.set(
        "MediaBox",
        Object::Array(vec![0.into(), 0.into(), 595.into(), 842.into()]),
    );
    let page_id = doc.add_object(page);
    let mut pages = Dictionary::new();
    pages.set("Type", Object::Name(b"Pages".to_vec()));
    pages.set("Kids", Object::Array(vec![Object::Reference(page_id)]));
    pages.set("Count", Object::Integer(1));
    doc.objects.insert(pages_id, Object::Dictionary(pages));
    let mut catalog = Dictionary::new();
    catalog.set("Type", Object::Name(b"Catalog".to_vec()));
    catalog.set("Pages", Object::Reference(pages_id));
    let catalog_id = doc.add_object(catalog);
    doc.trailer.set("Root", Object::Reference(catalog_id));
    if encrypt {
        let mut enc = Dictionary::new();
        enc.set("Filter", Object::Name(b"Standard".to_vec()));
        enc.set("V", Object::Integer(2));
        enc.set("R", Object::Integer(3));
        enc.set("Length", Object::Integer(128));
        enc.set("P", Object::Integer(-4));
        enc.set(
            "O",
            Object::String(vec![7u8; 32], pdf_extract::StringFormat::Hexadecimal),
        );
        enc.set(
            "U",
            Object::String(vec![9u8; 32], pdf_extract::StringFormat::Hexadecimal),
        );
        let enc_id = doc.add_object(enc);
        doc.trailer.set("Encrypt", Object::Reference(enc_id));
        doc.trailer.set(
            "ID",
            Object::Array(vec![
                Object::String(vec![1u8; 16], pdf_extract::StringFormat::Hexadecimal),
                Object::String(vec![1u8; 16], pdf_extract::StringFormat::Hexadecimal),
            ]),
        );
    }
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

#[test]
fn scanned_pdf_without_text_layer() {
    // A page that only paints a rectangle (as an image-only scan would).
    let pdf = pdf_with_page(b"0 0 1 rg 10 10 100 100 re f", false);
    let e = err(&pdf, "scan.pdf", &Limits::default());
    assert_eq!(
        e.to_string(),
        "PDF has no text layer (scanned?); OCR is not supported"
    );
}

#[test]
fn encrypted_pdf_is_reported() {
    let pdf = pdf_with_page(b"", true);
    let e = err(&pdf, "locked.pdf", &Limits::default());
    assert!(
        matches!(e, IngestError::Encrypted { format: "PDF" })
            || matches!(e, IngestError::Malformed { format: "PDF", .. }),
        "{e}"
    );
}

#[test]
fn corrupt_and_truncated_pdfs() {
    let e = err(
        b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage",
        "bad.pdf",
        &Limits::default(),
    );
    assert!(e.to_string().starts_with("PDF"), "{e}");
    let pdf = pdf_with_page(b"BT /F1 12 Tf 72 712 Td (Hello) Tj ET", false);
    for cut in [10, pdf.len() / 3, pdf.len() / 2, pdf.len() - 20] {
        let _ = ingest(&pdf[..cut], "cut.pdf", &Limits::default());
    }
}

#[test]
fn too_many_pages_and_too_large() {
    let pdf = pdf_with_page(b"", false);
    let none = Limits {
        max_pages: 0,
        ..Limits::default()
    };
    assert!(
        err(&pdf, "a.pdf", &none)
            .to_string()
            .contains("page count (1) is above the limit of 0")
    );
    let tiny = Limits {
        max_bytes: 100,
        ..Limits::default()
    };
    assert_eq!(
        err(&[b'x'; 2_000], "a.txt", &tiny).to_string(),
        "file is 2,000 bytes, above the limit of 100 bytes"
    );
    assert_eq!(
        IngestError::TooLarge {
            size: 210 * 1_000_000,
            limit: 50 * 1024 * 1024
        }
        .to_string(),
        "file is 210,000,000 bytes, above the limit of 52,428,800 bytes (50 MiB)"
    );
}

#[test]
fn wrong_extension_for_content() {
    let pdf = pdf_with_page(b"", false);
    assert_eq!(
        err(&pdf, "contract.docx", &Limits::default()).to_string(),
        "content is PDF but the name says .docx"
    );
    let d = docx_with(
        &[("word/document.xml", DOC_XML.as_bytes())],
        zip::CompressionMethod::Stored,
    );
    assert!(
        err(&d, "contract.pdf", &Limits::default())
            .to_string()
            .starts_with("content is a ZIP archive")
    );
    assert!(
        err(&d, "contract.txt", &Limits::default())
            .to_string()
            .starts_with("content is a ZIP archive")
    );
}

#[test]
fn empty_and_non_utf8_text() {
    assert_eq!(
        err(b"", "a.txt", &Limits::default()).to_string(),
        "file is empty"
    );
    let mut b = b"Agreement text ".to_vec();
    b.push(0xFF);
    assert!(
        err(&b, "a.txt", &Limits::default())
            .to_string()
            .starts_with("not valid UTF-8 at byte 15")
    );
    assert!(
        err(
            b"<html><body>  </body></html>",
            "a.html",
            &Limits::default()
        )
        .to_string()
        .contains("HTML contains no text")
    );
}
