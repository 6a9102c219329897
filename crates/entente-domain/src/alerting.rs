//! Alert rules: a tenant's lead times, overdue reminders, time zone and business calendar;
//! which lead time applies to a due date; what makes a webhook URL acceptable.

use crate::calendar::BusinessCalendar;
use crate::error::Collector;
use crate::{Date, Timestamp, ValidationError, ValidationErrors};
use serde::{Deserialize, Serialize};

/// A tenant's alert settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AlertSettings {
    /// Whole days before a due date at which alerts go out, largest first.
    pub lead_days: Vec<u32>,
    /// Remind daily about overdue obligations.
    pub overdue_daily: bool,
    /// IANA time zone that decides what "today" is for the tenant.
    pub time_zone: String,
    /// Built-in business-day calendar (`england-and-wales`, `us-federal`), or none for
    /// weekends only.
    pub calendar: Option<String>,
}

impl Default for AlertSettings {
    fn default() -> Self {
        Self {
            lead_days: vec![90, 30, 7, 1],
            overdue_daily: true,
            time_zone: "UTC".to_owned(),
            calendar: None,
        }
    }
}

/// Changes to alert settings; absent fields keep their value.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct AlertSettingsPatch {
    /// Lead times in days (1 to 10 values, each 0..=730).
    #[serde(default)]
    #[schema(min_items = 1, max_items = 10, value_type = Option<Vec<LeadDay>>)]
    pub lead_days: Option<Vec<i64>>,
    /// Daily overdue reminders.
    #[serde(default)]
    pub overdue_daily: Option<bool>,
    /// IANA time zone, e.g. `Europe/Berlin`.
    #[serde(default)]
    #[schema(value_type = Option<TimeZoneName>)]
    pub time_zone: Option<String>,
    /// Business-day calendar id; empty string clears it.
    #[serde(default)]
    #[schema(value_type = Option<CalendarId>)]
    pub calendar: Option<String>,
}

impl AlertSettings {
    /// Applies a patch, validating every field (errors name the field, e.g. `lead_days[2]`).
    pub fn apply(&self, p: &AlertSettingsPatch) -> Result<Self, ValidationErrors> {
        let mut c = Collector::default();
        let mut out = self.clone();
        if let Some(leads) = &p.lead_days {
            if leads.is_empty() || leads.len() > 10 {
                c.push(ValidationError::new(
                    "lead_days",
                    "give 1 to 10 lead times in days",
                ));
            }
            let mut v = Vec::new();
            for (i, l) in leads.iter().enumerate() {
                match u32::try_from(*l) {
                    Ok(n) if n <= 730 => v.push(n),
                    _ => c.push(ValidationError::new(
                        format!("lead_days[{i}]"),
                        format!("{l} is not a whole number of days between 0 and 730"),
                    )),
                }
            }
            v.sort_unstable_by(|a, b| b.cmp(a));
            v.dedup();
            out.lead_days = v;
        }
        if let Some(o) = p.overdue_daily {
            out.overdue_daily = o;
        }
        if let Some(tz) = &p.time_zone {
            match parse_time_zone(tz) {
                Ok(name) => out.time_zone = name,
                Err(e) => c.push(e.within("time_zone")),
            }
        }
        if let Some(cal) = &p.calendar {
            if cal.trim().is_empty() {
                out.calendar = None;
            } else {
                match BusinessCalendar::builtin(cal.trim()) {
                    Ok(_) => out.calendar = Some(cal.trim().to_owned()),
                    Err(e) => c.push(ValidationError::new("calendar", e.message)),
                }
            }
        }
        c.finish()?;
        Ok(out)
    }

    /// The tenant's business calendar (weekends only when none is set or it is unknown).
    pub fn business_calendar(&self) -> BusinessCalendar {
        self.calendar
            .as_deref()
            .and_then(|c| BusinessCalendar::builtin(c).ok())
            .unwrap_or_default()
    }

    /// What "today" is for the tenant at instant `now`.
    pub fn today(&self, now: Timestamp) -> Date {
        today_in(&self.time_zone, now)
    }
}

/// A lead time in days, as `lead_days` takes it (schema only).
pub struct LeadDay;

impl utoipa::PartialSchema for LeadDay {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::Integer)
            .minimum(Some(0))
            .maximum(Some(730))
            .description(Some(
                "days before a date that an alert is raised (0 to 730)",
            ))
            .into()
    }
}
impl utoipa::ToSchema for LeadDay {}

/// An IANA time zone name that [`parse_time_zone`] accepts (schema only): the names of the
/// time zone database the server runs with.
pub struct TimeZoneName;

impl utoipa::PartialSchema for TimeZoneName {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        let mut names: Vec<String> = jiff::tz::db()
            .available()
            .map(|n| n.as_str().to_owned())
            .filter(|n| jiff::tz::TimeZone::get(n).is_ok())
            .collect();
        if names.is_empty() {
            names.push("UTC".to_owned());
        }
        names.sort();
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .description(Some("IANA time zone, e.g. `Europe/Berlin`"))
            .enum_values(Some(names))
            .into()
    }
}
impl utoipa::ToSchema for TimeZoneName {}

/// A business-day calendar id, or the empty string for none (schema only).
pub struct CalendarId;

impl utoipa::PartialSchema for CalendarId {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        let mut ids = vec![""];
        ids.extend(BusinessCalendar::builtin_ids());
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .description(Some("a built-in business-day calendar, or empty for none"))
            .enum_values(Some(ids))
            .into()
    }
}
impl utoipa::ToSchema for CalendarId {}

/// Checks an IANA time-zone name.
pub fn parse_time_zone(s: &str) -> Result<String, ValidationError> {
    let t = s.trim();
    jiff::tz::TimeZone::get(t)
        .map(|_| t.to_owned())
        .map_err(|_| {
            ValidationError::new(
                "",
                format!("{t:?} is not an IANA time zone (e.g. Europe/Berlin)"),
            )
        })
}

/// The calendar date at `now` in time zone `tz` (UTC if the name is unknown).
pub fn today_in(tz: &str, now: Timestamp) -> Date {
    let zone = jiff::tz::TimeZone::get(tz).unwrap_or(jiff::tz::TimeZone::UTC);
    Date::from_civil(now.jiff().to_zoned(zone).date())
}

/// The lead time an alert for a date `days_left` away belongs to: the smallest lead that is
/// at least `days_left`. After an outage only the most urgent lead is raised, not all at once.
pub fn choose_lead(days_left: i64, leads: &[u32]) -> Option<u32> {
    if days_left < 0 {
        return None;
    }
    leads
        .iter()
        .copied()
        .filter(|l| i64::from(*l) >= days_left)
        .min()
}

/// Validates a webhook URL: `http` or `https`, a host, no credentials, at most 2000 characters.
pub fn parse_webhook_url(s: &str) -> Result<String, ValidationError> {
    let t = s.trim();
    let bad = |why: &str| ValidationError::new("url", format!("{t:?} {why}"));
    if t.len() > 2000 {
        return Err(bad("is longer than 2000 characters"));
    }
    let rest = t
        .strip_prefix("https://")
        .or_else(|| t.strip_prefix("http://"))
        .ok_or_else(|| bad("must start with https:// (or http://)"))?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.contains('@') {
        return Err(bad(
            "must not carry credentials; the signature authenticates deliveries",
        ));
    }
    let host = authority
        .rsplit_once(':')
        .filter(|(_, port)| port.chars().all(|c| c.is_ascii_digit()))
        .map_or(authority, |(h, _)| h);
    if host.is_empty() || host.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad("has no valid host"));
    }
    if t.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad("must not contain spaces or control characters"));
    }
    Ok(t.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_most_urgent_applicable_lead_is_chosen() {
        let leads = [90, 30, 7, 1];
        assert_eq!(choose_lead(90, &leads), Some(90));
        assert_eq!(choose_lead(45, &leads), Some(90));
        assert_eq!(choose_lead(30, &leads), Some(30));
        assert_eq!(choose_lead(5, &leads), Some(7));
        assert_eq!(choose_lead(0, &leads), Some(1));
        assert_eq!(choose_lead(91, &leads), None);
        assert_eq!(choose_lead(-1, &leads), None);
    }

    #[test]
    fn settings_patches_are_validated_field_by_field() {
        let s = AlertSettings::default();
        let p = AlertSettingsPatch {
            lead_days: Some(vec![30, -1, 2000]),
            time_zone: Some("Mars/Olympus".into()),
            calendar: Some("atlantis".into()),
            ..Default::default()
        };
        let fields: Vec<_> = s
            .apply(&p)
            .unwrap_err()
            .0
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            ["lead_days[1]", "lead_days[2]", "time_zone", "calendar"]
        );
        let ok = s
            .apply(&AlertSettingsPatch {
                lead_days: Some(vec![7, 60, 7, 14]),
                time_zone: Some("Europe/Berlin".into()),
                calendar: Some("england-and-wales".into()),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(ok.lead_days, [60, 14, 7]);
        assert_eq!(ok.business_calendar().name(), "England");
        assert_eq!(
            s.apply(&AlertSettingsPatch {
                lead_days: Some(vec![]),
                ..Default::default()
            })
            .unwrap_err()
            .0[0]
                .field,
            "lead_days"
        );
    }

    #[test]
    fn today_depends_on_the_tenant_time_zone() {
        let now = Timestamp::parse("2026-11-22T23:30:00Z").unwrap();
        assert_eq!(today_in("UTC", now).to_string(), "2026-11-22");
        assert_eq!(today_in("Europe/Berlin", now).to_string(), "2026-11-23");
        assert_eq!(today_in("America/New_York", now).to_string(), "2026-11-22");
    }

    #[test]
    fn webhook_urls_are_checked() {
        assert!(parse_webhook_url("https://hooks.example.com/entente?x=1").is_ok());
        assert!(parse_webhook_url("http://127.0.0.1:9000/hook").is_ok());
        for bad in [
            "ftp://x",
            "https://",
            "https://u:p@host/x",
            "https://ho st/",
            "hooks.example.com",
        ] {
            let e = parse_webhook_url(bad).unwrap_err();
            assert_eq!(e.field, "url", "{bad}");
        }
    }
}
