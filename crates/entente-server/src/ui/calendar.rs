//! The calendar: a month of key dates and obligation occurrences (bookmarkable
//! `/calendar?month=2026-12`), each linking to its agreement, and the iCalendar feed links —
//! the person's own on this page, an agreement's on its page. The same store calls as
//! `GET /api/deadlines` and `POST /api/calendar-feeds`. A feed's secret URL is shown once,
//! after the form that makes it: it travels to that one page in a short-lived cookie, never in
//! an address that logs or history would keep.

use super::agreement::agreement_id;
use super::{Posted, Shell, UiResult, Viewer, render, see_other};
use crate::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use entente_domain::access::Permission;
use entente_domain::query::{DayWindow, DeadlineQuery};
use entente_domain::{AgreementId, Date};
use entente_store::{FeedAccess, FeedScope};
use serde::Deserialize;

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The cookie that carries a new feed's URL to the one page that shows it.
const FEED_COOKIE: &str = "entente_new_feed";

/// The month asked for, as typed.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct MonthQuery {
    #[serde(default)]
    month: String,
    /// A day of the month shown whole (`YYYY-MM-DD`); the other days show their first
    /// entries.
    #[serde(default)]
    day: String,
}

/// Entries a day shows before "more": a month of a large portfolio holds thousands, and the
/// page must stay light.
const DAY_ENTRIES: usize = 4;

/// `YYYY-MM` to the first day of that month.
fn parse_month(s: &str) -> Result<Date, String> {
    let t = s.trim();
    let parsed = t.split_once('-').and_then(|(y, m)| {
        (y.len() == 4 && m.len() == 2)
            .then(|| Some((y.parse::<i16>().ok()?, m.parse::<i8>().ok()?)))
            .flatten()
    });
    match parsed {
        Some((y, m)) => Date::from_ymd(y, m, 1).map_err(|e| format!("{t:?}: {}", e.message)),
        None => Err(format!("{t:?} is not a month in the form YYYY-MM")),
    }
}

fn month_key(first: Date) -> String {
    let (y, m, _) = first.ymd();
    format!("{y:04}-{m:02}")
}

/// The first day of the month `delta` months from `first`'s.
fn shift_month(first: Date, delta: i32) -> Date {
    let (y, m, _) = first.ymd();
    let k = i32::from(y) * 12 + i32::from(m) - 1 + delta;
    let (y, m) = (k.div_euclid(12), k.rem_euclid(12) + 1);
    // Within the supported years the parts fit; at the edges the month stays put.
    Date::from_ymd(y as i16, m as i8, 1).unwrap_or(first)
}

/// One thing due on a day.
pub(crate) struct Entry {
    pub(crate) href: String,
    pub(crate) agreement: String,
    pub(crate) label: String,
    pub(crate) notice: bool,
    pub(crate) obligation: bool,
}

/// A day of the month grid; days of the neighbouring months are blank.
pub(crate) struct Day {
    pub(crate) day: Option<i8>,
    pub(crate) date: String,
    pub(crate) today: bool,
    pub(crate) entries: Vec<Entry>,
    /// Entries not shown (the link to the day shows them).
    pub(crate) more: usize,
    /// The month with this day shown whole.
    pub(crate) more_href: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "calendar.html")]
struct CalendarPage {
    shell: Shell,
    month: String,
    title: String,
    prev: String,
    next: String,
    this_month: String,
    error: Option<String>,
    weeks: Vec<Vec<Day>>,
    total: usize,
    feed: FeedPanel,
}

/// The feed link panel: whether the person has a feed, and a URL just made.
pub(crate) struct FeedPanel {
    pub(crate) exists_since: Option<String>,
    pub(crate) new_url: Option<String>,
}

/// A new feed's URL from its cookie, and the header that clears the cookie.
pub(crate) fn take_new_feed(s: &AppState, headers: &HeaderMap) -> (Option<String>, HeaderValue) {
    let url = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == FEED_COOKIE)
        .map(|(_, v)| format!("{}/calendar/{v}.ics", s.base_url(headers)));
    (url, feed_cookie(s, "", 0))
}

fn feed_cookie(s: &AppState, token: &str, max_age: i64) -> HeaderValue {
    let secure = if s.secure_cookies { "; Secure" } else { "" };
    // A token is URL-safe text; should it ever not be, no cookie is set and the page says
    // that the link was made but cannot be shown.
    HeaderValue::from_str(&format!(
        "{FEED_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("entente_new_feed=; Path=/; Max-Age=0"))
}

/// Redirects to `to`, carrying a new feed's token for the page there.
fn with_new_feed(s: &AppState, to: &str, token: &str) -> Response {
    let mut res = see_other(to);
    res.headers_mut()
        .insert(header::SET_COOKIE, feed_cookie(s, token, 300));
    res
}

pub(crate) async fn calendar(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Query(q): Query<MonthQuery>,
) -> UiResult {
    let actor = v.caller.require(Permission::Read)?;
    let settings = s.store.alert_settings(actor.org).await?;
    let today = settings.today(s.store.now());
    let (y0, m0, _) = today.ymd();
    let this_month = Date::from_ymd(y0, m0, 1).unwrap_or(today);
    let (first, error) = if q.month.trim().is_empty() {
        (this_month, None)
    } else {
        match parse_month(&q.month) {
            Ok(d) => (d, None),
            Err(e) => (this_month, Some(e)),
        }
    };
    let next_first = shift_month(first, 1);
    let last = next_first.plus_days(-1);
    let days_in_month = first.days_until(next_first);

    let deadlines = if error.is_none() {
        s.store
            .list_deadlines(
                actor,
                &DeadlineQuery {
                    within_days: Some(DayWindow::at_most(
                        u32::try_from(days_in_month - 1).unwrap_or(30),
                    )),
                    today: Some(first),
                    limit: entente_domain::query::MAX_DEADLINE_ROWS,
                    ..Default::default()
                },
            )
            .await?
    } else {
        Vec::new()
    };

    // Monday-first weeks covering the month.
    let lead = first.civil().weekday().to_monday_zero_offset();
    let mut days: Vec<Day> = (0..lead)
        .map(|_| Day {
            day: None,
            date: String::new(),
            today: false,
            entries: Vec::new(),
            more: 0,
            more_href: String::new(),
        })
        .collect();
    for i in 0..days_in_month {
        let d = first.plus_days(i64::from(i));
        days.push(Day {
            day: Some(d.ymd().2),
            date: d.to_string(),
            today: d == today,
            entries: Vec::new(),
            more: 0,
            more_href: format!("/calendar?month={}&day={d}#d-{d}", month_key(first)),
        });
    }
    while !days.len().is_multiple_of(7) {
        days.push(Day {
            day: None,
            date: String::new(),
            today: false,
            entries: Vec::new(),
            more: 0,
            more_href: String::new(),
        });
    }
    let whole_day = q.day.trim();
    let mut total = 0;
    for d in &deadlines {
        if d.due_date < first || d.due_date > last {
            continue;
        }
        let idx =
            usize::try_from(i64::from(lead) + i64::from(first.days_until(d.due_date))).unwrap_or(0);
        if let Some(day) = days.get_mut(idx) {
            total += 1;
            if day.entries.len() >= DAY_ENTRIES && day.date != whole_day {
                day.more += 1;
                continue;
            }
            day.entries.push(Entry {
                href: format!("/agreements/{}#dates", d.agreement_id),
                agreement: d.agreement_title.clone(),
                label: d.label.clone(),
                notice: d.kind == "non_renewal_notice_deadline",
                obligation: d.obligation_id.is_some(),
            });
        }
    }
    let mut weeks = Vec::new();
    let mut rest = days.into_iter();
    loop {
        let week: Vec<Day> = rest.by_ref().take(7).collect();
        if week.is_empty() {
            break;
        }
        weeks.push(week);
    }

    let (new_url, clear) = take_new_feed(&s, &headers);
    let own = s
        .store
        .list_feeds(actor, FeedAccess::Owner(v.caller.principal.user_id))
        .await?
        .into_iter()
        .find(|f| matches!(&f.scope, FeedScope::User { .. }));
    let (y, m, _) = first.ymd();
    let page = CalendarPage {
        shell: v.shell("calendar"),
        month: month_key(first),
        title: format!("{} {y}", MONTHS[(m - 1) as usize]),
        prev: format!("/calendar?month={}", month_key(shift_month(first, -1))),
        next: format!("/calendar?month={}", month_key(next_first)),
        this_month: format!("/calendar?month={}", month_key(this_month)),
        error,
        weeks,
        total,
        feed: FeedPanel {
            exists_since: own.map(|f| {
                f.rotated_at
                    .unwrap_or(f.created_at)
                    .get(..10)
                    .unwrap_or_default()
                    .to_owned()
            }),
            new_url,
        },
    };
    let status = if page.error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((status, [(header::SET_COOKIE, clear)], render(page)).into_response())
}

#[derive(Debug, Deserialize)]
pub(crate) struct NoFields {}

/// Makes the person's feed, or a new URL for it (the old one stops working).
pub(crate) async fn personal_feed(
    State(s): State<AppState>,
    Posted { viewer, .. }: Posted<NoFields>,
) -> UiResult {
    let actor = viewer.caller.require(Permission::Read)?;
    let me = viewer.caller.principal.user_id;
    let existing = s
        .store
        .list_feeds(actor, FeedAccess::Owner(me))
        .await?
        .into_iter()
        .find(|f| matches!(&f.scope, FeedScope::User { .. }));
    let token = match existing {
        Some(f) => {
            s.store
                .rotate_feed(actor, FeedAccess::Owner(me), &f.id)
                .await?
                .1
        }
        None => {
            let scope = FeedScope::User {
                email: viewer.caller.principal.email.clone(),
            };
            s.store.create_feed(actor, me, &scope).await?.1
        }
    };
    Ok(with_new_feed(&s, "/calendar#feed", &token))
}

/// An agreement's feed for the person (made, or given a new URL).
pub(crate) async fn agreement_feed(
    State(s): State<AppState>,
    Path(id): Path<String>,
    Posted { viewer, .. }: Posted<NoFields>,
) -> UiResult {
    let actor = viewer.caller.require(Permission::Read)?;
    let id: AgreementId = agreement_id(&id)?;
    // The agreement must be one the person sees (404 otherwise, like its page).
    s.store.get_agreement(actor, id).await?;
    let me = viewer.caller.principal.user_id;
    let existing = agreement_feed_of(&s, &viewer, id).await?;
    let token = match existing {
        Some(fid) => {
            s.store
                .rotate_feed(actor, FeedAccess::Owner(me), &fid)
                .await?
                .1
        }
        None => {
            s.store
                .create_feed(actor, me, &FeedScope::Agreement { agreement_id: id })
                .await?
                .1
        }
    };
    Ok(with_new_feed(
        &s,
        &format!("/agreements/{id}#calendar-feed"),
        &token,
    ))
}

/// The id of the person's feed of agreement `id`, if they made one.
pub(crate) async fn agreement_feed_of(
    s: &AppState,
    v: &Viewer,
    id: AgreementId,
) -> Result<Option<String>, super::UiError> {
    let actor = v.caller.require(Permission::Read)?;
    Ok(s.store
        .list_feeds(actor, FeedAccess::Owner(v.caller.principal.user_id))
        .await?
        .into_iter()
        .find(|f| matches!(&f.scope, FeedScope::Agreement { agreement_id } if *agreement_id == id))
        .map(|f| f.id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_parse_and_step_across_years() {
        let dec = parse_month("2026-12").unwrap();
        assert_eq!(dec.to_string(), "2026-12-01");
        assert_eq!(month_key(shift_month(dec, 1)), "2027-01");
        assert_eq!(month_key(shift_month(dec, -12)), "2025-12");
        assert_eq!(
            month_key(shift_month(parse_month("2026-01").unwrap(), -1)),
            "2025-12"
        );
        assert!(parse_month("2026-13").is_err());
        assert!(parse_month("December").is_err());
        assert!(parse_month("2026-1").is_err());
    }
}
