//! The dashboard: what falls due in the next 90 days (notice deadlines first, each with its
//! derivation and clause), overdue obligations, counts that link to the lists behind them,
//! and renewals by month. Reads the same materialised deadlines and listing as
//! `GET /api/deadlines` and `GET /api/agreements`.

use super::chart::BarChart;
use super::{Shell, UiError, UiResult, Viewer, number_anchor, render};
use crate::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use entente_domain::Date;
use entente_domain::access::Permission;
use entente_domain::query::{AgreementQuery, CapFilter, DayWindow};
use entente_store::{Deadline, Page};

/// The window of the dashboard's deadline list, in days.
pub(crate) const WINDOW_DAYS: u32 = 90;

/// Most rows of the deadline list on the dashboard.
const DUE_ROWS: usize = 25;

/// One row of the deadline lists.
pub(crate) struct DueRow {
    pub(crate) date: String,
    pub(crate) days: i32,
    pub(crate) agreement: String,
    pub(crate) agreement_href: String,
    pub(crate) label: String,
    pub(crate) derivation: String,
    pub(crate) clause: Option<(String, String)>,
    pub(crate) owner: String,
    pub(crate) notice: bool,
    pub(crate) conditional: bool,
}

impl DueRow {
    fn from(d: &Deadline, today: Date) -> Self {
        let href = format!("/agreements/{}", d.agreement_id);
        // "clause 4.2" links to the clause by the number people quote.
        let clause = d.clause.as_ref().map(|c| {
            let link = match c.strip_prefix("clause ") {
                Some(n)
                    if n.chars()
                        .next()
                        .is_some_and(|ch| ch.is_ascii_alphanumeric()) =>
                {
                    format!("{href}#{}", number_anchor(n))
                }
                _ => format!("{href}#document"),
            };
            (c.clone(), link)
        });
        Self {
            date: d.due_date.to_string(),
            days: today.days_until(d.due_date),
            agreement: d.agreement_title.clone(),
            agreement_href: href,
            label: d.label.clone(),
            derivation: d.derivation.clone(),
            clause,
            owner: d.owner.clone().unwrap_or_default(),
            notice: d.kind == "non_renewal_notice_deadline",
            conditional: d.conditional,
        }
    }

    /// "in 12 days", "today", "3 days late".
    pub(crate) fn when(&self) -> String {
        match self.days {
            0 => "today".to_owned(),
            1 => "tomorrow".to_owned(),
            n if n > 1 => format!("in {n} days"),
            -1 => "1 day late".to_owned(),
            n => format!("{} days late", -n),
        }
    }
}

/// A count that links to the list behind it.
pub(crate) struct Count {
    pub(crate) label: &'static str,
    pub(crate) value: u64,
    pub(crate) href: &'static str,
}

/// An agreement that ends soon without renewing, and nobody has decided what happens.
pub(crate) struct Undecided {
    pub(crate) title: String,
    pub(crate) href: String,
    pub(crate) ends: String,
    pub(crate) days: i32,
    pub(crate) owner: String,
}

/// A breach or an alert, newest first.
pub(crate) struct Recent {
    pub(crate) at: String,
    pub(crate) text: String,
    pub(crate) href: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    shell: Shell,
    today: String,
    window: u32,
    counts: Vec<Count>,
    due: Vec<DueRow>,
    /// How many fall due in the window (the list shows the first [`DUE_ROWS`]).
    due_total: usize,
    overdue: Vec<DueRow>,
    overdue_total: usize,
    chart: BarChart,
    /// Risk charts: by blind spot and by kind (internal roles; none when nothing is checked).
    risk: Option<(BarChart, BarChart)>,
    undecided: Vec<Undecided>,
    breaches: Option<Vec<Recent>>,
    alerts: Vec<Recent>,
}

/// Agreements that end within the window without renewing and with no decision recorded:
/// no termination notice and no review held in the last year.
async fn undecided(s: &AppState, v: &Viewer, today: Date) -> UiResult<Vec<Undecided>> {
    let actor = v.caller.require(Permission::Read)?;
    let (rows, _) = s
        .store
        .list_agreements(
            actor,
            &AgreementQuery {
                expiring_within: Some(DayWindow::at_most(WINDOW_DAYS)),
                sort: entente_domain::query::AgreementSort::ExpirationDate,
                ..Default::default()
            },
            Page {
                limit: 200,
                offset: 0,
            },
        )
        .await?;
    let ending: Vec<_> = rows
        .into_iter()
        .filter(|r| r.auto_renewal != Some(true) && r.expiration_date.is_some())
        .collect();
    let ids: Vec<_> = ending.iter().map(|r| r.id).collect();
    let open = s
        .store
        .undecided_among(actor, &ids, today.plus_days(-365))
        .await?;
    Ok(ending
        .into_iter()
        .filter(|r| open.contains(&r.id))
        .filter_map(|r| {
            let ends = r.expiration_date?;
            Some(Undecided {
                title: r.title,
                href: format!("/agreements/{}", r.id),
                ends: ends.to_string(),
                days: today.days_until(ends),
                owner: r.owner.unwrap_or_default(),
            })
        })
        .take(DUE_ROWS)
        .collect())
}

async fn risk_charts(s: &AppState, v: &Viewer) -> UiResult<Option<(BarChart, BarChart)>> {
    let actor = v.caller.require_internal(Permission::Read)?;
    let checks = s.store.portfolio_check_scores(actor).await?;
    if checks.is_empty() {
        return Ok(None);
    }
    // The five blind spots, then the regulatory flags (competition law, data protection).
    let spots = entente_playbook::BlindSpot::FIVE
        .iter()
        .chain(entente_playbook::BlindSpot::REGULATORY.iter())
        .map(|b| {
            let n = checks
                .iter()
                .filter(|c| c.flagged.iter().any(|f| f == b.as_str()))
                .count();
            (
                short_spot(*b).to_owned(),
                u32::try_from(n).unwrap_or(u32::MAX),
                format!("/risk?blind_spot={}", b.as_str()),
            )
        })
        .collect();
    let mut kinds: Vec<(String, u32, String)> = Vec::new();
    for k in entente_domain::agreement::AgreementKind::ALL {
        let scores: Vec<u32> = checks
            .iter()
            .filter(|c| c.kind == k.as_str())
            .map(|c| c.score)
            .collect();
        if scores.is_empty() {
            continue;
        }
        let avg = scores.iter().sum::<u32>() / u32::try_from(scores.len()).unwrap_or(1);
        kinds.push((
            short_kind(k.as_str()),
            avg,
            format!("/risk?kind={}", k.as_str()),
        ));
    }
    Ok(Some((
        BarChart::new(
            "Agreements flagged, by blind spot and regulatory area",
            640,
            180,
            spots,
        ),
        BarChart::new("Average risk score (0 to 100), by kind", 560, 180, kinds),
    )))
}

/// A kind's name short enough for a chart's axis (a bar is about 70 px wide).
fn short_kind(kind: &str) -> String {
    match kind {
        "strategic_alliance" => "Alliance".to_owned(),
        "joint_development" => "Joint dev.".to_owned(),
        "co_marketing" => "Co-marketing".to_owned(),
        other => {
            let w = super::agreement::words(other);
            if w.chars().count() > 12 {
                w.split(' ').next().unwrap_or_default().to_owned()
            } else {
                w
            }
        }
    }
}

/// A blind spot's name short enough for a chart's axis.
fn short_spot(b: entente_playbook::BlindSpot) -> &'static str {
    use entente_playbook::BlindSpot as B;
    match b {
        B::AmbiguousObligations => "Vague duties",
        B::StaticDocument => "Static",
        B::PoorRiskAllocation => "Risk allocation",
        B::MissingExit => "No exit",
        B::MissingEnforcement => "No enforcement",
        B::Competition => "Competition",
        B::DataProtection => "Data protection",
        B::Other => "Other",
    }
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// The five newest breaches (internal roles only).
async fn recent_breaches(
    s: &AppState,
    v: &Viewer,
    internal: bool,
) -> UiResult<Option<Vec<Recent>>> {
    if !internal {
        return Ok(None);
    }
    let actor = v.caller.require_internal(Permission::Read)?;
    Ok(Some(
        s.store
            .list_breaches(actor)
            .await?
            .into_iter()
            .take(5)
            .map(|b| Recent {
                at: b.created_at.get(..10).unwrap_or(&b.created_at).to_owned(),
                text: b.summary,
                href: format!("/agreements/{}#ob-{}", b.agreement_id, b.obligation_id),
            })
            .collect(),
    ))
}

/// The viewer's five newest unread alerts.
async fn recent_alerts(s: &AppState, v: &Viewer) -> UiResult<Vec<Recent>> {
    let actor = v.caller.require(Permission::Read)?;
    Ok(s.store
        .inbox(actor, &v.caller.principal.email, false)
        .await?
        .into_iter()
        .take(5)
        .map(|i| Recent {
            at: i.created_at.get(..10).unwrap_or(&i.created_at).to_owned(),
            text: i.title,
            href: "/alerts".to_owned(),
        })
        .collect())
}

async fn count(s: &AppState, v: &Viewer, f: AgreementQuery) -> UiResult<u64> {
    let actor = v.caller.require(Permission::Read)?;
    Ok(s.store.count_matching(actor, &f).await?)
}

pub(crate) async fn dashboard(State(s): State<AppState>, v: Viewer) -> UiResult {
    let actor = v.caller.require(Permission::Read)?;
    let settings = s.store.alert_settings(actor.org).await?;
    let today = settings.today(s.store.now());
    let internal = v.caller.role.allows(Permission::ReadInternal);
    // The parts read different tables and none waits for another: they run side by side on
    // the pool's connections, so the page takes as long as its slowest part, not their sum.
    let notice_within = AgreementQuery {
        notice_within: Some(DayWindow::at_most(WINDOW_DAYS)),
        ..Default::default()
    };
    let renewing_within = AgreementQuery {
        renewing_within: Some(DayWindow::at_most(WINDOW_DAYS)),
        ..Default::default()
    };
    let uncapped = AgreementQuery {
        liability_cap: vec![CapFilter::Uncapped],
        ..Default::default()
    };
    let (overview, all, notice, renewing, uncapped, risk, breaches, alerts, undecided) = tokio::try_join!(
        // Counts come from the store over every match; only the first rows are read whole,
        // so the page stays light and right at any portfolio size.
        async {
            Ok::<_, UiError>(
                s.store
                    .deadline_overview(
                        actor,
                        today,
                        DayWindow::at_most(WINDOW_DAYS),
                        DayWindow::at_most(365),
                        DUE_ROWS,
                    )
                    .await?,
            )
        },
        count(&s, &v, AgreementQuery::default()),
        count(&s, &v, notice_within),
        count(&s, &v, renewing_within),
        count(&s, &v, uncapped),
        async {
            if internal {
                risk_charts(&s, &v).await
            } else {
                Ok(None)
            }
        },
        recent_breaches(&s, &v, internal),
        recent_alerts(&s, &v),
        undecided(&s, &v, today),
    )?;
    // Notice deadlines first: missing one renews an agreement for another term. The page
    // shows the first rows; the calendar has every one.
    let due: Vec<DueRow> = overview
        .due
        .iter()
        .map(|d| DueRow::from(d, today))
        .collect();
    let due_total = usize::try_from(overview.due_total).unwrap_or(usize::MAX);
    let overdue: Vec<DueRow> = overview
        .overdue
        .iter()
        .map(|d| DueRow::from(d, today))
        .collect();
    let overdue_total = usize::try_from(overview.overdue_total).unwrap_or(usize::MAX);

    // Renewals and expirations by month, for the next twelve months.
    let (y0, m0, _) = today.ymd();
    let mut months: Vec<(String, u32, String)> = (0..12)
        .map(|i| {
            let m = (i32::from(m0) - 1 + i) % 12;
            let y = i32::from(y0) + (i32::from(m0) - 1 + i) / 12;
            let label = if m == 0 || i == 0 {
                format!("{} {}", MONTHS[m as usize], y % 100)
            } else {
                MONTHS[m as usize].to_owned()
            };
            (label, 0, String::new())
        })
        .collect();
    for (month, n) in &overview.term_ends_by_month {
        let parsed = month
            .split_once('-')
            .and_then(|(y, m)| Some((y.parse::<i32>().ok()?, m.parse::<i32>().ok()?)));
        let Some((y, m)) = parsed else { continue };
        let idx = (y - i32::from(y0)) * 12 + m - i32::from(m0);
        if let Some(slot) = usize::try_from(idx).ok().and_then(|i| months.get_mut(i)) {
            slot.1 += u32::try_from(*n).unwrap_or(u32::MAX);
        }
    }
    for (i, slot) in months.iter_mut().enumerate() {
        // Each bar leads to the agreements that renew or end by the end of its month.
        let (y, m) = {
            let k = i32::from(m0) - 1 + i32::try_from(i).unwrap_or(0) + 1;
            (i32::from(y0) + k / 12, k % 12 + 1)
        };
        let end = Date::from_ymd(y as i16, m as i8, 1)
            .map(|first| first.plus_days(-1))
            .unwrap_or(today);
        slot.2 = format!(
            "/agreements?renewing_within_days={}",
            today.days_until(end).max(0)
        );
    }
    let chart = BarChart::new(
        "Renewals and expirations by month, next 12 months",
        560,
        180,
        months,
    );

    let counts = vec![
        Count {
            label: "Agreements",
            value: all,
            href: "/agreements",
        },
        Count {
            label: "Notice deadline within 90 days",
            value: notice,
            href: "/agreements?notice_within_days=90&sort=notice_deadline",
        },
        Count {
            label: "Renewing within 90 days",
            value: renewing,
            href: "/agreements?renewing_within_days=90",
        },
        Count {
            label: "Uncapped liability",
            value: uncapped,
            href: "/agreements?liability_cap=uncapped",
        },
        Count {
            label: "Overdue obligations",
            value: overview.overdue_total,
            href: "#overdue",
        },
    ];
    Ok(render(DashboardPage {
        shell: v.shell("dashboard"),
        today: today.to_string(),
        window: WINDOW_DAYS,
        counts,
        due,
        due_total,
        overdue,
        overdue_total,
        chart,
        risk,
        undecided,
        breaches,
        alerts,
    }))
}
