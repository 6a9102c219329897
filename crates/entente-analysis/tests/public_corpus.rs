//! Real agreements under open licences (`tests/corpus/public`, sources in its SOURCES.md):
//! every stored format is read and checked against the values read by hand.
//!
//! Where analysis is known to read a value wrongly, expected.json keeps the hand-read value
//! and lists what analysis gives under `known_gaps` (field → format → value); the test checks
//! that value, so a fix shows up as a failing test whose gap entry is then removed.

use entente_analysis::{Limits, analyze_bytes};
use serde_json::{Map, Value, json};
use std::path::{Path, PathBuf};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/corpus/public")
}

fn expected() -> Map<String, Value> {
    let text = std::fs::read_to_string(dir().join("expected.json")).expect("expected.json");
    let v: Value = serde_json::from_str(&text).expect("expected.json parses");
    v.as_object().expect("an object of documents").clone()
}

/// The values the hand-read fields are compared with, as analysis gives them.
fn observed(j: &Value, first_len: usize) -> Map<String, Value> {
    let value = |key: &str| j[key]["value"].clone();
    let parties: Vec<Value> = j["parties"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| p["name"].clone())
        .collect();
    let numbers: Vec<Value> = j["clauses"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| c["level"].as_u64() == Some(1))
        .map(|c| c["number"].clone())
        .collect();
    let mut m = Map::new();
    m.insert("title".into(), value("title"));
    m.insert("parties".into(), Value::Array(parties));
    m.insert(
        "first_clauses".into(),
        Value::Array(numbers.iter().take(first_len).cloned().collect()),
    );
    m.insert("clause_count".into(), json!(numbers.len()));
    m.insert("governing_law".into(), value("governing_law"));
    m.insert("initial_term".into(), value("initial_term"));
    m.insert("renewal_term".into(), value("renewal")["term"].clone());
    m.insert(
        "notice_period_to_terminate_renewal".into(),
        value("notice_period_to_terminate_renewal"),
    );
    m.insert("effective_date".into(), value("effective_date"));
    m.insert(
        "duties".into(),
        json!(j["obligations"].as_array().map_or(0, Vec::len)),
    );
    m
}

#[test]
fn public_agreements_read_as_expected_in_every_format() {
    let docs = expected();
    assert!(docs.len() >= 10, "at least ten public documents");
    for (id, want) in &docs {
        let gaps = &want["known_gaps"];
        for format in want["formats"].as_array().expect("formats") {
            let format = format.as_str().expect("a format name");
            let name = format!("{id}.{format}");
            let bytes = std::fs::read(dir().join(&name)).unwrap_or_else(|e| panic!("{name}: {e}"));
            let j = analyze_bytes(&bytes, &name, &Limits::default())
                .unwrap_or_else(|e| panic!("{name}: {e}"))
                .to_json();
            let first_len = want["first_clauses"].as_array().map_or(0, Vec::len);
            let got = observed(&j, first_len);
            for (field, hand) in want.as_object().expect("a document object") {
                if matches!(field.as_str(), "formats" | "known_gaps" | "template") {
                    continue;
                }
                // An unknown count (null) is not asserted.
                if field == "duties" && hand.is_null() {
                    continue;
                }
                let seen = got
                    .get(field)
                    .unwrap_or_else(|| panic!("{id}: unknown field {field}"));
                match gaps[field.as_str()].get(format) {
                    Some(gap) => {
                        assert_ne!(gap, hand, "{name}: {field} gap equals the hand value");
                        assert_eq!(
                            seen, gap,
                            "{name}: {field} known gap changed (hand value {hand})"
                        );
                    }
                    None => assert_eq!(seen, hand, "{name}: {field}"),
                }
            }
        }
    }
}

#[test]
fn every_public_file_is_listed_with_its_source() {
    let docs = expected();
    let sources = std::fs::read_to_string(dir().join("SOURCES.md")).expect("SOURCES.md");
    let mut files = 0;
    for entry in std::fs::read_dir(dir()).expect("public corpus folder") {
        let name = entry.expect("a folder entry").file_name();
        let name = name.to_string_lossy();
        if matches!(name.as_ref(), "SOURCES.md" | "expected.json" | "gold.jsonl") {
            continue;
        }
        files += 1;
        let (id, format) = name.rsplit_once('.').expect("NAME.FORMAT");
        let listed = docs
            .get(id)
            .and_then(|d| d["formats"].as_array())
            .is_some_and(|f| f.iter().any(|x| x == format));
        assert!(listed, "{name} is not in expected.json");
        assert!(
            sources.contains(&format!("`{id}.")),
            "{name} has no source in SOURCES.md"
        );
    }
    assert!(files >= 30, "at least thirty files, found {files}");
}
