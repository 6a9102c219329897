//! The review queue (extracted values below the tenant's confidence threshold, least sure
//! first, each confirmed with one button) and the agreement's business-day calendar form.
//! The same store calls as `GET /api/review`, `POST …/terms/{field}/confirmation` and
//! `PATCH /api/agreements/{id}` with `calendar`.

use super::agreement::{FormProblem, agreement_id, page, words};
use super::{Posted, Shell, UiError, UiResult, Viewer, render, see_other};
use crate::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use entente_core::CoreError;
use entente_domain::access::Permission;
use entente_domain::agreement::AgreementChange;
use entente_domain::terms::TermField;
use serde::Deserialize;
use std::collections::HashMap;

/// One value to confirm.
pub(crate) struct ReviewRow {
    pub(crate) agreement: String,
    pub(crate) agreement_id: String,
    pub(crate) field_key: &'static str,
    pub(crate) field: String,
    pub(crate) value: String,
    pub(crate) confidence: String,
    pub(crate) href: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "review.html")]
struct ReviewPage {
    shell: Shell,
    threshold: String,
    rows: Vec<ReviewRow>,
    can_confirm: bool,
}

pub(crate) async fn review(State(s): State<AppState>, v: Viewer) -> UiResult {
    let actor = v.caller.require_internal(Permission::Read)?;
    let threshold = s.store.review_settings(actor).await?.threshold;
    let rows = s
        .store
        .review_queue(actor)
        .await?
        .into_iter()
        .map(|i| ReviewRow {
            href: format!("/agreements/{}#terms", i.agreement_id),
            agreement: i.agreement_title,
            agreement_id: i.agreement_id.to_string(),
            field_key: i.field.as_str(),
            field: words(i.field.as_str()),
            value: match &i.conflict {
                Some(c) => format!(
                    "{} (entered by a person); a later version says {}",
                    i.value, c.value
                ),
                None => i.value.to_string(),
            },
            confidence: format!("{:.0}%", f64::from(i.confidence) * 100.0),
        })
        .collect();
    Ok(render(ReviewPage {
        shell: v.shell("review"),
        threshold: format!("{:.0}%", f64::from(threshold) * 100.0),
        rows,
        can_confirm: v.caller.role.allows(Permission::WriteAgreements),
    }))
}

#[derive(Debug, Deserialize)]
pub(crate) struct ConfirmForm {
    #[serde(default)]
    note: String,
}

/// Confirms an extracted value as it stands: it becomes the reviewer's and leaves the queue.
pub(crate) async fn confirm(
    State(s): State<AppState>,
    Path((id, field)): Path<(String, String)>,
    Posted { viewer, form }: Posted<ConfirmForm>,
) -> UiResult {
    let actor = viewer.caller.require(Permission::WriteAgreements)?;
    let id = agreement_id(&id)?;
    let field = TermField::parse(&field).map_err(|e| e.within("field"))?;
    let note = Some(form.note.trim().to_owned()).filter(|n| !n.is_empty());
    s.store.confirm_term(actor, id, field, note).await?;
    Ok(see_other("/review"))
}

#[derive(Debug, Deserialize)]
pub(crate) struct CalendarForm {
    #[serde(default)]
    calendar: String,
}

/// Sets (or, left empty, clears) the agreement's business-day calendar.
pub(crate) async fn set_calendar(
    State(s): State<AppState>,
    Path(id): Path<String>,
    Posted { viewer, form }: Posted<CalendarForm>,
) -> UiResult {
    let actor = viewer.caller.require(Permission::WriteAgreements)?;
    let id = agreement_id(&id)?;
    let result = match AgreementChange::from_text_with_calendar(
        None,
        None,
        None,
        None,
        None,
        Some(form.calendar.as_str()),
    ) {
        Ok(change) => s
            .store
            .update_agreement(actor, id, &change)
            .await
            .map_err(UiError::from),
        Err(e) => Err(UiError::from(e)),
    };
    match result {
        Ok(()) => Ok(see_other(&format!("/agreements/{id}#dates"))),
        Err(UiError(CoreError::Validation(errors))) => {
            let problem = FormProblem::new(
                "calendar",
                "",
                errors.0,
                &[("calendar", "calendar")],
                HashMap::from([("calendar".to_owned(), form.calendar)]),
            );
            page(&s, &viewer, id, problem).await
        }
        Err(e) => Err(e),
    }
}
