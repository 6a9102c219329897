//! The redline page: any two versions of an agreement compared word by word, insertions and
//! deletions marked in HTML, with the DOCX (tracked changes) of the same pair. The same core
//! call as `GET /api/agreements/{id}/redline`.

use super::agreement::agreement_id;
use super::{Shell, UiError, UiResult, Viewer, render};
use crate::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use entente_core::CoreError;
use entente_domain::ValidationError;
use entente_domain::access::Permission;
use entente_domain::redline::Op;
use serde::Deserialize;

/// The pair as the form gives it (text, so a bad number is a message, not a rejection).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct PairQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

/// A run of the redline: `equal`, `insert` or `delete`, and its text.
pub(crate) struct Run {
    pub(crate) op: &'static str,
    pub(crate) text: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "redline.html")]
struct RedlinePage {
    shell: Shell,
    id: String,
    title: String,
    /// (number, label, selected as from, selected as to).
    versions: Vec<(u32, String, bool, bool)>,
    error: Option<String>,
    runs: Vec<Run>,
    inserted: usize,
    deleted: usize,
    from: u32,
    to: u32,
    docx: Option<String>,
}

fn version_number(field: &str, s: &str) -> Result<Option<u32>, ValidationError> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(None);
    }
    t.parse::<u32>()
        .map(Some)
        .map_err(|_| ValidationError::new(field, "choose a version number"))
}

pub(crate) async fn redline(
    State(s): State<AppState>,
    v: Viewer,
    Path(id): Path<String>,
    Query(q): Query<PairQuery>,
) -> UiResult {
    let actor = v.caller.require(Permission::Read)?;
    let id = agreement_id(&id)?;
    let a = s.store.get_agreement(actor, id).await?;
    let list = s.store.list_versions(actor, id).await?;
    let latest = list.iter().map(|v| v.number).max().unwrap_or(0);
    let picked =
        version_number("from", &q.from).and_then(|f| version_number("to", &q.to).map(|t| (f, t)));
    let (from, to, error) = match picked {
        Ok((f, t)) => {
            let to = t.unwrap_or(latest);
            (f.unwrap_or(to.saturating_sub(1)), to, None)
        }
        Err(e) => (latest.saturating_sub(1), latest, Some(e.message)),
    };
    let mut page = RedlinePage {
        shell: v.shell("agreements"),
        id: id.to_string(),
        title: a.title,
        versions: list
            .iter()
            .map(|ver| {
                (
                    ver.number,
                    format!(
                        "{} · {} · {}",
                        ver.number,
                        ver.filename,
                        ver.created_at.date_utc()
                    ),
                    ver.number == from,
                    ver.number == to,
                )
            })
            .collect(),
        error,
        runs: Vec::new(),
        inserted: 0,
        deleted: 0,
        from,
        to,
        docx: None,
    };
    if page.error.is_none() && list.len() >= 2 {
        if from == to {
            page.error = Some("Choose two different versions.".into());
        } else {
            match entente_core::governance::redline_versions(
                &s.store,
                actor,
                id,
                Some(from),
                Some(to),
            )
            .await
            {
                Ok(r) => {
                    page.inserted = r.redline.inserted_words;
                    page.deleted = r.redline.deleted_words;
                    page.runs = r
                        .redline
                        .segments
                        .into_iter()
                        .map(|seg| Run {
                            op: match seg.op {
                                Op::Equal => "equal",
                                Op::Insert => "insert",
                                Op::Delete => "delete",
                            },
                            text: seg.text,
                        })
                        .collect();
                    page.docx = Some(format!(
                        "/api/agreements/{id}/redline?from={from}&to={to}&format=docx"
                    ));
                }
                Err(CoreError::Validation(e)) => {
                    page.error = Some(
                        e.0.into_iter()
                            .map(|e| e.message)
                            .collect::<Vec<_>>()
                            .join("; "),
                    );
                }
                Err(e) => return Err(UiError(e)),
            }
        }
    }
    let status = if page.error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((status, render(page)).into_response())
}
