//! Accuracy evaluation: runs the analysis over a labelled corpus (DIR/gold.jsonl) and
//! scores it per field and per clause category by the rules of the shared corpus README.
//!
//! Rules: dates must be the exact ISO date (partial or unlabelled gold dates are skipped; a
//! prediction where the gold is empty is a false positive); periods compare as durations
//! (P12M = P1Y); governing law ignores case and wording; parties are matched by normalised
//! legal name or alias; each clause category scores whether any clause carries it. Fields
//! only present in Entente's own corpus (initial_term, venue, liability_cap …) are scored
//! when the gold line has them. `overall` is the mean F1 of the scored fields, with the
//! clause categories counting as one field (their macro F1).

use crate::learn::{self, Model};
use crate::{Analysis, Limits, analyze_bytes_with};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// Why a corpus could not be evaluated.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    /// A file could not be read.
    #[error("cannot read {path}: {message}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The OS error.
        message: String,
    },
    /// A gold line is not valid JSON.
    #[error("{path} line {line}: {message}")]
    Gold {
        /// gold.jsonl.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// What is wrong.
        message: String,
    },
}

/// Counts and scores of one field.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Score {
    /// Field or category id.
    pub name: String,
    /// True positives.
    pub tp: u32,
    /// False positives.
    pub fp: u32,
    /// False negatives.
    pub fn_: u32,
    /// Precision.
    pub precision: f64,
    /// Recall.
    pub recall: f64,
    /// F1.
    pub f1: f64,
}

impl Score {
    fn finish(name: &str, c: Counts) -> Self {
        let p = if c.tp + c.fp == 0 {
            if c.fn_ == 0 { 1.0 } else { 0.0 }
        } else {
            f64::from(c.tp) / f64::from(c.tp + c.fp)
        };
        let r = if c.tp + c.fn_ == 0 {
            if c.fp == 0 { 1.0 } else { 0.0 }
        } else {
            f64::from(c.tp) / f64::from(c.tp + c.fn_)
        };
        let f1 = if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        };
        Self {
            name: name.to_owned(),
            tp: c.tp,
            fp: c.fp,
            fn_: c.fn_,
            precision: p,
            recall: r,
            f1,
        }
    }
}

#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Counts {
    tp: u32,
    fp: u32,
    fn_: u32,
}

impl Counts {
    fn add(&mut self, o: Counts) {
        self.tp += o.tp;
        self.fp += o.fp;
        self.fn_ += o.fn_;
    }
}

/// Per-format results for the DOCX/PDF variants of the corpus texts.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct VariantScore {
    /// docx, pdf, html, md …
    pub format: String,
    /// Files analysed.
    pub documents: u32,
    /// Overall F1 on those files.
    pub overall_f1: f64,
    /// Share of key values (dates, periods, law, parties, categories) equal to the TXT's.
    pub agreement_with_text: f64,
}

/// The evaluation of one corpus.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct EvalReport {
    /// The corpus directory.
    pub corpus: String,
    /// Documents scored.
    pub documents: u32,
    /// Per-field scores.
    pub fields: Vec<Score>,
    /// Per clause category scores.
    pub categories: Vec<Score>,
    /// Macro F1 over the clause categories.
    pub categories_macro_f1: f64,
    /// Mean of the field F1s (categories as one field).
    pub overall_f1: f64,
    /// Variants by format.
    pub variants: Vec<VariantScore>,
    /// Files that could not be analysed.
    pub errors: Vec<String>,
    /// Confidence bins of the scored values (parties, dates, renewal term, notice period,
    /// governing law) and the share of each bin's values that were right.
    pub reliability: Vec<ReliabilityBin>,
}

/// One row of the reliability table.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ReliabilityBin {
    /// Lowest confidence in the bin (inclusive).
    pub from: f64,
    /// Highest (exclusive, except 1.0).
    pub to: f64,
    /// Values in the bin.
    pub values: u32,
    /// Of which right.
    pub correct: u32,
}

const BIN_EDGES: [f64; 7] = [0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0];

fn reliability(values: &[(String, f32, bool)]) -> Vec<ReliabilityBin> {
    let mut bins: Vec<ReliabilityBin> = BIN_EDGES
        .windows(2)
        .map(|w| ReliabilityBin {
            from: w[0],
            to: w[1],
            values: 0,
            correct: 0,
        })
        .collect();
    for (_, c, ok) in values {
        // Confidences are shown rounded to two decimals; bin what is shown.
        let c = (f64::from(*c) * 100.0).round() / 100.0;
        let i = BIN_EDGES[1..]
            .iter()
            .position(|e| c < *e)
            .unwrap_or(bins.len() - 1);
        if let Some(b) = bins.get_mut(i) {
            b.values += 1;
            b.correct += u32::from(*ok);
        }
    }
    bins
}

impl EvalReport {
    /// The score of a field or category by name.
    pub fn score(&self, name: &str) -> Option<&Score> {
        self.fields
            .iter()
            .chain(self.categories.iter())
            .find(|s| s.name == name)
    }
}

impl fmt::Display for EvalReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Evaluation of {} ({} documents)",
            self.corpus, self.documents
        )?;
        writeln!(
            f,
            "\n{:<36} {:>4} {:>4} {:>4} {:>9} {:>7} {:>6}",
            "field", "tp", "fp", "fn", "precision", "recall", "f1"
        )?;
        for s in &self.fields {
            writeln!(
                f,
                "{:<36} {:>4} {:>4} {:>4} {:>9.3} {:>7.3} {:>6.3}",
                s.name, s.tp, s.fp, s.fn_, s.precision, s.recall, s.f1
            )?;
        }
        // A corpus labelled for fields alone has no clause score: a macro-F1 of 0 would read
        // as every category missed.
        if self.categories.is_empty() {
            writeln!(f, "\nclause categories: none labelled in this corpus")?;
        } else {
            writeln!(
                f,
                "\n{:<36} {:>4} {:>4} {:>4} {:>9} {:>7} {:>6}",
                "clause category", "tp", "fp", "fn", "precision", "recall", "f1"
            )?;
            for s in &self.categories {
                writeln!(
                    f,
                    "{:<36} {:>4} {:>4} {:>4} {:>9.3} {:>7.3} {:>6.3}",
                    s.name, s.tp, s.fp, s.fn_, s.precision, s.recall, s.f1
                )?;
            }
            writeln!(
                f,
                "\nclause categories macro F1: {:.3}",
                self.categories_macro_f1
            )?;
        }
        for v in &self.variants {
            writeln!(
                f,
                "variant {:<6} {:>3} documents  overall F1 {:.3}  same values as TXT {:.1}%",
                v.format,
                v.documents,
                v.overall_f1,
                v.agreement_with_text * 100.0
            )?;
        }
        if self.reliability.iter().any(|b| b.values > 0) {
            writeln!(
                f,
                "\n{:<36} {:>6} {:>7} {:>13}",
                "confidence (shown values)", "values", "right", "share right"
            )?;
            for b in &self.reliability {
                let share = if b.values == 0 {
                    "-".to_owned()
                } else {
                    format!("{:.3}", f64::from(b.correct) / f64::from(b.values))
                };
                writeln!(
                    f,
                    "{:<36} {:>6} {:>7} {:>13}",
                    format!("{:.1} - {:.1}", b.from, b.to),
                    b.values,
                    b.correct,
                    share
                )?;
            }
        }
        for e in &self.errors {
            writeln!(f, "error: {e}")?;
        }
        writeln!(f, "OVERALL F1: {:.3}", self.overall_f1)
    }
}

// ---------- normalisation ----------

fn norm_name(s: &str) -> String {
    const SUFFIXES: &[&str] = &[
        "inc",
        "incorporated",
        "corp",
        "corporation",
        "ltd",
        "limited",
        "llc",
        "l l c",
        "co",
        "company",
        "plc",
        "gmbh",
        "ag",
        "sa",
        "s a",
        "lp",
        "l p",
        "llp",
        "nv",
        "n v",
        "bv",
        "b v",
        "spa",
        "s p a",
        "srl",
        "pty",
        "the",
    ];
    let cleaned: String = s
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                ' '
            }
        })
        .collect();
    let mut words: Vec<&str> = cleaned.split_whitespace().collect();
    loop {
        let before = words.len();
        // Multi-word suffixes first ("l l c").
        for suf in SUFFIXES {
            let sw: Vec<&str> = suf.split(' ').collect();
            if words.len() > sw.len() && words[words.len() - sw.len()..] == sw[..] {
                words.truncate(words.len() - sw.len());
            }
        }
        if words.first() == Some(&"the") && words.len() > 1 {
            words.remove(0);
        }
        if words.len() == before {
            break;
        }
    }
    words.join(" ")
}

fn norm_law(s: &str) -> String {
    // Punctuation is wording too: "British Columbia, Canada" names British Columbia.
    let mut l: String = s
        .to_ascii_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    for p in [
        "the laws of ",
        "laws of ",
        "the state of ",
        "state of ",
        "commonwealth of ",
        "the ",
    ] {
        if let Some(r) = l.strip_prefix(p) {
            l = r.to_owned();
        }
    }
    l.trim_end_matches(" law").trim().to_owned()
}

fn law_match(pred: &str, gold: &str) -> bool {
    let (p, g) = (norm_law(pred), norm_law(gold));
    if p == g {
        return true;
    }
    let england = |x: &str| {
        matches!(
            x,
            "england" | "england and wales" | "wales" | "united kingdom"
        )
    };
    if england(&p) && england(&g) {
        return true;
    }
    let words = |x: &str| format!(" {x} ");
    words(&p).contains(&words(&g)) || words(&g).contains(&words(&p))
}

fn period_days(iso: &str) -> Option<(u32, u32)> {
    // (months, days): months for M/Y, days for D/W; business days apart.
    let p = entente_domain::Period::parse(iso).ok()?;
    use entente_domain::PeriodUnit::*;
    Some(match p.unit() {
        Days => (0, p.count()),
        Weeks => (0, p.count() * 7),
        Months => (p.count(), 0),
        Years => (p.count() * 12, 0),
        // The corpora store business-day periods as days (flagged where it matters).
        BusinessDays => (0, p.count()),
    })
}

fn period_eq(a: &str, b: &str) -> bool {
    match (period_days(a), period_days(b)) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}

// ---------- scoring one document ----------

pub(crate) type Scores = BTreeMap<String, Counts>;

fn bump(s: &mut Scores, name: &str, c: Counts) {
    s.entry(name.to_owned()).or_default().add(c);
}

/// Single-valued prediction against a gold set; `None` gold = not labelled.
fn score_single(
    pred: Option<&str>,
    gold: Option<&[String]>,
    eq: &dyn Fn(&str, &str) -> bool,
) -> Option<Counts> {
    let gold = gold?;
    let mut c = Counts::default();
    match (pred, gold.is_empty()) {
        (None, true) => {}
        (None, false) => c.fn_ = 1,
        (Some(_), true) => c.fp = 1,
        (Some(p), false) => {
            if gold.iter().any(|g| eq(p, g)) {
                c.tp = 1;
            } else {
                c.fp = 1;
                c.fn_ = 1;
            }
        }
    }
    Some(c)
}

fn gold_dates(g: &Value) -> Option<Vec<String>> {
    if g.is_null() {
        return None;
    }
    let raw = g["answer_raw"].as_str().unwrap_or("");
    let has = g["has_clause"].as_bool().unwrap_or(!raw.is_empty());
    let dates = g["dates"].as_array().cloned().unwrap_or_default();
    if raw.trim().is_empty() && has && dates.is_empty() {
        return None; // marked but not normalised: not labelled
    }
    let mut out = Vec::new();
    for d in &dates {
        if d["complete"].as_bool() == Some(false) {
            return None; // partial/redacted: cannot be matched exactly
        }
        if let Some(iso) = d["iso"].as_str() {
            out.push(iso.to_owned());
        } else {
            return None;
        }
    }
    Some(out)
}

fn gold_periods(g: &Value, key: &str) -> Option<Vec<String>> {
    if g.is_null() {
        return None;
    }
    let raw = g["answer_raw"].as_str().unwrap_or("");
    let has = g["has_clause"].as_bool().unwrap_or(!raw.is_empty());
    let items = g[key].as_array().cloned().unwrap_or_default();
    if items.is_empty() && has && (raw.trim().is_empty() || raw.contains("[]")) {
        return None;
    }
    let out: Vec<String> = items
        .iter()
        .filter_map(|x| x["iso"].as_str().map(str::to_owned))
        .collect();
    if out.is_empty() && !items.is_empty() {
        return None;
    }
    Some(out)
}

fn str_at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    let mut cur = v;
    for p in path {
        cur = &cur[*p];
    }
    cur.as_str()
}

/// Scores one analysis against one gold line.
pub(crate) fn score_doc(
    a: &Analysis,
    gold: &Value,
    cats: &[String],
    s: &mut Scores,
    values: &mut Vec<(String, f32, bool)>,
) {
    let j = a.to_json();
    let conf = |v: &Value| v["confidence"].as_f64().unwrap_or(0.0) as f32;
    // ENTENTE_EVAL_MISSES=1 prints every wrong or missed field value to stderr, one line
    // each (document, field, predicted, gold), for studying the rules' misses.
    let misses = std::env::var_os("ENTENTE_EVAL_MISSES").is_some();
    let id = gold["id"].as_str().unwrap_or("?");
    let miss = |field: &str, c: Counts, pred: &dyn std::fmt::Debug, want: &dyn std::fmt::Debug| {
        if misses && (c.fp > 0 || c.fn_ > 0) {
            eprintln!("MISS\t{id}\t{field}\t{pred:?}\t{want:?}");
        }
    };
    let mut note = |field: &str, v: &Value, c: Counts| {
        if c.tp + c.fp > 0 {
            values.push((field.to_owned(), conf(v), c.tp > 0));
        }
    };
    // Dates.
    for (field, key) in [
        ("agreement_date", "agreement_date"),
        ("effective_date", "effective_date"),
        ("expiration_date", "expiration_date"),
    ] {
        let g = gold_dates(&gold[key]);
        let p = str_at(&j, &[key, "value"]);
        if let Some(c) = score_single(p, g.as_deref(), &|x, y| x == y) {
            miss(field, c, &p, &g);
            note(field, &j[key], c);
            bump(s, field, c);
        }
    }
    // Periods.
    let renewal_gold = gold_periods(&gold["renewal_term"], "terms");
    let p = str_at(&j, &["renewal", "value", "term"]);
    if let Some(c) = score_single(p, renewal_gold.as_deref(), &period_eq) {
        miss("renewal_term", c, &p, &renewal_gold);
        note("renewal_term", &j["renewal"], c);
        bump(s, "renewal_term", c);
    }
    let notice_gold = gold_periods(&gold["notice_period_to_terminate_renewal"], "periods");
    let p = str_at(&j, &["notice_period_to_terminate_renewal", "value"]);
    if let Some(c) = score_single(p, notice_gold.as_deref(), &period_eq) {
        miss("notice_period_to_terminate_renewal", c, &p, &notice_gold);
        note(
            "notice_period_to_terminate_renewal",
            &j["notice_period_to_terminate_renewal"],
            c,
        );
        bump(s, "notice_period_to_terminate_renewal", c);
    }
    // Governing law.
    let g = &gold["governing_law"];
    if !g.is_null() {
        let list: Vec<String> = g["jurisdictions"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        let raw = g["answer_raw"].as_str().unwrap_or("");
        let unlabelled =
            list.is_empty() && g["has_clause"].as_bool() == Some(true) && !raw.is_empty();
        if !unlabelled {
            let p = str_at(&j, &["governing_law", "value"]);
            if let Some(c) = score_single(p, Some(&list), &law_match) {
                miss("governing_law", c, &p, &list);
                note("governing_law", &j["governing_law"], c);
                bump(s, "governing_law", c);
            }
        }
    }
    // Parties.
    if let Some(gp) = gold["parties"]["parties"].as_array()
        && !gp.is_empty()
    {
        let golds: Vec<Vec<String>> = gp
            .iter()
            .map(|p| {
                let mut v: Vec<String> = Vec::new();
                if let Some(n) = p["name"].as_str() {
                    v.push(norm_name(n));
                }
                for al in p["aliases"].as_array().into_iter().flatten() {
                    if let Some(x) = al.as_str() {
                        v.push(norm_name(x));
                    }
                }
                v.retain(|x| !x.is_empty());
                v
            })
            .collect();
        let pred_json: Vec<&Value> = j["parties"].as_array().into_iter().flatten().collect();
        let preds: Vec<Vec<String>> = pred_json
            .iter()
            .map(|p| {
                let mut v = vec![norm_name(p["name"].as_str().unwrap_or(""))];
                for al in p["aliases"].as_array().into_iter().flatten() {
                    if let Some(x) = al.as_str() {
                        v.push(norm_name(x));
                    }
                }
                v.retain(|x| !x.is_empty());
                v
            })
            .collect();
        let mut used = vec![false; golds.len()];
        let mut c = Counts::default();
        for (pi, p) in preds.iter().enumerate() {
            // Match on the legal name first, then on aliases.
            let hit = golds
                .iter()
                .enumerate()
                .position(|(i, g)| !used[i] && g.first().is_some_and(|gn| p.first() == Some(gn)))
                .or_else(|| {
                    golds
                        .iter()
                        .enumerate()
                        .position(|(i, g)| !used[i] && p.iter().any(|x| g.contains(x)))
                });
            let one = match hit {
                Some(i) => {
                    used[i] = true;
                    Counts {
                        tp: 1,
                        fp: 0,
                        fn_: 0,
                    }
                }
                None => Counts {
                    tp: 0,
                    fp: 1,
                    fn_: 0,
                },
            };
            if let Some(v) = pred_json.get(pi) {
                note("parties", v, one);
            }
            c.add(one);
        }
        c.fn_ = used.iter().filter(|u| !**u).count() as u32;
        miss("parties", c, &preds, &golds);
        bump(s, "parties", c);
    }
    // Clause categories.
    let present = a.categories_present();
    for cat in cats {
        let g = &gold["clauses"][cat.as_str()]["present"];
        let Some(gv) = g.as_bool() else { continue };
        let pv = present.contains(&cat.as_str());
        let c = Counts {
            tp: u32::from(gv && pv),
            fp: u32::from(!gv && pv),
            fn_: u32::from(gv && !pv),
        };
        let field = format!("clause:{cat}");
        miss(&field, c, &pv, &gv);
        bump(s, &field, c);
    }
    score_extras(&j, gold, s);
}

fn presence(pred: bool, gold: bool, ok: bool) -> Counts {
    match (pred, gold) {
        (true, true) if ok => Counts {
            tp: 1,
            fp: 0,
            fn_: 0,
        },
        (true, true) => Counts {
            tp: 0,
            fp: 1,
            fn_: 1,
        },
        (true, false) => Counts {
            tp: 0,
            fp: 1,
            fn_: 0,
        },
        (false, true) => Counts {
            tp: 0,
            fp: 0,
            fn_: 1,
        },
        (false, false) => Counts::default(),
    }
}

fn tokens(s: &str) -> Vec<String> {
    s.to_ascii_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() > 2)
        .map(str::to_owned)
        .collect()
}

fn ip_rules(s: &str) -> Vec<&'static str> {
    let l = s.to_ascii_lowercase();
    let mut v = Vec::new();
    if l.contains("background") || l.contains("pre-existing") {
        v.push("background");
    }
    if l.contains("joint") {
        v.push("joint");
    }
    if l.contains("develop") || l.contains("creat") {
        v.push("developer");
    }
    if l.contains("assign") {
        v.push("assigned");
    }
    if l.contains("owned by") || l.contains("owns") && !l.contains("develop") {
        v.push("owned_by");
    }
    v
}

/// Fields only Entente's own corpus labels.
fn score_extras(j: &Value, gold: &Value, s: &mut Scores) {
    let obj = gold.as_object();
    let has = |k: &str| obj.is_some_and(|o| o.contains_key(k));
    if has("initial_term") {
        let g = gold["initial_term"]["iso"].as_str();
        let p = str_at(j, &["initial_term", "value"]);
        let c = presence(
            p.is_some(),
            g.is_some(),
            matches!((p, g), (Some(a), Some(b)) if period_eq(a, b)),
        );
        bump(s, "initial_term", c);
    }
    if has("termination_for_convenience") {
        let g = &gold["termination_for_convenience"];
        let p = &j["termination_for_convenience"]["value"];
        let ok = match (p["notice"].as_str(), g["notice_iso"].as_str()) {
            (Some(a), Some(b)) => period_eq(a, b),
            (None, None) => true,
            _ => false,
        };
        bump(
            s,
            "termination_for_convenience",
            presence(!p.is_null(), !g.is_null(), ok),
        );
    }
    if has("cure_period") {
        let g = gold["cure_period"]["iso"].as_str();
        let p = str_at(j, &["cure_period", "value"]);
        bump(
            s,
            "cure_period",
            presence(
                p.is_some(),
                g.is_some(),
                matches!((p, g), (Some(a), Some(b)) if period_eq(a, b)),
            ),
        );
    }
    if has("venue") {
        let g = gold["venue"]["value"].as_str();
        let p = str_at(j, &["venue", "value"]);
        let ok = matches!((p, g), (Some(a), Some(b)) if {
            let (a, b) = (a.to_ascii_lowercase(), b.to_ascii_lowercase());
            a == b || a.contains(&b) || b.contains(&a) || b.split(',').next().is_some_and(|city| a.contains(city.trim()))
        });
        bump(s, "venue", presence(p.is_some(), g.is_some(), ok));
    }
    if has("liability_cap") {
        let g = &gold["liability_cap"];
        let p = &j["liability_cap"]["value"];
        let ok = !p.is_null()
            && !g.is_null()
            && p["kind"] == g["kind"]
            && match g["kind"].as_str() {
                Some("amount") => {
                    let pa = p["amount"].as_str().and_then(|x| x.parse::<f64>().ok());
                    let ga = g["amount"]
                        .as_str()
                        .map(str::to_owned)
                        .or_else(|| g["amount"].as_f64().map(|x| x.to_string()))
                        .and_then(|x| x.parse::<f64>().ok());
                    pa.is_some() && pa == ga && p["currency"] == g["currency"]
                }
                Some("formula") => {
                    let gt = tokens(g["text"].as_str().unwrap_or(""));
                    let pt = tokens(p["text"].as_str().unwrap_or(""));
                    let hit = gt.iter().filter(|w| pt.contains(w)).count();
                    !gt.is_empty() && hit * 2 >= gt.len()
                }
                _ => true,
            };
        bump(s, "liability_cap", presence(!p.is_null(), !g.is_null(), ok));
    }
    if has("excluded_damages") {
        let g: Vec<String> = gold["excluded_damages"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        let p: Vec<String> = j["excluded_damages"]["value"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        let tp = p.iter().filter(|x| g.contains(x)).count() as u32;
        bump(
            s,
            "excluded_damages",
            Counts {
                tp,
                fp: p.len() as u32 - tp,
                fn_: g.len() as u32 - tp,
            },
        );
    }
    if has("indemnity") {
        let g = &gold["indemnity"];
        let p = &j["indemnity"]["value"];
        let ok = p["kind"] == g["kind"];
        bump(s, "indemnity", presence(!p.is_null(), !g.is_null(), ok));
    }
    if has("confidentiality") {
        let g = &gold["confidentiality"];
        let p = &j["confidentiality"]["value"];
        let ok = match g["duration_iso"].as_str() {
            Some(d) => p["duration"].as_str().is_some_and(|x| period_eq(x, d)),
            None => {
                p["duration"].is_null()
                    && (g["survives"].is_null() || p["survives"] == g["survives"])
            }
        };
        bump(
            s,
            "confidentiality",
            presence(!p.is_null(), !g.is_null(), ok),
        );
    }
    if has("ip_ownership") {
        let g = gold["ip_ownership"].as_str();
        let p = str_at(j, &["ip_ownership", "value"]);
        let ok = matches!((p, g), (Some(a), Some(b)) if {
            let (ra, rb) = (ip_rules(a), ip_rules(b));
            let hit = rb.iter().filter(|x| ra.contains(x)).count();
            !rb.is_empty() && hit * 2 >= rb.len()
        });
        bump(s, "ip_ownership", presence(p.is_some(), g.is_some(), ok));
    }
    if has("dispute_resolution") {
        let g = &gold["dispute_resolution"];
        let p = &j["dispute_resolution"]["value"];
        let gt: Vec<&str> = g["tiers"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let pt: Vec<&str> = p["tiers"]
            .as_array()
            .map(|a| a.iter().filter_map(|t| t["kind"].as_str()).collect())
            .unwrap_or_default();
        let mut ok = gt == pt;
        for (tier, key) in [
            ("negotiation", "negotiation_iso"),
            ("mediation", "mediation_iso"),
        ] {
            if let Some(iso) = g[key].as_str() {
                let pp = p["tiers"]
                    .as_array()
                    .and_then(|a| a.iter().find(|t| t["kind"] == tier))
                    .and_then(|t| t["period"].as_str());
                ok &= pp.is_some_and(|x| period_eq(x, iso));
            }
        }
        bump(
            s,
            "dispute_resolution",
            presence(
                !p.is_null() && !pt.is_empty(),
                !g.is_null() && !gt.is_empty(),
                ok,
            ),
        );
    }
    if has("termination_fee") {
        let g = &gold["termination_fee"];
        let p = &j["termination_fee"]["value"];
        let ok = g["kind"].is_null() || p["kind"] == g["kind"];
        bump(
            s,
            "termination_fee",
            presence(!p.is_null(), !g.is_null(), ok),
        );
    }
    if let Some(golds) = gold["obligations"].as_array() {
        let preds: Vec<&Value> = j["obligations"]
            .as_array()
            .map(|a| a.iter().collect())
            .unwrap_or_default();
        let norm = |x: &str| crate::text::squash(x).to_ascii_lowercase();
        for g in golds {
            let needle = norm(g["action_contains"].as_str().unwrap_or(""));
            let found = preds
                .iter()
                .find(|p| norm(p["text"].as_str().unwrap_or("")).contains(&needle));
            let Some(p) = found else {
                bump(
                    s,
                    "obligations",
                    Counts {
                        tp: 0,
                        fp: 0,
                        fn_: 1,
                    },
                );
                continue;
            };
            bump(
                s,
                "obligations",
                Counts {
                    tp: 1,
                    fp: 0,
                    fn_: 0,
                },
            );
            let go = g["obligor"].as_str().unwrap_or("");
            let po = p["obligor"].as_str().unwrap_or("");
            let ob_ok = go.eq_ignore_ascii_case(po) || norm_name(go) == norm_name(po);
            bump(s, "obligations.obligor", presence(true, true, ob_ok));
            let gk = g["timing"]["kind"].as_str().unwrap_or("none");
            let pk = p["timing"]["kind"].as_str().unwrap_or("none");
            let mut t_ok = gk == pk;
            if t_ok && gk == "within" {
                t_ok = g["timing"]["iso"].as_str().is_none_or(|iso| {
                    let iso = if g["timing"]["business_days"].as_bool() == Some(true)
                        && iso.ends_with('D')
                        && !iso.ends_with("BD")
                    {
                        format!("{}BD", &iso[..iso.len() - 1])
                    } else {
                        iso.to_owned()
                    };
                    p["timing"]["period"]
                        .as_str()
                        .is_some_and(|x| period_eq(x, &iso))
                });
            }
            if t_ok && gk == "recurring" {
                t_ok = g["timing"]["frequency"]
                    .as_str()
                    .is_none_or(|f| p["timing"]["frequency"].as_str() == Some(f));
            }
            bump(s, "obligations.timing", presence(true, true, t_ok));
            let gth = !g["threshold"].is_null();
            let pth = !p["threshold"].is_null();
            if gth || pth {
                bump(s, "obligations.threshold", presence(pth, gth, true));
            }
            let gv = g["vague"].as_bool().unwrap_or(false);
            let pv = p["vague"].as_bool().unwrap_or(false);
            bump(s, "obligations.vague", presence(pv, gv, true));
        }
    }
}

/// The 33 labelled clause categories of the gold schema, sorted: a JSON object's key order
/// depends on serde_json's features, which a workspace build unifies differently from a
/// single crate's, and training (hence the committed model) must not.
pub(crate) fn categories_of(golds: &[Value]) -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    for g in golds {
        if let Some(o) = g["clauses"].as_object() {
            for k in o.keys() {
                if !v.contains(k) {
                    v.push(k.clone());
                }
            }
        }
    }
    v.sort();
    v
}

pub(crate) fn read(path: &Path) -> Result<Vec<u8>, EvalError> {
    std::fs::read(path).map_err(|e| EvalError::Io {
        path: path.to_owned(),
        message: e.to_string(),
    })
}

fn finish(
    corpus: &str,
    documents: u32,
    s: &Scores,
    variants: Vec<VariantScore>,
    errors: Vec<String>,
    values: &[(String, f32, bool)],
) -> EvalReport {
    let mut fields = Vec::new();
    let mut categories = Vec::new();
    for (k, c) in s {
        if let Some(cat) = k.strip_prefix("clause:") {
            categories.push(Score::finish(cat, *c));
        } else {
            fields.push(Score::finish(k, *c));
        }
    }
    let order = [
        "parties",
        "agreement_date",
        "effective_date",
        "expiration_date",
        "initial_term",
        "renewal_term",
        "notice_period_to_terminate_renewal",
        "termination_for_convenience",
        "cure_period",
        "governing_law",
        "venue",
        "liability_cap",
        "excluded_damages",
        "indemnity",
        "confidentiality",
        "ip_ownership",
        "dispute_resolution",
        "termination_fee",
        "obligations",
        "obligations.obligor",
        "obligations.timing",
        "obligations.threshold",
        "obligations.vague",
    ];
    fields.sort_by_key(|f| order.iter().position(|o| *o == f.name).unwrap_or(99));
    let macro_f1 = if categories.is_empty() {
        0.0
    } else {
        categories.iter().map(|c| c.f1).sum::<f64>() / categories.len() as f64
    };
    // Overall: value fields + categories (obligation attribute rows are diagnostics).
    let main: Vec<f64> = fields
        .iter()
        .filter(|f| !f.name.starts_with("obligations."))
        .map(|f| f.f1)
        .collect();
    let n = main.len() + usize::from(!categories.is_empty());
    let overall = if n == 0 {
        0.0
    } else {
        (main.iter().sum::<f64>() + if categories.is_empty() { 0.0 } else { macro_f1 }) / n as f64
    };
    EvalReport {
        corpus: corpus.to_owned(),
        documents,
        fields,
        categories,
        categories_macro_f1: macro_f1,
        overall_f1: overall,
        variants,
        errors,
        reliability: reliability(values),
    }
}

fn key_values(a: &Analysis) -> Vec<String> {
    let j = a.to_json();
    let mut v = Vec::new();
    for k in [
        "agreement_date",
        "effective_date",
        "expiration_date",
        "initial_term",
        "notice_period_to_terminate_renewal",
        "governing_law",
        "venue",
        "cure_period",
    ] {
        v.push(format!("{k}={}", j[k]["value"]));
    }
    v.push(format!("renewal={}", j["renewal"]["value"]));
    v.push(format!("tfc={}", j["termination_for_convenience"]["value"]));
    v.push(format!("cap={}", j["liability_cap"]["value"]));
    let mut names: Vec<String> = j["parties"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| norm_name(p["name"].as_str().unwrap_or("")))
        .collect();
    names.sort();
    v.push(format!("parties={names:?}"));
    v.push(format!("categories={:?}", a.categories_present()));
    v
}

/// Reads and parses `dir/gold.jsonl`.
pub(crate) fn read_gold(dir: &Path) -> Result<Vec<Value>, EvalError> {
    let gold_path = dir.join("gold.jsonl");
    let raw = read(&gold_path)?;
    let text = String::from_utf8_lossy(&raw);
    let mut golds = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: Value = serde_json::from_str(line).map_err(|e| EvalError::Gold {
            path: gold_path.clone(),
            line: i + 1,
            message: e.to_string(),
        })?;
        golds.push(v);
    }
    Ok(golds)
}

/// Evaluates the corpus in `corpus_dir` (which holds gold.jsonl) with the committed model.
pub fn evaluate(corpus_dir: &Path) -> Result<EvalReport, EvalError> {
    evaluate_with(corpus_dir, Model::builtin())
}

/// Cross-validation on a labelled corpus: the agreements are dealt into `folds` groups
/// (the i-th to group i mod folds); each group is scored by a model trained on the others,
/// so every figure, the reliability table included, is on agreements its model did not
/// learn from. Variants (DOCX/PDF renderings) are not scored.
pub fn cross_validate(corpus_dir: &Path, folds: usize) -> Result<EvalReport, EvalError> {
    let folds = folds.max(2);
    let (cats, docs) = learn::prepare_corpus(corpus_dir)?;
    let mut scores = Scores::new();
    let mut values = Vec::new();
    // ENTENTE_EVAL_MISSES=1 also prints each wrong clause call: whether the rules found the
    // category, and the out-of-fold model's highest sentence probability with its byte span.
    let misses = std::env::var_os("ENTENTE_EVAL_MISSES").is_some();
    for fold in 0..folds {
        let train: Vec<&learn::Prepared> = docs
            .iter()
            .enumerate()
            .filter(|(i, _)| i % folds != fold)
            .map(|(_, d)| d)
            .collect();
        let m = learn::fit(&cats, &train);
        for (_, d) in docs.iter().enumerate().filter(|(i, _)| i % folds == fold) {
            for (k, c) in &d.fields {
                bump(&mut scores, k, *c);
            }
            for (f, raw, ok) in &d.values {
                values.push((f.clone(), m.calibrate(f, *raw), *ok));
            }
            let present = learn::doc_categories(&m, &cats, d);
            for (k, cat) in cats.iter().enumerate() {
                let Some(gv) = learn::gold_of(d, k) else {
                    continue;
                };
                let pv = present >> k & 1 == 1;
                let field = format!("clause:{cat}");
                if misses && pv != gv {
                    let (rule, p, (a, z)) = learn::explain(&m, d, k, cat);
                    eprintln!(
                        "MISS\t{}\t{field}\t{pv}\t{gv}\trules={rule}\tp={p:.2}\t{a}..{z}",
                        d.id
                    );
                }
                bump(
                    &mut scores,
                    &field,
                    Counts {
                        tp: u32::from(gv && pv),
                        fp: u32::from(!gv && pv),
                        fn_: u32::from(gv && !pv),
                    },
                );
            }
        }
    }
    Ok(finish(
        &format!("{} ({folds}-fold cross-validation)", corpus_dir.display()),
        docs.len() as u32,
        &scores,
        Vec::new(),
        Vec::new(),
        &values,
    ))
}

/// Evaluates the corpus in `corpus_dir` with a given model.
pub fn evaluate_with(corpus_dir: &Path, model: &Model) -> Result<EvalReport, EvalError> {
    let golds = read_gold(corpus_dir)?;
    let cats = categories_of(&golds);
    let limits = Limits::default();
    let mut scores = Scores::new();
    let mut errors = Vec::new();
    let mut documents = 0;
    let mut values = Vec::new();
    let mut by_format: BTreeMap<String, (u32, Scores, u32, u32)> = BTreeMap::new();
    for g in &golds {
        let Some(tf) = g["text_file"].as_str() else {
            errors.push(format!("{}: no text_file", g["id"]));
            continue;
        };
        let path = corpus_dir.join(tf);
        let bytes = read(&path)?;
        let a = match analyze_bytes_with(&bytes, tf, &limits, model) {
            Ok(a) => a,
            Err(e) => {
                errors.push(format!("{tf}: {e}"));
                continue;
            }
        };
        documents += 1;
        score_doc(&a, g, &cats, &mut scores, &mut values);
        let base = key_values(&a);
        for v in g["variants"].as_array().into_iter().flatten() {
            let Some(vf) = v
                .as_str()
                .or_else(|| v["file"].as_str())
                .or_else(|| v["path"].as_str())
            else {
                continue;
            };
            let fmt = Path::new(vf)
                .extension()
                .and_then(|e| e.to_str())
                .unwrap_or("?")
                .to_ascii_lowercase();
            let vb = read(&corpus_dir.join(vf))?;
            match analyze_bytes_with(&vb, vf, &limits, model) {
                Ok(va) => {
                    let e = by_format
                        .entry(fmt)
                        .or_insert_with(|| (0, Scores::new(), 0, 0));
                    e.0 += 1;
                    score_doc(&va, g, &cats, &mut e.1, &mut Vec::new());
                    let kv = key_values(&va);
                    e.2 += kv.iter().zip(base.iter()).filter(|(x, y)| x == y).count() as u32;
                    if std::env::var_os("ENTENTE_EVAL_DEBUG").is_some() {
                        for (x, y) in kv.iter().zip(base.iter()).filter(|(x, y)| x != y) {
                            eprintln!("{vf}: {x} != {y}");
                        }
                    }
                    e.3 += base.len() as u32;
                }
                Err(err) => errors.push(format!("{vf}: {err}")),
            }
        }
    }
    let variants = by_format
        .into_iter()
        .map(|(fmt, (n, s, same, total))| VariantScore {
            overall_f1: finish("", n, &s, Vec::new(), Vec::new(), &[]).overall_f1,
            format: fmt,
            documents: n,
            agreement_with_text: if total == 0 {
                0.0
            } else {
                f64::from(same) / f64::from(total)
            },
        })
        .collect();
    Ok(finish(
        &corpus_dir.display().to_string(),
        documents,
        &scores,
        variants,
        errors,
        &values,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_ignore_case_punctuation_and_suffixes() {
        assert_eq!(norm_name("ACME, Inc."), norm_name("Acme"));
        assert_eq!(norm_name("Beta L.L.C."), "beta");
        assert_eq!(
            norm_name("The Deerskin Companies, Inc."),
            "deerskin companies"
        );
    }

    #[test]
    fn law_and_periods_compare_by_meaning() {
        assert!(law_match("England and Wales", "England"));
        assert!(law_match("New York", "the State of New York"));
        assert!(!law_match("New York", "New Jersey"));
        assert!(law_match("British Columbia", "British Columbia, Canada"));
        assert!(!law_match("Delaware", "Ontario, Canada"));
        assert!(period_eq("P12M", "P1Y"));
        assert!(!period_eq("P30D", "P1M"));
    }
}
