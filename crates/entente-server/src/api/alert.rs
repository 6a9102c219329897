//! Key dates, deadlines, obligation occurrences and evidence, measurements and breaches,
//! alert settings, alerts, the inbox, watchers, webhooks and their delivery log.

use crate::AppState;
use crate::auth::Caller;
use crate::error::{AppJson, AppPath, AppQuery, Result};
use crate::upload::Upload;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use entente_domain::access::Permission;
use entente_domain::alerting::{AlertSettings, AlertSettingsPatch};
use entente_domain::measurement::MeasurementInput;
use entente_domain::obligation::ObligationStatus;
use entente_domain::occurrence::OccurrenceUpdate;
use entente_domain::query::{DeadlineQuery, DeadlineQueryText};
use entente_domain::{AgreementId, Date, ObligationId, ValidationError};
use entente_store::{
    AgreementDates, AlertView, BreachView, Deadline, DeliveryView, EvidenceInfo, InboxItem,
    MeasurementView, OccurrenceView, Webhook,
};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(agreement_dates))
        .routes(routes!(list_deadlines))
        .routes(routes!(list_occurrences))
        .routes(routes!(record_occurrence))
        .routes(routes!(attach_evidence))
        .routes(routes!(get_evidence))
        .routes(routes!(list_measurements, record_measurement))
        .routes(routes!(import_measurements))
        .routes(routes!(list_breaches))
        .routes(routes!(get_alert_settings, update_alert_settings))
        .routes(routes!(list_alerts))
        .routes(routes!(get_inbox))
        .routes(routes!(read_inbox_item))
        .routes(routes!(list_watchers, add_watcher))
        .routes(routes!(remove_watcher))
        .routes(routes!(list_webhooks, create_webhook))
        .routes(routes!(delete_webhook))
        .routes(routes!(rotate_webhook_secret))
        .routes(routes!(list_deliveries))
}

type P = crate::error::Problem;

/// The window of computed dates.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct DatesQuery {
    /// The day taken as today (default: today in the tenant's time zone).
    #[param(value_type = Option<entente_domain::Date>)]
    today: Option<String>,
    /// List renewals and reviews up to this day (default: two years ahead; at most 36,600
    /// days, about 100 years, after `today`).
    #[param(value_type = Option<entente_domain::Date>)]
    until: Option<String>,
}

fn opt_date(field: &str, s: Option<&str>) -> Result<Option<Date>> {
    Ok(s.map(Date::parse)
        .transpose()
        .map_err(|e| e.within(field))?)
}

#[utoipa::path(get, path = "/api/agreements/{id}/dates", tag = "key dates", params(("id" = AgreementId, Path), DatesQuery),
    responses((status = 200, description = "key dates with derivations and obligation occurrences", body = AgreementDates),
        (status = 404, description = "no such agreement", body = P), (status = 422, description = "bad date", body = P)))]
async fn agreement_dates(
    State(s): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<AgreementId>,
    AppQuery(q): AppQuery<DatesQuery>,
) -> Result<Json<AgreementDates>> {
    let actor = caller.require(Permission::Read)?;
    let today = opt_date("today", q.today.as_deref())?;
    let until = opt_date("until", q.until.as_deref())?;
    if let Some(u) = until {
        let from = match today {
            Some(t) => t,
            None => s.store.today(actor).await?,
        };
        let max = from.plus_days(i64::from(entente_domain::time::MAX_WINDOW_DAYS));
        if u > max {
            return Err(ValidationError::new(
                "until",
                format!(
                    "must be at most 36600 days (about 100 years) after today, {max} at the latest"
                ),
            )
            .into());
        }
    }
    Ok(Json(
        s.store
            .agreement_dates(actor, id, today, until, None)
            .await?,
    ))
}

/// Deadline filters as the query string gives them; all optional. Read into a
/// [`DeadlineQuery`] before the store sees them.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct DeadlineFilter {
    /// Only deadlines from today to today + N days (open ones only, for obligations).
    #[param(maximum = 36600)]
    within_days: Option<u32>,
    /// Only obligation occurrences that are overdue (history, due before an agreement's
    /// tracking began, never is).
    overdue: Option<bool>,
    /// Only obligation occurrences (no key dates).
    obligations_only: Option<bool>,
    /// Only this person's (owner or watcher).
    person: Option<String>,
    /// Only this agreement.
    #[param(value_type = Option<entente_domain::AgreementId>)]
    agreement_id: Option<String>,
    /// The day windows count from (default: today in the tenant's time zone).
    #[param(value_type = Option<entente_domain::Date>)]
    today: Option<String>,
    /// Most rows (default 1000, at most 10000).
    #[param(minimum = 1, maximum = 10000)]
    limit: Option<u32>,
}

impl TryFrom<&DeadlineFilter> for DeadlineQuery {
    type Error = entente_domain::ValidationErrors;

    fn try_from(f: &DeadlineFilter) -> std::result::Result<Self, Self::Error> {
        DeadlineQuery::try_from(DeadlineQueryText {
            within_days: f.within_days,
            overdue: f.overdue,
            obligations_only: f.obligations_only,
            person: f.person.as_deref(),
            agreement_id: f.agreement_id.as_deref(),
            today: f.today.as_deref(),
            limit: f.limit,
        })
    }
}

/// A page of deadlines.
#[derive(Debug, Serialize, utoipa::ToSchema)]
struct DeadlinePage {
    /// Deadlines on this page, earliest first.
    items: Vec<Deadline>,
    /// Send it back as `cursor` for the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    next_cursor: Option<String>,
    /// The page size used.
    limit: u32,
}

/// Paging through deadlines.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct DeadlineCursor {
    /// The `next_cursor` of the previous page; absent for the first page. Opaque.
    #[param(max_length = 300)]
    cursor: Option<String>,
}

const DEADLINE_LIST: &str = "deadlines";

fn deadline_after(
    cursor: Option<&str>,
) -> std::result::Result<Option<entente_store::DeadlineKey>, ValidationError> {
    let Some(c) = cursor.filter(|c| !c.is_empty()) else {
        return Ok(None);
    };
    let bad = || ValidationError::new("cursor", "is not a cursor of this list");
    let text = crate::paging::decode_text(DEADLINE_LIST, c).ok_or_else(bad)?;
    let (due, agreement, subject): (String, AgreementId, String) =
        serde_json::from_str(&text).map_err(|_| bad())?;
    Ok(Some(entente_store::DeadlineKey {
        due_date: Date::parse(&due).map_err(|_| bad())?,
        agreement_id: agreement,
        subject,
    }))
}

#[utoipa::path(get, path = "/api/deadlines", tag = "key dates", params(DeadlineFilter, DeadlineCursor),
    responses((status = 200, description = "deadlines across the portfolio, earliest first, by cursor", body = DeadlinePage),
        (status = 422, description = "bad filter: `within_days` above 36600, `limit` outside 1..=10000, a bad date or cursor", body = P)))]
async fn list_deadlines(
    State(s): State<AppState>,
    caller: Caller,
    crate::error::AppQueries(f, c): crate::error::AppQueries<DeadlineFilter, DeadlineCursor>,
) -> Result<Json<DeadlinePage>> {
    let actor = caller.require(Permission::Read)?;
    let (query, after) = match (
        DeadlineQuery::try_from(&f),
        deadline_after(c.cursor.as_deref()),
    ) {
        (Ok(q), Ok(a)) => (q, a),
        (q, a) => {
            let mut errors = q.err().map(|e| e.0).unwrap_or_default();
            errors.extend(a.err());
            return Err(entente_domain::ValidationErrors(errors).into());
        }
    };
    let limit = query.limit;
    // One more than asked tells whether another page follows.
    let mut items = s
        .store
        .list_deadlines_after(actor, &query, after.as_ref(), limit as usize + 1)
        .await?;
    let next_cursor = if items.len() > limit as usize {
        items.truncate(limit as usize);
        items.last().map(|d| {
            crate::paging::encode_text(
                DEADLINE_LIST,
                &serde_json::json!([d.due_date, d.agreement_id, d.subject]).to_string(),
            )
        })
    } else {
        None
    };
    Ok(Json(DeadlinePage {
        items,
        next_cursor,
        limit,
    }))
}

/// An occurrence window.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct Window {
    /// First day (default: a year ago).
    #[param(value_type = Option<entente_domain::Date>)]
    from: Option<String>,
    /// Last day (default: a year ahead).
    #[param(value_type = Option<entente_domain::Date>)]
    until: Option<String>,
}

#[utoipa::path(get, path = "/api/obligations/{id}/occurrences", tag = "obligations", params(("id" = ObligationId, Path), Window),
    responses((status = 200, description = "dated occurrences with status and evidence", body = Vec<OccurrenceView>),
        (status = 404, description = "no such obligation", body = P), (status = 422, description = "bad window", body = P)))]
async fn list_occurrences(
    State(s): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<ObligationId>,
    AppQuery(w): AppQuery<Window>,
) -> Result<Json<Vec<OccurrenceView>>> {
    let actor = caller.require(Permission::Read)?;
    let today = s.store.today(actor).await?;
    let from = opt_date("from", w.from.as_deref())?.unwrap_or(today.plus_days(-366));
    let until = opt_date("until", w.until.as_deref())?.unwrap_or(today.plus_days(366));
    if until < from {
        return Err(ValidationError::new("until", "must not be before from").into());
    }
    if from.days_until(until) > 20 * 366 {
        return Err(ValidationError::new("until", "the window may span at most 20 years").into());
    }
    Ok(Json(
        s.store.list_occurrences(actor, id, from, until).await?,
    ))
}

#[utoipa::path(put, path = "/api/obligations/{id}/occurrences/{due}", tag = "obligations",
    params(("id" = ObligationId, Path), ("due" = entente_domain::Date, Path, description = "the occurrence's due date, YYYY-MM-DD")), request_body = OccurrenceUpdate,
    responses((status = 200, description = "the occurrence with its new status", body = OccurrenceView),
        (status = 404, description = "no such obligation", body = P), (status = 422, description = "bad status, missing reason, or not a due date of this obligation", body = P)))]
async fn record_occurrence(
    State(s): State<AppState>,
    caller: Caller,
    AppPath((id, due)): AppPath<(ObligationId, String)>,
    AppJson(u): AppJson<OccurrenceUpdate>,
) -> Result<Json<OccurrenceView>> {
    // Reporting a duty done is for whoever performs it (a counterparty user included);
    // waiving or reopening one is the beneficiary's decision.
    let done = matches!(
        ObligationStatus::parse(&u.status),
        Ok(ObligationStatus::Done)
    );
    let actor = caller.require(if done {
        Permission::CompleteOccurrences
    } else {
        Permission::UpdateObligations
    })?;
    let due = Date::parse(&due).map_err(|e| e.within("due"))?;
    Ok(Json(s.store.record_occurrence(actor, id, due, &u).await?))
}

/// The evidence file's name.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct EvidenceQuery {
    /// File name to keep with the evidence.
    filename: String,
}

#[utoipa::path(post, path = "/api/obligations/{id}/occurrences/{due}/evidence", tag = "obligations",
    params(("id" = ObligationId, Path), ("due" = entente_domain::Date, Path, description = "the occurrence's due date, YYYY-MM-DD"), EvidenceQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "the evidence file"),
    responses((status = 201, description = "evidence attached", body = EvidenceInfo), (status = 404, description = "no such obligation", body = P),
        (status = 422, description = "bad file name, empty or oversized file, or not a due date", body = P)))]
async fn attach_evidence(
    State(s): State<AppState>,
    caller: Caller,
    AppPath((id, due)): AppPath<(ObligationId, String)>,
    upload: Upload<EvidenceQuery>,
) -> Result<super::Created<EvidenceInfo>> {
    let actor = caller.require(Permission::CompleteOccurrences)?;
    let due = Date::parse(&due).map_err(|e| e.within("due"))?;
    let Upload {
        fields: q,
        bytes: body,
        media_type,
    } = upload;
    let media = media_type.as_deref().unwrap_or("application/octet-stream");
    let info = s
        .store
        .attach_evidence(actor, id, due, &q.filename, media, &body)
        .await?;
    Ok(super::created(format!("/api/evidence/{}", info.id), info))
}

#[utoipa::path(get, path = "/api/evidence/{id}", tag = "obligations", params(("id" = String, Path)),
    responses((status = 200, description = "the evidence file, as an attachment; application/octet-stream unless it is a PDF, PNG, JPEG or UTF-8 text", content_type = "application/octet-stream"), (status = 404, description = "no such evidence", body = P)))]
async fn get_evidence(
    State(s): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<String>,
) -> Result<Response> {
    let actor = caller.require(Permission::Read)?;
    let (name, media, bytes) = s.store.evidence_content(actor, &id).await?;
    // The uploader chose `media`; it decides nothing about how the file is served.
    Ok(super::download::attachment(&name, &media, bytes))
}

#[utoipa::path(get, path = "/api/obligations/{id}/measurements", tag = "obligations", params(("id" = ObligationId, Path)),
    responses((status = 200, description = "measurements with their verdicts", body = Vec<MeasurementView>), (status = 404, description = "no such obligation", body = P)))]
async fn list_measurements(
    State(s): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<ObligationId>,
) -> Result<Json<Vec<MeasurementView>>> {
    let actor = caller.require_internal_item(Permission::Read, "measurements of obligation", id)?;
    Ok(Json(s.store.list_measurements(actor, id).await?))
}

#[utoipa::path(post, path = "/api/obligations/{id}/measurements", tag = "obligations", params(("id" = ObligationId, Path)), request_body = MeasurementInput,
    responses((status = 201, description = "recorded; a breach also creates a finding and an alert", body = MeasurementView), (status = 404, description = "no such obligation", body = P),
        (status = 409, description = "a measurement for that day exists", body = P), (status = 422, description = "bad value, date or unit, or no threshold", body = P)))]
async fn record_measurement(
    State(s): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<ObligationId>,
    AppJson(m): AppJson<MeasurementInput>,
) -> Result<(StatusCode, Json<MeasurementView>)> {
    let actor = caller.require(Permission::UpdateObligations)?;
    Ok((
        StatusCode::CREATED,
        Json(s.store.record_measurement(actor, id, &m, "api").await?),
    ))
}

#[utoipa::path(post, path = "/api/measurements/import", tag = "obligations",
    request_body(content = String, content_type = "text/csv", description = "header obligation_id,measured_on,value[,unit][,note]"),
    responses((status = 201, description = "every row recorded", body = Vec<MeasurementView>), (status = 422, description = "a row is invalid (named as `row N.column`); nothing was recorded", body = P)))]
async fn import_measurements(
    State(s): State<AppState>,
    caller: Caller,
    body: Bytes,
) -> Result<(StatusCode, Json<Vec<MeasurementView>>)> {
    let actor = caller.require(Permission::UpdateObligations)?;
    let text =
        std::str::from_utf8(&body).map_err(|_| ValidationError::new("csv", "is not UTF-8 text"))?;
    Ok((
        StatusCode::CREATED,
        Json(s.store.import_measurements(actor, text).await?),
    ))
}

#[utoipa::path(get, path = "/api/breaches", tag = "obligations",
    responses((status = 200, description = "performance breaches, newest first", body = Vec<BreachView>)))]
async fn list_breaches(State(s): State<AppState>, caller: Caller) -> Result<Json<Vec<BreachView>>> {
    let actor = caller.require_internal(Permission::Read)?;
    Ok(Json(s.store.list_breaches(actor).await?))
}

#[utoipa::path(get, path = "/api/alert-settings", tag = "alerts",
    responses((status = 200, description = "lead times, overdue reminders, time zone, calendar", body = AlertSettings)))]
async fn get_alert_settings(
    State(s): State<AppState>,
    caller: Caller,
) -> Result<Json<AlertSettings>> {
    let actor = caller.require_internal(Permission::Read)?;
    Ok(Json(s.store.alert_settings(actor.org).await?))
}

#[utoipa::path(patch, path = "/api/alert-settings", tag = "alerts", request_body = AlertSettingsPatch,
    responses((status = 200, description = "the new settings", body = AlertSettings), (status = 422, description = "a field is invalid (named)", body = P)))]
async fn update_alert_settings(
    State(s): State<AppState>,
    caller: Caller,
    AppJson(p): AppJson<AlertSettingsPatch>,
) -> Result<Json<AlertSettings>> {
    let actor = caller.require(Permission::ManageUsers)?;
    Ok(Json(s.store.update_alert_settings(actor, &p).await?))
}

/// Page size.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct Limit {
    /// Most rows, 1..=5000 (default 200).
    #[param(minimum = 1, maximum = 5000)]
    limit: Option<u32>,
}

/// Most rows a log listing returns.
const MAX_LOG_ROWS: u32 = 5000;

/// `limit` for the alert and delivery logs: 1..=5000, default 200.
fn log_limit(limit: Option<u32>) -> Result<u32> {
    let n = limit.unwrap_or(200);
    if !(1..=MAX_LOG_ROWS).contains(&n) {
        return Err(ValidationError::new(
            "limit",
            format!("must be between 1 and {MAX_LOG_ROWS}, got {n}"),
        )
        .into());
    }
    Ok(n)
}

#[utoipa::path(get, path = "/api/alerts", tag = "alerts", params(Limit),
    responses((status = 200, description = "raised alerts, newest first", body = Vec<AlertView>), (status = 422, description = "`limit` outside 1..=5000", body = P)))]
async fn list_alerts(
    State(s): State<AppState>,
    caller: Caller,
    AppQuery(l): AppQuery<Limit>,
) -> Result<Json<Vec<AlertView>>> {
    let actor = caller.require_internal(Permission::Read)?;
    Ok(Json(s.store.list_alerts(actor, log_limit(l.limit)?).await?))
}

/// Whose inbox.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct InboxQuery {
    /// The person (default: the caller).
    #[param(value_type = Option<entente_domain::schema::EmailAddress>)]
    recipient: Option<String>,
    /// Only unread items.
    unread: Option<bool>,
}

#[utoipa::path(get, path = "/api/inbox", tag = "alerts", params(InboxQuery),
    responses((status = 200, description = "the in-app inbox, newest first", body = Vec<InboxItem>), (status = 422, description = "bad recipient", body = P)))]
async fn get_inbox(
    State(s): State<AppState>,
    caller: Caller,
    AppQuery(q): AppQuery<InboxQuery>,
) -> Result<Json<Vec<InboxItem>>> {
    let actor = caller.require(Permission::Read)?;
    let me = caller.principal.email.clone();
    let recipient = q.recipient.unwrap_or_else(|| me.clone());
    // Reading someone else's inbox is an administrator's business.
    if !recipient.trim().eq_ignore_ascii_case(&me) {
        caller.require(Permission::ManageUsers)?;
    }
    Ok(Json(
        s.store
            .inbox(actor, &recipient, q.unread.unwrap_or(false))
            .await?,
    ))
}

#[utoipa::path(post, path = "/api/inbox/{id}/read", tag = "alerts", params(("id" = String, Path)),
    responses((status = 204, description = "marked read"), (status = 404, description = "no such item", body = P)))]
async fn read_inbox_item(
    State(s): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<String>,
) -> Result<StatusCode> {
    let actor = caller.require(Permission::Read)?;
    // One's own item; an administrator may mark anyone's (as they may read anyone's inbox).
    let own = if caller.require(Permission::ManageUsers).is_ok() {
        None
    } else {
        Some(caller.principal.email.as_str())
    };
    s.store.mark_inbox_read(actor, &id, own).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A watcher.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
struct WatcherBody {
    /// E-mail address to notify.
    #[schema(value_type = entente_domain::schema::EmailAddress)]
    email: String,
}

#[utoipa::path(get, path = "/api/agreements/{id}/watchers", tag = "alerts", params(("id" = AgreementId, Path)),
    responses((status = 200, description = "watchers' e-mail addresses", body = Vec<String>), (status = 404, description = "no such agreement", body = P)))]
async fn list_watchers(
    State(s): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<AgreementId>,
) -> Result<Json<Vec<String>>> {
    let actor = caller.require_internal_item(Permission::Read, "watchers of agreement", id)?;
    Ok(Json(s.store.list_watchers(actor, id).await?))
}

#[utoipa::path(post, path = "/api/agreements/{id}/watchers", tag = "alerts", params(("id" = AgreementId, Path)), request_body = WatcherBody,
    responses((status = 201, description = "watching; the watchers now", body = Vec<String>), (status = 404, description = "no such agreement", body = P), (status = 422, description = "bad e-mail", body = P)))]
async fn add_watcher(
    State(s): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<AgreementId>,
    AppJson(b): AppJson<WatcherBody>,
) -> Result<(StatusCode, Json<Vec<String>>)> {
    let actor = caller.require_internal(Permission::UpdateObligations)?;
    Ok((
        StatusCode::CREATED,
        Json(s.store.add_watcher(actor, id, &b.email).await?),
    ))
}

#[utoipa::path(delete, path = "/api/agreements/{id}/watchers/{email}", tag = "alerts", params(("id" = AgreementId, Path), ("email" = String, Path)),
    responses((status = 200, description = "the watchers now", body = Vec<String>), (status = 404, description = "no such agreement or watcher", body = P)))]
async fn remove_watcher(
    State(s): State<AppState>,
    caller: Caller,
    AppPath((id, email)): AppPath<(AgreementId, String)>,
) -> Result<Json<Vec<String>>> {
    let actor = caller.require_internal(Permission::UpdateObligations)?;
    Ok(Json(s.store.remove_watcher(actor, id, &email).await?))
}

/// A new webhook endpoint.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
struct NewWebhook {
    /// `https://…` URL that receives signed POSTs.
    #[schema(pattern = "^https?://[!-~]+$", max_length = 2000)]
    url: String,
    /// What it is for.
    #[serde(default)]
    description: Option<String>,
}

/// A webhook endpoint with its signing secret (returned only on creation and rotation).
#[derive(Debug, Serialize, utoipa::ToSchema)]
struct WebhookWithSecret {
    #[serde(flatten)]
    webhook: Webhook,
    /// `whsec_…`: verify each delivery's `webhook-signature` with it (see docs/alerts.md).
    secret: String,
}

#[utoipa::path(get, path = "/api/webhooks", tag = "alerts",
    responses((status = 200, description = "webhook endpoints (without secrets)", body = Vec<Webhook>)))]
async fn list_webhooks(State(s): State<AppState>, caller: Caller) -> Result<Json<Vec<Webhook>>> {
    let actor = caller.require(Permission::ManageUsers)?;
    Ok(Json(s.store.list_webhooks(actor).await?))
}

#[utoipa::path(post, path = "/api/webhooks", tag = "alerts", request_body = NewWebhook,
    responses((status = 201, description = "registered; the secret is shown only now", body = WebhookWithSecret), (status = 422, description = "bad URL or description", body = P)))]
async fn create_webhook(
    State(s): State<AppState>,
    caller: Caller,
    AppJson(b): AppJson<NewWebhook>,
) -> Result<(StatusCode, Json<WebhookWithSecret>)> {
    let actor = caller.require(Permission::ManageUsers)?;
    let (webhook, secret) = entente_core::webhook::register(
        &s.store,
        actor,
        &b.url,
        b.description.as_deref(),
        s.webhook_targets,
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(WebhookWithSecret { webhook, secret }),
    ))
}

#[utoipa::path(delete, path = "/api/webhooks/{id}", tag = "alerts", params(("id" = String, Path)),
    responses((status = 204, description = "deleted"), (status = 404, description = "no such webhook", body = P)))]
async fn delete_webhook(
    State(s): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<String>,
) -> Result<StatusCode> {
    let actor = caller.require(Permission::ManageUsers)?;
    s.store.delete_webhook(actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A new secret.
#[derive(Debug, Serialize, utoipa::ToSchema)]
struct Secret {
    /// `whsec_…`; the previous secret no longer verifies.
    secret: String,
}

#[utoipa::path(post, path = "/api/webhooks/{id}/rotate-secret", tag = "alerts", params(("id" = String, Path)),
    responses((status = 200, description = "the new secret", body = Secret), (status = 404, description = "no such webhook", body = P)))]
async fn rotate_webhook_secret(
    State(s): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<String>,
) -> Result<Json<Secret>> {
    let actor = caller.require(Permission::ManageUsers)?;
    Ok(Json(Secret {
        secret: s.store.rotate_webhook_secret(actor, &id).await?,
    }))
}

/// Delivery log filter.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct DeliveryQuery {
    /// Only deliveries to this webhook id or e-mail address.
    target: Option<String>,
    /// Most rows, 1..=5000 (default 200).
    #[param(minimum = 1, maximum = 5000)]
    limit: Option<u32>,
}

#[utoipa::path(get, path = "/api/deliveries", tag = "alerts", params(DeliveryQuery),
    responses((status = 200, description = "the delivery log: outbox rows with every attempt", body = Vec<DeliveryView>), (status = 422, description = "`limit` outside 1..=5000", body = P)))]
async fn list_deliveries(
    State(s): State<AppState>,
    caller: Caller,
    AppQuery(q): AppQuery<DeliveryQuery>,
) -> Result<Json<Vec<DeliveryView>>> {
    let actor = caller.require(Permission::ReadAudit)?;
    let limit = log_limit(q.limit)?;
    Ok(Json(
        s.store
            .list_deliveries(actor, q.target.as_deref(), limit)
            .await?,
    ))
}
