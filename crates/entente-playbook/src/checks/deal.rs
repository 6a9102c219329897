//! Rules about us and the counterparty (indemnity direction, foreground IP, renewal control),
//! restrictions' duration, and the facts conditional rules depend on (`when`).

use super::{Hit, Input, human};
use crate::model::{Condition, EffectiveRule};
use crate::subject::{Span, Subject};
use crate::text::re;
use entente_domain::Period;
use regex::Regex;
use std::sync::LazyLock;

const WHO_ARE_WE: &str = "which party is us (declare our entities: the playbook's `us`, `entente check --us`, or the tenant's own entities)";

/// Whether `c` holds for the agreement; `None` when it cannot be told.
pub(crate) fn holds(s: &Subject, c: Condition) -> Option<bool> {
    match c {
        Condition::PersonalData => Some(personal_data(s)),
        Condition::NoPersonalData => Some(!personal_data(s)),
        Condition::CrossBorder | Condition::Domestic => {
            let countries: Vec<String> = s
                .parties
                .iter()
                .map(|p| {
                    p.jurisdiction
                        .as_deref()
                        .and_then(entente_analysis::country_of)
                })
                .collect::<Option<Vec<_>>>()?;
            if countries.len() < 2 {
                return None;
            }
            let cross = countries.iter().any(|c| *c != countries[0]);
            Some(if c == Condition::CrossBorder {
                cross
            } else {
                !cross
            })
        }
        Condition::Exclusivity => Some(
            s.exclusivity.is_some()
                || s.non_compete.is_some()
                || s.has_category("exclusivity")
                || s.has_category("non_compete"),
        ),
        Condition::Kind(k) => Some(s.kind == k),
    }
}

/// What could not be told about a condition, for the undetermined entry.
pub(crate) fn unknown(c: Condition) -> String {
    match c {
        Condition::CrossBorder | Condition::Domestic => {
            "looked for where each party is registered, to tell whether they are in different countries, and could not read it for every party".into()
        }
        other => format!("could not tell whether `{}` holds", other.label()),
    }
}

static NO_PERSONAL_DATA: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\bno\s+personal\s+(?:data|information)\s+(?:will|shall|is\s+to|are\s+to|may)\s+be\s+(?:shared|disclosed|exchanged|processed|transferred|provided)|\b(?:will|shall)\s+not\s+(?:share|disclose|exchange|process|transfer|provide)\b[^.;]{0,30}\bpersonal\s+(?:data|information)|\bdoes\s+not\s+(?:involve|require)\s+(?:the\s+)?(?:sharing|processing|exchange)\s+of\s+(?:any\s+)?personal",
    )
});
static PERSONAL_DATA: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\bpersonal\s+(?:data|information)\b|\bdata\s+subjects?\b|\bgdpr\b|\bdata\s+processing\s+agreement\b|\bprocessor\b",
    )
});

/// Personal data is shared: some sentence speaks of personal data and no sentence says none is
/// shared ("No personal data will be shared" is not a data-protection clause).
pub(crate) fn personal_data(s: &Subject) -> bool {
    let lower = s.text.to_ascii_lowercase();
    if NO_PERSONAL_DATA.is_match(&lower) {
        return false;
    }
    PERSONAL_DATA.is_match(&lower)
}

pub(super) fn indemnity_direction(rule: &EffectiveRule<'_>, input: &Input<'_>) -> Vec<Hit> {
    let s = input.s;
    let Some(i) = &s.indemnity else {
        return Vec::new();
    };
    let accept: Vec<&str> = if rule.words("accept").is_empty() {
        vec!["mutual", "in_our_favour"]
    } else {
        rule.words("accept").iter().map(String::as_str).collect()
    };
    // One-way indemnities: the sentences a single party gives (also beside a mutual one).
    let givers: Vec<(&str, Option<Span>)> = if i.value.mutual {
        i.value
            .one_way
            .iter()
            .map(|o| (o.value.as_str(), o.span.or(i.span)))
            .collect()
    } else {
        i.value.by.iter().map(|b| (b.as_str(), i.span)).collect()
    };
    let distinct: std::collections::BTreeSet<Option<usize>> =
        givers.iter().map(|(g, _)| s.party_of(g)).collect();
    if givers.is_empty() || (i.value.mutual && distinct.len() >= s.parties.len().max(2)) {
        return if accept.contains(&"mutual") {
            Vec::new()
        } else {
            vec![Hit::at(
                "the indemnities are mutual, which the playbook does not accept",
                i.span,
            )]
        };
    }
    if s.our_party().is_none() {
        return vec![Hit::undetermined(
            format!("a one-way indemnity was found, but not {WHO_ARE_WE}"),
            givers[0].1,
        )];
    }
    let mut hits = Vec::new();
    for (g, span) in givers {
        let (dir, what) = match s.is_us(g) {
            Some(true) => (
                "against_us",
                format!("{g} (us) alone indemnifies: the indemnity runs against us"),
            ),
            _ => (
                "in_our_favour",
                format!(
                    "{g} (the counterparty) alone indemnifies: the indemnity runs in our favour"
                ),
            ),
        };
        if !accept.contains(&dir) {
            hits.push(Hit::at(what, span));
        }
    }
    hits
}

/// Who owns foreground IP, as analysis's IP rules say it: us, joint, counterparty, developer.
fn foreground_owners(s: &Subject) -> Vec<&'static str> {
    let Some(ip) = &s.ip_ownership else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for r in &ip.value {
        let owner = if r == "joint IP jointly owned" {
            Some("joint")
        } else if r == "new IP owned by the developing party" {
            Some("developer")
        } else if let Some(p) = r
            .strip_prefix("assigned to ")
            .or_else(|| r.strip_prefix("owned by "))
        {
            match s.is_us(p) {
                Some(true) => Some("us"),
                Some(false) => Some("counterparty"),
                None => Some("unknown"),
            }
        } else {
            None
        };
        if let Some(o) = owner
            && !out.contains(&o)
        {
            out.push(o);
        }
    }
    out
}

pub(super) fn ip_ownership(rule: &EffectiveRule<'_>, input: &Input<'_>) -> Vec<Hit> {
    let s = input.s;
    let allowed = rule.words("foreground");
    let at = s.ip_ownership.as_ref().and_then(|i| i.span).or_else(|| {
        s.first_clause_on(&[
            "ip_ownership",
            "joint_ip_ownership",
            "ip_ownership_assignment",
        ])
    });
    let owners = foreground_owners(s);
    if owners.is_empty() {
        return vec![Hit::undetermined(
            "looked for who owns newly created (foreground) IP and could not read it",
            at,
        )];
    }
    if owners.contains(&"unknown") {
        return vec![Hit::undetermined(
            format!("foreground IP is owned by a named party, but not {WHO_ARE_WE}"),
            at,
        )];
    }
    let label = |o: &str| match o {
        "us" => "us",
        "joint" => "both parties jointly",
        "counterparty" => "the counterparty",
        _ => "the party that develops it",
    };
    owners
        .iter()
        .filter(|o| !allowed.iter().any(|a| a == *o))
        .map(|o| {
            Hit::at(
                format!(
                    "foreground IP is owned by {}, which is not among the playbook's positions ({})",
                    label(o),
                    allowed.join(", ")
                ),
                at,
            )
        })
        .collect()
}

static UNLESS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:unless|until|except\s+where)\b(.{0,120}?)\b(?:gives?|serves?|delivers?|provides?|notif\w*)\b",
    )
});

pub(super) fn renewal_control(rule: &EffectiveRule<'_>, input: &Input<'_>) -> Vec<Hit> {
    let s = input.s;
    let Some(r) = s.renewal.as_ref().filter(|r| r.value.automatic) else {
        return Vec::new();
    };
    let sentence = r
        .span
        .map(|sp| s.excerpt(sp, 2000).to_ascii_lowercase())
        .unwrap_or_default();
    let who: Vec<&str> = if rule.words("who").is_empty() {
        vec!["either", "us"]
    } else {
        rule.words("who").iter().map(String::as_str).collect()
    };
    let mut hits = Vec::new();
    let controller = UNLESS.captures(&sentence).map(|c| {
        let subject = c.get(1).map_or("", |m| m.as_str());
        if [
            "either",
            "any party",
            "each party",
            "a party",
            "one party",
            "the parties",
        ]
        .iter()
        .any(|w| subject.contains(w))
        {
            Some("either")
        } else {
            let named = s
                .party_names()
                .into_iter()
                .find(|n| subject.contains(&n.to_ascii_lowercase()));
            named
                .and_then(|n| s.is_us(&n))
                .map(|us| if us { "us" } else { "counterparty" })
        }
    });
    match controller {
        None => hits.push(Hit::undetermined(
            "looked for who may stop the automatic renewal in the renewal clause and could not read it",
            r.span,
        )),
        Some(None) => hits.push(Hit::undetermined(
            format!("one named party may stop the automatic renewal, but not {WHO_ARE_WE}"),
            r.span,
        )),
        Some(Some(c)) => {
            // "either" satisfies every position; "us" satisfies "us"; …
            if c != "either" && !who.contains(&c) {
                hits.push(Hit::at(
                    if c == "counterparty" {
                        "only the counterparty may stop the automatic renewal: we are locked in"
                    } else {
                        "only we may stop the automatic renewal"
                    },
                    r.span,
                ));
            }
        }
    }
    if let Some(max) = rule.period("notice_max")
        && let Some((p, span)) = super::lifecycle::non_renewal_notice(s)
        && p.longer_than(max)
    {
        hits.push(Hit::at(
            format!(
                "notice to stop the automatic renewal is {}, longer than the playbook's maximum of {}",
                human(p),
                human(max)
            ),
            span.or(r.span),
        ));
    }
    hits
}

pub(super) fn exclusivity(rule: &EffectiveRule<'_>, input: &Input<'_>) -> Vec<Hit> {
    let s = input.s;
    let of = rule.words("of");
    let mut hits = Vec::new();
    for (name, label, r) in [
        ("exclusivity", "exclusivity", &s.exclusivity),
        ("non_compete", "the non-compete", &s.non_compete),
    ] {
        if !of.is_empty() && !of.iter().any(|o| o == name) {
            continue;
        }
        let Some(r) = r else { continue };
        // One sentence read as both exclusivity and non-compete is one restriction.
        if name == "non_compete"
            && s.exclusivity.as_ref().is_some_and(|e| e.span == r.span)
            && (of.is_empty() || of.iter().any(|o| o == "exclusivity"))
        {
            continue;
        }
        let scope = r.value.scope.to_ascii_lowercase();
        if [
            "perpetual",
            "in perpetuity",
            "irrevocabl",
            "indefinitely",
            "without limit of time",
        ]
        .iter()
        .any(|w| scope.contains(w))
        {
            hits.push(Hit::at(format!("{label} never ends"), r.span));
            continue;
        }
        let Some(d) = r.value.duration.as_deref() else {
            hits.push(Hit::undetermined(
                format!("looked for how long {label} lasts and could not read it"),
                r.span,
            ));
            continue;
        };
        let after = d
            .strip_prefix("term + ")
            .and_then(|p| Period::parse(p).ok());
        let fixed = (!d.starts_with("term"))
            .then(|| Period::parse(d).ok())
            .flatten();
        if let Some(a) = after {
            match rule.period("max_after_term") {
                Some(max) if !a.longer_than(max) => {}
                Some(max) => hits.push(Hit::at(
                    format!(
                        "{label} runs on for {} after the agreement ends, longer than the playbook's maximum of {}",
                        human(a),
                        human(max)
                    ),
                    r.span,
                )),
                None if rule.period("max_duration").is_some() => {}
                None => hits.push(Hit::at(
                    format!(
                        "{label} runs on for {} after the agreement ends",
                        human(a)
                    ),
                    r.span,
                )),
            }
        }
        if let (Some(f), Some(max)) = (fixed, rule.period("max_duration"))
            && f.longer_than(max)
        {
            hits.push(Hit::at(
                format!(
                    "{label} lasts {}, longer than the playbook's maximum of {}",
                    human(f),
                    human(max)
                ),
                r.span,
            ));
        }
    }
    hits
}
