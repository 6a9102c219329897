//! The demo portfolio: two dozen realistic cooperation agreements whose dates are placed
//! relative to the day they are loaded, so a new user always sees live deadlines.

use crate::import::{analyse, to_version};
use crate::{CoreError, Result};
use entente_analysis::Limits;
use entente_domain::agreement::AgreementDraft;
use entente_domain::obligation::{
    Comparator, DueRule, Event, Frequency, Metric, NewObligation, ObligationStatus,
};
use entente_domain::party::AgreementPartyDraft;
use entente_domain::terms::{TermField, TermValue, Terms};
use entente_domain::{Date, Period, Timestamp, ValidationError};
use entente_store::{Actor, Store, VersionAnalysis};
use serde::Deserialize;
use std::collections::BTreeMap;

/// Days before the load day that the demo portfolio has been tracked in Entente: occurrences
/// due earlier are history, as for a portfolio imported a month ago, so the demo shows a
/// month of late reports (and the one-off duties the manifest marks overdue) rather than
/// years of them.
pub const TRACKED_DAYS: i64 = 30;

/// The manifest, compiled into the binary.
const MANIFEST: &str = include_str!("../demo/manifest.toml");

macro_rules! demo_files {
    ($($name:literal),* $(,)?) => {
        /// The agreement texts, by file name.
        const FILES: &[(&str, &str)] = &[$(($name, include_str!(concat!("../demo/", $name)))),*];
    };
}

demo_files!(
    "01-northwind-globex-integration.md",
    "02-northwind-brightpath-comarketing.md",
    "03-northwind-aldermoor-research.md",
    "04-northwind-kestrel-reseller.md",
    "05-globex-northwind-joint-development.md",
    "06-northwind-ardent-strategic-alliance.md",
    "07-northwind-solberg-data-sharing.md",
    "08-northwind-meridian-letter-of-intent.md",
    "09-gridwise-consortium.md",
    "10-northwind-lumen-cobranding.md",
    "11-northwind-tessera-referral.md",
    "12-lakeshore-cobalt-northwind-research.md",
    "13-northwind-valtera-payments-alliance.md",
    "14-northwind-orbis-integration.md",
    "15-northwind-pinecrest-comarketing.md",
    "16-northsea-mobility-consortium.md",
    "17-northwind-corrib-analytics-integration.md",
    "18-northwind-vireo-joint-development.md",
    "19-globex-northwind-emea-comarketing.md",
    "20-harborview-northwind-research.md",
    "21-kestrel-northwind-logistics-alliance.md",
    "22-oakridge-northwind-workforce-mou.md",
    "23-alpenglow-northwind-integration.md",
    "24-halden-northwind-referral.md",
);

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    /// The home organisation's legal entities and aliases.
    #[serde(default)]
    own_entities: Vec<String>,
    agreement: Vec<DemoAgreement>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoAgreement {
    file: String,
    title: String,
    kind: String,
    status: String,
    owner: String,
    effective_offset_days: i64,
    #[serde(default)]
    tags: Vec<String>,
    party: Vec<DemoParty>,
    #[serde(default)]
    terms: BTreeMap<String, toml::Value>,
    #[serde(default)]
    obligation: Vec<DemoObligation>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoParty {
    name: String,
    short_name: Option<String>,
    role: String,
    jurisdiction: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoObligation {
    obligor: String,
    beneficiary: Option<String>,
    text: String,
    due: DemoDue,
    metric: Option<DemoMetric>,
    status: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoDue {
    after_days: Option<u32>,
    event: Option<String>,
    recurrence: Option<String>,
    date_offset_days: Option<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoMetric {
    comparator: String,
    value: String,
    unit: String,
}

/// What loading the demo did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct DemoReport {
    /// Agreements created.
    pub agreements: usize,
    /// Obligations created.
    pub obligations: usize,
    /// True when the tenant already held agreements and nothing was loaded.
    pub skipped: bool,
}

/// Replaces `{{date:±N}}` with the long form of `today ± N days`.
pub fn render(text: &str, today: Date) -> Result<String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("{{date:") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 7..];
        let end = after.find("}}").ok_or_else(|| {
            CoreError::internal("demo text has an unterminated {{date:…}} placeholder")
        })?;
        let n: i64 = after[..end]
            .trim()
            .trim_start_matches('+')
            .parse()
            .map_err(|_| {
                CoreError::internal(format!(
                    "bad demo placeholder {{{{date:{}}}}}",
                    &after[..end]
                ))
            })?;
        out.push_str(&today.plus_days(n).long_us());
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Loads the demo portfolio into the actor's tenant, unless it already holds agreements. Its
/// dates are relative to the tenant's today on the store's clock (fix the clock, e.g. with
/// `Store::set_today`, for a portfolio as of another day).
pub async fn load(store: &Store, actor: &Actor) -> Result<DemoReport> {
    let today = store.today(actor).await?;
    let at = store.now();
    if store.count_agreements(actor).await? > 0 {
        return Ok(DemoReport {
            skipped: true,
            ..Default::default()
        });
    }
    let manifest: Manifest = toml::from_str(MANIFEST)
        .map_err(|e| CoreError::internal(format!("demo manifest is invalid: {e}")))?;
    let mut report = DemoReport::default();
    // Declared first, so that the portfolio's counterparties are the other companies.
    if !manifest.own_entities.is_empty() {
        store
            .set_own_entities(actor, &manifest.own_entities)
            .await?;
    }
    for a in &manifest.agreement {
        let text = FILES
            .iter()
            .find(|(n, _)| *n == a.file)
            .map(|(_, t)| *t)
            .ok_or_else(|| {
                CoreError::internal(format!("demo file {} is not compiled in", a.file))
            })?;
        let text = render(text, today)?;
        let (analysis, media_type) = analyse(text.as_bytes(), &a.file, &Limits::default())?;
        let (version, extracted) = to_version(&analysis, media_type, text.as_bytes(), &a.file);
        let effective = today.plus_days(a.effective_offset_days);
        let terms = manifest_terms(a, effective, &actor.name, at)?;
        let draft = AgreementDraft {
            title: a.title.clone(),
            kind: Some(a.kind.clone()),
            status: Some(a.status.clone()),
            owner: Some(a.owner.clone()),
            tags: a.tags.clone(),
            parties: a
                .party
                .iter()
                .map(|p| AgreementPartyDraft {
                    party_id: None,
                    legal_name: Some(p.name.clone()),
                    short_name: p.short_name.clone(),
                    role: p.role.clone(),
                    jurisdiction: p.jurisdiction.clone(),
                })
                .collect(),
        };
        let mut new = draft
            .validate(terms)
            .map_err(|e| CoreError::internal(format!("demo {}: {e}", a.file)))?;
        new.tracked_from = Some(today.plus_days(-TRACKED_DAYS));
        // The manifest's obligations are the tracked ones (with owners and statuses); the
        // clauses and extracted terms come from analysis, and the manifest's values win.
        let obligations = a
            .obligation
            .iter()
            .map(|o| {
                Ok((
                    demo_obligation(o, today, &a.owner)?,
                    entente_domain::terms::Evidence {
                        clause: None,
                        start: 0,
                        end: 0,
                        confidence: 1.0,
                    },
                ))
            })
            .collect::<Result<Vec<_>>>()?;
        report.obligations += obligations.len();
        let va = VersionAnalysis {
            clauses: extracted.clauses,
            terms: extracted.terms,
            obligations,
        };
        store.import_agreement(actor, &new, &version, &va).await?;
        report.agreements += 1;
    }
    // Like imports, the demo agreements carry their playbook check.
    crate::check::check_portfolio(store, actor, false).await?;
    Ok(report)
}

fn manifest_terms(a: &DemoAgreement, effective: Date, by: &str, at: Timestamp) -> Result<Terms> {
    let mut t = Terms::default();
    t.set_user(
        TermField::EffectiveDate,
        TermValue::Date(effective),
        by,
        at,
        Some("demo manifest".into()),
    );
    for (k, v) in &a.terms {
        let field = TermField::parse(k)
            .map_err(|e| CoreError::internal(format!("demo {}: {e}", a.file)))?;
        let json = toml_to_json(v);
        let value = field
            .parse_value(&json)
            .map_err(|e| CoreError::internal(format!("demo {}: {e}", a.file)))?;
        t.set_user(field, value, by, at, Some("demo manifest".into()));
    }
    Ok(t)
}

fn toml_to_json(v: &toml::Value) -> serde_json::Value {
    match v {
        toml::Value::String(s) => serde_json::Value::String(s.clone()),
        toml::Value::Integer(i) => serde_json::json!(i),
        toml::Value::Float(f) => serde_json::json!(f),
        toml::Value::Boolean(b) => serde_json::Value::Bool(*b),
        toml::Value::Datetime(d) => serde_json::Value::String(d.to_string()),
        toml::Value::Array(a) => serde_json::Value::Array(a.iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => serde_json::Value::Object(
            t.iter()
                .map(|(k, v)| (k.clone(), toml_to_json(v)))
                .collect(),
        ),
    }
}

fn demo_obligation(o: &DemoObligation, today: Date, owner: &str) -> Result<NewObligation> {
    let bad = |m: String| CoreError::Validation(ValidationError::new("obligation.due", m).into());
    let due = match (
        &o.due.recurrence,
        o.due.after_days,
        &o.due.event,
        o.due.date_offset_days,
    ) {
        (Some(r), offset, _, _) => {
            DueRule::recurring(Frequency::parse(r)?, offset.map(Period::days).transpose()?)
        }
        (None, Some(days), event, _) => DueRule::After {
            period: Period::days(days)?,
            event: match event.as_deref() {
                None | Some("effective") => Event::Effective,
                Some(other) => return Err(bad(format!("unknown event {other:?}"))),
            },
        },
        (None, None, _, Some(n)) => DueRule::On {
            date: today.plus_days(n),
        },
        _ => return Err(bad(format!("obligation {:?} has no due rule", o.text))),
    };
    let metric = o
        .metric
        .as_ref()
        .map(|m| {
            let comparator = match m.comparator.as_str() {
                ">=" => Comparator::AtLeast,
                "<=" => Comparator::AtMost,
                ">" => Comparator::Above,
                "<" => Comparator::Below,
                other => return Err(bad(format!("unknown comparator {other:?}"))),
            };
            let value = m
                .value
                .parse()
                .map_err(|_| bad(format!("metric value {:?} is not a number", m.value)))?;
            Ok(Metric {
                comparator,
                value,
                unit: m.unit.clone(),
            })
        })
        .transpose()?;
    Ok(NewObligation {
        obligor: o.obligor.clone(),
        beneficiary: o.beneficiary.clone(),
        text: o.text.clone(),
        due,
        metric,
        status: o
            .status
            .as_deref()
            .map(ObligationStatus::parse)
            .transpose()?,
        owner: Some(owner.to_owned()),
        vague: false,
        survives: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_render_relative_to_today() {
        let today = Date::parse("2026-11-22").unwrap();
        assert_eq!(
            render("as of {{date:-400}} and {{date:+10}}.", today).unwrap(),
            "as of October 18, 2025 and December 2, 2026."
        );
        assert!(render("{{date:x}}", today).is_err());
    }

    #[test]
    fn the_manifest_lists_every_compiled_file_once_and_parses() {
        let m: Manifest = toml::from_str(MANIFEST).unwrap();
        let names: Vec<_> = m.agreement.iter().map(|a| a.file.as_str()).collect();
        let files: Vec<_> = FILES.iter().map(|(n, _)| *n).collect();
        assert_eq!(names, files);
        let today = Date::parse("2026-11-22").unwrap();
        for a in &m.agreement {
            let at = Timestamp::parse("2026-11-22T09:00:00Z").unwrap();
            manifest_terms(a, today, "demo@example.com", at).unwrap();
            for o in &a.obligation {
                demo_obligation(o, today, &a.owner).unwrap();
            }
        }
    }
}
