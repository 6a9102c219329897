//! The rule kinds a playbook may use: what each checks, its default blind spot, and the
//! schema of its parameters (names, types, defaults), which drives validation and docs.

use crate::model::BlindSpot;
use std::fmt;

/// What a rule checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RuleKind {
    /// Clause categories that must be present.
    RequiredClauses,
    /// Too many duties without metric or deadline.
    VagueObligations,
    /// Weasel words inside duties.
    WeaselWords,
    /// A periodic review of the agreement or of performance.
    ReviewCycle,
    /// Term and renewal mechanics; notice to stop an automatic renewal.
    Renewal,
    /// Length of the initial term.
    TermLength,
    /// A limitation of liability: present, not unlimited, within bounds.
    LiabilityCap,
    /// Damages that must be excluded.
    Exclusions,
    /// Limitations of liability that protect only one party.
    MutualLiability,
    /// Indemnities that run one way only.
    Indemnity,
    /// Phrases that must not appear.
    ForbiddenTerms,
    /// Confidentiality that survives the end of the agreement.
    Confidentiality,
    /// A right to leave the agreement.
    TerminationRight,
    /// A notice period within bounds.
    NoticePeriod,
    /// Governing law (and venue).
    GoverningLaw,
    /// Some out-of-court dispute mechanism.
    DisputeResolution,
    /// The full ladder of dispute tiers, in order, with time limits.
    DisputeTiers,
    /// Which way one-way indemnities run: in our favour or against us.
    IndemnityDirection,
    /// Who owns foreground (newly created) and joint IP.
    IpOwnership,
    /// Who may stop an automatic renewal, and with what notice.
    RenewalControl,
    /// How long exclusivity and non-compete restrictions last.
    Exclusivity,
    /// A competition-law screen (`screen` names which).
    Competition,
    /// A data-protection screen (`screen` names which).
    DataProtection,
}

/// The type of a parameter value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamType {
    /// A period: "P90D", "90 days", "12 months", "5 years".
    Period,
    /// Money: `"EUR 1000000"` or `{ amount = "1000000", currency = "EUR" }`.
    Money,
    /// A share between 0 and 1.
    Share,
    /// A positive number.
    Multiple,
    /// A whole number, at least 1.
    Count,
    /// `true` or `false`.
    Flag,
    /// A list of words or phrases.
    Phrases,
    /// A list of clause category ids from the taxonomy.
    Categories,
    /// One keyword out of a fixed set.
    OneOf(&'static [&'static str]),
    /// A list of keywords out of a fixed set.
    ListOf(&'static [&'static str]),
}

impl ParamType {
    /// How the type is described in messages and docs.
    pub fn describe(self) -> String {
        match self {
            Self::Period => "a period such as \"P90D\", \"90 days\" or \"5 years\"".into(),
            Self::Money => {
                "an amount such as \"EUR 1000000\" or { amount = \"1000000\", currency = \"EUR\" }"
                    .into()
            }
            Self::Share => "a number between 0 and 1".into(),
            Self::Multiple => "a positive number".into(),
            Self::Count => "a whole number of at least 1".into(),
            Self::Flag => "true or false".into(),
            Self::Phrases => "a list of words or phrases".into(),
            Self::Categories => "a list of clause category ids (docs/taxonomy.md)".into(),
            Self::OneOf(set) => format!("one of {}", quoted(set)),
            Self::ListOf(set) => format!("a list drawn from {}", quoted(set)),
        }
    }
}

fn quoted(set: &[&str]) -> String {
    set.iter()
        .map(|s| format!("\"{s}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One parameter of a rule kind.
#[derive(Debug, Clone, Copy)]
pub struct ParamSpec {
    /// Its key in the rule table.
    pub name: &'static str,
    /// Its type.
    pub ty: ParamType,
    /// Whether a rule must give it.
    pub required: bool,
    /// The default when absent, as written in docs.
    pub default: Option<&'static str>,
    /// What it means.
    pub doc: &'static str,
}

const fn p(
    name: &'static str,
    ty: ParamType,
    default: Option<&'static str>,
    doc: &'static str,
) -> ParamSpec {
    ParamSpec {
        name,
        ty,
        required: false,
        default,
        doc,
    }
}

const fn req(name: &'static str, ty: ParamType, doc: &'static str) -> ParamSpec {
    ParamSpec {
        name,
        ty,
        required: true,
        default: None,
        doc,
    }
}

/// Tiers a dispute clause may have.
pub const TIERS: &[&str] = &[
    "negotiation",
    "mediation",
    "expert",
    "arbitration",
    "courts",
];
/// Grounds for termination.
pub const GROUNDS: &[&str] = &["convenience", "cause"];
/// Labels of excluded damages (as analysis reports them).
pub const DAMAGES: &[&str] = &[
    "indirect",
    "consequential",
    "incidental",
    "special",
    "punitive",
    "exemplary",
    "lost_profits",
    "lost_revenue",
    "loss_of_data",
    "loss_of_goodwill",
];
/// Scopes a cap's carve-out may leave uncapped.
pub const CARVE_OUTS: &[&str] = &[
    "confidentiality",
    "data_protection",
    "fraud",
    "death_personal_injury",
    "wilful_misconduct",
    "indemnities",
    "ip_infringement",
];
/// Directions an indemnity may run.
pub const DIRECTIONS: &[&str] = &["mutual", "in_our_favour", "against_us"];
/// Who may own foreground IP.
pub const OWNERS: &[&str] = &["us", "joint", "counterparty", "developer"];
/// Who may stop a renewal.
pub const CONTROLLERS: &[&str] = &["either", "us", "counterparty"];
/// Restrictions an exclusivity rule reads.
pub const RESTRICTIONS: &[&str] = &["exclusivity", "non_compete"];
/// The competition-law screens a `competition` rule can run.
pub const COMPETITION_SCREENS: &[&str] = &[
    "price_fixing",
    "output_limitation",
    "market_allocation",
    "passive_sales",
    "rnd_restriction",
    "no_challenge",
    "licensing_ban",
    "information_exchange",
    "restriction_scope",
    "block_exemption",
];
/// The data-protection screens a `data_protection` rule can run.
pub const DATA_PROTECTION_SCREENS: &[&str] = &[
    "roles",
    "processing_terms",
    "international_transfer",
    "breach_notification",
    "return_or_deletion",
    "purpose_limitation",
];
/// Notice periods a rule can check.
pub const NOTICES: &[&str] = &["termination_for_convenience", "non_renewal"];

/// The words that make a duty vague unless it also states a metric or deadline.
pub const DEFAULT_WEASEL_WORDS: &[&str] = &[
    "reasonable efforts",
    "commercially reasonable efforts",
    "best efforts",
    "all reasonable endeavours",
    "reasonable endeavours",
    "best endeavours",
    "endeavour",
    "endeavor",
    "reasonably",
    "promptly",
    "as soon as practicable",
    "as soon as reasonably practicable",
    "appropriate",
    "where possible",
    "if possible",
    "where relevant",
    "as resources allow",
    "as needed",
    "as necessary",
    "as may be needed",
    "as may be required",
    "from time to time",
    "periodically",
    "regularly",
    "in good faith",
    "good practice",
    "best practice",
    "work together",
    "work collaboratively",
    "collaborate",
    "cooperate",
    "co-operate",
    "support",
    "keep each other updated",
    "keep each other informed",
    "timely",
];

impl RuleKind {
    /// Every kind, in documentation order.
    pub const ALL: [RuleKind; 23] = [
        Self::RequiredClauses,
        Self::VagueObligations,
        Self::WeaselWords,
        Self::ReviewCycle,
        Self::Renewal,
        Self::TermLength,
        Self::LiabilityCap,
        Self::Exclusions,
        Self::MutualLiability,
        Self::Indemnity,
        Self::ForbiddenTerms,
        Self::Confidentiality,
        Self::TerminationRight,
        Self::NoticePeriod,
        Self::GoverningLaw,
        Self::DisputeResolution,
        Self::DisputeTiers,
        Self::IndemnityDirection,
        Self::IpOwnership,
        Self::RenewalControl,
        Self::Exclusivity,
        Self::Competition,
        Self::DataProtection,
    ];

    /// The name used in playbook files.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::RequiredClauses => "required_clauses",
            Self::VagueObligations => "vague_obligations",
            Self::WeaselWords => "weasel_words",
            Self::ReviewCycle => "review_cycle",
            Self::Renewal => "renewal",
            Self::TermLength => "term_length",
            Self::LiabilityCap => "liability_cap",
            Self::Exclusions => "exclusions",
            Self::MutualLiability => "mutual_liability",
            Self::Indemnity => "indemnity",
            Self::ForbiddenTerms => "forbidden_terms",
            Self::Confidentiality => "confidentiality",
            Self::TerminationRight => "termination_right",
            Self::NoticePeriod => "notice_period",
            Self::GoverningLaw => "governing_law",
            Self::DisputeResolution => "dispute_resolution",
            Self::DisputeTiers => "dispute_tiers",
            Self::IndemnityDirection => "indemnity_direction",
            Self::IpOwnership => "ip_ownership",
            Self::RenewalControl => "renewal_control",
            Self::Exclusivity => "exclusivity",
            Self::Competition => "competition",
            Self::DataProtection => "data_protection",
        }
    }

    /// Whether rules of this kind screen for a legal problem and so must name their
    /// `legal_basis`.
    pub fn is_regulatory(self) -> bool {
        matches!(self, Self::Competition | Self::DataProtection)
    }

    /// Parses the name used in playbook files.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s.trim())
    }

    /// The blind spot a rule of this kind belongs to unless it says otherwise.
    pub fn default_blind_spot(self) -> BlindSpot {
        match self {
            Self::RequiredClauses | Self::ForbiddenTerms => BlindSpot::Other,
            Self::VagueObligations | Self::WeaselWords => BlindSpot::AmbiguousObligations,
            Self::ReviewCycle | Self::Renewal | Self::TermLength | Self::RenewalControl => {
                BlindSpot::StaticDocument
            }
            Self::IndemnityDirection | Self::IpOwnership | Self::Exclusivity => {
                BlindSpot::PoorRiskAllocation
            }
            Self::LiabilityCap
            | Self::Exclusions
            | Self::MutualLiability
            | Self::Indemnity
            | Self::Confidentiality => BlindSpot::PoorRiskAllocation,
            Self::TerminationRight | Self::NoticePeriod => BlindSpot::MissingExit,
            Self::GoverningLaw | Self::DisputeResolution | Self::DisputeTiers => {
                BlindSpot::MissingEnforcement
            }
            Self::Competition => BlindSpot::Competition,
            Self::DataProtection => BlindSpot::DataProtection,
        }
    }

    /// What the kind checks, in a sentence.
    pub fn summary(self) -> &'static str {
        match self {
            Self::RequiredClauses => {
                "The agreement has clauses of the listed categories (all of `all_of`, at least one of `any_of`)."
            }
            Self::VagueObligations => {
                "Fails when at least `min_count` duties, and at least `min_share` of all duties, are vague: they rest on an open standard (reasonable efforts, promptly, cooperate …) and state no metric and no deadline. One finding per vague duty."
            }
            Self::WeaselWords => {
                "Reports every duty that uses one of the listed words, even when it also has a deadline."
            }
            Self::ReviewCycle => {
                "The agreement provides a periodic review (a review clause, or a recurring meeting, report or plan) at least every `max_interval`; with `renewal_counts`, renewal mechanics also satisfy it."
            }
            Self::Renewal => {
                "The agreement has an end date or renewal mechanics, and an automatic renewal can be stopped by a notice within `notice_min`..`notice_max`."
            }
            Self::TermLength => {
                "The initial term is at most `max`; an indefinite term fails unless `allow_indefinite`."
            }
            Self::LiabilityCap => {
                "Liability is limited: not expressly unlimited, capped (unless `require_cap = false` and damages are excluded), and the cap is at most `max_amount` or `max_multiple` times the annual contract value."
            }
            Self::Exclusions => "Every listed kind of damages is excluded from liability.",
            Self::MutualLiability => {
                "Limitations of liability (caps and exclusions) protect every party, not only one."
            }
            Self::Indemnity => {
                "Indemnities run both ways (`mutual`), and an indemnity exists at all when `require` is set."
            }
            Self::ForbiddenTerms => {
                "None of the listed phrases appears (optionally: in clauses of the listed categories). One finding per occurrence."
            }
            Self::Confidentiality => {
                "There is a confidentiality clause and it survives the end of the agreement for at least `min_survival`."
            }
            Self::TerminationRight => {
                "A party can leave the agreement on at least one of the listed grounds (convenience, cause)."
            }
            Self::NoticePeriod => {
                "The notice period `of` (termination for convenience or non-renewal) is stated and lies within `min`..`max`."
            }
            Self::GoverningLaw => {
                "A governing law is chosen (when `require_law`; from `allowed`, when given), and a court venue or arbitral seat when `require_venue`."
            }
            Self::DisputeResolution => {
                "Disputes go through at least one of the `accepted` tiers (by default negotiation, mediation or arbitration) rather than straight to court, or nowhere."
            }
            Self::DisputeTiers => {
                "The dispute clause has every tier of `tiers`, in that order, and each tier before the last has a time limit (at most `max_period`)."
            }
            Self::IndemnityDirection => {
                "Indemnities run in a direction listed in `accept` (mutual, in our favour, against us); needs to know who we are (`us`)."
            }
            Self::IpOwnership => {
                "Foreground (newly created) IP is owned as `foreground` allows (us, joint, counterparty, developer); needs `us` to tell us from the counterparty."
            }
            Self::RenewalControl => {
                "An automatic renewal can be stopped by a party listed in `who` (either, us, counterparty), with notice of at most `notice_max`."
            }
            Self::Exclusivity => {
                "Exclusivity and non-compete restrictions end: at most `max_duration` in all and at most `max_after_term` after the agreement ends; never perpetual."
            }
            Self::Competition => {
                "Screens the text for one kind of restriction of competition (`screen`): price fixing, output limits, market or customer allocation, passive-sales bans, limits on independent R&D, no-challenge and licensing bans, exchange of competitively sensitive information without safeguards, restrictions broader or longer than the cooperation needs, and block-exemption availability from the competitor context. Safe wording (\"each Party remains free to determine its own prices\") does not trigger."
            }
            Self::DataProtection => {
                "When personal data flows under the agreement, checks one duty (`screen`): the parties' roles, processor (Art. 28(3)) or joint-controller (Art. 26) terms, a transfer mechanism for recipients outside the EEA, breach notification that meets 72 hours, return or deletion at the end, purpose limitation."
            }
        }
    }

    /// The parameters the kind accepts.
    pub fn params(self) -> &'static [ParamSpec] {
        use ParamType::*;
        match self {
            Self::RequiredClauses => {
                const P: &[ParamSpec] = &[
                    p(
                        "all_of",
                        Categories,
                        None,
                        "every category listed must be present; one finding per missing category",
                    ),
                    p(
                        "any_of",
                        Categories,
                        None,
                        "at least one of these categories must be present (one finding if none is)",
                    ),
                ];
                P
            }
            Self::VagueObligations => {
                const P: &[ParamSpec] = &[
                    p(
                        "min_count",
                        Count,
                        Some("2"),
                        "fewest vague duties that make the rule fail",
                    ),
                    p(
                        "min_share",
                        Share,
                        Some("0.25"),
                        "smallest share of vague duties among all duties that makes the rule fail",
                    ),
                    p(
                        "words",
                        Phrases,
                        Some("the built-in weasel words"),
                        "words that make a duty without metric or deadline vague",
                    ),
                    p(
                        "max_findings",
                        Count,
                        Some("10"),
                        "at most this many vague duties are listed",
                    ),
                ];
                P
            }
            Self::WeaselWords => {
                const P: &[ParamSpec] = &[
                    p(
                        "words",
                        Phrases,
                        Some("the built-in weasel words"),
                        "words or phrases to report",
                    ),
                    p(
                        "max_findings",
                        Count,
                        Some("20"),
                        "at most this many duties are listed",
                    ),
                ];
                P
            }
            Self::ReviewCycle => {
                const P: &[ParamSpec] = &[
                    p(
                        "max_interval",
                        Period,
                        Some("12 months"),
                        "longest acceptable time between reviews",
                    ),
                    p(
                        "renewal_counts",
                        Flag,
                        Some("false"),
                        "renewal mechanics (a renewal term or automatic renewal) also satisfy the rule",
                    ),
                    p(
                        "recurring_duties_count",
                        Flag,
                        Some("true"),
                        "a recurring meeting, report, review or plan counts as a review",
                    ),
                ];
                P
            }
            Self::Renewal => {
                const P: &[ParamSpec] = &[
                    p(
                        "require",
                        Flag,
                        Some("true"),
                        "the agreement must state an end (term or expiry date) or renewal mechanics",
                    ),
                    p(
                        "notice_min",
                        Period,
                        None,
                        "shortest acceptable notice to stop an automatic renewal",
                    ),
                    p(
                        "notice_max",
                        Period,
                        None,
                        "longest acceptable notice to stop an automatic renewal",
                    ),
                ];
                P
            }
            Self::TermLength => {
                const P: &[ParamSpec] = &[
                    req("max", Period, "longest acceptable initial term"),
                    p(
                        "allow_indefinite",
                        Flag,
                        Some("false"),
                        "an agreement that runs until terminated passes",
                    ),
                ];
                P
            }
            Self::LiabilityCap => {
                const P: &[ParamSpec] = &[
                    p(
                        "require_cap",
                        Flag,
                        Some("true"),
                        "a cap is required; with false, an exclusion of damages is enough",
                    ),
                    p(
                        "max_amount",
                        Money,
                        None,
                        "highest acceptable fixed cap (compared in the same currency only)",
                    ),
                    p(
                        "max_multiple",
                        Multiple,
                        None,
                        "highest acceptable fixed cap as a multiple of the annual contract value (the contract value over the initial term; when known)",
                    ),
                    p(
                        "allow_uncapped",
                        Flag,
                        Some("false"),
                        "expressly unlimited liability passes",
                    ),
                    p(
                        "uncapped_for",
                        ListOf(CARVE_OUTS),
                        None,
                        "scopes a carve-out may leave uncapped (confidentiality, data_protection, fraud, death_personal_injury, wilful_misconduct, indemnities, ip_infringement); when given, a carve-out of any other scope fails",
                    ),
                ];
                P
            }
            Self::Exclusions => {
                const P: &[ParamSpec] = &[req(
                    "required",
                    ListOf(DAMAGES),
                    "damages that must be excluded",
                )];
                P
            }
            Self::MutualLiability => &[],
            Self::Indemnity => {
                const P: &[ParamSpec] = &[
                    p("require", Flag, Some("false"), "an indemnity must exist"),
                    p(
                        "mutual",
                        Flag,
                        Some("true"),
                        "an indemnity given by only some parties fails",
                    ),
                ];
                P
            }
            Self::ForbiddenTerms => {
                const P: &[ParamSpec] = &[
                    req(
                        "phrases",
                        Phrases,
                        "phrases that must not appear (case and spacing are ignored)",
                    ),
                    p(
                        "in_categories",
                        Categories,
                        None,
                        "only look in clauses of these categories",
                    ),
                    p(
                        "max_findings",
                        Count,
                        Some("10"),
                        "at most this many occurrences are listed",
                    ),
                ];
                P
            }
            Self::Confidentiality => {
                const P: &[ParamSpec] = &[
                    p(
                        "require",
                        Flag,
                        Some("true"),
                        "a confidentiality clause must exist",
                    ),
                    p(
                        "min_survival",
                        Period,
                        None,
                        "shortest acceptable survival after the agreement ends",
                    ),
                ];
                P
            }
            Self::TerminationRight => {
                const P: &[ParamSpec] = &[p(
                    "grounds",
                    ListOf(GROUNDS),
                    Some("[\"convenience\", \"cause\"]"),
                    "a right on any one of these grounds satisfies the rule",
                )];
                P
            }
            Self::NoticePeriod => {
                const P: &[ParamSpec] = &[
                    req("of", OneOf(NOTICES), "which notice period"),
                    p("min", Period, None, "shortest acceptable notice"),
                    p("max", Period, None, "longest acceptable notice"),
                    p(
                        "required",
                        Flag,
                        Some("true"),
                        "a missing notice period fails (when the right itself exists)",
                    ),
                ];
                P
            }
            Self::GoverningLaw => {
                const P: &[ParamSpec] = &[
                    p(
                        "require_law",
                        Flag,
                        Some("true"),
                        "a governing law must be chosen",
                    ),
                    p(
                        "allowed",
                        Phrases,
                        None,
                        "acceptable laws, e.g. [\"England and Wales\", \"Germany\"]",
                    ),
                    p(
                        "require_venue",
                        Flag,
                        Some("false"),
                        "a court venue or arbitral seat must also be chosen",
                    ),
                ];
                P
            }
            Self::DisputeResolution => {
                const P: &[ParamSpec] = &[p(
                    "accepted",
                    ListOf(TIERS),
                    Some("[\"negotiation\", \"mediation\", \"arbitration\"]"),
                    "tiers any one of which satisfies the rule",
                )];
                P
            }
            Self::DisputeTiers => {
                const P: &[ParamSpec] = &[
                    req("tiers", ListOf(TIERS), "the tiers required, in order"),
                    p(
                        "require_time_limits",
                        Flag,
                        Some("true"),
                        "every tier before the last must state how long it lasts",
                    ),
                    p(
                        "max_period",
                        Period,
                        None,
                        "longest acceptable duration of a tier before the last",
                    ),
                ];
                P
            }
            Self::IndemnityDirection => {
                const P: &[ParamSpec] = &[p(
                    "accept",
                    ListOf(DIRECTIONS),
                    Some("[\"mutual\", \"in_our_favour\"]"),
                    "directions that pass: mutual, in_our_favour (only the counterparty indemnifies), against_us (only we do)",
                )];
                P
            }
            Self::IpOwnership => {
                const P: &[ParamSpec] = &[req(
                    "foreground",
                    ListOf(OWNERS),
                    "who may own foreground IP: us, joint, counterparty, developer (each party owns what it creates)",
                )];
                P
            }
            Self::RenewalControl => {
                const P: &[ParamSpec] = &[
                    p(
                        "who",
                        ListOf(CONTROLLERS),
                        Some("[\"either\", \"us\"]"),
                        "who must be able to stop an automatic renewal: either party, us, the counterparty",
                    ),
                    p(
                        "notice_max",
                        Period,
                        None,
                        "longest acceptable notice to stop the renewal",
                    ),
                ];
                P
            }
            Self::Competition => {
                const P: &[ParamSpec] = &[
                    req(
                        "screen",
                        OneOf(COMPETITION_SCREENS),
                        "which restriction to look for",
                    ),
                    p(
                        "max_share",
                        Share,
                        Some("0.25"),
                        "block_exemption: the highest combined market share of competing parties for which the block exemption is available",
                    ),
                    p(
                        "max_after_term",
                        Period,
                        Some("1 year"),
                        "restriction_scope: the longest a non-compete or exclusivity may run on after the agreement ends",
                    ),
                ];
                P
            }
            Self::DataProtection => {
                const P: &[ParamSpec] = &[req(
                    "screen",
                    OneOf(DATA_PROTECTION_SCREENS),
                    "which duty to check",
                )];
                P
            }
            Self::Exclusivity => {
                const P: &[ParamSpec] = &[
                    p(
                        "max_duration",
                        Period,
                        None,
                        "longest acceptable fixed duration of a restriction",
                    ),
                    p(
                        "max_after_term",
                        Period,
                        None,
                        "longest acceptable time a restriction runs on after the agreement ends (none: it must end with the agreement)",
                    ),
                    p(
                        "of",
                        ListOf(RESTRICTIONS),
                        Some("[\"exclusivity\", \"non_compete\"]"),
                        "which restrictions the rule reads",
                    ),
                ];
                P
            }
        }
    }

    /// A parameter of the kind, by name.
    pub fn param(self, name: &str) -> Option<&'static ParamSpec> {
        self.params().iter().find(|p| p.name == name)
    }
}

impl fmt::Display for RuleKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
