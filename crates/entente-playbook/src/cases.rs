//! Labelled playbook test cases (an agreement or a clause, with the outcome expected per rule) and
//! per-rule precision and recall of any playbook on them (`entente check --measure DIR`).

use crate::model::Playbook;
use crate::report::Outcome;
use crate::subject::Subject;
use entente_domain::agreement::AgreementKind;
use serde::Serialize;
use std::fmt::Write as _;
use std::path::Path;

/// What a case expects of a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Expected {
    /// The position is met: the rule passes.
    Met,
    /// The position is not met: the rule fails.
    NotMet,
    /// The text does not let the rule decide.
    Undetermined,
}

impl Expected {
    /// "met", "not met" (or `not_met`, `not-met`), "undetermined".
    pub fn parse(s: &str) -> Option<Self> {
        match s
            .trim()
            .to_ascii_lowercase()
            .replace(['_', '-'], " ")
            .as_str()
        {
            "met" => Some(Self::Met),
            "not met" => Some(Self::NotMet),
            "undetermined" => Some(Self::Undetermined),
            _ => None,
        }
    }

    /// The stable text form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Met => "met",
            Self::NotMet => "not met",
            Self::Undetermined => "undetermined",
        }
    }

    /// Whether the reviewer must look: the position is not met or cannot be told.
    fn raises(self) -> bool {
        self != Self::Met
    }
}

/// One labelled case: a file whose front matter (TOML between `+++` lines) says what each rule
/// should conclude about the text that follows.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    /// The file name.
    pub name: String,
    /// What the case is about.
    pub title: Option<String>,
    /// The agreement kind to check it as (default: analysis's guess).
    pub kind: Option<AgreementKind>,
    /// Our own legal entities, for rules about "us".
    pub us: Vec<String>,
    /// Whether the parties compete (`competing`, `markets`, `combined_share`), as a person
    /// would enter it for the agreement.
    pub competitors: Option<entente_domain::competition::CompetitorContext>,
    /// Rule id, expected outcome, and the line of the front matter that says so.
    pub expect: Vec<(String, Expected, usize)>,
    /// The agreement or clause.
    pub text: String,
}

/// A case file that cannot be read, with where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct CaseError {
    /// The file.
    pub file: String,
    /// The line (1-based; 0 when the whole file).
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

fn err(file: &str, line: usize, message: impl Into<String>) -> CaseError {
    CaseError {
        file: file.to_owned(),
        line,
        message: message.into(),
    }
}

/// Flattens `exit.termination-right = "met"` (which TOML reads as nested tables) back to rule ids.
fn flatten(prefix: &str, t: &toml::Table, out: &mut Vec<(String, String)>) -> Result<(), String> {
    for (k, v) in t {
        let id = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            toml::Value::String(s) => out.push((id, s.clone())),
            toml::Value::Table(inner) => flatten(&id, inner, out)?,
            other => {
                return Err(format!(
                    "`{id}` must be \"met\", \"not met\" or \"undetermined\", not {other}"
                ));
            }
        }
    }
    Ok(())
}

/// Reads one case file.
pub fn parse_case(name: &str, source: &str) -> Result<Case, CaseError> {
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    let mut lines = source.split_inclusive('\n');
    if lines.next().map(str::trim) != Some("+++") {
        return Err(err(
            name,
            1,
            "a case starts with a `+++` line, then its front matter (title, kind, us, [expect]), then `+++` and the text",
        ));
    }
    let mut front = String::new();
    let mut consumed = 1usize;
    let mut closed = false;
    for l in lines.by_ref() {
        consumed += 1;
        if l.trim() == "+++" {
            closed = true;
            break;
        }
        front.push_str(l);
    }
    if !closed {
        return Err(err(
            name,
            1,
            "the front matter is not closed by a `+++` line",
        ));
    }
    let text: String = lines.collect();
    if text.trim().is_empty() {
        return Err(err(
            name,
            consumed,
            "the case has no text after its front matter",
        ));
    }
    // Lines of the front matter start at file line 2.
    let line_of = |offset: usize| 2 + front[..offset.min(front.len())].matches('\n').count();
    let table: toml::Table = front.parse().map_err(|e: toml::de::Error| {
        let line = e.span().map_or(2, |s| line_of(s.start));
        err(name, line, e.message().to_owned())
    })?;
    let key_line = |key: &str| front.find(key).map_or(2, line_of);
    let mut case = Case {
        name: name.to_owned(),
        title: None,
        kind: None,
        us: Vec::new(),
        competitors: None,
        expect: Vec::new(),
        text,
    };
    let mut rivalry = entente_domain::competition::CompetitorInput::default();
    for (k, v) in &table {
        match (k.as_str(), v) {
            ("title", toml::Value::String(s)) => case.title = Some(s.clone()),
            ("kind", toml::Value::String(s)) => {
                case.kind =
                    Some(AgreementKind::parse(s).map_err(|e| {
                        err(name, key_line("kind"), format!("`kind`: {}", e.message))
                    })?);
            }
            ("us", toml::Value::Array(a)) => {
                for x in a {
                    match x.as_str() {
                        Some(s) => case.us.push(s.to_owned()),
                        None => return Err(err(name, key_line("us"), "`us` is a list of names")),
                    }
                }
            }
            ("us", toml::Value::String(s)) => case.us.push(s.clone()),
            ("competing", toml::Value::String(s)) => rivalry.competing = Some(s.clone()),
            ("markets", toml::Value::Array(a)) => {
                for x in a {
                    match x.as_str() {
                        Some(s) => rivalry.markets.push(s.to_owned()),
                        None => {
                            return Err(err(
                                name,
                                key_line("markets"),
                                "`markets` is a list of market names",
                            ));
                        }
                    }
                }
            }
            ("combined_share", toml::Value::Integer(n)) => rivalry.combined_share = Some(*n as f64),
            ("combined_share", toml::Value::Float(n)) => rivalry.combined_share = Some(*n),
            ("expect", toml::Value::Table(t)) => {
                let mut pairs = Vec::new();
                flatten("", t, &mut pairs).map_err(|m| err(name, key_line("[expect]"), m))?;
                for (id, value) in pairs {
                    let line = key_line(&id);
                    let e = Expected::parse(&value).ok_or_else(|| {
                        err(
                            name,
                            line,
                            format!(
                                "`{id}`: unknown outcome {value:?} (use \"met\", \"not met\" or \"undetermined\")"
                            ),
                        )
                    })?;
                    case.expect.push((id, e, line));
                }
            }
            ("title" | "kind" | "expect" | "competing" | "markets" | "combined_share", _) => {
                return Err(err(name, key_line(k), format!("`{k}` has the wrong type")));
            }
            _ => {
                return Err(err(
                    name,
                    key_line(k),
                    format!(
                        "unknown key `{k}` (a case has title, kind, us, competing, markets, combined_share and [expect])"
                    ),
                ));
            }
        }
    }
    if rivalry != entente_domain::competition::CompetitorInput::default() {
        let at = key_line("competing");
        case.competitors = Some(
            entente_domain::competition::CompetitorContext::try_from(rivalry)
                .map_err(|e| err(name, at, e.to_string()))?,
        );
    }
    if case.expect.is_empty() {
        return Err(err(
            name,
            2,
            "the case expects nothing: add an [expect] table (rule id = \"met\" / \"not met\" / \"undetermined\")",
        ));
    }
    case.expect.sort_by_key(|e| e.2);
    Ok(case)
}

/// Reads every `.txt` and `.md` case of `dir`, in file-name order.
pub fn load_cases(dir: &Path) -> Result<Vec<Case>, CaseError> {
    let shown = dir.display().to_string();
    let rd = std::fs::read_dir(dir).map_err(|e| err(&shown, 0, format!("cannot read: {e}")))?;
    let mut paths: Vec<_> = rd
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.is_file()
                && p.extension()
                    .and_then(|x| x.to_str())
                    .is_some_and(|x| x == "txt" || x == "md")
        })
        .collect();
    paths.sort();
    let mut out = Vec::new();
    for p in paths {
        let name = p.file_name().map_or_else(
            || p.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        let src = std::fs::read_to_string(&p)
            .map_err(|e| err(&p.display().to_string(), 0, format!("cannot read: {e}")))?;
        out.push(parse_case(&name, &src)?);
    }
    if out.is_empty() {
        return Err(err(&shown, 0, "no case files (.txt or .md) in this folder"));
    }
    Ok(out)
}

/// How one case came out for one rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseOutcome {
    /// The case file.
    pub case: String,
    /// What it expects.
    pub expected: Expected,
    /// What the rule concluded.
    pub got: Outcome,
}

/// Precision and recall of one rule. A rule *raises* a case when it fails or cannot decide
/// (either way the reviewer must read the clause); a case expects that when its label is "not
/// met" or "undetermined".
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleMeasure {
    /// The rule.
    pub rule_id: String,
    /// Cases labelled for it.
    pub cases: usize,
    /// Raised and expected.
    pub true_positives: usize,
    /// Raised, expected met.
    pub false_positives: usize,
    /// Expected, not raised.
    pub false_negatives: usize,
    /// Neither.
    pub true_negatives: usize,
    /// TP / (TP + FP); 1 when nothing was raised.
    pub precision: f64,
    /// TP / (TP + FN); 1 when nothing is expected.
    pub recall: f64,
    /// Cases whose outcome is exactly the one expected.
    pub exact: usize,
    /// The cases whose outcome differs from the label.
    pub wrong: Vec<CaseOutcome>,
}

/// A case labels a rule the playbook does not have.
fn unknown_rule(p: &Playbook, case: &Case, id: &str, line: usize) -> CaseError {
    let near = p
        .rules
        .iter()
        .map(|r| r.id.as_str())
        .min_by_key(|r| strsim(r, id));
    let hint = near
        .filter(|n| strsim(n, id) <= 3)
        .map(|n| format!(" (did you mean {n:?}?)"))
        .unwrap_or_default();
    err(
        &case.name,
        line,
        format!("playbook {} has no rule {id:?}{hint}", p.id),
    )
}

/// Edit distance, for "did you mean".
fn strsim(a: &str, b: &str) -> usize {
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

/// Checks every case against `playbook` and measures each rule the cases label (rules no case
/// labels are listed with no cases). A label naming a rule the playbook lacks is an error.
pub fn measure_cases(p: &Playbook, cases: &[Case]) -> Result<Vec<RuleMeasure>, CaseError> {
    let mut by_rule: Vec<RuleMeasure> = p
        .rules
        .iter()
        .map(|r| RuleMeasure {
            rule_id: r.id.clone(),
            cases: 0,
            true_positives: 0,
            false_positives: 0,
            false_negatives: 0,
            true_negatives: 0,
            precision: 1.0,
            recall: 1.0,
            exact: 0,
            wrong: Vec::new(),
        })
        .collect();
    for case in cases {
        for (id, _, line) in &case.expect {
            if p.rule(id).is_none() {
                return Err(unknown_rule(p, case, id, *line));
            }
        }
        let analysis = entente_analysis::analyze_text(&case.text);
        let mut subject = Subject::from_analysis(&analysis);
        if let Some(k) = case.kind {
            subject.kind = k;
        }
        subject.set_us(&case.us);
        subject.competitors = case.competitors.clone();
        let report = crate::check(p, &subject);
        for (id, expected, _) in &case.expect {
            let got = report
                .rules
                .iter()
                .find(|r| &r.rule_id == id)
                .map_or(Outcome::Skipped, |r| r.outcome);
            let Some(m) = by_rule.iter_mut().find(|m| &m.rule_id == id) else {
                continue;
            };
            m.cases += 1;
            let raised = matches!(got, Outcome::Failed | Outcome::Undetermined);
            match (expected.raises(), raised) {
                (true, true) => m.true_positives += 1,
                (false, true) => m.false_positives += 1,
                (true, false) => m.false_negatives += 1,
                (false, false) => m.true_negatives += 1,
            }
            // A rule that does not apply (its `when` fails, or it is off for the kind) asks
            // nothing of the agreement: its position is met.
            let exact = matches!(
                (expected, got),
                (Expected::Met, Outcome::Passed | Outcome::Skipped)
                    | (Expected::NotMet, Outcome::Failed)
                    | (Expected::Undetermined, Outcome::Undetermined)
            );
            if exact {
                m.exact += 1;
            } else {
                m.wrong.push(CaseOutcome {
                    case: case.name.clone(),
                    expected: *expected,
                    got,
                });
            }
        }
    }
    for m in &mut by_rule {
        let raised = m.true_positives + m.false_positives;
        let expected = m.true_positives + m.false_negatives;
        if raised > 0 {
            m.precision = m.true_positives as f64 / raised as f64;
        }
        if expected > 0 {
            m.recall = m.true_positives as f64 / expected as f64;
        }
    }
    Ok(by_rule)
}

/// A plain-text table of the measures, then every case whose outcome differs from its label.
pub fn rule_table(measures: &[RuleMeasure]) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{:<36} {:>5} {:>3} {:>3} {:>3} {:>3} {:>9} {:>7} {:>6}",
        "rule", "cases", "TP", "FP", "FN", "TN", "precision", "recall", "exact"
    );
    for m in measures {
        if m.cases == 0 {
            let _ = writeln!(o, "{:<36} {:>5}   (no labelled case)", m.rule_id, 0);
            continue;
        }
        let _ = writeln!(
            o,
            "{:<36} {:>5} {:>3} {:>3} {:>3} {:>3} {:>9.2} {:>7.2} {:>6}",
            m.rule_id,
            m.cases,
            m.true_positives,
            m.false_positives,
            m.false_negatives,
            m.true_negatives,
            m.precision,
            m.recall,
            format!("{}/{}", m.exact, m.cases)
        );
    }
    for m in measures {
        for w in &m.wrong {
            let _ = writeln!(
                o,
                "  {}: {} expected {}, got {}",
                m.rule_id,
                w.case,
                w.expected.as_str(),
                w.got.as_str()
            );
        }
    }
    o
}

/// The measures as a Markdown table (for docs and review tickets).
pub fn rule_table_markdown(measures: &[RuleMeasure]) -> String {
    let mut o =
        String::from("| rule | cases | precision | recall | exact |\n|---|---:|---:|---:|---:|\n");
    for m in measures.iter().filter(|m| m.cases > 0) {
        let _ = writeln!(
            o,
            "| `{}` | {} | {:.2} | {:.2} | {}/{} |",
            m.rule_id, m.cases, m.precision, m.recall, m.exact, m.cases
        );
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_case_reads_its_front_matter_and_flattens_rule_ids() {
        let c = parse_case(
            "a.txt",
            "+++\ntitle = \"t\"\nkind = \"research\"\nus = [\"Acme\"]\n[expect]\nexit.termination-right = \"met\"\n\"risk.exclusions\" = \"not met\"\n+++\nThe text.\n",
        )
        .unwrap();
        assert_eq!(c.kind, Some(AgreementKind::Research));
        assert_eq!(c.us, ["Acme"]);
        assert_eq!(
            c.expect,
            [
                ("exit.termination-right".to_owned(), Expected::Met, 6),
                ("risk.exclusions".to_owned(), Expected::NotMet, 7)
            ]
        );
        assert_eq!(c.text, "The text.\n");
    }

    #[test]
    fn bad_cases_name_the_file_and_line() {
        let e = parse_case("b.txt", "+++\n[expect]\nx.y = \"maybe\"\n+++\nText.\n").unwrap_err();
        assert_eq!(e.line, 3, "{e}");
        assert!(e.to_string().contains("unknown outcome \"maybe\""), "{e}");
        let e = parse_case("c.txt", "Text without front matter.").unwrap_err();
        assert!(e.to_string().starts_with("c.txt:1:"), "{e}");
        let e = parse_case("d.txt", "+++\n[expect]\nx = \"met\"\n").unwrap_err();
        assert!(e.message.contains("not closed"), "{e}");
        let e = parse_case(
            "e.txt",
            "+++\ntitel = \"x\"\n[expect]\nx = \"met\"\n+++\nT.\n",
        )
        .unwrap_err();
        assert_eq!(
            (e.line, e.message.contains("unknown key `titel`")),
            (2, true)
        );
    }
}
