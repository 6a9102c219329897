//! iCalendar feeds (RFC 5545): secret-token URLs per person or per agreement, their rotation,
//! and the `.ics` documents themselves (all-day events with the derivation as description).
//! A feed belongs to its owner: other members cannot see, rotate or delete it (administrators
//! can), and its `.ics` applies the owner's current visibility (see `entente_store::feed`).

use crate::AppState;
use crate::auth::Caller;
use crate::error::{AppJson, AppPath, Result};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use entente_domain::ValidationError;
use entente_domain::access::Permission;
use entente_domain::obligation::ObligationStatus;
use entente_store::{CalendarFeed, Deadline, FeedAccess, FeedScope};
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_feeds, create_feed))
        .routes(routes!(rotate_feed))
        .routes(routes!(delete_feed))
        .routes(routes!(calendar_ics))
}

type P = crate::error::Problem;

/// A feed with its secret URL (returned only on creation and rotation).
#[derive(Debug, Serialize, utoipa::ToSchema)]
struct FeedWithUrl {
    /// The feed.
    feed: CalendarFeed,
    /// Secret token.
    token: String,
    /// Path of the `.ics` document.
    path: String,
    /// Absolute URL to paste into a calendar app (the configured public URL, else the
    /// request's Host header).
    url: String,
}

fn feed_url(s: &AppState, headers: &HeaderMap, token: &str) -> (String, String) {
    let path = format!("/calendar/{token}.ics");
    (path.clone(), format!("{}{path}", s.base_url(headers)))
}

/// Administrators manage every feed; anyone else only their own, so another member's feed
/// answers 404 as if it did not exist.
fn feed_access(caller: &Caller) -> FeedAccess {
    if caller.role.allows(Permission::ManageUsers) {
        FeedAccess::All
    } else {
        FeedAccess::Owner(caller.principal.user_id)
    }
}

#[utoipa::path(get, path = "/api/calendar-feeds", tag = "alerts",
    responses((status = 200, description = "the caller's calendar feeds, every feed for administrators (without tokens)", body = Vec<CalendarFeed>)))]
async fn list_feeds(State(s): State<AppState>, caller: Caller) -> Result<Json<Vec<CalendarFeed>>> {
    let actor = caller.require(Permission::Read)?;
    Ok(Json(s.store.list_feeds(actor, feed_access(&caller)).await?))
}

#[utoipa::path(post, path = "/api/calendar-feeds", tag = "alerts", request_body = FeedScope,
    responses((status = 201, description = "created; the token is shown only now", body = FeedWithUrl),
        (status = 403, description = "another person's feed needs an administrator", body = P),
        (status = 404, description = "no such agreement", body = P), (status = 422, description = "bad e-mail", body = P)))]
async fn create_feed(
    State(s): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    AppJson(scope): AppJson<FeedScope>,
) -> Result<(StatusCode, Json<FeedWithUrl>)> {
    let actor = caller.require(Permission::Read)?;
    if let FeedScope::User { email } = &scope
        && !email.trim().eq_ignore_ascii_case(&caller.principal.email)
    {
        caller.require(Permission::ManageUsers)?;
    }
    let (feed, token) = s
        .store
        .create_feed(actor, caller.principal.user_id, &scope)
        .await?;
    let (path, url) = feed_url(&s, &headers, &token);
    Ok((
        StatusCode::CREATED,
        Json(FeedWithUrl {
            feed,
            token,
            path,
            url,
        }),
    ))
}

#[utoipa::path(post, path = "/api/calendar-feeds/{id}/rotate", tag = "alerts", params(("id" = String, Path)),
    responses((status = 200, description = "a new token; the old URL stops working", body = FeedWithUrl), (status = 404, description = "no such feed, or another member's", body = P)))]
async fn rotate_feed(
    State(s): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    AppPath(id): AppPath<String>,
) -> Result<Json<FeedWithUrl>> {
    let actor = caller.require(Permission::Read)?;
    let (feed, token) = s
        .store
        .rotate_feed(actor, feed_access(&caller), &id)
        .await?;
    let (path, url) = feed_url(&s, &headers, &token);
    Ok(Json(FeedWithUrl {
        feed,
        token,
        path,
        url,
    }))
}

#[utoipa::path(delete, path = "/api/calendar-feeds/{id}", tag = "alerts", params(("id" = String, Path)),
    responses((status = 204, description = "deleted"), (status = 404, description = "no such feed, or another member's", body = P)))]
async fn delete_feed(
    State(s): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<String>,
) -> Result<StatusCode> {
    let actor = caller.require(Permission::Read)?;
    s.store
        .delete_feed(actor, feed_access(&caller), &id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/calendar/{file}", tag = "alerts", security(()),
    params(("file" = String, Path, description = "`<token>.ics`; the token is the credential")),
    responses((status = 200, description = "RFC 5545 calendar of the feed's deadlines", content_type = "text/calendar"),
        (status = 404, description = "unknown or rotated token, an owner who left, or an agreement the owner can no longer open", body = P)))]
async fn calendar_ics(
    State(s): State<AppState>,
    AppPath(file): AppPath<String>,
) -> Result<Response> {
    let token = file.strip_suffix(".ics").unwrap_or(&file);
    let (feed, deadlines) = s.store.feed_deadlines(token).await.map_err(|e| match e {
        entente_store::StoreError::Invalid(_) => entente_store::StoreError::NotFound {
            entity: "calendar feed",
            id: "for this token".into(),
        },
        other => other,
    })?;
    let name = match &feed.scope {
        FeedScope::User { email } => format!("Entente deadlines: {email}"),
        FeedScope::Agreement { .. } => format!(
            "Entente: {}",
            deadlines
                .first()
                .map_or("agreement", |d| d.agreement_title.as_str())
        ),
    };
    let now = s.store.now().jiff();
    let body =
        render_ics(&name, &deadlines, now).map_err(|e| ValidationError::new("calendar", e))?;
    // No Cache-Control here: the router marks every feed `no-store` (`crate::no_store`).
    Ok((
        [(header::CONTENT_TYPE, "text/calendar; charset=utf-8")],
        body,
    )
        .into_response())
}

/// Escapes a TEXT value (RFC 5545 §3.3.11).
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line at 75 octets (RFC 5545 §3.1), never inside a UTF-8 sequence.
fn fold(line: &str, out: &mut String) {
    let mut width = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
}

fn ymd(d: entente_domain::Date) -> String {
    d.to_string().replace('-', "")
}

/// Renders deadlines as an RFC 5545 calendar of all-day events.
pub(crate) fn render_ics(
    name: &str,
    deadlines: &[Deadline],
    now: jiff::Timestamp,
) -> std::result::Result<String, String> {
    let stamp = now.strftime("%Y%m%dT%H%M%SZ").to_string();
    let mut out = String::new();
    for l in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Entente//Deadlines 1.0//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ] {
        fold(l, &mut out);
    }
    fold(&format!("X-WR-CALNAME:{}", escape(name)), &mut out);
    fold("REFRESH-INTERVAL;VALUE=DURATION:PT1H", &mut out);
    fold("X-PUBLISHED-TTL:PT1H", &mut out);
    for d in deadlines {
        // Nothing to do on a waived occurrence, nor on history (due before tracking began).
        if matches!(
            d.status,
            Some(ObligationStatus::Waived | ObligationStatus::History)
        ) {
            continue;
        }
        let uid: String = format!("{}-{}", d.agreement_id, d.subject)
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' {
                    c
                } else {
                    '-'
                }
            })
            .collect();
        let status = match d.status {
            Some(s) => format!("\nStatus: {s}"),
            None => String::new(),
        };
        let clause = d
            .clause
            .as_deref()
            .map(|c| format!(" ({c})"))
            .unwrap_or_default();
        let done = if d.status == Some(ObligationStatus::Done) {
            "[done] "
        } else {
            ""
        };
        let summary = match d.kind.as_str() {
            "obligation" => format!("{done}Due: {}", d.label),
            _ => format!("{}: {}", capitalise(&d.label), d.agreement_title),
        };
        let description = format!(
            "{}: {} = {}{clause}\nAgreement: {}{status}",
            d.due_date, d.label, d.derivation, d.agreement_title
        );
        fold("BEGIN:VEVENT", &mut out);
        fold(&format!("UID:{uid}@entente"), &mut out);
        fold(&format!("DTSTAMP:{stamp}"), &mut out);
        fold(&format!("DTSTART;VALUE=DATE:{}", ymd(d.due_date)), &mut out);
        fold(
            &format!("DTEND;VALUE=DATE:{}", ymd(d.due_date.plus_days(1))),
            &mut out,
        );
        fold(&format!("SUMMARY:{}", escape(&summary)), &mut out);
        fold(&format!("DESCRIPTION:{}", escape(&description)), &mut out);
        fold(&format!("CATEGORIES:{}", escape(&d.kind)), &mut out);
        fold(
            if d.conditional {
                "STATUS:TENTATIVE"
            } else {
                "STATUS:CONFIRMED"
            },
            &mut out,
        );
        fold("TRANSP:TRANSPARENT", &mut out);
        fold("END:VEVENT", &mut out);
    }
    fold("END:VCALENDAR", &mut out);
    Ok(out)
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_fold_at_75_octets_without_splitting_characters() {
        let mut out = String::new();
        let line = format!("SUMMARY:{}", "é".repeat(60));
        fold(&line, &mut out);
        for l in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(l.len() <= 75, "{} octets", l.len());
        }
        let unfolded = out.replace("\r\n ", "");
        assert_eq!(unfolded.trim_end(), line);
        assert_eq!(escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
    }

    #[test]
    fn waived_occurrences_and_history_are_left_out_of_a_feed() {
        let row = |subject: &str, status: ObligationStatus| Deadline {
            agreement_id: "0190f0f0-0000-7000-8000-000000000001".parse().unwrap(),
            agreement_title: "Legacy alliance".into(),
            subject: subject.into(),
            obligation_id: None,
            kind: "obligation".into(),
            due_date: entente_domain::Date::parse("2026-05-15").unwrap(),
            label: "Northwind: monthly report".into(),
            derivation: "end of month 23 since the effective date 2024-06-15".into(),
            clause: None,
            conditional: false,
            owner: None,
            status: Some(status),
        };
        let rows = [
            row("ob:1:23", ObligationStatus::History),
            row("ob:2:23", ObligationStatus::Waived),
            row("ob:3:23", ObligationStatus::Overdue),
        ];
        let ics = render_ics("feed", &rows, jiff::Timestamp::UNIX_EPOCH).unwrap();
        assert_eq!(ics.matches("BEGIN:VEVENT").count(), 1, "{ics}");
        assert!(ics.contains("ob-3-23"), "{ics}");
    }
}
