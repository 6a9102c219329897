//! The playbook model: severities, the five blind spots, rules with their parameters and
//! per-kind overrides, and the scoring settings, as they are after loading and `extends`.

use crate::kinds::RuleKind;
use entente_domain::agreement::AgreementKind;
use entente_domain::{Money, Period};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// How much a finding matters, from `info` to `critical`.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Worth knowing; never fails a check and adds no risk points by default.
    Info,
    /// A drafting weakness.
    Low,
    /// A gap to negotiate.
    Medium,
    /// A gap that should block signature unless accepted by legal.
    High,
    /// Unacceptable exposure.
    Critical,
}

impl Severity {
    /// Every severity, lowest first.
    pub const ALL: [Severity; 5] = [
        Self::Info,
        Self::Low,
        Self::Medium,
        Self::High,
        Self::Critical,
    ];

    /// The stable text form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Info => "info",
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
            Self::Critical => "critical",
        }
    }

    /// Parses the text form (case-insensitive).
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim().to_ascii_lowercase();
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// Ordinal, 0 (info) to 4 (critical), for storage and sorting.
    pub fn rank(self) -> u8 {
        self as u8
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The five blind spots of cooperation agreements (plus `other` for rules outside them).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum BlindSpot {
    /// Vague duties with no metric, owner or deadline.
    AmbiguousObligations,
    /// No review or renewal cycle, no amendment procedure: a sign-and-file document.
    StaticDocument,
    /// Uncapped, one-sided or missing limitation of liability; one-way indemnity.
    PoorRiskAllocation,
    /// No termination right, notice period, wind-down or data return.
    MissingExit,
    /// No escalation, mediation or arbitration; no governing law or venue.
    MissingEnforcement,
    /// Competition law: restrictions between (potential) competitors (Art. 101 TFEU).
    Competition,
    /// Data protection: personal data moved under the agreement (GDPR, UK GDPR).
    DataProtection,
    /// Anything else a playbook checks.
    Other,
}

impl BlindSpot {
    /// Every blind spot, in display order (`other` last).
    pub const ALL: [BlindSpot; 8] = [
        Self::AmbiguousObligations,
        Self::StaticDocument,
        Self::PoorRiskAllocation,
        Self::MissingExit,
        Self::MissingEnforcement,
        Self::Competition,
        Self::DataProtection,
        Self::Other,
    ];

    /// The regulatory areas (the `regulatory` playbook's), whose flags the portfolio lists.
    pub const REGULATORY: [BlindSpot; 2] = [Self::Competition, Self::DataProtection];

    /// The five of the seeds, without `other`.
    pub const FIVE: [BlindSpot; 5] = [
        Self::AmbiguousObligations,
        Self::StaticDocument,
        Self::PoorRiskAllocation,
        Self::MissingExit,
        Self::MissingEnforcement,
    ];

    /// The stable text form (the labels of `tests/corpus/gold.jsonl`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AmbiguousObligations => "ambiguous_obligations",
            Self::StaticDocument => "static_document",
            Self::PoorRiskAllocation => "poor_risk_allocation",
            Self::MissingExit => "missing_exit",
            Self::MissingEnforcement => "missing_enforcement",
            Self::Competition => "competition",
            Self::DataProtection => "data_protection",
            Self::Other => "other",
        }
    }

    /// A heading for people.
    pub fn title(self) -> &'static str {
        match self {
            Self::AmbiguousObligations => "Ambiguous obligations",
            Self::StaticDocument => "Static document",
            Self::PoorRiskAllocation => "Poor risk allocation",
            Self::MissingExit => "Missing exit terms",
            Self::MissingEnforcement => "Missing enforcement",
            Self::Competition => "Competition law",
            Self::DataProtection => "Data protection",
            Self::Other => "Other",
        }
    }

    /// Parses the text form.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

impl fmt::Display for BlindSpot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A dispute-resolution tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    /// Negotiation or escalation between executives.
    Negotiation,
    /// Mediation or conciliation by a neutral.
    Mediation,
    /// Expert determination.
    Expert,
    /// Binding arbitration.
    Arbitration,
    /// State courts.
    Courts,
}

impl Tier {
    /// Every tier.
    pub const ALL: [Tier; 5] = [
        Self::Negotiation,
        Self::Mediation,
        Self::Expert,
        Self::Arbitration,
        Self::Courts,
    ];

    /// The stable text form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Negotiation => "negotiation",
            Self::Mediation => "mediation",
            Self::Expert => "expert",
            Self::Arbitration => "arbitration",
            Self::Courts => "courts",
        }
    }

    /// Parses the text form (analysis also writes `escalation` for negotiation).
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "escalation" => Some(Self::Negotiation),
            "expert_determination" => Some(Self::Expert),
            "litigation" | "court" => Some(Self::Courts),
            other => Self::ALL.into_iter().find(|t| t.as_str() == other),
        }
    }
}

/// One parameter value of a rule (its type is fixed by the rule kind's schema).
#[derive(Debug, Clone, PartialEq)]
pub enum Param {
    /// A period ("P90D", "90 days").
    Period(Period),
    /// An amount of money.
    Money(Money),
    /// A number (shares, multiples).
    Number(f64),
    /// A count.
    Count(u32),
    /// Yes or no.
    Flag(bool),
    /// A list of words or phrases (or of fixed keywords: tiers, grounds, labels).
    Words(Vec<String>),
    /// A single keyword.
    Word(String),
}

/// Parameters by name.
pub type Params = BTreeMap<String, Param>;

impl Param {
    /// The value as a reader would write it: "90 days", "EUR 1,000,000", "0.25", "a, b".
    pub fn human(&self) -> String {
        match self {
            Self::Period(p) => p.human(),
            Self::Money(m) => m.grouped(),
            Self::Number(n) => format!("{n}"),
            Self::Count(n) => n.to_string(),
            Self::Flag(b) => if *b { "yes" } else { "no" }.to_owned(),
            Self::Words(w) => w.join(", "),
            Self::Word(w) => w.clone(),
        }
    }
}

/// `name = value; …` in name order.
fn describe_params(params: &Params) -> String {
    params
        .iter()
        .map(|(k, v)| match v {
            // Long word lists are shown by their start; the file has them all.
            Param::Words(w) if w.len() > 8 => {
                format!("{k} = {}, … ({} in all)", w[..6].join(", "), w.len())
            }
            _ => format!("{k} = {}", v.human()),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Changes a rule makes for one kind of agreement.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Override {
    /// Turns the rule off (or back on) for the kind.
    pub enabled: Option<bool>,
    /// Severity for the kind.
    pub severity: Option<Severity>,
    /// Parameters replaced for the kind.
    pub params: Params,
    /// Rationale for the kind.
    pub rationale: Option<String>,
    /// Preferred language for the kind.
    pub preferred: Option<String>,
    /// Fallback language for the kind.
    pub fallback: Option<String>,
}

/// A fallback position of a rule: parameters that replace the preferred ones, and the severity
/// of the one finding made when the agreement reaches only this position.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Position {
    /// Severity of the finding at this position (default: `low` for acceptable, `critical`
    /// beyond walk-away).
    pub severity: Option<Severity>,
    /// Parameters replaced for this position.
    pub params: Params,
}

/// A fact about an agreement a rule can depend on (`when = [...]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Condition {
    /// Personal data is shared or processed (a data-protection clause or duty mentions it and
    /// nothing says none is shared).
    PersonalData,
    /// No personal data is shared.
    NoPersonalData,
    /// The parties are registered in different countries.
    CrossBorder,
    /// All parties are registered in one country.
    Domestic,
    /// The agreement is of this kind.
    Kind(AgreementKind),
    /// The agreement has an exclusivity or non-compete clause.
    Exclusivity,
}

impl Condition {
    /// The fact names a playbook may use in `when`.
    pub const NAMES: &'static [&'static str] = &[
        "personal_data",
        "no_personal_data",
        "cross_border",
        "domestic",
        "exclusivity",
        "kind:<agreement kind>",
    ];

    /// Parses a fact name.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        Some(match s {
            "personal_data" | "personal_data_shared" => Self::PersonalData,
            "no_personal_data" => Self::NoPersonalData,
            "cross_border" | "parties_in_different_countries" => Self::CrossBorder,
            "domestic" => Self::Domestic,
            "exclusivity" => Self::Exclusivity,
            other => Self::Kind(AgreementKind::parse(other.strip_prefix("kind:")?).ok()?),
        })
    }

    /// The stable text form.
    pub fn label(&self) -> String {
        match self {
            Self::PersonalData => "personal_data".into(),
            Self::NoPersonalData => "no_personal_data".into(),
            Self::CrossBorder => "cross_border".into(),
            Self::Domestic => "domestic".into(),
            Self::Exclusivity => "exclusivity".into(),
            Self::Kind(k) => format!("kind:{}", k.as_str()),
        }
    }
}

/// Where a rule was (last) defined.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Origin {
    /// The playbook file (or `builtin:NAME`).
    pub file: String,
    /// 1-based line of its `[[rule]]` header.
    pub line: usize,
}

/// One rule of a playbook.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// Stable id, e.g. `risk.liability-cap`.
    pub id: String,
    /// What the rule checks.
    pub kind: RuleKind,
    /// Which blind spot a failure belongs to.
    pub blind_spot: BlindSpot,
    /// How much a failure matters.
    pub severity: Severity,
    /// A one-line statement of the position.
    pub title: String,
    /// Why it matters (shown with every finding).
    pub rationale: String,
    /// The clause language the organisation prefers.
    pub preferred: Option<String>,
    /// What it accepts when the preferred language is refused.
    pub fallback: Option<String>,
    /// Agreement kinds the rule applies to (empty: all).
    pub applies_to: Vec<AgreementKind>,
    /// Whether the rule runs at all.
    pub enabled: bool,
    /// Kind-specific parameters.
    pub params: Params,
    /// Per agreement kind changes.
    pub overrides: BTreeMap<&'static str, Override>,
    /// The acceptable (fallback) position, when the rule has tiers.
    pub acceptable: Option<Position>,
    /// The walk-away position, when the rule has tiers.
    pub walk_away: Option<Position>,
    /// Facts that must all hold for the rule to apply.
    pub when: Vec<Condition>,
    /// The law the position rests on (instrument and article), shown with every finding.
    pub legal_basis: Option<String>,
    /// Where it was defined.
    pub origin: Origin,
}

/// A rule as it applies to one kind of agreement (overrides applied).
#[derive(Debug, Clone, PartialEq)]
pub struct EffectiveRule<'a> {
    /// The rule.
    pub rule: &'a Rule,
    /// Severity after overrides.
    pub severity: Severity,
    /// Parameters after overrides.
    pub params: Params,
    /// Rationale after overrides.
    pub rationale: &'a str,
    /// Preferred language after overrides.
    pub preferred: Option<&'a str>,
    /// Fallback language after overrides.
    pub fallback: Option<&'a str>,
}

impl Rule {
    /// What the rule is set to, one line per layer: its parameters, each per-kind override,
    /// the acceptable and walk-away positions and its conditions.
    pub fn settings(&self) -> Vec<String> {
        let mut out = Vec::new();
        if !self.params.is_empty() {
            out.push(describe_params(&self.params));
        }
        for (kind, o) in &self.overrides {
            let mut parts = Vec::new();
            if let Some(e) = o.enabled {
                parts.push(if e { "on" } else { "off" }.to_owned());
            }
            if let Some(s) = o.severity {
                parts.push(format!("severity = {s}"));
            }
            if !o.params.is_empty() {
                parts.push(describe_params(&o.params));
            }
            if !parts.is_empty() {
                out.push(format!("for {kind}: {}", parts.join("; ")));
            }
        }
        for (label, pos) in [
            ("acceptable", &self.acceptable),
            ("walk-away", &self.walk_away),
        ] {
            if let Some(p) = pos {
                let sev = p.severity.map(|s| format!(" ({s})")).unwrap_or_default();
                out.push(format!("{label}{sev}: {}", describe_params(&p.params)));
            }
        }
        if !self.when.is_empty() {
            out.push(format!(
                "only when {}",
                self.when
                    .iter()
                    .map(Condition::label)
                    .collect::<Vec<_>>()
                    .join(" and ")
            ));
        }
        out
    }

    /// The rule for `kind`, or `None` when it is disabled or does not apply.
    pub fn for_kind(&self, kind: AgreementKind) -> Option<EffectiveRule<'_>> {
        if !self.applies_to.is_empty() && !self.applies_to.contains(&kind) {
            return None;
        }
        let o = self.overrides.get(kind.as_str());
        let enabled = o.and_then(|o| o.enabled).unwrap_or(self.enabled);
        if !enabled {
            return None;
        }
        let mut params = self.params.clone();
        if let Some(o) = o {
            for (k, v) in &o.params {
                params.insert(k.clone(), v.clone());
            }
        }
        Some(EffectiveRule {
            rule: self,
            severity: o.and_then(|o| o.severity).unwrap_or(self.severity),
            params,
            rationale: o
                .and_then(|o| o.rationale.as_deref())
                .unwrap_or(&self.rationale),
            preferred: o
                .and_then(|o| o.preferred.as_deref())
                .or(self.preferred.as_deref()),
            fallback: o
                .and_then(|o| o.fallback.as_deref())
                .or(self.fallback.as_deref()),
        })
    }
}

impl<'a> EffectiveRule<'a> {
    /// This rule at a fallback position: its parameters replaced by the position's.
    pub fn at_position(&self, pos: &Position) -> EffectiveRule<'a> {
        let mut r = self.clone();
        for (k, v) in &pos.params {
            r.params.insert(k.clone(), v.clone());
        }
        r
    }

    /// A period parameter.
    pub fn period(&self, name: &str) -> Option<Period> {
        match self.params.get(name) {
            Some(Param::Period(p)) => Some(*p),
            _ => None,
        }
    }

    /// A money parameter.
    pub fn money(&self, name: &str) -> Option<Money> {
        match self.params.get(name) {
            Some(Param::Money(m)) => Some(*m),
            _ => None,
        }
    }

    /// A number parameter.
    pub fn number(&self, name: &str) -> Option<f64> {
        match self.params.get(name) {
            Some(Param::Number(n)) => Some(*n),
            Some(Param::Count(n)) => Some(f64::from(*n)),
            _ => None,
        }
    }

    /// A count parameter.
    pub fn count(&self, name: &str) -> Option<u32> {
        match self.params.get(name) {
            Some(Param::Count(n)) => Some(*n),
            _ => None,
        }
    }

    /// A yes/no parameter.
    pub fn flag(&self, name: &str) -> Option<bool> {
        match self.params.get(name) {
            Some(Param::Flag(b)) => Some(*b),
            _ => None,
        }
    }

    /// A list parameter (empty when absent).
    pub fn words(&self, name: &str) -> &[String] {
        match self.params.get(name) {
            Some(Param::Words(w)) => w,
            _ => &[],
        }
    }

    /// A keyword parameter.
    pub fn word(&self, name: &str) -> Option<&str> {
        match self.params.get(name) {
            Some(Param::Word(w)) => Some(w),
            _ => None,
        }
    }
}

/// How findings become a risk score.
#[derive(Debug, Clone, PartialEq)]
pub struct Scoring {
    /// Points a failed rule adds to its blind spot, by severity (a blind spot saturates at 100).
    pub points: BTreeMap<Severity, u32>,
    /// Weight of each blind spot in the agreement's score.
    pub weights: BTreeMap<BlindSpot, u32>,
    /// A blind spot is *flagged* when a failed rule of at least this severity belongs to it.
    pub flag_at: Severity,
    /// The least total a finding of a severity gives the agreement (`[scoring.floor]`), so
    /// that one grave finding is not averaged away by clean blind spots.
    pub floor: BTreeMap<Severity, u32>,
}

impl Default for Scoring {
    fn default() -> Self {
        Self {
            points: [
                (Severity::Info, 0),
                (Severity::Low, 10),
                (Severity::Medium, 30),
                (Severity::High, 60),
                (Severity::Critical, 100),
            ]
            .into_iter()
            .collect(),
            weights: BlindSpot::ALL
                .into_iter()
                .map(|b| (b, if BlindSpot::FIVE.contains(&b) { 20 } else { 0 }))
                .collect(),
            flag_at: Severity::High,
            floor: BTreeMap::new(),
        }
    }
}

/// A loaded playbook: its identity, its rules (parents' first) and its scoring.
#[derive(Debug, Clone, PartialEq)]
pub struct Playbook {
    /// Stable id, e.g. `cooperation`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// The playbook's own version, as its authors number it.
    pub version: String,
    /// What it is for.
    pub description: Option<String>,
    /// The chain of playbooks it extends, nearest first (`id@version`).
    pub extends: Vec<String>,
    /// Rules, in the order they are checked.
    pub rules: Vec<Rule>,
    /// Scoring settings.
    pub scoring: Scoring,
    /// The TOML it was loaded from (the leaf file only).
    pub source: String,
    /// Our own legal entities ("us"), for rules about us and the counterparty.
    pub us: Vec<String>,
}

impl Playbook {
    /// A rule by id.
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// `id@version`, the label findings are stored under.
    pub fn label(&self) -> String {
        format!("{}@{}", self.id, self.version)
    }
}
