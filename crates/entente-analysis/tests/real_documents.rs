//! Wording from public agreements that misled analysis: purpose limitations read as
//! exclusivity, mission statements as dispute tiers, record keeping as a confidentiality term,
//! document histories as the agreement's date, look-back periods as renewal terms, table rows
//! running together, duties of defined roles and prohibitions written "may not".

use entente_analysis::{Limits, analyze_bytes};
use serde_json::Value;
use std::io::Write;

fn json(text: &str) -> Value {
    entente_analysis::analyze_text(text).to_json()
}

/// An agreement whose preamble carries no date, so that nothing else hides a wrong one.
fn agreement(body: &str) -> String {
    format!(
        "DATA SHARING AGREEMENT\n\nThis Data Sharing Agreement is made between Northwind Health Trust (\"Provider\") and Helix Analytics Ltd (\"Customer\").\n\n{body}\n"
    )
}

fn value<'a>(j: &'a Value, key: &str) -> &'a Value {
    &j[key]["value"]
}

#[test]
fn a_purpose_limitation_is_not_exclusivity() {
    let j = json(&agreement(
        "3. Use of Data\n\n3.1 The Customer shall make use of the data exclusively for the purpose of the Project described in Schedule 1 and for no other purpose.",
    ));
    assert!(value(&j, "exclusivity").is_null(), "{}", j["exclusivity"]);
    // An exclusive appointment beside it still is.
    let j = json(&agreement(
        "3. Use of Data\n\n3.1 The Customer shall use the data exclusively for the purposes of the Project.\n\n4. Appointment\n\n4.1 Provider appoints Customer as its exclusive distributor of the Products in the Territory.",
    ));
    let scope = value(&j, "exclusivity")["scope"].as_str().unwrap_or("");
    assert!(
        scope.contains("exclusive distributor"),
        "{}",
        j["exclusivity"]
    );
}

#[test]
fn a_mission_statement_naming_mediation_is_no_dispute_tier() {
    let j = json(&agreement(
        "1. Background\n\n1.1 The Institute is a not-for-profit organisation whose mission is to promote mediation worldwide and to train mediators in its member states.\n\n2. Governing Law\n\n2.1 This Agreement is governed by the laws of England.",
    ));
    assert!(
        value(&j, "dispute_resolution").is_null(),
        "{}",
        j["dispute_resolution"]
    );
    // Mediation in a dispute clause is a tier.
    let j = json(&agreement(
        "9. Disputes\n\n9.1 Any dispute arising out of this Agreement shall first be referred to mediation in accordance with the CEDR Model Mediation Procedure.",
    ));
    let tiers = &value(&j, "dispute_resolution")["tiers"];
    assert_eq!(tiers[0]["kind"].as_str(), Some("mediation"), "{tiers}");
}

#[test]
fn directly_or_indirectly_excludes_no_damages() {
    for body in [
        "7. Liability\n\n7.1 Each party shall be liable for any loss it causes to the other party, either directly or indirectly, through its breach of this Agreement.",
        "7. Confidentiality\n\n7.1 The Customer shall not, either directly or indirectly, disclose the data to any third party.",
    ] {
        let j = json(&agreement(body));
        assert!(
            value(&j, "excluded_damages").is_null(),
            "{body}\n{}",
            j["excluded_damages"]
        );
    }
}

#[test]
fn keeping_records_for_three_years_is_no_confidentiality_term() {
    let j = json(&agreement(
        "9. Confidentiality\n\n9.1 Each party shall keep the other party's Confidential Information confidential.\n\n9.2 The Recipient shall maintain records of each person to whom Confidential Information is disclosed and keep them for 3 years from the date of disclosure.",
    ));
    let c = value(&j, "confidentiality");
    assert!(!c.is_null(), "the clause is still found");
    assert!(c["duration"].is_null(), "{c}");
    // A stated duration beside it still counts.
    let j = json(&agreement(
        "9. Confidentiality\n\n9.1 Each party shall keep the other party's Confidential Information confidential for a period of five (5) years from the date of disclosure.\n\n9.2 The Recipient shall maintain records of all disclosures for 3 years.",
    ));
    assert_eq!(
        value(&j, "confidentiality")["duration"].as_str(),
        Some("P5Y"),
        "{}",
        j["confidentiality"]
    );
}

#[test]
fn a_revision_history_does_not_date_the_agreement() {
    let j = json(
        "DATA PROCESSING AGREEMENT\n\nRevision history\n\n| Version | Date | Author |\n| 0.1 | 14 June 2019 | J. Smith |\n| 1.0 | 2 September 2019 | J. Smith |\n\nThis Data Processing Agreement is entered into between Northwind Health Trust (\"Controller\") and Helix Analytics Ltd (\"Processor\").\n\n1. Term\n\n1.1 This Agreement starts on the date of the last signature.\n",
    );
    assert!(
        value(&j, "agreement_date").is_null(),
        "{}",
        j["agreement_date"]
    );
}

#[test]
fn a_look_back_period_is_no_renewal_term() {
    let j = json(&agreement(
        "11. Term and Renewal\n\n11.1 This Agreement shall renew automatically unless terminated, and the liability of each party following renewal shall not exceed the fees paid in the 12 month period immediately before the claim.",
    ));
    let r = value(&j, "renewal");
    assert_eq!(r["automatic"].as_bool(), Some(true), "{r}");
    assert!(r["term"].is_null(), "{r}");
}

#[test]
fn duties_of_defined_roles_are_kept() {
    let j = json(&agreement(
        "4. Fees and Security\n\n4.1 Customer will pay Provider Fees as set out in the Order Form within 30 days of invoice.\n\n4.2 Provider will notify Customer of any Security Incident without undue delay and no later than 72 hours after becoming aware of it.",
    ));
    let duties: Vec<(&str, &str)> = j["obligations"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|o| {
            (
                o["obligor"].as_str().unwrap_or(""),
                o["action"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert!(
        duties
            .iter()
            .any(|(o, a)| *o == "Customer" && a.starts_with("pay Provider Fees")),
        "{duties:?}"
    );
    assert!(
        duties
            .iter()
            .any(|(o, a)| *o == "Provider" && a.starts_with("notify Customer")),
        "{duties:?}"
    );
}

#[test]
fn a_settlement_the_indemnifying_party_may_not_agree_is_a_prohibition() {
    let j = json(&agreement(
        "12. Indemnity\n\n12.1 Each party will indemnify the other party against any third party claim arising from its breach of this Agreement.\n\n12.2 The Indemnifying Party may not agree to any settlement that imposes an obligation on the Indemnified Party without its prior written consent.",
    ));
    let ind = value(&j, "indemnity");
    assert_eq!(ind["kind"].as_str(), Some("mutual"), "{ind}");
    let settles = |key: &str| {
        j[key]
            .as_array()
            .into_iter()
            .flatten()
            .any(|o| o["text"].as_str().unwrap_or("").contains("settlement"))
    };
    assert!(settles("negative_covenants"), "{}", j["negative_covenants"]);
    assert!(!settles("obligations"), "{}", j["obligations"]);
    // "may not be liable" limits liability; it forbids nothing.
    let j = json(&agreement(
        "12. Indemnity\n\n12.1 The Indemnifying Party may not be liable for any settlement made without its prior written consent.",
    ));
    assert_eq!(
        j["negative_covenants"].as_array().map_or(0, Vec::len),
        0,
        "{}",
        j["negative_covenants"]
    );
}

/// A DOCX holding the given body XML.
fn docx(body: &str) -> Vec<u8> {
    docx_with_numbering(body, "")
}

/// A DOCX holding the given body and numbering definitions.
fn docx_with_numbering(body: &str, numbering: &str) -> Vec<u8> {
    const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut z = zip::ZipWriter::new(&mut buf);
    let opts: zip::write::SimpleFileOptions = Default::default();
    let parts = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/></Types>"#.to_owned(),
        ),
        (
            "word/_rels/document.xml.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/></Relationships>"#.to_owned(),
        ),
        (
            "word/numbering.xml",
            format!(r#"<?xml version="1.0" encoding="UTF-8"?><w:numbering {W}>{numbering}</w:numbering>"#),
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#.to_owned(),
        ),
        (
            "word/document.xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><w:document {W}><w:body>{body}<w:sectPr/></w:body></w:document>"#
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

fn para(text: &str) -> String {
    format!(r#"<w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>"#)
}

fn row(cells: &[&str]) -> String {
    let cells: String = cells
        .iter()
        .map(|c| format!("<w:tc>{}</w:tc>", para(c)))
        .collect();
    format!("<w:tr>{cells}</w:tr>")
}

#[test]
fn a_value_in_one_table_row_stays_out_of_the_next() {
    let body = [
        para("NON-DISCLOSURE AGREEMENT"),
        para(
            "This Non-Disclosure Agreement is made between Northwind Health Trust (&quot;Discloser&quot;) and Helix Analytics Ltd (&quot;Recipient&quot;).",
        ),
        format!(
            "<w:tbl>{}{}{}</w:tbl>",
            row(&["Start Date", "1 April 2026"]),
            row(&["End Date", "Two years after the Start Date"]),
            row(&[
                "Confidential Information",
                "The Recipient shall keep the Confidential Information confidential and use it only for the Purpose.",
            ]),
        ),
        para("1. Confidentiality"),
        para("1.1 The Recipient shall not disclose Confidential Information to any third party."),
    ]
    .concat();
    let a = analyze_bytes(&docx(&body), "nda.docx", &Limits::default())
        .unwrap_or_else(|e| panic!("{e}"));
    let j = a.to_json();
    let c = value(&j, "confidentiality");
    assert!(!c.is_null(), "{j}");
    assert!(
        c["duration"].is_null(),
        "the End Date row's period leaked: {c}"
    );
}

#[test]
fn bullets_in_a_docx_stay_list_items() {
    // Word's own bullet: a Symbol-font character at level 0 of a bullet list.
    let numbering = "<w:abstractNum w:abstractNumId=\"0\"><w:lvl w:ilvl=\"0\"><w:start w:val=\"1\"/><w:numFmt w:val=\"bullet\"/><w:lvlText w:val=\"\u{f0b7}\"/></w:lvl></w:abstractNum><w:num w:numId=\"1\"><w:abstractNumId w:val=\"0\"/></w:num>";
    let bullet = |t: &str| {
        format!(
            r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t xml:space="preserve">{t}</w:t></w:r></w:p>"#
        )
    };
    let body = [
        para("7. Security"),
        para("7.1 The Processor shall implement the following measures:"),
        bullet("encryption of Personal Data in transit and at rest;"),
        bullet("multi-factor authentication for administrative access; and"),
        bullet("annual penetration tests by an independent tester."),
    ]
    .concat();
    let i = entente_analysis::ingest(
        &docx_with_numbering(&body, numbering),
        "dpa.docx",
        &Limits::default(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let items: Vec<&str> = i.text.lines().filter(|l| l.starts_with("• ")).collect();
    assert_eq!(
        items,
        [
            "• encryption of Personal Data in transit and at rest;",
            "• multi-factor authentication for administrative access; and",
            "• annual penetration tests by an independent tester.",
        ],
        "{}",
        i.text
    );
}

#[test]
fn an_appendix_duration_is_not_the_agreement_term() {
    let j = json(&agreement(
        "1. Services\n\n1.1 Provider shall provide the Services.\n\nAPPENDIX 1 – DATA PROCESSING TERMS\n\n1. Duration\n\nThis Appendix shall remain in force for 24 months from the first transfer of Personal Data.",
    ));
    assert!(value(&j, "initial_term").is_null(), "{}", j["initial_term"]);
    // The agreement's term stated in a schedule still counts.
    let j = json(&agreement(
        "1. Services\n\n1.1 Provider shall provide the Services.\n\nSCHEDULE 1 – ORDER FORM\n\nThe initial term of this Agreement is 24 months from the Effective Date.",
    ));
    assert_eq!(
        value(&j, "initial_term").as_str(),
        Some("P24M"),
        "{}",
        j["initial_term"]
    );
}

#[test]
fn titles_lose_table_pipes_and_party_lines() {
    let j = json(
        "| DATA SHARING AGREEMENT | Ref. DSA-2024-17 |\n\nThis Data Sharing Agreement is made on 1 March 2026 between Northwind Ltd (\"Provider\") and Helix plc (\"Customer\").\n\n1. Services\n\n1.1 Provider shall provide the Services.\n",
    );
    assert_eq!(
        value(&j, "title").as_str(),
        Some("DATA SHARING AGREEMENT"),
        "{}",
        j["title"]
    );
    let j = json(
        "BETWEEN\n\nNorthwind Ltd, a company registered in England (\"Provider\")\n\nAND HELIX PLC, a company registered in Scotland, party to this Agreement\n\n1. Services\n\n1.1 Provider shall provide the Services under this Agreement.\n",
    );
    let title = value(&j, "title").as_str().unwrap_or("");
    assert!(!title.to_ascii_lowercase().starts_with("and"), "{title}");
}

#[test]
fn a_term_until_an_end_date_left_to_the_cover_page_is_not_perpetual() {
    // The Common Paper Partnership template as published: "This Agreement starts on the
    // Effective Date and continues until the End Date, unless earlier terminated as provided
    // below." The End Date is a blank of the cover page.
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/corpus/public/commonpaper-partnership-template.docx");
    let bytes = std::fs::read(&path).expect("the public corpus file");
    let j = analyze_bytes(&bytes, "partnership.docx", &Limits::default())
        .expect("it reads")
        .to_json();
    assert_ne!(
        j["expiration_date"]["perpetual"], true,
        "{}",
        j["expiration_date"]
    );
    // With no end named, the same wording runs until terminated.
    let j = json(&agreement(
        "6. Term\n\n6.1 This Agreement starts on the Effective Date and continues in force until terminated as provided below.",
    ));
    assert_eq!(
        j["expiration_date"]["perpetual"], true,
        "{}",
        j["expiration_date"]
    );
}
