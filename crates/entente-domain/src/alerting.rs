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

/// Where webhook deliveries may go.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum WebhookTargets {
    /// HTTPS to public addresses only (the default): never the server's own network, so a
    /// webhook cannot be used to reach internal services or the cloud metadata endpoint.
    #[default]
    PublicHttps,
    /// Development on one machine: plain HTTP and private addresses allowed too.
    AnyForDevelopment,
}

/// Checks a webhook URL against the target policy: the scheme, and a host given as an IP
/// address or a name that always means this machine. Names are resolved and checked again
/// when registered and on every delivery ([`forbidden_address`]).
pub fn check_webhook_target(url: &str, targets: WebhookTargets) -> Result<(), ValidationError> {
    let t = parse_webhook_url(url)?;
    if targets == WebhookTargets::AnyForDevelopment {
        return Ok(());
    }
    let bad = |why: String| ValidationError::new("url", format!("{t:?} {why}"));
    let Some(rest) = t.strip_prefix("https://") else {
        return Err(bad(
            "must use https:// (plain http:// is allowed only when the server runs with --webhooks-allow-private for development)".into(),
        ));
    };
    let host = webhook_host(rest);
    let lower = host.to_ascii_lowercase();
    if lower == "localhost" || lower.ends_with(".localhost") || lower == "metadata.google.internal"
    {
        return Err(bad(format!(
            "names {host}, which is this machine's own network"
        )));
    }
    let literal = lower
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<std::net::IpAddr>();
    match literal.ok().and_then(forbidden_address) {
        Some(why) => Err(bad(format!(
            "is {why}; webhooks go to public addresses only"
        ))),
        None => Ok(()),
    }
}

/// The host of a URL's remainder after the scheme (IPv6 literals keep their brackets).
pub fn webhook_host(rest: &str) -> &str {
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.starts_with('[') {
        return authority.split_inclusive(']').next().unwrap_or(authority);
    }
    authority.rsplit_once(':').map_or(authority, |(h, _)| h)
}

/// Why an address may not receive webhooks, or `None` for a public one: loopback, private
/// (RFC 1918, unique local), link-local (where cloud metadata services answer), shared
/// (carrier-grade NAT), unspecified, broadcast, multicast and documentation ranges, and IPv4
/// addresses inside IPv6 forms.
pub fn forbidden_address(ip: std::net::IpAddr) -> Option<&'static str> {
    use std::net::IpAddr;
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            if v4.is_loopback() {
                Some("a loopback address")
            } else if v4.is_private() {
                Some("a private address")
            } else if v4.is_link_local() {
                Some("a link-local address (where cloud metadata services answer)")
            } else if a == 100 && (64..128).contains(&b) {
                Some("a shared (carrier-grade NAT) address")
            } else if v4.is_unspecified() || a == 0 {
                Some("an unspecified address")
            } else if v4.is_broadcast() || v4.is_multicast() || a >= 240 {
                Some("a broadcast, multicast or reserved address")
            } else if v4.is_documentation() {
                Some("a documentation address")
            } else {
                None
            }
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return forbidden_address(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            if v6.is_loopback() {
                Some("a loopback address")
            } else if v6.is_unspecified() {
                Some("an unspecified address")
            } else if first & 0xfe00 == 0xfc00 {
                Some("a private (unique local) address")
            } else if first & 0xffc0 == 0xfe80 {
                Some("a link-local address")
            } else if v6.is_multicast() {
                Some("a multicast address")
            } else if first == 0x2001 && v6.segments()[1] == 0x0db8 {
                Some("a documentation address")
            } else if first == 0x0064 && v6.segments()[1] == 0xff9b {
                // NAT64: the IPv4 address in its last 32 bits decides.
                let [.., c, d] = v6.segments();
                let v4 = std::net::Ipv4Addr::new((c >> 8) as u8, c as u8, (d >> 8) as u8, d as u8);
                forbidden_address(IpAddr::V4(v4))
            } else {
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webhooks_go_to_public_https_addresses_only() {
        let public = WebhookTargets::PublicHttps;
        assert!(check_webhook_target("https://hooks.example.com/in", public).is_ok());
        assert!(check_webhook_target("https://93.184.216.34:8443/in", public).is_ok());
        for (url, why) in [
            ("http://hooks.example.com/in", "must use https://"),
            ("https://127.0.0.1/in", "loopback"),
            ("https://localhost:8080/in", "this machine"),
            ("https://api.localhost/in", "this machine"),
            ("https://10.1.2.3/in", "private"),
            ("https://172.20.0.1/in", "private"),
            ("https://192.168.1.10/in", "private"),
            ("https://169.254.169.254/latest/meta-data", "link-local"),
            ("https://metadata.google.internal/x", "this machine"),
            ("https://100.64.0.1/in", "carrier-grade"),
            ("https://0.0.0.0/in", "unspecified"),
            ("https://[::1]:8443/in", "loopback"),
            ("https://[fd00::1]/in", "unique local"),
            ("https://[fe80::1]/in", "link-local"),
            ("https://[::ffff:127.0.0.1]/in", "loopback"),
            ("https://[64:ff9b::a9fe:a9fe]/in", "link-local"),
        ] {
            let e = check_webhook_target(url, public).unwrap_err();
            assert_eq!(e.field, "url");
            assert!(e.message.contains(why), "{url}: {}", e.message);
        }
        // Development on one machine may use plain HTTP to a local receiver.
        assert!(
            check_webhook_target("http://127.0.0.1:9/hook", WebhookTargets::AnyForDevelopment)
                .is_ok()
        );
    }

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
