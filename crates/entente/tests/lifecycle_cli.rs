//! The lifecycle commands end to end: import a draft, approve (with a rejection),
//! sign against the file's SHA-256, amend, see the consolidated view move the notice deadline,
//! diff in colour and as DOCX, terminate, open a dispute, export the audit trail — and
//! `entente audit verify` failing once one audit row is altered in the database.

use std::path::Path;
use std::process::{Command, Output};

fn entente(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_entente"))
        .arg("--data")
        .arg(data)
        .args(args)
        .env_remove("DATABASE_URL")
        .env("NO_COLOR", "1")
        .output()
        .expect("run entente")
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_str(&ok(out)).expect("JSON output")
}

const V1: &str = "COLLABORATION AGREEMENT\n\nThis Collaboration Agreement is entered into as of June 1, 2025 (the \"Effective Date\") by and between Northwind Systems, Inc., a Delaware corporation (\"Northwind\"), and Globex GmbH, a German company (\"Globex\").\n\n1. Term. This Agreement commences on the Effective Date and continues for two (2) years. It renews automatically for successive one (1) year terms unless either party gives written notice of non-renewal at least ninety (90) days before the end of the then-current term.\n\n2. Governing Law. This Agreement is governed by the laws of the State of New York.\n";

/// Today for the CLI's tenant (time zone UTC, the default): the binary runs on the system
/// clock, so the test reads the same clock.
fn today() -> entente_domain::Date {
    entente_domain::Clock::system().today_in("UTC")
}

#[test]
fn the_lifecycle_commands_take_an_agreement_from_draft_to_wind_down() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let v1 = data.join("v1.txt");
    std::fs::write(&v1, V1).unwrap();
    let v2 = data.join("v2.txt");
    std::fs::write(&v2, V1.replace("ninety (90)", "sixty (60)")).unwrap();
    let imported = ok(&entente(
        data,
        &[
            "import",
            v1.to_str().unwrap(),
            "--status",
            "draft",
            "--json",
        ],
    ));
    let id = serde_json::from_str::<serde_json::Value>(imported.lines().next().unwrap()).unwrap()["agreement_id"]
        .as_str()
        .unwrap()
        .to_owned();

    // Approval with a rejection first. The round names the version it approves; the text
    // states no contract value, so the value-based steps apply and the output says why.
    let chain = ok(&entente(data, &["approve", &id, "--submit"]));
    assert!(chain.contains("legal"), "{chain}");
    let sha = entente_domain::document::sha256_hex(V1.as_bytes());
    assert!(
        chain.contains(&format!("round 1 — open — version 1 (sha256 {sha})")),
        "{chain}"
    );
    assert!(
        chain.contains(
            "note: contract value unknown: finance approval required by the rule 'EUR 100,000 or more'"
        ),
        "{chain}"
    );
    let refused = entente(data, &["approve", &id, "--step", "legal", "--reject"]);
    assert_eq!(
        refused.status.code(),
        Some(2),
        "a rejection needs a comment"
    );
    ok(&entente(
        data,
        &[
            "approve",
            &id,
            "--step",
            "legal",
            "--reject",
            "--comment",
            "add a data-return clause",
        ],
    ));
    ok(&entente(
        data,
        &["approve", &id, "--submit", "--comment", "clause added"],
    ));
    let legal = ok(&entente(
        data,
        &["approve", &id, "--step", "legal", "--comment", "fine"],
    ));
    assert!(
        legal.contains("by ")
            && legal.contains(" on version 1")
            && legal.contains("agreement is in_review"),
        "{legal}"
    );
    ok(&entente(data, &["approve", &id, "--step", "finance"]));
    let approved = ok(&entente(data, &["approve", &id, "--step", "executive"]));
    assert!(approved.contains("agreement is approved"), "{approved}");

    // Illegal moves name the current state and the allowed ones.
    let bad = entente(data, &["transition", &id, "closed"]);
    assert_eq!(bad.status.code(), Some(2));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains("allowed from approved: in_review, out_for_signature, cancelled"),
        "{err}"
    );

    // Signatures against the signed file's SHA-256.
    ok(&entente(
        data,
        &[
            "transition",
            &id,
            "out_for_signature",
            "--reason",
            "sent to Globex",
        ],
    ));
    let wrong = entente(
        data,
        &[
            "sign",
            &id,
            "--party",
            "Globex",
            "--name",
            "Ada",
            "--file",
            v2.to_str().unwrap(),
        ],
    );
    assert_eq!(
        wrong.status.code(),
        Some(2),
        "a different text cannot be signed"
    );
    ok(&entente(
        data,
        &[
            "sign",
            &id,
            "--party",
            "Globex",
            "--name",
            "Ada Byron",
            "--title",
            "CEO",
            "--file",
            v1.to_str().unwrap(),
        ],
    ));
    let active = ok(&entente(
        data,
        &[
            "sign",
            &id,
            "--party",
            "Northwind",
            "--name",
            "Sam Lee",
            "--file",
            v1.to_str().unwrap(),
        ],
    ));
    assert!(active.contains("agreement is active"), "{active}");

    // Amendment: notice 90 → 60 days from 2026-01-01; the deadline moves 30 days later.
    let am = ok(&entente(
        data,
        &[
            "amend",
            &id,
            v2.to_str().unwrap(),
            "--effective",
            "2026-01-01",
            "--summary",
            "shorter notice",
            "--set",
            "notice_period_non_renewal=P60D",
        ],
    ));
    assert!(
        am.contains("amendment 1 (restatement) recorded as version 2"),
        "{am}"
    );
    let before = json(&entente(
        data,
        &["amend", &id, "--as-of", "2025-12-31", "--json"],
    ));
    let after = json(&entente(
        data,
        &["amend", &id, "--as-of", "2026-01-02", "--json"],
    ));
    let deadline = |v: &serde_json::Value| {
        entente_domain::Date::parse(
            v["notice_deadline"]["date"]
                .as_str()
                .expect("a notice deadline"),
        )
        .unwrap()
    };
    let moved = deadline(&before).days_until(deadline(&after));
    assert!(
        (29..=31).contains(&moved),
        "deadline moved by {moved} days: {} → {}",
        deadline(&before),
        deadline(&after)
    );
    let table = ok(&entente(data, &["amend", &id, "--as-of", "2026-01-02"]));
    assert!(
        table.contains("amendment 1 (version 2), effective 2026-01-01"),
        "{table}"
    );

    // Redline in colour, and as a DOCX with tracked changes.
    let coloured = ok(&entente(data, &["diff", &id, "--color", "always"]));
    assert!(
        coloured.contains("\x1b[31;9mninety\x1b[0m") && coloured.contains("\x1b[32;4msixty\x1b[0m"),
        "{coloured}"
    );
    let plain = ok(&entente(data, &["diff", &id]));
    assert!(plain.contains("[-ninety-]{+sixty+}"), "{plain}");
    let docx = data.join("redline.docx");
    ok(&entente(
        data,
        &[
            "diff",
            &id,
            "--from",
            "1",
            "--to",
            "2",
            "--docx",
            docx.to_str().unwrap(),
        ],
    ));
    assert!(std::fs::read(&docx).unwrap().starts_with(b"PK"));

    // Winding down needs an ending.
    let early = entente(data, &["transition", &id, "wind_down"]);
    assert_eq!(early.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&early.stderr).contains("no ending is recorded"),
        "{}",
        String::from_utf8_lossy(&early.stderr)
    );
    // A notice given and withdrawn (the reason is required) leaves the agreement as it was.
    let t = ok(&entente(
        data,
        &[
            "terminate",
            &id,
            "--kind",
            "non_renewal",
            "--by",
            "Northwind",
        ],
    ));
    assert!(t.contains("agreement is termination_notice"), "{t}");
    let no_reason = entente(data, &["terminate", &id, "--withdraw"]);
    assert_eq!(no_reason.status.code(), Some(2));
    let w = ok(&entente(
        data,
        &[
            "terminate",
            &id,
            "--withdraw",
            "--reason",
            "Northwind renews after all",
        ],
    ));
    assert!(
        w.contains("withdrawn by") && w.contains("Northwind renews after all"),
        "{w}"
    );
    assert!(
        w.contains("agreement is active") || w.contains("agreement is amended"),
        "back to the status before the notice: {w}"
    );

    // Mutual termination that took effect ten days ago: the agreement winds down at once.
    let on = today().plus_days(-20).to_string();
    let eff = today().plus_days(-10).to_string();
    let t = ok(&entente(
        data,
        &[
            "terminate",
            &id,
            "--kind",
            "mutual",
            "--by",
            "Globex",
            "--on",
            &on,
            "--effective",
            &eff,
            "--clause",
            "9",
        ],
    ));
    assert!(
        t.contains("none stated") && t.contains("agreement is wind_down"),
        "{t}"
    );

    // A dispute on default tiers (the text states none), and a review.
    let d = json(&entente(
        data,
        &[
            "dispute",
            "open",
            &id,
            "--subject",
            "unpaid invoice",
            "--party",
            "Globex",
            "--amount",
            "12000 EUR",
            "--json",
        ],
    ));
    assert_eq!(d[0]["tiers"][0]["kind"], "negotiation");
    let did = d[0]["id"].as_str().unwrap();
    // Without a dispute clause the courts decide after negotiation.
    assert_eq!(d[0]["tiers"][1]["kind"], "courts");
    // A later day is only rehearsed: refused as a real tick, shown (and not recorded) as a
    // dry run, which says what would escalate.
    let refused = entente(data, &["dispute", "tick", "--today", "2999-01-01"]);
    assert_eq!(refused.status.code(), Some(2));
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(err.contains("--today: 2999-01-01 is after today"), "{err}");
    let rehearsal = ok(&entente(
        data,
        &["dispute", "tick", "--today", "2999-01-01", "--dry-run"],
    ));
    assert!(
        rehearsal.contains(&format!("would escalate dispute {did}"))
            && rehearsal.contains("negotiation → courts")
            && rehearsal.contains("nothing was recorded"),
        "{rehearsal}"
    );
    let shown = ok(&entente(data, &["dispute", "show", did]));
    assert!(!shown.contains("escalate by"), "{shown}");
    let e = ok(&entente(
        data,
        &["dispute", "escalate", did, "--note", "no reply"],
    ));
    assert!(e.contains("→ 2. courts"), "{e}");

    // History, export, and tamper detection.
    let history = ok(&entente(data, &["transition", &id]));
    assert!(
        history.contains("approved → out_for_signature") && history.contains("sent to Globex"),
        "{history}"
    );
    let csv = ok(&entente(data, &["audit", "export", &id, "--format", "csv"]));
    assert!(
        csv.starts_with("seq,at,actor,action")
            && csv.contains("signature.add")
            && csv.contains("amendment.add")
    );
    let verify = entente(data, &["audit", "verify"]);
    assert!(ok(&verify).contains("intact"));

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let seq: i64 = rt.block_on(async {
        sqlx::any::install_default_drivers();
        let url = format!("sqlite://{}?mode=rw", data.join("entente.db").display());
        let pool = sqlx::AnyPool::connect(&url).await.unwrap();
        let seq: i64 =
            sqlx::query_scalar("select min(seq) from audit_event where action = 'signature.add'")
                .fetch_one(&pool)
                .await
                .unwrap();
        sqlx::query(
            "update audit_event set details = '{\"signatory\":\"someone else\"}' where seq = $1",
        )
        .bind(seq)
        .execute(&pool)
        .await
        .unwrap();
        pool.close().await;
        seq
    });
    let verify = entente(data, &["audit", "verify"]);
    assert_eq!(
        verify.status.code(),
        Some(1),
        "a broken chain fails the check"
    );
    let text = String::from_utf8_lossy(&verify.stdout);
    assert!(text.contains(&format!("BROKEN at event {seq}")), "{text}");
}
