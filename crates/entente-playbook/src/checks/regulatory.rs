//! The regulatory screens: restrictions of competition read sentence by sentence (with the safe
//! wordings that must not trigger), and the data-protection duties owed once personal data flows.

use super::{Hit, Input};
use crate::model::EffectiveRule;
use crate::subject::{Span, Subject};
use crate::text::{re, sentences};
use entente_domain::competition::Rivalry;
use entente_domain::{Period, PeriodUnit};
use regex::Regex;
use std::sync::LazyLock;

/// A sentence of the agreement (outside the definitions), lowercased for matching.
struct Sent {
    text: String,
    lower: String,
    span: Span,
}

fn all_sentences(s: &Subject) -> Vec<Sent> {
    s.clauses
        .iter()
        .filter(|c| !c.is_heading_only() && !c.has("definitions"))
        .flat_map(sentences)
        // A definition ("'Sensitive Information' means future prices …") says what a word
        // means, not what a party must do.
        .filter(|x| !DEFINITION.is_match(&x.lower))
        .map(|x| Sent {
            text: x.text,
            lower: x.lower.replace(['’', '‘'], "'"),
            span: x.span,
        })
        .collect()
}

static DEFINITION: LazyLock<Regex> =
    LazyLock::new(|| re(r#"^[^a-z]{0,12}["“][^"”]{1,60}["”]\s+(?:means|shall\s+mean|includes)\b"#));

/// A restriction a party accepts: "shall not", "neither Party shall", "refrain from".
static RESTRAINT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:shall|will|must|may)\s+not\b|\bneither\s+party\b|\bnone\s+of\s+the\s+parties\b|\brefrain\s+from\b|\b(?:agrees?|undertakes?|covenants?)\s+not\s+to\b|\bno\s+party\s+(?:shall|will|may)\b|\bis\s+prohibited\s+from\b|\bshall\s+refuse\b|\bshall\s+decline\b",
    )
});

/// Words that leave a party free: the safe wordings.
static FREEDOM: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:remains?|is|are|shall\s+remain|stays?)\s+(?:entirely\s+|fully\s+)?free\b|\bfree\s+to\b|\bfreedom\b|\bnothing\s+in\s+this\b|\bnothing\s+(?:herein|restricts|prevents|limits|shall\s+(?:restrict|prevent|limit))\b|\bindependently\s+(?:determine|set|decide)\b|\b(?:sole|own)\s+(?:and\s+absolute\s+)?discretion\b|\bunilaterally\b",
    )
});

// ----- competition ------------------------------------------------------------------------

static PRICE_TERMS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:(?:same|identical|uniform|common|agreed|joint|harmoni[sz]ed|aligned)\s+(?:list\s+|resale\s+|retail\s+|sales?\s+|selling\s+|customer\s+)?(?:prices?|pricing|price\s+lists?|tariffs?|discounts?|rebates?)|(?:fix|set|agree(?:\s+on|\s+upon)?|align|coordinate|harmoni[sz]e|determine\s+jointly)\s+(?:their|the|its|each\s+party's)?\s*(?:selling\s+|resale\s+|list\s+|retail\s+|customer\s+)?(?:prices|pricing|price\s+increases?|discounts)|minimum\s+(?:resale\s+|retail\s+|selling\s+)?prices?|(?:sell|offer|quote)\b[^.;]{0,50}\bbelow\b[^.;]{0,30}\bprices?|price\s+increases?\b[^.;]{0,60}\b(?:jointly|together|at\s+the\s+same\s+time|simultaneously))\b",
    )
});
static PRICE_BINDING: LazyLock<Regex> = LazyLock::new(|| {
    re(r"\b(?:shall|will|must|agree|agrees|undertake|undertakes|bound|binding|required)\b")
});
/// Prices one party pays the other under the cooperation, not prices charged to the market.
static PRICE_BETWEEN: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:payable\s+(?:by|to)|shall\s+pay|transfer\s+prices?|(?:offer|grant|give|extend)\s+the\s+same\s+(?:discount|price|prices|terms)\s+to|price\s+(?:payable|paid)\s+by\s+(?:the\s+)?(?:other\s+)?party|(?:supplies|supplied)\s+to\s+the\s+other\s+party)\b",
    )
});

static OUTPUT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:(?:limit|restrict|cap|reduce|curtail|freeze)\s+(?:its|their|the|each\s+party's)?\s*(?:own\s+|annual\s+|total\s+)?(?:production|output|capacity|capacities|volumes?|sales\s+volumes?|supply\s+volumes?)|(?:produce|manufacture|sell|supply|deliver|ship)\s+(?:more|in\s+excess)\s+(?:than|of)|(?:production|output|sales|volume|capacity)\s+(?:quotas?|caps?|ceilings?)|not\s+(?:exceed|increase|expand)\b[^.;]{0,40}\b(?:production|output|capacity|volumes?))\b",
    )
});

static SELLING: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:sell|sells|sale|sales|selling|offer|market|supply|promote|distribute|solicit|approach|serve|bid|tender|canvass)\w*\b",
    )
});
static ALLOCATED: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:the\s+other\s+party's\s+(?:territory|territories|region|regions|customers|market|markets|countries|area|accounts)|(?:territory|territories|region|customers?|markets?|area|accounts)\s+(?:reserved|allocated)\s+to|allocated\s+(?:territory|territories|region|regions|customers|accounts)|customers\s+(?:of|served\s+by)\s+the\s+other\s+party|each\s+other's\s+(?:territor\w+|regions?|customers|markets?|accounts)|(?:only|exclusively)\s+(?:in|within|to\s+customers\s+in)\s+(?:its|their)\s+(?:own\s+)?(?:territory|region|area))\b",
    )
});
/// Requests a customer makes on its own initiative.
static PASSIVE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:even\s+(?:if|where|when|in\s+response\s+to|on|upon|at\s+the)\s+(?:an?\s+)?(?:unsolicited|request|requested|approached|asked|customer's\s+request|the\s+customer's\s+(?:own\s+)?(?:request|initiative))|(?:unsolicited|passive)\s+(?:requests?|orders?|sales|enquir\w+|inquir\w+|approaches)|on\s+(?:its|their|the\s+customer's)\s+own\s+initiative)",
    )
});
static ACTIVE_ONLY: LazyLock<Regex> = LazyLock::new(|| re(r"\bactive(?:ly)?\b"));
static ALLOWS_PASSIVE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:may|free\s+to|entitled\s+to|nothing[^.;]{0,60})\s*(?:\w+\s+){0,3}(?:respond|accept|fulfil|fulfill|serve|answer|sell)\w*\b[^.;]{0,60}\b(?:unsolicited|passive|own\s+initiative)",
    )
});

static RND: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:research|development|r&d|r\s*&\s*d|develop|developing)\b[^.;]{0,120}\b(?:independently|on\s+its\s+own|on\s+their\s+own|alone|with\s+(?:any\s+)?third\s+part(?:y|ies)|outside\s+(?:this\s+agreement|the\s+project|the\s+cooperation))\b|\b(?:independently|alone|with\s+(?:any\s+)?third\s+part(?:y|ies))\b[^.;]{0,60}\b(?:research|development|r&d)\b",
    )
});
/// Limits on using the other's confidential material, which leave independent R&D free.
static USE_OF_THEIRS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\bconfidential\b|\bthe\s+other\s+party's\s+(?:information|know-how|technology|background)|\bbackground\s+(?:ip|intellectual)",
    )
});

static CHALLENGE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:challenge|contest|oppose|dispute|attack|impugn|question)\w*\b[^.;]{0,80}\b(?:validity|patents?|intellectual\s+property|ip\s+rights|trade\s*marks?|registrations?|ownership)\b|\bno[- ]challenge\b",
    )
});
static TERMINATION: LazyLock<Regex> = LazyLock::new(|| re(r"\bterminat\w*"));

static LICENSING: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:grant|license|licence|licensing|licencing)\w*\b[^.;]{0,100}\bthird\s+part(?:y|ies)\b|\bthird\s+part(?:y|ies)\b[^.;]{0,60}\b(?:licen[cs]es?)\b",
    )
});
static SUBLICENCE: LazyLock<Regex> = LazyLock::new(|| re(r"\bsub-?licen[cs]\w*"));
static CONSENT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\bwithout\s+(?:the\s+)?(?:other(?:\s+party)?'s\s+)?(?:prior\s+)?(?:written\s+)?(?:consent|approval)\b",
    )
});

static EXCHANGE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:exchange|share|send|provide|disclose|communicate|report|make\s+available|give|supply|inform|notify|circulate)\w*\b[^.;]{0,80}\b(?:each\s+other|one\s+another|the\s+other\s+part(?:y|ies)|mutually|between\s+(?:them|the\s+parties))\b|\b(?:each\s+other|one\s+another|the\s+other\s+party)\b[^.;]{0,40}\b(?:exchange|share|send|provide|disclose|inform)\w*\b",
    )
});
static SENSITIVE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:(?:future|planned|intended|forthcoming|upcoming|projected|forecast|next\s+(?:year|quarter|month|season)'s?|coming\s+(?:year|quarter)'s?)\s+(?:\w+\s+){0,2}(?:prices?|pricing|price\s+lists?|tariffs?|discounts?|capacit(?:y|ies)|output|production|volumes?|sales|margins?|costs?|investments?|bids?)|(?:prices?|pricing|capacit(?:y|ies)|output)\b[^.;]{0,30}\bfor\s+the\s+(?:next|following|coming|forthcoming)\s+(?:quarter|year|month|season)|customer\s+(?:names|lists?|negotiations?|bids?|specific\s+(?:prices|terms))|customers'\s+(?:names|identities|lists?)|names\s+of\s+(?:their|its|the\s+parties')\s+customers|bids?\s+and\s+tenders|tender\s+(?:prices|offers)|pricing\s+(?:intentions|strategy|strategies|plans?)|capacity\s+plans?|production\s+plans?|(?:ongoing|current)\s+(?:customer\s+)?negotiations)\b",
    )
});
static SAFEGUARD: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:aggregated|anonymi[sz]ed|historic(?:al)?|clean\s+team|independent\s+(?:third\s+party|trustee|consultant|adviser|advisor)|outside\s+counsel\s+only|need[- ]to[- ]know)\b",
    )
});
static NO_EXCHANGE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:shall|will|must|may)\s+not\s+(?:\w+\s+){0,2}(?:exchange|share|disclose|send|provide|communicate)|\bneither\s+party\s+(?:shall|will|may)\s+(?:\w+\s+){0,2}(?:exchange|share|disclose|send|provide|communicate)|\bno\s+(?:competitively|commercially)\s+sensitive\b|\bnot\s+be\s+(?:exchanged|shared|disclosed)",
    )
});

static RESTRICTIVE_COVENANT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\bnon[- ]compet\w*|\b(?:compete|competing)\s+(?:with|against)\b|\b(?:engage|participate|invest|be\s+(?:involved|interested|concerned))\w*\s+in\s+any\s+(?:business|activity|undertaking|venture)\b|\bexclusiv\w+",
    )
});
static BROAD_SCOPE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:any\s+(?:business|products?|services?|activit(?:y|ies)|field|fields|market|markets|technology|technologies|undertaking|venture)|worldwide|world-wide|anywhere\s+in\s+the\s+world|in\s+any\s+(?:country|territory|field|market)|all\s+(?:markets|fields|products))\b",
    )
});
static NARROW_SCOPE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:the\s+(?:field|scope)\s+of\s+(?:the\s+)?(?:project|cooperation|collaboration|agreement|joint\s+development)|contract\s+products?|limited\s+to|solely\s+(?:in|within|for|to)|only\s+(?:in|within|for|to)\s+(?:the\s+)?(?:project|field|contract|joint)|directly\s+competing\s+with\s+the\s+(?:joint|contract|project))\b",
    )
});
static AFTER_END: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:after|following|beyond)\s+(?:the\s+)?(?:termination|expiry|expiration|end|term)\b|\bafter\s+(?:it|this\s+agreement|the\s+agreement)\s+(?:ends|expires|terminates|is\s+terminated)\b|\bthereafter\b|\bpost[- ]termination\b",
    )
});
static FOREVER: LazyLock<Regex> = LazyLock::new(|| {
    re(r"\b(?:perpetual\w*|in\s+perpetuity|indefinitely|forever|for\s+all\s+time)\b")
});

/// One sentence-level competition screen: the sentence matches and no safe wording saves it.
fn screen_sentence(screen: &str, x: &Sent) -> Option<String> {
    let l = &x.lower;
    let restrains = RESTRAINT.is_match(l);
    match screen {
        "price_fixing" => {
            let m = PRICE_TERMS.find(l)?;
            (PRICE_BINDING.is_match(l) && !FREEDOM.is_match(l) && !PRICE_BETWEEN.is_match(l)).then(
                || {
                    format!(
                        "binds the parties to prices charged to third parties (“{}”)",
                        m.as_str()
                    )
                },
            )
        }
        "output_limitation" => {
            let m = OUTPUT.find(l)?;
            (!FREEDOM.is_match(l)).then(|| format!("limits output or sales (“{}”)", m.as_str()))
        }
        "market_allocation" => {
            if !restrains || !SELLING.is_match(l) || FREEDOM.is_match(l) {
                return None;
            }
            let m = ALLOCATED.find(l)?;
            // Only active sales restricted, passive sales expressly allowed: see passive_sales.
            if ACTIVE_ONLY.is_match(l) && ALLOWS_PASSIVE.is_match(l) {
                return None;
            }
            Some(format!(
                "allocates territories or customers between the parties (“{}”)",
                m.as_str()
            ))
        }
        "passive_sales" => {
            let m = PASSIVE.find(l)?;
            let allowed = ALLOWS_PASSIVE.is_match(l) || FREEDOM.is_match(l);
            (restrains && !allowed).then(|| {
                format!(
                    "restricts sales to customers who approach a party on their own initiative (“{}”)",
                    m.as_str().trim()
                )
            })
        }
        "rnd_restriction" => {
            let m = RND.find(l)?;
            (restrains && !FREEDOM.is_match(l) && !USE_OF_THEIRS.is_match(l)).then(|| {
                "restricts a party's freedom to carry out research and development independently or with third parties".to_owned()
            })
            .map(|s| format!("{s} (“{}”)", shorten(m.as_str())))
        }
        "no_challenge" => {
            let m = CHALLENGE.find(l)?;
            // Termination when the other party challenges is allowed; a promise not to
            // challenge is not.
            let no_challenge = m.as_str().starts_with("no") || restrains;
            (no_challenge && !TERMINATION.is_match(l) && !FREEDOM.is_match(l)).then(|| {
                format!(
                    "a party promises not to challenge the other's intellectual property (“{}”)",
                    shorten(m.as_str())
                )
            })
        }
        "licensing_ban" => {
            let m = LICENSING.find(l)?;
            // A licence that needs the other's consent (typical of jointly owned results) is
            // not a ban.
            (restrains && !SUBLICENCE.is_match(l) && !FREEDOM.is_match(l) && !CONSENT.is_match(l))
                .then(|| {
                    format!(
                        "forbids granting licences to third parties (“{}”)",
                        shorten(m.as_str())
                    )
                })
        }
        "information_exchange" => {
            let m = SENSITIVE.find(l)?;
            (EXCHANGE.is_match(l) && !NO_EXCHANGE.is_match(l) && !SAFEGUARD.is_match(l)).then(
                || {
                    format!(
                        "the parties exchange competitively sensitive information (“{}”) with no safeguard such as a clean team",
                        m.as_str()
                    )
                },
            )
        }
        _ => None,
    }
}

fn shorten(s: &str) -> String {
    let words: Vec<&str> = s.split_whitespace().collect();
    if words.len() > 12 {
        format!("{} …", words[..12].join(" "))
    } else {
        words.join(" ")
    }
}

/// `competition` rules.
pub(super) fn competition(rule: &EffectiveRule<'_>, input: &Input<'_>) -> Vec<Hit> {
    let s = input.s;
    match rule.word("screen") {
        Some("block_exemption") => block_exemption(rule, s),
        Some("restriction_scope") => restriction_scope(rule, s),
        Some("information_exchange") if CLEAN_TEAM.is_match(&s.text.to_ascii_lowercase()) => {
            // A clean team (named anywhere) is the safeguard the screen asks for.
            Vec::new()
        }
        Some(screen) => all_sentences(s)
            .iter()
            .filter_map(|x| screen_sentence(screen, x).map(|m| Hit::at(m, Some(x.span))))
            .take(10)
            .collect(),
        None => Vec::new(),
    }
}

static CLEAN_TEAM: LazyLock<Regex> = LazyLock::new(|| re(r"\bclean[- ]team\b"));

fn block_exemption(rule: &EffectiveRule<'_>, s: &Subject) -> Vec<Hit> {
    let Some(c) = &s.competitors else {
        // Nobody said whether the parties compete: the screen has nothing to go on, and
        // saying so on every agreement would bury the findings that matter.
        return Vec::new();
    };
    if c.competing == Rivalry::None {
        return Vec::new();
    }
    let max = rule.number("max_share").unwrap_or(0.25) * 100.0;
    let who = format!(
        "the parties are {} competitors{}",
        c.competing,
        if c.markets.is_empty() {
            String::new()
        } else {
            format!(" in {}", c.markets.join("; "))
        }
    );
    match c.combined_share {
        None => vec![Hit::undetermined(
            format!(
                "{who}, but their combined market share is not entered: the block exemption needs it to be at most {max} %"
            ),
            None,
        )],
        Some(share) if share.percent() > max => vec![Hit::at(
            format!(
                "{who} with a combined market share of {share}, above the {max} % up to which the block exemption is available: the agreement needs an individual assessment under Article 101(3) TFEU"
            ),
            None,
        )],
        Some(_) => Vec::new(),
    }
}

fn restriction_scope(rule: &EffectiveRule<'_>, s: &Subject) -> Vec<Hit> {
    let max_after = rule
        .period("max_after_term")
        .or_else(|| Period::new(1, PeriodUnit::Years).ok());
    let mut hits = Vec::new();
    for x in all_sentences(s) {
        // A non-exclusive licence restricts nobody.
        let l = &x
            .lower
            .replace("non-exclusive", "")
            .replace("non exclusive", "");
        if !RESTRICTIVE_COVENANT.is_match(l) || FREEDOM.is_match(l) || !RESTRAINT.is_match(l) {
            continue;
        }
        let mut why = Vec::new();
        if let Some(m) = BROAD_SCOPE.find(l)
            && !NARROW_SCOPE.is_match(l)
        {
            why.push(format!("reaches beyond the cooperation (“{}”)", m.as_str()));
        }
        if FOREVER.is_match(l) {
            why.push("has no end".to_owned());
        } else if AFTER_END.is_match(l)
            && let Some(p) = crate::text::period_in(l)
            && let Some(limit) = max_after
            && p.longer_than(limit)
        {
            why.push(format!(
                "runs on for {} after the agreement ends (more than {})",
                p.human(),
                limit.human()
            ));
        }
        if !why.is_empty() {
            hits.push(Hit::at(
                format!("a non-compete or exclusivity {}", why.join(" and ")),
                Some(x.span),
            ));
        }
    }
    hits.truncate(10);
    hits
}

// ----- data protection --------------------------------------------------------------------

static PERSONAL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:personal\s+(?:data|information)|special\s+categor(?:y|ies)\s+of\s+(?:personal\s+)?data|data\s+subjects?)\b",
    )
});
static CATEGORY: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:names?|e-?mail\s+addresses?|home\s+addresses?|postal\s+addresses?|(?:tele)?phone\s+numbers?|mobile\s+numbers?|dates?\s+of\s+birth|(?:minute-by-minute\s+|real-time\s+|historic(?:al)?\s+)?(?:location|gps|geolocation|position)\s+(?:data|histor(?:y|ies)|traces?|records?|positions?)|geolocation|health\s+(?:data|records?)|medical\s+records?|biometric\s+data|ip\s+addresses|driving\s+behaviou?r|payroll\s+data|salary\s+data|identification\s+numbers?|licen[cs]e\s+plates?|photographs?)\b",
    )
});
static SUBJECTS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:drivers?|employees?|staff|workers?|patients?|consumers?|end[- ]users?|users?|individuals?|natural\s+persons?|citizens|residents|students|passengers|members|participants|volunteers|visitors|subscribers|cardholders|riders|contacts)\b",
    )
});
static NOT_PERSONAL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\bno\s+personal\s+(?:data|information)\b|\bnot\s+(?:share|disclose|exchange|process|transfer|provide|send|receive)\w*\s+(?:any\s+)?personal\b|\bdoes\s+not\s+(?:involve|require)\s+(?:the\s+)?(?:sharing|processing|exchange|transfer)\s+of\s+(?:any\s+)?personal|\banonymi[sz]ed\b|\bnon-personal\b",
    )
});

/// Personal data flowing under the agreement: the first sentence that shows it, and what it
/// names (categories and data subjects).
struct Flow {
    span: Span,
    categories: Vec<String>,
    subjects: Vec<String>,
    /// Who receives it, where a sentence names them ("to Geotrack Inc.", "with Peakline").
    recipients: Vec<String>,
}

/// A named recipient after "to" or "with": capitalised words, a legal form included.
static RECIPIENT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:send|transfer|transmit|disclos|provid|shar|ship|upload|giv|make\s+available|pass)\w*\b[^.;]{0,100}?\b(?:to|with)\s+([A-Z][\w&'’\-]*\.?(?:\s+[A-Z][\w&'’\-]*\.?){0,4})",
    )
});

/// Capitalised words that name a part of the document, not a recipient.
const NOT_RECIPIENTS: &[&str] = &[
    "Schedule",
    "Annex",
    "Appendix",
    "Clause",
    "Article",
    "Section",
    "Exhibit",
    "This",
    "The Agreement",
    "Agreement",
    "Article 28",
    "Applicable",
];

fn recipients(text: &str) -> Vec<String> {
    RECIPIENT
        .captures_iter(text)
        .filter_map(|c| c.get(1))
        .map(|m| {
            let n = m.as_str().trim_end_matches(['.', ',']).trim();
            // "to Brandt's sites" names Brandt.
            n.strip_suffix("'s")
                .or_else(|| n.strip_suffix("’s"))
                .unwrap_or(n)
                .to_owned()
        })
        .map(|n| {
            // "Inc" lost its full stop to the trim above.
            if n.ends_with(" Inc") || n.ends_with(" Corp") {
                format!("{n}.")
            } else {
                n
            }
        })
        .filter(|n| !NOT_RECIPIENTS.iter().any(|w| n.starts_with(w)))
        .collect()
}

fn flow(s: &Subject, sents: &[Sent]) -> Option<Flow> {
    let whole = s.text.to_ascii_lowercase();
    if re_no_data().is_match(&whole) {
        return None;
    }
    let mut found: Option<Flow> = None;
    for x in sents {
        let l = &x.lower;
        if NOT_PERSONAL.is_match(l) {
            continue;
        }
        let personal = PERSONAL.is_match(l);
        let cats: Vec<String> = CATEGORY
            .find_iter(l)
            .map(|m| m.as_str().to_owned())
            .collect();
        let subs: Vec<String> = SUBJECTS
            .find_iter(l)
            .map(|m| m.as_str().to_owned())
            .collect();
        if !(personal || (!cats.is_empty() && !subs.is_empty())) {
            continue;
        }
        let to = recipients(&x.text);
        match &mut found {
            None => {
                found = Some(Flow {
                    span: x.span,
                    categories: cats,
                    subjects: subs,
                    recipients: to,
                })
            }
            Some(f) => {
                for r in to {
                    if !f.recipients.contains(&r) {
                        f.recipients.push(r);
                    }
                }
                for c in cats {
                    if !f.categories.contains(&c) {
                        f.categories.push(c);
                    }
                }
                for c in subs {
                    if !f.subjects.contains(&c) {
                        f.subjects.push(c);
                    }
                }
            }
        }
    }
    found
}

/// The agreement says in so many words that no personal data is involved.
fn re_no_data() -> &'static Regex {
    static R: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"\bno\s+personal\s+(?:data|information)\s+(?:will|shall|is\s+to|are\s+to|may)\s+be\s+(?:shared|disclosed|exchanged|processed|transferred|provided)|\bdoes\s+not\s+(?:involve|require)\s+(?:the\s+)?(?:sharing|processing|exchange|transfer)\s+of\s+(?:any\s+)?personal",
        )
    });
    &R
}

impl Flow {
    fn describe(&self) -> String {
        let mut s = "personal data flows under the agreement".to_owned();
        if !self.categories.is_empty() {
            s.push_str(&format!(" ({})", self.categories.join(", ")));
        }
        if !self.subjects.is_empty() {
            s.push_str(&format!(", about {}", self.subjects.join(", ")));
        }
        if !self.recipients.is_empty() {
            s.push_str(&format!(", to {}", self.recipients.join(", ")));
        }
        s
    }

    fn lacks(&self, what: &str) -> Hit {
        Hit {
            message: format!("{}, but {what}", self.describe()),
            span: Some(self.span),
            missing: true,
            undetermined: false,
        }
    }
}

static ROLES: LazyLock<Regex> =
    LazyLock::new(|| re(r"\b(?:controllers?|processors?|sub-?processors?|joint\s+controll\w+)\b"));
static INDEPENDENT_CONTROLLERS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:independent|separate|autonomous)\s+(?:data\s+)?controllers?\b|\beach\s+party\s+(?:acts|shall\s+act|is)\s+(?:as\s+)?(?:an?\s+)?(?:independent\s+)?(?:data\s+)?controller\b",
    )
});
static JOINT: LazyLock<Regex> = LazyLock::new(|| re(r"\bjoint\s+(?:data\s+)?controll\w+"));
static ART26: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:article|art\.?)\s*26\b|\bjoint\s+controll\w+\s+(?:arrangement|agreement)\b|\brespective\s+responsibilities\b",
    )
});
static ART28: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:article|art\.?)\s*28\b|\bdata\s+processing\s+(?:agreement|addendum|terms|schedule)\b|\bdpa\b|\b(?:only|solely)\s+(?:on|in\s+accordance\s+with)\s+(?:the\s+)?(?:documented\s+)?(?:written\s+)?instructions\b|\bprocessor\s+terms\b",
    )
});
static MECHANISM: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\bstandard\s+contractual\s+clauses\b|\bsccs?\b|\badequacy\s+decision\b|\bbinding\s+corporate\s+rules\b|\bbcrs?\b|\bdata\s+privacy\s+framework\b|\binternational\s+data\s+transfer\s+(?:agreement|addendum)\b|\bidta\b|\buk\s+addendum\b|\b(?:article|art\.?)\s*4[5-7]\b",
    )
});
static ABROAD: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:united\s+states|u\.s\.|usa|us[- ](?:based|company|entity|corporation|subsidiary|servers?|data\s+cent(?:er|re)s?)|american|delaware|california|india|china|singapore|australia|brazil|russia|turkey|mexico|philippines|south\s+africa|united\s+arab\s+emirates|hong\s+kong|outside\s+(?:the\s+)?(?:eea|european\s+economic\s+area|european\s+union|eu|united\s+kingdom|uk)|third\s+countr(?:y|ies))\b",
    )
});
static EUROPEAN: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:gdpr|eea|european\s+(?:union|economic\s+area)|uk\s+gdpr|regulation\s+\(eu\)\s+2016/679)\b",
    )
});
static STAYS_HOME: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:shall|will|must)\s+not\s+(?:\w+\s+){0,3}(?:transfer|send|store|export|access)\w*\b[^.;]{0,80}\boutside\b|\b(?:only|solely|exclusively)\s+(?:with)?in\s+the\s+(?:eea|european\s+(?:union|economic\s+area))\b",
    )
});
/// Countries outside the EEA and the United Kingdom that the EU has found adequate
/// (Switzerland, Japan …): data may go there without a further transfer mechanism.
const ADEQUATE_COUNTRIES: &[&str] = &[
    "Switzerland",
    "Japan",
    "Israel",
    "New Zealand",
    "Argentina",
    "Uruguay",
    "Canada",
    "Andorra",
    "Guernsey",
    "Jersey",
    "Isle of Man",
    "Faroe Islands",
    "South Korea",
    "Republic of Korea",
];
/// The EEA and the United Kingdom, where the GDPR or the UK GDPR applies.
const GDPR_COUNTRIES: &[&str] = &[
    "Austria",
    "Belgium",
    "Bulgaria",
    "Croatia",
    "Cyprus",
    "Czech Republic",
    "Czechia",
    "Denmark",
    "Estonia",
    "Finland",
    "France",
    "Germany",
    "Greece",
    "Hungary",
    "Ireland",
    "Italy",
    "Latvia",
    "Lithuania",
    "Luxembourg",
    "Malta",
    "Netherlands",
    "The Netherlands",
    "Poland",
    "Portugal",
    "Romania",
    "Slovakia",
    "Slovenia",
    "Spain",
    "Sweden",
    "Iceland",
    "Liechtenstein",
    "Norway",
    "United Kingdom",
];
static BREACH: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:(?:personal\s+)?data\s+breach\w*|security\s+(?:incident|breach)\w*|breach\w*\s+of\s+security|unauthori[sz]ed\s+(?:access|disclosure))\b",
    )
});
static NOTIFY: LazyLock<Regex> =
    LazyLock::new(|| re(r"\b(?:notif\w+|inform\w*|report\w*|tell|alert\w*)\b"));
static WITHIN: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(\d+|one|two|three|four|five|six|seven|ten|fourteen|thirty|twenty-four|forty-eight|seventy-two)\s*(?:\(\d+\)\s*)?(hours?|business\s+days?|working\s+days?|calendar\s+days?|days?|weeks?)\b",
    )
});
static RETURN_DELETE: LazyLock<Regex> =
    LazyLock::new(|| re(r"\b(?:return\w*|delet\w+|destr\w+|eras\w+|purg\w+)\b"));
static AT_END: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:terminat\w+|expir\w+|end\s+of|ends?\b|cessation|completion|no\s+longer\s+(?:needed|necessary|required))",
    )
});
static DATA: LazyLock<Regex> = LazyLock::new(|| re(r"\bdata\b"));
static PURPOSE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:only|solely|exclusively)\s+(?:for|to\s+the\s+extent\s+necessary\s+for|as\s+necessary\s+for)\s+(?:the\s+)?(?:purposes?|performance|provision|project)|\bfor\s+no\s+other\s+purpose|\bpurpose\s+limitation\b|\bnot\s+(?:\w+\s+){0,2}(?:use|process)\w*\b[^.;]{0,60}\bfor\s+any\s+(?:other|further|different)\s+purpose|\b(?:only|solely)\s+(?:to|in\s+order\s+to)\s+(?:perform|provide|carry\s+out|deliver)\b|\bspecified\s+purposes?\b",
    )
});
static PROCESSING: LazyLock<Regex> = LazyLock::new(|| re(r"\b(?:data|process\w*)\b"));

fn hours(n: &str, unit: &str) -> Option<u32> {
    let n: u32 = match n {
        "one" => 1,
        "two" => 2,
        "three" => 3,
        "four" => 4,
        "five" => 5,
        "six" => 6,
        "seven" => 7,
        "ten" => 10,
        "fourteen" => 14,
        "thirty" => 30,
        "twenty-four" => 24,
        "forty-eight" => 48,
        "seventy-two" => 72,
        d => d.parse().ok()?,
    };
    Some(if unit.starts_with("hour") {
        n
    } else if unit.starts_with("week") {
        n * 7 * 24
    } else if unit.starts_with("business") || unit.starts_with("working") {
        // A business day can end a weekend later: count the calendar days it may span.
        n * 24 + if n >= 1 { 48 } else { 0 }
    } else {
        n * 24
    })
}

/// `data_protection` rules.
pub(super) fn data_protection(rule: &EffectiveRule<'_>, input: &Input<'_>) -> Vec<Hit> {
    let s = input.s;
    let sents = all_sentences(s);
    let Some(f) = flow(s, &sents) else {
        return Vec::new();
    };
    let whole: String = sents
        .iter()
        .map(|x| x.lower.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    match rule.word("screen") {
        Some("roles") => {
            if ROLES.is_match(&whole) {
                Vec::new()
            } else {
                vec![f.lacks(
                    "no clause says which party is controller, processor or joint controller",
                )]
            }
        }
        Some("processing_terms") => {
            if JOINT.is_match(&whole) {
                if ART26.is_match(&whole) {
                    return Vec::new();
                }
                return vec![f.lacks("the joint controllers have no arrangement setting out their respective responsibilities (Art. 26)")];
            }
            if INDEPENDENT_CONTROLLERS.is_match(&whole) || ART28.is_match(&whole) {
                return Vec::new();
            }
            vec![f.lacks("there are no processor terms (Art. 28(3)) and no joint-controller arrangement (Art. 26)")]
        }
        Some("international_transfer") => transfer(s, &sents, &whole, &f),
        // Independent controllers each owe the authority their own notification and keep
        // their own data; these duties are a processor's or joint controllers' to agree.
        Some("breach_notification" | "return_or_deletion")
            if INDEPENDENT_CONTROLLERS.is_match(&whole) && !JOINT.is_match(&whole) =>
        {
            Vec::new()
        }
        // Processor terms (a data processing agreement) bind the processor to the
        // controller's purposes and to return or delete the data at the end.
        Some("return_or_deletion" | "purpose_limitation") if ART28.is_match(&whole) => Vec::new(),
        Some("breach_notification") => {
            let mut stated = None;
            for x in &sents {
                if !(BREACH.is_match(&x.lower) && NOTIFY.is_match(&x.lower)) {
                    continue;
                }
                let slow = WITHIN.captures_iter(&x.lower).find_map(|c| {
                    let h = hours(c.get(1)?.as_str(), c.get(2)?.as_str())?;
                    (h > 72).then(|| (c.get(0).map_or("", |m| m.as_str()).to_owned(), h))
                });
                match slow {
                    Some((said, _)) => {
                        return vec![Hit::at(
                            format!(
                                "a personal data breach is notified only within {said}, too late for the controller to notify the supervisory authority within 72 hours"
                            ),
                            Some(x.span),
                        )];
                    }
                    None => stated = Some(x.span),
                }
            }
            match stated {
                Some(_) => Vec::new(),
                None => {
                    vec![f.lacks(
                        "no clause says that a personal data breach is notified, or how fast",
                    )]
                }
            }
        }
        Some("return_or_deletion") => {
            let ok = sents.iter().any(|x| {
                RETURN_DELETE.is_match(&x.lower)
                    && AT_END.is_match(&x.lower)
                    && (DATA.is_match(&x.lower) || PERSONAL.is_match(&x.lower))
            });
            if ok {
                Vec::new()
            } else {
                vec![f.lacks(
                    "nothing says the personal data is returned or deleted when the agreement ends",
                )]
            }
        }
        Some("purpose_limitation") => {
            let ok = sents
                .iter()
                .any(|x| PURPOSE.is_match(&x.lower) && PROCESSING.is_match(&x.lower));
            if ok {
                Vec::new()
            } else {
                vec![f.lacks("nothing limits the purposes for which it may be used")]
            }
        }
        _ => Vec::new(),
    }
}

fn transfer(s: &Subject, sents: &[Sent], whole: &str, f: &Flow) -> Vec<Hit> {
    if MECHANISM.is_match(whole) {
        return Vec::new();
    }
    let countries: Vec<(String, Option<String>)> = s
        .parties
        .iter()
        .map(|p| {
            (
                p.name.clone(),
                p.jurisdiction
                    .as_deref()
                    .and_then(entente_analysis::country_of),
            )
        })
        .collect();
    let european = countries
        .iter()
        .any(|(_, c)| c.as_deref().is_some_and(|c| GDPR_COUNTRIES.contains(&c)))
        || EUROPEAN.is_match(whole);
    if !european {
        return Vec::new();
    }
    // A recipient abroad named where the data goes.
    for x in sents {
        let l = &x.lower;
        if STAYS_HOME.is_match(l) {
            continue;
        }
        let about_data = PERSONAL.is_match(l)
            || (CATEGORY.is_match(l) && SUBJECTS.is_match(l))
            || x.span == f.span;
        if !about_data {
            continue;
        }
        if let Some(m) = ABROAD.find(l) {
            return vec![Hit::at(
                format!(
                    "{}; it goes outside the EEA (“{}”) with no transfer mechanism (adequacy decision, standard contractual clauses or binding corporate rules)",
                    f.describe(),
                    m.as_str()
                ),
                Some(x.span),
            )];
        }
    }
    if STAYS_HOME.is_match(whole) {
        return Vec::new();
    }
    // A party established outside the EEA and the adequate countries receives it.
    if let Some((name, Some(country))) = countries.iter().find(|(_, c)| {
        c.as_deref()
            .is_some_and(|c| !GDPR_COUNTRIES.contains(&c) && !ADEQUATE_COUNTRIES.contains(&c))
    }) {
        return vec![Hit {
            message: format!(
                "{}, and {name} is established in {country}, outside the EEA, with no transfer mechanism (adequacy decision, standard contractual clauses or binding corporate rules)",
                f.describe()
            ),
            span: Some(f.span),
            missing: true,
            undetermined: false,
        }];
    }
    let _ = s;
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sent(t: &str) -> Sent {
        Sent {
            text: t.to_owned(),
            lower: t.to_ascii_lowercase().replace('’', "'"),
            span: Span { start: 0, end: 0 },
        }
    }

    #[test]
    fn hardcore_wording_triggers_and_safe_wording_does_not() {
        let yes = [
            (
                "price_fixing",
                "Each Party shall apply the same list prices to its customers as set out in Schedule 2.",
            ),
            (
                "market_allocation",
                "Neither Party shall sell or offer Fleet Software in the other Party's Region.",
            ),
            (
                "passive_sales",
                "Neither Party shall sell in the other Party's Region, even on request from a customer there.",
            ),
            (
                "no_challenge",
                "Each Party agrees not to challenge the validity of any patent of the other Party.",
            ),
            (
                "information_exchange",
                "Each Party shall send the other Party its prices for the next quarter and the names of its customers.",
            ),
        ];
        for (screen, t) in yes {
            assert!(screen_sentence(screen, &sent(t)).is_some(), "{screen}: {t}");
        }
        let no = [
            (
                "price_fixing",
                "Each Party remains free to determine its own prices.",
            ),
            (
                "market_allocation",
                "Nothing in this Agreement restricts either Party from selling to any customer.",
            ),
            (
                "no_challenge",
                "Either Party may terminate this Agreement if the other Party challenges the validity of any of its patents.",
            ),
            (
                "rnd_restriction",
                "Each Party remains free to carry out research and development independently, alone or with third parties.",
            ),
            (
                "information_exchange",
                "Neither Party shall disclose its future prices to the other Party.",
            ),
        ];
        for (screen, t) in no {
            assert!(screen_sentence(screen, &sent(t)).is_none(), "{screen}: {t}");
        }
    }

    #[test]
    fn recipients_are_the_names_data_goes_to() {
        assert_eq!(
            recipients(
                "Routemaster shall send the names of drivers to Geotrack Inc., a company established in the United States."
            ),
            ["Geotrack Inc."]
        );
        assert_eq!(
            recipients("Harrow shall share with Peakline the e-mail addresses of its members."),
            ["Peakline"]
        );
        assert!(recipients("as set out in Schedule 3 and according to Article 28").is_empty());
    }

    #[test]
    fn notification_periods_are_counted_in_hours() {
        assert_eq!(hours("seventy-two", "hours"), Some(72));
        assert_eq!(hours("5", "days"), Some(120));
        assert_eq!(hours("2", "business days"), Some(96));
    }
}
