//! The agreements list (filters, sorting, paging, CSV of the current view, full-text search
//! over clause text) and the agreement page (header, key terms with their sources, key dates
//! with derivations, obligations with occurrences, the document with its clause outline,
//! versions and the audit trail). The same store calls as `GET /api/agreements`,
//! `/api/agreements/{id}`, `/dates`, `/clauses`, `/versions`, `/audit` and `/api/search`.

use super::{Shell, UiError, UiResult, Viewer, number_anchor, render, url_encode};
use crate::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use entente_domain::access::Permission;
use entente_domain::agreement::{AgreementKind, AgreementStatus, AgreementSummary};
use entente_domain::csv::CsvWriter;
use entente_domain::obligation::ObligationStatus;
use entente_domain::query::{AgreementQuery, AgreementQueryText};
use entente_domain::terms::Source;
use entente_domain::{AgreementId, ClauseId, Date, ValidationError};
use entente_store::Page;
use serde::Deserialize;
use std::collections::HashMap;

/// Rows per page of the list.
const PAGE_ROWS: u32 = 25;

/// The list's query string as typed in the filter form: every field text, so an empty box is
/// "no filter" and a bad number is a message beside its field rather than a rejection.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    party: String,
    #[serde(default)]
    owner: String,
    #[serde(default)]
    tag: String,
    #[serde(default)]
    notice_within_days: String,
    #[serde(default)]
    renewing_within_days: String,
    #[serde(default)]
    expiring_within_days: String,
    #[serde(default)]
    liability_cap: String,
    #[serde(default)]
    governing_law: String,
    #[serde(default)]
    sort: String,
    #[serde(default)]
    page: String,
}

fn opt(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

fn days(field: &str, s: &str, errors: &mut Vec<ValidationError>) -> Option<u32> {
    let t = s.trim();
    if t.is_empty() {
        return None;
    }
    match t.parse::<u32>() {
        Ok(n) if n <= entente_domain::time::MAX_WINDOW_DAYS => Some(n),
        _ => {
            errors.push(ValidationError::new(
                field,
                format!(
                    "enter a number of days from 0 to {}",
                    entente_domain::time::MAX_WINDOW_DAYS
                ),
            ));
            None
        }
    }
}

const SORTS: &[(&str, &str)] = &[
    ("title", "Title"),
    ("effective_date", "Effective"),
    ("expiration_date", "Expires"),
    ("notice_deadline", "Notice by"),
    ("updated", "Updated"),
];

impl ListQuery {
    /// The typed query, and a message per bad field (then the query is empty).
    fn filter(&self) -> (AgreementQuery, Vec<ValidationError>) {
        let mut errors = Vec::new();
        let notice = days("notice_within_days", &self.notice_within_days, &mut errors);
        let renewing = days(
            "renewing_within_days",
            &self.renewing_within_days,
            &mut errors,
        );
        let expiring = days(
            "expiring_within_days",
            &self.expiring_within_days,
            &mut errors,
        );
        let sort = self.sort.trim();
        let text = AgreementQueryText {
            expiring_within_days: expiring,
            status: vec![self.status.as_str()],
            kind: vec![self.kind.as_str()],
            owner: vec![self.owner.as_str()],
            tag: vec![self.tag.as_str()],
            party: Some(self.party.as_str()),
            text: Some(self.q.as_str()),
            notice_within_days: notice,
            renewing_within_days: renewing,
            liability_cap: vec![self.liability_cap.as_str()],
            governing_law: vec![self.governing_law.as_str()],
            // An order the page does not offer is ignored (the default order), as is the
            // rest of a hand-edited address that names nothing.
            sort: SORTS
                .iter()
                .any(|(k, _)| *k == sort.strip_prefix('-').unwrap_or(sort))
                .then_some(sort),
            ..Default::default()
        };
        match AgreementQuery::try_from(text) {
            Ok(f) => (f, errors),
            Err(e) => {
                errors.extend(e.0);
                (AgreementQuery::default(), errors)
            }
        }
    }

    fn page(&self) -> u32 {
        self.page
            .trim()
            .parse::<u32>()
            .unwrap_or(1)
            .clamp(1, 100_000)
    }

    /// The query string of this view with `sort` and `page` replaced.
    fn query(&self, sort: Option<&str>, page: Option<u32>) -> String {
        let sort = sort.unwrap_or(&self.sort).to_owned();
        let page = page.map(|p| p.to_string()).unwrap_or_default();
        let pairs = [
            ("q", &self.q),
            ("text", &self.text),
            ("kind", &self.kind),
            ("status", &self.status),
            ("party", &self.party),
            ("owner", &self.owner),
            ("tag", &self.tag),
            ("notice_within_days", &self.notice_within_days),
            ("renewing_within_days", &self.renewing_within_days),
            ("expiring_within_days", &self.expiring_within_days),
            ("liability_cap", &self.liability_cap),
            ("governing_law", &self.governing_law),
            ("sort", &sort),
            ("page", &page),
        ];
        let parts: Vec<String> = pairs
            .iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(k, v)| format!("{k}={}", url_encode(v.trim())))
            .collect();
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        }
    }

    fn any_filter(&self) -> bool {
        !self.query(Some(""), None).is_empty()
    }
}

/// A select box's options: (value, label, selected).
type Options = Vec<(String, String, bool)>;

fn options(values: impl IntoIterator<Item = (String, String)>, current: &str) -> Options {
    values
        .into_iter()
        .map(|(v, l)| {
            let sel = v == current.trim();
            (v, l, sel)
        })
        .collect()
}

pub(crate) fn words(s: &str) -> String {
    let mut t = s.replace('_', " ");
    if let Some(c) = t.get(0..1) {
        let up = c.to_uppercase();
        t.replace_range(0..1, &up);
    }
    t
}

/// A sortable column header.
pub(crate) struct Column {
    pub(crate) label: &'static str,
    pub(crate) href: String,
    /// `ascending`, `descending`, or `none` (not the order of the list).
    pub(crate) sorted: &'static str,
}

/// One clause hit of the full-text search.
pub(crate) struct Hit {
    pub(crate) title: String,
    pub(crate) href: String,
    pub(crate) clause: String,
    pub(crate) snippet: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "agreements.html")]
struct ListPage {
    shell: Shell,
    /// Whether the viewer may draft from a template.
    can_draft: bool,
    q: ListQuery,
    kinds: Options,
    statuses: Options,
    caps: Options,
    columns: Vec<Column>,
    rows: Vec<AgreementSummary>,
    total: u64,
    first: u64,
    last: u64,
    prev: Option<String>,
    next: Option<String>,
    csv: String,
    errors: Vec<ValidationError>,
    hits: Option<Vec<Hit>>,
    filtered: bool,
}

impl ListPage {
    fn error(&self, field: &str) -> Option<String> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.clone())
    }
}

pub(crate) async fn list(
    State(s): State<AppState>,
    v: Viewer,
    Query(q): Query<ListQuery>,
) -> UiResult {
    let actor = v.caller.require(Permission::Read)?;
    let (filter, errors) = q.filter();
    let page_no = q.page();
    let (rows, total) = if errors.is_empty() {
        let page = Page {
            limit: PAGE_ROWS,
            offset: (page_no - 1).saturating_mul(PAGE_ROWS),
        };
        s.store.list_agreements(actor, &filter, page).await?
    } else {
        (Vec::new(), 0)
    };
    let hits = match opt(&q.text) {
        Some(text) => Some(
            s.store
                .search_clauses(
                    actor,
                    &text,
                    Page {
                        limit: 50,
                        offset: 0,
                    },
                )
                .await?
                .0
                .into_iter()
                .map(|h| {
                    let href = format!("/agreements/{}", h.agreement_id);
                    let (clause, href) = match &h.number {
                        Some(n) => (
                            format!("clause {}", n.trim_end_matches('.')),
                            format!("{href}#{}", number_anchor(n)),
                        ),
                        None => (
                            h.heading.clone().unwrap_or_else(|| "clause".into()),
                            format!("{href}#document"),
                        ),
                    };
                    Hit {
                        title: h.title,
                        href,
                        clause,
                        snippet: h.snippet,
                    }
                })
                .collect(),
        ),
        None => None,
    };
    let offset = u64::from((page_no - 1) * PAGE_ROWS);
    let shown = rows.len() as u64;
    let current_sort = filter.sort.as_str();
    let columns = SORTS
        .iter()
        .map(|(key, label)| {
            // The list's own column links to the order reversed; "updated" runs newest first.
            let current = *key == current_sort;
            let reversed = current && !filter.reverse;
            let natural_up = *key != "updated";
            let up = natural_up != filter.reverse;
            let target = if reversed {
                format!("-{key}")
            } else {
                (*key).to_owned()
            };
            Column {
                label,
                href: format!("/agreements{}", q.query(Some(&target), None)),
                sorted: match (current, up) {
                    (false, _) => "none",
                    (true, true) => "ascending",
                    (true, false) => "descending",
                },
            }
        })
        .collect();
    let page = ListPage {
        can_draft: v.caller.role.allows(Permission::WriteAgreements),
        shell: v.shell("agreements"),
        kinds: options(
            AgreementKind::ALL
                .iter()
                .map(|k| (k.as_str().to_owned(), words(k.as_str()))),
            &q.kind,
        ),
        statuses: options(
            AgreementStatus::ALL
                .iter()
                .map(|k| (k.as_str().to_owned(), words(k.as_str()))),
            &q.status,
        ),
        caps: options(
            [
                ("uncapped", "Uncapped"),
                ("amount", "Capped at an amount"),
                ("formula", "Capped by a formula"),
                ("none", "No cap stated"),
            ]
            .into_iter()
            .map(|(a, b)| (a.to_owned(), b.to_owned())),
            &q.liability_cap,
        ),
        columns,
        total,
        first: if shown == 0 { 0 } else { offset + 1 },
        last: offset + shown,
        prev: (page_no > 1).then(|| format!("/agreements{}", q.query(None, Some(page_no - 1)))),
        next: (offset + shown < total)
            .then(|| format!("/agreements{}", q.query(None, Some(page_no + 1)))),
        csv: format!("/agreements.csv{}", q.query(None, None)),
        filtered: q.any_filter(),
        rows,
        hits,
        errors,
        q,
    };
    let status = if page.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, render(page)).into_response())
}

fn opt_date(d: Option<Date>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

/// The current view (every page of it) as CSV.
pub(crate) async fn csv(
    State(s): State<AppState>,
    v: Viewer,
    Query(q): Query<ListQuery>,
) -> UiResult {
    let actor = v.caller.require(Permission::Read)?;
    let (filter, errors) = q.filter();
    if let Some(e) = errors.into_iter().next() {
        return Err(UiError::from(e));
    }
    let mut out = CsvWriter::with_header(&[
        "id",
        "title",
        "kind",
        "status",
        "owner",
        "parties",
        "effective_date",
        "expiration_date",
        "auto_renewal",
        "notice_deadline",
        "liability_cap",
        "governing_law",
        "tags",
    ]);
    let mut offset = 0u32;
    loop {
        let page = Page { limit: 500, offset };
        let (rows, total) = s.store.list_agreements(actor, &filter, page).await?;
        for r in &rows {
            let fields = [
                r.id.to_string(),
                r.title.clone(),
                r.kind.as_str().to_owned(),
                r.status.as_str().to_owned(),
                r.owner.clone().unwrap_or_default(),
                r.parties.join("; "),
                opt_date(r.effective_date),
                opt_date(r.expiration_date),
                r.auto_renewal.map(|b| b.to_string()).unwrap_or_default(),
                opt_date(r.notice_deadline),
                r.liability_cap.clone().unwrap_or_default(),
                r.governing_law.clone().unwrap_or_default(),
                r.tags.join("; "),
            ];
            out.row(&fields);
        }
        offset = offset.saturating_add(500);
        if rows.is_empty() || u64::from(offset) >= total {
            break;
        }
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"agreements.csv\"",
            ),
        ],
        out.finish(),
    )
        .into_response())
}

/// A key term with where it came from.
pub(crate) struct TermRow {
    /// The field's key, for the correction form's address.
    pub(crate) key: &'static str,
    pub(crate) field: String,
    pub(crate) value: String,
    /// The value as the correction form takes it back: text as is (`P1Y` for a period),
    /// anything else as JSON.
    pub(crate) raw: String,
    /// "from clause 4.2", "entered by …".
    pub(crate) source: String,
    pub(crate) href: Option<String>,
    pub(crate) by_person: bool,
    pub(crate) review: bool,
}

/// A key date with its derivation.
pub(crate) struct DateRow {
    pub(crate) date: String,
    pub(crate) label: String,
    pub(crate) derivation: String,
    pub(crate) clause: Option<(String, String)>,
    pub(crate) provenance: String,
    pub(crate) past: bool,
    pub(crate) notice: bool,
    pub(crate) conditional: bool,
}

/// One occurrence of an obligation, with what was recorded and the forms that record it.
pub(crate) struct OccurrenceRow {
    /// The due date as written (and the path segment of its forms).
    pub(crate) due: String,
    /// `<obligation>-<due>`: names its forms and their fields.
    pub(crate) key: String,
    pub(crate) status: &'static str,
    pub(crate) derivation: String,
    /// "by … on …: note".
    pub(crate) recorded: Option<String>,
    /// Evidence files: (download path, file name, size in words).
    pub(crate) evidence: Vec<(String, String, String)>,
    /// Whether a person may still mark it done or waive it (not history or ended).
    pub(crate) open: bool,
}

/// An obligation with its occurrences in the window.
pub(crate) struct ObligationRow {
    /// Its id: the anchors `ob-{id}` and `occ-{id}-{due}` that alert e-mails link to.
    pub(crate) id: String,
    pub(crate) obligor: String,
    pub(crate) text: String,
    pub(crate) owner: String,
    pub(crate) status: &'static str,
    pub(crate) vague: bool,
    /// The threshold in words, for a measured duty.
    pub(crate) threshold: Option<String>,
    /// Measurements, newest first: (day, value with unit, verdict, breach).
    pub(crate) measurements: Vec<(String, String, String, bool)>,
    pub(crate) occurrences: Vec<OccurrenceRow>,
}

/// A form of the agreement page that failed its checks: which form (`kind` and `key`), a
/// message per field and what was typed, so the page comes back (422) with that form open
/// and each message beside its field.
#[derive(Debug, Default)]
pub(crate) struct FormProblem {
    pub(crate) kind: &'static str,
    pub(crate) key: String,
    pub(crate) errors: Vec<ValidationError>,
    pub(crate) values: HashMap<String, String>,
}

impl FormProblem {
    /// A problem with form `kind`/`key`, its errors' fields mapped to the form's own field
    /// names (anything else is shown at the top of the form as `form`).
    pub(crate) fn new(
        kind: &'static str,
        key: impl Into<String>,
        errors: Vec<ValidationError>,
        fields: &[(&str, &str)],
        values: HashMap<String, String>,
    ) -> Self {
        let errors = errors
            .into_iter()
            .map(|mut e| {
                let root = e.field.split(['.', '[']).next().unwrap_or("").to_owned();
                e.field = fields
                    .iter()
                    .find(|(from, _)| *from == root)
                    .map_or_else(|| "form".to_owned(), |(_, to)| (*to).to_owned());
                e
            })
            .collect();
        Self {
            kind,
            key: key.into(),
            errors,
            values,
        }
    }

    /// Whether this is the problem of form `kind`/`key`.
    pub(crate) fn is(&self, kind: &str, key: &str) -> bool {
        self.kind == kind && self.key == key
    }

    /// The message for `field` of form `kind`/`key`.
    pub(crate) fn error(&self, kind: &str, key: &str, field: &str) -> Option<String> {
        if !self.is(kind, key) {
            return None;
        }
        let all: Vec<&str> = self
            .errors
            .iter()
            .filter(|e| e.field == field)
            .map(|e| e.message.as_str())
            .collect();
        (!all.is_empty()).then(|| all.join("; "))
    }

    /// What was typed into `field` of form `kind`/`key` (empty for another form).
    pub(crate) fn value(&self, kind: &str, key: &str, field: &str) -> String {
        if !self.is(kind, key) {
            return String::new();
        }
        self.values.get(field).cloned().unwrap_or_default()
    }
}

fn comparator_words(c: entente_domain::obligation::Comparator) -> &'static str {
    use entente_domain::obligation::Comparator;
    match c {
        Comparator::AtLeast => "at least",
        Comparator::AtMost => "at most",
        Comparator::Above => "more than",
        Comparator::Below => "less than",
    }
}

/// "12 KB", "3.4 MB".
fn size_words(bytes: u64) -> String {
    if bytes < 1024 {
        format!("{bytes} bytes")
    } else if bytes < 1024 * 1024 {
        format!("{} KB", bytes.div_ceil(1024))
    } else {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    }
}

/// A clause of the document, with its anchor.
pub(crate) struct ClauseView {
    pub(crate) anchor: String,
    /// Its entry in the outline: number and heading, else the first words.
    pub(crate) outline: String,
    pub(crate) text: String,
    /// A heading line of its own ("5. Confidentiality"), shown as a heading.
    pub(crate) is_heading: bool,
    pub(crate) depth: usize,
    /// The text in runs; a run with an id is the evidence of a key term, marked so a link
    /// can land on it.
    pub(crate) runs: Vec<(String, Option<String>)>,
    /// Playbook findings about this clause.
    pub(crate) findings: Vec<FindingView>,
}

/// A playbook finding as the document shows it.
pub(crate) struct FindingView {
    pub(crate) severity: &'static str,
    pub(crate) blind_spot: &'static str,
    pub(crate) title: String,
    pub(crate) message: String,
    pub(crate) rationale: String,
    pub(crate) preferred: Option<String>,
    pub(crate) fallback: Option<String>,
    /// The law a regulatory finding rests on.
    pub(crate) legal_basis: Option<String>,
    /// How to read it (a screen for counsel, not legal advice).
    pub(crate) note: Option<String>,
    /// Where it is, for the list of regulatory findings.
    pub(crate) place: String,
    pub(crate) excerpt: Option<String>,
}

impl FindingView {
    fn from(f: entente_playbook::Finding) -> Self {
        Self {
            severity: f.severity.as_str(),
            blind_spot: f.blind_spot.title(),
            place: f.place(),
            title: f.title,
            message: f.message,
            rationale: f.rationale,
            preferred: f.preferred,
            fallback: f.fallback,
            legal_basis: f.legal_basis,
            note: f.note,
            excerpt: f.excerpt,
        }
    }
}

/// The competitor context as the agreement page shows and edits it.
pub(crate) struct CompetitorsView {
    /// none, actual, potential; empty when nobody entered one.
    pub(crate) competing: String,
    /// One market per line.
    pub(crate) markets: String,
    pub(crate) share: String,
    pub(crate) summary: String,
    pub(crate) entered: String,
}

/// The first `n` words of `text`, with an ellipsis when cut.
fn first_words(text: &str, n: usize) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.len() <= n {
        words.join(" ")
    } else {
        format!("{} …", words[..n].join(" "))
    }
}

/// Splits `text` into runs at the character spans `marks` (start, end, id), which must be
/// sorted and disjoint; a span outside the text is clamped to it.
fn runs(text: &str, marks: &[(usize, usize, String)]) -> Vec<(String, Option<String>)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut at = 0;
    for (start, end, id) in marks {
        let (start, end) = ((*start).clamp(at, chars.len()), (*end).min(chars.len()));
        if end <= start {
            continue;
        }
        if start > at {
            out.push((chars[at..start].iter().collect(), None));
        }
        out.push((chars[start..end].iter().collect(), Some(id.clone())));
        at = end;
    }
    if at < chars.len() || out.is_empty() {
        out.push((chars[at..].iter().collect(), None));
    }
    out
}

impl ClauseView {
    fn from(
        c: &entente_domain::clause::Clause,
        anchor: String,
        marks: &[(usize, usize, String)],
    ) -> Self {
        let number = c.number.as_deref().unwrap_or("").trim();
        let text = c.text.trim();
        // The clause text starts with its own number ("4.2 This agreement …"), so the
        // outline shows the words after it.
        let body = text
            .strip_prefix(number)
            .unwrap_or(text)
            .trim_start_matches(['.', ' '])
            .trim();
        let is_heading = c.heading.is_some() && text.len() <= 80 && !text.ends_with('.');
        let outline = match (&c.heading, number.is_empty()) {
            (Some(h), false) => format!("{} {h}", number.trim_end_matches('.')),
            (Some(h), true) => h.clone(),
            (None, false) => format!("{} {}", number.trim_end_matches('.'), first_words(body, 4)),
            (None, true) => first_words(body, 4),
        };
        // Spans count characters of the version's text; the shown text is trimmed.
        let lead = c.text.chars().count() - c.text.trim_start().chars().count();
        let shifted: Vec<(usize, usize, String)> = marks
            .iter()
            .map(|(s, e, id)| (s.saturating_sub(lead), e.saturating_sub(lead), id.clone()))
            .collect();
        Self {
            anchor,
            outline,
            text: text.to_owned(),
            is_heading,
            depth: c
                .number
                .as_deref()
                .map_or(0, |n| n.trim_end_matches('.').matches('.').count())
                .min(3),
            runs: runs(text, &shifted),
            findings: Vec::new(),
        }
    }
}

/// An audit event in a line.
pub(crate) struct EventRow {
    pub(crate) seq: u64,
    pub(crate) at: String,
    pub(crate) actor: String,
    pub(crate) action: String,
    pub(crate) details: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "agreement.html")]
struct AgreementPage {
    shell: Shell,
    id: String,
    can_edit: bool,
    title: String,
    kind: String,
    status: String,
    status_key: &'static str,
    owner: String,
    tags: Vec<String>,
    parties: Vec<(String, String, String)>,
    /// What the agreement still lacks (field, reason), shown in the header.
    gaps: Vec<(String, String)>,
    next_date: Option<DateRow>,
    risk: Option<u32>,
    terms: Vec<TermRow>,
    dates: Vec<DateRow>,
    planned: bool,
    obligations: Vec<ObligationRow>,
    clauses: Vec<ClauseView>,
    /// Findings about what the document lacks (or about clauses no longer in it).
    missing: Vec<FindingView>,
    /// Rules the check could not decide (what was looked for, and where).
    undetermined: Vec<FindingView>,
    /// Competition-law and data-protection findings, with their legal basis.
    regulatory: Vec<FindingView>,
    /// The competitor context (internal roles only).
    competitors: Option<CompetitorsView>,
    versions: Vec<(u32, String, String, String, String)>,
    redline: Option<String>,
    audit: Option<Vec<EventRow>>,
    chain: Option<String>,
    chain_ok: bool,
    can_complete: bool,
    can_update: bool,
    problem: FormProblem,
    /// Whether the viewer has a calendar feed of this agreement.
    feed_exists: bool,
    /// A feed URL just made, shown once.
    new_feed: Option<String>,
    /// The business-day calendar the dates follow, why, and whether it is set on the
    /// agreement itself.
    calendar: String,
    calendar_basis: String,
    calendar_codes: Vec<&'static str>,
    /// A template draft's clause positions.
    positions: Option<entente_core::draft::DraftPositions>,
    /// Whether the viewer may switch them now (a draft, and the role to edit).
    can_switch: bool,
}

fn clause_anchors(clauses: &[entente_domain::clause::Clause]) -> HashMap<ClauseId, String> {
    let mut seen = std::collections::HashSet::new();
    // The fallback counts places in the whole list, not ordinals: an amendment letter's
    // clauses follow the agreement's, and their ordinals start again at zero.
    clauses
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let by_number = c
                .number
                .as_deref()
                .map(number_anchor)
                .filter(|a| a.len() > 1 && seen.insert(a.clone()));
            (
                c.id,
                by_number.unwrap_or_else(|| format!("clause-{}", i + 1)),
            )
        })
        .collect()
}

/// An agreement id from the path; one that does not parse is as absent as one the viewer may
/// not see.
pub(crate) fn agreement_id(id: &str) -> Result<AgreementId, UiError> {
    id.parse().map_err(|_| {
        UiError(entente_core::CoreError::NotFound {
            entity: "agreement",
            id: id.to_owned(),
        })
    })
}

pub(crate) async fn show(
    State(s): State<AppState>,
    v: Viewer,
    headers: axum::http::HeaderMap,
    Path(id): Path<String>,
) -> UiResult {
    let id = agreement_id(&id)?;
    // A calendar link just made is shown once, then its cookie is cleared.
    let (new_feed, clear) = super::calendar::take_new_feed(&s, &headers);
    let mut res = page_with(&s, &v, id, FormProblem::default(), new_feed).await?;
    res.headers_mut().insert(header::SET_COOKIE, clear);
    Ok(res)
}

/// The agreement page; with a form's problem it comes back as 422 with that form open.
pub(crate) async fn page(
    s: &AppState,
    v: &Viewer,
    id: AgreementId,
    problem: FormProblem,
) -> UiResult {
    page_with(s, v, id, problem, None).await
}

async fn page_with(
    s: &AppState,
    v: &Viewer,
    id: AgreementId,
    problem: FormProblem,
    new_feed: Option<String>,
) -> UiResult {
    let actor = v.caller.require(Permission::Read)?;
    let a = s.store.get_agreement(actor, id).await?;
    let settings = s.store.alert_settings(actor.org).await?;
    let today = settings.today(s.store.now());
    let dates = s
        .store
        .agreement_dates(actor, id, Some(today), Some(today.plus_days(400)), None)
        .await?;
    let clauses = s.store.list_clauses(actor, id, None).await?;
    let anchors = clause_anchors(&clauses);
    let link = |cid: &ClauseId| anchors.get(cid).map(|a| format!("#{a}"));

    let internal = v.caller.role.allows(Permission::ReadInternal);
    // Values below the tenant's review threshold are marked for review, as the review queue
    // lists them.
    let review_threshold = s.store.review_settings(actor).await?.threshold;
    // Each extracted term's evidence span, marked in its clause (spans that overlap share
    // the first one's mark).
    let mut marks: HashMap<ClauseId, Vec<(usize, usize, String)>> = HashMap::new();
    let mut mark_of: HashMap<&'static str, String> = HashMap::new();
    {
        // The clauses of versions older than the one shown, for values found in them.
        let current = clauses.first().map(|c| c.version_id);
        let mut older: HashMap<entente_domain::VersionId, Vec<entente_domain::clause::Clause>> =
            HashMap::new();
        for sourced in a.terms.0.values() {
            if let Source::Extracted { version_id, .. } = &sourced.source
                && Some(*version_id) != current
                && !older.contains_key(version_id)
            {
                let list = s.store.list_clauses(actor, id, Some(*version_id)).await?;
                older.insert(*version_id, list);
            }
        }
        let mut spans: Vec<(ClauseId, usize, usize, &'static str)> = a
            .terms
            .0
            .iter()
            .filter_map(|(field, sourced)| match &sourced.source {
                Source::Extracted {
                    version_id,
                    clause_id,
                    start,
                    end,
                    ..
                } if end > start => {
                    let pool = if Some(*version_id) == current {
                        &clauses
                    } else {
                        older.get(version_id)?
                    };
                    // The clause named, else the clause of that version holding the span.
                    let c = match clause_id {
                        Some(cid) => pool.iter().find(|x| x.id == *cid)?,
                        None => pool.iter().find(|x| x.start <= *start && *end <= x.end)?,
                    };
                    if *start < c.start {
                        return None;
                    }
                    let (rs, re) = (start - c.start, end - c.start);
                    if Some(*version_id) == current {
                        return Some((c.id, rs, re, field.as_str()));
                    }
                    // Found in an older version: the same words in the clause of the same
                    // number (or place) in the version shown.
                    let words: String = c.text.chars().skip(rs).take(re - rs).collect();
                    let now = clauses.iter().find(|x| match (&x.number, &c.number) {
                        (Some(a), Some(b)) => a.trim() == b.trim(),
                        _ => x.ordinal == c.ordinal,
                    })?;
                    let at = now.text.find(&words)?;
                    let cs = now.text[..at].chars().count();
                    Some((now.id, cs, cs + words.chars().count(), field.as_str()))
                }
                _ => None,
            })
            .collect();
        spans.sort_by_key(|(cid, start, end, _)| (cid.to_string(), *start, *end));
        for (cid, start, end, field) in spans {
            let list = marks.entry(cid).or_default();
            match list.last_mut() {
                Some(last) if start < last.1 => {
                    last.1 = last.1.max(end);
                    mark_of.insert(field, last.2.clone());
                }
                _ => {
                    let id = format!("ev-{field}");
                    list.push((start, end, id.clone()));
                    mark_of.insert(field, id);
                }
            }
        }
    }

    let terms = a
        .terms
        .0
        .iter()
        .map(|(field, sourced)| {
            let (source, href, by_person, review) = match &sourced.source {
                Source::Extracted {
                    clause_id,
                    confidence,
                    ..
                } => {
                    let clause = clause_id
                        .as_ref()
                        .and_then(|c| clauses.iter().find(|x| x.id == *c));
                    let label = clause
                        .and_then(|c| c.number.clone())
                        .map_or_else(|| "the document".to_owned(), |n| format!("clause {n}"));
                    (
                        format!(
                            "from {label}, confidence {:.0}%",
                            f64::from(*confidence) * 100.0
                        ),
                        mark_of
                            .get(field.as_str())
                            .map(|m| format!("#{m}"))
                            .or_else(|| clause_id.as_ref().and_then(link)),
                        false,
                        *confidence < review_threshold,
                    )
                }
                Source::User { by, at, note } => (
                    format!(
                        "entered by {by} on {}{}",
                        at.date_utc(),
                        note.as_deref()
                            .map(|n| format!(" ({n})"))
                            .unwrap_or_default()
                    ),
                    None,
                    true,
                    false,
                ),
            };
            TermRow {
                key: field.as_str(),
                field: words(field.as_str()),
                value: sourced.value.to_string(),
                raw: match serde_json::to_value(&sourced.value) {
                    Ok(serde_json::Value::String(t)) => t,
                    Ok(other) => other.to_string(),
                    Err(_) => sourced.value.to_string(),
                },
                source,
                href,
                by_person,
                review,
            }
        })
        .collect();

    let planned = dates.key_dates.is_empty() && !dates.planned_key_dates.is_empty();
    let key_dates = if planned {
        &dates.planned_key_dates
    } else {
        &dates.key_dates
    };
    let date_rows: Vec<DateRow> = key_dates
        .iter()
        .map(|k| DateRow {
            date: k.date.to_string(),
            label: k.label.clone(),
            derivation: k.derivation.clone(),
            clause: k.clause.as_ref().map(|c| {
                (
                    c.label(),
                    link(&c.clause_id).unwrap_or_else(|| "#document".into()),
                )
            }),
            provenance: k.provenance.clone().unwrap_or_default(),
            past: k.date < today,
            notice: k.kind == entente_domain::keydates::KeyDateKind::NonRenewalNoticeDeadline,
            conditional: k.conditional,
        })
        .collect();
    let next_date = date_rows.iter().find(|d| !d.past).map(|d| DateRow {
        date: d.date.clone(),
        label: d.label.clone(),
        derivation: d.derivation.clone(),
        clause: d.clause.clone(),
        provenance: d.provenance.clone(),
        past: false,
        notice: d.notice,
        conditional: d.conditional,
    });

    let mut obligations = Vec::new();
    for o in s
        .store
        .list_obligations(
            actor,
            &entente_domain::query::ObligationQuery {
                agreement_id: Some(id),
                ..Default::default()
            },
        )
        .await?
    {
        // The window's occurrences (the last 90 days and what comes), with what was
        // recorded and the evidence; history (before tracking began) is left out.
        let due_dates: Vec<Date> = dates
            .occurrences
            .iter()
            .filter(|d| d.obligation_id == o.id)
            .map(|d| d.occurrence.due)
            .filter(|d| *d >= today.plus_days(-90))
            .collect();
        let occurrences = match (due_dates.first(), due_dates.last()) {
            (Some(from), Some(until)) => s
                .store
                .list_occurrences(actor, o.id, *from, *until)
                .await?
                .into_iter()
                .filter(|d| d.status != ObligationStatus::History)
                .take(6)
                .map(|d| occurrence_row(o.id, d))
                .collect(),
            _ => Vec::new(),
        };
        let threshold = o
            .metric
            .as_ref()
            .map(|m| format!("{} {} {}", comparator_words(m.comparator), m.value, m.unit));
        let measurements = if threshold.is_some() && internal {
            let mut all = s.store.list_measurements(actor, o.id).await?;
            all.reverse();
            all.into_iter()
                .take(5)
                .map(|m| {
                    (
                        m.measured_on,
                        format!("{} {}", m.value, m.unit),
                        m.judgement.summary,
                        m.judgement.breach,
                    )
                })
                .collect()
        } else {
            Vec::new()
        };
        obligations.push(ObligationRow {
            id: o.id.to_string(),
            obligor: o.obligor,
            text: o.text,
            owner: o.owner.unwrap_or_default(),
            status: o.status.as_str(),
            vague: o.vague,
            threshold,
            measurements,
            occurrences,
        });
    }

    let mut clause_views: Vec<ClauseView> = clauses
        .iter()
        .map(|c| {
            ClauseView::from(
                c,
                anchors.get(&c.id).cloned().unwrap_or_default(),
                marks.get(&c.id).map_or(&[][..], Vec::as_slice),
            )
        })
        .collect();

    let versions: Vec<(u32, String, String, String, String)> = s
        .store
        .list_versions(actor, id)
        .await?
        .into_iter()
        .map(|ver| {
            (
                ver.number,
                ver.filename,
                ver.author,
                ver.created_at.date_utc().to_string(),
                ver.reconciliation
                    .map(|r| r.to_string())
                    .unwrap_or_default(),
            )
        })
        .collect();
    let redline = (versions.len() >= 2).then(|| {
        let n = versions.len();
        format!(
            "/api/agreements/{id}/redline?from={}&to={}",
            versions[n - 2].0,
            versions[n - 1].0
        )
    });

    // The latest playbook check (internal roles): its score, and its findings beside the
    // clauses they concern. A check of an older version is matched by clause number.
    let mut missing = Vec::new();
    let mut regulatory = Vec::new();
    let mut undetermined = Vec::new();
    let competitors = if internal {
        let c = entente_core::competitors::competitors(&s.store, actor, id).await?;
        Some(match c {
            Some(c) => CompetitorsView {
                competing: c.context.competing.as_str().to_owned(),
                markets: c.context.markets.join("\n"),
                share: c
                    .context
                    .combined_share
                    .map(|x| x.percent().to_string())
                    .unwrap_or_default(),
                summary: c.context.summary(),
                entered: format!("{} at {}", c.updated_by, c.updated_at),
            },
            None => CompetitorsView {
                competing: String::new(),
                markets: String::new(),
                share: String::new(),
                summary: "not entered: whether the parties compete is for a person to say"
                    .to_owned(),
                entered: String::new(),
            },
        })
        .map(|mut c| {
            // A rejected form comes back with what was typed.
            if problem.is("competitors", "") {
                c.competing = problem.value("competitors", "", "competing");
                c.markets = problem.value("competitors", "", "markets");
                c.share = problem.value("competitors", "", "combined_share");
            }
            c
        })
    } else {
        None
    };
    let risk = if internal {
        match s.store.latest_check(actor, id, None).await? {
            Some(check) => {
                let findings: Vec<entente_playbook::Finding> = check
                    .report
                    .get("findings")
                    .cloned()
                    .and_then(|f| serde_json::from_value(f).ok())
                    .unwrap_or_default();
                // Rules that could not be decided are never shown as met: the reviewer reads
                // what was looked for and where.
                let open: Vec<entente_playbook::Finding> = check
                    .report
                    .get("undetermined")
                    .cloned()
                    .and_then(|f| serde_json::from_value(f).ok())
                    .unwrap_or_default();
                undetermined.extend(open.into_iter().map(FindingView::from));
                let same_version = clauses.first().map(|c| c.version_id) == Some(check.version_id);
                for f in findings {
                    if entente_playbook::BlindSpot::REGULATORY.contains(&f.blind_spot) {
                        regulatory.push(FindingView::from(f.clone()));
                    }
                    let at = f.clause.as_ref().and_then(|r| {
                        if same_version {
                            clauses.iter().position(|c| c.ordinal as usize == r.index)
                        } else {
                            let n = r.number.as_deref()?;
                            clauses
                                .iter()
                                .position(|c| c.number.as_deref().map(str::trim) == Some(n.trim()))
                        }
                    });
                    match at.and_then(|i| clause_views.get_mut(i)) {
                        Some(view) => view.findings.push(FindingView::from(f)),
                        None => missing.push(FindingView::from(f)),
                    }
                }
                Some(check.score)
            }
            None => None,
        }
    } else {
        None
    };

    let (audit, chain, chain_ok) = if v.caller.role.allows(Permission::ReadAudit) {
        let all = s.store.list_audit(actor, Some(id)).await?;
        // This agreement's events are checked where they stand in the chain (their cost
        // follows the agreement; the whole tenant's chain took seconds on large portfolios
        // and is `entente audit verify`'s job).
        let (chain, ok) = match s.store.verify_agreement_audit(actor.org, &all).await? {
            None => (
                format!(
                    "This agreement's {} audit events verify where they stand in the organisation's hash chain: none has been changed, removed or reordered.",
                    all.len()
                ),
                true,
            ),
            Some(b) => (
                format!("The audit chain is broken at event {}: {}", b.seq, b.reason),
                false,
            ),
        };
        let events = all
            .into_iter()
            .rev()
            .take(50)
            .map(|e| EventRow {
                seq: e.seq,
                at: e.at.jiff().strftime("%Y-%m-%d %H:%M").to_string(),
                actor: e.actor,
                action: e.action,
                details: e.details.chars().take(160).collect(),
            })
            .collect();
        (Some(events), Some(chain), ok)
    } else {
        (None, None, false)
    };

    let status = if problem.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let gaps = entente_core::completeness::gaps_of(&s.store, actor, &a)
        .await?
        .into_iter()
        .map(|g| (words(&g.field), g.reason))
        .collect();
    // The clause positions of a template draft: the organisation's negotiating choices.
    let positions = if internal && s.store.draft_source(actor, id).await?.is_some() {
        Some(
            entente_core::draft::positions(&s.store, actor, entente_core::draft::catalogue()?, id)
                .await?,
        )
    } else {
        None
    };
    let page = AgreementPage {
        can_switch: a.status == AgreementStatus::Draft
            && v.caller.role.allows(Permission::WriteAgreements),
        positions,
        gaps,
        shell: v.shell("agreements"),
        id: id.to_string(),
        can_edit: v.caller.role.allows(Permission::WriteAgreements),
        title: a.title,
        kind: words(a.kind.as_str()),
        status: words(a.status.as_str()),
        status_key: a.status.as_str(),
        owner: a.owner.unwrap_or_default(),
        tags: a.tags,
        parties: a
            .parties
            .into_iter()
            .map(|p| (p.legal_name, p.short_name.unwrap_or_default(), p.role))
            .collect(),
        next_date,
        risk,
        terms,
        dates: date_rows,
        planned,
        obligations,
        clauses: clause_views,
        missing,
        undetermined,
        regulatory,
        competitors,
        versions,
        redline,
        audit,
        chain,
        chain_ok,
        can_complete: v.caller.role.allows(Permission::CompleteOccurrences),
        can_update: v.caller.role.allows(Permission::UpdateObligations),
        problem,
        feed_exists: super::calendar::agreement_feed_of(s, v, id)
            .await?
            .is_some(),
        new_feed,
        calendar: dates.calendar.clone(),
        calendar_basis: dates.calendar_basis.clone(),
        calendar_codes: entente_domain::calendar::BusinessCalendar::builtin_ids(),
    };
    Ok((status, render(page)).into_response())
}

fn occurrence_row(
    oid: entente_domain::ObligationId,
    d: entente_store::OccurrenceView,
) -> OccurrenceRow {
    let due = d.due.to_string();
    let recorded = d.recorded_by.as_ref().map(|by| {
        let on = d
            .recorded_at
            .as_deref()
            .map(|t| t.get(..10).unwrap_or(t).to_owned())
            .unwrap_or_default();
        match &d.note {
            Some(n) => format!("by {by} on {on}: {n}"),
            None => format!("by {by} on {on}"),
        }
    });
    OccurrenceRow {
        key: format!("{oid}-{due}"),
        status: d.status.as_str(),
        derivation: d.derivation,
        recorded,
        evidence: d
            .evidence
            .into_iter()
            .map(|e| {
                (
                    format!("/api/evidence/{}", e.id),
                    e.filename,
                    size_words(e.size),
                )
            })
            .collect(),
        open: !matches!(
            d.status,
            ObligationStatus::History | ObligationStatus::Ended
        ),
        due,
    }
}

/// A person's correction of one key term.
#[derive(Debug, Deserialize)]
pub(crate) struct TermForm {
    value: String,
    #[serde(default)]
    note: String,
}

/// Corrects a key term in place, as `PUT /api/agreements/{id}/terms/{field}` does: the value is
/// marked as entered by this person, kept across re-analysis and recorded in the audit trail.
/// The value is read as JSON when it is JSON (`true`, `{"amount": …}`), else as text.
pub(crate) async fn set_term(
    State(s): State<AppState>,
    Path((id, field)): Path<(String, String)>,
    super::Posted { viewer, form }: super::Posted<TermForm>,
) -> UiResult {
    let actor = viewer.caller.require(Permission::WriteAgreements)?;
    let id = agreement_id(&id)?;
    let field = entente_domain::terms::TermField::parse(&field).map_err(|e| e.within("field"))?;
    let raw = form.value.trim();
    let json = serde_json::from_str::<serde_json::Value>(raw)
        .unwrap_or_else(|_| serde_json::Value::String(raw.to_owned()));
    let result = match field.parse_value(&json) {
        Ok(value) => s
            .store
            .set_term(actor, id, field, value, opt(&form.note))
            .await
            .map_err(UiError::from),
        Err(e) => Err(UiError::from(e.within("value"))),
    };
    match result {
        Ok(_) => Ok(super::see_other(&format!("/agreements/{id}#terms"))),
        Err(UiError(entente_core::CoreError::Validation(errors))) => {
            let problem = FormProblem::new(
                "term",
                field.as_str(),
                errors.0,
                &[("value", "value"), ("note", "note")],
                HashMap::from([
                    ("value".to_owned(), form.value),
                    ("note".to_owned(), form.note),
                ]),
            );
            page(&s, &viewer, id, problem).await
        }
        Err(e) => Err(e),
    }
}

/// The competitor context as the form sends it (markets one per line).
#[derive(Debug, Deserialize)]
pub(crate) struct CompetitorsForm {
    #[serde(default)]
    competing: String,
    #[serde(default)]
    markets: String,
    #[serde(default)]
    combined_share: String,
}

/// Enters the competitor context, as `PUT /api/agreements/{id}/competitors` does; a wrong
/// field brings the page back (422) with the form open and each message beside its field.
pub(crate) async fn set_competitors(
    State(s): State<AppState>,
    Path(id): Path<String>,
    super::Posted { viewer, form }: super::Posted<CompetitorsForm>,
) -> UiResult {
    let actor = viewer.caller.require(Permission::WriteAgreements)?;
    if !viewer.caller.role.allows(Permission::ReadInternal) {
        return Err(UiError(entente_core::CoreError::Forbidden(
            "the competitor context is internal to the organisation".into(),
        )));
    }
    let id = agreement_id(&id)?;
    let share = form.combined_share.trim();
    let mut errors = Vec::new();
    let combined_share = if share.is_empty() {
        None
    } else {
        match share
            .trim_end_matches('%')
            .trim()
            .replace(',', ".")
            .parse::<f64>()
        {
            Ok(x) => Some(x),
            Err(_) => {
                errors.push(ValidationError::new(
                    "combined_share",
                    format!("{share:?} is not a number from 0 to 100"),
                ));
                None
            }
        }
    };
    let input = entente_domain::competition::CompetitorInput {
        competing: opt(&form.competing),
        // Blank lines between markets are spacing, not markets without a name.
        markets: form
            .markets
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(str::to_owned)
            .collect(),
        combined_share,
    };
    let result = if errors.is_empty() {
        entente_core::competitors::set_competitors(&s.store, actor, id, input)
            .await
            .map_err(UiError::from)
    } else {
        Err(UiError(entente_core::CoreError::Validation(
            entente_domain::ValidationErrors(errors),
        )))
    };
    match result {
        Ok(_) => Ok(super::see_other(&format!("/agreements/{id}#competitors"))),
        Err(UiError(entente_core::CoreError::Validation(errors))) => {
            let problem = FormProblem::new(
                "competitors",
                "",
                errors.0,
                &[
                    ("competing", "competing"),
                    ("markets", "markets"),
                    ("combined_share", "combined_share"),
                ],
                HashMap::from([
                    ("competing".to_owned(), form.competing),
                    ("markets".to_owned(), form.markets),
                    ("combined_share".to_owned(), form.combined_share),
                ]),
            );
            page(&s, &viewer, id, problem).await
        }
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_view_keeps_its_filters_in_its_links() {
        let q = ListQuery {
            notice_within_days: "90".into(),
            party: "Halden & Co".into(),
            ..Default::default()
        };
        assert_eq!(
            q.query(Some("title"), Some(2)),
            "?party=Halden%20%26%20Co&notice_within_days=90&sort=title&page=2"
        );
        let (f, errors) = q.filter();
        assert!(errors.is_empty());
        assert_eq!(
            f.notice_within,
            Some(entente_domain::query::DayWindow::new(90).unwrap())
        );
        let bad = ListQuery {
            renewing_within_days: "soon".into(),
            ..Default::default()
        };
        assert_eq!(bad.filter().1[0].field, "renewing_within_days");
    }
}
