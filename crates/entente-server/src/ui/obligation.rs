//! The agreement page's obligation forms: mark an occurrence done with a note and an evidence
//! file, waive it with a reason, record a measurement of a measured duty. The same store calls
//! as `PUT /api/obligations/{id}/occurrences/{due}`, `POST …/evidence` and `POST …/measurements`.

use super::agreement::{FormProblem, agreement_id, page};
use super::{Posted, PostedFiles, UiError, UiResult, Viewer, see_other};
use crate::AppState;
use axum::extract::{Path, State};
use entente_core::CoreError;
use entente_domain::access::Permission;
use entente_domain::measurement::MeasurementInput;
use entente_domain::occurrence::OccurrenceUpdate;
use entente_domain::{AgreementId, Date, ObligationId, ValidationError};
use serde::Deserialize;
use std::collections::HashMap;

/// The obligation `oid` of agreement `id`, as the viewer sees it: another agreement's
/// obligation is as absent as an unknown one.
async fn obligation_of(
    s: &AppState,
    v: &Viewer,
    id: AgreementId,
    oid: &str,
) -> Result<ObligationId, UiError> {
    let actor = v.caller.require(Permission::Read)?;
    let missing = || {
        UiError(CoreError::NotFound {
            entity: "obligation",
            id: oid.to_owned(),
        })
    };
    let oid: ObligationId = oid.parse().map_err(|_| missing())?;
    let o = s.store.get_obligation(actor, oid).await?;
    if o.agreement_id != id {
        return Err(missing());
    }
    Ok(oid)
}

/// Where a recorded change sends the browser back to: the obligation on the page.
fn back(id: AgreementId, oid: ObligationId) -> axum::response::Response {
    see_other(&format!("/agreements/{id}#ob-{oid}"))
}

/// Answers a validation failure with the page and the form's messages; anything else is the
/// error page.
async fn or_form_problem(
    s: &AppState,
    v: &Viewer,
    id: AgreementId,
    e: UiError,
    problem: impl FnOnce(Vec<ValidationError>) -> FormProblem,
) -> UiResult {
    match e.0 {
        CoreError::Validation(errors) => page(s, v, id, problem(errors.0)).await,
        other => Err(UiError(other)),
    }
}

fn parse_due(due: &str) -> Result<Date, UiError> {
    Date::parse(due).map_err(|_| {
        UiError(CoreError::NotFound {
            entity: "occurrence",
            id: due.to_owned(),
        })
    })
}

/// Marks an occurrence done, with an optional note and evidence file (multipart form).
/// The note is checked first and the file attached before the status is recorded, so a bad
/// note or file changes nothing.
pub(crate) async fn mark_done(
    State(s): State<AppState>,
    Path((id, oid, due)): Path<(String, String, String)>,
    form: PostedFiles,
) -> UiResult {
    let id = agreement_id(&id)?;
    let v = &form.viewer;
    let actor = v.caller.require(Permission::CompleteOccurrences)?;
    let oid = obligation_of(&s, v, id, &oid).await?;
    let due = parse_due(&due)?;
    let note = form.field("note").to_owned();
    let update = OccurrenceUpdate {
        status: "done".into(),
        note: Some(note.clone()),
        reason: None,
    };
    let result = async {
        update.validate()?;
        if let Some((_, file)) = form.files.iter().find(|(name, _)| name == "evidence") {
            s.store
                .attach_evidence(
                    actor,
                    oid,
                    due,
                    &file.filename,
                    &file.media_type,
                    &file.bytes,
                )
                .await?;
        }
        s.store.record_occurrence(actor, oid, due, &update).await?;
        Ok::<_, UiError>(())
    }
    .await;
    match result {
        Ok(()) => Ok(back(id, oid)),
        Err(e) => {
            or_form_problem(&s, v, id, e, |errors| {
                FormProblem::new(
                    "done",
                    format!("{oid}-{due}"),
                    errors,
                    &[
                        ("note", "note"),
                        ("filename", "evidence"),
                        ("body", "evidence"),
                    ],
                    HashMap::from([("note".to_owned(), note)]),
                )
            })
            .await
        }
    }
}

/// A waiver's reason.
#[derive(Debug, Deserialize)]
pub(crate) struct WaiveForm {
    #[serde(default)]
    reason: String,
}

/// Waives an occurrence with a reason (the beneficiary's decision).
pub(crate) async fn waive(
    State(s): State<AppState>,
    Path((id, oid, due)): Path<(String, String, String)>,
    Posted { viewer, form }: Posted<WaiveForm>,
) -> UiResult {
    let id = agreement_id(&id)?;
    let actor = viewer.caller.require(Permission::UpdateObligations)?;
    let oid = obligation_of(&s, &viewer, id, &oid).await?;
    let due = parse_due(&due)?;
    let update = OccurrenceUpdate {
        status: "waived".into(),
        note: None,
        reason: Some(form.reason.clone()),
    };
    match s.store.record_occurrence(actor, oid, due, &update).await {
        Ok(_) => Ok(back(id, oid)),
        Err(e) => {
            or_form_problem(&s, &viewer, id, e.into(), |errors| {
                FormProblem::new(
                    "waive",
                    format!("{oid}-{due}"),
                    errors,
                    &[("reason", "reason")],
                    HashMap::from([("reason".to_owned(), form.reason)]),
                )
            })
            .await
        }
    }
}

/// A measurement as typed.
#[derive(Debug, Deserialize)]
pub(crate) struct MeasureForm {
    #[serde(default)]
    measured_on: String,
    #[serde(default)]
    value: String,
    #[serde(default)]
    note: String,
}

/// Records a measurement of a measured duty against its threshold; a miss is a breach (with
/// its finding and alert, as through the API).
pub(crate) async fn measure(
    State(s): State<AppState>,
    Path((id, oid)): Path<(String, String)>,
    Posted { viewer, form }: Posted<MeasureForm>,
) -> UiResult {
    let id = agreement_id(&id)?;
    let actor = viewer.caller.require(Permission::UpdateObligations)?;
    let oid = obligation_of(&s, &viewer, id, &oid).await?;
    let input = MeasurementInput {
        measured_on: form.measured_on.trim().to_owned(),
        value: serde_json::Value::String(form.value.trim().to_owned()),
        unit: None,
        note: Some(form.note.trim().to_owned()).filter(|n| !n.is_empty()),
    };
    match s.store.record_measurement(actor, oid, &input, "ui").await {
        Ok(_) => Ok(back(id, oid)),
        Err(e) => {
            or_form_problem(&s, &viewer, id, e.into(), |errors| {
                FormProblem::new(
                    "measure",
                    oid.to_string(),
                    errors,
                    &[
                        ("measured_on", "measured_on"),
                        ("value", "value"),
                        ("note", "note"),
                    ],
                    HashMap::from([
                        ("measured_on".to_owned(), form.measured_on),
                        ("value".to_owned(), form.value),
                        ("note".to_owned(), form.note),
                    ]),
                )
            })
            .await
        }
    }
}
