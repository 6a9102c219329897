//! Governance use-cases that span analysis and storage: amending an agreement with
//! a document, opening a dispute on the tiers its clause states, redlining two versions (as
//! JSON or a tracked-changes DOCX), and
//! exporting an agreement's audit trail.

use crate::Result;
use crate::import::{analyse, to_version};
use entente_analysis::Limits;
use entente_domain::amendment::{Amendment, AmendmentDraft};
use entente_domain::audit::AuditEvent;
use entente_domain::dispute::{Dispute, DisputeDraft, Tier, default_tiers};
use entente_domain::lifecycle::{NoticeInput, Retirement};
use entente_domain::redline::{Redline, redline};
use entente_domain::terms::{TermField, TermValue};
use entente_domain::{AgreementId, Date, Period, ValidationError};
use entente_store::{Actor, Store, TerminationView, VersionText};
use serde::Serialize;

/// Amends an agreement in force with a document, its effective date and term changes, in one
/// transaction. A letter changes only the terms it states; a restatement's text becomes the
/// agreement's. Unless the draft names the kind, the text decides
/// ([`entente_analysis::Analysis::amendment_kind`]).
pub async fn amend_document(
    store: &Store,
    actor: &Actor,
    agreement: AgreementId,
    bytes: &[u8],
    filename: &str,
    draft: &AmendmentDraft,
    limits: &Limits,
) -> Result<Amendment> {
    let mut new = draft.validate()?;
    let (analysis, media_type) = analyse(bytes, filename, limits)?;
    new.kind.get_or_insert_with(|| analysis.amendment_kind());
    let (version, va) = to_version(&analysis, media_type, bytes, filename);
    Ok(store
        .record_amendment(actor, agreement, &version, &va, &new)
        .await?)
}

/// The escalation tiers stated in a text's dispute-resolution clause, each naming the
/// sub-clause where that tier is stated (mediation in 16.2, arbitration in 16.3); empty when
/// the text states none.
pub fn tiers_from_text(text: &str) -> Vec<Tier> {
    let analysis = entente_analysis::analyze_text(text);
    let json = analysis.to_json();
    let d = &json["dispute_resolution"];
    let Some(list) = d["value"]["tiers"].as_array() else {
        return Vec::new();
    };
    let record = analysis.record();
    let cite = |clause: &serde_json::Value| match clause {
        serde_json::Value::String(s) => Some(format!("clause {s}")),
        serde_json::Value::Number(n) => n
            .as_u64()
            .and_then(|i| record.clauses.get(i as usize))
            .and_then(|c| c.number.clone())
            .map(|n| format!("clause {}", n.trim_end_matches('.'))),
        _ => None,
    };
    let whole = cite(&d["evidence"]["clause"])
        .unwrap_or_else(|| "the dispute-resolution clause".to_owned());
    list.iter()
        .zip(
            d["tier_clauses"]
                .as_array()
                .into_iter()
                .flatten()
                .map(Some)
                .chain(std::iter::repeat(None)),
        )
        .filter_map(|(t, clause)| {
            Some(Tier {
                kind: t["kind"].as_str()?.to_owned(),
                period: t["period"].as_str().and_then(|p| Period::parse(p).ok()),
                detail: t["detail"].as_str().map(str::to_owned),
                // Each tier's clause number as written (e.g. "16.2").
                source: clause
                    .and_then(|c| c.as_str())
                    .map_or_else(|| whole.clone(), |n| format!("clause {n}")),
            })
        })
        .collect()
}

/// Opens a dispute (opened today in the tenant's time zone unless the draft names a day).
/// Without explicit tiers, it follows the tiers of the dispute-resolution clause of the
/// agreement's text (its latest version that is not an amendment letter). When the agreement
/// states none, the ladder is negotiation for 30 days, then the courts of the governing law
/// ([`default_tiers`]): without an arbitration agreement no arbitral tribunal has jurisdiction.
pub async fn open_dispute(
    store: &Store,
    actor: &Actor,
    agreement: AgreementId,
    draft: &DisputeDraft,
) -> Result<Dispute> {
    // Visibility first: another tenant's agreement does not exist, whatever the body says.
    let record = store.get_agreement(actor, agreement).await?;
    let today = store.today(actor).await?;
    let (subject, parties, amount, opened_on) = draft.validate(today)?;
    let tiers = match &draft.tiers {
        Some(t) => t
            .iter()
            .map(|t| Tier {
                source: if t.source.trim().is_empty() {
                    format!("stated by {}", actor.name)
                } else {
                    t.source.clone()
                },
                ..t.clone()
            })
            .collect(),
        None => {
            let stated = match store.text_version(actor, agreement).await? {
                Some(v) => tiers_from_text(&store.version_text(actor, v.id).await?),
                None => Vec::new(),
            };
            if stated.is_empty() {
                let law = match record.terms.get(TermField::GoverningLaw) {
                    Some(TermValue::Text(s)) => Some(s.as_str()),
                    _ => None,
                };
                default_tiers(law)
            } else {
                stated
            }
        }
    };
    Ok(store
        .open_dispute(
            actor, agreement, &subject, parties, amount, opened_on, tiers,
        )
        .await?)
}

/// A redline between two versions of an agreement.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VersionRedline {
    /// The older version.
    pub from: VersionInfo,
    /// The newer version.
    pub to: VersionInfo,
    /// The word-level diff.
    #[serde(flatten)]
    pub redline: Redline,
}

/// Which version a side of a redline is.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VersionInfo {
    /// Version number.
    pub number: u32,
    /// Version id.
    pub version_id: entente_domain::VersionId,
    /// SHA-256 of its original bytes.
    pub sha256: String,
    /// Who added it.
    pub author: String,
    /// When.
    pub created_at: entente_domain::Timestamp,
}

impl From<&VersionText> for VersionInfo {
    fn from(v: &VersionText) -> Self {
        Self {
            number: v.number,
            version_id: v.version_id,
            sha256: v.sha256.clone(),
            author: v.author.clone(),
            created_at: v.created_at,
        }
    }
}

/// Compares two versions by number; by default the latest against the one before it.
pub async fn redline_versions(
    store: &Store,
    actor: &Actor,
    agreement: AgreementId,
    from: Option<u32>,
    to: Option<u32>,
) -> Result<VersionRedline> {
    let newer = store.version_text_by_number(actor, agreement, to).await?;
    let from = match from {
        Some(n) => n,
        None if newer.number > 1 => newer.number - 1,
        None => {
            return Err(ValidationError::new(
                "from",
                "the agreement has one version only; there is nothing to compare",
            )
            .into());
        }
    };
    let older = store
        .version_text_by_number(actor, agreement, Some(from))
        .await?;
    Ok(VersionRedline {
        from: (&older).into(),
        to: (&newer).into(),
        redline: redline(&older.text, &newer.text),
    })
}

/// Records a termination notice given as `draft`, checked as of `today` (the tenant's day):
/// the effective date follows from the notice period, the notice becomes the agreement's
/// ending (its dates and the contract's duties after the end follow from it) and the agreement
/// moves to `termination_notice` (and on to `wind_down` once effective).
pub async fn give_notice(
    store: &Store,
    actor: &Actor,
    agreement: AgreementId,
    draft: &NoticeInput,
    today: Date,
) -> Result<TerminationView> {
    let notice = draft.check(today)?;
    Ok(store
        .give_termination_notice(actor, agreement, &notice, today)
        .await?)
}

/// Withdraws or voids the notice in force with a reason; the agreement returns to the status
/// it had before the notice and its dates are computed as if the notice had not been given.
pub async fn retire_notice(
    store: &Store,
    actor: &Actor,
    agreement: AgreementId,
    how: Retirement,
    reason: &str,
) -> Result<TerminationView> {
    Ok(store
        .retire_termination(actor, agreement, how, reason)
        .await?)
}

/// A redline as a Word document with tracked changes, ready to save or send.
#[derive(Debug)]
pub struct RedlineFile {
    /// A file name naming the two versions, e.g. `redline-v1-v2.docx`.
    pub file_name: String,
    /// The DOCX bytes.
    pub bytes: Vec<u8>,
}

/// The redline `r` of agreement `agreement` as a DOCX whose changes are tracked revisions by
/// the newer version's author, titled with the agreement's title. CLI and API both send this.
pub async fn redline_file(
    store: &Store,
    actor: &Actor,
    agreement: AgreementId,
    r: &VersionRedline,
) -> Result<RedlineFile> {
    let title = store.get_agreement(actor, agreement).await?.title;
    let (from, to) = (r.from.number, r.to.number);
    let bytes = crate::docx::redline_docx(
        &r.redline,
        &format!("{title} — redline v{from} → v{to}"),
        &format!("{title}: redline of version {from} → version {to}"),
        &r.to.author,
        r.to.created_at,
    )
    .map_err(crate::CoreError::internal)?;
    Ok(RedlineFile {
        file_name: format!("redline-v{from}-v{to}.docx"),
        bytes,
    })
}

/// The audit events as CSV (the product's one CSV writer: RFC 4180 quoting, formula cells
/// neutralised), one row per event with its hash-chain fields. A cell that began with `=`,
/// `+`, `-`, `@`, tab or carriage return carries a leading `'`: strip it to re-verify a hash.
pub fn audit_csv(events: &[AuditEvent]) -> String {
    let mut w = entente_domain::csv::CsvWriter::with_header(&[
        "seq",
        "at",
        "actor",
        "action",
        "entity",
        "entity_id",
        "agreement_id",
        "details",
        "prev_hash",
        "hash",
    ]);
    for e in events {
        w.row(&[
            e.seq.to_string(),
            e.at.to_string(),
            e.actor.clone(),
            e.action.clone(),
            e.entity.clone(),
            e.entity_id.clone(),
            e.agreement_id.clone().unwrap_or_default(),
            e.details.clone(),
            e.prev_hash.clone(),
            e.hash.clone(),
        ]);
    }
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiers_and_their_clocks_come_from_the_dispute_clause() {
        let text = "COLLABORATION AGREEMENT\n\n17. Dispute Resolution.\n17.1 The parties shall first attempt to resolve any dispute by good-faith negotiation between senior executives within thirty (30) days.\n17.2 If the dispute is not resolved, the parties shall refer it to mediation, which shall last no longer than forty-five (45) days.\n17.3 Any dispute not resolved by mediation shall be finally settled by arbitration under the ICC Rules.\n";
        let tiers = tiers_from_text(text);
        let kinds: Vec<_> = tiers.iter().map(|t| t.kind.as_str()).collect();
        assert_eq!(kinds, ["negotiation", "mediation", "arbitration"]);
        assert_eq!(tiers[0].period, Some(Period::days(30).unwrap()));
        assert!(tiers[0].source.starts_with("clause"), "{}", tiers[0].source);
        assert!(tiers_from_text("Nothing about disputes here.").is_empty());
    }

    #[test]
    fn csv_fields_are_quoted_and_formula_actors_neutralised() {
        let e = AuditEvent {
            id: entente_domain::AuditEventId::new(),
            seq: 1,
            at: entente_domain::Timestamp::parse("2026-01-01T00:00:00Z").unwrap(),
            actor: "=1+2@example.com".into(),
            action: "term.set".into(),
            entity: "term".into(),
            entity_id: "venue".into(),
            agreement_id: None,
            details: "{\"value\":\"a, \\\"b\\\"\"}".into(),
            prev_hash: "0".into(),
            hash: "1".into(),
        };
        let csv = audit_csv(&[e]);
        let line = csv.lines().nth(1).unwrap();
        assert!(
            line.starts_with("1,2026-01-01T00:00:00")
                && line.contains("Z,'=1+2@example.com,term.set,"),
            "{line}"
        );
        assert!(
            line.contains("\"{\"\"value\"\":\"\"a, \\\"\"b\\\"\"\"\"}\""),
            "{line}"
        );
    }
}
