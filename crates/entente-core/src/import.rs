//! Import: a document's bytes become a stored agreement (or a new version of one) through
//! ingest, analysis and one store transaction, so a failure leaves nothing behind.

use crate::Result;
use entente_analysis::{Analysis, Limits};
use entente_domain::agreement::AgreementDraft;
use entente_domain::completeness::{Gap, TEMPLATE_TAG};
use entente_domain::document::MediaType;
use entente_domain::party::AgreementPartyDraft;
use entente_domain::reconcile::ReconcileSummary;
use entente_domain::terms::Terms;
use entente_domain::{AgreementId, AgreementStatus, Date, VersionId};
use entente_store::{Actor, NewVersion, Store, VersionAnalysis};
use serde::{Deserialize, Serialize};

/// What the person importing says about the agreement; anything given wins over analysis.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ImportOptions {
    /// Title (default: the document's title, else the file name).
    pub title: Option<String>,
    /// Kind (default: analysis's guess).
    pub kind: Option<String>,
    /// Status (default: active, as imported agreements are usually signed).
    pub status: Option<String>,
    /// Owner e-mail.
    pub owner: Option<String>,
    /// Tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Parties (default: those analysis found). Fewer than two are accepted: the agreement
    /// is stored with the missing parties flagged as a gap to complete.
    #[serde(default)]
    pub parties: Vec<AgreementPartyDraft>,
    /// A template to draft from rather than an agreement: stored as a draft tagged
    /// `template`, its placeholders expected.
    #[serde(default)]
    pub template: bool,
    /// The day tracking begins, today at the latest: occurrences due earlier are history,
    /// neither overdue nor alerted. Default: the import date (today in the tenant's time zone)
    /// for an executed agreement (in force, winding down or closed); none — every occurrence
    /// from the effective date on — for one not yet signed.
    #[serde(default)]
    pub track_from: Option<Date>,
}

/// What an import stored.
#[derive(Debug, Clone, Serialize)]
pub struct Imported {
    /// The agreement.
    pub agreement_id: AgreementId,
    /// The version.
    pub version_id: VersionId,
    /// Its title.
    pub title: String,
    /// Clauses segmented.
    pub clauses: usize,
    /// Term values extracted.
    pub terms: usize,
    /// Obligations extracted.
    pub obligations: usize,
    /// Risk score (0–100) from the playbook check stored with the version; `None` when the
    /// check could not run (the import itself succeeded).
    pub risk_score: Option<u32>,
    /// Findings of that check.
    pub findings: Option<usize>,
    /// The day tracking began (occurrences due earlier are history); `None` when every
    /// occurrence is tracked.
    pub tracked_from: Option<Date>,
    /// What is missing or uncertain, to complete (parties, effective date, placeholders).
    pub gaps: Vec<Gap>,
}

/// The store-shaped result of analysing a document.
pub(crate) fn to_version(
    analysis: &Analysis,
    media_type: MediaType,
    bytes: &[u8],
    filename: &str,
) -> (NewVersion, VersionAnalysis) {
    let record = analysis.record();
    let version = NewVersion {
        filename: filename.to_owned(),
        media_type,
        bytes: bytes.to_vec(),
        text: analysis.text().to_owned(),
    };
    let va = VersionAnalysis {
        clauses: record.clauses,
        terms: record
            .terms
            .into_iter()
            .map(|t| (t.field, t.value, evidence(&t.evidence)))
            .collect(),
        obligations: record
            .obligations
            .into_iter()
            .map(|(o, e)| (o, evidence(&e)))
            .collect(),
    };
    (version, va)
}

fn evidence(e: &entente_analysis::Evidence) -> entente_domain::terms::Evidence {
    entente_domain::terms::Evidence {
        clause: e.clause,
        start: e.start,
        end: e.end,
        confidence: e.confidence,
    }
}

/// Reads and analyses a document, keeping the detected format.
pub(crate) fn analyse(
    bytes: &[u8],
    filename: &str,
    limits: &Limits,
) -> Result<(Analysis, MediaType)> {
    let ingested = entente_analysis::ingest(bytes, filename, limits)?;
    Ok((
        entente_analysis::analyze_text(&ingested.text),
        ingested.media_type,
    ))
}

/// Imports one document as a new agreement.
pub async fn import_document(
    store: &Store,
    actor: &Actor,
    bytes: &[u8],
    filename: &str,
    opts: ImportOptions,
    limits: &Limits,
) -> Result<Imported> {
    // The tracking start is checked before any work, so a bad one stores nothing.
    let today = import_today(store, actor).await?;
    if let Some(t) = opts.track_from {
        entente_domain::agreement::check_tracked_from("track_from", t, today)?;
    }
    let (analysis, media_type) = analyse(bytes, filename, limits)?;
    let record = analysis.record();
    let title = opts
        .title
        .clone()
        .or(record.title.clone())
        .unwrap_or_else(|| {
            filename
                .rsplit(['/', '\\'])
                .next()
                .unwrap_or(filename)
                .to_owned()
        });
    let parties = if opts.parties.is_empty() {
        record.parties.clone()
    } else {
        opts.parties.clone()
    };
    let draft = AgreementDraft {
        title,
        kind: opts
            .kind
            .clone()
            .or_else(|| Some(record.kind.as_str().to_owned())),
        status: opts
            .status
            .clone()
            .or_else(|| Some(if opts.template { "draft" } else { "active" }.to_owned())),
        owner: opts.owner.clone(),
        tags: tags(&opts),
        parties,
    };
    // Never refused for what a person can complete: missing parties become a gap.
    let mut new = draft.validate_incomplete(Terms::default())?;
    new.tracked_from = opts
        .track_from
        .or_else(|| executed(new.status).then_some(today));
    let (version, va) = to_version(&analysis, media_type, bytes, filename);
    let (agreement_id, version_id) = store.import_agreement(actor, &new, &version, &va).await?;
    // Checked against the tenant's playbook and stored with the version.
    let report = crate::check::check_version(
        store,
        actor,
        agreement_id,
        version_id,
        &analysis,
        new.kind,
        &new.terms,
    )
    .await;
    Ok(Imported {
        agreement_id,
        version_id,
        title: new.title.as_str().to_owned(),
        clauses: va.clauses.len(),
        terms: va.terms.len(),
        obligations: va.obligations.len(),
        risk_score: report.as_ref().map(|r| r.score.total),
        findings: report.as_ref().map(|r| r.findings.len()),
        tracked_from: new.tracked_from,
        gaps: crate::completeness::agreement_gaps(store, actor, agreement_id).await?,
    })
}

/// The tags to store: those given, plus `template` for a template.
fn tags(opts: &ImportOptions) -> Vec<String> {
    let mut tags = opts.tags.clone();
    if opts.template && !tags.iter().any(|t| t == TEMPLATE_TAG) {
        tags.push(TEMPLATE_TAG.to_owned());
    }
    tags
}

/// The import date: today in the tenant's time zone.
pub async fn import_today(store: &Store, actor: &Actor) -> Result<Date> {
    Ok(store.today(actor).await?)
}

/// An agreement that was signed: its duties have been running, so an import tracks it from
/// the import date. One not yet signed tracks from its start once it comes into force.
fn executed(status: AgreementStatus) -> bool {
    status.executed()
}

/// Adds a document as a new version of an existing agreement, reconciled with what is tracked
/// (returned: what changed). Before signature the new version reopens approval: the store supersedes the round of the previous text in the same transaction.
pub async fn add_version_document(
    store: &Store,
    actor: &Actor,
    agreement: AgreementId,
    bytes: &[u8],
    filename: &str,
    limits: &Limits,
) -> Result<(VersionId, ReconcileSummary)> {
    let (analysis, media_type) = analyse(bytes, filename, limits)?;
    let (version, va) = to_version(&analysis, media_type, bytes, filename);
    let (vid, summary) = store.add_version(actor, agreement, &version, &va).await?;
    // Every new version is checked too, with the agreement's kind and the values people entered.
    let a = store.get_agreement(actor, agreement).await?;
    crate::check::check_version(store, actor, agreement, vid, &analysis, a.kind, &a.terms).await;
    Ok((vid, summary))
}
