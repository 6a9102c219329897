//! docs/playbooks.md stays true: every rule kind, parameter and default rule is documented,
//! and every example playbook in it loads.

use entente_playbook::{Playbook, RuleKind, default_playbook};

fn doc() -> String {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/playbooks.md");
    std::fs::read_to_string(p).unwrap()
}

#[test]
fn every_kind_parameter_and_default_rule_is_documented() {
    let d = doc();
    for k in RuleKind::ALL {
        assert!(
            d.contains(&format!("### `{}`", k.as_str())),
            "kind {k} has no section"
        );
        for p in k.params() {
            assert!(
                d.contains(&format!("| `{}` |", p.name)),
                "parameter {} of {k} is not in a table",
                p.name
            );
        }
    }
    for r in &default_playbook().rules {
        assert!(
            d.contains(&format!("`{}`", r.id)),
            "rule {} is not listed",
            r.id
        );
    }
}

#[test]
fn the_example_playbooks_in_the_docs_load() {
    let d = doc();
    let blocks: Vec<&str> = d
        .split("```toml\n")
        .skip(1)
        .filter_map(|b| b.split("```").next())
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let mut loaded = 0;
    for b in &blocks {
        // Quick-start indentation (inside a numbered list) is not part of the file.
        let text: String = b
            .lines()
            .map(|l| l.strip_prefix("   ").unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\n");
        if !text.contains("[playbook]") {
            continue;
        }
        // The first full example is saved as acme.toml, which later ones extend.
        let name = if loaded == 0 {
            "acme.toml"
        } else {
            "example.toml"
        };
        let path = dir.path().join(name);
        std::fs::write(&path, &text).unwrap();
        if let Err(e) = Playbook::load_file(&path) {
            panic!("example {loaded} does not load: {e}\n{text}");
        }
        loaded += 1;
    }
    assert!(loaded >= 3, "only {loaded} example playbooks found");
}
