//! Playbook checks as use-cases: the tenant's playbook, checking documents and stored agreements,
//! storing reports with their version (on import and each new version), the portfolio's risk.

use crate::{CoreError, Result};
use entente_analysis::{Analysis, Limits};
use entente_domain::agreement::AgreementKind;
use entente_domain::competition::CompetitorContext;
use entente_domain::terms::Terms;
use entente_domain::{AgreementId, ValidationError, ValidationErrors, VersionId};
use entente_playbook::portfolio::{Portfolio, PortfolioItem, RegulatoryFinding};
use entente_playbook::{BlindSpot, Playbook, Report, Severity, Subject};
use entente_store::{Actor, FindingFilter, NewCheck, NewFinding, Store, StoredPlaybook};
use std::collections::{BTreeMap, BTreeSet};

/// The playbook in force for the actor's tenant: the one set through the API, else the
/// built-in cooperation playbook.
pub async fn tenant_playbook(store: &Store, actor: &Actor) -> Result<Playbook> {
    match store.active_playbook(actor).await? {
        Some(p) => Playbook::parse(&p.source, &format!("tenant playbook {}", p.playbook_id))
            .map_err(|e| {
                // It was valid when it was set; only a change of the built-in playbook it
                // extends can break it.
                CoreError::internal(format!("the tenant's playbook no longer loads: {e}"))
            }),
        None => Ok(entente_playbook::default_playbook().clone()),
    }
}

/// Turns playbook problems into validation errors (`playbook` field, line and column in the
/// message) for the API.
pub fn playbook_errors(e: &entente_playbook::PlaybookError) -> ValidationErrors {
    ValidationErrors(
        e.problems
            .iter()
            .map(|p| {
                ValidationError::new(
                    "playbook",
                    if p.line == 0 {
                        p.message.clone()
                    } else {
                        format!("line {}, column {}: {}", p.line, p.column, p.message)
                    },
                )
            })
            .collect(),
    )
}

/// Validates a playbook (which may extend the built-in ones) and makes it the tenant's.
pub async fn set_tenant_playbook(
    store: &Store,
    actor: &Actor,
    source: &str,
) -> Result<(Playbook, StoredPlaybook)> {
    let p = Playbook::parse(source, "playbook.toml").map_err(|e| playbook_errors(&e))?;
    let stored = store.set_playbook(actor, &p.id, &p.version, source).await?;
    Ok((p, stored))
}

/// Checks a document without storing anything; `kind` overrides analysis's guess.
pub fn check_document(
    bytes: &[u8],
    filename: &str,
    limits: &Limits,
    playbook: &Playbook,
    kind: Option<AgreementKind>,
) -> Result<Report> {
    check_document_as(bytes, filename, limits, playbook, kind, &[])
}

/// [`check_document`], with our own entities named (`us`, for rules about us and the
/// counterparty; empty: the playbook's `us`).
pub fn check_document_as(
    bytes: &[u8],
    filename: &str,
    limits: &Limits,
    playbook: &Playbook,
    kind: Option<AgreementKind>,
    us: &[String],
) -> Result<Report> {
    let ingested = entente_analysis::ingest(bytes, filename, limits)?;
    let analysis = entente_analysis::analyze_text(&ingested.text);
    let mut subject = Subject::from_analysis(&analysis);
    if let Some(k) = kind {
        subject.kind = k;
    }
    subject.set_us(us);
    Ok(entente_playbook::check(playbook, &subject))
}

/// A stored agreement's check.
#[derive(Debug, Clone)]
pub struct CheckedVersion {
    /// The report.
    pub report: Report,
    /// The version checked.
    pub version_id: VersionId,
    /// Its number.
    pub version_number: u32,
    /// The stored check's id, when it was saved.
    pub check_id: Option<String>,
}

/// Checks a stored agreement's version (default: the latest holding the agreement's own text,
/// original or restated — an amendment letter's changes reach the check through the terms)
/// against `playbook` (default: the tenant's), using the agreement's kind and the values people
/// entered; saves it when asked.
pub async fn check_agreement(
    store: &Store,
    actor: &Actor,
    id: AgreementId,
    version: Option<VersionId>,
    playbook: Option<&Playbook>,
    save: bool,
) -> Result<CheckedVersion> {
    let agreement = store.get_agreement(actor, id).await?;
    let v = match version {
        Some(vid) => store
            .list_versions(actor, id)
            .await?
            .into_iter()
            .find(|v| v.id == vid)
            .ok_or_else(|| CoreError::NotFound {
                entity: "version",
                id: vid.to_string(),
            })?,
        None => store.text_version(actor, id).await?.ok_or_else(|| {
            ValidationError::new(
                "agreement",
                "the agreement has no document yet; add a version to check it",
            )
        })?,
    };
    let text = store.version_text(actor, v.id).await?;
    let analysis = entente_analysis::analyze_text(&text);
    let tenant;
    let playbook = match playbook {
        Some(p) => p,
        None => {
            tenant = tenant_playbook(store, actor).await?;
            &tenant
        }
    };
    let us = store.own_entities(actor).await?;
    let rivals = store.competitors(actor, id).await?.map(|c| c.context);
    let report = report_for(
        &analysis,
        agreement.kind,
        &agreement.terms,
        playbook,
        &us,
        rivals,
    );
    let check_id = if save {
        Some(record(store, actor, id, v.id, &report).await?)
    } else {
        None
    };
    Ok(CheckedVersion {
        report,
        version_id: v.id,
        version_number: v.number,
        check_id,
    })
}

fn report_for(
    analysis: &Analysis,
    kind: AgreementKind,
    terms: &Terms,
    playbook: &Playbook,
    us: &[String],
    competitors: Option<CompetitorContext>,
) -> Report {
    let mut subject = Subject::from_analysis(analysis);
    subject.kind = kind;
    subject.apply_user_terms(terms);
    // Whether the parties compete is a person's judgement, entered per agreement.
    subject.competitors = competitors;
    // The tenant's own entities are "us" for rules about us and the counterparty.
    subject.set_us(us);
    entente_playbook::check(playbook, &subject)
}

/// Checks a version just stored by import or a new version, with the tenant's playbook, and
/// stores the report with it. The version is already committed: a failure here is logged and
/// reported as `None`, and `entente check ID` (or the check endpoint) can redo it.
pub(crate) async fn check_version(
    store: &Store,
    actor: &Actor,
    id: AgreementId,
    version: VersionId,
    analysis: &Analysis,
    kind: AgreementKind,
    terms: &Terms,
) -> Option<Report> {
    let run = async {
        let playbook = tenant_playbook(store, actor).await?;
        let us = store.own_entities(actor).await?;
        let rivals = store.competitors(actor, id).await?.map(|c| c.context);
        let report = report_for(analysis, kind, terms, &playbook, &us, rivals);
        record(store, actor, id, version, &report).await?;
        Ok::<_, CoreError>(report)
    };
    match run.await {
        Ok(r) => Some(r),
        Err(e) => {
            tracing::warn!(agreement.id = %id, version.id = %version, error.cause = %crate::error_chain(&e), "playbook check after import failed");
            None
        }
    }
}

/// Stores a report as the check of `version`.
pub async fn record(
    store: &Store,
    actor: &Actor,
    id: AgreementId,
    version: VersionId,
    report: &Report,
) -> Result<String> {
    let json = serde_json::to_value(report)
        .map_err(|e| CoreError::internal(format!("cannot serialise a report: {e}")))?;
    let check = NewCheck {
        version_id: version,
        playbook_id: report.playbook.id.clone(),
        playbook_version: report.playbook.version.clone(),
        score: report.score.total,
        worst_severity: report.worst().map(|s| s.as_str().to_owned()),
        flagged: report
            .flagged()
            .iter()
            .map(|b| b.as_str().to_owned())
            .collect(),
        report: json,
        findings: report
            .findings
            .iter()
            .map(|f| NewFinding {
                rule_id: f.rule_id.clone(),
                blind_spot: f.blind_spot.as_str().to_owned(),
                severity: f.severity.as_str().to_owned(),
                severity_rank: f.severity.rank(),
                message: f.message.clone(),
                clause_index: f.clause.as_ref().map(|c| c.index),
                start: f.span.map(|s| s.start),
                end: f.span.map(|s| s.end),
            })
            .collect(),
    };
    Ok(store.record_check(actor, id, &check).await?)
}

/// Checks (and stores) every agreement the actor sees whose text (its latest version that is
/// not an amendment letter) has no check yet, or every agreement when `all`; returns how many
/// were checked.
pub async fn check_portfolio(store: &Store, actor: &Actor, all: bool) -> Result<usize> {
    let playbook = tenant_playbook(store, actor).await?;
    let mut n = 0;
    let mut offset = 0;
    loop {
        let (rows, total) = store
            .list_agreements(
                actor,
                &entente_domain::query::AgreementQuery::default(),
                entente_store::Page { limit: 200, offset },
            )
            .await?;
        for a in &rows {
            let Some(latest) = store.text_version(actor, a.id).await? else {
                continue;
            };
            if !all
                && store
                    .latest_check(actor, a.id, Some(latest.id))
                    .await?
                    .is_some()
            {
                continue;
            }
            check_agreement(store, actor, a.id, Some(latest.id), Some(&playbook), true).await?;
            n += 1;
        }
        offset += 200;
        if u64::from(offset) >= total {
            break;
        }
    }
    Ok(n)
}

/// The portfolio's risk from the latest check of every agreement the actor sees, with the
/// agreements by regulatory flag (worst competition and data-protection finding of the latest
/// check; competitor cooperations from the contexts people entered).
pub async fn portfolio(store: &Store, actor: &Actor) -> Result<Portfolio> {
    let mut worst: BTreeMap<(String, BlindSpot), Severity> = BTreeMap::new();
    for area in BlindSpot::REGULATORY {
        let rows = store
            .list_findings(
                actor,
                &FindingFilter {
                    blind_spot: Some(area.as_str().to_owned()),
                    limit: Some(1000),
                    ..FindingFilter::default()
                },
            )
            .await?;
        for r in rows {
            let Some(sev) = Severity::parse(&r.severity) else {
                continue;
            };
            let w = worst
                .entry((r.agreement_id.to_string(), area))
                .or_insert(sev);
            *w = (*w).max(sev);
        }
    }
    let rivals: BTreeSet<String> = store
        .all_competitors(actor)
        .await?
        .into_iter()
        .filter(|(_, c)| c.competing.competing())
        .map(|(id, _)| id.to_string())
        .collect();
    let items: Vec<PortfolioItem> = store
        .portfolio_checks(actor)
        .await?
        .into_iter()
        .map(|c| {
            let id = c.agreement_id.to_string();
            PortfolioItem {
                regulatory: BlindSpot::REGULATORY
                    .into_iter()
                    .filter_map(|area| {
                        worst
                            .get(&(id.clone(), area))
                            .map(|w| RegulatoryFinding { area, worst: *w })
                    })
                    .collect(),
                competitor_cooperation: rivals.contains(&id),
                agreement_id: id,
                title: c.title,
                kind: c.kind,
                owner: c.owner,
                parties: c.parties,
                score: c.score,
                flagged: c
                    .flagged
                    .iter()
                    .filter_map(|b| BlindSpot::parse(b))
                    .collect(),
                worst: c.worst_severity.as_deref().and_then(Severity::parse),
                findings: c.findings as usize,
            }
        })
        .collect();
    Ok(entente_playbook::portfolio::aggregate(&items))
}
