//! PDF layout read from glyph positions: words set without space characters, footnotes at the
//! page foot and table rows — each on a small PDF written here the way such files are drawn.

use entente_analysis::{Limits, ingest};

/// Escapes a PDF literal string.
fn lit(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('(', "\\(")
        .replace(')', "\\)")
}

/// A PDF of the given page content streams, with Helvetica as /F1 and Courier as /F2.
fn pdf(pages: &[String]) -> Vec<u8> {
    let mut objs: Vec<String> = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".into(),
        String::new(), // the page tree, once the pages are numbered
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".into(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Courier /Encoding /WinAnsiEncoding >>".into(),
    ];
    let mut kids = Vec::new();
    for content in pages {
        let stream_id = objs.len() + 1;
        objs.push(format!(
            "<< /Length {} >>\nstream\n{content}\nendstream",
            content.len() + 1
        ));
        let page_id = objs.len() + 1;
        objs.push(format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents {stream_id} 0 R >>"
        ));
        kids.push(format!("{page_id} 0 R"));
    }
    objs[1] = format!(
        "<< /Type /Pages /Kids [{}] /Count {} >>",
        kids.join(" "),
        kids.len()
    );
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objs.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objs.len() + 1).as_bytes());
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objs.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// A line in Courier with every word placed by its own text matrix and no space characters,
/// as Quartz and some report engines write text.
fn placed_words(x: f64, y: f64, size: f64, line: &str) -> String {
    let mut s = String::new();
    let mut at = x;
    for w in line.split(' ') {
        s.push_str(&format!(
            "BT /F2 {size} Tf 1 0 0 1 {at:.2} {y} Tm ({}) Tj ET\n",
            lit(w)
        ));
        // Courier glyphs are 0.6 em wide; a word space is 0.6 em too.
        at += 0.6 * size * (w.chars().count() as f64 + 1.0);
    }
    s
}

/// A line in Helvetica as one TJ array whose words are moved apart by kerning, not spaces.
fn kerned_words(x: f64, y: f64, size: f64, line: &str) -> String {
    let words: Vec<String> = line.split(' ').map(|w| format!("({})", lit(w))).collect();
    format!(
        "BT /F1 {size} Tf {x} {y} Td [{}] TJ ET\n",
        words.join(" -278 ")
    )
}

/// A plain Helvetica line with its spaces.
fn text(x: f64, y: f64, size: f64, line: &str) -> String {
    format!("BT /F1 {size} Tf {x} {y} Td ({}) Tj ET\n", lit(line))
}

fn read(bytes: &[u8]) -> String {
    ingest(bytes, "agreement.pdf", &Limits::default())
        .unwrap_or_else(|e| panic!("{e}"))
        .text
}

#[test]
fn words_drawn_without_space_characters_are_separated() {
    let mut page = String::new();
    page.push_str(&kerned_words(72.0, 720.0, 11.0, "12. Governing Law"));
    page.push_str(&placed_words(
        72.0,
        700.0,
        10.0,
        "12.1 This Agreement shall be governed by and construed in accordance with",
    ));
    page.push_str(&placed_words(
        72.0,
        688.0,
        10.0,
        "the laws of the State of California, without regard to its conflict of laws rules.",
    ));
    page.push_str(&kerned_words(
        72.0,
        660.0,
        11.0,
        "12.2 The courts of San Francisco County shall have exclusive jurisdiction.",
    ));
    let t = read(&pdf(&[page]));
    assert!(
        t.contains("12.1 This Agreement shall be governed by and construed in accordance with the laws of the State of California, without regard"),
        "{t}"
    );
    assert!(
        t.contains("The courts of San Francisco County shall have exclusive jurisdiction."),
        "{t}"
    );
    let a = entente_analysis::analyze_text(&t).to_json();
    assert_eq!(
        a["governing_law"]["value"].as_str(),
        Some("California"),
        "{t}"
    );
}

#[test]
fn letters_of_one_word_stay_together() {
    // Kerning pairs move letters closer or a hair apart; neither splits a word.
    let page = "BT /F1 11 Tf 72 720 Td [(W) 60 (ater) -5 (ford) -278 (Ltd)] TJ ET\n".to_owned();
    let t = read(&pdf(&[page]));
    assert_eq!(t.trim(), "Waterford Ltd", "{t}");
}

#[test]
fn footnotes_are_kept_apart_from_the_numbered_list() {
    let mut p1 = String::new();
    p1.push_str(&text(72.0, 720.0, 11.0, "5. Data Protection"));
    p1.push_str(&text(
        72.0,
        696.0,
        11.0,
        "5.1 Each party shall process Personal Data only on documented instructions.",
    ));
    // A footnote reference: a small raised "1" after the word.
    p1.push_str(&text(
        72.0,
        672.0,
        11.0,
        "5.2 The Processor shall notify the Controller of a Personal Data Breach",
    ));
    p1.push_str("BT /F1 7 Tf 453 676 Td (1) Tj ET\n");
    p1.push_str(&text(72.0, 658.0, 11.0, "without undue delay."));
    // The separator and the note in small type at the page foot.
    p1.push_str("0.5 w 72 110 m 216 110 l S\n");
    p1.push_str("BT /F1 6 Tf 72 98 Td (1) Tj ET\n");
    p1.push_str(&text(
        76.0,
        96.0,
        8.0,
        "As defined in Article 4(12) of Regulation (EU) 2016/679, the General Data",
    ));
    p1.push_str(&text(72.0, 86.0, 8.0, "Protection Regulation."));
    p1.push_str(&text(300.0, 50.0, 10.0, "1"));
    let mut p2 = String::new();
    p2.push_str(&text(
        72.0,
        720.0,
        11.0,
        "5.3 The Processor shall keep a record of all processing activities.",
    ));
    p2.push_str(&text(72.0, 690.0, 11.0, "6. Term"));
    p2.push_str(&text(
        72.0,
        666.0,
        11.0,
        "6.1 This Agreement continues for three (3) years from the Effective Date.",
    ));
    p2.push_str(&text(300.0, 50.0, 10.0, "2"));
    let t = read(&pdf(&[p1, p2]));
    let body_end = t
        .find("[1] As defined")
        .unwrap_or_else(|| panic!("note missing: {t}"));
    assert!(
        t.find("5.3 The Processor").is_some_and(|i| i < body_end),
        "the note sits between 5.2 and 5.3: {t}"
    );
    // The reference stays in the sentence as "[1]", as DOCX references read.
    assert!(t.contains("Personal Data Breach"), "{t}");
    assert!(t.contains("[1] without undue delay."), "{t}");
    assert!(
        t.contains("2016/679, the General Data Protection Regulation."),
        "{t}"
    );
    let a = entente_analysis::analyze_text(&t).to_json();
    let numbers: Vec<&str> = a["clauses"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["number"].as_str())
        .collect();
    assert_eq!(numbers, ["5", "5.1", "5.2", "5.3", "6", "6.1"], "{t}");
}

#[test]
fn small_print_without_a_separator_or_number_stays_in_the_body() {
    let mut p = String::new();
    p.push_str(&text(72.0, 720.0, 11.0, "1. Fees"));
    p.push_str(&text(
        72.0,
        696.0,
        11.0,
        "1.1 The Customer shall pay the Fees within thirty (30) days of invoice.",
    ));
    p.push_str(&text(72.0, 120.0, 8.0, "All amounts are exclusive of VAT."));
    let t = read(&pdf(&[p]));
    assert!(
        t.find("1.1 The Customer").unwrap_or(usize::MAX) < t.find("All amounts").unwrap_or(0),
        "{t}"
    );
    assert!(!t.contains("[1]"), "{t}");
}

#[test]

fn table_rows_are_read_one_row_a_line() {
    let mut p = String::new();
    p.push_str(&text(72.0, 720.0, 11.0, "ORDER FORM"));
    for (i, (k, v)) in [
        ("Start Date", "1 April 2026"),
        (
            "End Date",
            "31 March 2028, unless extended for a further two years",
        ),
        ("Fees", "EUR 24,000 per year"),
    ]
    .iter()
    .enumerate()
    {
        let y = 690.0 - 18.0 * i as f64;
        p.push_str(&text(72.0, y, 10.0, k));
        p.push_str(&text(220.0, y, 10.0, v));
    }
    p.push_str(&text(72.0, 600.0, 11.0, "1. Services"));
    p.push_str(&text(
        72.0,
        580.0,
        11.0,
        "1.1 The Provider shall provide the Services described in Schedule 1.",
    ));
    let t = read(&pdf(&[p]));
    assert!(t.contains("| Start Date | 1 April 2026 |\n"), "{t}");
    assert!(t.contains("\n| Fees | EUR 24,000 per year |"), "{t}");
    // A clause number set apart by a tab is no table.
    assert!(t.contains("1.1 The Provider shall provide"), "{t}");
}

#[test]
fn line_end_hyphens_are_joined_only_where_the_word_has_none() {
    let mut p = String::new();
    p.push_str(&text(72.0, 720.0, 11.0, "2. Licence"));
    p.push_str(&text(
        72.0,
        696.0,
        11.0,
        "2.1 Northwind grants Helix a non-",
    ));
    p.push_str(&text(
        72.0,
        682.0,
        11.0,
        "exclusive licence to use the infor-",
    ));
    p.push_str(&text(
        72.0,
        668.0,
        11.0,
        "mation for cross- tabulations and pre- and post-launch reports.",
    ));
    let t = read(&pdf(&[p]));
    assert!(
        t.contains("a non-exclusive licence to use the information for cross-tabulations and pre- and post-launch reports."),
        "{t}"
    );
}

#[test]
fn a_heading_line_above_its_text_stays_a_heading() {
    let mut p = String::new();
    p.push_str(&text(72.0, 720.0, 11.0, "9. Confidentiality"));
    p.push_str(&text(
        72.0,
        706.0,
        11.0,
        "The Recipient shall keep all Confidential Information secret and use it only",
    ));
    p.push_str(&text(72.0, 692.0, 11.0, "for the Project."));
    let t = read(&pdf(&[p]));
    let a = entente_analysis::analyze_text(&t).to_json();
    let heading = a["clauses"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| c["number"].as_str() == Some("9"))
        .map(|c| c["heading"].clone());
    assert_eq!(heading, Some(serde_json::json!("Confidentiality")), "{t}");
}

#[test]

fn numbered_rows_of_an_annex_table_are_rows_not_clauses() {
    let mut p = String::new();
    p.push_str(&text(72.0, 720.0, 11.0, "1. Services"));
    p.push_str(&text(
        72.0,
        696.0,
        11.0,
        "1.1 The Provider shall provide the Services described in Annex 2.",
    ));
    p.push_str(&text(72.0, 660.0, 11.0, "ANNEX 2 - CONTACTS"));
    for (i, (n, role, hours)) in [
        ("1", "Service desk", "24 hours"),
        ("2", "Account manager", "Business days"),
        ("3", "Escalation manager", "On request"),
    ]
    .iter()
    .enumerate()
    {
        let y = 636.0 - 16.0 * i as f64;
        p.push_str(&text(72.0, y, 10.0, n));
        p.push_str(&text(110.0, y, 10.0, role));
        p.push_str(&text(300.0, y, 10.0, hours));
    }
    let t = read(&pdf(&[p]));
    assert!(t.contains("| 2 | Account manager | Business days |"), "{t}");
    let a = entente_analysis::analyze_text(&t).to_json();
    let numbers: Vec<&str> = a["clauses"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["number"].as_str())
        .collect();
    assert_eq!(numbers, ["1", "1.1", "ANNEX 2"], "{t}");
}

#[test]
fn a_wide_list_number_and_a_wrapped_enumeration_read_as_written() {
    let mut p = String::new();
    // A title set larger than the text under it, with no more space than a line between.
    p.push_str(&text(72.0, 740.0, 16.0, "Registered Developer Agreement"));
    p.push_str(&text(
        72.0,
        722.0,
        11.0,
        "This Agreement is a legal agreement between you and Octo Labs, Inc.",
    ));
    // "10." is wider than the indent and touches the heading it numbers.
    p.push_str("BT /F1 11 Tf 72 690 Td (10.) Tj ET\n");
    p.push_str(&text(87.0, 690.0, 11.0, "Term and Termination"));
    // Justified lines reach the right margin; the second starts with "(30)".
    p.push_str(&kerned_words(
        72.0,
        666.0,
        11.0,
        "10.1 Either party may terminate this Agreement for any reason upon thirty",
    ));
    p.push_str(&text(
        72.0,
        652.0,
        11.0,
        "(30) days prior written notice to the other.",
    ));
    p.push_str(&text(
        72.0,
        628.0,
        11.0,
        "(a) Sections 4 and 7 survive termination.",
    ));
    let t = read(&pdf(&[p]));
    assert!(t.starts_with("Registered Developer Agreement\n\n"), "{t}");
    assert!(t.contains("\n10. Term and Termination"), "{t}");
    assert!(
        t.contains("upon thirty (30) days prior written notice"),
        "{t}"
    );
    // An item after a line that ends short of the margin still starts its own block.
    assert!(t.contains("\n(a) Sections 4 and 7 survive"), "{t}");
}

#[test]
fn a_paragraph_broken_by_a_page_runs_on_and_one_ended_by_it_does_not() {
    let mut p1 = String::new();
    p1.push_str(&text(72.0, 720.0, 11.0, "9. Confidentiality"));
    p1.push_str(&text(
        72.0,
        696.0,
        11.0,
        "9.1 The Recipient shall keep all Confidential Information secret and use it only",
    ));
    p1.push_str(&text(300.0, 40.0, 9.0, "1"));
    let mut p2 = String::new();
    p2.push_str(&text(72.0, 720.0, 11.0, "for the purposes of the Project."));
    p2.push_str(&text(
        72.0,
        696.0,
        11.0,
        "9.2 Each party shall return the Confidential Information on request.",
    ));
    p2.push_str(&text(300.0, 40.0, 9.0, "2"));
    let mut p3 = String::new();
    p3.push_str(&text(72.0, 720.0, 11.0, "10. Term"));
    p3.push_str(&text(
        72.0,
        696.0,
        11.0,
        "10.1 This Agreement runs for two years from the Effective Date.",
    ));
    let t = read(&pdf(&[p1, p2, p3]));
    assert!(
        t.contains("use it only for the purposes of the Project."),
        "{t}"
    );
    let a = entente_analysis::analyze_text(&t).to_json();
    let numbers: Vec<&str> = a["clauses"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["number"].as_str())
        .collect();
    assert_eq!(numbers, ["9", "9.1", "9.2", "10", "10.1"], "{t}");
}
