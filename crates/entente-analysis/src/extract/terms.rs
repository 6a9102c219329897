//! Key-term extractors: dates, term and renewal, notice periods, termination rights, cure
//! period, liability cap and exclusions, indemnity, confidentiality, IP, disputes, fees, value.

use super::parties::PartyFound;
use super::values::{PeriodHit, ordinal_to_number, words_to_number};
use super::{Doc, Found};
use crate::segment::SegmentKind;
use entente_domain::terms::LiabilityCap;
use entente_domain::{Date, Money, Period, PeriodUnit};
use memchr::memmem;
use regex::Regex;
use std::sync::LazyLock;

/// Expiry of the initial term.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expiry {
    /// A calendar date (stated or computed).
    Date { date: Date, computed: bool },
    /// No end date: runs until terminated.
    Perpetual,
}

/// The effective date: a date, or a rule that needs the signature dates.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Effective {
    Date(Date),
    LastSignature(Option<Date>),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Renewal {
    pub(crate) automatic: bool,
    pub(crate) term: Option<Period>,
    pub(crate) successive: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Convenience {
    /// "either" or the short names of the parties that may terminate.
    pub(crate) by: String,
    pub(crate) notice: Option<Period>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Indemnity {
    pub(crate) mutual: bool,
    pub(crate) by: Vec<String>,
    /// Indemnities given by one party alone, each with its sentence: a one-way indemnity stays
    /// visible when a mutual one elsewhere makes the agreement's indemnity `mutual`.
    pub(crate) one_way: Vec<(String, (usize, usize))>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Confidentiality {
    pub(crate) duration: Option<Period>,
    pub(crate) survives: bool,
    pub(crate) perpetual: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Tier {
    pub(crate) kind: &'static str,
    pub(crate) period: Option<Period>,
    pub(crate) detail: Option<String>,
    /// Byte offset of the sentence that first states the tier, so each tier can cite its own
    /// sub-clause rather than the clause the ladder starts in.
    pub(crate) at: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Fee {
    Amount(Money),
    Formula(String),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Restriction {
    pub(crate) scope: String,
    pub(crate) duration: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PaymentTerm {
    pub(crate) kind: &'static str,
    pub(crate) text: String,
    pub(crate) period: Option<Period>,
    pub(crate) percent: Option<String>,
    pub(crate) amount: Option<Money>,
}

/// All key terms of one document.
#[derive(Debug, Clone, Default)]
pub(crate) struct KeyTerms {
    pub(crate) agreement_date: Option<Found<Date>>,
    pub(crate) effective_date: Option<Found<Effective>>,
    pub(crate) expiration_date: Option<Found<Expiry>>,
    pub(crate) initial_term: Option<Found<Period>>,
    pub(crate) renewal: Option<Found<Renewal>>,
    pub(crate) notice_non_renewal: Option<Found<Period>>,
    pub(crate) termination_for_convenience: Option<Found<Convenience>>,
    pub(crate) cure_period: Option<Found<Period>>,
    pub(crate) governing_law: Option<Found<String>>,
    pub(crate) venue: Option<Found<String>>,
    pub(crate) liability_cap: Option<Found<LiabilityCap>>,
    pub(crate) excluded_damages: Option<Found<Vec<String>>>,
    pub(crate) indemnity: Option<Found<Indemnity>>,
    pub(crate) confidentiality: Option<Found<Confidentiality>>,
    pub(crate) ip_ownership: Option<Found<Vec<String>>>,
    pub(crate) dispute_resolution: Option<Found<Vec<Tier>>>,
    pub(crate) termination_fee: Option<Found<Fee>>,
    pub(crate) exclusivity: Option<Found<Restriction>>,
    pub(crate) non_compete: Option<Found<Restriction>>,
    pub(crate) payment: Vec<Found<PaymentTerm>>,
    pub(crate) review_cycle: Option<Found<Period>>,
    pub(crate) review_date: Option<Found<Date>>,
    pub(crate) contract_value: Option<Found<super::value::ContractValue>>,
}

fn re(s: &str) -> Regex {
    crate::text::regex(s).unwrap_or_else(|e| panic!("{e}: {s}"))
}

/// [`re`] with every literal space outside a character class matching any run of whitespace:
/// text converted from justified PDF pages spaces its words unevenly ("The  term of this
/// Agreement  shall  be two (2)  years").
fn re_ws(s: &str) -> Regex {
    let mut out = String::with_capacity(s.len() + 16);
    let mut in_class = false;
    let mut escaped = false;
    for c in s.chars() {
        if escaped {
            escaped = false;
            out.push(c);
            continue;
        }
        match c {
            '\\' => {
                escaped = true;
                out.push(c);
            }
            '[' => {
                in_class = true;
                out.push(c);
            }
            ']' => {
                in_class = false;
                out.push(c);
            }
            ' ' if !in_class => out.push_str(r"\s+"),
            _ => out.push(c),
        }
    }
    re(&out)
}

fn sent_text<'d>(doc: &'d Doc<'_>, a: usize, z: usize) -> &'d str {
    &doc.lower[a..z]
}

/// Whether the period at `p` is a notice or deadline rather than a duration.
fn is_notice_period(lower: &str, p: &PeriodHit, sa: usize, sz: usize) -> bool {
    let before =
        &lower[crate::text::floor_boundary(lower, p.start.saturating_sub(45).max(sa))..p.start];
    let after = &lower[p.end..crate::text::floor_boundary(lower, (p.end + 40).min(sz))];
    let b_notice = [
        "notice",
        "upon",
        "within",
        "prior",
        "at least",
        "not less than",
        "no less than",
        "giving",
        "after receipt",
        "by providing",
        "on ",
        "with ",
        "than ",
        "least ",
    ];
    let a_notice = [
        "notice",
        "prior",
        "before",
        "written",
        "in advance",
        "advance",
        "of receipt",
        "after receipt",
        "following receipt",
        "'",
        "’",
    ];
    b_notice.iter().any(|w| {
        before.ends_with(w)
            || before.contains(&format!("{w} "))
                && before.rfind(w).is_some_and(|i| before.len() - i < 25)
    }) || a_notice.iter().any(|w| after.trim_start().starts_with(w))
}

static DAY_BEFORE_ANNIV_RE: LazyLock<Regex> = LazyLock::new(|| {
    re_ws(
        r"day (?:before|preceding|prior to) the\s+\w+\s*(?:\(\s*\d{1,2}(?:st|nd|rd|th)?\s*\)\s*)?anniversary",
    )
});

/// What opens a sentence about the time after the end ("Upon a termination of this Agreement").
static AFTER_END_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"upon (?:a |the |any )?termination|upon (?:the )?expiration|(?:following|after) (?:the )?termination",
    )
});

/// A list item's enumerator: "(a)", "(ii)", "(3)".
const ENUMERATOR: &str = r"\(\s*(?:[a-h]|[ivx]{1,4}|\d)\s*\)";

static ANNIVERSARY_RE: LazyLock<Regex> = LazyLock::new(|| {
    re_ws(&format!(
        r"(?:until|through|on|upon|to|ending on|expire on|expires on|day before|day preceding|day prior to)\s+(?:the\s+)?(?:(?:earlier|later|earliest|latest)\s+of\s*:?\s*(?:{ENUMERATOR}\s*)?(?:the\s+)?)?(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|fifteenth|twentieth|\d{{1,2}}(?:st|nd|rd|th))\s*(?:\(\s*\d{{1,2}}(?:st|nd|rd|th)?\s*\)\s*)?anniversary"
    ))
});

static DATE_CTX_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:dated|as of|made|entered into|executed|effective|this|day of|signed|on|date:|dated:)\s*(?:the\s*)?(?:as of\s*)?(?:this\s*)?$",
    )
});

/// Whether the text at `at` lies in a table row of a document history ("Revision history",
/// "Version | Date | Author"): such dates are drafts', not the agreement's.
fn in_document_history(lower: &str, at: usize) -> bool {
    let line_start = lower[..at].rfind('\n').map_or(0, |i| i + 1);
    let line_end = lower[at..].find('\n').map_or(lower.len(), |i| at + i);
    let line = lower[line_start..line_end].trim_start();
    let history = |l: &str| {
        [
            "revision",
            "version",
            "history",
            "change log",
            "author",
            "draft",
        ]
        .iter()
        .any(|k| l.contains(k))
    };
    if !line.starts_with('|') {
        // "Version 0.3 – 14 June 2019" on a line of its own.
        return line.len() < 80
            && (line.starts_with("version")
                || line.starts_with("revision")
                || line.starts_with("draft"));
    }
    if history(line) {
        return true;
    }
    // The rows above this one, and up to two lines before the table (its heading).
    let mut heading_lines = 0;
    for l in lower[..line_start].lines().rev() {
        let t = l.trim();
        if t.is_empty() {
            continue;
        }
        if history(t) {
            return true;
        }
        if !t.starts_with('|') {
            heading_lines += 1;
            if heading_lines >= 2 {
                break;
            }
        }
    }
    false
}

/// The agreement's date among the dates of `fa..fz`: the first introduced by dating
/// words, a letter's date alone on its line, else the first.
fn dated_between(doc: &Doc<'_>, fa: usize, fz: usize) -> Option<Found<Date>> {
    let dates = doc.dates_in(fa, fz);
    let mut first: Option<Found<Date>> = None;
    for d in dates {
        if in_document_history(&doc.lower, d.start) || dates_other_document(doc, d.start) {
            continue;
        }
        // Skip dates of other documents ("the Agreement dated …") in the same phrase? Keep the
        // first date introduced by dating words, else the first date.
        let lb = crate::text::floor_boundary(&doc.lower, d.start.saturating_sub(40));
        let before = doc.lower[lb..d.start].trim_end();
        let span = doc
            .sentence_at(d.start)
            .map_or((d.start, d.end), |k| doc.sents[k]);
        if DATE_CTX_RE.is_match(before) || before.ends_with("dated") || before.ends_with("as of") {
            return Some(Found::new(d.date, span, 0.9));
        }
        // A letter's date: alone on its line (optionally after a place, "London, 3 March 2025").
        let ls = doc.lower[..d.start].rfind('\n').map_or(0, |i| i + 1);
        let le = doc.lower[d.end..]
            .find('\n')
            .map_or(doc.lower.len(), |i| d.end + i);
        let line_before = doc.lower[ls..d.start].trim();
        let line_after = doc.lower[d.end..le].trim();
        if first.is_none()
            && line_after.is_empty()
            && (line_before.is_empty() || (line_before.ends_with(',') && line_before.len() < 40))
        {
            return Some(Found::new(d.date, (ls, le), 0.8));
        }
        if first.is_none() {
            first = Some(Found::new(d.date, span, 0.6));
        }
    }
    first
}

/// The date the agreement is dated: the preamble's date.
#[inline(never)]
fn agreement_date(doc: &Doc<'_>) -> Option<Found<Date>> {
    let (fa, fz) = doc.front_region();
    // A cover that dates the agreement after its parties, when the opening does not.
    let cz = doc.cover_end(fz);
    if let Some(f) =
        dated_between(doc, fa, fz).or_else(|| (cz > fz).then(|| dated_between(doc, fz, cz))?)
    {
        return Some(f);
    }
    // Signature block dates: the agreement is made when the last party signs.
    let mut last: Option<Found<Date>> = None;
    for s in doc.segs.iter().filter(|s| s.kind == SegmentKind::Signature) {
        for d in doc.dates_in(s.start, s.end) {
            if !on_version_line(doc, d.start) && last.as_ref().is_none_or(|l| d.date > l.value) {
                last = Some(Found::new(d.date, (d.start, d.end), 0.4));
            }
        }
    }
    if last.is_some() {
        return last;
    }
    // "Signed and effective this 25th day of May, 1999." or "THUS DONE AND SIGNED at Woodmead
    // by … on this 31st day of March 2001" where no signature block was recognised.
    for d in doc.dates_in(0, doc.lower.len()) {
        let lb = crate::text::floor_boundary(&doc.lower, d.start.saturating_sub(200));
        if SIGNED_THIS_RE.is_match(&doc.lower[lb..d.start])
            && last.as_ref().is_none_or(|l| d.date > l.value)
        {
            let span = doc
                .sentence_at(d.start)
                .map_or((d.start, d.end), |k| doc.sents[k]);
            last = Some(Found::new(d.date, span, 0.4));
        }
    }
    last
}

/// What comes before the date of a signing sentence: "signed … this", "executed on this the".
static SIGNED_THIS_RE: LazyLock<Regex> = LazyLock::new(|| {
    re_ws(r"(?-u:\b)(?:signed|executed)(?-u:\b)[^.;]{0,160}?(?:on\s+)?this\s*(?:the\s*)?$")
});

/// Whether the date at `at` is when something other than the agreement was approved, issued
/// or published, on a cover line that does not name the agreement ("Data Security Plan
/// approved August 12, 2022", "Guidelines issued 3 May 2021").
fn dates_other_document(doc: &Doc<'_>, at: usize) -> bool {
    static EVENT_RE: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"(?-u:\b)(?:approved|adopted|issued|published|released|updated|amended|revised)(?: on| as of)?\s*$",
        )
    });
    let start = doc.lower[..at].rfind('\n').map_or(0, |i| i + 1);
    let before = &doc.lower[start..at];
    EVENT_RE.is_match(before) && !before.contains("agreement") && !before.contains("contract")
}

/// Whether the date at `at` dates a version of the form rather than a signature ("Form
/// Contributor License Agreement — Version 1.0.0 — 2022-03-08", "Revised: August 24, 2022",
/// a revision history's rows).
fn on_version_line(doc: &Doc<'_>, at: usize) -> bool {
    static VERSION_RE: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"(?-u:\b)(?:version|revised|revision|rev\.|updated|last modified|last changed)(?-u:\b)|©|\(c\) \d{4}",
        )
    });
    let start = doc.lower[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = doc.lower[at..]
        .find('\n')
        .map_or(doc.lower.len(), |i| at + i);
    VERSION_RE.is_match(&doc.lower[start..end])
}

static EFF_MEANS_RE: LazyLock<Regex> =
    LazyLock::new(|| re(r#"effective date["”]?\s*(?:shall\s+)?(?:means?|shall be|is|will be|:)"#));
static COMMENCE_MEANS_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"(?:commencement|start|starting) date["”]?\s*(?:shall\s+)?(?:means?|shall be|is|will be|:)"#,
    )
});
static STARTS_ON_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:(?:commenc\w*|starts?|starting|begins?|beginning|takes? effect|enters? into force|comes? into (?:force|effect)|is effective|shall be effective|becomes? effective|effective)\s+(?:on|from|as of|as from|with effect from)|(?-u:\b)(?:shall|will) (?:commence|start|begin)(?:\s+upon)?|(?-u:\b)commencing(?:\s+upon)?)\s+(?:the\s+)?$",
    )
});
static EFF_DEF_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"\((?:the\s+|this\s+|hereinafter[^)]{0,40}?)?["“]?\s*effective\s*date\s*["”]?\s*\)|(?:referred to as|called) (?:the )?["“]?effective date"#,
    )
});
static EFF_AS_OF_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:effective|commenc\w*|come into (?:force|effect)|shall begin|starting)\s+(?:as of|on|from|with effect from|upon)?\s*(?:the\s+)?$",
    )
});
static LAST_SIG_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:date of (?:the )?(?:last|latest|final) (?:signature|party to sign|execution)|last (?:date )?(?:of )?signature|date on which[^.;]{0,60}(?:last|both|all)[^.;]{0,40}(?:sign|execut)|(?:last|later) of the (?:dates|signature)|date (?:this|the) agreement (?:is|has been) (?:fully )?(?:signed|executed) by (?:both|all))",
    )
});

#[inline(never)]
fn effective_date(
    doc: &Doc<'_>,
    agreement: Option<&Found<Date>>,
    cands: &[(usize, usize)],
) -> Option<Found<Effective>> {
    if let Some(f) = effective_by_definition(doc) {
        return Some(f);
    }
    if let Some(f) = commencement(doc, cands) {
        return Some(f);
    }
    // No separate effective date: the agreement takes effect on the date it bears (unless
    // that date is expressly only the execution date).
    let execution_only =
        agreement.is_some_and(|ag| doc.lower[ag.start..ag.end].contains("execution date"));
    if execution_only {
        return None;
    }
    agreement.map(|ag| {
        Found::new(
            Effective::Date(ag.value),
            (ag.start, ag.end),
            ag.confidence * 0.6,
        )
    })
}

/// "Commencement Date" means DATE; "This Agreement starts on DATE".
#[inline(never)]
fn commencement(doc: &Doc<'_>, cands: &[(usize, usize)]) -> Option<Found<Effective>> {
    let lower = &doc.lower;
    for m in COMMENCE_MEANS_RE.find_iter(lower).take(5) {
        let z = crate::text::floor_boundary(lower, (m.end() + 100).min(lower.len()));
        if let Some(d) = doc.dates_in(m.end(), z).first() {
            let span = doc
                .sentence_at(m.start())
                .map_or((m.start(), d.end), |k| doc.sents[k]);
            return Some(Found::new(Effective::Date(d.date), span, 0.85));
        }
    }
    for &(a, z) in cands {
        for d in doc.dates_in(a, z) {
            let lb = crate::text::floor_boundary(lower, d.start.saturating_sub(50).max(a));
            if STARTS_ON_RE.is_match(&lower[lb..d.start]) {
                return Some(Found::new(Effective::Date(d.date), (a, z), 0.8));
            }
        }
        let s = &lower[a..z];
        if (s.contains("effective on")
            || s.contains("effective as of")
            || s.contains("commences on")
            || s.contains("take effect on")
            || s.contains("takes effect on"))
            && LAST_SIG_RE.is_match(s)
        {
            return Some(Found::new(
                Effective::LastSignature(last_signature_date(doc)),
                (a, z),
                0.75,
            ));
        }
    }
    None
}

#[inline(never)]
fn effective_by_definition(doc: &Doc<'_>) -> Option<Found<Effective>> {
    let lower = &doc.lower;
    let (_, front_end) = doc.front_region();
    let mut idx = 0;
    let mut tries = 0;
    while let Some(p) = lower[idx..].find("effective") {
        let at = idx + p;
        idx = at + 9;
        tries += 1;
        if tries > 400 {
            break;
        }
        let Some(k) = doc.sentence_at(at) else {
            continue;
        };
        let (a, z) = doc.sents[k];
        let s = &lower[a..z];
        let rel = at - a;
        let window_end = (rel + 220).min(s.len());
        let tail = &s[rel..crate::text::floor_boundary(s, window_end)];
        // "Effective Date" means / shall be …
        if let Some(m) = EFF_MEANS_RE.find(tail) {
            let after_start = a + rel + m.end();
            let after_end = crate::text::floor_boundary(lower, (after_start + 160).min(z));
            if LAST_SIG_RE.is_match(&lower[after_start..after_end]) {
                return Some(Found::new(
                    Effective::LastSignature(last_signature_date(doc)),
                    (a, z),
                    0.8,
                ));
            }
            if let Some(d) = doc.dates_in(after_start, after_end).first() {
                return Some(Found::new(Effective::Date(d.date), (a, z), 0.9));
            }
        }
        // (the "Effective Date") after a date in the same sentence.
        let def_lo = rel.saturating_sub(40);
        let def_win = &s[crate::text::floor_boundary(s, def_lo)
            ..crate::text::floor_boundary(s, (rel + 30).min(s.len()))];
        if EFF_DEF_RE.is_match(def_win) {
            let region_start = a + crate::text::floor_boundary(s, rel.saturating_sub(300));
            let before_dates = doc.dates_in(region_start, at);
            if let Some(d) = before_dates.last() {
                return Some(Found::new(Effective::Date(d.date), (a, z), 0.9));
            }
            let after_dates = doc.dates_in(at, (at + 120).min(z));
            if let Some(d) = after_dates.first() {
                return Some(Found::new(Effective::Date(d.date), (a, z), 0.8));
            }
            let around = &lower[a..z];
            if LAST_SIG_RE.is_match(around) {
                return Some(Found::new(
                    Effective::LastSignature(last_signature_date(doc)),
                    (a, z),
                    0.8,
                ));
            }
        }
        // effective as of / on DATE (about the agreement, not a price change)
        // Outside the opening, the sentence must be about this agreement taking effect, not
        // a termination taking effect, another document defined ("means the Bill of Sale
        // and Agreement, effective as of …") or a change to it.
        let lead = &s[..rel];
        let about_agreement = at < front_end
            || s.contains("effective date:")
            || ((s.contains("this agreement") || s.contains("the agreement"))
                && !["terminat", " means ", "shall mean", "amend", "in effect"]
                    .iter()
                    .any(|w| lead.contains(w)));
        let after_dates = doc.dates_in(at, (at + 60).min(z));
        if let Some(d) = after_dates.first().filter(|_| about_agreement) {
            let between = &lower[at..d.start];
            if EFF_AS_OF_RE.is_match(between)
                || between.trim() == "effective"
                || between.contains("effective as of")
                || between.contains("effective date of")
                || between.contains("effective date:")
                || between.contains("effective on")
            {
                return Some(Found::new(Effective::Date(d.date), (a, z), 0.85));
            }
        }
    }
    None
}

fn last_signature_date(doc: &Doc<'_>) -> Option<Date> {
    let latest = |a: usize, z: usize| {
        doc.dates_in(a, z)
            .iter()
            .filter(|d| !on_version_line(doc, d.start))
            .map(|d| d.date)
            .max()
    };
    let in_blocks = doc
        .segs
        .iter()
        .filter(|s| s.kind == SegmentKind::Signature)
        .filter_map(|s| latest(s.start, s.end))
        .max();
    // A signature block the segmentation did not set apart ("IN WITNESS WHEREOF, the parties
    // have executed this Agreement as of the Effective Date. … By: /s/ … 4/24/2018 04/25/2018
    // Date Date" at the end of the opening): the dates in the 1,000 bytes after the testimonium.
    in_blocks.or_else(|| {
        let at = super::TESTIMONIUM_RE.find(&doc.lower)?.end();
        let end = crate::text::floor_boundary(&doc.lower, (at + 1000).min(doc.lower.len()));
        latest(at, end)
    })
}

static TERM_SENT_RE: LazyLock<Regex> = LazyLock::new(|| {
    re_ws(
        r#"(?:initial (?:term|period)|term of this (?:agreement|contract|mou|memorandum)|(?:this|the) (?:agreement|contract|mou|memorandum|letter|collaboration|cooperation|alliance|partnership|consortium)[^.;]*?(?-u:\b)(?:shall |will |is to )?(?:commences?|continues?|remains?|runs?|starts?|begins?|takes? effect|expires?|lasts?|be in (?:full )?(?:force|effect)|be effective|is effective|enters? into force|comes? into (?:force|effect)|terminates? (?:on|upon the|at the end))|remain in (?:full )?(?:force|effect)|continue in (?:full )?(?:force|effect)|(?:shall|will) (?:expire|terminate) (?:on|upon the|at the end)|come into (?:force|effect)|(?-u:\b)term(?-u:\b)[^.;]*(?:shall|will|is) (?:be|commence|begin|continue|end|expire)|(?-u:\b)term(?-u:\b)[^.;]*(?:is|are|has been|have been|shall be|will be) (?:hereby )?(?:further )?extended (?:to|until|through)|(?-u:\b)term\s*:|(?-u:\b)duration\s*:|(?:this|the) (?:agreement|contract) (?:shall|will) be for (?:a|an|the) (?:initial )?(?:term|period) of|(?:this|the) (?:agreement|contract) is for (?:a|an|the) (?:initial )?(?:term|period) of|(?:shall|will|and) have a (?:duration|term) of|(?:shall|will) (?:be|remain) valid for|(?:contract|service|license|licence|distribution|sponsorship|endorsement|engagement|agreement) period["”]?\s*(?:shall )?(?:means?|:))"#,
    )
});

/// Whether segment `k` is a schedule, exhibit, annex or appendix, or lies inside one.
fn in_schedule(doc: &Doc<'_>, k: usize) -> bool {
    let mut cur = Some(k);
    // Parents come before their children, so the walk ends.
    while let Some(i) = cur {
        let Some(seg) = doc.segs.get(i) else {
            return false;
        };
        if seg.kind == SegmentKind::Schedule {
            return true;
        }
        cur = seg.parent.filter(|&p| p < i);
    }
    false
}

/// Whether sentence `k` states the duration of an appendix rather than the agreement's: it
/// lies in a schedule and speaks of "this Appendix" or not of the agreement at all ("These
/// terms are effective for 24 months … and renew for successive periods of 12 months").
/// A schedule stating the agreement's term still counts.
fn schedules_own_term(doc: &Doc<'_>, k: usize) -> bool {
    if !in_schedule(doc, doc.sent_seg[k]) {
        return false;
    }
    let (a, z) = doc.sents[k];
    let s = &doc.lower[a..z];
    let own = [
        "appendix",
        "schedule",
        "annex",
        "exhibit",
        "attachment",
        "addendum",
    ]
    .iter()
    .any(|w| s.contains(&format!("this {w}")));
    let main = s.contains("agreement") || s.contains("contract") || s.contains("initial term");
    own || !main
}

#[inline(never)]
fn term_candidates(doc: &Doc<'_>) -> Vec<(usize, usize)> {
    // One pass over the whole text, then the sentences holding a match.
    let mut v: Vec<(usize, usize)> = Vec::new();
    let mut pos = 0;
    while let Some(m) = TERM_SENT_RE.find_at(&doc.lower, pos) {
        pos = m.end();
        let Some(k) = doc.sentence_at(m.start()) else {
            continue;
        };
        let (a, z) = doc.sents[k];
        if m.end() > z {
            // A match that runs on from a heading ("3. TERM") into the next sentence hides the
            // term sentence itself: look again from the end of the sentence it started in.
            pos = z.max(m.start() + 1);
            continue;
        }
        if v.last() == Some(&(a, z)) {
            continue;
        }
        let kind = doc.segs.get(doc.sent_seg[k]).map(|s| s.kind);
        if matches!(
            kind,
            Some(SegmentKind::Contents | SegmentKind::Signature | SegmentKind::Recitals)
        ) {
            continue;
        }
        // A cover page or summary table may set the term ("TERM: The term shall commence on
        // November 1, 2007 and end on October 31, 2008"); other title text is not about it.
        if kind == Some(SegmentKind::Title)
            && (!doc.lower[m.start()..].starts_with("term") || doc.dates_in(a, z).is_empty())
        {
            continue;
        }
        if schedules_own_term(doc, k) {
            continue;
        }
        v.push((a, z));
    }
    v
}

static TERM_PERIOD_CTX_RE: LazyLock<Regex> = LazyLock::new(|| {
    re_ws(
        r"(?:valid|effective)\s+for\s+(?:a\s+(?:period|term)\s+of\s+)?$|(?-u:\b)(?:term|duration)\s*:\s*$|(?:term|period|duration)\s+(?:of\s+(?:this\s+(?:agreement|contract)\s+)?)?(?:shall|will)?\s*(?:be|is|last|run|continue)?\s*(?:for\s+)?(?:a\s+(?:fixed\s+)?(?:period|term)\s+of\s+)?(?:an?\s+)?(?:initial\s+)?$|(?:for|of)\s+(?:an?\s+)?(?:initial\s+|fixed\s+|further\s+)?(?:period|term)\s+of\s+(?:an?\s+)?$|(?:continue|remain)\s+in\s+(?:full\s+)?(?:force|effect)\s+(?:and\s+effect\s+)?(?:initially\s+)?(?:for\s+)?(?:the\s+|a\s+(?:period|term)\s+of\s+)?$|(?-u:\b)for\s+(?:a\s+)?(?:further\s+)?$|initial\s+$|term\s+of\s+$|be\s+$|expire\s+$|(?:end|ends|expire|expires|terminate|terminates)\s+$|(?:end|ends|expire|expires|terminate|terminates)\s+on\s+(?:the\s+)?(?:date|day)\s+(?:that\s+is\s+|which\s+is\s+)?$",
    )
});

/// An enumerator closing a text ("… the later of (i)", "… either (a)").
static ENUMERATOR_TAIL_RE: LazyLock<Regex> = LazyLock::new(|| re(&format!(r"\s*{ENUMERATOR}$")));

#[inline(never)]
fn initial_term(doc: &Doc<'_>, cands: &[(usize, usize)]) -> Option<Found<Period>> {
    // Where a sentence turns to renewal; "extend" alone is left out because "shall extend for
    // five years" states the term itself.
    static RENEWAL_TURN_RE: LazyLock<Regex> =
        LazyLock::new(|| re(r"renew|extension|successive|consecutive|year[\s-]to[\s-]year"));
    let mut best: Option<(u8, Found<Period>)> = None;
    for &(a, full_z) in cands {
        let s = sent_text(doc, a, full_z);
        let renewal_sentence =
            s.contains("renew") && !s.contains("initial term") && !s.contains("initial period");
        // "shall be valid for a period of five (5) years with automatic renewal of one year
        // thereafter", "two (2) years from the Effective Date with automatic annual renewals":
        // the period before the sentence turns to renewal is the initial term.
        let z = if renewal_sentence {
            match RENEWAL_TURN_RE.find(s) {
                Some(m) if m.start() > 0 => a + m.start(),
                _ => continue,
            }
        } else {
            full_z
        };
        let s = sent_text(doc, a, z);
        // "during the term of this Agreement and for two years thereafter" is about another
        // duty, not the agreement's own duration.
        let about_duration = s.contains("initial term")
            || s.contains("shall continue")
            || s.contains("will continue")
            || s.contains("continues")
            || s.contains("remain in")
            || s.contains("term of this agreement shall")
            || s.contains("term of this agreement will")
            || s.contains("term of this agreement is")
            || s.contains("shall be effective")
            || s.contains("shall expire")
            || s.contains("shall terminate")
            || s.contains("shall end")
            || s.contains("will end")
            || s.contains("commence")
            || s.contains("begin")
            || s.contains("start")
            || s.contains("term:")
            || s.contains("duration");
        if !about_duration && (s.contains("during the term") || s.contains("throughout the term")) {
            continue;
        }
        // "The representations and warranties in this Agreement shall terminate one year from
        // the Closing Date": what ends is what the subject names, not the agreement.
        let subject_end = [" shall ", " will "]
            .iter()
            .filter_map(|m| s.find(m))
            .min()
            .unwrap_or(0);
        if ["representation", "warrant", "indemnit", "confidential"]
            .iter()
            .any(|w| s[..subject_end].contains(w))
        {
            continue;
        }
        // "Upon a termination of this Agreement, Accuray shall continue to make available …
        // for a minimum period of 10 years": what follows the end is not the term (the phrase
        // at the start, after a clause number and heading at most: "5.4 Support. Upon …").
        let head = &s[..crate::text::floor_boundary(s, s.len().min(60))];
        if AFTER_END_RE.find(head).is_some_and(|m| m.start() <= 24) {
            continue;
        }
        // "This Section 9.1 shall survive termination … and continue in effect thereafter for
        // a period of five (5) years": a provision that outlives the agreement.
        let subject = &s[..subject_end];
        if s.contains("surviv") && !subject.contains("agreement") && !subject.contains("term") {
            continue;
        }
        let rank = if s.contains("initial term") {
            3
        } else if s.contains("term of this")
            || s.contains("this agreement shall")
            || s.contains("this agreement will")
        {
            2
        } else {
            1
        };
        let mut found: Option<Period> = None;
        if let Some(c) = ANNIVERSARY_RE.captures(s)
            && let Some(n) = c.get(1).and_then(|m| ordinal_to_number(m.as_str()))
        {
            found = Period::years(n).ok();
        }
        if found.is_none() {
            for p in doc.periods_in(a, z) {
                if is_notice_period(&doc.lower, p, a, z) {
                    continue;
                }
                let tail =
                    &doc.lower[p.end..crate::text::floor_boundary(&doc.lower, (p.end + 40).min(z))];
                let tail = tail.trim_start();
                // "commence on the Effective Date and extend for five years thereafter"
                // counts from the start of the agreement: that one is its term.
                let from_start = rank >= 2
                    && (s.contains("commence") || s.contains("effective date"))
                    && !s.contains("surviv");
                // "such failure continues for thirty (30) days after written notice": a time to
                // cure, not the term.
                let opening = crate::text::squash(tail);
                if [
                    "after written notice",
                    "after notice",
                    "after receipt",
                    "following receipt",
                ]
                .iter()
                .any(|w| opening.starts_with(w))
                {
                    continue;
                }
                if (tail.starts_with("thereafter") && !from_start)
                    || tail.starts_with("after its")
                    || tail.starts_with("after the termination")
                    || tail.starts_with("after the expiration")
                    || tail.starts_with("after termination")
                    || tail.starts_with("after expiration")
                    || tail.starts_with("following the termination")
                    || tail.starts_with("following the expiration")
                    || tail.starts_with("following termination")
                    || tail.starts_with("following expiration")
                    // "36 months after such Termination Election": counted from an event.
                    || tail.starts_with("after such")
                    || tail.starts_with("following such")
                    // "nine (9) months of your salary": an amount, not a duration.
                    || ["of your ", "of his ", "of her ", "of salary", "of base ", "of fees"]
                        .iter()
                        .any(|w| tail.starts_with(w))
                {
                    continue;
                }
                let lb = crate::text::floor_boundary(&doc.lower, p.start.saturating_sub(70).max(a));
                let before = doc.lower[lb..p.start].trim_end();
                let before = before.trim_end_matches(['(', ' ']);
                // "not been cured within such further period of ninety (90) Days": a time to
                // cure, not the term.
                if before.contains(" cured ") || before.contains(" cure ") {
                    continue;
                }
                // "expire on the later of (i) five (5) years from the date hereof": the
                // enumerator of a list of ends stands between "of" and the period.
                let before = ENUMERATOR_TAIL_RE
                    .find(before)
                    .map_or(before, |m| before[..m.start()].trim_end());
                if TERM_PERIOD_CTX_RE.is_match(&format!("{before} ")) {
                    found = Some(p.period);
                    break;
                }
                // "… for three (3) years from the Effective Date"
                let after =
                    &doc.lower[p.end..crate::text::floor_boundary(&doc.lower, (p.end + 40).min(z))];
                let after = after.trim_start();
                // "(i.e., a three (3) year period commencing on the Effective Date)"
                let counted = after
                    .strip_prefix("period")
                    .map(str::trim_start)
                    .is_some_and(|x| {
                        x.starts_with("commencing on the effective date")
                            || x.starts_with("beginning on the effective date")
                            || x.starts_with("from the effective date")
                    });
                if counted
                    || ((after.starts_with("from")
                        || after.starts_with("after")
                        || after.starts_with("following")
                        || after.starts_with("subsequent to")
                        || after.starts_with("commencing")
                        || after.starts_with("beginning"))
                        && (before.ends_with("for")
                            || before.ends_with("of")
                            || before.ends_with("until")
                            || before.ends_with("period")))
                {
                    found = Some(p.period);
                    break;
                }
                // "end on the five (5) year anniversary of the Effective Date"
                if after.starts_with("anniversary")
                    && (before.ends_with("until the")
                        || before.ends_with("on the")
                        || before.ends_with("through the"))
                {
                    found = Some(p.period);
                    break;
                }
            }
        }
        if let Some(p) = found {
            if p.unit() == PeriodUnit::BusinessDays {
                continue;
            }
            let f = Found::new(p, (a, full_z), 0.5 + 0.13 * f32::from(rank));
            if best.as_ref().is_none_or(|b| rank > b.0) {
                best = Some((rank, f));
            }
        }
    }
    best.map(|b| b.1)
}

static PERPETUAL_RE: LazyLock<Regex> = LazyLock::new(|| {
    re_ws(
        r"perpetu|indefinite|(?:continue|remain) in (?:full )?(?:force|effect)[^.;]{0,30}(?:until|unless)[^.;]{0,30}terminat|until terminated|unless (?:and until )?(?:sooner |earlier )?terminated (?:by|in accordance|as provided|pursuant)|no (?:fixed )?(?:term|expiration)",
    )
});

static EXPIRES_ON_RE: LazyLock<Regex> = LazyLock::new(|| {
    re_ws(
        r"(?:expire|terminate|end|conclud\w*|continue|remain in (?:full )?(?:force|effect)|in effect|until|through|ending|expiring|expiration date)[^.;]{0,40}$|(?:is|are|has been|have been|shall be|will be) (?:hereby )?(?:further )?extended (?:to|until|through)$|(?:19|20)\d\d,?\s*(?:to|-|–)\s*$|in no event later than$",
    )
});

/// What comes right before the first day a term sentence names ("commence upon", "begin on",
/// "shall be effective on").
static TERM_STARTS_ON_RE: LazyLock<Regex> = LazyLock::new(|| {
    re_ws(
        r"(?:commenc\w*|begin\w*|start\w*|effective) (?:on|upon|as of|from|with effect from)\s*(?:the\s+)?$",
    )
});

static END_MEANS_RE: LazyLock<Regex> = LazyLock::new(|| {
    re_ws(
        r#"(?:expiration|expiry|termination|end) date["”]?\s*(?:shall\s+)?(?:means?|shall be|is|will be|:)"#,
    )
});

#[inline(never)]
fn expiration(
    doc: &Doc<'_>,
    cands: &[(usize, usize)],
    start: Option<Date>,
    term: Option<&Found<Period>>,
) -> Option<Found<Expiry>> {
    // "Expiration Date" means DATE; "Termination Date: DATE".
    for m in END_MEANS_RE.find_iter(&doc.lower).take(5) {
        let z = crate::text::floor_boundary(&doc.lower, (m.end() + 60).min(doc.lower.len()));
        if let Some(d) = doc.dates_in(m.end(), z).first()
            && start.is_none_or(|s| d.date > s)
        {
            let span = doc
                .sentence_at(m.start())
                .map_or((m.start(), d.end), |k| doc.sents[k]);
            return Some(Found::new(
                Expiry::Date {
                    date: d.date,
                    computed: false,
                },
                span,
                0.85,
            ));
        }
    }
    // A stated end date.
    for &(a, z) in cands {
        for d in doc.dates_in(a, z) {
            if Some(d.date) == start {
                continue;
            }
            let lb = crate::text::floor_boundary(&doc.lower, d.start.saturating_sub(60).max(a));
            let before = doc.lower[lb..d.start].trim_end();
            // The end of a renewal ("renew … for one additional five year period that shall
            // begin on January 1, 2005 and end on December 31, 2009") is not the expiry.
            let renewal = {
                let from =
                    crate::text::floor_boundary(&doc.lower, d.start.saturating_sub(120).max(a));
                let s = &doc.lower[from..d.start];
                s.contains("renew") || s.contains("additional") || s.contains("extension")
            };
            if !renewal && EXPIRES_ON_RE.is_match(before) && start.is_none_or(|s| d.date > s) {
                return Some(Found::new(
                    Expiry::Date {
                        date: d.date,
                        computed: false,
                    },
                    (a, z),
                    0.8,
                ));
            }
        }
    }
    // The term sentence may name its own first day ("shall commence upon April 1, 1999 and
    // shall continue for a period of six (6) months"), which outranks a dated preamble.
    let own_start = term.and_then(|t| {
        doc.dates_in(t.start, t.end).iter().find_map(|d| {
            let lb =
                crate::text::floor_boundary(&doc.lower, d.start.saturating_sub(30).max(t.start));
            TERM_STARTS_ON_RE
                .is_match(&doc.lower[lb..d.start])
                .then_some(d.date)
        })
    });
    if let (Some(s), Some(t)) = (own_start.or(start), term) {
        let before = DAY_BEFORE_ANNIV_RE.is_match(&doc.lower[t.start..t.end]);
        let end = t.value.after(s);
        return Some(Found::new(
            Expiry::Date {
                date: if before { end.plus_days(-1) } else { end },
                computed: true,
            },
            (t.start, t.end),
            0.65,
        ));
    }
    if term.is_none() {
        for &(a, z) in cands {
            let s = sent_text(doc, a, z);
            // "continues until the End Date, unless earlier terminated as provided below"
            // has an end: a date the cover page or a schedule fills in, not none.
            // Nor does one that lasts "for the Service Period, unless terminated earlier": the
            // period, defined elsewhere, ends it.
            let until_end = [
                "until the end date",
                "until the expiration date",
                "until the expiry date",
                "in effect for the",
                "in force for the",
                "in full force and effect for the",
            ]
            .iter()
            .any(|p| s.contains(p));
            if PERPETUAL_RE.is_match(s)
                && !until_end
                && !s.contains("renew")
                && !s.contains("licen")
            {
                return Some(Found::new(Expiry::Perpetual, (a, z), 0.6));
            }
        }
    }
    None
}

/// What follows a period that looks back from an event ("12 month period immediately before
/// the claim", "the twelve months preceding").
static LOOK_BACK_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(r"^[\s)]*(?:period\s+)?(?:immediately\s+)?(?:before|preceding|prior to)(?-u:\b)")
});

/// A sentence that renews or extends the agreement in words the clause rules may not tag.
static RENEW_SENT_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:renew|extend|extension)\w*[^.;]{0,80}?(?:additional|successive|consecutive|subsequent|like\s+term|same\s+period|annual|monthly)|(?:renew|extend)\w*(?:\s+automatically)?\s+for\s+(?:a|an|one)\s|(?:successive|consecutive|subsequent)\s+(?:renewal\s+|extension\s+)?(?:annual\s+|monthly\s+)?(?:periods?|terms?)|year[\s-]to[\s-]year|month[\s-]to[\s-]month|automatic[^.;]{0,30}(?:renewal|extension)",
    )
});

/// Where a sentence starts to speak of renewal: periods before it are the initial term's.
static RENEW_WORD_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(r"renew|extend|extension|successive|consecutive|year[\s-]to[\s-]year|month[\s-]to[\s-]month")
});

/// What follows a period that is not the renewal's: the initial term named after it, or a time
/// after the agreement has ended.
static NOT_RENEWAL_AFTER_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"^[\s)]*(?:thereafter\s*)?(?:\(\s*(?:the\s+|each\s+|an?\s+)?["“]?initial|(?:following|after)\s+(?:the\s+)?(?:expiration|expiry|termination)\s+or\s+(?:earlier\s+)?termination|(?:following|after)\s+(?:any\s+|its\s+)?termination)"#,
    )
});

/// A noun of renewal right after a period ("2 year term extensions", "one-year renewal term").
static RENEWAL_NOUN_RE: LazyLock<Regex> =
    LazyLock::new(|| re(r"^[\s-]*(?:term\s+|period\s+)?(?:renewals?|extensions?)(?-u:\b)"));

/// A renewal as long as the initial term.
static LIKE_TERM_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"like\s+(?:terms?|periods?)(?-u:\b)|(?:same|equal|equivalent|identical)\s+(?:term|period|duration|length)(?:$|[^\w])|(?:term|period)s?\s+of\s+(?:like|equal|the\s+same)\s+(?:duration|length)",
    )
});

#[inline(never)]
fn renewal(doc: &Doc<'_>, initial: Option<&Found<Period>>) -> Option<Found<Renewal>> {
    static SUCC_RE: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"successive|additional|further|consecutive|each|year[\s-]to[\s-]year|month[\s-]to[\s-]month|thereafter|renewal terms",
        )
    });
    static AUTO_RE: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"automatic|(?:shall|will) (?:be )?(?:renew|extend)|(?:shall|will) continue|unless[^.;]{0,160}notice|year[\s-]to[\s-]year|month[\s-]to[\s-]month|evergreen|deemed (?:renewed|extended)",
        )
    });
    static ANNUAL_RE: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"annual\s+(?:renewals?|extensions?|periods|terms)|renew(?:ed|s)? (?:automatically )?(?:annually|each year|every year)|(?:additional|further|successive|another) (?:one )?year(?:'s)?(?: period| term)?(?-u:\b)",
        )
    });
    static OPTION_RE: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"may (?:be )?(?:renew|extend)|(?:shall|will) be renewable|option to (?:renew|extend)|by mutual|mutually agree|upon mutual|if (?:both|the) parties (?:mutually )?agree|right to (?:renew|extend)",
        )
    });
    // "renewable on an annual basis for one (1) year terms", "a renewable one-year term".
    static RENEWABLE_TERM_RE: LazyLock<Regex> =
        LazyLock::new(|| re(r"renewable\s+[^.;]{0,40}?(?:terms?|basis|periods?)(?-u:\b)"));
    let mut best: Option<(u8, Found<Renewal>)> = None;
    let mut spans: Vec<(usize, usize)> = doc.hits("renewal").map(|h| (h.start, h.end)).collect();
    // Renewals the clause rules do not tag: "may be extended for an additional two year
    // period", "shall continue on a year to year basis", "automatic extension for consecutive
    // one (1) year periods".
    for m in RENEW_SENT_RE.find_iter(&doc.lower) {
        if let Some(k) = doc.sentence_at(m.start()) {
            let (a, z) = doc.sents[k];
            let s = &doc.lower[a..z];
            // About the agreement's term, not a definition ("Calendar Quarter" means each
            // successive period of three months).
            let about_term =
                s.contains("agreement") || s.contains("term") || s.contains("contract");
            if about_term
                && !s.contains("quarter")
                && !s.contains("\" means")
                && !s.contains("” means")
            {
                spans.push((a, z));
            }
        }
    }
    spans.sort_unstable();
    spans.dedup();
    for (a, z) in spans {
        let s = sent_text(doc, a, z);
        // "renewable" describes something else ("renewable energy", a renewable licence)
        // unless a term follows it.
        if (s.contains("renewable") && !RENEWABLE_TERM_RE.is_match(s))
            || s.contains("renewal of the") && s.contains("licen")
        {
            continue;
        }
        // A list of rights to end the agreement for cause ("may terminate this Agreement
        // immediately: (i) if … continues uncured …, (iv) if a receiver is appointed …") does
        // not renew it, whatever it says of the term.
        if s.contains("uncured") || s.contains("receiver is appointed") {
            continue;
        }
        if doc
            .sentence_at(a)
            .is_some_and(|k| schedules_own_term(doc, k))
        {
            continue;
        }
        let automatic = AUTO_RE.is_match(s) && !OPTION_RE.is_match(s);
        let mut term = None;
        if s.contains("year to year")
            || s.contains("year-to-year")
            || s.contains("annual basis")
            || s.contains("yearly basis")
            || ANNUAL_RE.is_match(s)
        {
            term = Period::years(1).ok();
        } else if s.contains("month to month")
            || s.contains("month-to-month")
            || s.contains("monthly periods")
            || s.contains("monthly basis")
        {
            term = Period::months(1).ok();
        }
        // The renewal period follows the first word of renewal, not the initial term's.
        let anchor = RENEW_WORD_RE.find(s).map_or(0, |m| m.start());
        // "in the 12 month period immediately before the claim" measures something else.
        // … nor do the initial term named after its period ("five (5) years thereafter
        // ("Initial Term")") and a period after the end ("one (1) year following the expiration
        // or earlier termination thereof").
        let looks_back = |p: &PeriodHit| {
            let after =
                &doc.lower[p.end..crate::text::floor_boundary(&doc.lower, (p.end + 60).min(z))];
            LOOK_BACK_RE.is_match(after) || NOT_RENEWAL_AFTER_RE.is_match(after)
        };
        // "an automatic 2 year term extension", "a one-year renewal term": the period names
        // the renewal wherever the sentence starts to speak of it.
        if term.is_none() {
            term = doc
                .periods_in(a, z)
                .iter()
                .find(|p| {
                    RENEWAL_NOUN_RE.is_match(
                        &doc.lower
                            [p.end..crate::text::floor_boundary(&doc.lower, (p.end + 30).min(z))],
                    )
                })
                .map(|p| p.period);
        }
        if term.is_none() {
            // "five (5) years with automatic renewal of one year": a period after the renewal
            // word is the renewal's, whatever precedes it.
            term = doc
                .periods_in(a, z)
                .iter()
                .filter(|p| p.start >= a + anchor)
                .find(|p| {
                    !is_notice_period(&doc.lower, p, a, z)
                        && p.period.unit() != PeriodUnit::BusinessDays
                        && !looks_back(p)
                })
                .map(|p| p.period);
        }
        if term.is_none() {
            for p in doc.periods_in(a, z) {
                if p.start < a + anchor && !s[..anchor].contains("period") {
                    // a period before "renew" usually is the initial term or a notice
                    if !s[p.start - a..].starts_with(|c: char| c.is_ascii_digit()) {
                        continue;
                    }
                }
                if is_notice_period(&doc.lower, p, a, z) {
                    continue;
                }
                if p.period.unit() == PeriodUnit::BusinessDays || looks_back(p) {
                    continue;
                }
                term = Some(p.period);
                break;
            }
        }
        // "renew for a like term", "extended for the same period": the initial term again.
        if term.is_none() && LIKE_TERM_RE.is_match(s) {
            term = initial.map(|t| t.value);
        }
        let successive = SUCC_RE.is_match(s);
        // A sentence that says "renew" or "extension" outranks one that only continues from
        // year to year (a price review, a notice clause).
        let renews = s.contains("renew") || s.contains("extension") || s.contains("extend");
        let rank = u8::from(term.is_some()) * 4 + u8::from(renews) * 2 + u8::from(automatic);
        let f = Found::new(
            Renewal {
                automatic,
                term,
                successive: successive && term.is_some(),
            },
            (a, z),
            if term.is_some() { 0.8 } else { 0.55 },
        );
        if best.as_ref().is_none_or(|b| rank > b.0) {
            best = Some((rank, f));
        }
    }
    best.map(|b| b.1)
}

#[inline(never)]
fn notice_non_renewal(doc: &Doc<'_>) -> Option<Found<Period>> {
    static CTX_RE: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"renew|extend|extension|non-renewal|nonrenewal|(?:expiration|end|expiry) of the (?:then|initial|renewal|current|original|relevant|applicable)|then[\s-]current term|initial term|automatically continue|continue automatically|(?:remain|continue)s?\s+in\s+(?:full\s+)?(?:force|effect)[^.;]{0,40}until\s+terminated",
        )
    });
    // Notice of a wish to renew or extend (an option's exercise) is not notice that ends it.
    static TO_RENEW_RE: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"(?:election|elects?|intention|intent|desires?|wish|wishes|option|request)\s+to\s+(?:so\s+)?(?:renew|extend)",
        )
    });
    static NOT_RENEW_RE: LazyLock<Regex> = LazyLock::new(|| {
        re(r"not\s+to\s+(?:renew|extend)|non-?\s?renewal|not\s+(?:be\s+)?(?:renew|extend)")
    });
    let mut out: Option<Found<Period>> = None;
    for (k, &(a, z)) in doc.sents.iter().enumerate() {
        let s = sent_text(doc, a, z);
        // "unless terminated by either party at least six months prior to the expiration of
        // the then-current term" gives notice without the word.
        let gives_notice = s.contains("notice")
            || s.contains("notif")
            || s.contains("in writing")
            || s.contains("terminat");
        if !gives_notice || !CTX_RE.is_match(s) || schedules_own_term(doc, k) {
            continue;
        }
        let not_renew = NOT_RENEW_RE.is_match(s);
        // An insurer's notice of cancellation or non-renewal of a policy is about the policy.
        if s.contains("insur")
            || s.contains("polic")
            || s.contains("cancellation, non-renewal or material modification")
            || !not_renew && TO_RENEW_RE.is_match(s)
        {
            continue;
        }
        // A right to end the agreement for a breach or a force majeure event is not notice
        // that stops a renewal, even where the sentence also names the term.
        if !not_renew
            && ["uncured", "breach", "force majeure"]
                .iter()
                .any(|w| s.contains(w))
        {
            continue;
        }
        if matches!(
            doc.segs.get(doc.sent_seg[k]).map(|s| s.kind),
            Some(SegmentKind::Definitions)
        ) && !s.contains("renew")
        {
            continue;
        }
        for p in doc.periods_in(a, z) {
            let after =
                &doc.lower[p.end..crate::text::floor_boundary(&doc.lower, (p.end + 60).min(z))];
            let lb = crate::text::floor_boundary(&doc.lower, p.start.saturating_sub(40).max(a));
            let before = &doc.lower[lb..p.start];
            let t = after
                .trim_start()
                .trim_start_matches(['\'', '’'])
                .trim_start();
            let prior = t.starts_with("prior")
                || t.starts_with("before")
                || t.starts_with("in advance")
                || t.starts_with("advance")
                || t.starts_with("notice")
                || t.starts_with("written notice")
                || t.starts_with("of written notice")
                || t.starts_with("or more prior")
                || t.starts_with("preceding");
            let least = before.contains("at least")
                || before.contains("not less than")
                || before.contains("no less than")
                || before.contains("minimum of")
                || before.contains("no later than")
                || before.contains("within");
            // "notifies … of its intent not to renew … within three (3) months following the
            // Renewal Notice"
            let following = not_renew && before.contains("within") && t.starts_with("following");
            if prior
                || following
                || (least && (after.contains("prior") || after.contains("before")))
            {
                let conf = if not_renew {
                    0.9
                } else if s.contains("renew") {
                    0.85
                } else {
                    0.6
                };
                if out.as_ref().is_none_or(|o| conf > o.confidence) {
                    out = Some(Found::new(p.period, (a, z), conf));
                }
                break;
            }
        }
        if out.as_ref().is_some_and(|o| o.confidence >= 0.9) {
            break;
        }
    }
    out
}

/// The parties of a document with a prepared substring finder for each name and alias:
/// sentences are searched many times, and preparing a search per call cost more than it.
pub(crate) struct Parties<'a> {
    pub(crate) list: &'a [Found<PartyFound>],
    /// Per party, its names in order of preference (aliases first, legal name last).
    finders: Vec<Vec<memmem::Finder<'a>>>,
    shorts: Vec<String>,
}

impl<'a> Parties<'a> {
    pub(crate) fn new(list: &'a [Found<PartyFound>]) -> Self {
        let finders = list
            .iter()
            .map(|p| {
                p.value
                    .aliases
                    .iter()
                    .chain(std::iter::once(&p.value.name))
                    .filter(|n| n.len() >= 2)
                    .map(|n| memmem::Finder::new(n.as_bytes()))
                    .collect()
            })
            .collect();
        Self {
            list,
            finders,
            shorts: list.iter().map(|p| display_name(&p.value)).collect(),
        }
    }

    /// Short names of the parties mentioned in `s`, in order of first mention. A party is
    /// placed where its first name (in order of preference) that occurs as a whole word occurs.
    pub(crate) fn mentioned_in(&self, s: &str) -> Vec<String> {
        let mut found: Vec<(usize, &String)> = Vec::new();
        for (names, short) in self.finders.iter().zip(&self.shorts) {
            if let Some(at) = names.iter().find_map(|f| find_word_with(s, f)) {
                found.push((at, short));
            }
        }
        found.sort();
        found.into_iter().map(|x| x.1.clone()).collect()
    }
}

/// The first whole-word occurrence of the finder's needle in `hay`.
fn find_word_with(hay: &str, f: &memmem::Finder<'_>) -> Option<usize> {
    let len = f.needle().len();
    f.find_iter(hay.as_bytes()).find(|&at| {
        let end = at + len;
        // The needle is UTF-8, so its ends are char boundaries of `hay`.
        let before_ok = !hay
            .get(..at)
            .and_then(|h| h.chars().next_back())
            .is_some_and(char::is_alphanumeric);
        let after_ok = !hay
            .get(end..)
            .and_then(|h| h.chars().next())
            .is_some_and(char::is_alphanumeric);
        before_ok && after_ok
    })
}

/// Short names of the parties mentioned in `s`, in order.
pub(crate) fn parties_in(s: &str, parties: &Parties<'_>) -> Vec<String> {
    parties.mentioned_in(s)
}

/// The name to show for a party: its first defined alias, else its legal name.
pub(crate) fn display_name(p: &PartyFound) -> String {
    p.aliases
        .iter()
        .find(|a| !crate::extract::obligations::is_generic_alias(a))
        .cloned()
        .unwrap_or_else(|| p.name.clone())
}

pub(crate) fn find_word(hay: &str, needle: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = hay[from..].find(needle) {
        let at = from + i;
        let before_ok = at == 0
            || !hay[..at]
                .chars()
                .next_back()
                .is_some_and(char::is_alphanumeric);
        let end = at + needle.len();
        let after_ok =
            end >= hay.len() || !hay[end..].chars().next().is_some_and(char::is_alphanumeric);
        if before_ok && after_ok {
            return Some(at);
        }
        from = at + needle.len().max(1);
        if from >= hay.len() {
            break;
        }
    }
    None
}

#[inline(never)]
fn convenience(doc: &Doc<'_>, parties: &Parties<'_>) -> Option<Found<Convenience>> {
    // In a sentence that also grants termination for cause, the notice nearest the words
    // "for convenience" is the convenience notice (the other one is a cure period).
    let notice_in = |a: usize, z: usize| -> Option<Period> {
        let s = &doc.lower[a..z];
        let marker = ["convenience", "without cause", "for any reason"]
            .iter()
            .filter_map(|m| s.find(m))
            .min()
            .map(|i| a + i);
        let near = |p: &&PeriodHit| -> usize {
            marker.map_or(p.start, |m| {
                if p.start >= m {
                    p.start - m
                } else {
                    // Before the marker counts double: "90 days' notice for convenience" is
                    // rarer than the notice following the ground.
                    (m - p.end) * 2
                }
            })
        };
        doc.periods_in(a, z)
            .iter()
            .filter(|p| {
                let after =
                    &doc.lower[p.end..crate::text::floor_boundary(&doc.lower, (p.end + 40).min(z))];
                let t = after
                    .trim_start()
                    .trim_start_matches(['\'', '’', ')'])
                    .trim_start();
                let lb = crate::text::floor_boundary(&doc.lower, p.start.saturating_sub(30).max(a));
                let before = &doc.lower[lb..p.start];
                t.starts_with("prior")
                    || t.starts_with("notice")
                    || t.starts_with("written")
                    || t.starts_with("advance")
                    || t.starts_with("in advance")
                    || t.starts_with("of written")
                    || t.starts_with("of prior")
                    || t.starts_with("of notice")
                    || t.starts_with("before")
                    || before.contains("notice period of")
                    || before.contains("period of notice of")
                    || before.contains("notice of")
            })
            .min_by_key(near)
            .map(|p| p.period)
    };
    let mut best: Option<Found<Convenience>> = None;
    for h in doc.hits("termination_for_convenience") {
        // A heading such as "12.2 Termination for Convenience." is followed by the right itself.
        let k0 = doc.sentence_at(h.start).unwrap_or(0);
        let seg = doc.sent_seg.get(k0).copied();
        let mut spans = vec![(h.start, h.end)];
        for k in k0 + 1..(k0 + 3).min(doc.sents.len()) {
            if doc.sent_seg.get(k).copied() == seg {
                spans.push(doc.sents[k]);
            }
        }
        for (a, z) in spans {
            let s = sent_text(doc, a, z);
            if !s.contains("terminat") && !s.contains("withdraw") {
                continue;
            }
            let orig = &doc.text[a..z];
            let notice = notice_in(a, z);
            let term_at = s
                .find("terminat")
                .or_else(|| s.find("withdraw"))
                .unwrap_or(s.len());
            let who_region = &s[..term_at];
            let by = if who_region.contains("either party")
                || who_region.contains("each party")
                || who_region.contains("any party")
                || who_region.contains("either of the parties")
                || who_region.contains("the parties may")
                || who_region.contains("each member")
                || s.contains("by either party")
                || s.contains("by any party")
            {
                "either".to_owned()
            } else {
                let names = parties_in(&orig[..term_at.min(orig.len())], parties);
                if names.is_empty() {
                    "unknown".to_owned()
                } else {
                    names.join(", ")
                }
            };
            let f = Found::new(
                Convenience { by, notice },
                (a, z),
                if notice.is_some() { 0.8 } else { 0.6 },
            );
            let better = match &best {
                None => true,
                Some(b) => {
                    (b.value.notice.is_none() && f.value.notice.is_some())
                        || (b.value.by == "unknown"
                            && f.value.by != "unknown"
                            && f.value.notice.is_some() == b.value.notice.is_some())
                }
            };
            if better {
                best = Some(f);
            }
        }
        if best
            .as_ref()
            .is_some_and(|b| b.value.notice.is_some() && b.value.by != "unknown")
        {
            break;
        }
    }
    best
}

#[inline(never)]
fn cure_period(doc: &Doc<'_>) -> Option<Found<Period>> {
    static CURE_RE: LazyLock<Regex> =
        LazyLock::new(|| re(r"(?-u:\b)(?:cure|cured|remedy|remedied|rectif|correct)"));
    for (k, &(a, z)) in doc.sents.iter().enumerate() {
        let s = sent_text(doc, a, z);
        if !(s.contains("breach") || s.contains("default")) || !CURE_RE.is_match(s) {
            continue;
        }
        if matches!(
            doc.segs.get(doc.sent_seg[k]).map(|s| s.kind),
            Some(SegmentKind::Definitions | SegmentKind::Title)
        ) {
            continue;
        }
        if let Some(p) = doc
            .periods_in(a, z)
            .iter()
            .find(|p| p.period.approx_days() <= 365)
        {
            return Some(Found::new(p.period, (a, z), 0.8));
        }
    }
    None
}

#[inline(never)]
fn liability_cap(doc: &Doc<'_>) -> Option<Found<LiabilityCap>> {
    static AFTER_RE: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"(?:exceed|limited to|in excess of|greater than|more than|capped at|not to exceed)\s+(?:in the aggregate\s+)?(?:the\s+)?(?:greater|lesser) of\s+|(?:exceed|limited to|in excess of|greater than|more than|capped at|not to exceed)\s+(?:in the aggregate\s+)?",
        )
    });
    static UNLIMITED_RE: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"unlimited liability|liability[^.;]{0,60}(?:shall be|is|will be) unlimited|no (?:limit|cap) (?:on|to) (?:its|either party's|the) liability",
        )
    });
    let mut spans: Vec<(usize, usize)> = doc
        .hits("liability_cap")
        .map(|h| (h.start, h.end))
        .collect();
    spans.dedup();
    for (a, z) in spans {
        let s = sent_text(doc, a, z);
        if UNLIMITED_RE.is_match(s) {
            return Some(Found::new(LiabilityCap::Uncapped, (a, z), 0.8));
        }
        // Prefer a cap phrase followed by an amount ("in no case more than EUR 1,000,000"),
        // else the first cap phrase's formula.
        let mut formula_cap: Option<String> = None;
        for m in AFTER_RE.find_iter(s) {
            let rest_start = a + m.end();
            let rest_end = clause_end(&doc.lower, rest_start, z);
            let money_end = crate::text::floor_boundary(&doc.lower, (rest_start + 120).min(z));
            if let Some(mh) = doc.money_in(rest_start, money_end).first() {
                let between = &doc.lower[rest_start..mh.start];
                let wordy = !between.contains("fee")
                    && !between.contains("paid")
                    && !between.contains("amount")
                    && !between.contains("greater")
                    && !between.contains("damage");
                if mh.start - rest_start < 40 || wordy {
                    return Some(Found::new(LiabilityCap::Amount(mh.money), (a, z), 0.85));
                }
            }
            if formula_cap.is_none() {
                let mut formula = crate::text::squash(&doc.text[rest_start..rest_end]);
                for p in [
                    "the amount of ",
                    "an amount equal to ",
                    "amounts equal to ",
                    "the ",
                    "an amount of ",
                ] {
                    if formula.len() > p.len() && formula[..p.len()].eq_ignore_ascii_case(p) {
                        formula = formula[p.len()..].to_owned();
                    }
                }
                let formula = formula.trim_end_matches(['.', ',', ';']).to_owned();
                if formula.split_whitespace().count() >= 2 && formula.len() <= 400 {
                    formula_cap = Some(formula);
                }
            }
        }
        if let Some(text) = formula_cap {
            return Some(Found::new(LiabilityCap::Formula { text }, (a, z), 0.75));
        }
    }
    for h in doc
        .hits("cap_on_liability")
        .chain(doc.hits("uncapped_liability"))
    {
        let s = sent_text(doc, h.start, h.end);
        if UNLIMITED_RE.is_match(s) {
            return Some(Found::new(LiabilityCap::Uncapped, (h.start, h.end), 0.7));
        }
    }
    None
}

/// End of the phrase starting at `from`: the sentence end or a clause break.
fn clause_end(lower: &str, from: usize, z: usize) -> usize {
    let s = &lower[from..z];
    let mut end = s.len();
    for stop in [
        ", except",
        "; provided",
        ", provided",
        ", even if",
        ", whether",
        ", and in no event",
        ", regardless",
        " except ",
        " provided that",
        ", in each case",
        ", howsoever",
        ", under",
        " under this",
        ", in connection",
    ] {
        if let Some(i) = s.find(stop) {
            end = end.min(i);
        }
    }
    // A full stop ends the phrase unless it closes an abbreviation ("U.S.", "Inc.").
    let mut search = 0;
    while let Some(i) = s[search..].find(". ") {
        let at = search + i;
        let word = s[..at]
            .rsplit(|c: char| !c.is_ascii_alphanumeric() && c != '.')
            .next()
            .unwrap_or("");
        if word.len() >= 3 && !word.contains('.') && !matches!(word, "inc" | "ltd" | "corp" | "no")
        {
            end = end.min(at);
            break;
        }
        search = at + 2;
    }
    crate::text::floor_boundary(lower, from + end)
}

const DAMAGE_LABELS: &[(&str, &str)] = &[
    ("indirect", "indirect"),
    ("incidental", "incidental"),
    ("special", "special"),
    ("consequential", "consequential"),
    ("punitive", "punitive"),
    ("exemplary", "exemplary"),
    ("lost profit", "lost_profits"),
    ("loss of profit", "lost_profits"),
    ("lost revenue", "lost_revenue"),
    ("loss of revenue", "lost_revenue"),
    ("lost data", "loss_of_data"),
    ("loss of data", "loss_of_data"),
    ("corruption of data", "loss_of_data"),
    ("loss of or damage to data", "loss_of_data"),
    ("loss of use", "loss_of_use"),
    ("loss of business", "loss_of_business"),
    ("lost business", "loss_of_business"),
    ("goodwill", "loss_of_goodwill"),
    ("lost savings", "lost_savings"),
    ("loss of savings", "lost_savings"),
    ("loss of opportunit", "loss_of_opportunity"),
    ("business interruption", "business_interruption"),
    ("cost of (substitute|cover|procurement)", "cost_of_cover"),
];

#[inline(never)]
fn excluded_damages(doc: &Doc<'_>) -> Option<Found<Vec<String>>> {
    let mut spans: Vec<(usize, usize)> = doc
        .hits("exclusion_of_damages")
        .map(|h| (h.start, h.end))
        .collect();
    spans.dedup();
    let (a0, z0) = *spans.first()?;
    let mut labels: Vec<String> = Vec::new();
    // Adjacent exclusion sentences of the same clause add labels.
    let seg0 = doc.segment_at(a0);
    for (a, z) in &spans {
        if doc.segment_at(*a) != seg0 && !labels.is_empty() {
            continue;
        }
        let s = sent_text(doc, *a, *z);
        for (needle, label) in DAMAGE_LABELS {
            let hit = if needle.contains('(') {
                s.contains("cost of substitute")
                    || s.contains("cost of cover")
                    || s.contains("cost of procurement")
            } else {
                s.contains(needle)
            };
            if hit && !labels.iter().any(|l| l == label) {
                labels.push((*label).to_owned());
            }
        }
    }
    if labels.is_empty() {
        return None;
    }
    Some(Found::new(labels, (a0, z0), 0.85))
}

/// A capitalised defined name ending a sentence's subject ("In addition, the Distributor").
static DEFINED_SUBJECT: LazyLock<Regex> = LazyLock::new(|| re(r"\b([A-Z][A-Za-z]+)\s*(?:,\s*)?$"));

#[inline(never)]
fn indemnity(doc: &Doc<'_>, parties: &Parties<'_>) -> Option<Found<Indemnity>> {
    static IND_RE: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"(?:shall|will|agrees? to|undertakes? to|must)\s+(?:(?:at its (?:own )?(?:sole )?(?:cost and )?expense,?\s+)?(?:defend,?\s+)?)?(?:indemnify|defend, indemnify|indemnify, defend|hold harmless)",
        )
    });
    let mut by: Vec<String> = Vec::new();
    let mut one_way: Vec<(String, (usize, usize))> = Vec::new();
    let mut mutual = false;
    let mut first: Option<(usize, usize)> = None;
    for h in doc.hits("indemnification") {
        let s = sent_text(doc, h.start, h.end);
        let Some(m) = IND_RE.find(s) else { continue };
        let subject = &s[..m.start()];
        let orig_subject = &doc.text[h.start..h.start + m.start()];
        first.get_or_insert((h.start, h.end));
        if subject.contains("each party")
            || subject.contains("either party")
            || subject.contains("each of the parties")
            || subject.contains("the parties shall")
        {
            mutual = true;
            continue;
        }
        // The obligor is the party named closest before the verb; when the parties are not
        // known (an excerpt), the defined name just before it ("the Distributor shall …").
        let mut names = parties_in(orig_subject, parties);
        if names.is_empty()
            && let Some(c) = DEFINED_SUBJECT.captures(orig_subject)
            && let Some(n) = c.get(1)
            && !matches!(
                n.as_str().to_ascii_lowercase().as_str(),
                "party" | "parties" | "each" | "either" | "it" | "they" | "agreement"
            )
        {
            names.push(n.as_str().to_owned());
        }
        if let Some(n) = names.last() {
            if !one_way.iter().any(|(b, _)| b == n) {
                one_way.push((n.clone(), (h.start, h.end)));
            }
            if !by.contains(n) {
                by.push(n.clone());
            }
        }
    }
    let span = first?;
    if by.len() >= 2 {
        mutual = true;
    }
    // Mutual: every party indemnifies. Where the text names fewer than two parties (standard
    // terms, "Provider will indemnify … Customer will indemnify …"), the roles that give the
    // indemnities are the indemnitors.
    if mutual && (parties.list.len() >= 2 || by.is_empty()) {
        by = parties
            .list
            .iter()
            .map(|p| display_name(&p.value))
            .collect();
    }
    Some(Found::new(
        Indemnity {
            mutual,
            by,
            one_way,
        },
        span,
        0.75,
    ))
}

/// "for five years after it ends", "after this Agreement expires": the duty outlives the
/// agreement even though no word of survival or termination is used.
static AFTER_IT_ENDS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:after|following|beyond)\s+(?:(?:it|this\s+agreement|the\s+agreement)\s+(?:ends|has\s+ended|expires|has\s+expired|terminates|is\s+terminated|comes\s+to\s+an\s+end)|(?:the|its)\s+(?:end\s+of\s+the\s+)?term)\b",
    )
});

#[inline(never)]
fn confidentiality(doc: &Doc<'_>) -> Option<Found<Confidentiality>> {
    // The clauses about confidentiality (and their sub-clauses), sentence by sentence.
    let conf_segs: Vec<usize> = doc
        .classified
        .categories
        .iter()
        .enumerate()
        .filter(|(_, cs)| cs.iter().any(|(c, _)| *c == "confidentiality"))
        .map(|(i, _)| i)
        .filter(|&i| doc.segs[i].kind != SegmentKind::Definitions)
        .collect();
    let in_scope = |seg: usize| {
        conf_segs.contains(&seg) || doc.segs[seg].parent.is_some_and(|p| conf_segs.contains(&p))
    };
    let mut first: Option<(usize, usize)> = None;
    let mut duration = None;
    let mut survives = false;
    let mut perpetual = false;
    let mut dur_span = None;
    for (k, &(a, z)) in doc.sents.iter().enumerate() {
        if !in_scope(doc.sent_seg[k]) {
            continue;
        }
        let s = sent_text(doc, a, z);
        first.get_or_insert((a, z));
        let after_end = s.contains("surviv")
            || s.contains("after termination")
            || s.contains("after the termination")
            || s.contains("following termination")
            || s.contains("following the termination")
            || s.contains("after expir")
            || s.contains("after the expir")
            || s.contains("following expir")
            || s.contains("following the expir")
            || s.contains("after the end")
            || s.contains("after its termination")
            || AFTER_IT_ENDS.is_match(s)
            || s.contains("thereafter")
            || s.contains("termination or expiry")
            || s.contains("expiry or termination")
            || s.contains("expiration or termination")
            || s.contains("termination or expiration");
        if s.contains("in perpetuity")
            || s.contains("indefinitely")
            || s.contains("perpetual")
            || s.contains("without limit of time")
        {
            perpetual = true;
            survives = true;
        }
        if after_end
            && (s.contains("oblig")
                || s.contains("confiden")
                || s.contains("this section")
                || s.contains("this clause")
                || s.contains("this article"))
        {
            survives = true;
        }
        // "maintain records of … for 3 years": how long records are kept, not the duty.
        let record_keeping = s.contains("records") || s.contains("record of") || s.contains("logs");
        // A table row is read alone: an "End Date" row's period is not the duty's.
        let other_row = s.starts_with('|') && !s.contains("confiden");
        if duration.is_none()
            && !record_keeping
            && !other_row
            && let Some(p) = doc
                .periods_in(a, z)
                .iter()
                .find(|p| p.period.approx_days() >= 180 && !is_notice_period(&doc.lower, p, a, z))
        {
            let tail =
                &doc.lower[p.end..crate::text::floor_boundary(&doc.lower, (p.end + 60).min(z))];
            if after_end
                || tail.contains("disclos")
                || tail.contains("from")
                || tail.contains("after")
                || s.contains("period of")
            {
                duration = Some(p.period);
                dur_span = Some((a, z));
                if after_end {
                    survives = true;
                }
            }
        }
    }
    // A survival clause naming confidentiality also counts.
    if !survives {
        for (a, z) in doc.sents.iter() {
            let s = &doc.lower[*a..*z];
            if s.contains("surviv") && s.contains("confidential") {
                survives = true;
                break;
            }
        }
    }
    let span = dur_span.or(first)?;
    Some(Found::new(
        Confidentiality {
            duration,
            survives,
            perpetual,
        },
        span,
        if duration.is_some() { 0.8 } else { 0.65 },
    ))
}

#[inline(never)]
fn ip_ownership(doc: &Doc<'_>, parties: &Parties<'_>) -> Option<Found<Vec<String>>> {
    static BG_RE: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"(?:background|pre-existing|preexisting|existing)\s+(?:ip|intellectual property|technology|know-how|rights|materials)[^.;]{0,160}(?:retain|remain|continue to (?:be )?own|own|belong|property of)|(?:each party|each of the parties)[^.;]{0,40}(?:shall )?(?:retain|remain)[^.;]{0,120}(?:intellectual property|rights)[^.;]{0,80}(?:prior to|before|independently|existing|background|own)",
        )
    });
    static DEV_RE: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"(?:owned by|property of|belong to|vest in)\s+the party (?:that|who|which)\s+(?:\w+\s+){0,3}(?:develop|creat|conceiv|invent|generat|made)|(?:each party|the developing party)[^.;]{0,60}(?:shall )?own[^.;]{0,120}(?:it|such party) (?:alone |solely |independently )?(?:develop|creat|conceiv)",
        )
    });
    static JOINT_RE: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"jointly[\s-]+own|joint(?:ly)? owned|joint ownership|co-own|owned jointly|shall jointly own",
        )
    });
    static ASSIGN_RE: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"hereby (?:irrevocably )?assigns?|(?:shall|will|agrees? to) assign[^.;]{0,40}(?:all )?(?:right|title)|work(?:s)? (?:made )?for hire",
        )
    });
    static OWNED_BY_RE: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"(?:shall|will) (?:be|become|remain) (?:the )?(?:sole and )?(?:exclusive )?(?:property of|owned (?:solely |exclusively )?by)|(?:shall|will) (?:solely |exclusively )?own",
        )
    });
    let mut rules: Vec<String> = Vec::new();
    let mut first: Option<(usize, usize)> = None;
    let mut spans: Vec<(usize, usize)> = doc
        .hits("ip_ownership")
        .chain(doc.hits("ip_ownership_assignment"))
        .chain(doc.hits("joint_ip_ownership"))
        .chain(doc.hits("background_ip"))
        .map(|h| (h.start, h.end))
        .collect();
    spans.sort_unstable();
    spans.dedup();
    for (a, z) in spans {
        let s = sent_text(doc, a, z);
        if s.contains("confidential information") && !s.contains("intellectual property") {
            continue;
        }
        let push = |r: String, rules: &mut Vec<String>| {
            if !rules.contains(&r) {
                rules.push(r);
            }
        };
        if BG_RE.is_match(s) {
            push("background IP stays with its owner".into(), &mut rules);
            first.get_or_insert((a, z));
        }
        if DEV_RE.is_match(s) {
            push("new IP owned by the developing party".into(), &mut rules);
            first.get_or_insert((a, z));
        }
        if JOINT_RE.is_match(s) {
            push("joint IP jointly owned".into(), &mut rules);
            first.get_or_insert((a, z));
        }
        if let Some(m) = ASSIGN_RE.find(s) {
            let orig = &doc.text[a..z];
            let to = parties_in(&orig[m.start().min(orig.len())..], parties);
            let r = match to.first() {
                Some(p) => format!("assigned to {p}"),
                None => "assigned".to_owned(),
            };
            push(r, &mut rules);
            first.get_or_insert((a, z));
        } else if let Some(m) = OWNED_BY_RE.find(s)
            && !JOINT_RE.is_match(s)
            && (s.contains("intellectual property")
                || s.contains("invention")
                || s.contains("work product")
                || s.contains("deliverable")
                || s.contains("development")
                || s.contains("improvement"))
        {
            let orig = &doc.text[a..z];
            let after = parties_in(&orig[m.end().min(orig.len())..], parties);
            let before = parties_in(&orig[..m.start().min(orig.len())], parties);
            let owner = if m.as_str().ends_with("own") {
                before.last().cloned()
            } else {
                after.first().cloned()
            };
            if let Some(o) = owner {
                push(format!("owned by {o}"), &mut rules);
                first.get_or_insert((a, z));
            }
        }
    }
    let span = first?;
    Some(Found::new(rules, span, 0.7))
}

/// Words that put mediation or arbitration in a dispute procedure.
static DISPUTE_WORDS_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"disput|claim|controvers|differen|disagree|appoint|arbitral|tribunal|refer|submit|settle|resolv|seat|rules|procedure|attempt|centre|center|cedr|institution|binding",
    )
});

/// Whether a sentence names mediation or arbitration only among the things it keeps
/// confidential ("maintain the confidential nature of all disputes …, including informal
/// negotiations, mediation, or arbitration"): a list of processes, not a tier agreed.
fn named_as_confidential(s: &str, kind: &str) -> bool {
    let stem = if kind == "mediation" {
        "mediat"
    } else {
        "arbitrat"
    };
    let Some(at) = s.find(stem) else {
        return false;
    };
    s[..at].contains("confidential") && s[..at].rfind("including").is_some_and(|i| at - i < 60)
}

#[inline(never)]
fn disputes(doc: &Doc<'_>) -> Option<Found<Vec<Tier>>> {
    static BODY_RE: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"(?-u:\b)(icc|international chamber of commerce|aaa|american arbitration association|jams|lcia|london court of international arbitration|uncitral|dis|german arbitration institute|siac|singapore international arbitration centre|hkiac|cietac|wipo|icdr|cpr|ceDR|swiss chambers)(?-u:\b)",
        )
    });
    let mut tiers: Vec<Tier> = Vec::new();
    let mut first: Option<(usize, usize)> = None;
    let mut spans: Vec<(usize, usize, &'static str)> = Vec::new();
    for (cat, kind) in [
        ("negotiation_escalation", "negotiation"),
        ("mediation", "mediation"),
        ("arbitration", "arbitration"),
        ("jurisdiction_venue", "courts"),
    ] {
        for h in doc.hits(cat) {
            spans.push((h.start, h.end, kind));
        }
    }
    spans.sort_unstable();
    for (a, z, kind) in spans {
        let s = sent_text(doc, a, z);
        // Mediation or arbitration named outside dispute wording ("an institute whose mission
        // is to promote mediation worldwide") is no tier.
        let front = doc.segment_at(a).is_some_and(|k| {
            matches!(
                doc.segs[k].kind,
                SegmentKind::Title | SegmentKind::Preamble | SegmentKind::Recitals
            )
        });
        if (kind == "mediation" || kind == "arbitration")
            && (front || !DISPUTE_WORDS_RE.is_match(s) || named_as_confidential(s, kind))
        {
            continue;
        }
        // A venue classification of a sentence that names no forum is not a tier.
        if kind == "courts"
            && !["court", "jurisdiction", "tribunal", "proceedings"]
                .iter()
                .any(|k| s.contains(k))
        {
            continue;
        }
        // Injunctive-relief carve-outs are not a tier.
        if kind == "courts"
            && (s.contains("injunct") || s.contains("equitable relief"))
            && !tiers.is_empty()
        {
            continue;
        }
        if kind == "arbitration"
            && (s.contains("not be subject to arbitration") || s.contains("exclusive jurisdiction"))
            && !s.contains("shall be settled by")
            && !s.contains("shall be resolved by")
            && !s.contains("finally")
            && !s.contains("binding arbitration")
        {
            // mentions, not a tier
        }
        // The tier's own period follows its keyword ("… referred to mediation; if not
        // resolved within 60 days …"); a negotiation period precedes the next tier's keyword.
        let kw_at = match kind {
            "mediation" => s.find("mediat"),
            "negotiation" => [
                "negotiat",
                "discuss",
                "senior",
                "good faith",
                "good-faith",
                "amicabl",
                "escalat",
                "meet",
                "attempt",
                "resolve",
            ]
            .iter()
            .filter_map(|k| s.find(k))
            .min(),
            _ => None,
        }
        .unwrap_or(0);
        let next_tier_at = if kind == "negotiation" {
            ["mediat", "arbitrat", "court"]
                .iter()
                .filter_map(|k| s[kw_at..].find(k).map(|i| i + kw_at))
                .min()
        } else {
            None
        };
        let period = doc
            .periods_in(a, z)
            .iter()
            .filter(|p| {
                p.start >= a + kw_at
                    && next_tier_at.is_none_or(|n| {
                        p.start < a + n || kind != "negotiation" || p.start < a + n + 80
                    })
            })
            .find(|p| p.period.approx_days() <= 200)
            .map(|p| p.period);
        let detail = if kind == "arbitration" {
            BODY_RE
                .captures(s)
                .and_then(|c| c.get(1))
                .map(|m| m.as_str().to_ascii_uppercase())
        } else {
            None
        };
        match tiers.iter_mut().find(|t| t.kind == kind) {
            Some(t) => {
                if t.period.is_none() && kind != "arbitration" && kind != "courts" {
                    t.period = period;
                }
                if t.detail.is_none() {
                    t.detail = detail;
                }
            }
            None => {
                first.get_or_insert((a, z));
                tiers.push(Tier {
                    kind,
                    period: if kind == "negotiation" || kind == "mediation" {
                        period
                    } else {
                        None
                    },
                    detail,
                    at: a,
                });
            }
        }
    }
    if tiers.is_empty() {
        return None;
    }
    // Courts as a tier only when nothing else decides disputes.
    if tiers.iter().any(|t| t.kind == "arbitration") {
        tiers.retain(|t| t.kind != "courts");
    }
    let order = |k: &str| match k {
        "negotiation" => 0,
        "mediation" => 1,
        "arbitration" => 2,
        _ => 3,
    };
    tiers.sort_by_key(|t| order(t.kind));
    Some(Found::new(tiers, first.unwrap_or((0, 0)), 0.75))
}

#[inline(never)]
fn termination_fee(doc: &Doc<'_>) -> Option<Found<Fee>> {
    static FEE_RE: LazyLock<Regex> = LazyLock::new(|| {
        re(r"(?:early )?(?:termination|cancell?ation|break[\s-]?up) (?:fee|payment|charge)")
    });
    for h in doc.hits("liquidated_damages") {
        let s = sent_text(doc, h.start, h.end);
        let Some(m) = FEE_RE.find(s) else { continue };
        if let Some(mh) = doc.money_in(h.start, h.end).first() {
            return Some(Found::new(Fee::Amount(mh.money), (h.start, h.end), 0.8));
        }
        // "… shall pay a termination fee equal to …"
        let rest = &doc.text[h.start + m.end()..h.end];
        let t = crate::text::squash(rest);
        let t = t
            .trim_start_matches(['"', '”', ')', ' ', ','])
            .trim_start_matches("(the ")
            .trim_end_matches(['.', ';'])
            .to_owned();
        let formula = t
            .find("equal to")
            .map(|i| t[i + 8..].trim().to_owned())
            .or_else(|| t.find("amount of").map(|i| t[i + 9..].trim().to_owned()));
        if let Some(f) = formula.filter(|f| f.split_whitespace().count() >= 2) {
            let f: String = f.chars().take(300).collect();
            return Some(Found::new(Fee::Formula(f), (h.start, h.end), 0.6));
        }
    }
    None
}

/// A purpose limitation ("use the data exclusively for the purpose of …"), which binds how a
/// thing is used, not with whom the parties deal.
static PURPOSE_ONLY_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:solely and )?exclusively (?:for|in connection with|in the context of) (?:the |a |any )?(?:[\w-]+ ){0,3}?purposes?(?-u:\b)",
    )
});

#[inline(never)]
fn restriction(doc: &Doc<'_>, cat: &str) -> Option<Found<Restriction>> {
    static DURING_RE: LazyLock<Regex> =
        LazyLock::new(|| re(r"during the term|term of this agreement|while this agreement"));
    // In text order (hits found under a heading are listed after the others); the first that
    // states how long it lasts, else the first.
    let mut hs: Vec<&crate::classify::Hit> = doc
        .hits(cat)
        .filter(|h| {
            let s = sent_text(doc, h.start, h.end);
            // A purpose limitation alone ("exclusively for the purpose of") restricts nothing.
            let purpose_only =
                PURPOSE_ONLY_RE.is_match(s) && !s.replace("exclusively", "").contains("exclusiv");
            // Nor does an exclusive remedy ("9.6 Exclusive Remedy.", "sole and exclusive
            // remedy"): it limits what a party may claim, not where it may trade.
            let remedy_only = s.contains("exclusive remed")
                && !s.replace("exclusive remed", "").contains("exclusiv");
            (!s.contains("non-exclusive") || s.contains(" exclusive "))
                && !purpose_only
                && !remedy_only
        })
        .collect();
    hs.sort_by_key(|h| h.start);
    let duration_in = |start: usize, end: usize| -> Option<String> {
        let s = sent_text(doc, start, end);
        let after_term = doc
            .periods_in(start, end)
            .iter()
            .find(|p| {
                let after = &doc.lower
                    [p.end..crate::text::floor_boundary(&doc.lower, (p.end + 60).min(end))];
                after.contains("after")
                    || after.contains("following")
                    || after.contains("thereafter")
                    || after.contains("termination")
                    || after.contains("expiration")
            })
            .map(|p| p.period);
        // "for a period of three (3) years from the Effective Date": a period of its own.
        let own = || {
            doc.periods_in(start, end)
                .iter()
                .find(|p| {
                    let lb = crate::text::floor_boundary(
                        &doc.lower,
                        p.start.saturating_sub(30).max(start),
                    );
                    let before = &doc.lower[lb..p.start];
                    before.contains("period of")
                        || before.ends_with("for ")
                        || before.contains("for a term of")
                })
                .map(|p| p.period)
        };
        match (DURING_RE.is_match(s), after_term) {
            (true, Some(p)) => Some(format!("term + {p}")),
            (false, Some(p)) => Some(p.to_string()),
            (true, None) => Some("term".to_owned()),
            (false, None) => own().map(|p| p.to_string()),
        }
    };
    // How long the restriction lasts, and the text that says so: the hit itself or, for a
    // hit on a heading ("6A. Exclusivity"), a sentence below it within the same clause.
    let duration_of = |h: &crate::classify::Hit| -> Option<(String, (usize, usize))> {
        if let Some(d) = duration_in(h.start, h.end) {
            return Some((d, (h.start, h.end)));
        }
        if doc.text[h.start..h.end].split_whitespace().count() > 6 {
            return None;
        }
        let seg_end = doc
            .segs
            .iter()
            .filter(|s| s.start <= h.start && h.end <= s.end)
            .map(|s| s.end)
            .min()?;
        let k = doc.sentence_at(h.start)?;
        doc.sents
            .iter()
            .skip(k + 1)
            .take(3)
            .take_while(|(a, _)| *a < seg_end)
            .find_map(|&(a, z)| duration_in(a, z).map(|d| (d, (a, z))))
    };
    let (h, stated) = hs
        .iter()
        .find_map(|h| duration_of(h).map(|d| (*h, Some(d))))
        .or_else(|| hs.first().map(|h| (*h, None)))?;
    let (duration, (start, end)) = match stated {
        Some((d, span)) => (Some(d), span),
        None => (None, (h.start, h.end)),
    };
    let scope: String = crate::text::squash(&doc.text[start..end])
        .chars()
        .take(300)
        .collect();
    Some(Found::new(
        Restriction { scope, duration },
        (start, end),
        h.confidence,
    ))
}

#[inline(never)]
fn payment_terms(doc: &Doc<'_>) -> Vec<Found<PaymentTerm>> {
    static INVOICE_RE: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"(?:within|no later than|not later than)\s+[^.;]{0,40}?(?:days?|months?)[^.;]{0,40}(?:invoice|receipt|after the end|following the end|of the end)",
        )
    });
    static PCT_RE: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"(\d{1,3}(?:\.\d{1,3})?)\s*(?:%|percent)|(?-u:\b)(?:(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|twenty-five|thirty|forty|fifty|sixty|seventy|eighty|ninety)\s+)?(?:percent)",
        )
    });
    let mut out = Vec::new();
    let mut seen = Vec::new();
    for h in doc
        .hits("revenue_profit_sharing")
        .chain(doc.hits("payment"))
    {
        if seen.contains(&(h.start, h.end)) || out.len() >= 12 {
            continue;
        }
        seen.push((h.start, h.end));
        let s = sent_text(doc, h.start, h.end);
        let text: String = crate::text::squash(&doc.text[h.start..h.end])
            .chars()
            .take(300)
            .collect();
        if h.cat == "revenue_profit_sharing" {
            let percent = PCT_RE.captures(s).and_then(|c| {
                c.get(1).map(|m| m.as_str().to_owned()).or_else(|| {
                    c.get(2)
                        .and_then(|w| words_to_number(w.as_str()))
                        .map(|n| n.to_string())
                })
            });
            out.push(Found::new(
                PaymentTerm {
                    kind: "revenue_share",
                    text,
                    period: None,
                    percent,
                    amount: None,
                },
                (h.start, h.end),
                h.confidence,
            ));
        } else if let Some(m) = INVOICE_RE.find(s) {
            let period = doc
                .periods_in(h.start + m.start(), h.start + m.end())
                .first()
                .map(|p| p.period);
            out.push(Found::new(
                PaymentTerm {
                    kind: "payment_terms",
                    text,
                    period,
                    percent: None,
                    amount: None,
                },
                (h.start, h.end),
                0.75,
            ));
        } else if let Some(mh) = doc.money_in(h.start, h.end).first() {
            out.push(Found::new(
                PaymentTerm {
                    kind: "fee",
                    text,
                    period: None,
                    percent: None,
                    amount: Some(mh.money),
                },
                (h.start, h.end),
                0.65,
            ));
        }
    }
    out
}

#[inline(never)]
fn review_cycle(doc: &Doc<'_>) -> Option<Found<Period>> {
    let h = doc.hits("review_cycle").next()?;
    let s = sent_text(doc, h.start, h.end);
    let p = if s.contains("annual")
        || s.contains("each year")
        || s.contains("every year")
        || s.contains("once a year")
    {
        Period::years(1).ok()
    } else if s.contains("quarter") {
        Period::months(3).ok()
    } else if s.contains("semi-annual")
        || s.contains("every six months")
        || s.contains("twice a year")
    {
        Period::months(6).ok()
    } else if s.contains("monthly") || s.contains("each month") || s.contains("every month") {
        Period::months(1).ok()
    } else {
        doc.periods_in(h.start, h.end).first().map(|p| p.period)
    }?;
    Some(Found::new(p, (h.start, h.end), 0.7))
}

/// A fixed review date: a date the review sentence sets ("shall meet to review … on 15
/// January 2028", "… no later than 30 June 2027"), not one it merely mentions.
#[inline(never)]
fn review_date(doc: &Doc<'_>) -> Option<Found<Date>> {
    static ON_RE: LazyLock<Regex> = LazyLock::new(|| {
        re(r"(?-u:\b)(?:on|by|no later than|not later than|on or before|before)\s+(?:the\s+)?$")
    });
    for h in doc.hits("review_cycle") {
        if !sent_text(doc, h.start, h.end).contains("review") {
            continue;
        }
        for d in doc.dates_in(h.start, h.end) {
            let lb =
                crate::text::floor_boundary(&doc.lower, d.start.saturating_sub(25).max(h.start));
            if ON_RE.is_match(&doc.lower[lb..d.start]) {
                return Some(Found::new(d.date, (h.start, h.end), 0.8));
            }
        }
    }
    None
}

/// Extracts every key term.
pub(crate) fn extract(doc: &Doc<'_>, parties: &Parties<'_>) -> KeyTerms {
    let agreement_date = agreement_date(doc);
    let cands = term_candidates(doc);
    let effective_date = effective_date(doc, agreement_date.as_ref(), &cands);
    let initial_term = initial_term(doc, &cands);
    let start = match effective_date.as_ref().map(|f| &f.value) {
        Some(Effective::Date(d)) => Some(*d),
        Some(Effective::LastSignature(d)) => *d,
        None => agreement_date.as_ref().map(|f| f.value),
    };
    let expiration_date = expiration(doc, &cands, start, initial_term.as_ref());
    let contract_value =
        super::value::contract_value(doc, parties, initial_term.as_ref().map(|f| f.value));
    let renewal = renewal(doc, initial_term.as_ref());
    KeyTerms {
        agreement_date,
        effective_date,
        expiration_date,
        initial_term,
        renewal,
        notice_non_renewal: notice_non_renewal(doc),
        termination_for_convenience: convenience(doc, parties),
        cure_period: cure_period(doc),
        governing_law: super::law::governing_law(doc),
        venue: super::law::venue(doc),
        liability_cap: liability_cap(doc),
        excluded_damages: excluded_damages(doc),
        indemnity: indemnity(doc, parties),
        confidentiality: confidentiality(doc),
        ip_ownership: ip_ownership(doc, parties),
        dispute_resolution: disputes(doc),
        termination_fee: termination_fee(doc),
        exclusivity: restriction(doc, "exclusivity"),
        non_compete: restriction(doc, "non_compete"),
        payment: payment_terms(doc),
        review_cycle: review_cycle(doc),
        review_date: review_date(doc),
        contract_value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(t: &str) -> KeyTerms {
        let d = Doc::new(t);
        let p = crate::extract::parties::extract(&d);
        extract(&d, &Parties::new(&p))
    }

    #[test]
    fn a_signing_sentence_dates_an_agreement_whose_opening_does_not() {
        let body = "AGENCY AGREEMENT\n\n1. Appointment. The Company appoints the Agency.\n\n2. Year 2000 Compliance. Agency must assure that its systems are compliant.\n\n";
        for (tail, want) in [
            (
                "Signed and effective this 25th day of May, 1999.\n\nAGENCY\n\nBy: ____\n",
                "1999-05-25",
            ),
            (
                "THUS DONE AND SIGNED at Pretoria by ALPHA (PROPRIETARY) LIMITED on this 31st day of March 2001 /S/\n",
                "2001-03-31",
            ),
        ] {
            let k = terms(&format!("{body}{tail}"));
            assert_eq!(
                k.agreement_date.map(|f| f.value.to_string()).as_deref(),
                Some(want),
                "{tail}"
            );
        }
        // What introduces a signing date, and what does not.
        assert!(SIGNED_THIS_RE.is_match("in witness whereof, executed on this "));
        assert!(!SIGNED_THIS_RE.is_match("the report shall be signed. it is due this "));
        assert!(!SIGNED_THIS_RE.is_match("the report is due this "));
    }

    #[test]
    fn the_last_signature_dates_the_start_where_the_opening_holds_the_signatures() {
        let t = "CHANNEL PARTNER RESELLER AGREEMENT This CHANNEL PARTNER RESELLER AGREEMENT (\"Agreement\") is entered into as of the Effective Date by and between IPASS INC. (\"iPass\") and Pareteum Corporation (\"Channel Partner\"). IN WITNESS WHEREOF, the parties have executed this Agreement as of the Effective Date. Channel Partner: iPass Inc.: By: /s/ Victor A. Bozzo By: /s/ Christine Gardner Title Title 4/24/2018 04/25/2018 Date Date\n\nTERMS AND CONDITIONS\n\n1. Definitions\n\n1.1 \"Effective Date\" means the date of last signature on this Agreement.\n\n2. Term\n\n2.1 This Agreement shall commence on the Effective Date and shall continue for a period of twelve (12) full calendar months (\"Initial Term\").\n";
        let k = terms(t);
        assert!(
            matches!(k.effective_date.as_ref().map(|f| &f.value), Some(Effective::LastSignature(Some(d))) if d.to_string() == "2018-04-25"),
            "{:?}",
            k.effective_date
        );
        assert!(
            matches!(k.expiration_date.as_ref().map(|f| &f.value), Some(Expiry::Date { date, .. }) if date.to_string() == "2019-04-25"),
            "{:?}",
            k.expiration_date
        );
    }

    #[test]
    fn a_term_extended_or_in_effect_until_a_date_ends_then() {
        let opening = "DISTRIBUTOR AGREEMENT\n\nThis Agreement is made as of August 4, 2010 between Scansource, Inc. (\"Distributor\") and Cisco Systems, Inc. (\"Cisco\").\n\n1. Term\n\n";
        for (term, want) in [
            (
                "1.1 The Term of the Agreement is hereby extended to January 20, 2012 unless sooner terminated as provided for in the Agreement.\n",
                "2012-01-20",
            ),
            (
                "1.1 This Agreement shall be in effect until March 18, 2021, unless sooner terminated by either party upon thirty (30) days written notice.\n",
                "2021-03-18",
            ),
        ] {
            let k = terms(&format!("{opening}{term}"));
            assert!(
                matches!(k.expiration_date.as_ref().map(|f| &f.value), Some(Expiry::Date { date, .. }) if date.to_string() == want),
                "{term}: {:?}",
                k.expiration_date
            );
        }
        // A term that only may be extended keeps no end from it.
        let k = terms(&format!(
            "{opening}1.1 The Term may be extended by mutual written agreement to December 31, 2015.\n"
        ));
        assert!(k.expiration_date.is_none(), "{:?}", k.expiration_date);
    }

    #[test]
    fn a_term_that_commences_on_a_date_without_a_preposition_sets_the_effective_date() {
        let opening = "ENDORSEMENT AGREEMENT\n\nThis Agreement is made as of March 28, 1996 between Teardrop Golf Company, a Delaware corporation (\"Teardrop\"), and Tom Kite (\"Player\").\n\n1. Term\n\n";
        for (term, want) in [
            (
                "1.1 The term of this Agreement shall commence January 1, 1996, and shall continue for a period of three (3) years.\n",
                "1996-01-01",
            ),
            (
                "1.1 The term of this Agreement shall commence upon April 1, 1999 and shall continue for a period of six (6) months.\n",
                "1999-04-01",
            ),
            (
                "1.1 The Term of this Agreement shall be for a period of two years commencing the 1st day of September 2004.\n",
                "2004-09-01",
            ),
        ] {
            let k = terms(&format!("{opening}{term}"));
            assert!(
                matches!(k.effective_date.as_ref().map(|f| &f.value), Some(Effective::Date(d)) if d.to_string() == want),
                "{term}: {:?}",
                k.effective_date
            );
        }
        // A date that something else begins on is not the agreement's: the agreement date stands.
        let k = terms(&format!(
            "{opening}1.1 This Agreement shall remain in effect for three years, and the Preferred Stock will be redeemable beginning October 21, 2022.\n"
        ));
        assert!(
            matches!(k.effective_date.as_ref().map(|f| &f.value), Some(Effective::Date(d)) if d.to_string() == "1996-03-28"),
            "{:?}",
            k.effective_date
        );
    }

    #[test]
    fn a_termination_or_another_document_taking_effect_is_no_effective_date() {
        let opening = "SERVICE AGREEMENT\n\nThis Service Agreement is made between Alpha Energy LLC, a Delaware limited liability company with offices at 1 Main Street, Wilmington (\"Alpha\"), and Beta Power Inc., a Texas corporation with offices at 200 Congress Avenue, Austin (\"Beta\").\n\n1. Definitions\n\n1.1 \"Bill of Sale\" means the Bill of Sale and Agreement, effective as of December 30, 2011, between Alpha and Beta.\n\n";
        let k = terms(&format!(
            "{opening}2. Termination\n\n2.1 Beta may terminate this Agreement, effective as of December 31, 2023, by notice given before December 1, 2022.\n"
        ));
        assert!(k.effective_date.is_none(), "{:?}", k.effective_date);
        let k = terms(&format!(
            "{opening}2. Term\n\n2.1 This Agreement shall be effective as of March 1, 2024 and shall continue for two years.\n"
        ));
        assert!(
            matches!(k.effective_date.map(|f| f.value), Some(Effective::Date(d)) if d.to_string() == "2024-03-01")
        );
    }

    #[test]
    fn a_cover_dates_the_agreement_when_the_opening_does_not() {
        let text = "PROMOTION AGREEMENT\n\nby and between\n\nJANSSEN BIOTECH, INC.\n\nand\n\nIMMUNOMEDICS, INC.\n\nDated as of: April 5, 2019\n\n\n\nTABLE OF CONTENTS\n\nARTICLE 1 DEFINITIONS 1\nARTICLE 2 PROMOTION 10\n\n\n\nARTICLE 1\nDEFINITIONS\n\n1.1 \"Product\" means the product.\n\nARTICLE 2\nPROMOTION\n\n2.1 Janssen shall promote the Product from June 1, 2019.\n";
        let k = terms(text);
        assert_eq!(
            k.agreement_date.map(|f| f.value.to_string()).as_deref(),
            Some("2019-04-05")
        );
        // An opening with its own date keeps it, whatever the cover says.
        let k = terms(
            "FIRST AMENDMENT\n\nTHIS FIRST AMENDMENT is made and entered into as of the 1st day of January, 1999, by and between Peregrine Corporation (\"Licensor\") and NEON Systems, Inc. (\"Licensee\").\n\nRECITALS:\n\nLicensor and Licensee are parties to that certain Distributor Agreement dated as of January 1, 1996.\n\n1. Amendment\n\n1.1 Section 2 is amended.\n",
        );
        assert_eq!(
            k.agreement_date.map(|f| f.value.to_string()).as_deref(),
            Some("1999-01-01")
        );
        // The day glued to "as of", as one filing typed it.
        let k = terms(
            "DISTRIBUTOR AGREEMENT\n\nTHIS DISTRIBUTOR AGREEMENT (this \"Agreement\") is made and effective as of1 August 2019, by and between Alpha LLC (\"Company\") and Beta Inc. (\"Distributor\").\n\n1. Appointment\n\n1.1 Company appoints Distributor.\n",
        );
        assert_eq!(
            k.agreement_date.map(|f| f.value.to_string()).as_deref(),
            Some("2019-08-01")
        );
    }

    #[test]
    fn an_end_date_in_the_term_clause_is_the_expiry_even_without_a_dated_preamble() {
        for text in [
            "3. TERM\n\nThis Agreement shall commence on 1 March 2026 and shall expire on 28 February 2029, unless extended by written agreement of the Parties.\n",
            "3. Term\n\nThe term of this Agreement shall begin on 1 March 2026 and this Agreement shall terminate on 28 February 2029.\n",
            "3. Term\n\nThis Agreement shall commence on 1 March 2026 and shall expire on the last day of February, 2029.\n",
            "3. Term\n\nThis agreement will commence on 1 March 2026 and will be in effect until the last day of February, 2029 and will be evaluated at that time.\n",
        ] {
            let k = terms(text);
            assert!(
                matches!(k.expiration_date.as_ref().map(|f| &f.value), Some(Expiry::Date { date, computed: false }) if date.to_string() == "2029-02-28"),
                "{text}: {:?} (agreement date {:?})",
                k.expiration_date.map(|f| f.value),
                k.agreement_date.map(|f| f.value)
            );
        }
        let k = terms(
            "3. Term\n\nThis agreement will commence on 1 March 2026 and will be in effect until the end of 2028 and will be evaluated at that time.\n",
        );
        assert!(
            matches!(k.expiration_date.as_ref().map(|f| &f.value), Some(Expiry::Date { date, computed: false }) if date.to_string() == "2028-12-31"),
            "{:?}",
            k.expiration_date.map(|f| f.value)
        );
    }

    #[test]
    fn a_term_for_a_defined_period_is_not_perpetual() {
        let term = "9. Term\n\n9.1 The Agreement shall commence on the Effective Date and continue in effect for the Service Period, unless terminated earlier as provided in this Section.\n";
        // The period's definition, with its month typed with a dot, gives the end.
        let k = terms(&format!(
            "1. Definitions\n\n1.5 \"Service Period\" means April. 1st 2019 through to March 30, 2020.\n\n{term}"
        ));
        assert!(
            matches!(k.expiration_date.as_ref().map(|f| &f.value), Some(Expiry::Date { date, computed: false }) if date.to_string() == "2020-03-30"),
            "{:?}",
            k.expiration_date.map(|f| f.value)
        );
        // Without it the end is unknown, not perpetual.
        let k = terms(term);
        assert!(
            k.expiration_date.is_none(),
            "{:?}",
            k.expiration_date.map(|f| f.value)
        );
    }

    #[test]
    fn terms_stated_from_the_start_of_the_agreement() {
        let pre = "This Agreement is entered into as of February 13, 2018 (the \"Effective Date\") by and between Alpha Inc. (\"Alpha\") and Beta LLC (\"Beta\").\n\n";
        let cases = [
            // "thereafter" counted from the commencement is the term itself.
            (
                "7.1 Term. This Agreement shall commence on the Effective Date and shall extend for a period of Five (5) years thereafter (\"Initial Term\"), unless terminated earlier.\n",
                "P5Y",
                "2023-02-13",
            ),
            (
                "7.1 Unless terminated earlier as provided herein, this Agreement shall terminate on the date three (3) years from the Effective Date.\n",
                "P3Y",
                "2021-02-13",
            ),
            (
                "7.1 This agreement shall be for a term of five years from the date of this document.\n",
                "P5Y",
                "2023-02-13",
            ),
            // A defined period explained in brackets.
            (
                "6.1 Term. The term of this Agreement (the \"Term\") shall commence on the Effective Date and terminate at the end of the Exclusivity Period (i.e., a three (3) year period commencing on the Effective Date).\n",
                "P3Y",
                "2021-02-13",
            ),
        ];
        for (body, term, end) in cases {
            let k = terms(&format!("{pre}{body}"));
            assert_eq!(
                k.initial_term.map(|f| f.value.to_string()).as_deref(),
                Some(term),
                "{body}"
            );
            assert!(
                matches!(k.expiration_date.map(|f| f.value), Some(Expiry::Date { date, .. }) if date.to_string() == end),
                "{body}"
            );
        }
        // A duty lasting "two years thereafter" is not the agreement's term.
        let k = terms(&format!(
            "{pre}5. Confidentiality. Each party shall keep the other's information confidential during the term and for two (2) years thereafter.\n"
        ));
        assert_eq!(k.initial_term.map(|f| f.value.to_string()), None);
    }

    #[test]
    fn end_dates_stated_by_label_range_or_anniversary() {
        let end = |t: &str| match terms(t).expiration_date.map(|f| f.value) {
            Some(Expiry::Date { date, .. }) => Some(date.ymd()),
            _ => None,
        };
        assert_eq!(
            end(
                "SERVICES AGREEMENT\n\nThis Agreement is made on January 1, 2020.\n\n1. Term. The term of this Agreement shall commence on January 1, 2020 and conclude on June 30, 2021.\n"
            ),
            Some((2021, 6, 30))
        );
        assert_eq!(
            end(
                "CONSULTING AGREEMENT\n\nThis Agreement is made on March 1, 2020.\n\n1. Definitions. \"Expiration Date\" means March 31, 2022.\n"
            ),
            Some((2022, 3, 31))
        );
        let t = terms(
            "DISTRIBUTION AGREEMENT\n\nThis Agreement is made on November 12, 2019 (the \"Effective Date\").\n\n2. Term. The initial term of this Agreement shall commence on the Effective Date and end on the five (5) year anniversary of the Effective Date, unless sooner terminated.\n",
        );
        assert_eq!(t.initial_term.map(|f| f.value), Period::years(5).ok());
        // The anniversary that bounds an "earlier of" or "later of" the term ends on.
        assert_eq!(
            end(
                "ORDERLY MARKETING AGREEMENT\n\nThis Agreement is made on December 27, 2018 (the \"Effective Date\").\n\n4. Term. (a) This OMA shall expire upon the earlier of (i) the first anniversary of the Effective Date and (ii) the date that all Shares have been sold.\n"
            ),
            Some((2019, 12, 27))
        );
        assert_eq!(
            end(
                "STRATEGIC ALLIANCE AGREEMENT\n\nThis Agreement is made on April 17, 2017 (the \"Effective Date\").\n\n8.1 Term. The term of this Agreement commences on the Effective Date and shall continue in effect until the later of (a) the fourth (4th) anniversary of the Effective Date, or (b) the completion of the Research.\n"
            ),
            Some((2021, 4, 17))
        );
    }

    #[test]
    fn what_ends_is_not_always_the_agreement() {
        // Representations that lapse and a time to cure a breach are no term.
        for text in [
            "SOFTWARE MAINTENANCE AGREEMENT\n\nThis Agreement is entered into as of October 13, 2016.\n\n9. Survival. The representations and warranties in this Agreement shall terminate one year from the Closing Date.\n",
            "DISTRIBUTOR AGREEMENT\n\nThis Agreement is made as of November 5, 1997.\n\n12. Default. It is a default if any failure by Distributor to perform its obligations under this Agreement continues for thirty (30) days after  written notice thereof.\n",
            "DISTRIBUTOR AGREEMENT\n\nThis Agreement is made as of June 8, 2010.\n\n5.4 Support. Upon a termination of this Agreement, Alpha shall continue to make available to Customers support services, including spare parts for the Systems for a minimum period of 10 years after the last shipment of a System.\n",
            "TRANSPORTATION AGREEMENT\n\nThis Agreement is made as of April 14, 2015.\n\n14.2 Default. If any such Carrier Default has not been cured within such further period of ninety (90) Days, Shipper may, by written notice to Carrier, terminate this Agreement.\n",
            "DISTRIBUTOR AGREEMENT\n\nThis Agreement is made as of June 8, 2010.\n\n12. Term. If a Termination Election is made, this Agreement shall terminate 36 months after such Termination Election.\n",
            "DEVELOPMENT AGREEMENT\n\nThis Agreement is made as of June 12, 2019.\n\n9.1 Confidential Information. Each party shall hold the other's information in trust. This Section 9.1 shall survive termination or expiration of this Agreement and continue in effect thereafter for a period of five (5) years.\n",
        ] {
            let t = terms(text);
            assert!(t.initial_term.is_none(), "{text}: {:?}", t.initial_term);
            assert!(
                t.expiration_date.is_none(),
                "{text}: {:?}",
                t.expiration_date
            );
        }
        // A stated latest end outranks a term counted from an event of unknown date.
        let t = terms(
            "CONTENT LICENSE AGREEMENT\n\nThis Agreement is entered into and effective as of January 15, 2008 (the \"Effective Date\").\n\n10.1. Term. This Agreement shall commence as of the Effective Date and shall terminate five (5) years following the date of launch of the first Website, but in no event later than February 28, 2013.\n",
        );
        assert!(
            matches!(t.expiration_date.map(|f| f.value), Some(Expiry::Date { date, computed: false }) if date.ymd() == (2013, 2, 28))
        );
        // "remain in effect initially for the five (5) year term": five years, not the one-year
        // renewals that follow.
        let t = terms(
            "DISTRIBUTOR AGREEMENT\n\nThis Agreement is made on May 17, 2017.\n\n9. Term. This contract shall remain in effect initially for the five (5) year term (\"Initial Term\") from the date signed and shall be automatically extended for one (1) year periods after the Initial Term (\"Renewal Term\") unless either party gives notice.\n",
        );
        assert_eq!(t.initial_term.map(|f| f.value), Period::years(5).ok());
        // A period numbered in a list of ends: "the later of (i) five (5) years from …".
        let t = terms(
            "STRATEGIC ALLIANCE AGREEMENT\n\nThis Agreement is made on May 26, 2017.\n\n3. Term. This Agreement shall be effective as of the date first set forth above and, shall expire on the later of (i) five (5) years from the date hereof, or (ii) the completion of the projects.\n",
        );
        assert_eq!(t.initial_term.map(|f| f.value), Period::years(5).ok());
    }

    #[test]
    fn end_dates_from_uneven_spacing_renewal_sentences_and_defined_periods() {
        let end = |t: &str| match terms(t).expiration_date.map(|f| f.value) {
            Some(Expiry::Date { date, .. }) => Some(date.ymd()),
            _ => None,
        };
        // Words spaced unevenly by a justified PDF page.
        assert_eq!(
            end(
                "DISTRIBUTOR AGREEMENT\n\nThis Agreement is made as of December 8, 2005 (the \"Effective Date\").\n\n8. Term. The  term of this  Agreement  shall  be two (2)  years  from the  Effective  Date.\n"
            ),
            Some((2007, 12, 8))
        );
        // The period before the sentence turns to renewal is the initial term.
        assert_eq!(
            end(
                "SUPPLY AGREEMENT\n\n\"Effective Date\" shall mean December 5, 2014.\n\n2.1 Term. This Agreement shall commence on the Effective Date and shall be valid for a period of five (5) years with automatic renewal of one year thereafter until terminated by either party.\n"
            ),
            Some((2019, 12, 5))
        );
        assert_eq!(
            end(
                "CONSULTING AGREEMENT\n\nThis Agreement is effective as of this 1st day of March 2020.\n\n3. Term: twelve (12) months from the date of the Agreement which term shall automatically renew for an additional twelve (12) months.\n"
            ),
            Some((2021, 3, 1))
        );
        // A defined period with its first and last day.
        assert_eq!(
            end(
                "ENDORSEMENT AGREEMENT\n\nThis Agreement is made as of January 1, 2000.\n\n1. Definitions. \"Contract Period\" shall mean that period of time commencing on January 1, 2000 and concluding December 31, 2003, unless terminated sooner as provided herein.\n"
            ),
            Some((2003, 12, 31))
        );
        assert_eq!(
            end(
                "DISTRIBUTOR AGREEMENT\n\nThis Agreement is made as of April 15, 2000.\n\nInitial Distribution Period: April 15, 2000 through October 15, 2000\n"
            ),
            Some((2000, 10, 15))
        );
        // "for the term of one year", "and have a term of five (5) years".
        assert_eq!(
            end(
                "AFFILIATE AGREEMENT\n\nThis Agreement is made this 1st day of October 2008 (the \"Effective Date\").\n\n9. Term. This Agreement shall be for the term of one year.\n"
            ),
            Some((2009, 10, 1))
        );
        assert_eq!(
            end(
                "LICENSE AGREEMENT\n\nThis Agreement is made on November 24, 2009.\n\n7. This Agreement shall become effective on the date on which it is signed and have a term of five (5) years commencing as of the effective date hereof.\n"
            ),
            Some((2014, 11, 24))
        );
        // The term sentence's own first day outranks the preamble's date.
        assert_eq!(
            end(
                "HOSTING AGREEMENT\n\nThis Agreement is made on April 6, 1999.\n\n5. Term. The term of this Agreement shall commence upon April 1, 1999 and shall continue for a period of six (6) months, unless earlier terminated.\n"
            ),
            Some((1999, 10, 1))
        );
    }

    #[test]
    fn the_renewal_period_is_the_one_after_the_renewal_word() {
        let t = terms(
            "SUPPLY AGREEMENT\n\n1. Term. This Agreement shall be valid for a period of five (5) years with automatic renewal of one year thereafter until terminated by either party.\n",
        );
        assert_eq!(t.renewal.and_then(|f| f.value.term), Period::years(1).ok());
        let t = terms(
            "HOSTING AGREEMENT\n\n1. Term. This Agreement shall continue for an initial term of two (2) years. Thereafter it shall automatically renew by annual renewal unless either party gives notice of non-renewal at least ninety (90) days prior to the end of the then-current term.\n",
        );
        assert_eq!(t.renewal.and_then(|f| f.value.term), Period::years(1).ok());
        // "renewable" followed by a term renews the agreement; "renewable energy" does not.
        let t = terms(
            "DISTRIBUTOR AGREEMENT\n\n3. Term. This Agreement has a term of one (1) year. If Distributor complies with all of the terms of this Agreement, the Agreement shall be renewable on an annual basis for one (1) year terms for up to another ten (10) years.\n",
        );
        let r = t.renewal.map(|f| f.value);
        assert_eq!(r.as_ref().and_then(|r| r.term), Period::years(1).ok());
        assert!(
            r.is_some_and(|r| !r.automatic),
            "renewable is an option, not automatic"
        );
        let t = terms(
            "SUPPLY AGREEMENT\n\n3. Term. This Agreement has a term of one (1) year. The Supplier shall deliver renewable energy certificates each year for the term of this Agreement.\n",
        );
        assert!(t.renewal.is_none(), "{:?}", t.renewal);
    }

    #[test]
    fn an_evergreen_term_ends_on_the_notice_it_names() {
        // "remain in effect until terminated by either Party upon thirty (30) days' prior
        // written notice": the notice that stops an open-ended term.
        let k = terms(
            "TRANSPORTATION AGREEMENT\n\nThis Agreement is dated as of March 11, 2015.\n\n8. Term. The term of this Agreement shall commence on the Effective Date and shall remain in effect until terminated by either Party upon thirty (30) days' prior written notice.\n",
        );
        assert_eq!(k.notice_non_renewal.map(|f| f.value), Period::days(30).ok());
        // A termination right in a fixed term is no such notice.
        let k = terms(
            "SERVICES AGREEMENT\n\nThis Agreement is dated as of March 11, 2015.\n\n8. Term. This Agreement shall remain in effect for two (2) years.\n\n9. Either Party may terminate this Agreement upon thirty (30) days' prior written notice.\n",
        );
        assert!(k.notice_non_renewal.is_none(), "{:?}", k.notice_non_renewal);
    }

    #[test]
    fn notice_for_a_breach_a_force_majeure_or_a_policy_does_not_stop_a_renewal() {
        let pre = "SPONSORSHIP AGREEMENT\n\nThis Agreement is dated as of March 11, 2015.\n\n8. Term. The initial term is two (2) years and renews automatically for successive one (1) year terms.\n\n";
        for body in [
            "9. A party may terminate this Agreement immediately if the other party commits a breach that continues uncured thirty (30) days following written notice thereof, or at the end of the initial term upon ninety (90) days prior written notice.\n",
            "10. Any Force Majeure Event affecting a party shall entitle the other party, after the expiry of the initial term, to terminate upon sixty days written notice prior to such termination.\n",
            "11. In the event of cancellation, non-renewal or material modification Sponsor shall receive thirty (30) days written notice thereof.\n",
        ] {
            let k = terms(&format!("{pre}{body}"));
            assert!(
                k.notice_non_renewal.is_none(),
                "{body}: {:?}",
                k.notice_non_renewal.map(|f| f.value)
            );
        }
        // A list of rights to end the agreement for cause renews nothing.
        let k = terms(
            "CO-HOSTING AGREEMENT\n\nThis Agreement is dated as of March 11, 2015.\n\n8. Term. This Agreement shall remain in effect for two (2) years.\n\n9. A party may terminate this Agreement immediately: (i) if the other party fails to perform any material obligation and such failure continues uncured thirty (30) days following written notice thereof, (ii) if a receiver is appointed for the other party, or (iii) upon any renewal of the Web Site Agreement for successive one (1) year terms without its consent.\n",
        );
        assert!(k.renewal.is_none(), "{:?}", k.renewal.map(|f| f.value));
        // Notice not to renew stands, whatever else the sentence says.
        let k = terms(&format!(
            "{pre}9. Either party may give notice of non-renewal at least sixty (60) days prior to the end of the then-current term, and may terminate for breach as provided below.\n"
        ));
        assert_eq!(k.notice_non_renewal.map(|f| f.value), Period::days(60).ok());
    }

    #[test]
    fn term_renewal_and_notice() {
        let k = terms(
            "This Agreement is entered into as of March 3, 2025 (the \"Effective Date\") by and between Alpha Inc. (\"Alpha\") and Beta LLC (\"Beta\").\n\n1. Term. This Agreement shall commence on the Effective Date and continue for an initial term of three (3) years. Thereafter it shall automatically renew for successive renewal terms of one (1) year each unless either party gives notice of non-renewal at least ninety (90) days prior to the end of the then-current term.\n\n2. Either party may terminate this Agreement for convenience upon one hundred twenty (120) days' prior written notice.\n\n3. If a party materially breaches this Agreement and fails to cure such breach within thirty (30) days after notice, the other party may terminate.\n",
        );
        assert_eq!(
            k.agreement_date.map(|f| f.value.to_string()).as_deref(),
            Some("2025-03-03")
        );
        assert!(
            matches!(k.effective_date.map(|f| f.value), Some(Effective::Date(d)) if d.to_string() == "2025-03-03")
        );
        assert_eq!(
            k.initial_term.map(|f| f.value.to_string()).as_deref(),
            Some("P3Y")
        );
        assert!(
            matches!(k.expiration_date.map(|f| f.value), Some(Expiry::Date { date, computed: true }) if date.to_string() == "2028-03-03")
        );
        let r = k.renewal.unwrap().value;
        assert!(r.automatic && r.successive);
        assert_eq!(r.term.map(|p| p.to_string()).as_deref(), Some("P1Y"));
        assert_eq!(
            k.notice_non_renewal.map(|f| f.value.to_string()).as_deref(),
            Some("P90D")
        );
        let c = k.termination_for_convenience.unwrap().value;
        assert_eq!(c.by, "either");
        assert_eq!(c.notice.map(|p| p.to_string()).as_deref(), Some("P120D"));
        assert_eq!(
            k.cure_period.map(|f| f.value.to_string()).as_deref(),
            Some("P30D")
        );
    }

    #[test]
    fn liability_cap_and_exclusions() {
        let k = terms(
            "10. Limitation of Liability. IN NO EVENT SHALL EITHER PARTY BE LIABLE FOR ANY INDIRECT, INCIDENTAL, SPECIAL, CONSEQUENTIAL OR PUNITIVE DAMAGES, OR LOST PROFITS. EACH PARTY'S TOTAL AGGREGATE LIABILITY SHALL NOT EXCEED THE TOTAL FEES PAID OR PAYABLE BY CUSTOMER IN THE TWELVE (12) MONTHS PRECEDING THE EVENT GIVING RISE TO THE CLAIM.\n\n11. Cap. Supplier's liability shall not exceed $500,000.\n",
        );
        match k.liability_cap.unwrap().value {
            LiabilityCap::Formula { text } => {
                assert!(text.to_lowercase().starts_with("total fees paid"), "{text}")
            }
            other => panic!("{other:?}"),
        }
        let ex = k.excluded_damages.unwrap().value;
        assert_eq!(
            ex,
            [
                "indirect",
                "incidental",
                "special",
                "consequential",
                "punitive",
                "lost_profits"
            ]
        );
    }
}
