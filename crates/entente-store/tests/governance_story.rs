//! Lifecycle and governance in the store, on SQLite and (with ENTENTE_TEST_POSTGRES)
//! PostgreSQL: gates on moves, approval rounds, signatures and immutable signed versions,
//! amendments with the consolidated view, termination duties, reviews, disputes, and tamper
//! detection on the audit rows these write.

use entente_domain::access::Role;
use entente_domain::agreement::AgreementDraft;
use entente_domain::amendment::{AmendmentDraft, Origin};
use entente_domain::approval::{ApprovalPolicy, ApprovalRule, ChainState, Decision, StepStatus};
use entente_domain::dispute::{DisputeStatus, Tier};
use entente_domain::document::{MediaType, sha256_hex};
use entente_domain::lifecycle::{NoticeInput, ReviewOutcome, SignatureDraft, TerminationKind, Via};
use entente_domain::party::AgreementPartyDraft;
use entente_domain::terms::{TermField, TermValue, Terms};
use entente_domain::{AgreementStatus, Date, Money, Period, Timestamp};
use entente_store::testing::TestDb;
use entente_store::*;
use std::collections::BTreeMap;

fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

/// The stories run from this instant on (each store's clock starts there), so every "today"
/// below is the same whatever day the tests run.
const START: &str = "2026-03-02T09:00:00Z";

fn today() -> Date {
    d("2026-03-02")
}

fn new_agreement(value: &str) -> entente_domain::agreement::NewAgreement {
    let mut t = Terms::default();
    let at = Timestamp::parse("2025-01-01T00:00:00Z").unwrap();
    for (f, v) in [
        (TermField::EffectiveDate, TermValue::Date(d("2025-06-01"))),
        (
            TermField::InitialTerm,
            TermValue::Period(Period::years(2).unwrap()),
        ),
        (TermField::AutoRenewal, TermValue::Bool(true)),
        (
            TermField::RenewalTerm,
            TermValue::Period(Period::years(1).unwrap()),
        ),
        (
            TermField::NoticePeriodNonRenewal,
            TermValue::Period(Period::days(90).unwrap()),
        ),
        (
            TermField::TerminationForConvenienceNotice,
            TermValue::Period(Period::days(30).unwrap()),
        ),
        (
            TermField::ConfidentialitySurvival,
            TermValue::Period(Period::years(3).unwrap()),
        ),
        (
            TermField::ContractValue,
            TermValue::Money(Money::parse(value, "EUR").unwrap()),
        ),
    ] {
        t.set_user(f, v, "legal@example.com", at, None);
    }
    let party = |n: &str, s: &str| AgreementPartyDraft {
        legal_name: Some(n.into()),
        short_name: Some(s.into()),
        role: "partner".into(),
        ..Default::default()
    };
    AgreementDraft {
        title: "Northwind–Globex Joint Development".into(),
        kind: Some("joint_development".into()),
        status: None,
        owner: None,
        tags: vec![],
        parties: vec![
            party("Northwind Systems, Inc.", "Northwind"),
            party("Globex GmbH", "Globex"),
        ],
    }
    .validate(t)
    .unwrap()
}

fn text_version(name: &str, text: &str) -> NewVersion {
    NewVersion {
        filename: name.into(),
        media_type: MediaType::Text,
        bytes: text.as_bytes().to_vec(),
        text: text.into(),
    }
}

fn sign(party: &str, sha: &str, on: &str) -> entente_domain::lifecycle::NewSignature {
    SignatureDraft {
        party: party.into(),
        signatory_name: format!("Signatory of {party}"),
        signatory_title: "CEO".into(),
        signed_on: Some(on.into()),
        sha256: sha.into(),
    }
    .validate(today())
    .unwrap()
}

const V1: &str = "1. Term. Two years from the Effective Date, renewing for one year unless either party gives ninety (90) days' notice.\n\n2. Confidentiality survives three years.";
const V2: &str = "1. Term. Two years from the Effective Date, renewing for one year unless either party gives sixty (60) days' notice.\n\n2. Confidentiality survives three years.";

async fn an_agreement_goes_from_draft_to_closed_through_its_gates() {
    for db in TestDb::all().await.unwrap() {
        let s = &db.store;
        s.clock().set(Timestamp::parse(START).unwrap());
        let label = format!("{:?}", db.backend());
        let org = s.ensure_organisation("gov", "Gov").await.unwrap();
        let me = Actor::new(org, "legal@example.com");
        let id = s
            .create_agreement(&me, &new_agreement("250000"))
            .await
            .unwrap();
        s.add_version(
            &me,
            id,
            &text_version("v1.txt", V1),
            &VersionAnalysis::default(),
        )
        .await
        .unwrap();

        // Approval: legal then finance (value 250,000 EUR ≥ 100,000).
        let chain = s.submit_for_approval(&me, id, None).await.unwrap();
        assert_eq!(
            chain
                .steps
                .iter()
                .map(|x| x.name.as_str())
                .collect::<Vec<_>>(),
            ["legal", "finance"],
            "{label}"
        );
        let e = s
            .move_agreement(&me, id, AgreementStatus::Approved, None, today())
            .await
            .unwrap_err();
        assert!(e.to_string().contains("pending steps"), "{label}: {e}");
        // Wrong role, then a rejection that returns the draft to review.
        let e = s
            .decide_approval(&me, Role::Procurement, id, "legal", Decision::Approve, None)
            .await
            .unwrap_err();
        assert!(e.to_string().contains("decided by the legal role"), "{e}");
        let (c, st) = s
            .decide_approval(
                &me,
                Role::Legal,
                id,
                "legal",
                Decision::Reject,
                Some("cap missing"),
            )
            .await
            .unwrap();
        assert_eq!(
            (c.state, st),
            (ChainState::Rejected, AgreementStatus::InReview)
        );
        // A policy change now does not rewrite the rejected round; the next round uses it.
        s.set_approval_policy(
            &me,
            &ApprovalPolicy {
                rules: vec![ApprovalRule {
                    name: "legal".into(),
                    role: Role::Legal,
                    stage: 1,
                    kinds: vec![],
                    min_value: None,
                }],
            },
        )
        .await
        .unwrap();
        let c = s
            .submit_for_approval(&me, id, Some("cap added"))
            .await
            .unwrap();
        assert_eq!((c.round, c.steps.len()), (2, 1));
        let rounds = s.approval_rounds(&me, id).await.unwrap();
        assert_eq!(
            rounds[0].steps[1].status,
            StepStatus::Cancelled,
            "round 1 kept as it was"
        );
        let (c, st) = s
            .decide_approval(&me, Role::Legal, id, "legal", Decision::Approve, Some("ok"))
            .await
            .unwrap();
        assert_eq!(
            (c.state, st),
            (ChainState::Approved, AgreementStatus::Approved)
        );

        // Signatures against the exact version.
        s.move_agreement(
            &me,
            id,
            AgreementStatus::OutForSignature,
            Some("sent"),
            today(),
        )
        .await
        .unwrap();
        let sha = sha256_hex(V1.as_bytes());
        let e = s
            .sign_agreement(&me, id, &sign("Globex", &"0".repeat(64), "2026-03-02"))
            .await
            .unwrap_err();
        assert!(
            e.to_string()
                .contains("does not match version 1, the approved version"),
            "{e}"
        );
        let (_, st) = s
            .sign_agreement(&me, id, &sign("Globex", &sha, "2026-03-02"))
            .await
            .unwrap();
        assert_eq!(st, AgreementStatus::OutForSignature);
        let e = s
            .move_agreement(&me, id, AgreementStatus::Active, None, today())
            .await
            .unwrap_err();
        assert!(
            e.to_string().contains("missing: Northwind Systems, Inc."),
            "{e}"
        );
        assert!(
            s.sign_agreement(&me, id, &sign("globex gmbh", &sha, "2026-03-02"))
                .await
                .is_err(),
            "a party signs a version once"
        );
        let (sig, st) = s
            .sign_agreement(&me, id, &sign("Northwind", &sha, "2026-03-02"))
            .await
            .unwrap();
        assert_eq!((st, sig.version_number), (AgreementStatus::Active, 1));

        // The signed version cannot be changed, whatever SQL tries.
        let tampered =
            sqlx::query("update document_version set body = 'changed' where agreement_id = $1")
                .bind(id.to_string())
                .execute(s.pool())
                .await;
        assert!(tampered.is_err(), "{label}: signed versions are immutable");
        assert!(
            s.reviews(&me, id).await.unwrap().len() == 1,
            "a review is scheduled"
        );

        // Amendment: notice 90 → 60 days from 2026-01-01.
        let am = AmendmentDraft {
            effective_date: "2026-01-01".into(),
            summary: "shorter non-renewal notice".into(),
            changes: BTreeMap::from([(
                "notice_period_non_renewal".into(),
                serde_json::json!("P60D"),
            )]),
            kind: None,
        }
        .validate()
        .unwrap();
        let a = s
            .record_amendment(
                &me,
                id,
                &text_version("v2.txt", V2),
                &VersionAnalysis::default(),
                &am,
            )
            .await
            .unwrap();
        assert_eq!((a.number, a.version_number), (1, 2));
        let before = s.consolidated(&me, id, d("2025-12-31")).await.unwrap();
        let after = s.consolidated(&me, id, d("2026-01-01")).await.unwrap();
        assert_eq!(
            before.notice_deadline.as_ref().unwrap().date,
            d("2027-03-03"),
            "{label}"
        );
        assert_eq!(
            after.notice_deadline.as_ref().unwrap().date,
            d("2027-04-02"),
            "{label}"
        );
        let notice = after
            .consolidated
            .values
            .iter()
            .find(|v| v.field == TermField::NoticePeriodNonRenewal)
            .unwrap();
        assert!(matches!(
            notice.origin,
            Origin::Amendment {
                number: 1,
                version_number: 2,
                ..
            }
        ));
        assert_eq!(
            s.get_agreement(&me, id).await.unwrap().status,
            AgreementStatus::Amended
        );

        // Review: no change, next one scheduled 12 months on.
        let reviews = s
            .record_review(
                &me,
                id,
                ReviewOutcome::NoChange,
                Some("fine"),
                today(),
                None,
            )
            .await
            .unwrap();
        assert_eq!(reviews.iter().filter(|r| r.outcome.is_none()).count(), 1);

        // The contract's own duty after the end: return information within 60 days.
        let back = s
            .create_obligation(
                &me,
                id,
                &entente_domain::obligation::NewObligation {
                    obligor: "each".into(),
                    beneficiary: None,
                    text: "return or destroy the other party's confidential information".into(),
                    due: entente_domain::obligation::DueRule::After {
                        period: Period::days(60).unwrap(),
                        event: entente_domain::obligation::Event::Termination,
                    },
                    metric: None,
                    status: None,
                    owner: None,
                    vague: false,
                    survives: true,
                },
            )
            .await
            .unwrap();
        // Termination for convenience, notice given 40 days ago: 30 days' notice has run.
        let given = today().plus_days(-40);
        let t = s
            .give_termination_notice(
                &me,
                id,
                &NoticeInput {
                    kind: TerminationKind::Convenience,
                    given_by: "Globex".into(),
                    given_on: Some(given),
                    clause: Some("14.2".into()),
                    reason: Some("strategy change".into()),
                    effective_on: None,
                }
                .check(today())
                .unwrap(),
                today(),
            )
            .await
            .unwrap();
        assert_eq!(t.plan.effective_date, given.plus_days(30));
        assert!(t.obligations.is_empty(), "a notice invents no duties");
        assert_eq!(t.duties.len(), 1, "{:?}", t.duties);
        assert_eq!(t.duties[0].obligation.id, back.id);
        assert_eq!(
            t.duties[0].occurrence.due,
            given.plus_days(30).plus_days(60),
            "dated from the actual end"
        );
        assert_eq!(
            s.get_agreement(&me, id).await.unwrap().status,
            AgreementStatus::WindDown
        );
        let e = s
            .move_agreement(&me, id, AgreementStatus::Closed, None, today())
            .await
            .unwrap_err();
        assert!(
            e.to_string()
                .contains("post-termination obligations are still open"),
            "{e}"
        );
        s.update_obligation(
            &me,
            back.id,
            &ObligationPatch {
                status: Some("done".into()),
                note: Some("certificate received".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(
            s.move_agreement(
                &me,
                id,
                AgreementStatus::Closed,
                Some("wound down"),
                today()
            )
            .await
            .unwrap(),
            AgreementStatus::Closed
        );
        let moves: Vec<(AgreementStatus, Via)> = s
            .transitions(&me, id)
            .await
            .unwrap()
            .iter()
            .map(|t| (t.to, t.via))
            .collect();
        assert_eq!(
            moves,
            [
                (AgreementStatus::InReview, Via::Approval),
                (AgreementStatus::Approved, Via::Approval),
                (AgreementStatus::OutForSignature, Via::Manual),
                (AgreementStatus::Active, Via::Signature),
                (AgreementStatus::Amended, Via::Amendment),
                (AgreementStatus::TerminationNotice, Via::Termination),
                (AgreementStatus::WindDown, Via::Termination),
                (AgreementStatus::Closed, Via::Manual),
            ],
            "{label}"
        );
        assert_eq!(s.verify_audit(org).await.unwrap(), None, "{label}");
        let events = s.list_audit(&me, Some(id)).await.unwrap();
        assert_eq!(
            s.verify_agreement_audit(org, &events).await.unwrap(),
            None,
            "{label}"
        );

        // Tampering with one of these audit rows is detected at that row.
        let seq: i64 = sqlx::query_scalar(
            "select seq from audit_event where organisation_id = $1 and action = 'signature.add' order by seq limit 1",
        )
        .bind(org.to_string())
        .fetch_one(s.pool())
        .await
        .unwrap();
        sqlx::query("update audit_event set details = '{\"party\":\"forged\"}' where organisation_id = $1 and seq = $2")
            .bind(org.to_string())
            .bind(seq)
            .execute(s.pool())
            .await
            .unwrap();
        let broken = s.verify_audit(org).await.unwrap().unwrap();
        assert_eq!(broken.seq, seq as u64, "{label}");
        // The agreement's own events, checked in place, find it at the same row.
        let events = s.list_audit(&me, Some(id)).await.unwrap();
        let broken = s
            .verify_agreement_audit(org, &events)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(broken.seq, seq as u64, "{label}");
    }
}

entente_store::on_each_backend!(an_agreement_goes_from_draft_to_closed_through_its_gates);

/// Rounds stored before rounds recorded their version get, at start-up, the version that was
/// the latest when they started: a text added since cannot be signed under their approval.
async fn rounds_from_before_versions_were_recorded_approve_the_text_of_their_time() {
    for db in TestDb::all().await.unwrap() {
        let s = &db.store;
        let label = format!("{:?}", db.backend());
        s.clock().set(Timestamp::parse(START).unwrap());
        let org = s.ensure_organisation("old", "Old").await.unwrap();
        let me = Actor::new(org, "legal@example.com");
        let id = s
            .create_agreement(&me, &new_agreement("1000"))
            .await
            .unwrap();
        s.add_version(
            &me,
            id,
            &text_version("v1.txt", V1),
            &VersionAnalysis::default(),
        )
        .await
        .unwrap();
        s.clock()
            .set(Timestamp::parse("2026-03-02T10:00:00Z").unwrap());
        s.submit_for_approval(&me, id, None).await.unwrap();
        s.decide_approval(&me, Role::Legal, id, "legal", Decision::Approve, None)
            .await
            .unwrap();
        // As an installation upgraded from before migration 14 has them: no round rows, no
        // versions on the decisions, and a version added after the approval left unnoticed.
        for sql in [
            "delete from approval_round where agreement_id = $1",
            "update approval_step set version_id = null, sha256 = null where agreement_id = $1",
        ] {
            sqlx::query(sql)
                .bind(id.to_string())
                .execute(s.pool())
                .await
                .unwrap();
        }
        s.clock()
            .set(Timestamp::parse("2026-03-02T11:00:00Z").unwrap());
        s.add_version(
            &me,
            id,
            &text_version("v2.txt", V2),
            &VersionAnalysis::default(),
        )
        .await
        .unwrap();
        assert_eq!(
            s.get_agreement(&me, id).await.unwrap().status,
            AgreementStatus::Approved
        );
        s.migrate().await.unwrap();

        let rounds = s.approval_rounds(&me, id).await.unwrap();
        let v1 = rounds[0].version.clone().expect("the round's version");
        assert_eq!(
            (v1.number, v1.sha256.as_str()),
            (1, sha256_hex(V1.as_bytes()).as_str()),
            "{label}"
        );
        assert_eq!(rounds[0].steps[0].version.as_ref(), Some(&v1));
        s.move_agreement(&me, id, AgreementStatus::OutForSignature, None, today())
            .await
            .unwrap();
        let e = s
            .sign_agreement(
                &me,
                id,
                &sign("Globex", &sha256_hex(V2.as_bytes()), "2026-03-01"),
            )
            .await
            .unwrap_err();
        assert!(
            e.to_string()
                .contains("version 1 is the approved version, but version 2 was added since"),
            "{label}: {e}"
        );
    }
}

entente_store::on_each_backend!(
    rounds_from_before_versions_were_recorded_approve_the_text_of_their_time
);

async fn disputes_escalate_when_their_clock_runs_out_and_close_with_an_outcome() {
    for db in TestDb::all().await.unwrap() {
        let s = &db.store;
        s.clock().set(Timestamp::parse(START).unwrap());
        let org = s.ensure_organisation("disp", "Disp").await.unwrap();
        let me = Actor::new(org, "legal@example.com");
        let id = s
            .create_agreement(&me, &new_agreement("1000"))
            .await
            .unwrap();
        let opened = today().plus_days(-45);
        let x = s
            .open_dispute(
                &me,
                id,
                "late milestone",
                vec!["Globex".into()],
                None,
                opened,
                vec![
                    Tier {
                        kind: "negotiation".into(),
                        period: Some(Period::days(30).unwrap()),
                        detail: None,
                        source: "clause 16.1".into(),
                    },
                    Tier {
                        kind: "mediation".into(),
                        period: Some(Period::days(60).unwrap()),
                        detail: None,
                        source: "clause 16.2".into(),
                    },
                    Tier {
                        kind: "arbitration".into(),
                        period: None,
                        detail: None,
                        source: "clause 16.3".into(),
                    },
                ],
            )
            .await
            .unwrap();
        assert_eq!(x.deadline(), Some(opened.plus_days(30)));
        let other = Actor::new(s.ensure_organisation("other", "Other").await.unwrap(), "x");
        assert!(
            s.get_dispute(&other, x.id).await.is_err(),
            "another tenant sees nothing"
        );
        // A rehearsal of a later day writes nothing; the same day for real is refused.
        let later = today().plus_days(40);
        let rehearsed = s.escalate_due_disputes(&me, later, true).await.unwrap();
        assert_eq!(rehearsed.len(), 1);
        assert_eq!(
            s.get_dispute(&me, x.id).await.unwrap().tier,
            0,
            "nothing recorded"
        );
        let e = s
            .escalate_due_disputes(&me, later, false)
            .await
            .unwrap_err();
        assert!(e.to_string().contains("today"), "{e}");
        let e = s
            .escalate_dispute(&me, x.id, later, None)
            .await
            .unwrap_err();
        assert!(e.to_string().contains("after today"), "{e}");
        let due = s.escalate_due_disputes(&me, today(), false).await.unwrap();
        assert_eq!(due.len(), 1);
        assert_eq!(due[0].current().unwrap().kind, "mediation");
        assert_eq!(due[0].tier_started_on, opened.plus_days(31));
        assert!(
            s.escalate_due_disputes(&me, today(), false)
                .await
                .unwrap()
                .is_empty(),
            "mediation's 60 days are running"
        );
        let done = s
            .resolve_dispute(
                &me,
                x.id,
                DisputeStatus::Settled,
                today(),
                Some("credit note".into()),
                Some(Money::parse("5000", "EUR").unwrap()),
            )
            .await
            .unwrap();
        assert_eq!(done.events.len(), 3);
        assert!(s.escalate_dispute(&me, x.id, today(), None).await.is_err());
        assert_eq!(
            s.disputes(&me, id).await.unwrap()[0].status,
            DisputeStatus::Settled
        );
        assert_eq!(s.verify_audit(org).await.unwrap(), None);
    }
}

entente_store::on_each_backend!(
    disputes_escalate_when_their_clock_runs_out_and_close_with_an_outcome
);
