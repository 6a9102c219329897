//! The committed model: it parses, training on the shared corpus reproduces it exactly, and
//! a malformed model file is refused with the line at fault.

use entente_analysis::learn::{BUILTIN_TEXT, Model};
use std::path::{Path, PathBuf};

fn train_corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/cuad-train")
}

#[test]
fn committed_model_parses_and_round_trips() {
    let m = Model::parse(BUILTIN_TEXT).expect("model/model.txt parses");
    assert_eq!(m.categories().len(), 33, "one classifier per CUAD category");
    assert!(m.is_calibrated());
    assert_eq!(m.to_text(), BUILTIN_TEXT, "written back byte for byte");
    assert_eq!(&m, Model::builtin());
}

#[test]
fn retraining_reproduces_the_committed_model() {
    let dir = train_corpus();
    if !dir.join("gold.jsonl").exists() {
        eprintln!(
            "skipping: {} is absent (the shared corpus is not part of the repository)",
            dir.display()
        );
        return;
    }
    let m = entente_analysis::learn::train(&dir).expect("train");
    let text = m.to_text();
    if text != BUILTIN_TEXT {
        let first = text
            .lines()
            .zip(BUILTIN_TEXT.lines())
            .position(|(a, b)| a != b);
        panic!(
            "retrained model differs from model/model.txt (first difference at line {:?}); \
             run `entente train ../shared/corpus/cuad-train` and commit the file",
            first.map(|i| i + 1)
        );
    }
}

#[test]
fn malformed_models_name_the_line() {
    let e = Model::parse("nonsense\n").expect_err("bad header");
    assert_eq!(e.line, 1);
    let e = Model::parse("entente-model 1\ncat no_such_category rules 0.5 0\n").expect_err("id");
    assert_eq!(e.line, 2);
    assert!(e.message.contains("no_such_category"), "{e}");
    let e = Model::parse("entente-model 1\n12 0.5\n").expect_err("weight first");
    assert!(e.to_string().contains("line 2"), "{e}");
    let e = Model::parse("entente-model 1\ncat license_grant sometimes 0.5 0\n").expect_err("mode");
    assert!(e.message.contains("mode"), "{e}");
    // A graded category needs its second (vouch) threshold.
    let e = Model::parse("entente-model 1\ncat license_grant graded 0.5 0\n").expect_err("vouch");
    assert_eq!(e.line, 2);
    let text = "entente-model 1\ncat license_grant graded 0.60 -7.0000 0.20\n12 0.5000\n";
    let m = Model::parse(text).expect("graded line");
    assert_eq!(m.categories()[0].vouch, 0.2);
    assert!(
        m.to_text()
            .ends_with("cat license_grant graded 0.60 -7.0000 0.20\n12 0.5000\n")
    );
}

#[test]
fn rules_only_model_changes_nothing_the_rules_found() {
    let text = "THIS AGREEMENT is made between Acme Inc. (\"Acme\") and Beta LLC (\"Beta\").\n\n\
                1. Assignment. Neither party may assign this Agreement without the prior written consent of the other party.\n";
    let a = entente_analysis::analyze_text_with(text, &Model::rules_only());
    assert!(a.categories_present().contains(&"anti_assignment"));
}
