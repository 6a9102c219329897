//! Word numbering as Word renders it: list styles, numbering switched off, restarts and level
//! overrides, numbering from paragraph styles, legal numbering and section-break paragraphs —
//! each on a small DOCX written here, and checked against LibreOffice when it is installed.

use entente_analysis::{Limits, ingest};
use std::io::Write;

const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;

/// A paragraph: its style, its own numbering (`numId`, `ilvl`) and its text.
fn p(style: Option<&str>, num: Option<(&str, Option<u32>)>, text: &str) -> String {
    let mut ppr = String::new();
    if let Some(s) = style {
        ppr.push_str(&format!(r#"<w:pStyle w:val="{s}"/>"#));
    }
    if let Some((id, il)) = num {
        ppr.push_str("<w:numPr>");
        if let Some(il) = il {
            ppr.push_str(&format!(r#"<w:ilvl w:val="{il}"/>"#));
        }
        ppr.push_str(&format!(r#"<w:numId w:val="{id}"/></w:numPr>"#));
    }
    format!(r#"<w:p><w:pPr>{ppr}</w:pPr><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>"#)
}

fn level(il: u32, fmt: &str, text: &str, extra: &str) -> String {
    format!(
        r#"<w:lvl w:ilvl="{il}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/>{extra}</w:lvl>"#
    )
}

fn abstract_num(id: u32, inner: &str) -> String {
    format!(r#"<w:abstractNum w:abstractNumId="{id}">{inner}</w:abstractNum>"#)
}

fn num(id: u32, abs: u32, overrides: &str) -> String {
    format!(r#"<w:num w:numId="{id}"><w:abstractNumId w:val="{abs}"/>{overrides}</w:num>"#)
}

fn style(id: &str, kind: &str, inner: &str) -> String {
    format!(r#"<w:style w:type="{kind}" w:styleId="{id}"><w:name w:val="{id}"/>{inner}</w:style>"#)
}

/// A DOCX of the given body, numbering and styles.
fn docx(body: &[String], numbering: &[String], styles: &[String]) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut z = zip::ZipWriter::new(&mut buf);
    let opts: zip::write::SimpleFileOptions = Default::default();
    let parts = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/></Types>"#.to_owned(),
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#.to_owned(),
        ),
        (
            "word/_rels/document.xml.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#.to_owned(),
        ),
        (
            "word/document.xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><w:document {W}><w:body>{}<w:sectPr/></w:body></w:document>"#,
                body.concat()
            ),
        ),
        (
            "word/numbering.xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><w:numbering {W}>{}</w:numbering>"#,
                numbering.concat()
            ),
        ),
        (
            "word/styles.xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><w:styles {W}>{}</w:styles>"#,
                styles.concat()
            ),
        ),
    ];
    for (name, xml) in parts {
        z.start_file(name, opts).unwrap();
        z.write_all(xml.as_bytes()).unwrap();
    }
    z.finish().unwrap();
    buf.into_inner()
}

/// The non-empty lines Entente reads from a DOCX.
fn lines(bytes: &[u8]) -> Vec<String> {
    let i = ingest(bytes, "fixture.docx", &Limits::default()).unwrap();
    i.text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// LibreOffice's plain-text rendering of the same file, when `soffice` is installed.
fn libreoffice(name: &str, bytes: &[u8]) -> Option<Vec<String>> {
    let dir = std::env::temp_dir().join(format!("entente-numbering-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).ok()?;
    let file = dir.join(format!("{name}.docx"));
    std::fs::write(&file, bytes).ok()?;
    let out = std::process::Command::new("soffice")
        .arg("--headless")
        .arg(format!(
            "-env:UserInstallation=file://{}/profile",
            dir.display()
        ))
        .args(["--convert-to", "txt:Text (encoded):UTF8", "--outdir"])
        .arg(&dir)
        .arg(&file)
        .output();
    let Ok(out) = out else {
        eprintln!(
            "soffice is not installed (Debian: libreoffice-writer-nogui): {name} checked against the expected labels only"
        );
        return None;
    };
    assert!(out.status.success(), "soffice failed on {name}: {out:?}");
    let text = std::fs::read_to_string(dir.join(format!("{name}.txt"))).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    Some(
        text.trim_start_matches('\u{feff}')
            .lines()
            .map(|l| l.trim().replace('\t', " "))
            .filter(|l| !l.is_empty())
            .collect(),
    )
}

/// Entente's lines are `expected`, and LibreOffice (when present) renders the same labels.
fn check(name: &str, bytes: &[u8], expected: &[&str]) {
    let got = lines(bytes);
    assert_eq!(got, expected, "{name}");
    if let Some(lo) = libreoffice(name, bytes) {
        compare_with_libreoffice(name, &got, &lo);
    }
}

/// Entente's lines are `expected`, as Word numbers them, where LibreOffice is known to number
/// differently (`why`): there LibreOffice must still read the same paragraphs, but its labels
/// are not a reference.
fn check_as_word(name: &str, bytes: &[u8], expected: &[&str], why: &str) {
    let got = lines(bytes);
    assert_eq!(got, expected, "{name}");
    if let Some(lo) = libreoffice(name, bytes) {
        let text = |l: &str| l.split_whitespace().skip(1).collect::<Vec<_>>().join(" ");
        let ours: Vec<String> = got.iter().map(|l| text(l)).collect();
        let theirs: Vec<String> = lo.iter().map(|l| text(l)).collect();
        assert_eq!(ours, theirs, "{name}: LibreOffice read other paragraphs");
        eprintln!("{name}: LibreOffice labels differ from Word's here ({why}): {lo:?}");
    }
}

fn compare_with_libreoffice(name: &str, got: &[String], lo: &[String]) {
    let squash = |l: &str| l.split_whitespace().collect::<Vec<_>>().join(" ");
    let lo: Vec<String> = lo.iter().map(|l| squash(l)).collect();
    let ours: Vec<String> = got.iter().map(|l| squash(l)).collect();
    assert_eq!(ours, lo, "{name}: Entente and LibreOffice differ");
}

fn decimal_outline() -> String {
    level(0, "decimal", "%1.", "") + &level(1, "decimal", "%1.%2", "")
}

#[test]
fn a_list_style_takes_the_levels_of_the_numbering_it_links_to() {
    // Abstract 1 only links to the list style; abstract 2 defines it; the paragraphs use 1.
    let numbering = [
        abstract_num(1, r#"<w:numStyleLink w:val="ContractList"/>"#),
        abstract_num(
            2,
            &(r#"<w:styleLink w:val="ContractList"/>"#.to_owned() + &decimal_outline()),
        ),
        num(1, 1, ""),
        num(2, 2, ""),
    ];
    let styles = [style(
        "ContractList",
        "numbering",
        r#"<w:pPr><w:numPr><w:numId w:val="2"/></w:numPr></w:pPr>"#,
    )];
    let body = [
        p(None, Some(("1", Some(0))), "Definitions"),
        p(None, Some(("1", Some(1))), "Terms have these meanings."),
        p(None, Some(("1", Some(0))), "Services"),
    ];
    check(
        "list-style",
        &docx(&body, &numbering, &styles),
        &[
            "1. Definitions",
            "1.1 Terms have these meanings.",
            "2. Services",
        ],
    );
}

#[test]
fn num_id_zero_switches_off_the_numbering_of_the_style() {
    let numbering = [abstract_num(1, &decimal_outline()), num(1, 1, "")];
    let styles = [style(
        "Heading1",
        "paragraph",
        r#"<w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr>"#,
    )];
    let body = [
        p(Some("Heading1"), Some(("0", None)), "Letter of Intent"),
        p(Some("Heading1"), None, "Purpose"),
        p(Some("Heading1"), None, "Term"),
    ];
    check(
        "num-id-zero",
        &docx(&body, &numbering, &styles),
        &["Letter of Intent", "1. Purpose", "2. Term"],
    );
}

#[test]
fn instances_of_one_list_continue_and_a_start_override_restarts() {
    let numbering = [
        abstract_num(1, &decimal_outline()),
        num(1, 1, ""),
        num(2, 1, ""),
        num(
            3,
            1,
            r#"<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride>"#,
        ),
        num(
            4,
            1,
            r#"<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperLetter"/><w:lvlText w:val="%1)"/></w:lvl></w:lvlOverride>"#,
        ),
    ];
    let body = [
        p(None, Some(("1", Some(0))), "First"),
        p(None, Some(("2", Some(0))), "Second, same list"),
        p(None, Some(("3", Some(0))), "Restarted"),
        p(None, Some(("3", Some(0))), "Continued"),
        p(None, Some(("4", Some(0))), "Lettered"),
    ];
    check(
        "overrides",
        &docx(&body, &numbering, &[]),
        &[
            "1. First",
            "2. Second, same list",
            "1. Restarted",
            "2. Continued",
            "A) Lettered",
        ],
    );
}

#[test]
fn numbering_comes_from_paragraph_styles_and_the_levels_they_are_bound_to() {
    // Heading2 is based on Heading1 and sets only its level; Schedule is bound to level 1
    // by the list itself (`w:pStyle` in the level).
    let numbering = [
        abstract_num(
            1,
            &(level(0, "decimal", "%1.", r#"<w:pStyle w:val="Heading1"/>"#)
                + &level(1, "decimal", "%1.%2", r#"<w:pStyle w:val="Schedule"/>"#)),
        ),
        num(5, 1, ""),
    ];
    let styles = [
        style(
            "Heading1",
            "paragraph",
            r#"<w:pPr><w:numPr><w:numId w:val="5"/></w:numPr></w:pPr>"#,
        ),
        style(
            "Heading2",
            "paragraph",
            r#"<w:basedOn w:val="Heading1"/><w:pPr><w:numPr><w:ilvl w:val="1"/></w:numPr></w:pPr>"#,
        ),
        style(
            "Schedule",
            "paragraph",
            r#"<w:pPr><w:numPr><w:numId w:val="5"/></w:numPr></w:pPr>"#,
        ),
    ];
    let body = [
        p(Some("Heading1"), None, "Scope"),
        p(Some("Heading2"), None, "Included work"),
        p(Some("Schedule"), None, "Annex work"),
        p(Some("Heading1"), None, "Fees"),
    ];
    check_as_word(
        "style-numbering",
        &docx(&body, &numbering, &styles),
        &["1. Scope", "1.1 Included work", "1.2 Annex work", "2. Fees"],
        "it ignores a level's w:pStyle when the style's own numbering names no level",
    );
}

#[test]
fn legal_numbering_shows_every_level_in_decimal() {
    let numbering = [
        abstract_num(
            1,
            &(level(0, "upperRoman", "Article %1", "")
                + &level(1, "decimal", "%1.%2", "<w:isLgl/>")),
        ),
        num(1, 1, ""),
    ];
    let body = [
        p(None, Some(("1", Some(0))), "General"),
        p(None, Some(("1", Some(0))), "Payment"),
        p(None, Some(("1", Some(1))), "Invoices are due in 30 days."),
    ];
    check_as_word(
        "legal",
        &docx(&body, &numbering, &[]),
        &[
            "Article I General",
            "Article II Payment",
            "2.1 Invoices are due in 30 days.",
        ],
        "it ignores w:isLgl and keeps the roman number of the upper level",
    );
}

#[test]
fn an_empty_paragraph_carrying_a_section_break_is_not_counted() {
    let numbering = [abstract_num(1, &decimal_outline()), num(1, 1, "")];
    let styles = [style(
        "Heading1",
        "paragraph",
        r#"<w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr>"#,
    )];
    let section = r#"<w:p><w:pPr><w:pStyle w:val="Heading1"/><w:sectPr><w:pgSz w:w="12240" w:h="15840"/></w:sectPr></w:pPr></w:p>"#;
    let body = [
        section.to_owned(),
        p(Some("Heading1"), None, "Cooperation"),
        p(Some("Heading1"), None, "Liability"),
    ];
    check(
        "section-break",
        &docx(&body, &numbering, &styles),
        &["1. Cooperation", "2. Liability"],
    );
}

/// An upper-case Roman numeral's value (I to XXXIX).
fn roman(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 6 || !s.chars().all(|c| matches!(c, 'I' | 'V' | 'X')) {
        return None;
    }
    let value = |c| match c {
        'I' => 1,
        'V' => 5,
        _ => 10,
    };
    let digits: Vec<u32> = s.chars().map(value).collect();
    let mut n = 0;
    for (i, d) in digits.iter().enumerate() {
        if digits.get(i + 1).is_some_and(|next| next > d) {
            n -= *d as i64;
        } else {
            n += *d as i64;
        }
    }
    u32::try_from(n).ok().filter(|n| *n > 0)
}

/// The numbering label a paragraph starts with ("4.", "4.2", "(a)") when text follows it; a
/// table cell holding only a number ("30") is no numbering.
fn label(line: &str) -> Option<String> {
    let mut words = line.split_whitespace();
    let first = words.next()?;
    words.next()?;
    // A bare number ("30 minutes" in a table cell) is no label; "4." and "4.2" are. Roman
    // levels ("II.1") count as their numbers: with legal numbering (`w:isLgl`) Word shows
    // every level in decimal ("2.1"), which LibreOffice does not follow.
    if first.contains('.') {
        let parts: Option<Vec<String>> = first
            .trim_end_matches('.')
            .split('.')
            .map(|p| {
                if !p.is_empty() && p.len() <= 3 && p.chars().all(|c| c.is_ascii_digit()) {
                    Some(p.to_owned())
                } else {
                    roman(p).map(|n| n.to_string())
                }
            })
            .collect();
        if let Some(parts) = parts {
            return Some(parts.join("."));
        }
    }
    let lettered = first.len() <= 6
        && first.starts_with('(')
        && first.ends_with(')')
        && first[1..first.len() - 1]
            .chars()
            .all(|c| c.is_ascii_alphanumeric());
    lettered.then(|| first.to_owned())
}

/// Every DOCX of the project corpus and the public corpus is numbered as LibreOffice numbers
/// it: the sequence of clause labels at the start of paragraphs is the same.
#[test]
fn every_corpus_docx_is_numbered_as_libreoffice_renders_it() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/corpus");
    let mut files: Vec<_> = ["docx", "public"]
        .iter()
        .flat_map(|d| std::fs::read_dir(root.join(d)).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "docx"))
        .collect();
    files.sort();
    assert!(files.len() >= 15, "{files:?}");
    for path in files {
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        let bytes = std::fs::read(&path).unwrap();
        let Some(lo) = libreoffice(&name, &bytes) else {
            return;
        };
        let ours: Vec<String> = lines(&bytes).iter().filter_map(|l| label(l)).collect();
        let theirs: Vec<String> = lo.iter().filter_map(|l| label(l)).collect();
        // A cover page alone (key terms in a table) has no numbered paragraph in either.
        assert!(
            !ours.is_empty() || theirs.is_empty(),
            "{name}: no numbered paragraph read"
        );
        assert_eq!(
            ours, theirs,
            "{name}: Entente and LibreOffice number differently"
        );
    }
}
