//! The defects found by reading public agreements, each checked on a published file of
//! `tests/corpus/public` (sources in its SOURCES.md) rather than on wording written for a test.

use entente_analysis::{Analysis, Limits, analyze_bytes};
use serde_json::Value;
use std::path::Path;

fn read(name: &str) -> Analysis {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/corpus/public")
        .join(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    analyze_bytes(&bytes, name, &Limits::default()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn json(name: &str) -> Value {
    read(name).to_json()
}

/// The analysis of a corpus file as JSON, after checking that its text holds `words` (the
/// wording the test is about).
fn json_holding(name: &str, words: &str) -> Value {
    let a = read(name);
    assert!(a.text().contains(words), "{name}: no {words:?}");
    a.to_json()
}

/// Asserts that analysis gives no value for any of `keys`.
fn assert_none(j: &Value, name: &str, keys: &[&str]) {
    for key in keys {
        assert!(j[*key].is_null(), "{name}: {key} {}", j[*key]);
    }
}

/// The numbers of the top-level clauses, in order.
fn top_numbers(j: &Value) -> Vec<&str> {
    j["clauses"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| c["level"].as_u64() == Some(1))
        .filter_map(|c| c["number"].as_str())
        .collect()
}

/// The names of the parties found.
fn party_names(j: &Value) -> Vec<&str> {
    j["parties"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| p["name"].as_str())
        .collect()
}

fn duties(j: &Value) -> Vec<(String, String, String)> {
    j["obligations"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|o| {
            let s = |k: &str| o[k].as_str().unwrap_or("").to_owned();
            (s("obligor"), s("action"), s("text"))
        })
        .collect()
}

/// Standard terms whose parties are filled in on a cover page, and an agreement between
/// "the Licensor (CITY) and the Licensee (CONTRACTOR.)", bind their roles: no duty is dropped
/// because no party is named.
#[test]
fn duties_of_roles_are_kept_where_no_party_is_named() {
    let j = json("commonpaper-software-license-template.docx");
    let d = duties(&j);
    assert!(
        d.iter()
            .any(|(o, a, _)| o == "Customer" && a.starts_with("pay Provider Fees")),
        "{d:?}"
    );
    for name in [
        "commonpaper-data-processing-agreement.md",
        "commonpaper-data-processing-agreement.docx",
        "commonpaper-data-processing-agreement.pdf",
    ] {
        let d = duties(&json(name));
        assert!(
            d.iter().any(|(o, a, t)| o == "Provider"
                && a.starts_with("notify Customer")
                && t.contains("72 hours")),
            "{name}: {d:?}"
        );
        assert!(d.len() >= 20, "{name}: {} duties", d.len());
    }
    let d = duties(&json("umkc-kc-city-data-sharing-agreement.pdf"));
    assert!(
        d.iter()
            .any(|(o, a, _)| o == "CONTRACTOR" && a.starts_with("employ industry best practices")),
        "{d:?}"
    );
    assert!(
        d.iter()
            .any(|(o, a, _)| o == "CITY" && a.starts_with("provide Licensee with periodic updates")),
        "{d:?}"
    );
}

/// "The Indemnifying Party may not agree to any settlement …" forbids; it is no positive duty.
#[test]
fn a_settlement_the_indemnifying_party_may_not_agree_is_a_prohibition() {
    let j = json("commonpaper-cloud-service-agreement.md");
    let has = |key: &str| {
        j[key].as_array().into_iter().flatten().any(|o| {
            o["text"]
                .as_str()
                .unwrap_or("")
                .contains("may not agree to any settlement")
        })
    };
    assert!(has("negative_covenants"), "{}", j["negative_covenants"]);
    assert!(!has("obligations"));
}

/// "receiving, directly or indirectly, money or anything of value" (anti-bribery) excludes no
/// damages; the exclusion found is the limitation-of-liability sentence.
#[test]
fn directly_or_indirectly_is_no_exclusion_of_indirect_damages() {
    for name in [
        "commonpaper-cloud-service-agreement.md",
        "commonpaper-partnership-agreement.md",
    ] {
        let j = json(name);
        let e = &j["excluded_damages"];
        let text = e["evidence"]["text"].as_str().unwrap_or("");
        assert!(!text.contains("directly or indirectly"), "{name}: {e}");
        if !e.is_null() {
            assert!(text.contains("consequential"), "{name}: {e}");
        }
    }
}

/// "Provider will maintain records of its compliance with this DPA for 3 years after the DPA
/// ends" is record keeping, not a confidentiality term.
#[test]
fn records_kept_for_three_years_are_no_confidentiality_term() {
    for name in [
        "commonpaper-data-processing-agreement.md",
        "commonpaper-data-processing-agreement.pdf",
    ] {
        let j = json(name);
        let c = &j["confidentiality"]["value"];
        assert_ne!(c["duration"].as_str(), Some("P3Y"), "{name}: {c}");
    }
}

/// "… fees paid or payable by Customer to Provider in the 12 month period immediately before
/// the claim" (a liability cap) is no renewal term.
#[test]
fn a_look_back_period_is_no_renewal_term() {
    let j = json("commonpaper-professional-services-template.docx");
    assert!(j["renewal"]["value"]["term"].is_null(), "{}", j["renewal"]);
}

/// "maintain the confidential nature of all disputes …, including informal negotiations,
/// mediation, or arbitration" agrees no mediation or arbitration: the escalation is a meeting.
#[test]
fn mediation_named_among_confidential_matters_is_no_tier() {
    for name in [
        "commonpaper-partnership-agreement.md",
        "commonpaper-partnership-agreement.pdf",
    ] {
        let j = json(name);
        let kinds: Vec<&str> = j["dispute_resolution"]["value"]["tiers"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|t| t["kind"].as_str())
            .collect();
        assert!(kinds.contains(&"negotiation"), "{name}: {kinds:?}");
        assert!(!kinds.contains(&"mediation"), "{name}: {kinds:?}");
        assert!(!kinds.contains(&"arbitration"), "{name}: {kinds:?}");
    }
}

/// "Any legal action or proceeding will be brought exclusively in the federal or state courts"
/// chooses a forum; it grants no exclusivity.
#[test]
fn exclusive_courts_are_no_exclusivity() {
    for name in [
        "github-marketplace-developer-agreement.md",
        "github-marketplace-developer-agreement.pdf",
    ] {
        let j = json(name);
        assert!(
            j["exclusivity"]["value"].is_null(),
            "{name}: {}",
            j["exclusivity"]
        );
    }
}

/// A hyphen at a line end is kept where the word has one ("non-" / "exclusive",
/// "gtirb-" / "rewriting") and dropped where it only breaks the word ("Simu-" / "lations").
#[test]
fn line_end_hyphens_are_read_as_the_words_are_written() {
    let t = read("commonpaper-partnership-agreement.pdf")
        .text()
        .to_owned();
    assert!(t.contains("a non-exclusive"), "partnership");
    let t = read("hqs-qoqo-contributor-license-agreement.pdf")
        .text()
        .to_owned();
    assert!(t.contains("HQS Quantum Simulations GmbH"), "hqs");
    let t = read("grammatech-gtirb-rewriting-contributor-license-agreement.pdf")
        .text()
        .to_owned();
    assert!(t.contains("gtirb-rewriting project"), "grammatech");
    // Before a capital too, where the document writes the compound: "Swiss-" / "U.S.".
    let t = read("github-marketplace-developer-agreement.pdf")
        .text()
        .to_owned();
    assert!(
        t.contains("the Swiss-U.S. Data Privacy Framework"),
        "marketplace"
    );
    let t = read("unep-wcmc-wdpa-data-contributor-agreement.pdf")
        .text()
        .to_owned();
    assert!(
        t.contains("on the part of UNEP-WCMC or the data provider"),
        "unep"
    );
}

/// Text set with wide leading ("1.5 lines", lines 1.5 type sizes apart): lines of one
/// paragraph stay one paragraph, and paragraphs stay apart.
#[test]
fn lines_set_with_wide_leading_stay_one_paragraph() {
    let a = read("unep-wcmc-wdpa-data-contributor-agreement.pdf");
    let para = a
        .text()
        .lines()
        .find(|l| l.starts_with("On behalf of [insert Ministry"))
        .expect("the paragraph");
    assert!(
        para.contains("World Database on Protected Areas (WDPA): [insert name of dataset]")
            && para.ends_with("relating to [insert name of country/region/etc.]."),
        "{para}"
    );
    assert!(!para.contains("Brief description of the data"));
}

/// A running header and footer printed on pages 2–5 but not on page 1 are page furniture.
#[test]
fn a_running_header_on_only_some_pages_is_removed() {
    let a = read("cdc-arbonet-data-use-agreement.pdf");
    let t = a.text();
    assert!(
        !t.contains("ArboNET human data request form"),
        "header kept"
    );
    assert!(!t.contains("Revised: August 24, 2022"), "footer kept");
    assert!(t.contains("DATA USE AGREEMENT"));
    assert!(t.contains("Access to ArboNET data is limited to the"));
}

/// A footnote (small type under a rule at the page foot) is kept apart from the body: the
/// body sentence runs on to its end, and the note follows the body.
#[test]
fn a_footnote_stays_out_of_the_body() {
    let a = read("unep-wcmc-wdpa-data-contributor-agreement.pdf");
    let t = a.text();
    let note = t
        .find("UNEP-WCMC may accept data with restrictions")
        .expect("the footnote is kept");
    let body_end = t
        .find("I/we hereby give permission to UNEP-WCMC")
        .expect("the body's last sentence");
    assert!(note > body_end, "the note follows the body");
    // The body runs on to the note's marker; the note's text is not set in between.
    let at = t.find("for use on other").expect("the body sentence");
    let rest = t[at + "for use on other".len()..].trim_start();
    assert!(
        rest.starts_with("platforms[4]."),
        "{}",
        &rest[..80.min(rest.len())]
    );
}

/// A PDF printed from Word by Quartz: words stay apart.
#[test]
fn words_of_a_quartz_pdf_stay_apart() {
    let t = read("umkc-kc-city-data-sharing-agreement.pdf")
        .text()
        .to_owned();
    assert!(
        t.contains("by and between the Licensor (CITY) and the Licensee (CONTRACTOR.)"),
        "{}",
        &t[..400.min(t.len())]
    );
}

/// A PDF with no space character at all (a Google Docs export: each glyph placed on its own)
/// reads word by word, though its fonts give some glyph widths as ranges ("81 84 556" for n,
/// o, p, q); ligatures drawn from other fonts ("ﬀ", the private-use "fi") read as letters.
#[test]
fn a_pdf_without_space_characters_reads_word_by_word() {
    let name = "corsha-cast-contributor-license-agreement.pdf";
    let bytes = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/corpus/public")
            .join(name),
    )
    .unwrap_or_else(|e| panic!("{name}: {e}"));
    // The file itself: glyphs shown one by one, never a space among them.
    assert!(
        !bytes.windows(7).any(|w| w == b"<0003> "),
        "{name} draws a space glyph"
    );
    let a = read(name);
    let t = a.text();
    for words in [
        "Corsha, Inc. – Corsha API Scanner Tool (CAST)",
        "Individual Contributor License Agreement",
        "the Project must have on file a signed Contributor License Agreement",
        "your family name first",
        "1. Definitions.",
        "use, offer to sell, sell, import, and otherwise transfer the Work",
        "ownership of fifty percent (50%) or more of the outstanding shares",
    ] {
        assert!(
            t.contains(words),
            "{words:?} not in {}",
            &t[..600.min(t.len())]
        );
    }
    assert!(
        !t.contains("Co rsha") && !t.contains("In c."),
        "{}",
        &t[..300]
    );
    let j = a.to_json();
    assert_eq!(
        j["title"]["value"].as_str(),
        Some("Individual Contributor License Agreement")
    );
    assert_eq!(top_numbers(&j), ["1", "2", "3", "4", "5", "6", "7", "8"]);
}

/// A contributor agreement defines its other side as "You" and names no second party: the
/// duties of "You" are kept, also after a condition ("If You change employers …, then You
/// agree to sign a new Agreement …") and reported after "agree that".
#[test]
fn duties_of_a_defined_you_are_kept() {
    let d = duties(&json("nvidia-contribution-license-agreement.pdf"));
    let actions: Vec<&str> = d
        .iter()
        .filter(|(o, _, _)| o == "You")
        .map(|(_, a, _)| a.as_str())
        .collect();
    for start in [
        "agree to the terms of this Agreement",
        "secure permission from Your employer",
        "sign a new Agreement",
        "notify NVIDIA in writing",
    ] {
        assert!(
            actions.iter().any(|a| a.starts_with(start)),
            "{start}: {d:?}"
        );
    }
    // Prohibitions of "you" ("YOU" is defined): "You agree not to …", "You promise not to …".
    let j = json("github-registered-developer-agreement.md");
    let bans: Vec<&str> = j["negative_covenants"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|o| o["obligor"] == "You")
        .filter_map(|o| o["text"].as_str())
        .collect();
    for words in [
        "You promise not to disclose, publish, or disseminate any Confidential Information",
        "You agree not to decompile, reverse engineer",
    ] {
        assert!(bans.iter().any(|t| t.contains(words)), "{words}: {bans:?}");
    }
    // A promise reported after "agree that": "you agree that you will indemnify, defend and
    // hold us harmless …", in every format.
    for name in [
        "github-registered-developer-agreement.md",
        "github-registered-developer-agreement.docx",
        "github-registered-developer-agreement.pdf",
    ] {
        let d = duties(&json(name));
        assert!(
            d.iter().any(|(o, a, t)| o == "You"
                && a.starts_with("indemnify, defend and hold us harmless")
                && t.contains("you agree that you will indemnify")),
            "{name}: {d:?}"
        );
    }
    let d = duties(&json("corsha-cast-contributor-license-agreement.pdf"));
    assert!(
        d.iter().any(
            |(o, a, _)| o == "You" && a.starts_with("abide by the Contributor Code of Conduct")
        ),
        "{d:?}"
    );
    // Before § 1, after "You accept and agree to the following terms and conditions …": a
    // list item's duty ("(c) You are responsible to ensure …") binds "You".
    assert!(
        d.iter().any(|(o, a, t)| o == "You"
            && a.starts_with(
                "ensure that any Contributions submitted by persons from your entity"
            )
            && t.starts_with("(c) You are responsible to ensure")),
        "{d:?}"
    );
    // "(e) You agree and accept that it is your responsibility to notify the Project …".
    assert!(
        d.iter()
            .any(|(o, a, _)| o == "You"
                && a.starts_with("notify the Project when there is any change")),
        "{d:?}"
    );
}

/// Standard terms in which each role indemnifies the other ("Provider will indemnify, defend,
/// and hold harmless Customer …", "Customer will indemnify, defend, and hold harmless Provider
/// …") give a mutual indemnity, and name both roles as the indemnifying parties although the
/// text names no party.
#[test]
fn reciprocal_indemnities_are_mutual_with_both_indemnitors() {
    for (name, roles) in [
        (
            "commonpaper-cloud-service-agreement.md",
            ["Provider", "Customer"],
        ),
        (
            "commonpaper-cloud-service-agreement.docx",
            ["Provider", "Customer"],
        ),
        (
            "commonpaper-cloud-service-agreement.pdf",
            ["Provider", "Customer"],
        ),
        (
            "commonpaper-software-license-template.docx",
            ["Provider", "Customer"],
        ),
        (
            "commonpaper-partnership-template.docx",
            ["Company", "Partner"],
        ),
    ] {
        let j = json(name);
        let v = &j["indemnity"]["value"];
        assert_eq!(v["kind"].as_str(), Some("mutual"), "{name}: {v}");
        for key in ["by", "one_way"] {
            let got: Vec<&str> = v[key]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            assert_eq!(got, roles, "{name}: {key}");
        }
    }
}

/// "9.6 Exclusive Remedy. This Section 9 … describes each Protected Party's exclusive remedy"
/// limits what may be claimed; it is no exclusivity (every Common Paper agreement with
/// indemnities has such a section).
#[test]
fn an_exclusive_remedy_is_no_exclusivity() {
    for name in [
        "commonpaper-cloud-service-agreement.md",
        "commonpaper-cloud-service-agreement.docx",
        "commonpaper-cloud-service-agreement.pdf",
        "commonpaper-partnership-agreement.md",
        "commonpaper-partnership-template.docx",
        "commonpaper-professional-services-template.docx",
        "commonpaper-software-license-template.docx",
    ] {
        let j = json_holding(name, "Exclusive Remedy");
        assert_none(&j, name, &["exclusivity"]);
    }
}

/// Justified text printed from Word sets its words apart by runs of space characters
/// ("controlled    by"): they read as one space, and a paragraph broken by the page after "the
/// entity making a" runs on although the next page starts with a capital.
#[test]
fn justified_runs_of_spaces_and_a_paragraph_across_pages() {
    // The file's text layer draws 43 runs of two to six space glyphs between words.
    let a = read("cogolabs-cyto-contributor-license-agreement.pdf");
    let t = a.text();
    assert!(!t.contains("  "), "a run of spaces is left");
    assert!(
        t.contains(
            "For legal entities, the entity making a Contribution and all other entities that \
             control, are controlled by, or are under common control with that entity"
        ),
        "{t}"
    );
    let j = a.to_json();
    assert_eq!(
        j["title"]["value"].as_str(),
        Some("Cogo Labs’s License Agreement")
    );
    let d = duties(&j);
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(d[0].1.starts_with("notify Cogo Labs"), "{d:?}");
}

/// A hyphen printed before a space within a line ("non- infringement", "NON- INFRINGEMENT")
/// closes up, in capitals too.
#[test]
fn a_hyphen_before_a_space_within_a_line_closes_up() {
    for (name, words) in [
        (
            "hqs-qoqo-contributor-license-agreement.pdf",
            "conditions of title, non-infringement, merchantability",
        ),
        (
            "cogolabs-cyto-contributor-license-agreement.pdf",
            "conditions of TITLE, NON-INFRINGEMENT, MERCHANTABILITY",
        ),
    ] {
        let a = read(name);
        assert!(a.text().contains(words), "{name}");
    }
}

/// A list in a Word file whose items carry bullets keeps them: each item stays an item of its
/// own, introduced by its bullet.
#[test]
fn word_bullets_are_kept() {
    let a = read("github-marketplace-developer-agreement.docx");
    let t = a.text();
    for item in [
        "\n• (i) Contains or installs any active malware or exploits",
        "\n• (ii) Enables the unauthorized download of streaming content or media; or",
        "\n• (iii) Diverts End Users",
    ] {
        assert!(t.contains(item), "{item:?}");
    }
}

/// A contributor agreement names its company once, defined with a short name or pronouns, and
/// its other side is "You": the company is a party, though the name is followed by a place
/// ("HQS Quantum Simulations GmbH, Karlsruhe, Germany (hereinafter “HQS”, …)"), by "and its
/// affiliates" (NVIDIA) or is possessive after an opening phrase ("Thank you for your interest
/// in contributing to GrammaTech, Inc.’s ("We" or "Us") …"). The German page label "Seite 1"
/// is page furniture.
#[test]
fn the_company_of_a_contributor_agreement_is_a_party() {
    for (name, party, alias) in [
        (
            "hqs-qoqo-contributor-license-agreement.pdf",
            "HQS Quantum Simulations GmbH",
            "HQS",
        ),
        (
            "grammatech-gtirb-rewriting-contributor-license-agreement.pdf",
            "GrammaTech, Inc.",
            "We",
        ),
        (
            "nvidia-contribution-license-agreement.pdf",
            "NVIDIA Corporation",
            "NVIDIA",
        ),
    ] {
        let a = read(name);
        let j = a.to_json();
        let parties = j["parties"].as_array().cloned().unwrap_or_default();
        assert_eq!(parties.len(), 1, "{name}: {parties:?}");
        assert_eq!(parties[0]["name"].as_str(), Some(party), "{name}");
        assert_eq!(parties[0]["aliases"][0].as_str(), Some(alias), "{name}");
        if name.starts_with("hqs") {
            assert!(
                a.text().starts_with("Contributor License Agreement"),
                "{name}"
            );
        }
    }
    // Named only in the heading line: "Corsha, Inc. – Corsha API Scanner Tool (CAST)".
    let j = json("corsha-cast-contributor-license-agreement.pdf");
    assert_eq!(party_names(&j), ["Corsha, Inc."]);
    // Named with no legal form, as the "we" of the opening: "At Cogo Labs, we require
    // everyone who takes part in our open source projects to sign this Agreement."
    let j = json_holding(
        "cogolabs-cyto-contributor-license-agreement.pdf",
        "At Cogo Labs, we require",
    );
    assert_eq!(party_names(&j), ["Cogo Labs"]);
}

/// A LuaTeX PDF in two columns: a sentence left open at the foot of a column runs on at the
/// top of the next ("controls," / "is controlled by"), the running footer drawn between the
/// columns ("Member of the Helmholtz Association 1") leaves the text, a line-end hyphen after
/// a prefix in a word the text writes whole ("Sub-" / "mits", "Submit") is dropped, and the
/// party and the duties of "We" and "You" are read from TeX's ”…” quotes and "§7.5" numbers.
#[test]
fn a_two_column_contributor_agreement() {
    let a = read("fz-juelich-pepc-contributor-license-agreement.pdf");
    let t = a.text();
    for words in [
        "means any other Legal Entity that controls, is controlled by, or under common control",
        "You hereby grant to Us a worldwide, royalty-free, exclusive, perpetual and irrevocable \
         (except as stated in §6.2) license",
        "the individual Copyright owner who Submits a Contribution to Us",
    ] {
        assert!(t.contains(words), "{words:?}");
    }
    assert!(
        !t.contains("Helmholtz Association"),
        "the running footer is left"
    );
    let j = a.to_json();
    assert_eq!(top_numbers(&j), ["1", "2", "3", "4", "5", "6", "7"]);
    assert_eq!(
        j["parties"][0]["name"].as_str(),
        Some("Forschungszentrum Jülich GmbH")
    );
    let d = duties(&j);
    let by = |who: &str, start: &str| d.iter().any(|(o, a, _)| o == who && a.starts_with(start));
    assert!(by("We", "license the Contribution only under"), "{d:?}");
    assert!(by("You", "notify Us of any facts"), "{d:?}");
    // "You shall however be entitled to use the software …" grants; it binds no one.
    assert!(!d.iter().any(|(_, a, _)| a.contains("entitled")), "{d:?}");
    assert_eq!(d.len(), 3, "{d:?}");
}

/// A date that versions the form is no date of the agreement: "Form Contributor License
/// Agreement w/Company Consent — Version 1.0.0 — 2022-03-08", after the fields to sign.
#[test]
fn a_version_date_is_no_agreement_date() {
    for name in [
        "opendp-cla-company.md",
        "opendp-cla-company.docx",
        "opendp-cla-company.pdf",
        "opendp-cla-individual.md",
    ] {
        let j = json_holding(name, "2022-03-08");
        assert_none(&j, name, &["agreement_date", "effective_date"]);
        // The parties' names over the fields to sign open the signature block, and what
        // follows it (the company consent form, the instructions) is no clause.
        let sections = top_numbers(&j).len();
        assert!(sections <= 10, "{name}: {sections} sections");
    }
}

/// "between GitHub's transmission of a Detection Notification and Partner's completion of
/// remediation", in a definition, names no parties: a possessive before a word in lower case
/// is a phrase about a party. Nor does "Licensee acknowledges that as between Licensee and
/// Licensor, Licensor is the sole and exclusive owner …" in the trademark licence of standard
/// terms that name none.
#[test]
fn phrases_about_parties_are_no_parties() {
    let github = "between GitHub's transmission of a Detection Notification";
    let licence = "that as between Licensee and Licensor, Licensor is the sole";
    for (name, words) in [
        (
            "github-secret-scanning-partner-program-agreement.md",
            github,
        ),
        (
            "github-secret-scanning-partner-program-agreement.docx",
            github,
        ),
        (
            "github-secret-scanning-partner-program-agreement.pdf",
            github,
        ),
        ("commonpaper-partnership-agreement.md", licence),
        ("commonpaper-partnership-agreement.pdf", licence),
    ] {
        let j = json_holding(name, words);
        assert_eq!(
            j["parties"].as_array().map(Vec::len),
            Some(0),
            "{name}: {}",
            j["parties"]
        );
    }
}

/// "This Agreement starts on the Effective Date and continues until the End Date", where the
/// End Date is a blank of the cover page: the agreement has an end, only not one written
/// here, so no expiration is given (not "runs until terminated") and no term.
#[test]
fn an_end_date_left_to_the_cover_page_is_no_open_term() {
    for name in [
        "commonpaper-partnership-agreement.md",
        "commonpaper-partnership-agreement.docx",
        "commonpaper-partnership-agreement.pdf",
        "commonpaper-partnership-template.docx",
    ] {
        let j = json_holding(name, "continues until the End Date");
        assert_none(&j, name, &["expiration_date", "initial_term"]);
    }
}

/// Table rows of a cover page stay one row a line: a row's value never runs into the next.
#[test]
fn cover_page_rows_stay_apart() {
    let t = read("commonpaper-one-way-nda-template.docx")
        .text()
        .to_owned();
    let row = |label: &str| {
        t.lines()
            .find(|l| l.starts_with(&format!("| {label}")))
            .unwrap_or_else(|| panic!("no row {label}"))
            .to_owned()
    };
    let eff = row("Effective Date");
    assert!(
        eff.contains("{effective_date}") && !eff.contains("NDA Term"),
        "{eff}"
    );
    let law = row("Governing Law");
    assert!(
        law.contains("{governing_law}") && !law.contains("Jurisdiction"),
        "{law}"
    );
}

/// Titles: a title cell that runs on into its first sentence is cut, a note above the title
/// is passed over, and a name given only as an example in a drafting note is no party.
#[test]
fn titles_and_drafting_notes() {
    let title = |name: &str| json(name)["title"]["value"].as_str().map(str::to_owned);
    assert_eq!(
        title("commonpaper-amendment-template.docx").as_deref(),
        Some("Amendment")
    );
    assert_eq!(
        title("commonpaper-term-sheet-template.docx").as_deref(),
        Some("Term Sheet")
    );
    assert_eq!(
        title("unep-wcmc-wdpa-data-contributor-agreement.pdf").as_deref(),
        Some("Data Contributor Agreement for Governments")
    );
    for name in [
        "bonterms-professional-services-cover-page.docx",
        "bonterms-mutual-nda-cover-page.docx",
        "commonpaper-statement-of-work-template.docx",
    ] {
        let t = title(name).unwrap_or_default();
        assert!(!t.contains('|') && !t.starts_with("AND"), "{name}: {t}");
    }
    let j = json("commonpaper-ai-addendum-template.docx");
    assert_eq!(
        j["parties"].as_array().map_or(0, Vec::len),
        0,
        "{}",
        j["parties"]
    );
}

/// Word's multilevel lists that show each level's own number only: the Common Paper
/// agreements rendered to Word and PDF read "1. Service" / "1. Access and Use" / "2.
/// Support" … "2. Restrictions & Obligations". The sub-clauses are numbered as the text's
/// own cross-references cite them ("Section 2.1 (Restrictions on Customer)", "Section 8.4
/// (Exceptions)"), so the survival clause's list reaches the right clauses.
#[test]
fn restarted_sub_lists_are_numbered_as_the_text_cites_them() {
    let clause = |j: &Value, number: &str| -> Option<(u64, String)> {
        j["clauses"]
            .as_array()?
            .iter()
            .find(|c| c["number"] == number)
            .map(|c| {
                let level = c["level"].as_u64().unwrap_or(0);
                (level, c["heading"].as_str().unwrap_or("").to_owned())
            })
    };
    for name in [
        "commonpaper-cloud-service-agreement.docx",
        "commonpaper-cloud-service-agreement.pdf",
    ] {
        let j = json_holding(name, "Section 8.4 (Exceptions)");
        assert_eq!(top_numbers(&j)[..5], ["1", "2", "3", "4", "5"], "{name}");
        assert_eq!(
            clause(&j, "2.1"),
            Some((2, "Restrictions on Customer".to_owned())),
            "{name}"
        );
        assert_eq!(
            clause(&j, "8.4"),
            Some((2, "Exceptions".to_owned())),
            "{name}"
        );
        // In the PDF "… available to Customer." reaches the right margin and "4. Taxes. …"
        // follows: a sentence ended there, so the next item is no part of it.
        assert_eq!(clause(&j, "4.4"), Some((2, "Taxes".to_owned())), "{name}");
        assert_eq!(top_numbers(&j).len(), 13, "{name}");
        // Section 2.1 is in the survival list, Section 1.3 (User Accounts) is not.
        let number_of = |o: &Value| {
            let k = o["evidence"]["clause"].as_u64().unwrap_or(u64::MAX) as usize;
            j["clauses"][k]["number"].as_str().unwrap_or("").to_owned()
        };
        let all: Vec<&Value> = ["obligations", "negative_covenants"]
            .iter()
            .flat_map(|k| j[*k].as_array().into_iter().flatten())
            .collect();
        let survives = |number: &str| -> Vec<bool> {
            all.iter()
                .filter(|o| number_of(o) == number)
                .map(|o| o["survives"] == true)
                .collect()
        };
        assert!(
            !survives("2.1").is_empty() && survives("2.1").iter().all(|s| *s),
            "{name}"
        );
        assert!(
            !survives("1.3").is_empty() && survives("1.3").iter().all(|s| !s),
            "{name}"
        );
    }
    for name in [
        "commonpaper-data-processing-agreement.docx",
        "commonpaper-partnership-agreement.docx",
        "commonpaper-partnership-agreement.pdf",
    ] {
        let j = json(name);
        assert_eq!(top_numbers(&j)[..5], ["1", "2", "3", "4", "5"], "{name}");
        assert!(clause(&j, "1.1").is_some_and(|c| c.0 == 2), "{name}");
    }
    // A wrapped line that starts with a citation ("Section 3 (Trademark License) will
    // immediately terminate …") is no clause of its own.
    let j = json_holding(
        "commonpaper-partnership-agreement.pdf",
        "Section 3 (Trademark License) will immediately terminate",
    );
    assert_eq!(top_numbers(&j).len(), 13);
}

/// Word renders the Cloud Service Agreement's lettered list after "Upon any expiration or
/// termination:" as one paragraph ("a. Customer will no longer have any right to use the
/// Product. b. Upon Customer's request, Provider will delete …"): each item is a sentence of
/// its own, so Provider's duty is not lost behind the item before it.
#[test]
fn items_of_a_list_run_into_one_paragraph_are_sentences() {
    for name in [
        "commonpaper-cloud-service-agreement.docx",
        "commonpaper-cloud-service-agreement.pdf",
        "commonpaper-cloud-service-agreement.md",
    ] {
        let j = json(name);
        let d = duties(&j);
        assert!(
            d.iter()
                .any(|(o, a, _)| o == "Provider" && a == "delete Customer Content within 60 days"),
            "{name}: {d:?}"
        );
        assert!(
            !d.iter().any(|(_, a, _)| a.contains("no longer")),
            "{name}: {d:?}"
        );
    }
}
