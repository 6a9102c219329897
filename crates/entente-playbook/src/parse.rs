//! Loading playbooks from TOML: keys and values checked against the rule kinds' schemas,
//! `extends` chains resolved and merged, every problem reported with its file, line and column.

use crate::kinds::{ParamType, RuleKind};
use crate::model::{
    BlindSpot, Condition, Origin, Override, Param, Params, Playbook, Position, Rule, Scoring,
    Severity,
};
use entente_domain::agreement::AgreementKind;
use entente_domain::{Money, Period};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// The built-in playbooks, by id.
pub const BUILTIN: &[(&str, &str)] = &[
    ("cooperation", include_str!("../playbooks/cooperation.toml")),
    ("regulatory", include_str!("../playbooks/regulatory.toml")),
];

/// One problem in a playbook file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// The file (or `builtin:NAME`, or the name given to [`Playbook::parse`]).
    pub file: String,
    /// 1-based line (0 when the problem concerns the whole file).
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.file, self.message)
        } else {
            write!(
                f,
                "{}:{}:{}: {}",
                self.file, self.line, self.column, self.message
            )
        }
    }
}

/// A playbook that cannot be loaded: every problem found, each with its line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct PlaybookError {
    /// The problems, in file order.
    pub problems: Vec<Problem>,
}

impl fmt::Display for PlaybookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len();
        write!(
            f,
            "invalid playbook ({n} problem{})",
            if n == 1 { "" } else { "s" }
        )?;
        for p in &self.problems {
            write!(f, "\n  {p}")?;
        }
        Ok(())
    }
}

/// Finds the playbook an `extends` names.
pub trait Resolver {
    /// Returns the origin name and the text of the playbook `reference`, named in `from`.
    fn resolve(&self, reference: &str, from: &str) -> Result<(String, String), String>;
}

/// Resolves only the built-in playbooks (`cooperation` or `builtin:cooperation`).
#[derive(Debug, Clone, Copy, Default)]
pub struct BuiltinResolver;

impl Resolver for BuiltinResolver {
    fn resolve(&self, reference: &str, _from: &str) -> Result<(String, String), String> {
        builtin_source(reference).ok_or_else(|| {
            format!(
                "no built-in playbook is called {reference:?} (built-in: {}); files can only be extended when loading from disk",
                builtin_names()
            )
        })
    }
}

/// Resolves built-in names, then paths relative to the extending file.
#[derive(Debug, Clone, Copy, Default)]
pub struct FileResolver;

impl Resolver for FileResolver {
    fn resolve(&self, reference: &str, from: &str) -> Result<(String, String), String> {
        if let Some(b) = builtin_source(reference) {
            return Ok(b);
        }
        let base = Path::new(from).parent().unwrap_or_else(|| Path::new("."));
        let path: PathBuf = base.join(reference);
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let name = std::fs::canonicalize(&path)
                    .unwrap_or(path)
                    .display()
                    .to_string();
                Ok((name, text))
            }
            Err(e) => Err(format!(
                "cannot read {} ({e}); give a path relative to this file or a built-in name ({})",
                path.display(),
                builtin_names()
            )),
        }
    }
}

fn builtin_source(reference: &str) -> Option<(String, String)> {
    let name = reference.strip_prefix("builtin:").unwrap_or(reference);
    BUILTIN
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(n, t)| (format!("builtin:{n}"), (*t).to_owned()))
}

fn builtin_names() -> String {
    BUILTIN
        .iter()
        .map(|(n, _)| *n)
        .collect::<Vec<_>>()
        .join(", ")
}

impl Playbook {
    /// Parses a playbook; `extends` may only name built-in playbooks.
    pub fn parse(text: &str, origin: &str) -> Result<Playbook, PlaybookError> {
        Self::parse_with(text, origin, &BuiltinResolver)
    }

    /// Parses a playbook, resolving `extends` with `resolver`.
    pub fn parse_with(
        text: &str,
        origin: &str,
        resolver: &dyn Resolver,
    ) -> Result<Playbook, PlaybookError> {
        load(text, origin, resolver, &mut Vec::new())
    }

    /// Loads a playbook file; `extends` may name built-in playbooks or other files.
    pub fn load_file(path: &Path) -> Result<Playbook, PlaybookError> {
        let origin = std::fs::canonicalize(path)
            .unwrap_or_else(|_| path.to_path_buf())
            .display()
            .to_string();
        let text = std::fs::read_to_string(path).map_err(|e| PlaybookError {
            problems: vec![Problem {
                file: path.display().to_string(),
                line: 0,
                column: 0,
                message: format!("cannot read the playbook: {e}"),
            }],
        })?;
        Self::parse_with(&text, &origin, &FileResolver)
    }

    /// A built-in playbook by id.
    pub fn builtin(name: &str) -> Option<Result<Playbook, PlaybookError>> {
        let (origin, text) = builtin_source(name)?;
        Some(Self::parse(&text, &origin))
    }
}

/// Collects problems while walking one file.
struct Ctx<'t> {
    file: String,
    text: &'t str,
    problems: Vec<Problem>,
    /// The `extends` reference and its rule ids, once the base has loaded.
    base: Option<(String, Vec<String>)>,
    /// `extends` names a playbook that could not be loaded: rules that only change inherited
    /// ones cannot be judged, so they raise no further problems.
    base_failed: bool,
}

impl Ctx<'_> {
    fn at(&self, offset: usize) -> (usize, usize) {
        let upto = &self.text[..floor(self.text, offset.min(self.text.len()))];
        let line = upto.matches('\n').count() + 1;
        let column = upto.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        (line, column)
    }

    fn err(&mut self, span: &Range<usize>, message: impl Into<String>) {
        let (line, column) = self.at(span.start);
        self.problems.push(Problem {
            file: self.file.clone(),
            line,
            column,
            message: message.into(),
        });
    }

    fn line(&self, span: &Range<usize>) -> usize {
        self.at(span.start).0
    }
}

/// The offset of a value list `[` opened before `before` that no `]` in the file closes.
fn unclosed_list(text: &str, before: usize) -> Option<usize> {
    let b = text.as_bytes();
    let mut stack: Vec<usize> = Vec::new();
    let mut after_eq = false;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            q @ (b'"' | b'\'') => {
                let triple = b[i..].starts_with(if q == b'"' { b"\"\"\"" } else { b"'''" });
                i += if triple { 3 } else { 1 };
                while i < b.len() {
                    if q == b'"' && b[i] == b'\\' {
                        i += 2;
                        continue;
                    }
                    if !triple && b[i] == b'\n' {
                        break;
                    }
                    if b[i] == q && (!triple || b[i..].starts_with(&[q, q, q])) {
                        i += if triple { 3 } else { 1 };
                        break;
                    }
                    i += 1;
                }
                continue;
            }
            b'\n' if stack.is_empty() => after_eq = false,
            b'=' => after_eq = true,
            b'[' if after_eq || !stack.is_empty() => stack.push(i),
            b']' => {
                stack.pop();
            }
            _ => {}
        }
        i += 1;
    }
    stack.into_iter().find(|o| *o < before)
}

fn floor(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

type Val<'a> = Spanned<DeValue<'a>>;
type Key<'a> = Spanned<Cow<'a, str>>;

fn type_name(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a number",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "a list",
        DeValue::Table(_) => "a table",
    }
}

fn as_string(cx: &mut Ctx<'_>, key: &str, v: &Val<'_>) -> Option<String> {
    match v.get_ref() {
        DeValue::String(s) => Some(s.to_string()),
        other => {
            cx.err(
                &v.span(),
                format!("`{key}` must be a string, not {}", type_name(other)),
            );
            None
        }
    }
}

fn as_text(cx: &mut Ctx<'_>, key: &str, v: &Val<'_>) -> Option<String> {
    let s = as_string(cx, key, v)?;
    let t = s.trim();
    if t.is_empty() {
        cx.err(&v.span(), format!("`{key}` must not be empty"));
        return None;
    }
    Some(t.to_owned())
}

fn as_bool(cx: &mut Ctx<'_>, key: &str, v: &Val<'_>) -> Option<bool> {
    match v.get_ref() {
        DeValue::Boolean(b) => Some(*b),
        other => {
            cx.err(
                &v.span(),
                format!("`{key}` must be true or false, not {}", type_name(other)),
            );
            None
        }
    }
}

fn as_int(v: &DeValue<'_>) -> Option<i64> {
    match v {
        DeValue::Integer(i) => {
            let digits: String = i.as_str().chars().filter(|c| *c != '_').collect();
            let digits = digits.trim_start_matches('+');
            let body = digits
                .strip_prefix("0x")
                .or_else(|| digits.strip_prefix("0o"))
                .or_else(|| digits.strip_prefix("0b"))
                .unwrap_or(digits);
            i64::from_str_radix(body, i.radix()).ok()
        }
        _ => None,
    }
}

fn as_number(v: &DeValue<'_>) -> Option<f64> {
    match v {
        DeValue::Float(f) => {
            let s: String = f.as_str().chars().filter(|c| *c != '_').collect();
            s.parse().ok()
        }
        DeValue::Integer(_) => as_int(v).map(|i| i as f64),
        _ => None,
    }
}

fn as_list<'a, 'b>(cx: &mut Ctx<'_>, key: &str, v: &'b Val<'a>) -> Option<Vec<&'b Val<'a>>> {
    match v.get_ref() {
        DeValue::Array(a) => Some(a.iter().collect()),
        other => {
            cx.err(
                &v.span(),
                format!("`{key}` must be a list, not {}", type_name(other)),
            );
            None
        }
    }
}

fn as_table<'a, 'b>(cx: &mut Ctx<'_>, key: &str, v: &'b Val<'a>) -> Option<&'b DeTable<'a>> {
    match v.get_ref() {
        DeValue::Table(t) => Some(t),
        other => {
            cx.err(
                &v.span(),
                format!("`{key}` must be a table, not {}", type_name(other)),
            );
            None
        }
    }
}

fn entries<'a, 'b>(t: &'b DeTable<'a>) -> Vec<(&'b Key<'a>, &'b Val<'a>)> {
    let mut v: Vec<_> = t.iter().collect();
    // Report in file order, whatever order the map keeps.
    v.sort_by_key(|(k, _)| k.span().start);
    v
}

fn parse_period(cx: &mut Ctx<'_>, key: &str, v: &Val<'_>) -> Option<Period> {
    let s = as_string(cx, key, v)?;
    match Period::parse(&s) {
        Ok(p) => Some(p),
        Err(e) => {
            cx.err(&v.span(), format!("`{key}`: {}", e.message));
            None
        }
    }
}

fn parse_money(cx: &mut Ctx<'_>, key: &str, v: &Val<'_>) -> Option<Money> {
    let (amount, currency) = match v.get_ref() {
        DeValue::String(s) => {
            let mut parts = s.split_whitespace();
            let (a, b) = (parts.next(), parts.next());
            match (a, b, parts.next()) {
                (Some(a), Some(b), None) if a.chars().all(|c| c.is_ascii_alphabetic()) => {
                    (b.to_owned(), a.to_owned())
                }
                (Some(a), Some(b), None) => (a.to_owned(), b.to_owned()),
                _ => {
                    cx.err(
                        &v.span(),
                        format!("`{key}`: write an amount as \"EUR 1000000\" (currency code and amount), not {s:?}"),
                    );
                    return None;
                }
            }
        }
        DeValue::Table(t) => {
            let mut amount = None;
            let mut currency = None;
            for (k, val) in entries(t) {
                match k.get_ref().as_ref() {
                    "amount" => {
                        amount = match val.get_ref() {
                            DeValue::String(s) => Some(s.to_string()),
                            DeValue::Integer(_) | DeValue::Float(_) => {
                                as_number(val.get_ref()).map(|n| n.to_string())
                            }
                            other => {
                                cx.err(
                                    &val.span(),
                                    format!(
                                        "`{key}.amount` must be a number or a string, not {}",
                                        type_name(other)
                                    ),
                                );
                                return None;
                            }
                        }
                    }
                    "currency" => currency = as_string(cx, "currency", val),
                    other => {
                        cx.err(
                            &k.span(),
                            format!("`{key}` takes `amount` and `currency`, not `{other}`"),
                        );
                        return None;
                    }
                }
            }
            match (amount, currency) {
                (Some(a), Some(c)) => (a, c),
                _ => {
                    cx.err(
                        &v.span(),
                        format!("`{key}` needs both `amount` and `currency`"),
                    );
                    return None;
                }
            }
        }
        other => {
            cx.err(
                &v.span(),
                format!(
                    "`{key}` must be an amount such as \"EUR 1000000\", not {}",
                    type_name(other)
                ),
            );
            return None;
        }
    };
    match Money::parse(&amount, &currency) {
        Ok(m) => Some(m),
        Err(e) => {
            cx.err(&v.span(), format!("`{key}`: {} {}", e.field, e.message));
            None
        }
    }
}

fn parse_param(cx: &mut Ctx<'_>, key: &str, ty: ParamType, v: &Val<'_>) -> Option<Param> {
    match ty {
        ParamType::Period => parse_period(cx, key, v).map(Param::Period),
        ParamType::Money => parse_money(cx, key, v).map(Param::Money),
        ParamType::Share => match as_number(v.get_ref()) {
            Some(n) if (0.0..=1.0).contains(&n) => Some(Param::Number(n)),
            _ => {
                cx.err(
                    &v.span(),
                    format!("`{key}` must be a number between 0 and 1 (e.g. 0.4 for 40 %)"),
                );
                None
            }
        },
        ParamType::Multiple => match as_number(v.get_ref()) {
            Some(n) if n > 0.0 && n.is_finite() => Some(Param::Number(n)),
            _ => {
                cx.err(&v.span(), format!("`{key}` must be a positive number"));
                None
            }
        },
        ParamType::Count => match as_int(v.get_ref()) {
            Some(n) if (1..=100_000).contains(&n) => u32::try_from(n).ok().map(Param::Count),
            _ => {
                cx.err(
                    &v.span(),
                    format!("`{key}` must be a whole number of at least 1"),
                );
                None
            }
        },
        ParamType::Flag => as_bool(cx, key, v).map(Param::Flag),
        ParamType::Phrases => {
            let items = as_list(cx, key, v)?;
            let mut out = Vec::new();
            for it in items {
                let s = as_string(cx, key, it)?;
                let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
                if s.is_empty() {
                    cx.err(&it.span(), format!("`{key}` must not hold empty phrases"));
                    return None;
                }
                if let Some(sign) = pattern_sign(&s) {
                    cx.err(
                        &it.span(),
                        format!(
                            "`{key}`: {s:?} looks like a pattern ({sign}), but phrases are matched as plain words, so it can never match; list each wording as its own phrase, e.g. \"best efforts\", \"best endeavours\""
                        ),
                    );
                    return None;
                }
                out.push(s);
            }
            if out.is_empty() {
                cx.err(&v.span(), format!("`{key}` must not be empty"));
                return None;
            }
            Some(Param::Words(out))
        }
        ParamType::Categories => {
            let items = as_list(cx, key, v)?;
            let mut out = Vec::new();
            let mut ok = true;
            for it in items {
                let Some(s) = as_string(cx, key, it) else {
                    ok = false;
                    continue;
                };
                if entente_domain::taxonomy::category(s.trim()).is_none() {
                    let hint = suggest(
                        s.trim(),
                        entente_domain::taxonomy::CATEGORIES.iter().map(|c| c.id),
                    );
                    cx.err(
                        &it.span(),
                        format!(
                            "unknown clause category {s:?} in `{key}`{hint} (the ids are listed in docs/taxonomy.md)"
                        ),
                    );
                    ok = false;
                } else {
                    out.push(s.trim().to_owned());
                }
            }
            if out.is_empty() && ok {
                cx.err(&v.span(), format!("`{key}` must not be empty"));
                return None;
            }
            ok.then_some(Param::Words(out))
        }
        ParamType::OneOf(set) => {
            let s = as_string(cx, key, v)?;
            if set.contains(&s.trim()) {
                Some(Param::Word(s.trim().to_owned()))
            } else {
                cx.err(
                    &v.span(),
                    format!("`{key}` must be {}, not {s:?}", ty.describe()),
                );
                None
            }
        }
        ParamType::ListOf(set) => {
            let items = as_list(cx, key, v)?;
            let mut out = Vec::new();
            for it in items {
                let s = as_string(cx, key, it)?;
                if !set.contains(&s.trim()) {
                    cx.err(
                        &it.span(),
                        format!(
                            "{s:?} is not allowed in `{key}` (use {})",
                            set.iter()
                                .map(|x| format!("\"{x}\""))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    );
                    return None;
                }
                if out.iter().any(|o: &String| o == s.trim()) {
                    cx.err(&it.span(), format!("{s:?} is listed twice in `{key}`"));
                    return None;
                }
                out.push(s.trim().to_owned());
            }
            if out.is_empty() {
                cx.err(&v.span(), format!("`{key}` must not be empty"));
                return None;
            }
            Some(Param::Words(out))
        }
    }
}

/// Why a phrase reads as a regular expression rather than words, if it does.
fn pattern_sign(phrase: &str) -> Option<&'static str> {
    let chars: Vec<char> = phrase.chars().collect();
    if chars
        .windows(2)
        .any(|w| w[0] == '\\' && w[1].is_ascii_alphanumeric())
    {
        return Some("an escape such as `\\b` or `\\d`");
    }
    if phrase.contains(".*") || phrase.contains(".+") || phrase.contains(".?") {
        return Some("a wildcard such as `.*`");
    }
    if phrase.contains('|') {
        return Some("alternatives separated by `|`");
    }
    if phrase.starts_with('^') || phrase.ends_with('$') {
        return Some("an anchor `^` or `$`");
    }
    if let (Some(a), Some(b)) = (phrase.find('['), phrase.find(']'))
        && a < b
    {
        return Some("a character class in `[...]`");
    }
    if phrase.contains('{') && phrase.contains('}') {
        return Some("a repetition in `{...}`");
    }
    if chars
        .windows(2)
        .any(|w| matches!(w[1], '*' | '+' | '?') && (w[0].is_alphanumeric() || w[0] == ')'))
    {
        return Some("a repetition such as `s?` or `*`");
    }
    None
}

/// " (did you mean `x`?)" when a known name is close to `got`.
fn suggest<'a>(got: &str, known: impl Iterator<Item = &'a str>) -> String {
    closest(got, known)
        .map(|k| format!(" (did you mean {k:?}?)"))
        .unwrap_or_default()
}

/// The known name closest to `got`, when it is close enough to be a slip.
fn closest<'a>(got: &str, known: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let mut best: Option<(usize, &str)> = None;
    for k in known {
        let d = distance(got, k);
        if d <= 3.max(got.len() / 4) && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, k));
        }
    }
    best.map(|(_, k)| k)
}

fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

fn valid_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 80
        && s.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.'))
}

fn parse_severity(cx: &mut Ctx<'_>, v: &Val<'_>) -> Option<Severity> {
    let s = as_string(cx, "severity", v)?;
    let sev = Severity::parse(&s);
    if sev.is_none() {
        cx.err(
            &v.span(),
            format!("unknown severity {s:?} (use info, low, medium, high or critical)"),
        );
    }
    sev
}

fn parse_kind_name(cx: &mut Ctx<'_>, key: &str, span: &Range<usize>) -> Option<AgreementKind> {
    match AgreementKind::parse(key) {
        Ok(k) => Some(k),
        Err(_) => {
            let names: Vec<&str> = AgreementKind::ALL.iter().map(|k| k.as_str()).collect();
            cx.err(
                span,
                format!(
                    "{key:?} is not an agreement kind (use {})",
                    names.join(", ")
                ),
            );
            None
        }
    }
}

/// Keys every rule may have besides its kind's parameters.
const RULE_KEYS: &[&str] = &[
    "id",
    "kind",
    "severity",
    "blind_spot",
    "title",
    "rationale",
    "preferred",
    "fallback",
    "applies_to",
    "enabled",
    "by_kind",
    "acceptable",
    "walk_away",
    "when",
    "legal_basis",
];
const OVERRIDE_KEYS: &[&str] = &["enabled", "severity", "rationale", "preferred", "fallback"];

/// A rule as one file writes it (every field optional, so a child can change one thing).
#[derive(Default)]
struct RawRule {
    id: Option<String>,
    kind: Option<RuleKind>,
    severity: Option<Severity>,
    blind_spot: Option<BlindSpot>,
    title: Option<String>,
    rationale: Option<String>,
    preferred: Option<String>,
    fallback: Option<String>,
    applies_to: Option<Vec<AgreementKind>>,
    enabled: Option<bool>,
    params: Params,
    overrides: BTreeMap<&'static str, Override>,
    acceptable: Option<Position>,
    walk_away: Option<Position>,
    when: Option<Vec<Condition>>,
    legal_basis: Option<String>,
}

fn load(
    text: &str,
    origin: &str,
    resolver: &dyn Resolver,
    stack: &mut Vec<String>,
) -> Result<Playbook, PlaybookError> {
    let mut cx = Ctx {
        file: origin.to_owned(),
        text,
        problems: Vec::new(),
        base: None,
        base_failed: false,
    };
    let doc = match DeTable::parse(text) {
        Ok(d) => d,
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            // A list left open makes TOML complain lines later ("missing comma"); name the list.
            if let Some(open) = unclosed_list(text, span.start) {
                let (line, _) = cx.at(span.start);
                cx.err(
                    &(open..open + 1),
                    format!(
                        "this list is never closed: add the missing `]` at its end (TOML noticed only at line {line}: {})",
                        e.message().trim_end()
                    ),
                );
                return Err(PlaybookError {
                    problems: cx.problems,
                });
            }
            cx.err(&span, format!("not valid TOML: {}", e.message().trim_end()));
            return Err(PlaybookError {
                problems: cx.problems,
            });
        }
    };
    stack.push(origin.to_owned());

    let mut header: Option<&Val<'_>> = None;
    let mut scoring_v: Option<&Val<'_>> = None;
    let mut rules_v: Option<&Val<'_>> = None;
    for (k, v) in entries(doc.get_ref()) {
        match k.get_ref().as_ref() {
            "playbook" => header = Some(v),
            "scoring" => scoring_v = Some(v),
            "rule" => rules_v = Some(v),
            other => cx.err(
                &k.span(),
                format!(
                    "unknown section `{other}`{} (a playbook has [playbook], [scoring] and [[rule]] sections)",
                    suggest(other, ["playbook", "scoring", "rule"].into_iter())
                ),
            ),
        }
    }

    // [playbook]
    let mut id = None;
    let mut name = None;
    let mut version = None;
    let mut description = None;
    let mut us: Option<Vec<String>> = None;
    let mut parent: Option<Playbook> = None;
    match header {
        None => cx.err(
            &(0..0),
            "missing the [playbook] section (with id, name and version)",
        ),
        Some(h) => {
            if let Some(t) = as_table(&mut cx, "playbook", h) {
                for (k, v) in entries(t) {
                    match k.get_ref().as_ref() {
                        "id" => {
                            if let Some(s) = as_string(&mut cx, "id", v) {
                                if valid_id(&s) {
                                    id = Some(s);
                                } else {
                                    cx.err(&v.span(), format!("playbook id {s:?} must start with a lowercase letter and use only a-z, 0-9, '-', '_' and '.'"));
                                }
                            }
                        }
                        "name" => name = as_text(&mut cx, "name", v),
                        "version" => {
                            version = match v.get_ref() {
                                DeValue::Integer(_) | DeValue::Float(_) => {
                                    as_number(v.get_ref()).map(|n| n.to_string())
                                }
                                _ => as_text(&mut cx, "version", v),
                            }
                        }
                        "description" => description = as_text(&mut cx, "description", v),
                        "us" => {
                            if let Some(items) = as_list(&mut cx, "us", v) {
                                let mut names = Vec::new();
                                for it in items {
                                    if let Some(n) = as_string(&mut cx, "us", it) {
                                        if n.trim().is_empty() {
                                            cx.err(&it.span(), "an entry of `us` is empty: name one of your legal entities, e.g. \"Acme Robotics Ltd\"");
                                        } else {
                                            names.push(n.trim().to_owned());
                                        }
                                    }
                                }
                                us = Some(names);
                            }
                        }
                        "extends" => {
                            if let Some(r) = as_text(&mut cx, "extends", v) {
                                parent = load_parent(&mut cx, &r, &v.span(), resolver, stack)?;
                                match &parent {
                                    Some(p) => {
                                        cx.base = Some((
                                            r.clone(),
                                            p.rules.iter().map(|x| x.id.clone()).collect(),
                                        ))
                                    }
                                    None => cx.base_failed = true,
                                }
                            }
                        }
                        other => cx.err(
                            &k.span(),
                            format!(
                                "unknown key `{other}` in [playbook]{} (use id, name, version, description, extends, us)",
                                suggest(other, ["id", "name", "version", "description", "extends", "us"].into_iter())
                            ),
                        ),
                    }
                }
                let span = h.span();
                if id.is_none()
                    && !cx
                        .problems
                        .iter()
                        .any(|p| p.message.contains("playbook id"))
                {
                    cx.err(
                        &span,
                        "[playbook] needs an `id`, e.g. id = \"acme-cooperation\"",
                    );
                }
                if name.is_none() {
                    cx.err(&span, "[playbook] needs a `name`");
                }
                if version.is_none() {
                    cx.err(
                        &span,
                        "[playbook] needs a `version`, e.g. version = \"2026.1\"",
                    );
                }
            }
        }
    }

    // [scoring]
    let mut scoring = parent
        .as_ref()
        .map(|p| p.scoring.clone())
        .unwrap_or_default();
    if let Some(sv) = scoring_v {
        parse_scoring(&mut cx, sv, &mut scoring);
    }

    // [[rule]]
    let mut rules: Vec<Rule> = parent.as_ref().map(|p| p.rules.clone()).unwrap_or_default();
    let inherited: BTreeSet<String> = rules.iter().map(|r| r.id.clone()).collect();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    if let Some(rv) = rules_v {
        match rv.get_ref() {
            DeValue::Array(items) => {
                for item in items.iter() {
                    let Some(t) = as_table(&mut cx, "rule", item) else {
                        continue;
                    };
                    let span = item.span();
                    let line = cx.line(&span);
                    let before = cx.problems.len();
                    let existing_kind =
                        |id: &str| rules.iter().find(|r| r.id == id).map(|r| r.kind);
                    let raw = parse_rule(&mut cx, t, &span, &existing_kind);
                    let Some(rid) = raw.id.clone() else { continue };
                    if let Some(prev) = seen.insert(rid.clone(), line) {
                        cx.err(
                            &span,
                            format!(
                                "rule {rid:?} is defined twice in this file (first at line {prev})"
                            ),
                        );
                        continue;
                    }
                    if cx.problems.len() > before {
                        continue;
                    }
                    let origin = Origin {
                        file: origin.to_owned(),
                        line,
                    };
                    if let Some(pos) = rules.iter().position(|r| r.id == rid) {
                        merge_rule(
                            &mut cx,
                            &span,
                            &mut rules[pos],
                            raw,
                            origin,
                            inherited.contains(&rid),
                        );
                    } else if let Some(r) = new_rule(&mut cx, &span, raw, origin) {
                        rules.push(r);
                    }
                }
            }
            other => cx.err(
                &rv.span(),
                format!(
                    "`rule` must be written as [[rule]] tables, not {}",
                    type_name(other)
                ),
            ),
        }
    }
    for r in &rules {
        if r.origin.file == origin {
            validate_rule(&mut cx, r);
        }
    }
    stack.pop();

    if !cx.problems.is_empty() {
        cx.problems.sort_by_key(|p| (p.line, p.column));
        return Err(PlaybookError {
            problems: cx.problems,
        });
    }
    let mut extends = Vec::new();
    if let Some(p) = &parent {
        extends.push(p.label());
        extends.extend(p.extends.iter().cloned());
    }
    Ok(Playbook {
        id: id.unwrap_or_default(),
        name: name.unwrap_or_default(),
        version: version.unwrap_or_default(),
        description,
        extends,
        rules,
        scoring,
        source: text.to_owned(),
        us: us
            .or_else(|| parent.as_ref().map(|p| p.us.clone()))
            .unwrap_or_default(),
    })
}

fn load_parent(
    cx: &mut Ctx<'_>,
    reference: &str,
    span: &Range<usize>,
    resolver: &dyn Resolver,
    stack: &mut Vec<String>,
) -> Result<Option<Playbook>, PlaybookError> {
    let (porigin, ptext) = match resolver.resolve(reference, &cx.file) {
        Ok(x) => x,
        Err(why) => {
            cx.err(span, format!("extends {reference:?}: {why}"));
            return Ok(None);
        }
    };
    if let Some(pos) = stack.iter().position(|s| *s == porigin) {
        let mut chain: Vec<String> = stack[pos..].to_vec();
        chain.push(porigin);
        cx.err(
            span,
            format!("extends {reference:?} makes a cycle: {}", chain.join(" → ")),
        );
        return Ok(None);
    }
    match load(&ptext, &porigin, resolver, stack) {
        Ok(p) => Ok(Some(p)),
        Err(mut e) => {
            // The parent's problems name the parent's file and lines; say who extended it.
            cx.err(
                span,
                format!(
                    "extends {reference:?}, which is invalid ({} problem{} below)",
                    e.problems.len(),
                    if e.problems.len() == 1 { "" } else { "s" }
                ),
            );
            let mut all = std::mem::take(&mut cx.problems);
            all.append(&mut e.problems);
            Err(PlaybookError { problems: all })
        }
    }
}

fn parse_scoring(cx: &mut Ctx<'_>, sv: &Val<'_>, scoring: &mut Scoring) {
    let Some(t) = as_table(cx, "scoring", sv) else {
        return;
    };
    for (k, v) in entries(t) {
        match k.get_ref().as_ref() {
            "flag_at" => {
                if let Some(s) = parse_severity(cx, v) {
                    scoring.flag_at = s;
                }
            }
            "points" => {
                let Some(pt) = as_table(cx, "points", v) else {
                    continue;
                };
                for (pk, pv) in entries(pt) {
                    let Some(sev) = Severity::parse(pk.get_ref()) else {
                        cx.err(
                            &pk.span(),
                            format!(
                                "unknown severity `{}` in [scoring.points] (use info, low, medium, high, critical)",
                                pk.get_ref()
                            ),
                        );
                        continue;
                    };
                    match as_int(pv.get_ref()) {
                        Some(n) if (0..=100).contains(&n) => {
                            scoring.points.insert(sev, n as u32);
                        }
                        _ => cx.err(
                            &pv.span(),
                            format!("points for `{sev}` must be a whole number from 0 to 100"),
                        ),
                    }
                }
            }
            "weights" => {
                let Some(wt) = as_table(cx, "weights", v) else {
                    continue;
                };
                for (wk, wv) in entries(wt) {
                    let Some(spot) = BlindSpot::parse(wk.get_ref()) else {
                        cx.err(
                            &wk.span(),
                            format!(
                                "unknown blind spot `{}` in [scoring.weights] (use {})",
                                wk.get_ref(),
                                BlindSpot::ALL.map(|b| b.as_str()).join(", ")
                            ),
                        );
                        continue;
                    };
                    match as_int(wv.get_ref()) {
                        Some(n) if (0..=100).contains(&n) => {
                            scoring.weights.insert(spot, n as u32);
                        }
                        _ => cx.err(
                            &wv.span(),
                            format!("the weight of `{spot}` must be a whole number from 0 to 100"),
                        ),
                    }
                }
                if scoring.weights.values().all(|w| *w == 0) {
                    cx.err(&v.span(), "at least one blind spot needs a weight above 0");
                }
            }
            "floor" => {
                let Some(ft) = as_table(cx, "floor", v) else {
                    continue;
                };
                for (fk, fv) in entries(ft) {
                    let Some(sev) = Severity::parse(fk.get_ref()) else {
                        cx.err(
                            &fk.span(),
                            format!(
                                "unknown severity `{}` in [scoring.floor] (use info, low, medium, high, critical)",
                                fk.get_ref()
                            ),
                        );
                        continue;
                    };
                    match as_int(fv.get_ref()) {
                        Some(n) if (0..=100).contains(&n) => {
                            scoring.floor.insert(sev, n as u32);
                        }
                        _ => cx.err(
                            &fv.span(),
                            format!("the floor for `{sev}` must be a whole number from 0 to 100"),
                        ),
                    }
                }
            }
            other => cx.err(
                &k.span(),
                format!("unknown key `{other}` in [scoring] (use flag_at, points, weights, floor)"),
            ),
        }
    }
}

fn parse_rule(
    cx: &mut Ctx<'_>,
    t: &DeTable<'_>,
    span: &Range<usize>,
    existing_kind: &dyn Fn(&str) -> Option<RuleKind>,
) -> RawRule {
    let mut raw = RawRule::default();
    let fields = entries(t);
    // Id and kind first: parameters can only be checked once the kind is known.
    for (k, v) in &fields {
        match k.get_ref().as_ref() {
            "id" => {
                if let Some(s) = as_string(cx, "id", v) {
                    if valid_id(s.trim()) {
                        raw.id = Some(s.trim().to_owned());
                    } else {
                        cx.err(&v.span(), format!("rule id {s:?} must start with a lowercase letter and use only a-z, 0-9, '-', '_' and '.'"));
                    }
                }
            }
            "kind" => {
                if let Some(s) = as_string(cx, "kind", v) {
                    raw.kind = RuleKind::parse(&s);
                    if raw.kind.is_none() {
                        cx.err(
                            &v.span(),
                            format!(
                                "unknown rule kind {s:?}{} (kinds: {})",
                                suggest(s.trim(), RuleKind::ALL.iter().map(|k| k.as_str())),
                                RuleKind::ALL.map(|k| k.as_str()).join(", ")
                            ),
                        );
                        return raw;
                    }
                }
            }
            _ => {}
        }
    }
    let Some(id) = raw.id.clone() else {
        if !fields.iter().any(|(k, _)| k.get_ref() == "id") {
            cx.err(
                span,
                "every [[rule]] needs an `id`, e.g. id = \"risk.liability-cap\"",
            );
        }
        return raw;
    };
    let inherited = existing_kind(&id);
    if let (Some(k), Some(p)) = (raw.kind, inherited)
        && k != p
    {
        cx.err(
            span,
            format!(
                "rule {id:?} is inherited as kind `{p}` and cannot become `{k}`; give the new rule its own id"
            ),
        );
        return raw;
    }
    let Some(kind) = raw.kind.or(inherited) else {
        if fields.iter().any(|(k, _)| k.get_ref() == "kind") || cx.base_failed {
            return raw;
        }
        // A rule without a kind changes an inherited one: a near miss is a misspelt id.
        let near = cx
            .base
            .as_ref()
            .and_then(|(_, ids)| closest(&id, ids.iter().map(String::as_str)));
        let message = match (&cx.base, near) {
            (Some((base, _)), Some(hint)) => format!(
                "no rule `{id}` in the base playbook `{base}`; did you mean `{hint}`? (a new rule needs a `kind`)"
            ),
            (Some((base, _)), _) => format!(
                "no rule `{id}` in the base playbook `{base}`: to change an inherited rule use its id (`entente check --rules --playbook {base}` lists them); a new rule needs a `kind` (one of: {})",
                RuleKind::ALL.map(|k| k.as_str()).join(", ")
            ),
            (None, _) => format!(
                "rule {id:?} needs a `kind` (one of: {})",
                RuleKind::ALL.map(|k| k.as_str()).join(", ")
            ),
        };
        cx.err(span, message);
        return raw;
    };
    for (k, v) in fields {
        let key = k.get_ref().as_ref();
        match key {
            "id" | "kind" => {}
            "severity" => raw.severity = parse_severity(cx, v),
            "blind_spot" => {
                if let Some(s) = as_string(cx, "blind_spot", v) {
                    raw.blind_spot = BlindSpot::parse(&s);
                    if raw.blind_spot.is_none() {
                        cx.err(
                            &v.span(),
                            format!(
                                "unknown blind spot {s:?} (use {})",
                                BlindSpot::ALL.map(|b| b.as_str()).join(", ")
                            ),
                        );
                    }
                }
            }
            "title" => raw.title = as_text(cx, "title", v),
            "rationale" => raw.rationale = as_text(cx, "rationale", v),
            "preferred" => raw.preferred = as_text(cx, "preferred", v),
            "fallback" => raw.fallback = as_text(cx, "fallback", v),
            "legal_basis" => raw.legal_basis = as_text(cx, "legal_basis", v),
            "enabled" => raw.enabled = as_bool(cx, "enabled", v),
            "applies_to" => {
                if let Some(items) = as_list(cx, "applies_to", v) {
                    let mut kinds = Vec::new();
                    for it in items {
                        if let Some(s) = as_string(cx, "applies_to", it)
                            && let Some(k) = parse_kind_name(cx, s.trim(), &it.span())
                        {
                            kinds.push(k);
                        }
                    }
                    raw.applies_to = Some(kinds);
                }
            }
            "acceptable" | "walk_away" => {
                let pos = parse_position(cx, kind, key, v);
                if key == "acceptable" {
                    raw.acceptable = pos;
                } else {
                    raw.walk_away = pos;
                }
            }
            "when" => {
                if let Some(items) = as_list(cx, "when", v) {
                    let mut conds = Vec::new();
                    for it in items {
                        let Some(name) = as_string(cx, "when", it) else {
                            continue;
                        };
                        match Condition::parse(&name) {
                            Some(c) => conds.push(c),
                            None => cx.err(
                                &it.span(),
                                format!(
                                    "unknown condition {name:?} in `when`{} (use {})",
                                    suggest(name.trim(), Condition::NAMES.iter().copied()),
                                    Condition::NAMES.join(", ")
                                ),
                            ),
                        }
                    }
                    raw.when = Some(conds);
                }
            }
            "by_kind" => {
                if let Some(bt) = as_table(cx, "by_kind", v) {
                    for (bk, bv) in entries(bt) {
                        let Some(ak) = parse_kind_name(cx, bk.get_ref(), &bk.span()) else {
                            continue;
                        };
                        if let Some(o) = parse_override(cx, kind, ak, bv) {
                            raw.overrides.insert(ak.as_str(), o);
                        }
                    }
                }
            }
            _ => {
                if let Some(spec) = kind.param(key) {
                    if let Some(val) = parse_param(cx, key, spec.ty, v) {
                        raw.params.insert(key.to_owned(), val);
                    }
                } else {
                    cx.err(&k.span(), unknown_param(kind, key));
                }
            }
        }
    }
    raw
}

fn unknown_param(kind: RuleKind, key: &str) -> String {
    let names: Vec<&str> = kind.params().iter().map(|p| p.name).collect();
    let hint = suggest(key, names.iter().copied().chain(RULE_KEYS.iter().copied()));
    if names.is_empty() {
        format!(
            "unknown key `{key}`{hint}: a `{kind}` rule takes no parameters (rule keys: {})",
            RULE_KEYS.join(", ")
        )
    } else {
        format!(
            "unknown key `{key}`{hint}: a `{kind}` rule takes {} (and the rule keys {})",
            names.join(", "),
            RULE_KEYS.join(", ")
        )
    }
}

/// `[rule.acceptable]` or `[rule.walk_away]`: a severity and the kind's parameters.
fn parse_position(cx: &mut Ctx<'_>, kind: RuleKind, name: &str, v: &Val<'_>) -> Option<Position> {
    let t = as_table(cx, name, v)?;
    let mut pos = Position::default();
    for (k, v) in entries(t) {
        let key = k.get_ref().as_ref();
        if key == "severity" {
            pos.severity = parse_severity(cx, v);
        } else if let Some(spec) = kind.param(key) {
            if let Some(val) = parse_param(cx, key, spec.ty, v) {
                pos.params.insert(key.to_owned(), val);
            }
        } else {
            let names: Vec<&str> = kind.params().iter().map(|p| p.name).collect();
            cx.err(
                &k.span(),
                format!(
                    "unknown key `{key}` in [rule.{name}]{}: a position takes `severity` and the parameters of a `{kind}` rule ({})",
                    suggest(key, names.iter().copied().chain(["severity"])),
                    names.join(", ")
                ),
            );
        }
    }
    if pos.params.is_empty() {
        cx.err(
            &v.span(),
            format!("[rule.{name}] changes no parameter: give the values this position accepts"),
        );
    }
    Some(pos)
}

fn parse_override(
    cx: &mut Ctx<'_>,
    kind: RuleKind,
    ak: AgreementKind,
    v: &Val<'_>,
) -> Option<Override> {
    let name = format!("by_kind.{}", ak.as_str());
    let t = as_table(cx, &name, v)?;
    let mut o = Override::default();
    for (k, v) in entries(t) {
        let key = k.get_ref().as_ref();
        match key {
            "enabled" => o.enabled = as_bool(cx, "enabled", v),
            "severity" => o.severity = parse_severity(cx, v),
            "rationale" => o.rationale = as_text(cx, "rationale", v),
            "preferred" => o.preferred = as_text(cx, "preferred", v),
            "fallback" => o.fallback = as_text(cx, "fallback", v),
            _ => {
                if let Some(spec) = kind.param(key) {
                    if let Some(val) = parse_param(cx, key, spec.ty, v) {
                        o.params.insert(key.to_owned(), val);
                    }
                } else {
                    let names: Vec<&str> = kind.params().iter().map(|p| p.name).collect();
                    cx.err(
                        &k.span(),
                        format!(
                            "unknown key `{key}` in [{name}]: an override takes {}{}{}",
                            OVERRIDE_KEYS.join(", "),
                            if names.is_empty() {
                                ""
                            } else {
                                " and the parameters "
                            },
                            names.join(", ")
                        ),
                    );
                }
            }
        }
    }
    Some(o)
}

fn new_rule(cx: &mut Ctx<'_>, span: &Range<usize>, raw: RawRule, origin: Origin) -> Option<Rule> {
    let id = raw.id?;
    let kind = raw.kind?;
    let mut missing = Vec::new();
    if raw.severity.is_none() {
        missing.push("`severity` (info, low, medium, high or critical)");
    }
    if raw.title.is_none() {
        missing.push("`title`");
    }
    if raw.rationale.is_none() {
        missing.push("`rationale` (why the position matters)");
    }
    if !missing.is_empty() {
        if !cx.base_failed {
            cx.err(span, format!("rule {id:?} needs {}", missing.join(", ")));
        }
        return None;
    }
    Some(Rule {
        id,
        kind,
        blind_spot: raw.blind_spot.unwrap_or(kind.default_blind_spot()),
        severity: raw.severity?,
        title: raw.title?,
        rationale: raw.rationale?,
        preferred: raw.preferred,
        fallback: raw.fallback,
        applies_to: raw.applies_to.unwrap_or_default(),
        enabled: raw.enabled.unwrap_or(true),
        params: raw.params,
        overrides: raw.overrides,
        acceptable: raw.acceptable,
        walk_away: raw.walk_away,
        when: raw.when.unwrap_or_default(),
        legal_basis: raw.legal_basis,
        origin,
    })
}

fn merge_rule(
    cx: &mut Ctx<'_>,
    span: &Range<usize>,
    r: &mut Rule,
    raw: RawRule,
    origin: Origin,
    inherited: bool,
) {
    if !inherited {
        cx.err(span, format!("rule {:?} is defined twice", r.id));
        return;
    }
    let (new_rationale, new_preferred, new_fallback) = (
        raw.rationale.is_some(),
        raw.preferred.is_some(),
        raw.fallback.is_some(),
    );
    if let Some(s) = raw.severity {
        r.severity = s;
    }
    if let Some(b) = raw.blind_spot {
        r.blind_spot = b;
    }
    if let Some(t) = raw.title {
        r.title = t;
    }
    if let Some(t) = raw.rationale {
        r.rationale = t;
    }
    if raw.preferred.is_some() {
        r.preferred = raw.preferred;
    }
    if raw.fallback.is_some() {
        r.fallback = raw.fallback;
    }
    if let Some(a) = raw.applies_to {
        r.applies_to = a;
    }
    if let Some(e) = raw.enabled {
        r.enabled = e;
    }
    // What the base said for one kind was written against the base's values: a new value or
    // new prose at rule level replaces it for every kind, unless this file restates it.
    for o in r.overrides.values_mut() {
        let had_params = !o.params.is_empty();
        o.params.retain(|k, _| !raw.params.contains_key(k));
        let values_gone = had_params && o.params.is_empty();
        if new_rationale || values_gone {
            o.rationale = None;
        }
        if new_preferred || values_gone {
            o.preferred = None;
        }
        if new_fallback || values_gone {
            o.fallback = None;
        }
    }
    r.overrides.retain(|_, o| *o != Override::default());
    r.params.extend(raw.params);
    if raw.acceptable.is_some() {
        r.acceptable = raw.acceptable;
    }
    if raw.walk_away.is_some() {
        r.walk_away = raw.walk_away;
    }
    if let Some(w) = raw.when {
        r.when = w;
    }
    if raw.legal_basis.is_some() {
        r.legal_basis = raw.legal_basis;
    }
    for (k, o) in raw.overrides {
        let cur = r.overrides.entry(k).or_default();
        if o.enabled.is_some() {
            cur.enabled = o.enabled;
        }
        if o.severity.is_some() {
            cur.severity = o.severity;
        }
        if o.rationale.is_some() {
            cur.rationale = o.rationale;
        }
        if o.preferred.is_some() {
            cur.preferred = o.preferred;
        }
        if o.fallback.is_some() {
            cur.fallback = o.fallback;
        }
        cur.params.extend(o.params);
    }
    r.origin = origin;
}

/// Checks that need the whole (merged) rule: required parameters and consistent bounds.
fn validate_rule(cx: &mut Ctx<'_>, r: &Rule) {
    let at = line_span(cx.text, r.origin.line);
    for spec in r.kind.params() {
        if spec.required && !r.params.contains_key(spec.name) {
            cx.err(
                &at,
                format!(
                    "rule {:?} (kind `{}`) needs `{}`: {} ({})",
                    r.id,
                    r.kind,
                    spec.name,
                    spec.doc,
                    spec.ty.describe()
                ),
            );
        }
    }
    if r.kind.is_regulatory() && r.legal_basis.as_deref().is_none_or(|b| b.trim().is_empty()) {
        cx.err(
            &at,
            format!(
                "rule {:?} (kind `{}`) needs a `legal_basis`: the instrument and article the position rests on, e.g. \"Art. 101(1)(a) TFEU\"",
                r.id, r.kind
            ),
        );
    }
    let mut sets = vec![&r.params];
    sets.extend(r.overrides.values().map(|o| &o.params));
    if r.kind == RuleKind::RequiredClauses
        && !r.params.contains_key("all_of")
        && !r.params.contains_key("any_of")
    {
        cx.err(
            &at,
            format!(
                "rule {:?} (kind `required_clauses`) needs `all_of` or `any_of`: the clause categories to require",
                r.id
            ),
        );
    }
    // Laws the playbook allows must be jurisdictions analysis can name, or they never match.
    if r.kind == RuleKind::GoverningLaw {
        for set in &sets {
            if let Some(Param::Words(laws)) = set.get("allowed") {
                for law in laws {
                    if entente_analysis::is_canonical_place(law) {
                        continue;
                    }
                    let hint = match entente_analysis::canonical_place(law) {
                        Some(c) => format!(" (did you mean {c:?}?)"),
                        None => String::new(),
                    };
                    cx.err(
                        &at,
                        format!(
                            "rule {:?}: unknown law {law:?} in `allowed`{hint}: use a jurisdiction's name as reports show it, e.g. \"England and Wales\", \"Germany\", \"New York\"",
                            r.id
                        ),
                    );
                }
            }
        }
    }
    // Bounds are checked as they apply: the rule's own, and each per-kind override or position
    // laid over them (an inherited `max` of 90 days and a new `min` of 120 days contradict).
    let mut merged: Vec<(String, Params)> = vec![(String::new(), r.params.clone())];
    let layers = r
        .overrides
        .iter()
        .map(|(k, o)| (format!(" for {k}"), &o.params))
        .chain(
            r.acceptable
                .iter()
                .map(|p| (" at the acceptable position".to_owned(), &p.params)),
        )
        .chain(
            r.walk_away
                .iter()
                .map(|p| (" at the walk-away position".to_owned(), &p.params)),
        );
    for (label, extra) in layers {
        let mut m = r.params.clone();
        m.extend(extra.iter().map(|(k, v)| (k.clone(), v.clone())));
        merged.push((label, m));
    }
    let bounds = [("min", "max"), ("notice_min", "notice_max")];
    for (label, params) in &merged {
        for (lo, hi) in bounds {
            let get = |p: &Params, n: &str| match p.get(n) {
                Some(Param::Period(x)) => Some(*x),
                _ => None,
            };
            let (Some(a), Some(b)) = (get(params, lo), get(params, hi)) else {
                continue;
            };
            if a.longer_than(b) {
                cx.err(
                    &at,
                    format!(
                        "rule {:?}{label}: `{lo}` ({}) is longer than `{hi}` ({}): no agreement can meet both",
                        r.id,
                        a.human(),
                        b.human()
                    ),
                );
            }
        }
    }
}

/// The byte range of 1-based `line`, for problems found after parsing.
fn line_span(text: &str, line: usize) -> Range<usize> {
    let mut start = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            return start..start + l.len();
        }
        start += l.len();
    }
    0..0
}
