//! Loading playbooks: a playbook that extends another (built-in and on disk), per-kind
//! overrides, and invalid files whose errors name the line and the problem.

use entente_domain::agreement::AgreementKind;
use entente_playbook::{BlindSpot, Param, Playbook, PlaybookError, RuleKind, Severity};
use std::path::Path;

const HEADER: &str = "[playbook]\nid = \"acme\"\nname = \"Acme\"\nversion = \"1\"\n";

fn problems(e: &PlaybookError) -> Vec<(usize, String)> {
    e.problems
        .iter()
        .map(|p| (p.line, p.message.clone()))
        .collect()
}

/// Parses `text` (expected invalid) and returns the single problem's line and message.
fn one_problem(text: &str) -> (usize, String) {
    let e = Playbook::parse(text, "test.toml").expect_err("the playbook should be invalid");
    let p = problems(&e);
    assert_eq!(p.len(), 1, "expected one problem, got {p:?}");
    p.into_iter().next().unwrap()
}

#[test]
fn a_playbook_that_extends_the_default_changes_only_what_it_names() {
    let child = format!(
        "{HEADER}extends = \"cooperation\"\n\n\
         [[rule]]\nid = \"risk.mutual-indemnity\"\nseverity = \"high\"\n\n\
         [[rule]]\nid = \"static.term-length\"\nenabled = false\n\n\
         [[rule]]\nid = \"risk.liability-cap\"\nmax_amount = \"EUR 2000000\"\n\n\
         [[rule]]\nid = \"acme.publicity\"\nkind = \"required_clauses\"\nseverity = \"low\"\n\
         title = \"Publicity is agreed\"\nrationale = \"Press releases need both logos approved.\"\n\
         all_of = [\"publicity\"]\n\n\
         [rule.by_kind.co_marketing]\nseverity = \"high\"\n"
    );
    let p = Playbook::parse(&child, "acme.toml").unwrap();
    let base = entente_playbook::default_playbook();
    assert_eq!(p.rules.len(), base.rules.len() + 1);
    // The default playbook itself extends the regulatory screen.
    assert_eq!(p.extends, ["cooperation@2026.1", "regulatory@2026.1"]);
    // Changed severity, everything else inherited.
    let ind = p.rule("risk.mutual-indemnity").unwrap();
    assert_eq!(ind.severity, Severity::High);
    assert_eq!(ind.kind, RuleKind::Indemnity);
    assert_eq!(
        ind.rationale,
        base.rule("risk.mutual-indemnity").unwrap().rationale
    );
    assert_eq!(ind.origin.file, "acme.toml");
    // Disabled rule does not run.
    let term = p.rule("static.term-length").unwrap();
    assert!(term.for_kind(AgreementKind::Collaboration).is_none());
    // A parameter added, the others kept.
    let cap = p
        .rule("risk.liability-cap")
        .unwrap()
        .for_kind(AgreementKind::Collaboration)
        .unwrap();
    assert_eq!(cap.money("max_amount").unwrap().to_string(), "EUR 2000000");
    assert_eq!(cap.flag("require_cap"), Some(true));
    // The new rule, with its per-kind override.
    let pubr = p.rule("acme.publicity").unwrap();
    assert_eq!(pubr.blind_spot, BlindSpot::Other);
    assert_eq!(
        pubr.for_kind(AgreementKind::CoMarketing).unwrap().severity,
        Severity::High
    );
    assert_eq!(
        pubr.for_kind(AgreementKind::Research).unwrap().severity,
        Severity::Low
    );
    // Parents' rules come first, in their order.
    assert_eq!(p.rules[0].id, base.rules[0].id);
    assert_eq!(p.rules.last().unwrap().id, "acme.publicity");
}

#[test]
fn per_kind_overrides_replace_parameters_for_that_kind_only() {
    let p = entente_playbook::default_playbook();
    let ip = p.rule("risk.ip-ownership").unwrap();
    let jd = ip.for_kind(AgreementKind::JointDevelopment).unwrap();
    assert_eq!(jd.words("all_of"), ["joint_ip_ownership", "background_ip"]);
    let other = ip.for_kind(AgreementKind::CoMarketing).unwrap();
    assert!(other.words("all_of").is_empty());
    let term = p.rule("static.term-length").unwrap();
    assert_eq!(
        term.for_kind(AgreementKind::Consortium)
            .unwrap()
            .params
            .get("max"),
        Some(&Param::Period(entente_domain::Period::years(6).unwrap()))
    );
}

#[test]
fn a_chain_of_files_on_disk_resolves_relative_paths_and_scoring() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("base.toml"),
        "[playbook]\nid = \"base\"\nname = \"Base\"\nversion = \"3\"\nextends = \"builtin:cooperation\"\n\n\
         [scoring]\nflag_at = \"medium\"\n[scoring.weights]\nother = 10\n",
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("teams")).unwrap();
    std::fs::write(
        dir.path().join("teams/sales.toml"),
        "[playbook]\nid = \"sales\"\nname = \"Sales\"\nversion = \"2026.2\"\nextends = \"../base.toml\"\n\n\
         [[rule]]\nid = \"exit.convenience-notice\"\nmax = \"90 days\"\n",
    )
    .unwrap();
    let p = Playbook::load_file(&dir.path().join("teams/sales.toml")).unwrap();
    assert_eq!(
        p.extends,
        ["base@3", "cooperation@2026.1", "regulatory@2026.1"]
    );
    assert_eq!(p.scoring.flag_at, Severity::Medium);
    assert_eq!(p.scoring.weights[&BlindSpot::Other], 10);
    assert_eq!(p.scoring.weights[&BlindSpot::MissingExit], 20);
    let notice = p
        .rule("exit.convenience-notice")
        .unwrap()
        .for_kind(AgreementKind::Collaboration)
        .unwrap();
    assert_eq!(notice.period("max").unwrap().human(), "90 days");
    assert_eq!(notice.period("min").unwrap().human(), "30 days");
}

#[test]
fn invalid_playbooks_name_the_line_and_the_problem() {
    let rule = |body: &str| {
        format!(
            "{HEADER}\n[[rule]]\nid = \"x.y\"\nkind = \"liability_cap\"\nseverity = \"high\"\ntitle = \"T\"\nrationale = \"R\"\n{body}"
        )
    };
    // (playbook text, expected line, words the message must contain)
    let cases: Vec<(String, usize, Vec<&str>)> = vec![
        (
            format!("{HEADER}\n[[rule]\nid = \"x\"\n"),
            6,
            vec!["not valid TOML"],
        ),
        (
            format!("{HEADER}\n[[rule]]\nid = \"x.y\"\nkind = \"liabilty_cap\"\n"),
            8,
            vec![
                "unknown rule kind",
                "liabilty_cap",
                "did you mean \"liability_cap\"",
            ],
        ),
        (
            format!(
                "{HEADER}\n[[rule]]\nid = \"x.y\"\nkind = \"required_clauses\"\nseverity = \"high\"\n\
                 title = \"T\"\nrationale = \"R\"\nall_of = [\"governing_law\",\n  \"escalation_clause\"]\n"
            ),
            13,
            vec!["unknown clause category", "escalation_clause"],
        ),
        (
            rule("").replace("severity = \"high\"", "severity = \"severe\""),
            9,
            vec![
                "unknown severity \"severe\"",
                "info, low, medium, high or critical",
            ],
        ),
        (
            rule("max_ammount = \"EUR 5\"\n"),
            12,
            vec!["unknown key `max_ammount`", "did you mean \"max_amount\""],
        ),
        (
            rule("max_amount = \"five euros\"\n"),
            12,
            vec!["max_amount"],
        ),
        (
            rule("require_cap = \"yes\"\n"),
            12,
            vec!["`require_cap` must be true or false"],
        ),
        (
            format!("{HEADER}\n[[rule]]\nid = \"x.y\"\nkind = \"liability_cap\"\n"),
            6,
            vec!["needs `severity`", "`title`", "`rationale`"],
        ),
        (
            format!(
                "{HEADER}\n[[rule]]\nid = \"x.y\"\nkind = \"term_length\"\nseverity = \"low\"\ntitle = \"T\"\nrationale = \"R\"\n"
            ),
            6,
            vec!["needs `max`"],
        ),
        (
            rule("[rule.by_kind.joint_venture]\nseverity = \"low\"\n"),
            12,
            vec!["\"joint_venture\" is not an agreement kind"],
        ),
        (
            format!("{HEADER}extends = \"no-such-playbook\"\n"),
            5,
            vec!["extends \"no-such-playbook\"", "no built-in playbook"],
        ),
        (
            "[playbook]\nid = \"Acme Corp\"\nname = \"A\"\nversion = \"1\"\n".to_owned(),
            2,
            vec!["playbook id \"Acme Corp\""],
        ),
        (
            format!("{HEADER}\n[rules]\n"),
            6,
            vec!["unknown section `rules`", "did you mean \"rule\""],
        ),
        (
            format!("{HEADER}\n[scoring.weights]\nmissing_exits = 10\n"),
            7,
            vec!["unknown blind spot `missing_exits`"],
        ),
        (
            format!(
                "{HEADER}\n[[rule]]\nid = \"x.y\"\nkind = \"notice_period\"\nseverity = \"low\"\ntitle = \"T\"\nrationale = \"R\"\n\
                 of = \"termination_for_convenience\"\nmin = \"6 months\"\nmax = \"30 days\"\n"
            ),
            6,
            vec!["`min` (6 months) is longer than `max` (30 days)"],
        ),
    ];
    for (text, line, words) in cases {
        let (got_line, msg) = one_problem(&text);
        assert_eq!(got_line, line, "wrong line for {msg:?} in:\n{text}");
        for w in words {
            assert!(msg.contains(w), "{msg:?} should mention {w:?}");
        }
    }
}

#[test]
fn a_duplicate_rule_id_names_both_lines() {
    let text = format!(
        "{HEADER}\n[[rule]]\nid = \"a\"\nkind = \"mutual_liability\"\nseverity = \"low\"\ntitle = \"T\"\nrationale = \"R\"\n\n\
         [[rule]]\nid = \"a\"\nkind = \"mutual_liability\"\nseverity = \"low\"\ntitle = \"T\"\nrationale = \"R\"\n"
    );
    let (line, msg) = one_problem(&text);
    assert_eq!(line, 13);
    assert!(
        msg.contains("defined twice") && msg.contains("line 6"),
        "{msg}"
    );
}

#[test]
fn every_problem_of_a_file_is_reported_at_once() {
    let text = format!(
        "{HEADER}\n[[rule]]\nid = \"a\"\nkind = \"liability_cap\"\nseverity = \"hgh\"\ntitle = \"T\"\nrationale = \"R\"\n\n\
         [[rule]]\nid = \"b\"\nkind = \"dispute_tiers\"\nseverity = \"low\"\ntitle = \"T\"\nrationale = \"R\"\ntiers = [\"negotiation\", \"litigation\"]\n"
    );
    let e = Playbook::parse(&text, "two.toml").unwrap_err();
    let lines: Vec<usize> = e.problems.iter().map(|p| p.line).collect();
    assert_eq!(lines, [9, 19], "{e}");
    let shown = e.to_string();
    assert!(
        shown.starts_with("invalid playbook (2 problems)"),
        "{shown}"
    );
    assert!(shown.contains("two.toml:19:"), "{shown}");
}

#[test]
fn cyclic_and_missing_extends_fail_with_the_chain_or_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.toml");
    let b = dir.path().join("b.toml");
    std::fs::write(
        &a,
        "[playbook]\nid = \"a\"\nname = \"A\"\nversion = \"1\"\nextends = \"b.toml\"\n",
    )
    .unwrap();
    std::fs::write(
        &b,
        "[playbook]\nid = \"b\"\nname = \"B\"\nversion = \"1\"\n\nextends = \"a.toml\"\n",
    )
    .unwrap();
    let e = Playbook::load_file(&a).unwrap_err();
    let cycle = e
        .problems
        .iter()
        .find(|p| p.message.contains("cycle"))
        .unwrap_or_else(|| panic!("no cycle reported: {e}"));
    assert!(cycle.file.ends_with("b.toml"), "{cycle}");
    assert_eq!(cycle.line, 6);
    assert!(cycle.message.contains("a.toml → ") && cycle.message.contains("b.toml → "));

    std::fs::write(
        &a,
        "[playbook]\nid = \"a\"\nname = \"A\"\nversion = \"1\"\nextends = \"missing.toml\"\n",
    )
    .unwrap();
    let e = Playbook::load_file(&a).unwrap_err();
    assert_eq!(e.problems.len(), 1, "{e}");
    assert_eq!(e.problems[0].line, 5);
    assert!(e.problems[0].message.contains("cannot read"), "{e}");
    assert!(e.problems[0].message.contains("missing.toml"), "{e}");

    let e = Playbook::load_file(Path::new("/nonexistent/playbook.toml")).unwrap_err();
    assert!(e.to_string().contains("cannot read the playbook"), "{e}");
}

#[test]
fn an_inherited_rule_cannot_change_its_kind() {
    let text = format!(
        "{HEADER}extends = \"cooperation\"\n\n[[rule]]\nid = \"risk.liability-cap\"\nkind = \"exclusions\"\n"
    );
    let (line, msg) = one_problem(&text);
    assert_eq!(line, 7);
    assert!(msg.contains("cannot become `exclusions`"), "{msg}");
}

#[test]
fn a_pattern_inside_a_plain_phrase_is_refused() {
    for phrase in [
        "best (efforts|endeavours)",
        "reasonabl.* efforts",
        "\\\\bpromptly\\\\b",
        "endeavou?rs",
    ] {
        let text = format!(
            "{HEADER}\n[[rule]]\nid = \"weasel\"\nkind = \"weasel_words\"\nseverity = \"low\"\ntitle = \"T\"\nrationale = \"R\"\nwords = [\"promptly\", \"{phrase}\"]\n"
        );
        let (line, msg) = one_problem(&text);
        assert_eq!(line, 12, "{phrase}: {msg}");
        assert!(msg.contains("looks like a pattern"), "{phrase}: {msg}");
        assert!(msg.contains("can never match"), "{msg}");
    }
    // Brackets and a question mark that are ordinary punctuation stay allowed.
    let text = format!(
        "{HEADER}\n[[rule]]\nid = \"weasel\"\nkind = \"weasel_words\"\nseverity = \"low\"\ntitle = \"T\"\nrationale = \"R\"\nwords = [\"sixty (60) days\", \"as appropriate\"]\n"
    );
    Playbook::parse(&text, "test.toml").unwrap();
}

#[test]
fn a_list_left_open_is_reported_where_it_opens() {
    let text = format!(
        "{HEADER}\n[[rule]]\nid = \"weasel\"\nkind = \"weasel_words\"\nseverity = \"low\"\ntitle = \"T\"\nrationale = \"R\"\nwords = [\"promptly\", \"timely\"\n\n[[rule]]\nid = \"other\"\nkind = \"weasel_words\"\nseverity = \"low\"\ntitle = \"T\"\nrationale = \"R\"\n"
    );
    let e = Playbook::parse(&text, "test.toml").unwrap_err();
    assert_eq!(e.problems.len(), 1, "{e}");
    let p = &e.problems[0];
    assert_eq!((p.line, p.column), (12, 9), "{e}");
    assert!(p.message.contains("missing `]`"), "{e}");
    assert!(!p.message.starts_with("not valid TOML"), "{e}");
    // A complete list with a real syntax error keeps the parser's own message and place.
    let text = format!("{HEADER}\n[[rule]]\nid = \"weasel\"\nwords = [\"a\" \"b\"]\n");
    let (line, msg) = one_problem(&text);
    assert_eq!(line, 8);
    assert!(msg.starts_with("not valid TOML"), "{msg}");
}

#[test]
fn a_misspelt_inherited_rule_id_is_named_with_the_nearest_id() {
    let text = format!(
        "{HEADER}extends = \"cooperation\"\n\n[[rule]]\nid = \"risk.liabilty-cap\"\nseverity = \"high\"\n"
    );
    let (line, msg) = one_problem(&text);
    assert_eq!(line, 7);
    assert!(
        msg.contains(
            "no rule `risk.liabilty-cap` in the base playbook `cooperation`; did you mean `risk.liability-cap`?"
        ),
        "{msg}"
    );
    let text = format!(
        "{HEADER}extends = \"cooperation\"\n\n[[rule]]\nid = \"acme.something-else\"\nseverity = \"high\"\n"
    );
    let (_, msg) = one_problem(&text);
    assert!(
        msg.contains("no rule `acme.something-else` in the base playbook `cooperation`"),
        "{msg}"
    );
    assert!(msg.contains("a new rule needs a `kind`"), "{msg}");
}

#[test]
fn a_missing_base_file_is_one_problem_whatever_the_file_overrides() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("acme.toml");
    let mut text = format!("{HEADER}extends = \"base.toml\"\n");
    for id in [
        "risk.liability-cap",
        "static.term-length",
        "risk.unlimited-liability",
        "obligations.weasel-words",
    ] {
        text.push_str(&format!(
            "\n[[rule]]\nid = \"{id}\"\nseverity = \"high\"\nrationale = \"Ours.\"\n"
        ));
    }
    std::fs::write(&a, text).unwrap();
    let e = Playbook::load_file(&a).unwrap_err();
    assert_eq!(e.problems.len(), 1, "{e}");
    assert_eq!(e.problems[0].line, 5);
    assert!(e.problems[0].message.contains("base.toml"), "{e}");
}

#[test]
fn an_override_replaces_what_the_base_said_for_each_kind() {
    let base = Playbook::builtin("cooperation").unwrap().unwrap();
    let term = base.rule("static.term-length").unwrap();
    let consortium = term.for_kind(AgreementKind::Consortium).unwrap();
    assert!(consortium.rationale.contains("six years"));
    assert!(
        term.settings()
            .iter()
            .any(|s| s == "for consortium: max = 6 years"),
        "{:?}",
        term.settings()
    );

    let text = format!(
        "{HEADER}extends = \"cooperation\"\n\n[[rule]]\nid = \"static.term-length\"\nmax = \"3 years\"\n\n\
         [[rule]]\nid = \"risk.liability-cap\"\nrationale = \"Our insurer covers EUR 2m.\"\n"
    );
    let p = Playbook::parse(&text, "test.toml").unwrap();
    let term = p.rule("static.term-length").unwrap();
    for kind in [AgreementKind::Consortium, AgreementKind::Research] {
        let e = term.for_kind(kind).unwrap();
        assert_eq!(
            e.period("max").map(|x| x.human()).as_deref(),
            Some("3 years"),
            "{kind:?}"
        );
        assert!(!e.rationale.contains("six years"), "{}", e.rationale);
    }
    assert_eq!(term.settings(), ["max = 3 years"]);
    // A per-kind value the file restates survives.
    let text = format!(
        "{HEADER}extends = \"cooperation\"\n\n[[rule]]\nid = \"static.term-length\"\nmax = \"3 years\"\n\n\
         [rule.by_kind.consortium]\nmax = \"4 years\"\n"
    );
    let p = Playbook::parse(&text, "test.toml").unwrap();
    let e = p
        .rule("static.term-length")
        .unwrap()
        .for_kind(AgreementKind::Consortium)
        .unwrap();
    assert_eq!(
        e.period("max").map(|x| x.human()).as_deref(),
        Some("4 years")
    );
    for r in &p.rules {
        for o in r.overrides.values() {
            if let Some(text) = &o.rationale {
                assert!(!text.contains("six years"), "{}: {text}", r.id);
            }
        }
    }
}
