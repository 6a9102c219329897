//! The risk list: agreements by the risk score of their latest playbook check, optionally
//! only those flagging one blind spot or of one kind — the list behind each bar of the
//! dashboard's risk charts. The same store call as `GET /api/portfolio/risk`'s checks.

use super::{Shell, UiResult, Viewer, render};
use crate::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use entente_domain::access::Permission;
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
pub(crate) struct RiskQuery {
    #[serde(default)]
    blind_spot: String,
    #[serde(default)]
    kind: String,
}

/// One agreement's latest check.
pub(crate) struct RiskRow {
    pub(crate) title: String,
    pub(crate) href: String,
    pub(crate) kind: String,
    pub(crate) score: u32,
    pub(crate) worst: String,
    pub(crate) flagged: Vec<&'static str>,
    pub(crate) findings: u32,
}

#[derive(Template, WebTemplate)]
#[template(path = "risk.html")]
struct RiskPage {
    shell: Shell,
    heading: String,
    rows: Vec<RiskRow>,
}

pub(crate) async fn risk(
    State(s): State<AppState>,
    v: Viewer,
    Query(q): Query<RiskQuery>,
) -> UiResult {
    let actor = v.caller.require_internal(Permission::Read)?;
    let spot = entente_playbook::BlindSpot::parse(q.blind_spot.trim());
    let kind = entente_domain::agreement::AgreementKind::parse(q.kind.trim()).ok();
    let mut rows: Vec<RiskRow> = s
        .store
        .portfolio_checks(actor)
        .await?
        .into_iter()
        .filter(|c| spot.is_none_or(|b| c.flagged.iter().any(|f| f == b.as_str())))
        .filter(|c| kind.is_none_or(|k| c.kind == k.as_str()))
        .map(|c| RiskRow {
            title: c.title,
            href: format!("/agreements/{}#document", c.agreement_id),
            kind: super::agreement::words(&c.kind),
            score: c.score,
            worst: c.worst_severity.unwrap_or_default(),
            flagged: c
                .flagged
                .iter()
                .filter_map(|f| entente_playbook::BlindSpot::parse(f).map(|b| b.title()))
                .collect(),
            findings: c.findings,
        })
        .collect();
    rows.sort_by(|a, b| b.score.cmp(&a.score).then(a.title.cmp(&b.title)));
    let heading = match (spot, kind) {
        (Some(b), _) => format!("Agreements flagged for {}", b.title().to_lowercase()),
        (None, Some(k)) => format!("{} agreements by risk", super::agreement::words(k.as_str())),
        (None, None) => "Agreements by risk".to_owned(),
    };
    Ok(render(RiskPage {
        shell: v.shell("dashboard"),
        heading,
        rows,
    }))
}
