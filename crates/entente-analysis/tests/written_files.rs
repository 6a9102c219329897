//! Layouts that misled analysis of institutional agreements, checked on an agreement written
//! to hold them (`tests/corpus/written`, rendered to DOCX and PDF by LibreOffice): a revision
//! history above the title, an appendix that is another agreement with its own parties and
//! term, a purpose limitation, annex tables whose rows are numbered, and cover lines dated.

use entente_analysis::{Limits, analyze_bytes};
use serde_json::Value;
use std::path::Path;

const NAME: &str = "lakeshore-restricted-data-use";

/// The analysis of both renderings, with their text.
fn both() -> Vec<(String, String, Value)> {
    ["docx", "pdf"]
        .iter()
        .map(|ext| {
            let name = format!("{NAME}.{ext}");
            let path = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../tests/corpus/written")
                .join(&name);
            let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let a = analyze_bytes(&bytes, &name, &Limits::default())
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            (name, a.text().to_owned(), a.to_json())
        })
        .collect()
}

fn value<'a>(j: &'a Value, key: &str) -> &'a Value {
    &j[key]["value"]
}

/// The obligor of the duty whose action starts with `action`.
fn obligor_of<'a>(j: &'a Value, action: &str) -> Option<&'a str> {
    j["obligations"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|o| o["action"].as_str().is_some_and(|a| a.starts_with(action)))
        .and_then(|o| o["obligor"].as_str())
}

fn clauses(j: &Value) -> &[Value] {
    j["clauses"].as_array().map_or(&[], Vec::as_slice)
}

#[test]
fn a_revision_history_above_the_title_neither_dates_nor_numbers_the_agreement() {
    for (name, text, j) in both() {
        // The history stays a table: one row per version.
        assert!(
            text.contains("| 1.1 | March 2, 2021 | Data Security Plan moved to Appendix B |"),
            "{name}: {text}"
        );
        let numbers: Vec<&str> = clauses(&j)
            .iter()
            .filter_map(|c| c["number"].as_str())
            .collect();
        assert!(!numbers.contains(&"1.0"), "{name}: {numbers:?}");
        assert_eq!(
            value(&j, "title").as_str(),
            Some("RESTRICTED DATA USE AGREEMENT"),
            "{name}"
        );
        // Neither a version's date nor the approval date of the security plan on the cover:
        // the agreement is made when the last party signs.
        assert_eq!(
            value(&j, "agreement_date").as_str(),
            Some("2022-09-14"),
            "{name}: {}",
            j["agreement_date"]
        );
        assert_eq!(
            value(&j, "effective_date").as_str(),
            Some("2022-09-14"),
            "{name}: {}",
            j["effective_date"]
        );
    }
}

#[test]
fn an_appendix_that_is_another_agreement_gives_neither_parties_nor_term() {
    for (name, _, j) in both() {
        let parties: Vec<&str> = j["parties"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| p["name"].as_str())
            .collect();
        assert_eq!(
            parties,
            [
                "Lakeshore State University",
                "Ridgeview College of Applied Sciences"
            ],
            "{name}"
        );
        // "These terms are effective for 24 months … and renew for successive periods of 12
        // months unless a School District gives 90 days' written notice", and "This plan is
        // effective for 24 months": the appendices' own durations. The agreement's duties
        // are perpetual.
        for key in [
            "initial_term",
            "expiration_date",
            "renewal",
            "notice_period_to_terminate_renewal",
        ] {
            assert!(value(&j, key).is_null(), "{name}: {key} {}", j[key]);
        }
        let appendix = clauses(&j)
            .iter()
            .find(|c| c["number"].as_str() == Some("APPENDIX A"))
            .unwrap_or_else(|| panic!("{name}: no Appendix A"));
        assert_eq!(
            appendix["heading"].as_str(),
            Some("DATA SHARING TERMS BETWEEN LEDA AND THE SCHOOL DISTRICTS"),
            "{name}"
        );
        assert_eq!(appendix["kind"].as_str(), Some("schedule"), "{name}");
    }
}

#[test]
fn a_purpose_limitation_is_a_duty_not_exclusivity() {
    for (name, _, j) in both() {
        assert!(
            value(&j, "exclusivity").is_null(),
            "{name}: {}",
            j["exclusivity"]
        );
        for c in clauses(&j) {
            let cats = c["categories"].as_array().into_iter().flatten();
            assert!(
                !cats.clone().any(|x| x == "exclusivity"),
                "{name}: clause {} {:?}",
                c["number"],
                c["categories"]
            );
        }
        // "The Recipient Institution shall ensure that the Investigator uses the Data
        // exclusively for the purpose of the Project": a duty of the party defined as the
        // Recipient Institution, not of whichever party receives.
        for action in ["ensure that the Investigator uses the Data", "notify LEDA"] {
            assert_eq!(
                obligor_of(&j, action),
                Some("Recipient Institution"),
                "{name}: {action}"
            );
        }
    }
}

#[test]
fn numbered_rows_of_an_annex_table_are_no_clauses() {
    for (name, text, j) in both() {
        let annex = clauses(&j)
            .iter()
            .position(|c| c["number"].as_str() == Some("ANNEX 1"))
            .unwrap_or_else(|| panic!("{name}: no Annex 1"));
        assert_eq!(
            clauses(&j)[annex]["heading"].as_str(),
            Some("PROJECT, DATA AND AUTHORISED PERSONS"),
            "{name}"
        );
        // Nothing after the annex heading opens a clause, and its rows stay rows, a wrapped
        // cell included.
        assert_eq!(clauses(&j).len(), annex + 1, "{name}");
        assert!(
            text.contains("| 1. | Project title | School district funding and reading outcomes in rural Minnesota |"),
            "{name}: {text}"
        );
        assert!(
            text.contains("| 5. | Project end | December 31, 2025 |"),
            "{name}: {text}"
        );
    }
}
