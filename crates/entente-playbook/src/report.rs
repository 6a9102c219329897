//! The result of a check: findings (rule, severity, clause and span or "missing", rationale,
//! suggested language), every rule's outcome, the risk score by blind spot; text and Markdown.

use crate::model::{BlindSpot, Playbook, Scoring, Severity};
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

/// The clause a finding concerns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ClauseRef {
    /// Position of the clause in the version (0-based).
    pub index: usize,
    /// Number as written ("10.2").
    pub number: Option<String>,
    /// Heading.
    pub heading: Option<String>,
}

impl ClauseRef {
    /// "§ 10.2 Limitation of Liability", or "clause 7" when it has no number.
    pub fn label(&self) -> String {
        let mut s = match &self.number {
            Some(n) => format!("§ {n}"),
            None => format!("clause {}", self.index + 1),
        };
        if let Some(h) = &self.heading {
            let h = h.split_whitespace().collect::<Vec<_>>().join(" ");
            if !h.is_empty() && self.number.as_deref() != Some(h.as_str()) {
                s.push(' ');
                s.push_str(&h);
            }
        }
        s
    }
}

/// A character span of the version's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TextSpan {
    /// Start (characters).
    pub start: usize,
    /// End (characters, exclusive).
    pub end: usize,
}

/// One way the agreement departs from the playbook.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Finding {
    /// The rule that failed.
    pub rule_id: String,
    /// Its kind.
    pub rule_kind: String,
    /// The blind spot it belongs to.
    pub blind_spot: BlindSpot,
    /// How much it matters.
    pub severity: Severity,
    /// The rule's position in one line.
    pub title: String,
    /// What was found (or not found) in this agreement.
    pub message: String,
    /// True when the finding is about something the agreement lacks.
    pub missing: bool,
    /// The clause concerned.
    pub clause: Option<ClauseRef>,
    /// The span concerned.
    pub span: Option<TextSpan>,
    /// The text of the span (shortened).
    pub excerpt: Option<String>,
    /// Why it matters.
    pub rationale: String,
    /// Preferred clause language.
    pub preferred: Option<String>,
    /// Acceptable fallback language.
    pub fallback: Option<String>,
    /// The rule could not be decided: `message` says what was looked for, the clause where.
    #[serde(default)]
    pub undetermined: bool,
    /// The law the position rests on (instrument and article), for regulatory rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_basis: Option<String>,
    /// How to read a regulatory finding: a screen for counsel, not legal advice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// What every regulatory finding says of itself.
pub const SCREEN_NOTE: &str = "A screen for counsel to review, not legal advice: whether the clause is lawful depends on the market, the parties and facts the text does not show.";

impl Finding {
    /// "§ 10.2 Limitation of Liability (chars 1200–1380)" or "missing".
    pub fn location(&self) -> String {
        match (&self.clause, &self.span) {
            (Some(c), Some(s)) => format!("{} (chars {}–{})", c.label(), s.start, s.end),
            (Some(c), None) => c.label(),
            (None, Some(s)) => format!("chars {}–{}", s.start, s.end),
            (None, None) if self.undetermined => "the whole text".into(),
            (None, None) if self.missing => "missing".into(),
            (None, None) => "entered by a person".into(),
        }
    }

    /// Where, for people: the clause (number and heading) without character offsets.
    pub fn place(&self) -> String {
        match (&self.clause, &self.span) {
            (Some(c), _) => c.label(),
            (None, Some(_)) => "in the text".into(),
            (None, None) if self.undetermined => "the whole text".into(),
            (None, None) if self.missing => "missing".into(),
            (None, None) => "entered by a person".into(),
        }
    }
}

/// How one rule came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Checked and satisfied.
    Passed,
    /// Checked and not satisfied (see the findings).
    Failed,
    /// Off for this kind of agreement, or its condition does not hold.
    Skipped,
    /// Could not be decided: what it needs was not found (never counted as met).
    Undetermined,
}

impl Outcome {
    /// The stable text form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Passed => "passed",
            Self::Failed => "failed",
            Self::Skipped => "skipped",
            Self::Undetermined => "undetermined",
        }
    }
}

/// A rule and its outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RuleResult {
    /// Rule id.
    pub rule_id: String,
    /// Blind spot.
    pub blind_spot: BlindSpot,
    /// Severity as applied.
    pub severity: Severity,
    /// Outcome.
    pub outcome: Outcome,
    /// The rule's position in one line.
    #[serde(default)]
    pub title: String,
    /// For a rule with tiers: the tier the agreement reached (`preferred`, `acceptable` or
    /// `walk_away`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<String>,
}

/// One blind spot's share of the risk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SpotScore {
    /// The blind spot.
    pub blind_spot: BlindSpot,
    /// 0–100: the points of its failed rules, saturating at 100.
    pub score: u32,
    /// Its weight in the agreement's score.
    pub weight: u32,
    /// Findings in it.
    pub findings: usize,
    /// Worst severity among them.
    pub worst: Option<Severity>,
    /// A failed rule at or above the playbook's `flag_at` severity belongs to it.
    pub flagged: bool,
    /// Ids of its failed rules.
    pub failed_rules: Vec<String>,
}

/// The agreement's risk: 0 (no finding) to 100, with its breakdown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RiskScore {
    /// Weighted mean of the blind spots' scores, 0–100.
    pub total: u32,
    /// Per blind spot, in display order.
    pub breakdown: Vec<SpotScore>,
}

impl RiskScore {
    /// Scores the failed rules (`(blind spot, severity, rule id, findings)`).
    pub fn compute(scoring: &Scoring, failed: &[(BlindSpot, Severity, String, usize)]) -> Self {
        let mut breakdown = Vec::new();
        let mut weighted = 0u64;
        let mut weights = 0u64;
        for spot in BlindSpot::ALL {
            let mine: Vec<_> = failed.iter().filter(|f| f.0 == spot).collect();
            let points: u32 = mine
                .iter()
                .map(|f| scoring.points.get(&f.1).copied().unwrap_or(0))
                .sum();
            let score = points.min(100);
            let weight = scoring.weights.get(&spot).copied().unwrap_or(0);
            weighted += u64::from(score) * u64::from(weight);
            weights += u64::from(weight);
            let worst = mine.iter().map(|f| f.1).max();
            breakdown.push(SpotScore {
                blind_spot: spot,
                score,
                weight,
                findings: mine.iter().map(|f| f.3).sum(),
                worst,
                flagged: worst.is_some_and(|w| w >= scoring.flag_at),
                failed_rules: mine.iter().map(|f| f.2.clone()).collect(),
            });
        }
        // Rounded to the nearest point; at most 100 because every score is. No weight: 0.
        let total = (weighted + weights / 2)
            .checked_div(weights)
            .map_or(0, |t| t as u32);
        // A grave finding is not averaged away by blind spots that are clean.
        let floor = failed
            .iter()
            .filter_map(|f| scoring.floor.get(&f.1).copied())
            .max()
            .unwrap_or(0);
        Self {
            total: total.max(floor).min(100),
            breakdown,
        }
    }

    /// A blind spot's entry.
    pub fn spot(&self, b: BlindSpot) -> Option<&SpotScore> {
        self.breakdown.iter().find(|s| s.blind_spot == b)
    }
}

/// Which playbook a report was made with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PlaybookRef {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Version.
    pub version: String,
    /// Playbooks it extends (`id@version`, nearest first).
    pub extends: Vec<String>,
}

impl From<&Playbook> for PlaybookRef {
    fn from(p: &Playbook) -> Self {
        Self {
            id: p.id.clone(),
            name: p.name.clone(),
            version: p.version.clone(),
            extends: p.extends.clone(),
        }
    }
}

/// The result of checking one agreement against a playbook.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Report {
    /// The playbook.
    pub playbook: PlaybookRef,
    /// The agreement's title, if known.
    pub title: Option<String>,
    /// The file (or stored agreement) checked, when the caller names it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The kind it was checked as.
    pub kind: String,
    /// Findings, most severe first, then in text order.
    pub findings: Vec<Finding>,
    /// Rules that could not be decided, each with what was looked for and where.
    #[serde(default)]
    pub undetermined: Vec<Finding>,
    /// Every rule's outcome, in playbook order.
    pub rules: Vec<RuleResult>,
    /// The risk score.
    pub score: RiskScore,
}

impl Report {
    /// The worst severity found.
    pub fn worst(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }

    /// Whether any finding is at or above `threshold`.
    pub fn fails_at(&self, threshold: Severity) -> bool {
        self.findings.iter().any(|f| f.severity >= threshold)
    }

    /// The blind spots flagged (see [`SpotScore::flagged`]).
    pub fn flagged(&self) -> Vec<BlindSpot> {
        self.score
            .breakdown
            .iter()
            .filter(|s| s.flagged)
            .map(|s| s.blind_spot)
            .collect()
    }

    /// Findings counted per severity, highest first.
    pub fn counts(&self) -> Vec<(Severity, usize)> {
        Severity::ALL
            .into_iter()
            .rev()
            .map(|s| (s, self.findings.iter().filter(|f| f.severity == s).count()))
            .filter(|(_, n)| *n > 0)
            .collect()
    }

    /// A readable report for a terminal.
    pub fn to_text(&self) -> String {
        let mut o = String::new();
        let title = self.title.as_deref().unwrap_or("(untitled agreement)");
        let _ = writeln!(o, "{title}");
        let _ = writeln!(
            o,
            "checked as {} against {} {} · risk {}/100 · {}",
            self.kind,
            self.playbook.id,
            self.playbook.version,
            self.score.total,
            summary_counts(self)
        );
        let _ = writeln!(o);
        let _ = writeln!(o, "Risk by blind spot");
        for s in &self.score.breakdown {
            if s.weight == 0 && s.findings == 0 {
                continue;
            }
            let bar = "█".repeat((s.score as usize).div_ceil(10));
            let _ = writeln!(
                o,
                "  {:<24} {:>3}  {:<10} {}",
                s.blind_spot.title(),
                s.score,
                bar,
                match (s.flagged, s.worst) {
                    (true, Some(w)) => format!("FLAGGED ({w})"),
                    (false, Some(w)) => format!("{} finding(s), worst {w}", s.findings),
                    _ => "ok".into(),
                }
            );
        }
        if !self.undetermined.is_empty() {
            let _ = writeln!(
                o,
                "\nCOULD NOT BE DETERMINED (not counted as met; check by reading)"
            );
            for f in &self.undetermined {
                let _ = writeln!(
                    o,
                    "  [{}] {} — {}",
                    f.severity.as_str().to_uppercase(),
                    f.rule_id,
                    f.title
                );
                let _ = writeln!(o, "    • {}", f.message);
                let _ = writeln!(o, "      looked in: {}", f.location());
            }
        }
        if self.findings.is_empty() {
            if self.undetermined.is_empty() {
                let _ = writeln!(o, "\nNo findings: every rule passed.");
            } else {
                let _ = writeln!(o, "\nNo findings; the rules above could not be decided.");
            }
            return o;
        }
        for spot in BlindSpot::ALL {
            let groups = self.by_rule(spot);
            if groups.is_empty() {
                continue;
            }
            let _ = writeln!(o, "\n{}", spot.title().to_uppercase());
            for fs in groups {
                let f = fs[0];
                let _ = writeln!(
                    o,
                    "  [{}] {} — {}",
                    f.severity.as_str().to_uppercase(),
                    f.rule_id,
                    f.title
                );
                for f in &fs {
                    let _ = writeln!(o, "    • {}", f.message);
                    let _ = writeln!(o, "      where:  {}", f.location());
                    if let Some(x) = &f.excerpt {
                        let _ = writeln!(o, "      text:   “{x}”");
                    }
                }
                if let Some(b) = &f.legal_basis {
                    let _ = writeln!(o, "    basis:   {}", one_line(b));
                }
                let _ = writeln!(o, "    why:     {}", one_line(&f.rationale));
                if let Some(p) = &f.preferred {
                    let _ = writeln!(o, "    prefer:  {}", one_line(p));
                }
                if let Some(p) = &f.fallback {
                    let _ = writeln!(o, "    accept:  {}", one_line(p));
                }
                if let Some(n) = &f.note {
                    let _ = writeln!(o, "    note:    {}", one_line(n));
                }
            }
        }
        o
    }

    /// The findings of one blind spot, grouped by rule (rules in order of first finding).
    fn by_rule(&self, spot: BlindSpot) -> Vec<Vec<&Finding>> {
        let mut groups: Vec<Vec<&Finding>> = Vec::new();
        for f in self.findings.iter().filter(|f| f.blind_spot == spot) {
            match groups.iter_mut().find(|g| g[0].rule_id == f.rule_id) {
                Some(g) => g.push(f),
                None => groups.push(vec![f]),
            }
        }
        groups
    }

    /// A Markdown report (for review tickets and drafting pipelines): named by its file,
    /// findings by severity (most severe first) citing clauses by number and heading, the
    /// rules that could not be decided, and the positions the agreement meets.
    pub fn to_markdown(&self) -> String {
        let mut o = String::new();
        let title = self.title.as_deref().unwrap_or("Untitled agreement");
        match &self.source {
            Some(src) => {
                let _ = writeln!(
                    o,
                    "# Playbook check: {} — `{}`\n",
                    md(title),
                    src.replace('`', "'")
                );
            }
            None => {
                let _ = writeln!(o, "# Playbook check: {}\n", md(title));
            }
        }
        let _ = writeln!(
            o,
            "Checked as **{}** against **{}** ({} {}). **Risk {}/100** — {}.\n",
            self.kind,
            md(&self.playbook.name),
            self.playbook.id,
            self.playbook.version,
            self.score.total,
            summary_counts(self)
        );
        let _ = writeln!(
            o,
            "| Blind spot | Score | Findings | Worst | Flagged |\n|---|---:|---:|---|---|"
        );
        for s in &self.score.breakdown {
            if s.weight == 0 && s.findings == 0 {
                continue;
            }
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | {} |",
                s.blind_spot.title(),
                s.score,
                s.findings,
                s.worst.map_or("—", |w| w.as_str()),
                if s.flagged { "**yes**" } else { "no" }
            );
        }
        if self.findings.is_empty() {
            let _ = writeln!(o, "\nNo findings.");
        }
        for sev in Severity::ALL.into_iter().rev() {
            let groups = self.by_rule_at(sev);
            if groups.is_empty() {
                continue;
            }
            let _ = writeln!(o, "\n## {}", severity_title(sev));
            for fs in groups {
                let f = fs[0];
                let _ = writeln!(
                    o,
                    "\n### `{}` — {} *({})*\n",
                    f.rule_id,
                    md(&f.title),
                    f.blind_spot.title()
                );
                for f in &fs {
                    let _ = writeln!(o, "- {} — *{}*", md(&f.message), md(&f.place()));
                    if let Some(x) = &f.excerpt {
                        let _ = writeln!(o, "  > {}", md(x));
                    }
                }
                if let Some(b) = &f.legal_basis {
                    let _ = writeln!(o, "\n**Legal basis.** {}", md(&one_line(b)));
                }
                let _ = writeln!(o, "\n**Why it matters.** {}", md(&one_line(&f.rationale)));
                if let Some(p) = &f.preferred {
                    let _ = writeln!(o, "\n**Preferred language**\n\n> {}", quote(p));
                }
                if let Some(p) = &f.fallback {
                    let _ = writeln!(o, "\n**Fallback**\n\n> {}", quote(p));
                }
                if let Some(n) = &f.note {
                    let _ = writeln!(o, "\n*{}*", md(&one_line(n)));
                }
            }
        }
        if !self.undetermined.is_empty() {
            let _ = writeln!(
                o,
                "\n## Could not be determined\n\nNot counted as met: read these clauses.\n"
            );
            for f in &self.undetermined {
                let _ = writeln!(
                    o,
                    "- **{}** `{}` — {}: {} — *looked in {}*",
                    f.severity.as_str(),
                    f.rule_id,
                    md(&f.title),
                    md(&f.message),
                    md(&f.place())
                );
            }
        }
        let passed: Vec<&RuleResult> = self
            .rules
            .iter()
            .filter(|r| r.outcome == Outcome::Passed)
            .collect();
        if !passed.is_empty() {
            let _ = writeln!(o, "\n## Positions met\n");
            for r in passed {
                let tier = r
                    .tier
                    .as_deref()
                    .map(|t| format!(" *({} position)*", t.replace('_', "-")))
                    .unwrap_or_default();
                let title = if r.title.is_empty() {
                    r.rule_id.as_str()
                } else {
                    r.title.as_str()
                };
                let _ = writeln!(o, "- `{}` — {}{}", r.rule_id, md(title), tier);
            }
        }
        o
    }

    /// The findings of one severity, grouped by rule (rules in order of first finding).
    fn by_rule_at(&self, sev: Severity) -> Vec<Vec<&Finding>> {
        let mut groups: Vec<Vec<&Finding>> = Vec::new();
        for f in self.findings.iter().filter(|f| f.severity == sev) {
            match groups.iter_mut().find(|g| g[0].rule_id == f.rule_id) {
                Some(g) => g.push(f),
                None => groups.push(vec![f]),
            }
        }
        groups
    }
}

fn severity_title(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "Critical",
        Severity::High => "High",
        Severity::Medium => "Medium",
        Severity::Low => "Low",
        Severity::Info => "For information",
    }
}

fn summary_counts(r: &Report) -> String {
    let c = r.counts();
    if c.is_empty() {
        return "no findings".into();
    }
    c.iter()
        .map(|(s, n)| format!("{n} {s}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '|' | '*' | '_' | '`' | '<' | '>' | '[' | ']') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn quote(s: &str) -> String {
    s.trim()
        .lines()
        .map(|l| md(l.trim()))
        .collect::<Vec<_>>()
        .join("\n> ")
}
