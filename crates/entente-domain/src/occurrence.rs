//! Obligations over time: a due rule (one-off, relative to an event, or recurring) becomes
//! dated occurrences, each with its derivation; recurring rules map to RFC 5545 RRULEs.

use crate::calendar::{BusinessCalendar, after_times};
use crate::keydates::{Ending, TermEnd};
use crate::obligation::{Alignment, DueRule, Event, Frequency, ObligationStatus};
use crate::{Date, Timestamp, ValidationError};
use serde::{Deserialize, Serialize};

/// One dated occurrence of an obligation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Occurrence {
    /// When it falls due.
    pub due: Date,
    /// 1 for the first occurrence, 2 for the second …
    pub seq: u32,
    /// How the date was computed.
    pub derivation: String,
    /// True when the date only holds if the agreement ends at the end of its current term.
    pub conditional: bool,
    /// The period a recurring duty's occurrence covers (a measurement taken in it answers it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<Span>,
}

/// One period of a recurring duty, first and last day included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Span {
    /// First day.
    pub start: Date,
    /// Last day.
    pub end: Date,
}

/// One period of a recurring duty, as [`periods`] lays them out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodSpan {
    /// 1 for the first period.
    pub index: u32,
    /// First day of the whole period (for the first calendar period, possibly before the
    /// effective date).
    pub start: Date,
    /// Last day.
    pub end: Date,
    /// In words: "calendar quarter Q1 2026", "contract quarter 3 (2025-09-01 – 2025-11-30)".
    pub label: String,
}

/// The periods of a recurring duty from its anchor (the effective date), earliest first.
/// Calendar periods start with the one the anchor falls in; contract periods are counted from
/// the anchor, month ends staying month ends (each start is the anchor plus k periods, so
/// 31 January gives 30 April, not 28 April, for the third month).
pub fn periods(
    frequency: Frequency,
    alignment: Alignment,
    anchor: Date,
) -> impl Iterator<Item = PeriodSpan> {
    let plain = BusinessCalendar::weekends_only();
    let step = frequency.period();
    let months = step.whole_months();
    let first_start = match (alignment, months) {
        (Alignment::Contract, _) => anchor,
        (Alignment::Calendar, Some(n)) => {
            let (y, m, _) = anchor.ymd();
            let n = i8::try_from(n.clamp(1, 12)).unwrap_or(12);
            // The calendar period holding the anchor starts in the month ≡ 1 mod n.
            let m0 = (m - 1) / n * n + 1;
            Date::from_ymd(y, m0, 1).unwrap_or(anchor)
        }
        // Calendar weeks run Monday to Sunday.
        (Alignment::Calendar, None) => {
            let back = i64::from(anchor.civil().weekday().to_monday_zero_offset());
            anchor.plus_days(-back)
        }
    };
    (1u32..).map_while(move |k| {
        let start = after_times(&plain, step, k - 1, first_start);
        let next = after_times(&plain, step, k, first_start);
        if next <= start {
            return None;
        }
        let end = next.plus_days(-1);
        let label = match alignment {
            Alignment::Calendar => calendar_label(frequency, start),
            Alignment::Contract => {
                format!("contract {} {k} from {start}", frequency.period_word())
            }
        };
        Some(PeriodSpan {
            index: k,
            start,
            end,
            label,
        })
    })
}

fn calendar_label(frequency: Frequency, start: Date) -> String {
    let (y, m, _) = start.ymd();
    match frequency {
        Frequency::Weekly => format!("calendar week of {start}"),
        Frequency::Monthly => format!(
            "{} {y}",
            crate::time::MONTHS[usize::try_from(m - 1).unwrap_or(0) % 12]
        ),
        Frequency::Quarterly => format!("calendar quarter Q{} {y}", (m - 1) / 3 + 1),
        Frequency::SemiAnnually => format!("calendar half-year H{} {y}", (m - 1) / 6 + 1),
        Frequency::Annually => format!("calendar year {y}"),
    }
}

/// The agreement dates occurrences hang on.
#[derive(Debug, Clone)]
pub struct OccurrenceContext<'a> {
    /// Effective date, if known.
    pub effective: Option<Date>,
    /// End of the current term, if known (a recorded ending already applied).
    pub term_end: Option<TermEnd>,
    /// The recorded ending, if notice has been given: conditional duties match against it.
    pub ending: Option<&'a Ending>,
    /// Business-day rules for offsets in business days.
    pub calendar: &'a BusinessCalendar,
}

/// Upper bound on occurrences generated in one call (weekly for 20 years is ~1000).
const MAX_OCCURRENCES: usize = 2000;

/// How far around a change of wording to look for the periods it hands over: no period of a
/// recurring duty is longer than a year, and its due date follows its end by less than another.
const HANDOVER_WINDOW: i64 = 800;
/// Occurrences under an earlier wording are numbered from here (times the wording's place from
/// the newest), so their deadline subjects never collide with the current wording's.
pub const EARLIER_WORDING_SEQ: u32 = 10_000;

/// The occurrences of an obligation within `from..=until`, across its wordings: each earlier
/// wording governs what fell due before the day it was replaced, and the next wording what
/// falls due from that day. A period still open when the wording changed (due on or after the
/// change under the old words) takes its date from the new words, even if that date has passed;
/// a period already due under the old words is not due again. Nothing falls due from the day
/// the duty was retired.
pub fn expand_obligation(
    o: &crate::obligation::Obligation,
    ctx: &OccurrenceContext<'_>,
    from: Date,
    until: Date,
) -> Vec<Occurrence> {
    let until = match o.retired_on {
        Some(r) => until.min(r.plus_days(-1)),
        None => until,
    };
    if o.revisions.is_empty() {
        return expand(&o.due, ctx, from, until);
    }
    if from > until {
        return Vec::new();
    }
    let rules: Vec<&DueRule> = o
        .revisions
        .iter()
        .map(|r| &r.due)
        .chain(std::iter::once(&o.due))
        .collect();
    let n = rules.len();
    let mut out = Vec::new();
    for (i, rule) in rules.iter().enumerate() {
        let lower = i.checked_sub(1).map(|p| o.revisions[p].until);
        let upper = o.revisions.get(i).map(|r| r.until.plus_days(-1));
        let seg_until = upper.map_or(until, |u| u.min(until));
        let mut mine = Vec::new();
        match lower {
            None => mine.extend(expand(rule, ctx, from, seg_until)),
            Some(l) => {
                let prev = rules[i - 1];
                let key_set = |v: Vec<Occurrence>| -> Vec<Key> { v.iter().map(key).collect() };
                let done_before = key_set(expand(
                    prev,
                    ctx,
                    l.plus_days(-HANDOVER_WINDOW),
                    l.plus_days(-1),
                ));
                let open_at = key_set(expand(prev, ctx, l, l.plus_days(HANDOVER_WINDOW)));
                mine.extend(
                    expand(rule, ctx, from.max(l), seg_until)
                        .into_iter()
                        .filter(|occ| !done_before.contains(&key(occ))),
                );
                let early_until = seg_until.min(l.plus_days(-1));
                let early_from = from.max(l.plus_days(-HANDOVER_WINDOW));
                if early_from <= early_until {
                    mine.extend(
                        expand(rule, ctx, early_from, early_until)
                            .into_iter()
                            .filter(|occ| open_at.contains(&key(occ))),
                    );
                }
            }
        }
        let shift = EARLIER_WORDING_SEQ * u32::try_from(n - 1 - i).unwrap_or(0);
        out.extend(mine.into_iter().map(|mut occ| {
            occ.seq += shift;
            if i + 1 < n {
                occ.derivation = format!(
                    "{} (under the wording before {})",
                    occ.derivation, o.revisions[i].until
                );
            }
            occ
        }));
    }
    out.sort_by_key(|occ| (occ.due, occ.seq));
    out
}

/// What makes two wordings' occurrences the same one: the period covered, or for a one-off
/// duty its place in the sequence.
#[derive(Debug, PartialEq, Eq)]
enum Key {
    Period(Date),
    Seq(u32),
}

fn key(o: &Occurrence) -> Key {
    match o.period {
        Some(p) => Key::Period(p.start),
        None => Key::Seq(o.seq),
    }
}

/// The occurrences of `rule` falling due within `from..=until`, earliest first.
pub fn expand(
    rule: &DueRule,
    ctx: &OccurrenceContext<'_>,
    from: Date,
    until: Date,
) -> Vec<Occurrence> {
    let cal = ctx.calendar;
    let in_range = |d: Date| d >= from && d <= until;
    let one = |due: Date, derivation: String, conditional: bool| {
        if in_range(due) {
            vec![Occurrence {
                due,
                seq: 1,
                derivation,
                conditional,
                period: None,
            }]
        } else {
            Vec::new()
        }
    };
    // A computed date moves off weekends and holidays; a date the contract states does not.
    let computed = |raw: Date, derivation: String, conditional: bool| {
        let (due, moved) = to_business_day(cal, raw);
        one(due, format!("{derivation}{moved}"), conditional)
    };
    match rule {
        DueRule::None => Vec::new(),
        DueRule::On { date } => one(*date, "due on a fixed date".into(), false),
        DueRule::After {
            period,
            event: Event::Effective,
        } => match ctx.effective {
            Some(e) => computed(
                cal.after(*period, e),
                format!("effective date {e} plus {}", period.human()),
                false,
            ),
            None => Vec::new(),
        },
        DueRule::After {
            period,
            event: Event::Signature,
        } => match ctx.effective {
            Some(e) => computed(
                cal.after(*period, e),
                format!(
                    "signature (taken as the effective date {e}) plus {}",
                    period.human()
                ),
                false,
            ),
            None => Vec::new(),
        },
        DueRule::After {
            period,
            event: Event::Termination,
        } => match ctx.term_end {
            Some(end) => {
                let d = cal.after(*period, end.date);
                let derivation = if end.renews {
                    format!(
                        "if the agreement ends at the end of its current term on {}: plus {}",
                        end.date,
                        period.human()
                    )
                } else {
                    format!(
                        "end of the agreement on {} plus {}",
                        end.date,
                        period.human()
                    )
                };
                computed(d, derivation, end.renews)
            }
            None => Vec::new(),
        },
        DueRule::After {
            period,
            event: Event::TerminationBy { party, clause },
        } => match ctx.ending.filter(|e| e.matches(party, clause.as_deref())) {
            Some(e) => computed(
                cal.after(*period, e.effective),
                format!(
                    "{}, effective {}, plus {}",
                    e.words(),
                    e.effective,
                    period.human()
                ),
                false,
            ),
            None => Vec::new(),
        },
        // Invoices and other events have no date the system knows in advance.
        DueRule::After { .. } => Vec::new(),
        DueRule::Recurring {
            frequency,
            offset,
            alignment,
            final_partial,
        } => {
            let Some(anchor) = ctx.effective else {
                return Vec::new();
            };
            let align = alignment.unwrap_or(frequency.default_alignment());
            let word = frequency.period_word();
            let stated = match (alignment, align) {
                (Some(_), _) => String::new(),
                (None, Alignment::Calendar) => {
                    format!("; calendar {word}s, as the contract does not say otherwise")
                }
                (None, Alignment::Contract) => format!(
                    "; {word}s counted from the effective date, as the contract does not say otherwise"
                ),
            };
            // A period counts when it ends within the term; the one the agreement ends in
            // counts too when the contract says so.
            let last_day = match ctx.term_end {
                Some(e) if !e.renews => Some(e.date),
                _ => None,
            };
            let mut out = Vec::new();
            for p in periods(*frequency, align, anchor) {
                let ends_within = last_day.is_none_or(|l| p.end <= l);
                let holds_end = last_day.is_some_and(|l| p.start <= l && p.end > l);
                if !(ends_within || (holds_end && *final_partial)) {
                    break;
                }
                // A deadline counted after the period end leaves weekends and holidays; the
                // period end itself is where the period ends (a month's uptime is measured to
                // its last day, whatever day that is).
                let (due, moved) = match offset {
                    Some(o) => to_business_day(cal, cal.after(*o, p.end)),
                    None => (p.end, String::new()),
                };
                if due > until || out.len() >= MAX_OCCURRENCES {
                    break;
                }
                if due >= from {
                    let partial = if p.start < anchor {
                        format!(" (partial: in force from {anchor})")
                    } else if last_day.is_some_and(|l| p.end > l) {
                        format!(
                            " (partial: the agreement ends on {})",
                            p.end.min(last_day.unwrap_or(p.end))
                        )
                    } else {
                        String::new()
                    };
                    let base = match offset {
                        Some(o) => format!(
                            "{} after the end of {} on {}{partial}",
                            o.human(),
                            p.label,
                            p.end
                        ),
                        None => format!("end of {} on {}{partial}", p.label, p.end),
                    };
                    out.push(Occurrence {
                        due,
                        seq: p.index,
                        derivation: format!("{base}{moved}{stated}"),
                        conditional: false,
                        period: Some(Span {
                            start: p.start.max(anchor),
                            end: p.end,
                        }),
                    });
                }
            }
            out
        }
    }
}

/// A computed due date on a weekend or holiday moves back to the preceding business day (the
/// safe side: done by then is done in time). Returns the date and the words saying so.
fn to_business_day(cal: &BusinessCalendar, d: Date) -> (Date, String) {
    match cal.why_closed(d) {
        Some(why) => (
            cal.preceding_business_day(d),
            format!(" = {d}, {why}, so the preceding business day"),
        ),
        None => (d, String::new()),
    }
}

/// The RFC 5545 recurrence rule whose instances after DTSTART = the effective date are the
/// period ends of a recurring duty. Month ends stay month ends: a rule anchored on the 31st
/// uses `BYMONTHDAY=28,29,30,31;BYSETPOS=-1` (the last of those days each month has).
pub fn rrule(frequency: Frequency, effective: Date) -> String {
    let (_, m, day) = effective.ymd();
    let base = frequency.rrule();
    match frequency {
        Frequency::Weekly => base.to_owned(),
        Frequency::Annually if m == 2 && day == 29 => {
            format!("{base};BYMONTH=2;BYMONTHDAY=28,29;BYSETPOS=-1")
        }
        Frequency::Annually => base.to_owned(),
        _ if day > 28 => {
            let days: Vec<String> = (28..=day).map(|d| d.to_string()).collect();
            format!("{base};BYMONTHDAY={};BYSETPOS=-1", days.join(","))
        }
        _ => base.to_owned(),
    }
}

/// What a person recorded about one occurrence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OccurrenceRecord {
    /// Done, waived, or back to pending.
    pub status: ObligationStatus,
    /// Who recorded it.
    pub by: String,
    /// When.
    pub at: Timestamp,
    /// Note: what was done, or why it was waived.
    pub note: Option<String>,
}

/// The statuses a person sets on an occurrence (`overdue` is computed).
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)] // Describes the request field only.
pub enum OccurrenceChange {
    Pending,
    Done,
    Waived,
}

/// A status change someone asks for on one occurrence.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct OccurrenceUpdate {
    /// `done`, `waived` or `pending`.
    #[schema(value_type = OccurrenceChange)]
    pub status: String,
    /// What was done (for `done`).
    #[serde(default)]
    pub note: Option<String>,
    /// Why it was waived (required for `waived`).
    #[serde(default)]
    pub reason: Option<String>,
}

impl OccurrenceUpdate {
    /// Validates: the status must be one a person sets (overdue is computed), a waiver needs
    /// a reason, notes are bounded. Returns the status and the note to keep.
    pub fn validate(&self) -> Result<(ObligationStatus, Option<String>), ValidationError> {
        let status = ObligationStatus::parse(&self.status).map_err(|e| e.within("status"))?;
        if status == ObligationStatus::Overdue {
            return Err(ValidationError::new(
                "status",
                "overdue is computed from the due date; set done, waived or pending",
            ));
        }
        let clean = |s: &Option<String>, field: &str| -> Result<Option<String>, ValidationError> {
            match s.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                Some(t) if t.chars().count() > 2000 => Err(ValidationError::new(
                    field,
                    "must be at most 2000 characters",
                )),
                other => Ok(other.map(str::to_owned)),
            }
        };
        let note = clean(&self.note, "note")?;
        let reason = clean(&self.reason, "reason")?;
        if status == ObligationStatus::Waived {
            let r = reason.ok_or_else(|| {
                ValidationError::new(
                    "reason",
                    "a waiver needs a reason (who released the duty, and why)",
                )
            })?;
            return Ok((status, Some(r)));
        }
        Ok((status, note.or(reason)))
    }
}

/// The status an occurrence shows: what a person recorded, else what the obligation as a
/// whole says (waived, or done for a one-off duty), else — for an occurrence due before
/// `tracked_from`, the day the agreement's tracking began — history, else pending or overdue
/// by the date.
///
/// History is what nobody is asked to act on: an executed agreement imported today has
/// occurrences going back to its effective date that were handled (or not) before anyone
/// tracked them here. Whatever a person says wins over it: recording an occurrence done or
/// waived keeps that status, recording it pending brings it back into tracking (overdue once
/// past due), and a one-off duty someone marked overdue stays overdue.
pub fn effective_status(
    recorded: Option<ObligationStatus>,
    obligation: ObligationStatus,
    recurring: bool,
    due: Date,
    today: Date,
    tracked_from: Option<Date>,
) -> ObligationStatus {
    if let Some(s) = recorded
        && s != ObligationStatus::Pending
    {
        return s;
    }
    if recorded.is_none() {
        match obligation {
            ObligationStatus::Waived => return ObligationStatus::Waived,
            ObligationStatus::Done if !recurring => return ObligationStatus::Done,
            ObligationStatus::Overdue if !recurring => return overdue_or_pending(due, today),
            _ => {}
        }
        if tracked_from.is_some_and(|t| due < t) {
            return ObligationStatus::History;
        }
    }
    overdue_or_pending(due, today)
}

fn overdue_or_pending(due: Date, today: Date) -> ObligationStatus {
    if due < today {
        ObligationStatus::Overdue
    } else {
        ObligationStatus::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Period;
    use proptest::prelude::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    fn ctx<'a>(
        cal: &'a BusinessCalendar,
        eff: &str,
        end: Option<(&str, bool)>,
    ) -> OccurrenceContext<'a> {
        OccurrenceContext {
            effective: Some(d(eff)),
            term_end: end.map(|(e, renews)| TermEnd { date: d(e), renews }),
            ending: None,
            calendar: cal,
        }
    }

    fn revised(
        now: DueRule,
        earlier: Vec<(DueRule, &str)>,
        retired: Option<&str>,
    ) -> crate::obligation::Obligation {
        crate::obligation::Obligation {
            id: crate::ObligationId::new(),
            agreement_id: crate::AgreementId::new(),
            obligor: "each".into(),
            beneficiary: None,
            text: "review meeting".into(),
            due: now,
            due_date: None,
            metric: None,
            status: ObligationStatus::Pending,
            owner: None,
            vague: false,
            survives: false,
            overdue_occurrences: Vec::new(),
            revisions: earlier
                .into_iter()
                .map(|(due, until)| crate::obligation::ObligationRevision {
                    obligor: "each".into(),
                    text: "review meeting".into(),
                    due,
                    metric: None,
                    until: d(until),
                    replaced_by_version: Some(2),
                })
                .collect(),
            retired_on: retired.map(d),
        }
    }

    fn quarterly(days: u32) -> DueRule {
        DueRule::recurring(Frequency::Quarterly, Some(Period::days(days).unwrap()))
    }

    fn dues(o: &crate::obligation::Obligation, cal: &BusinessCalendar) -> Vec<(String, u32)> {
        expand_obligation(
            o,
            &ctx(cal, "2025-01-01", None),
            d("2026-04-01"),
            d("2027-05-31"),
        )
        .iter()
        .map(|x| (x.due.to_string(), x.seq))
        .collect()
    }

    #[test]
    fn a_period_open_at_a_change_of_words_takes_the_new_date_even_if_it_has_passed() {
        let cal = BusinessCalendar::weekends_only();
        // 30 -> 28 days after each quarter, changed on 29 October 2026: Q3 was due on 30 October
        // under the old words, so it was still open; the new words make it due on 28 October.
        let o = revised(quarterly(28), vec![(quarterly(30), "2026-10-29")], None);
        let got = dues(&o, &cal);
        let dates: Vec<_> = got.iter().map(|x| x.0.as_str()).collect();
        assert_eq!(
            dates,
            [
                "2026-04-30",
                "2026-07-30",
                "2026-10-28",
                "2027-01-28",
                "2027-04-28"
            ]
        );
        // The earlier wording's occurrences are numbered apart from the current one's.
        assert!(
            got[0].1 > EARLIER_WORDING_SEQ && got[2].1 < EARLIER_WORDING_SEQ,
            "{got:?}"
        );
    }

    #[test]
    fn a_period_already_due_under_the_old_words_is_not_due_again() {
        let cal = BusinessCalendar::weekends_only();
        // 30 -> 60 days, changed on 15 November 2026: Q3 fell due on 30 October; under the new
        // words it would fall due on 29 November, but it is not owed twice.
        let o = revised(quarterly(60), vec![(quarterly(30), "2026-11-15")], None);
        let dates: Vec<_> = dues(&o, &cal).into_iter().map(|x| x.0).collect();
        assert_eq!(
            dates,
            [
                "2026-04-30",
                "2026-07-30",
                "2026-10-30",
                "2027-03-01",
                "2027-05-28"
            ]
        );
    }

    #[test]
    fn a_one_off_duty_changed_before_it_fell_due_moves_and_after_it_stays() {
        let cal = BusinessCalendar::weekends_only();
        let after = |days| DueRule::After {
            period: Period::days(days).unwrap(),
            event: Event::Effective,
        };
        let all = |o: &crate::obligation::Obligation| -> Vec<String> {
            expand_obligation(o, &ctx(&cal, "2026-01-05", None), Date::MIN, Date::MAX)
                .iter()
                .map(|x| x.due.to_string())
                .collect()
        };
        // 90 days after 5 January is 5 April (a Sunday -> Friday 3 April); 120 days is 5 May.
        let before_due = revised(after(120), vec![(after(90), "2026-03-01")], None);
        assert_eq!(all(&before_due), ["2026-05-05"]);
        let after_due = revised(after(120), vec![(after(90), "2026-04-20")], None);
        assert_eq!(all(&after_due), ["2026-04-03"]);
    }

    #[test]
    fn a_retired_duty_falls_due_no_more() {
        let cal = BusinessCalendar::weekends_only();
        let o = revised(quarterly(30), Vec::new(), Some("2026-10-30"));
        let dates: Vec<_> = dues(&o, &cal).into_iter().map(|x| x.0).collect();
        assert_eq!(dates, ["2026-04-30", "2026-07-30"]);
        let o = revised(
            quarterly(28),
            vec![(quarterly(30), "2026-10-29")],
            Some("2027-02-01"),
        );
        let dates: Vec<_> = dues(&o, &cal).into_iter().map(|x| x.0).collect();
        assert_eq!(
            dates,
            ["2026-04-30", "2026-07-30", "2026-10-28", "2027-01-28"]
        );
    }

    #[test]
    fn quarterly_reports_fall_due_after_each_quarter_until_the_agreement_ends() {
        let cal = BusinessCalendar::weekends_only();
        let rule = DueRule::recurring(Frequency::Quarterly, Some(Period::days(15).unwrap()));
        let occ = expand(
            &rule,
            &ctx(&cal, "2026-01-31", Some(("2027-01-31", false))),
            d("2026-01-01"),
            d("2030-01-01"),
        );
        let dates: Vec<_> = occ.iter().map(|o| o.due.to_string()).collect();
        // Calendar quarters; the quarter the agreement ends in is not covered unless stated.
        assert_eq!(
            dates,
            ["2026-04-15", "2026-07-15", "2026-10-15", "2027-01-15"]
        );
        assert_eq!(
            occ[0].derivation,
            "15 days after the end of calendar quarter Q1 2026 on 2026-03-31 (partial: in force from 2026-01-31); calendar quarters, as the contract does not say otherwise"
        );
        assert_eq!(
            occ[0].period,
            Some(Span {
                start: d("2026-01-31"),
                end: d("2026-03-31")
            })
        );
        assert_eq!(occ[3].seq, 4);
        let with_last = DueRule::Recurring {
            frequency: Frequency::Quarterly,
            offset: Some(Period::days(15).unwrap()),
            alignment: Some(Alignment::Calendar),
            final_partial: true,
        };
        let occ = expand(
            &with_last,
            &ctx(&cal, "2026-01-31", Some(("2027-01-31", false))),
            d("2026-01-01"),
            d("2030-01-01"),
        );
        let last = occ.last().unwrap();
        assert_eq!((last.due, last.seq), (d("2027-04-15"), 5));
        assert!(
            last.derivation
                .ends_with("(partial: the agreement ends on 2027-01-31)"),
            "{}",
            last.derivation
        );
    }

    #[test]
    fn contract_periods_run_from_the_effective_date_and_due_dates_leave_weekends() {
        let cal = BusinessCalendar::weekends_only();
        let rule = DueRule::Recurring {
            frequency: Frequency::Quarterly,
            offset: Some(Period::days(15).unwrap()),
            alignment: Some(Alignment::Contract),
            final_partial: false,
        };
        let occ = expand(
            &rule,
            &ctx(&cal, "2025-03-01", None),
            d("2025-01-01"),
            d("2026-03-01"),
        );
        let dates: Vec<_> = occ.iter().map(|o| o.due.to_string()).collect();
        // 1 March – 31 May, + 15 days = 15 June 2025, a Sunday: Friday 13 June.
        assert_eq!(dates, ["2025-06-13", "2025-09-15", "2025-12-15"]);
        assert_eq!(
            occ[0].derivation,
            "15 days after the end of contract quarter 1 from 2025-03-01 on 2025-05-31 = 2025-06-15, a Sunday, so the preceding business day"
        );
    }

    #[test]
    fn one_off_and_relative_duties_have_one_occurrence() {
        let cal = BusinessCalendar::weekends_only();
        let c = ctx(&cal, "2026-01-31", Some(("2028-01-31", false)));
        let (from, until) = (d("2000-01-01"), d("2100-01-01"));
        let after = DueRule::After {
            period: Period::days(30).unwrap(),
            event: Event::Effective,
        };
        assert_eq!(expand(&after, &c, from, until)[0].due, d("2026-03-02"));
        let exit = DueRule::After {
            period: Period::days(30).unwrap(),
            event: Event::Termination,
        };
        let o = &expand(&exit, &c, from, until)[0];
        assert_eq!((o.due, o.conditional), (d("2028-03-01"), false));
        let fixed = DueRule::On {
            date: d("2026-07-01"),
        };
        assert_eq!(expand(&fixed, &c, from, until).len(), 1);
        assert!(expand(&fixed, &c, d("2026-07-02"), until).is_empty());
        let invoice = DueRule::After {
            period: Period::days(30).unwrap(),
            event: Event::Invoice,
        };
        assert!(expand(&invoice, &c, from, until).is_empty());
    }

    #[test]
    fn a_post_termination_duty_under_an_auto_renewing_agreement_is_conditional() {
        let cal = BusinessCalendar::weekends_only();
        let c = ctx(&cal, "2026-01-31", Some(("2028-01-31", true)));
        let exit = DueRule::After {
            period: Period::days(30).unwrap(),
            event: Event::Termination,
        };
        let o = &expand(&exit, &c, d("2000-01-01"), d("2100-01-01"))[0];
        assert!(o.conditional);
        assert!(o.derivation.starts_with("if the agreement ends"));
    }

    #[test]
    fn rrules_keep_month_ends() {
        assert_eq!(
            rrule(Frequency::Monthly, d("2026-01-31")),
            "FREQ=MONTHLY;BYMONTHDAY=28,29,30,31;BYSETPOS=-1"
        );
        assert_eq!(
            rrule(Frequency::Quarterly, d("2026-01-15")),
            "FREQ=MONTHLY;INTERVAL=3"
        );
        assert_eq!(
            rrule(Frequency::Annually, d("2028-02-29")),
            "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=28,29;BYSETPOS=-1"
        );
    }

    #[test]
    fn occurrence_status_prefers_what_a_person_recorded() {
        use ObligationStatus::*;
        let (due, today) = (d("2026-01-01"), d("2026-02-01"));
        assert_eq!(
            effective_status(None, Pending, true, due, today, None),
            Overdue
        );
        assert_eq!(
            effective_status(Some(Done), Pending, true, due, today, None),
            Done
        );
        assert_eq!(effective_status(None, Done, false, due, today, None), Done);
        assert_eq!(
            effective_status(None, Done, true, due, today, None),
            Overdue,
            "a recurring duty done once is not done for ever"
        );
        assert_eq!(
            effective_status(None, Waived, true, due, today, None),
            Waived
        );
        assert_eq!(
            effective_status(Some(Pending), Done, false, due, d("2025-01-01"), None),
            Pending
        );
    }

    #[test]
    fn occurrences_due_before_tracking_began_are_history_unless_someone_said_otherwise() {
        use ObligationStatus::*;
        let today = d("2026-06-01");
        let tracked = Some(d("2026-03-01"));
        let before = d("2026-02-28");
        // Nobody recorded anything: history, for recurring and one-off duties alike.
        assert_eq!(
            effective_status(None, Pending, true, before, today, tracked),
            History
        );
        assert_eq!(
            effective_status(None, Pending, false, before, today, tracked),
            History
        );
        // From the first day of tracking on, the date decides.
        assert_eq!(
            effective_status(None, Pending, true, d("2026-03-01"), today, tracked),
            Overdue
        );
        assert_eq!(
            effective_status(None, Pending, true, d("2026-07-01"), today, tracked),
            Pending
        );
        // What a person recorded wins; a pending record brings the occurrence back.
        assert_eq!(
            effective_status(Some(Done), Pending, true, before, today, tracked),
            Done
        );
        assert_eq!(
            effective_status(Some(Pending), Pending, true, before, today, tracked),
            Overdue
        );
        // The obligation as a whole: waived, a one-off done, a one-off someone marked overdue.
        assert_eq!(
            effective_status(None, Waived, true, before, today, tracked),
            Waived
        );
        assert_eq!(
            effective_status(None, Done, false, before, today, tracked),
            Done
        );
        assert_eq!(
            effective_status(None, Overdue, false, before, today, tracked),
            Overdue
        );
        assert_eq!(
            effective_status(None, Overdue, true, before, today, tracked),
            History,
            "a recurring duty's own status says nothing about one old occurrence"
        );
        // No tracking date: tracked from the start.
        assert_eq!(
            effective_status(None, Pending, true, before, today, None),
            Overdue
        );
    }

    #[test]
    fn occurrence_updates_are_validated_naming_the_field() {
        let cases = [
            (
                OccurrenceUpdate {
                    status: "finished".into(),
                    ..Default::default()
                },
                "status",
            ),
            (
                OccurrenceUpdate {
                    status: "overdue".into(),
                    ..Default::default()
                },
                "status",
            ),
            (
                OccurrenceUpdate {
                    status: "waived".into(),
                    ..Default::default()
                },
                "reason",
            ),
            (
                OccurrenceUpdate {
                    status: "done".into(),
                    note: Some("x".repeat(2001)),
                    ..Default::default()
                },
                "note",
            ),
        ];
        for (u, field) in cases {
            assert_eq!(u.validate().unwrap_err().field, field, "{u:?}");
        }
        let ok = OccurrenceUpdate {
            status: "waived".into(),
            reason: Some(" partner agreed ".into()),
            ..Default::default()
        };
        assert_eq!(
            ok.validate().unwrap(),
            (ObligationStatus::Waived, Some("partner agreed".into()))
        );
    }

    proptest! {
        #[test]
        fn occurrences_are_increasing_within_range_and_anchored(
            y in 2000i16..2060, m in 1i8..=12, day in 1i8..=31, f in 0usize..5, offset in 0u32..40
        ) {
            prop_assume!(Date::from_ymd(y, m, day).is_ok());
            let eff = Date::from_ymd(y, m, day).unwrap();
            let frequency = [Frequency::Weekly, Frequency::Monthly, Frequency::Quarterly, Frequency::SemiAnnually, Frequency::Annually][f];
            let cal = BusinessCalendar::weekends_only();
            let c = OccurrenceContext { effective: Some(eff), term_end: None, ending: None, calendar: &cal };
            let rule = DueRule::Recurring { frequency, offset: Period::days(offset).ok(), alignment: Some(Alignment::Contract), final_partial: false };
            let (from, until) = (eff.plus_days(100), eff.plus_days(2000));
            let occ = expand(&rule, &c, from, until);
            prop_assert!(!occ.is_empty());
            for w in occ.windows(2) {
                prop_assert!(w[0].due <= w[1].due);
                prop_assert_eq!(w[0].seq + 1, w[1].seq);
            }
            for o in &occ {
                prop_assert!(o.due >= from && o.due <= until);
                let end = after_times(&cal, frequency.period(), o.seq, eff).plus_days(-1);
                let expected = match Period::days(offset) {
                    Ok(_) => cal.preceding_business_day(end.plus_days(i64::from(offset))),
                    Err(_) => end,
                };
                prop_assert_eq!(o.due, expected);
            }
        }
    }
}
