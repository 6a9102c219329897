//! Which alerts a day brings and what they say: lead-time reminders for key dates and
//! occurrences, overdue reminders, breach notices, and the retry policy for their deliveries.

use crate::alerting::{AlertSettings, choose_lead};
use crate::obligation::ObligationStatus;
use crate::{AgreementId, Date, ObligationId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::Duration;

/// What an alert is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    /// A key date or obligation is coming up.
    Upcoming,
    /// An obligation is past due.
    Overdue,
    /// A measurement missed its threshold.
    Breach,
}

impl AlertKind {
    /// The stored text form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Upcoming => "upcoming",
            Self::Overdue => "overdue",
            Self::Breach => "breach",
        }
    }

    /// Parses the stored text form.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "upcoming" => Some(Self::Upcoming),
            "overdue" => Some(Self::Overdue),
            "breach" => Some(Self::Breach),
            _ => None,
        }
    }

    /// The webhook event type.
    pub fn event_type(self) -> &'static str {
        match self {
            Self::Upcoming => "deadline.upcoming",
            Self::Overdue => "obligation.overdue",
            Self::Breach => "measurement.breach",
        }
    }
}

/// A materialised deadline: a key date or an obligation occurrence.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Deadline {
    /// The agreement.
    pub agreement_id: AgreementId,
    /// Its title.
    pub agreement_title: String,
    /// Stable subject key within the agreement (`kd:notice:2`, `ob:<id>:3`).
    pub subject: String,
    /// The obligation, for occurrences.
    pub obligation_id: Option<ObligationId>,
    /// Key-date kind, or `obligation`.
    pub kind: String,
    /// Due date.
    pub due_date: Date,
    /// What falls due.
    pub label: String,
    /// How the date was computed.
    pub derivation: String,
    /// The clause it rests on ("clause 3.2"), if known.
    pub clause: Option<String>,
    /// True when it only holds if something happens.
    pub conditional: bool,
    /// Who is responsible (obligation owner, else agreement owner).
    pub owner: Option<String>,
    /// For obligations: pending, done, overdue or waived; `history` when due before the
    /// agreement's tracking began and not recorded.
    pub status: Option<ObligationStatus>,
}

/// An alert to raise: its idempotency key, what it says and whom it goes to.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertDraft {
    /// Idempotency key: subject + due date + lead time (or overdue day); raised once per key.
    pub key: String,
    /// What it is about.
    pub kind: AlertKind,
    /// The agreement and its title.
    pub agreement: Option<(AgreementId, String)>,
    /// The obligation, if any.
    pub obligation_id: Option<ObligationId>,
    /// The due (or measured) date.
    pub due_date: Option<Date>,
    /// The lead time that fired, for upcoming alerts.
    pub lead_days: Option<u32>,
    /// One line.
    pub title: String,
    /// The derivation and clause, or what to do.
    pub body: String,
    /// Structured details for webhooks.
    pub extra: serde_json::Value,
    /// E-mail addresses (owner and watchers), sorted, without repeats.
    pub recipients: Vec<String>,
}

/// The alerts `today` brings for a tenant's `deadlines` (the due ones within the largest lead
/// time, and overdue occurrences): one upcoming alert per deadline at the lead time that fired,
/// and per obligation one overdue reminder a day (or one per occurrence when daily reminders
/// are off). Conditional deadlines, the day an agreement takes effect and settled occurrences
/// raise nothing.
pub fn plan_alerts(
    today: Date,
    settings: &AlertSettings,
    deadlines: &[Deadline],
    recipients: impl Fn(&Deadline) -> Vec<String>,
) -> Vec<AlertDraft> {
    let mut planned = Vec::new();
    // Overdue occurrences, grouped per obligation so a daily reminder is one alert.
    let mut overdue: BTreeMap<ObligationId, Vec<&Deadline>> = BTreeMap::new();
    let effective = crate::keydates::KeyDateKind::Effective.as_str();
    for d in deadlines
        .iter()
        .filter(|d| !d.conditional && d.kind != effective)
    {
        let days_left = i64::from(today.days_until(d.due_date));
        if days_left < 0 {
            if let (Some(ob), Some(ObligationStatus::Overdue)) = (d.obligation_id, d.status) {
                overdue.entry(ob).or_default().push(d);
            }
            continue;
        }
        if d.status.is_some_and(|s| s != ObligationStatus::Pending) {
            continue;
        }
        let Some(lead) = choose_lead(days_left, &settings.lead_days) else {
            continue;
        };
        let clause = d
            .clause
            .as_deref()
            .map(|c| format!(" ({c})"))
            .unwrap_or_default();
        planned.push(AlertDraft {
            key: format!("{}:{}@{}:lead{lead}", d.agreement_id, d.subject, d.due_date),
            kind: AlertKind::Upcoming,
            agreement: Some((d.agreement_id, d.agreement_title.clone())),
            obligation_id: d.obligation_id,
            due_date: Some(d.due_date),
            lead_days: Some(lead),
            title: format!(
                "{} {} ({}): {}",
                capitalise(&d.label),
                days_words(days_left),
                d.due_date,
                d.agreement_title
            ),
            body: format!("{}: {} = {}{clause}", d.due_date, d.label, d.derivation),
            extra: serde_json::json!({ "subject": d.subject, "kind": d.kind, "derivation": d.derivation, "clause": d.clause, "days_left": days_left }),
            recipients: recipients(d),
        });
    }
    for (ob, ds) in &overdue {
        let Some(first) = ds.iter().min_by_key(|d| d.due_date) else {
            continue;
        };
        let latest = ds
            .iter()
            .map(|d| d.due_date)
            .max()
            .unwrap_or(first.due_date);
        let keys: Vec<String> = if settings.overdue_daily {
            vec![format!("{}:ob:{ob}:overdue@{today}", first.agreement_id)]
        } else {
            ds.iter()
                .map(|d| format!("{}:{}@{}:overdue", d.agreement_id, d.subject, d.due_date))
                .collect()
        };
        for key in keys {
            planned.push(AlertDraft {
                key,
                kind: AlertKind::Overdue,
                agreement: Some((first.agreement_id, first.agreement_title.clone())),
                obligation_id: Some(*ob),
                due_date: Some(first.due_date),
                lead_days: None,
                title: format!(
                    "Overdue since {}: {} ({})",
                    first.due_date, first.label, first.agreement_title
                ),
                body: format!(
                    "{} occurrence(s) overdue, the oldest due {} and the latest {latest}; mark them done (with evidence) or waived.",
                    ds.len(),
                    first.due_date
                ),
                extra: serde_json::json!({ "overdue_dates": ds.iter().map(|d| d.due_date).collect::<Vec<_>>() }),
                recipients: recipients(first),
            });
        }
    }
    planned
}

/// A measurement that missed its threshold, as an alert.
#[derive(Debug, Clone)]
pub struct Breach<'a> {
    /// The agreement and its title.
    pub agreement: (AgreementId, &'a str),
    /// The obligation measured.
    pub obligation_id: ObligationId,
    /// The duty's words.
    pub duty: &'a str,
    /// The measurement's id.
    pub measurement_id: &'a str,
    /// When it was measured.
    pub measured_on: Date,
    /// The value as text, and its unit.
    pub value: &'a str,
    /// Unit of the value.
    pub unit: &'a str,
    /// The judgement in words.
    pub summary: &'a str,
    /// The metric threshold, for webhooks.
    pub threshold: serde_json::Value,
}

/// The alert a breach raises (once per measurement).
pub fn breach_alert(b: &Breach<'_>, recipients: Vec<String>) -> AlertDraft {
    let (agreement_id, title) = b.agreement;
    AlertDraft {
        key: format!("{agreement_id}:measurement:{}:breach", b.measurement_id),
        kind: AlertKind::Breach,
        agreement: Some((agreement_id, title.to_owned())),
        obligation_id: Some(b.obligation_id),
        due_date: Some(b.measured_on),
        lead_days: None,
        title: format!(
            "Performance breach on {}: {} ({title})",
            b.measured_on, b.duty
        ),
        body: format!(
            "{} — measured {} {} on {}.",
            b.summary, b.value, b.unit, b.measured_on
        ),
        extra: serde_json::json!({ "measurement_id": b.measurement_id, "value": b.value, "unit": b.unit, "threshold": b.threshold }),
        recipients,
    }
}

fn days_words(n: i64) -> String {
    match n {
        0 => "today".to_owned(),
        1 => "tomorrow".to_owned(),
        n => format!("in {n} days"),
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// Retry policy for failed deliveries: exponential backoff `base · 2^(attempt−1)`, capped.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Delay after the first failure.
    pub base: Duration,
    /// Longest delay.
    pub max: Duration,
    /// Attempts before a delivery is given up (status `dead`).
    pub max_attempts: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            base: Duration::from_secs(30),
            max: Duration::from_secs(6 * 3600),
            max_attempts: 10,
        }
    }
}

impl RetryPolicy {
    /// Delay before the attempt after `attempt` failed ones.
    pub fn delay(&self, attempt: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempt.saturating_sub(1).min(30));
        self.base.saturating_mul(factor).min(self.max)
    }

    /// Whether a delivery that has failed `attempts` times is given up.
    pub fn gives_up(&self, attempts: u32) -> bool {
        attempts >= self.max_attempts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    fn deadline(subject: &str, due: &str, status: Option<ObligationStatus>) -> Deadline {
        Deadline {
            agreement_id: AgreementId::new(),
            agreement_title: "Alliance".into(),
            subject: subject.into(),
            obligation_id: status.map(|_| ObligationId::new()),
            kind: if status.is_some() {
                "obligation"
            } else {
                "notice"
            }
            .into(),
            due_date: day(due),
            label: "non-renewal notice deadline".into(),
            derivation: "2027-03-01 minus 90 days".into(),
            clause: Some("clause 3.2".into()),
            conditional: false,
            owner: Some("legal@example.com".into()),
            status,
        }
    }

    #[test]
    fn an_upcoming_deadline_fires_at_the_nearest_lead_time_reached() {
        let s = AlertSettings::default(); // 90, 30, 7, 1
        let d = deadline("kd:notice:1", "2026-12-31", None);
        let today = day("2026-12-04"); // 27 days left
        let a = plan_alerts(today, &s, std::slice::from_ref(&d), |d| {
            d.owner.iter().cloned().collect()
        });
        assert_eq!(a.len(), 1);
        assert_eq!(a[0].lead_days, Some(30));
        assert_eq!(
            a[0].key,
            format!("{}:kd:notice:1@2026-12-31:lead30", d.agreement_id)
        );
        assert_eq!(
            a[0].title,
            "Non-renewal notice deadline in 27 days (2026-12-31): Alliance"
        );
        assert_eq!(
            a[0].body,
            "2026-12-31: non-renewal notice deadline = 2027-03-01 minus 90 days (clause 3.2)"
        );
        assert_eq!(a[0].recipients, ["legal@example.com"]);
    }

    #[test]
    fn settled_conditional_and_far_deadlines_raise_nothing() {
        let s = AlertSettings::default();
        let mut cond = deadline("kd:x", "2026-12-10", None);
        cond.conditional = true;
        let done = deadline("ob:1", "2026-12-10", Some(ObligationStatus::Done));
        let far = deadline("kd:y", "2027-12-10", None);
        let mut starts = deadline("kd:effective", "2026-12-10", None);
        starts.kind = "effective".into();
        let mut reference = starts.clone();
        reference.kind = "expiration".into();
        assert_eq!(
            plan_alerts(day("2026-12-04"), &s, &[reference], |_| vec![]).len(),
            1,
            "the same date of another kind is alerted"
        );
        assert!(
            plan_alerts(
                day("2026-12-04"),
                &s,
                &[cond, done, far, starts],
                |_| vec![]
            )
            .is_empty()
        );
    }

    #[test]
    fn overdue_occurrences_of_one_duty_make_one_daily_reminder_or_one_each() {
        let mut s = AlertSettings::default();
        let mut a = deadline("ob:1:1", "2026-10-01", Some(ObligationStatus::Overdue));
        let mut b = deadline("ob:1:2", "2026-11-01", Some(ObligationStatus::Overdue));
        b.obligation_id = a.obligation_id;
        b.agreement_id = a.agreement_id;
        a.label = "quarterly report".into();
        let today = day("2026-12-04");
        let daily = plan_alerts(today, &s, &[b.clone(), a.clone()], |_| vec![]);
        assert_eq!(daily.len(), 1);
        assert_eq!(daily[0].kind, AlertKind::Overdue);
        assert!(
            daily[0].key.ends_with(":overdue@2026-12-04"),
            "{}",
            daily[0].key
        );
        assert_eq!(
            daily[0].body,
            "2 occurrence(s) overdue, the oldest due 2026-10-01 and the latest 2026-11-01; mark them done (with evidence) or waived."
        );
        s.overdue_daily = false;
        let each = plan_alerts(today, &s, &[a, b], |_| vec![]);
        assert_eq!(each.len(), 2);
        assert!(each.iter().all(|x| x.key.ends_with(":overdue")));
    }

    #[test]
    fn retries_back_off_exponentially_up_to_the_cap_and_give_up() {
        let p = RetryPolicy::default();
        assert_eq!(p.delay(1), Duration::from_secs(30));
        assert_eq!(p.delay(3), Duration::from_secs(120));
        assert_eq!(p.delay(40), Duration::from_secs(6 * 3600));
        assert!(!p.gives_up(9));
        assert!(p.gives_up(10));
    }
}
