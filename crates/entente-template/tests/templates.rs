//! The shipped library and templates load, draft with their example variables, and refuse
//! bad variables and bad files with errors that name the variable or the file and line.

use entente_render::{Block, Format};
use entente_template::{Catalogue, ClauseLibrary, DraftError, DraftRequest, Template};

const IDS: [&str; 5] = [
    "technology-integration",
    "co-marketing",
    "joint-development",
    "research-collaboration",
    "consortium",
];

fn example(id: &str) -> DraftRequest {
    let path = format!("{}/examples/{id}.vars.toml", env!("CARGO_MANIFEST_DIR"));
    DraftRequest::from_toml(&path, &std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn invalid(r: Result<entente_template::Draft, DraftError>) -> Vec<(String, String)> {
    match r {
        Err(DraftError::Invalid(e)) => e.into_iter().map(|e| (e.variable, e.message)).collect(),
        Err(other) => panic!("expected invalid variables, got {other}"),
        Ok(_) => panic!("expected invalid variables, got a draft"),
    }
}

#[test]
fn every_template_drafts_from_its_example_with_no_placeholder_left() {
    let cat = Catalogue::builtin().unwrap();
    assert_eq!(cat.templates().len(), 5);
    for id in IDS {
        let t = cat.template(id).unwrap();
        let d = t.draft(&cat.library, &example(id)).unwrap();
        let md = String::from_utf8(entente_render::render(&d.document, Format::Markdown).unwrap())
            .unwrap();
        assert!(!md.contains("{{") && !md.contains("{%"), "{id}: {md}");
        assert!(d.parties.len() >= 2, "{id}");
        assert!(!d.obligations.is_empty(), "{id}");
        assert!(
            d.terms.iter().any(|t| t.field.as_str() == "liability_cap"),
            "{id}"
        );
        // Five pillars each have a section.
        for h in [
            "Scope and objectives",
            "Term and termination",
            "Obligations and performance standards",
            "Intellectual property",
            "Confidentiality",
            "Liability and indemnification",
            "Dispute resolution",
        ] {
            assert!(
                d.document
                    .blocks
                    .iter()
                    .any(|b| matches!(b, Block::Heading { text, .. } if text == h)),
                "{id}: no {h}"
            );
        }
    }
}

#[test]
fn computed_values_use_dates_and_money() {
    let cat = Catalogue::builtin().unwrap();
    let t = cat.template("technology-integration").unwrap();
    let d = t
        .draft(&cat.library, &example("technology-integration"))
        .unwrap();
    // 1 March 2027 + 3 years; notice 90 days before; cap 1 × EUR 240,000.
    assert_eq!(d.values["expiry_date"], "1 March 2030");
    assert_eq!(d.values["notice_deadline"], "1 December 2029");
    assert_eq!(d.values["liability_cap"], "EUR 240,000");
    // The fallback position doubles the cap and is recorded.
    let mut req = example("technology-integration");
    req.positions
        .insert("liability.cap".into(), "two-times".into());
    let d2 = t.draft(&cat.library, &req).unwrap();
    assert_eq!(d2.values["liability_cap"], "EUR 480,000");
    assert!(
        d2.positions
            .iter()
            .any(|p| p.clause == "liability.cap" && p.position == "two-times")
    );
}

#[test]
fn conditional_clauses_follow_the_variables() {
    let cat = Catalogue::builtin().unwrap();
    let text = |id: &str, req: &DraftRequest| {
        let d = cat.template(id).unwrap().draft(&cat.library, req).unwrap();
        entente_render::markdown(&d.document)
    };
    // Different countries: arbitration; the same country: courts.
    let cross = text("technology-integration", &example("technology-integration"));
    assert!(cross.contains("Arbitration") && !cross.contains("exclusive jurisdiction to decide"));
    let domestic = text("co-marketing", &example("co-marketing"));
    assert!(!domestic.contains("**Arbitration.**") && domestic.contains("exclusive jurisdiction"));
    // Data protection only when personal data is shared.
    assert!(!cross.contains("Data protection"));
    let mut req = example("technology-integration");
    req.values
        .insert("shares_personal_data".into(), true.into());
    assert!(text("technology-integration", &req).contains("Data protection"));
}

/// What is wrong, how to break the request, the variable named, words in the message.
type Case = (
    &'static str,
    Box<dyn Fn(&mut DraftRequest)>,
    &'static str,
    &'static str,
);

#[test]
fn invalid_variables_are_each_named() {
    let cat = Catalogue::builtin().unwrap();
    let ti = cat.template("technology-integration").unwrap();
    let cases: Vec<Case> = vec![
        (
            "missing party",
            Box::new(|r| {
                r.values.remove("party_b");
            }),
            "party_b",
            "required",
        ),
        (
            "negative cap base",
            Box::new(|r| {
                r.values.insert(
                    "annual_value".into(),
                    serde_json::json!({"amount": "-1", "currency": "EUR"}),
                );
            }),
            "annual_value",
            "negative",
        ),
        (
            "unknown currency",
            Box::new(|r| {
                r.values.insert(
                    "annual_value".into(),
                    serde_json::json!({"amount": "100", "currency": "XYZ"}),
                );
            }),
            "annual_value",
            "XYZ",
        ),
        (
            "launch before start",
            Box::new(|r| {
                r.values.insert("launch_date".into(), "2026-01-01".into());
            }),
            "launch_date",
            "must be after",
        ),
        (
            "bad date",
            Box::new(|r| {
                r.values
                    .insert("effective_date".into(), "2027-02-31".into());
            }),
            "effective_date",
            "",
        ),
        (
            "unknown variable",
            Box::new(|r| {
                r.values.insert("colour".into(), "blue".into());
            }),
            "colour",
            "not a variable",
        ),
        (
            "unknown position",
            Box::new(|r| {
                r.positions
                    .insert("liability.cap".into(), "ten-times".into());
            }),
            "positions.liability.cap",
            "ten-times",
        ),
    ];
    for (what, change, variable, words) in cases {
        let mut req = example("technology-integration");
        change(&mut req);
        let errs = invalid(ti.draft(&cat.library, &req));
        assert!(
            errs.iter().any(|(v, m)| v == variable && m.contains(words)),
            "{what}: {errs:?}"
        );
    }
    // Research: end before start.
    let mut req = example("research-collaboration");
    req.values.insert("end_date".into(), "2026-06-30".into());
    let errs = invalid(
        cat.template("research-collaboration")
            .unwrap()
            .draft(&cat.library, &req),
    );
    assert!(
        errs.iter()
            .any(|(v, m)| v == "end_date" && m.contains("must be after")),
        "{errs:?}"
    );
    // A consortium of two.
    let mut req = example("consortium");
    let members = req.values["members"].as_array().unwrap()[..2].to_vec();
    req.values.insert("members".into(), members.into());
    let errs = invalid(
        cat.template("consortium")
            .unwrap()
            .draft(&cat.library, &req),
    );
    assert!(
        errs.iter()
            .any(|(v, m)| v == "members" && m.contains("at least 3")),
        "{errs:?}"
    );
}

#[test]
fn bad_library_and_template_files_name_file_line_and_problem() {
    let mut lib = ClauseLibrary::default();
    let e = lib
        .add_file(
            "clauses/x.toml",
            "category = \"confidentiality\"\n\n[[clause]]\nid = \"x\"\ntitle = 3\n",
        )
        .unwrap_err();
    assert_eq!((e.file.as_str(), e.line), ("clauses/x.toml", 5), "{e}");
    let e = lib
        .add_file("clauses/y.toml", "category = \"nonsense\"\n")
        .unwrap_err();
    assert!(e.message.contains("nonsense") && e.line == 1, "{e}");
    let e = lib
        .add_file(
            "clauses/z.toml",
            "category = \"confidentiality\"\n[[clause]]\nid = \"z\"\ntitle = \"Z\"\nversion = \"1\"\nguidance = \"g\"\n[clause.preferred]\nsummary = \"s\"\ntext = \"{% if %}\"\n",
        )
        .unwrap_err();
    assert!(e.message.contains("syntax"), "{e}");
    let lib = ClauseLibrary::builtin().unwrap();
    let src = "id = \"t\"\nversion = \"1\"\ntitle = \"T\"\nkind = \"collaboration\"\ndescription = \"d\"\npreamble = \"p\"\nsignatures = []\n\n[[section]]\nheading = \"H\"\nclauses = [\"no.such.clause\"]\n";
    let e = Template::parse("templates/t.toml", src, &lib).unwrap_err();
    assert!(e.message.contains("no.such.clause") && e.line == 9, "{e}");
}

#[test]
fn runaway_template_text_stops_on_fuel() {
    let mut lib = ClauseLibrary::builtin().unwrap();
    lib.add_file(
        "clauses/loop.toml",
        "category = \"confidentiality\"\n[[clause]]\nid = \"loop\"\ntitle = \"L\"\nversion = \"1\"\nguidance = \"g\"\n[clause.preferred]\nsummary = \"s\"\ntext = \"{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}\"\n",
    )
    .unwrap();
    let src = "id = \"t\"\nversion = \"1\"\ntitle = \"T\"\nkind = \"collaboration\"\ndescription = \"d\"\npreamble = \"p\"\nsignatures = []\n\n[[section]]\nheading = \"H\"\nclauses = [\"loop\"]\n";
    let t = Template::parse("t.toml", src, &lib).unwrap();
    let e = t.draft(&lib, &DraftRequest::default()).unwrap_err();
    assert!(e.to_string().contains("fuel"), "{e}");
}
