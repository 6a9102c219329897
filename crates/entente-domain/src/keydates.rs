//! The key-date engine: from an agreement's terms, the dates that matter (effective date,
//! expiry, each renewal, notice deadlines, exits, reviews, confidentiality end), each with a
//! derivation in words and the clause it rests on. Pure: the caller passes today and clauses.

use crate::calendar::{BusinessCalendar, after_times};
use crate::clause::Clause;
use crate::terms::{Source, TermField, TermValue, Terms};
use crate::{ClauseId, Date, Period, PeriodUnit};
use serde::{Deserialize, Serialize};
use std::fmt;

/// What a key date is.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum KeyDateKind {
    /// The agreement takes effect.
    Effective,
    /// The agreement ends (no automatic renewal).
    Expiration,
    /// The agreement renews for a further term.
    Renewal,
    /// The last day to give notice of non-renewal before a renewal.
    NonRenewalNoticeDeadline,
    /// The earliest day the agreement can end by termination for convenience.
    TerminationForConvenienceExit,
    /// A scheduled review of the agreement.
    Review,
    /// Confidentiality duties end.
    ConfidentialityEnd,
}

impl KeyDateKind {
    /// Stable text form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Effective => "effective",
            Self::Expiration => "expiration",
            Self::Renewal => "renewal",
            Self::NonRenewalNoticeDeadline => "non_renewal_notice_deadline",
            Self::TerminationForConvenienceExit => "termination_for_convenience_exit",
            Self::Review => "review",
            Self::ConfidentialityEnd => "confidentiality_end",
        }
    }

    /// Words for a person.
    pub fn label(self) -> &'static str {
        match self {
            Self::Effective => "agreement takes effect",
            Self::Expiration => "agreement expires",
            Self::Renewal => "agreement renews",
            Self::NonRenewalNoticeDeadline => "last day to give notice of non-renewal",
            Self::TerminationForConvenienceExit => "earliest exit by termination for convenience",
            Self::Review => "agreement review due",
            Self::ConfidentialityEnd => "confidentiality obligations end",
        }
    }

    /// Whether the date is a deadline someone must act by (alerts are raised for these first).
    pub fn is_deadline(self) -> bool {
        matches!(
            self,
            Self::NonRenewalNoticeDeadline | Self::Review | Self::Expiration | Self::Renewal
        )
    }
}

/// How a clause was tied to a term.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Located {
    /// Analysis extracted the value from this clause.
    Evidence,
    /// A person entered the value; this is the clause classified under the term's topic
    /// (and, where possible, stating the same figure).
    Topic,
}

/// The clause a key date rests on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ClauseRef {
    /// The clause.
    pub clause_id: ClauseId,
    /// Its number as written, e.g. "3.2".
    pub number: Option<String>,
    /// Its heading, if any.
    pub heading: Option<String>,
    /// How it was found.
    pub located: Located,
}

impl ClauseRef {
    /// "clause 3.2", or the heading when the clause has no number.
    pub fn label(&self) -> String {
        match (&self.number, &self.heading) {
            (Some(n), _) => format!("clause {}", n.trim_end_matches('.')),
            (None, Some(h)) => format!("clause \u{201c}{h}\u{201d}"),
            (None, None) => "an unnumbered clause".to_owned(),
        }
    }
}

/// One computed date with its reasoning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct KeyDate {
    /// What it is.
    pub kind: KeyDateKind,
    /// Stable key within the agreement, e.g. `renewal:2` (alert idempotency uses it).
    pub key: String,
    /// The date.
    pub date: Date,
    /// Words for a person, e.g. "last day to give notice of non-renewal".
    pub label: String,
    /// How it was computed, e.g. "renewal on 2027-06-01 minus 90 days' written notice".
    pub derivation: String,
    /// The clause it rests on, when known.
    pub clause: Option<ClauseRef>,
    /// Where the deciding term came from when no clause is known ("entered by …").
    pub provenance: Option<String>,
    /// True when the date only holds if something happens (e.g. notice given today).
    pub conditional: bool,
}

impl KeyDate {
    /// One line: "2027-03-03: last day to give notice of non-renewal = renewal on 2027-06-01
    /// minus 90 days' written notice (clause 12.2)".
    pub fn line(&self) -> String {
        let tail = match (&self.clause, &self.provenance) {
            (Some(c), _) => format!(" ({})", c.label()),
            (None, Some(p)) => format!(" ({p})"),
            (None, None) => String::new(),
        };
        format!("{}: {} = {}{tail}", self.date, self.label, self.derivation)
    }
}

impl fmt::Display for KeyDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.line())
    }
}

/// The clauses of an agreement's current version, for tying terms to their clauses.
#[derive(Debug, Clone, Default)]
pub struct ClauseIndex {
    clauses: Vec<IndexedClause>,
}

#[derive(Debug, Clone)]
struct IndexedClause {
    id: ClauseId,
    number: Option<String>,
    heading: Option<String>,
    categories: Vec<String>,
    text: String,
}

impl ClauseIndex {
    /// Indexes clauses (in document order).
    pub fn new(clauses: &[Clause]) -> Self {
        Self {
            clauses: clauses
                .iter()
                .map(|c| IndexedClause {
                    id: c.id,
                    number: c.number.clone(),
                    heading: c.heading.clone(),
                    categories: c.categories.clone(),
                    text: c.text.to_lowercase(),
                })
                .collect(),
        }
    }

    fn by_id(&self, id: ClauseId, located: Located) -> Option<ClauseRef> {
        self.clauses
            .iter()
            .find(|c| c.id == id)
            .map(|c| c.to_ref(located))
    }

    /// The clause a term rests on: the extraction evidence when there is some, else the
    /// first clause classified under the term's topic, preferring one that states the figure.
    pub fn for_term(&self, terms: &Terms, field: TermField) -> Option<ClauseRef> {
        let sourced = terms.0.get(&field)?;
        if let Source::Extracted {
            clause_id: Some(id),
            ..
        } = &sourced.source
            && let Some(r) = self.by_id(*id, Located::Evidence)
        {
            return Some(r);
        }
        let topics = topics(field);
        if topics.is_empty() {
            return None;
        }
        let figure = match &sourced.value {
            TermValue::Period(p) => Some(p.count().to_string()),
            _ => None,
        };
        // A date is stated by the clause that writes it: a fees clause that runs "from the
        // Effective Date" is classified under the term too, but does not state the date.
        let date = match &sourced.value {
            TermValue::Date(d) => Some(*d),
            _ => None,
        };
        let mut best: Option<(u8, &IndexedClause)> = None;
        for c in &self.clauses {
            let Some(rank) = topics
                .iter()
                .position(|t| c.categories.iter().any(|cat| cat == t))
            else {
                continue;
            };
            // Lower is better: topic rank first, then whether the clause states the figure.
            let states = figure
                .as_deref()
                .is_some_and(|f| mentions_number(&c.text, f))
                || date.is_some_and(|d| mentions_date(&c.text, d));
            let score = (rank as u8) * 2 + u8::from(!states);
            if best.is_none_or(|(b, _)| score < b) {
                best = Some((score, c));
            }
        }
        best.map(|(_, c)| c.to_ref(Located::Topic))
    }
}

impl IndexedClause {
    fn to_ref(&self, located: Located) -> ClauseRef {
        ClauseRef {
            clause_id: self.id,
            number: self.number.clone(),
            heading: self.heading.clone(),
            located,
        }
    }
}

/// Whether lower-cased `text` writes date `d`: its year as a whole number with its month's
/// name ("1 October 2026", "October 1, 2026"), or in ISO form.
fn mentions_date(text: &str, d: Date) -> bool {
    let c = d.civil();
    if text.contains(&d.to_string()) {
        return true;
    }
    let month = crate::time::MONTHS[(c.month() - 1) as usize].to_lowercase();
    mentions_number(text, &c.year().to_string()) && text.contains(&month)
}

/// Whether `text` holds `n` as a whole number ("(90)", "90 days"), not inside "1900".
fn mentions_number(text: &str, n: &str) -> bool {
    text.match_indices(n).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + n.len()..].chars().next();
        !before.is_some_and(|c| c.is_ascii_digit()) && !after.is_some_and(|c| c.is_ascii_digit())
    })
}

/// Taxonomy categories where each term is usually stated, best first.
fn topics(field: TermField) -> &'static [&'static str] {
    match field {
        TermField::EffectiveDate | TermField::InitialTerm | TermField::ExpirationDate => {
            &["term", "renewal"]
        }
        TermField::AutoRenewal | TermField::RenewalTerm | TermField::NoticePeriodNonRenewal => {
            &["renewal", "term"]
        }
        TermField::TerminationForConvenienceNotice => {
            &["termination_for_convenience", "termination"]
        }
        TermField::CurePeriod => &["termination_for_cause", "termination"],
        TermField::ConfidentialitySurvival => &["confidentiality", "effects_of_termination"],
        TermField::ReviewCycle | TermField::ReviewDate => &["review_cycle", "governance"],
        _ => &[],
    }
}

/// Inputs besides the terms.
#[derive(Debug, Clone)]
pub struct KeyDateOptions<'a> {
    /// The day "today" is, in the tenant's time zone.
    pub today: Date,
    /// Renewals and reviews are listed up to this day.
    pub until: Date,
    /// Business-day rules for notice periods and deadline roll-back.
    pub calendar: &'a BusinessCalendar,
    /// A review cycle from the playbook, used when the agreement states none (with its source).
    pub review_cycle: Option<(Period, String)>,
    /// Move a deadline that falls on a weekend or holiday back to the preceding business day.
    pub roll_back_deadlines: bool,
    /// The recorded ending (a notice in force), which replaces renewals and the natural end.
    pub ending: Option<Ending>,
    /// Why `calendar` applies to this agreement ("calendar from the governing law"), said
    /// where a date depends on it.
    pub calendar_basis: Option<String>,
}

/// How the agreement ends, once a notice has been given (and not withdrawn or voided): from its
/// effective date there are no renewals, notice deadlines, exits or reviews, the term ends
/// then, and what survives the end is counted from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Ending {
    /// Why it ends.
    pub kind: crate::lifecycle::TerminationKind,
    /// The party that gave notice, by its legal name (for mutual termination, the party that
    /// recorded it).
    pub given_by: String,
    /// Its short name as the agreement defines it ("Northwind"), if any.
    pub given_by_short: Option<String>,
    /// When notice was given.
    pub given_on: Date,
    /// When the agreement ends.
    pub effective: Date,
    /// The clause relied on, as stated in the notice.
    pub clause: Option<String>,
}

impl Ending {
    /// The last day a duty can fall due under this ending: a duty that neither survives nor
    /// falls due after the end ends with the agreement.
    pub fn last_due(&self, due: &crate::obligation::DueRule, survives: bool, until: Date) -> Date {
        if survives || due.after_end() {
            until
        } else {
            until.min(self.effective)
        }
    }

    /// Whether this ending is the event a conditional duty names: a termination by `party`
    /// (legal or short name, any case; "Northwind" matches "Northwind Systems Ltd"), under
    /// `clause` when both the duty and the notice state one. A non-renewal or a mutual
    /// termination is nobody's termination under a clause, so it matches only when the duty
    /// names no clause.
    pub fn matches(&self, party: &str, clause: Option<&str>) -> bool {
        use crate::lifecycle::TerminationKind as K;
        let norm = |s: &str| s.trim().trim_start_matches("the ").to_lowercase();
        let want = norm(party);
        let legal = norm(&self.given_by);
        let by_party = !want.is_empty()
            && (legal == want
                || legal.starts_with(&format!("{want} "))
                || self
                    .given_by_short
                    .as_deref()
                    .is_some_and(|s| norm(s) == want));
        let clause_ok = match (clause, self.clause.as_deref()) {
            (Some(want), Some(given)) => {
                let c = |s: &str| {
                    s.trim()
                        .trim_start_matches(|ch: char| ch.is_alphabetic() || ch == '§')
                        .trim()
                        .trim_end_matches('.')
                        .to_owned()
                };
                c(want) == c(given)
            }
            (Some(_), None) => !matches!(self.kind, K::NonRenewal | K::Mutual),
            (None, _) => true,
        };
        by_party && clause_ok
    }

    /// "notice of non-renewal given by Northwind on 2026-12-03".
    pub fn words(&self) -> String {
        use crate::lifecycle::TerminationKind as K;
        let what = match self.kind {
            K::Convenience => "notice of termination for convenience",
            K::Cause => "notice of termination for cause",
            K::NonRenewal => "notice of non-renewal",
            K::Mutual => "termination by mutual agreement",
        };
        let by = if self.kind == K::Mutual {
            "recorded"
        } else {
            "given"
        };
        format!("{what} {by} by {} on {}", self.given_by, self.given_on)
    }
}

impl<'a> KeyDateOptions<'a> {
    /// Today, two years ahead, the given calendar, deadlines rolled back.
    pub fn new(today: Date, calendar: &'a BusinessCalendar) -> Self {
        Self {
            today,
            until: today.plus_days(2 * 366),
            calendar,
            review_cycle: None,
            roll_back_deadlines: true,
            ending: None,
            calendar_basis: None,
        }
    }
}

/// Most renewals or reviews listed for one agreement (a monthly renewal over decades stays bounded).
const MAX_REPEATS: u32 = 500;

/// Where the end of the agreement stands as of a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TermEnd {
    /// The end of the current term.
    pub date: Date,
    /// True when the agreement renews automatically, so it ends then only if notice is given.
    pub renews: bool,
}

/// The end of the term running on `today` (or the last term, if all have passed without
/// renewal), when the terms say enough to know it.
pub fn current_term_end(terms: &Terms, today: Date, cal: &BusinessCalendar) -> Option<TermEnd> {
    let first = terms.expiration()?;
    let renews = terms.flag(TermField::AutoRenewal) == Some(true);
    if !renews {
        return Some(TermEnd {
            date: first,
            renews,
        });
    }
    let Some(step) = renewal_step(terms) else {
        return Some(TermEnd {
            date: first,
            renews,
        });
    };
    let mut k = 0;
    let mut end = first;
    while end < today && k < 100_000 {
        k += 1;
        end = after_times(cal, step, k, first);
    }
    Some(TermEnd { date: end, renews })
}

/// The end of the term running on `today`, once a recorded ending is taken into account: the
/// ending's effective date, unless the term ends earlier by itself (a fixed term expiring first).
pub fn term_end_with(
    terms: &Terms,
    ending: Option<&Ending>,
    today: Date,
    cal: &BusinessCalendar,
) -> Option<TermEnd> {
    let natural = current_term_end(terms, today, cal);
    let Some(e) = ending else { return natural };
    let date = match natural {
        Some(n) if !n.renews => n.date.min(e.effective),
        _ => e.effective,
    };
    Some(TermEnd {
        date,
        renews: false,
    })
}

fn renewal_step(terms: &Terms) -> Option<Period> {
    terms
        .period(TermField::RenewalTerm)
        .or_else(|| terms.period(TermField::InitialTerm))
}

fn provenance(terms: &Terms, field: TermField) -> Option<String> {
    match &terms.0.get(&field)?.source {
        Source::User { by, .. } => Some(format!("{} entered by {by}", field_words(field))),
        Source::Extracted { .. } => Some(format!(
            "{} extracted from the document",
            field_words(field)
        )),
    }
}

fn field_words(f: TermField) -> &'static str {
    match f {
        TermField::EffectiveDate => "effective date",
        TermField::InitialTerm => "initial term",
        TermField::ExpirationDate => "expiration date",
        TermField::AutoRenewal => "automatic renewal",
        TermField::RenewalTerm => "renewal term",
        TermField::NoticePeriodNonRenewal => "notice period",
        TermField::TerminationForConvenienceNotice => "termination notice",
        TermField::ConfidentialitySurvival => "confidentiality survival",
        TermField::ReviewCycle => "review cycle",
        TermField::ReviewDate => "review date",
        _ => "term",
    }
}

/// "90 days'", "3 months'", "10 business days'": the possessive contracts use for notice.
fn notice_words(p: Period) -> String {
    let h = p.human();
    if h.ends_with('s') {
        format!("{h}'")
    } else {
        format!("{h}'s")
    }
}

/// The kinds whose next occurrence is always wanted, however far ahead it falls.
const NEXT_KINDS: [KeyDateKind; 4] = [
    KeyDateKind::Renewal,
    KeyDateKind::NonRenewalNoticeDeadline,
    KeyDateKind::Expiration,
    KeyDateKind::Review,
];

/// Key dates up to `opts.until` (as [`compute`]), and beyond it the first occurrence after
/// `opts.until` of each recurring kind (renewal, non-renewal notice deadline, review), so the
/// next deadline of a long term is never missing. The result is earliest first.
pub fn compute_with_next(
    terms: &Terms,
    clauses: &ClauseIndex,
    opts: &KeyDateOptions<'_>,
) -> Vec<KeyDate> {
    let mut wide = opts.clone();
    let mut all = compute(terms, clauses, &wide);
    // Widen until each recurring kind the terms produce has an occurrence past `until`
    // (bounded: a century of terms, and `compute` itself caps repeats).
    let past_until =
        |kds: &[KeyDate], k: KeyDateKind| kds.iter().any(|d| d.kind == k && d.date > opts.until);
    // Renewals (and their notice deadlines) go on for ever when the agreement renews
    // automatically, its first term's end is known and a renewal term can be taken; without a
    // renewal term there is the first one only, wanted when it lies past `until`.
    let renews = terms.flag(TermField::AutoRenewal) == Some(true) && opts.ending.is_none();
    let first_end = terms.expiration();
    let open = renews && first_end.is_some_and(|e| renewal_step(terms).is_some() || e > opts.until);
    let wanted = [
        (KeyDateKind::Renewal, open),
        (
            KeyDateKind::NonRenewalNoticeDeadline,
            open && terms.period(TermField::NoticePeriodNonRenewal).is_some(),
        ),
    ];
    let limit = opts.until.plus_days(100 * 366);
    while wide.until < limit && wanted.iter().any(|(k, w)| *w && !past_until(&all, *k)) {
        wide.until = wide.until.plus_days(2 * 366);
        all = compute(terms, clauses, &wide);
    }
    let mut seen = Vec::new();
    all.retain(|d| {
        if d.date <= opts.until {
            return true;
        }
        if NEXT_KINDS.contains(&d.kind) && !seen.contains(&d.kind) {
            seen.push(d.kind);
            return true;
        }
        false
    });
    all
}

/// Computes every key date the terms support, earliest first.
pub fn compute(terms: &Terms, clauses: &ClauseIndex, opts: &KeyDateOptions<'_>) -> Vec<KeyDate> {
    let cal = opts.calendar;
    let mut out = Vec::new();
    let mk = |kind: KeyDateKind,
              key: String,
              date: Date,
              derivation: String,
              field: TermField,
              conditional: bool| {
        let clause = clauses.for_term(terms, field);
        KeyDate {
            kind,
            key,
            date,
            label: kind.label().to_owned(),
            derivation,
            provenance: if clause.is_none() {
                provenance(terms, field)
            } else {
                None
            },
            clause,
            conditional,
        }
    };
    let effective = terms.date(TermField::EffectiveDate);
    if let Some(e) = effective {
        out.push(mk(
            KeyDateKind::Effective,
            "effective".into(),
            e,
            "effective date as stated".into(),
            TermField::EffectiveDate,
            false,
        ));
    }
    // The end of the initial term, stated or computed. Convention: a term of N years or months
    // from the effective date ends on the anniversary (2026-01-25 + 3 years = 2029-01-25),
    // unless the agreement states another date (such as the day before).
    let initial_end = match (
        terms.date(TermField::ExpirationDate),
        effective,
        terms.period(TermField::InitialTerm),
    ) {
        (Some(x), Some(e), Some(p)) if x == cal.after(p, e) => Some((
            x,
            format!(
                "effective date {e} plus initial term of {}, ending on the anniversary",
                p.human()
            ),
            TermField::ExpirationDate,
        )),
        (Some(x), Some(e), Some(p)) if x == cal.after(p, e).plus_days(-1) => Some((
            x,
            format!(
                "effective date {e} plus initial term of {}, ending the day before the anniversary as the agreement states",
                p.human()
            ),
            TermField::ExpirationDate,
        )),
        (Some(x), _, _) => Some((
            x,
            "expiration date as stated".to_owned(),
            TermField::ExpirationDate,
        )),
        (None, Some(e), Some(p)) => Some((
            cal.after(p, e),
            format!(
                "effective date {e} plus initial term of {}, ending on the anniversary",
                p.human()
            ),
            TermField::InitialTerm,
        )),
        _ => None,
    };
    let renews = terms.flag(TermField::AutoRenewal) == Some(true);
    let notice = terms.period(TermField::NoticePeriodNonRenewal);
    let ending = opts.ending.as_ref();
    // The natural end a recorded ending replaces (a fixed term that ends sooner stands).
    let mut natural_end: Option<Date> = None;
    if let Some((end0, why0, field0)) = &initial_end {
        if renews {
            let (step, step_note) = match terms.period(TermField::RenewalTerm) {
                Some(p) => (Some(p), String::new()),
                None => (
                    terms.period(TermField::InitialTerm),
                    " (renewal term not stated; taken as equal to the initial term)".to_owned(),
                ),
            };
            let mut k = 0u32;
            loop {
                let (date, why, field) = if k == 0 {
                    (*end0, format!("end of the initial term: {why0}"), *field0)
                } else {
                    let Some(step) = step else { break };
                    let d = after_times(cal, step, k, *end0);
                    let times = if k == 1 {
                        format!("one renewal term of {}", step.human())
                    } else {
                        format!("{k} renewal terms of {} each", step.human())
                    };
                    (
                        d,
                        format!("end of the initial term on {end0} plus {times}{step_note}"),
                        TermField::RenewalTerm,
                    )
                };
                if date > opts.until || k >= MAX_REPEATS {
                    break;
                }
                // Notice was given: the term that ends on or after the ending does not renew.
                if ending.is_some_and(|e| date >= e.effective) {
                    break;
                }
                let n = k + 1;
                out.push(mk(
                    KeyDateKind::Renewal,
                    format!("renewal:{n}"),
                    date,
                    why,
                    field,
                    false,
                ));
                if let Some(np) = notice {
                    let raw = cal.before(np, date);
                    let mut derivation = format!(
                        "renewal on {date} minus {} written notice",
                        notice_words(np)
                    );
                    let mut deadline = raw;
                    if np.unit() == PeriodUnit::BusinessDays && cal.holiday_count() > 0 {
                        derivation.push_str(&format!(", counting business days in {}", cal.name()));
                    }
                    if opts.roll_back_deadlines && !cal.is_business_day(raw) {
                        deadline = cal.preceding_business_day(raw);
                        let why = cal.why_closed(raw).unwrap_or_default();
                        derivation
                            .push_str(&format!(" = {raw}, {why}, so the preceding business day"));
                        if let Some(basis) = &opts.calendar_basis {
                            derivation.push_str(&format!(" ({basis})"));
                        }
                    }
                    if let Some(note) = cal.beyond(raw) {
                        derivation.push_str(&format!("; not checked for holidays: {note}"));
                    }
                    out.push(mk(
                        KeyDateKind::NonRenewalNoticeDeadline,
                        format!("notice:{n}"),
                        deadline,
                        derivation,
                        TermField::NoticePeriodNonRenewal,
                        false,
                    ));
                }
                k += 1;
            }
        } else if ending.is_none_or(|e| *end0 <= e.effective) {
            natural_end = Some(*end0);
            out.push(mk(
                KeyDateKind::Expiration,
                "expiration".into(),
                *end0,
                why0.clone(),
                *field0,
                false,
            ));
        }
    }
    if let Some(e) = ending
        && natural_end.is_none()
    {
        out.push(KeyDate {
            kind: KeyDateKind::Expiration,
            key: "expiration".into(),
            date: e.effective,
            label: "agreement ends".into(),
            derivation: format!("{}, effective {}", e.words(), e.effective),
            clause: None,
            provenance: Some(match &e.clause {
                Some(c) => format!("notice under clause {c}"),
                None => "the recorded notice".to_owned(),
            }),
            conditional: false,
        });
    }
    let term_end = term_end_with(terms, ending, opts.today, cal);
    // Termination for convenience: the earliest exit if notice went out today.
    if let Some(p) = terms.period(TermField::TerminationForConvenienceNotice)
        && ending.is_none()
    {
        let exit = cal.after(p, opts.today);
        let still_running = term_end.is_none_or(|e| e.renews || exit < e.date);
        if still_running && effective.is_none_or(|e| opts.today >= e) {
            out.push(mk(
                KeyDateKind::TerminationForConvenienceExit,
                "convenience_exit".into(),
                exit,
                format!(
                    "if notice is given today ({}): today plus {} notice",
                    opts.today,
                    notice_words(p)
                ),
                TermField::TerminationForConvenienceNotice,
                true,
            ));
        }
    }
    // Reviews: the agreement's own cycle, else the playbook's.
    let cycle = terms
        .period(TermField::ReviewCycle)
        .map(|p| (p, None))
        .or_else(|| opts.review_cycle.clone().map(|(p, src)| (p, Some(src))));
    if let (Some((cycle, playbook)), Some(start)) = (cycle, effective) {
        let last = match term_end {
            Some(e) if !e.renews => e.date.min(opts.until),
            _ => opts.until,
        };
        for k in 1..=MAX_REPEATS {
            let d = after_times(cal, cycle, k, start);
            if d > last || d == start {
                break;
            }
            let times = if k == 1 {
                format!("review cycle of {}", cycle.human())
            } else {
                format!("{k} review cycles of {} each", cycle.human())
            };
            let mut kd = mk(
                KeyDateKind::Review,
                format!("review:{k}"),
                d,
                format!("effective date {start} plus {times}"),
                TermField::ReviewCycle,
                false,
            );
            if let Some(src) = &playbook {
                kd.clause = None;
                kd.provenance = Some(format!("review cycle from {src}"));
            }
            out.push(kd);
        }
    }
    // A fixed review date the text states ("review … on 15 January 2028"), beside any cycle.
    if let Some(d) = terms.date(TermField::ReviewDate)
        && d <= opts.until
        && !out
            .iter()
            .any(|k| k.kind == KeyDateKind::Review && k.date == d)
    {
        out.push(mk(
            KeyDateKind::Review,
            "review:date".to_owned(),
            d,
            "review date as stated".to_owned(),
            TermField::ReviewDate,
            false,
        ));
    }
    // Confidentiality: survives the end of the agreement by a period.
    if let (Some(p), Some(end)) = (terms.period(TermField::ConfidentialitySurvival), term_end) {
        let d = cal.after(p, end.date);
        let derivation = if end.renews {
            format!(
                "if the agreement ends on {} (end of the current term, should notice of non-renewal be given): plus {} survival",
                end.date,
                notice_words(p)
            )
        } else if let Some(e) = ending.filter(|e| e.effective == end.date) {
            format!(
                "end of the agreement on {} ({}) plus {} survival",
                end.date,
                e.words(),
                notice_words(p)
            )
        } else {
            format!(
                "end of the agreement on {} plus {} survival",
                end.date,
                notice_words(p)
            )
        };
        out.push(mk(
            KeyDateKind::ConfidentialityEnd,
            "confidentiality_end".into(),
            d,
            derivation,
            TermField::ConfidentialitySurvival,
            end.renews,
        ));
    }
    out.sort_by(|a, b| a.date.cmp(&b.date).then(a.kind.cmp(&b.kind)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::terms::Sourced;
    use crate::{Timestamp, VersionId};
    use proptest::prelude::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    fn user(t: &mut Terms, f: TermField, v: TermValue) {
        t.set_user(
            f,
            v,
            "maria@example.com",
            Timestamp::parse("2026-01-01T00:00:00Z").unwrap(),
            None,
        );
    }

    fn auto_renewing(effective: &str) -> Terms {
        let mut t = Terms::default();
        user(
            &mut t,
            TermField::EffectiveDate,
            TermValue::Date(d(effective)),
        );
        user(
            &mut t,
            TermField::InitialTerm,
            TermValue::Period(Period::years(2).unwrap()),
        );
        user(&mut t, TermField::AutoRenewal, TermValue::Bool(true));
        user(
            &mut t,
            TermField::RenewalTerm,
            TermValue::Period(Period::years(1).unwrap()),
        );
        user(
            &mut t,
            TermField::NoticePeriodNonRenewal,
            TermValue::Period(Period::days(90).unwrap()),
        );
        t
    }

    fn clause(number: &str, categories: &[&str], text: &str) -> Clause {
        Clause {
            id: ClauseId::new(),
            version_id: VersionId::new(),
            ordinal: 0,
            number: Some(number.into()),
            heading: None,
            text: text.into(),
            start: 0,
            end: text.len(),
            categories: categories.iter().map(|s| (*s).to_owned()).collect(),
            confidence: 0.9,
        }
    }

    #[test]
    fn the_notice_deadline_is_the_renewal_minus_the_notice_period_with_its_clause() {
        let t = auto_renewing("2025-06-01");
        let clauses = [
            clause(
                "3.1",
                &["term"],
                "This Agreement commences on the Effective Date and continues for two (2) years.",
            ),
            clause(
                "12.2",
                &["renewal"],
                "renews for one year unless notice is given at least ninety (90) days before",
            ),
        ];
        let cal = BusinessCalendar::weekends_only();
        let opts = KeyDateOptions::new(d("2026-11-22"), &cal);
        let kds = compute(&t, &ClauseIndex::new(&clauses), &opts);
        let notice = kds
            .iter()
            .find(|k| k.kind == KeyDateKind::NonRenewalNoticeDeadline)
            .unwrap();
        assert_eq!(
            notice.line(),
            "2027-03-03: last day to give notice of non-renewal = renewal on 2027-06-01 minus 90 days' written notice (clause 12.2)"
        );
        assert_eq!(notice.clause.as_ref().unwrap().located, Located::Topic);
        let renewals: Vec<_> = kds
            .iter()
            .filter(|k| k.kind == KeyDateKind::Renewal)
            .map(|k| k.date.to_string())
            .collect();
        assert_eq!(renewals, ["2027-06-01", "2028-06-01"]);
        assert!(kds.iter().any(|k| k.line() == "2028-06-01: agreement renews = end of the initial term on 2027-06-01 plus one renewal term of 1 year (clause 12.2)"));
    }

    #[test]
    fn extracted_evidence_wins_over_topic_matching() {
        let mut t = auto_renewing("2025-06-01");
        let evidence = clause("7", &["notices"], "notice of ninety (90) days");
        t.0.insert(
            TermField::NoticePeriodNonRenewal,
            Sourced {
                value: TermValue::Period(Period::days(90).unwrap()),
                source: Source::Extracted {
                    version_id: VersionId::new(),
                    clause_id: Some(evidence.id),
                    start: 0,
                    end: 5,
                    confidence: 0.8,
                },
            },
        );
        let clauses = [clause("3.2", &["renewal"], "ninety (90) days"), evidence];
        let cal = BusinessCalendar::weekends_only();
        let kds = compute(
            &t,
            &ClauseIndex::new(&clauses),
            &KeyDateOptions::new(d("2026-01-01"), &cal),
        );
        let n = kds
            .iter()
            .find(|k| k.kind == KeyDateKind::NonRenewalNoticeDeadline)
            .unwrap();
        assert_eq!(n.clause.as_ref().unwrap().number.as_deref(), Some("7"));
        assert_eq!(n.clause.as_ref().unwrap().located, Located::Evidence);
    }

    #[test]
    fn without_a_clause_the_derivation_names_who_entered_the_term() {
        let t = auto_renewing("2025-06-01");
        let cal = BusinessCalendar::weekends_only();
        let kds = compute(
            &t,
            &ClauseIndex::default(),
            &KeyDateOptions::new(d("2026-01-01"), &cal),
        );
        let n = kds
            .iter()
            .find(|k| k.kind == KeyDateKind::NonRenewalNoticeDeadline)
            .unwrap();
        assert!(
            n.line()
                .ends_with("(notice period entered by maria@example.com)"),
            "{}",
            n.line()
        );
    }

    #[test]
    fn a_deadline_on_a_weekend_or_holiday_moves_back_and_says_why() {
        let mut t = auto_renewing("2025-12-31");
        // Renewal 2027-12-31 minus 3 days = 2027-12-28 (Boxing Day substitute in England).
        user(
            &mut t,
            TermField::NoticePeriodNonRenewal,
            TermValue::Period(Period::days(3).unwrap()),
        );
        let cal = BusinessCalendar::builtin("england-and-wales").unwrap();
        let kds = compute(
            &t,
            &ClauseIndex::default(),
            &KeyDateOptions::new(d("2026-01-01"), &cal),
        );
        let n = kds
            .iter()
            .find(|k| k.kind == KeyDateKind::NonRenewalNoticeDeadline)
            .unwrap();
        assert_eq!(n.date, d("2027-12-24"));
        assert!(
            n.derivation.contains(
                "2027-12-28, Boxing Day (substitute day) (England), so the preceding business day"
            ),
            "{}",
            n.derivation
        );
    }

    #[test]
    fn business_day_notice_counts_holidays() {
        let mut t = auto_renewing("2025-12-29");
        user(
            &mut t,
            TermField::NoticePeriodNonRenewal,
            TermValue::Period(Period::new(2, PeriodUnit::BusinessDays).unwrap()),
        );
        let cal = BusinessCalendar::builtin("england-and-wales").unwrap();
        let kds = compute(
            &t,
            &ClauseIndex::default(),
            &KeyDateOptions::new(d("2026-01-01"), &cal),
        );
        // Renewal Wed 2027-12-29; back two business days skips Tue 28 and Mon 27 (holidays) → Thu 23, Fri 24 → Thu 23.
        let n = kds
            .iter()
            .find(|k| k.kind == KeyDateKind::NonRenewalNoticeDeadline)
            .unwrap();
        assert_eq!(n.date, d("2027-12-23"));
    }

    #[test]
    fn a_fixed_term_agreement_expires_and_lists_reviews_and_confidentiality() {
        let mut t = Terms::default();
        user(
            &mut t,
            TermField::EffectiveDate,
            TermValue::Date(d("2024-01-31")),
        );
        user(
            &mut t,
            TermField::InitialTerm,
            TermValue::Period(Period::years(3).unwrap()),
        );
        user(
            &mut t,
            TermField::ReviewCycle,
            TermValue::Period(Period::months(12).unwrap()),
        );
        user(
            &mut t,
            TermField::ConfidentialitySurvival,
            TermValue::Period(Period::years(5).unwrap()),
        );
        user(
            &mut t,
            TermField::TerminationForConvenienceNotice,
            TermValue::Period(Period::days(60).unwrap()),
        );
        let cal = BusinessCalendar::weekends_only();
        let kds = compute(
            &t,
            &ClauseIndex::default(),
            &KeyDateOptions::new(d("2026-11-22"), &cal),
        );
        let kinds: Vec<_> = kds.iter().map(|k| (k.kind, k.date.to_string())).collect();
        assert!(kinds.contains(&(KeyDateKind::Expiration, "2027-01-31".into())));
        assert!(kinds.contains(&(KeyDateKind::Review, "2025-01-31".into())));
        assert!(kinds.contains(&(KeyDateKind::Review, "2026-01-31".into())));
        assert!(
            !kinds
                .iter()
                .any(|(k, d)| *k == KeyDateKind::Review && d.as_str() > "2027-01-31")
        );
        assert!(kinds.contains(&(KeyDateKind::ConfidentialityEnd, "2032-01-31".into())));
        assert!(kinds.contains(&(
            KeyDateKind::TerminationForConvenienceExit,
            "2027-01-21".into()
        )));
        assert!(!kinds.iter().any(|(k, _)| *k == KeyDateKind::Renewal));
    }

    #[test]
    fn a_playbook_review_cycle_applies_when_the_agreement_states_none() {
        let t = auto_renewing("2025-06-01");
        let cal = BusinessCalendar::weekends_only();
        let mut opts = KeyDateOptions::new(d("2026-01-01"), &cal);
        opts.review_cycle = Some((
            Period::months(6).unwrap(),
            "playbook \"standard\" v3".into(),
        ));
        let kds = compute(&t, &ClauseIndex::default(), &opts);
        let r = kds.iter().find(|k| k.kind == KeyDateKind::Review).unwrap();
        assert_eq!(r.date, d("2025-12-01"));
        assert!(
            r.line()
                .ends_with("(review cycle from playbook \"standard\" v3)"),
            "{}",
            r.line()
        );
    }

    #[test]
    fn the_current_term_end_follows_renewals() {
        let t = auto_renewing("2020-03-15");
        let cal = BusinessCalendar::weekends_only();
        let e = current_term_end(&t, d("2026-11-22"), &cal).unwrap();
        assert_eq!(e.date, d("2027-03-15"));
        assert!(e.renews);
    }

    proptest! {
        #[test]
        fn every_notice_deadline_precedes_its_renewal_by_at_least_the_notice(
            y in 2000i16..2060, m in 1i8..=12, day in 1i8..=31, term in 1u32..6, notice in 1u32..200
        ) {
            prop_assume!(Date::from_ymd(y, m, day).is_ok());
            let eff = Date::from_ymd(y, m, day).unwrap();
            let mut t = auto_renewing(&eff.to_string());
            user(&mut t, TermField::InitialTerm, TermValue::Period(Period::years(term).unwrap()));
            user(&mut t, TermField::NoticePeriodNonRenewal, TermValue::Period(Period::days(notice).unwrap()));
            let cal = BusinessCalendar::weekends_only();
            let opts = KeyDateOptions::new(eff.plus_days(3000), &cal);
            let kds = compute(&t, &ClauseIndex::default(), &opts);
            let renewals: Vec<_> = kds.iter().filter(|k| k.kind == KeyDateKind::Renewal).collect();
            let notices: Vec<_> = kds.iter().filter(|k| k.kind == KeyDateKind::NonRenewalNoticeDeadline).collect();
            prop_assert_eq!(renewals.len(), notices.len());
            prop_assert!(!renewals.is_empty());
            for (r, n) in renewals.iter().zip(&notices) {
                let gap = n.date.days_until(r.date);
                prop_assert!(gap >= notice as i32 && gap <= notice as i32 + 2, "gap {} notice {}", gap, notice);
                prop_assert!(cal.is_business_day(n.date));
            }
            // Renewals are a year apart (365 or 366 days, 365/366 ± clamp at 29 Feb).
            for w in renewals.windows(2) {
                let g = w[0].date.days_until(w[1].date);
                prop_assert!((365..=366).contains(&g));
            }
        }
    }
}
