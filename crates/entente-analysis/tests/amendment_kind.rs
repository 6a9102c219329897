//! Telling an amendment letter from a full agreement on real texts: no agreement of the
//! labelled corpus reads as a letter, and the lifecycle corpus's letters do.

use entente_domain::amendment::AmendmentKind;
use std::path::Path;

fn corpus(dir: &str) -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/corpus")
        .join(dir);
    let mut out: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .map(|p| {
            let name = p.file_stem().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect();
    out.sort();
    out
}

#[test]
fn full_agreements_are_never_taken_for_amendment_letters() {
    let texts = corpus("txt");
    assert!(texts.len() >= 40, "{} texts", texts.len());
    let letters: Vec<&str> = texts
        .iter()
        .filter(|(_, t)| {
            entente_analysis::analyze_text(t).amendment_kind() == AmendmentKind::Letter
        })
        .map(|(n, _)| n.as_str())
        .collect();
    assert!(letters.is_empty(), "read as amendment letters: {letters:?}");
}

#[test]
fn the_lifecycle_letters_read_as_letters_and_the_restatements_as_restatements() {
    let texts = corpus("lifecycle");
    let mut seen = 0;
    for (name, text) in &texts {
        let kind = entente_analysis::analyze_text(text).amendment_kind();
        let expected = if name.contains("-amendment-") {
            AmendmentKind::Letter
        } else {
            AmendmentKind::Restatement
        };
        assert_eq!(kind, expected, "{name}");
        seen += usize::from(kind == AmendmentKind::Letter);
    }
    assert!(seen >= 1, "no letter in the lifecycle corpus");
}
