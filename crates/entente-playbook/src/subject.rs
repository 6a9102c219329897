//! What a playbook is checked against: an agreement's text, clauses, terms, obligations and finer
//! analysis results, each with its character span; values a person entered can be laid over.

use crate::model::Tier;
use entente_analysis::Analysis;
use entente_domain::agreement::AgreementKind;
use entente_domain::competition::CompetitorContext;
use entente_domain::obligation::{DueRule, Metric};
use entente_domain::terms::{Source, TermField, TermValue, Terms};
use entente_domain::{Money, Period};
use serde_json::Value;
use std::collections::BTreeMap;

/// A character range of the agreement's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// Start (characters).
    pub start: usize,
    /// End (characters, exclusive).
    pub end: usize,
}

/// A value and where it was found.
#[derive(Debug, Clone, PartialEq)]
pub struct Located<T> {
    /// The value.
    pub value: T,
    /// Where, when known (a value a person entered has no span).
    pub span: Option<Span>,
}

/// A party and the names the text uses for it.
#[derive(Debug, Clone, PartialEq)]
pub struct SubjectParty {
    /// Legal name.
    pub name: String,
    /// Defined short names ("Northwind", "the Sponsor").
    pub aliases: Vec<String>,
    /// Where it is registered ("England and Wales", "Delaware"), when stated.
    pub jurisdiction: Option<String>,
}

/// A clause with its categories.
#[derive(Debug, Clone, PartialEq)]
pub struct SubjectClause {
    /// Number as written.
    pub number: Option<String>,
    /// Heading.
    pub heading: Option<String>,
    /// Start (characters).
    pub start: usize,
    /// End (characters, exclusive).
    pub end: usize,
    /// The clause text.
    pub text: String,
    /// Taxonomy category ids.
    pub categories: Vec<String>,
}

impl SubjectClause {
    /// Whether the clause carries category `id`.
    pub fn has(&self, id: &str) -> bool {
        self.categories.iter().any(|c| c == id)
    }

    /// A bare heading ("9. Governing Law"): its categories come from the heading alone and
    /// say nothing about what the agreement provides.
    pub fn is_heading_only(&self) -> bool {
        let t = self.text.trim();
        let body = t
            .split_once(char::is_whitespace)
            .filter(|(first, _)| first.chars().any(|c| c.is_ascii_digit()) || first.ends_with('.'))
            .map_or(t, |(_, rest)| rest);
        body.split_whitespace().count() <= 6 && !body.contains(['.', ',', ';', ':'])
    }
}

/// A duty found by analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct SubjectObligation {
    /// Who owes it.
    pub obligor: String,
    /// The duty's sentence.
    pub text: String,
    /// When it falls due.
    pub due: DueRule,
    /// Its measurable threshold.
    pub metric: Option<Metric>,
    /// Analysis judged it vague (open standard, no metric or deadline).
    pub vague: bool,
    /// Where.
    pub span: Option<Span>,
}

/// Who indemnifies.
#[derive(Debug, Clone, PartialEq)]
pub struct Indemnity {
    /// Every party indemnifies the others.
    pub mutual: bool,
    /// The indemnifying parties' names.
    pub by: Vec<String>,
    /// Indemnities one party gives alone, with their sentences (also when another clause is
    /// mutual, so a one-way indemnity is not hidden by a mutual one).
    pub one_way: Vec<Located<String>>,
}

/// One tier of the dispute clause.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DisputeTier {
    /// Which tier.
    pub tier: Tier,
    /// Its time limit, when stated.
    pub period: Option<Period>,
}

/// The confidentiality duty's duration.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Confidentiality {
    /// Stated duration.
    pub duration: Option<Period>,
    /// It runs on after the agreement ends.
    pub survives: bool,
    /// It never ends.
    pub perpetual: bool,
}

/// Renewal mechanics.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Renewal {
    /// Renews unless a party gives notice.
    pub automatic: bool,
    /// Length of each renewal.
    pub term: Option<Period>,
}

/// A right to terminate without cause.
#[derive(Debug, Clone, PartialEq)]
pub struct Convenience {
    /// Who may terminate ("either" or names).
    pub by: String,
    /// Notice required.
    pub notice: Option<Period>,
}

/// One agreement as a playbook sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Subject {
    /// Kind (selects per-kind overrides).
    pub kind: AgreementKind,
    /// Title.
    pub title: Option<String>,
    /// The analysed text (spans are character offsets into it).
    pub text: String,
    /// Parties.
    pub parties: Vec<SubjectParty>,
    /// Clauses in text order.
    pub clauses: Vec<SubjectClause>,
    /// Key terms; a term with no span was entered by a person.
    pub terms: BTreeMap<TermField, Located<TermValue>>,
    /// Duties (prohibitions excluded).
    pub obligations: Vec<SubjectObligation>,
    /// Indemnity, when found.
    pub indemnity: Option<Located<Indemnity>>,
    /// Dispute tiers in the order written, when a dispute clause was found.
    pub dispute: Option<Located<Vec<DisputeTier>>>,
    /// Confidentiality duration, when a clause was found.
    pub confidentiality: Option<Located<Confidentiality>>,
    /// Renewal, when found.
    pub renewal: Option<Located<Renewal>>,
    /// Termination for convenience, when found.
    pub convenience: Option<Located<Convenience>>,
    /// The agreement runs until terminated (no end date).
    pub indefinite: Option<Span>,
    /// Our own legal entities ("us"); empty when nobody said who we are.
    pub us: Vec<String>,
    /// Exclusivity, when found: its scope and duration as analysis wrote them.
    pub exclusivity: Option<Located<Restriction>>,
    /// Non-compete, when found.
    pub non_compete: Option<Located<Restriction>>,
    /// IP ownership rules as analysis read them ("Foreground IP: jointly owned", …).
    pub ip_ownership: Option<Located<Vec<String>>>,
    /// Periodic fees (amount per year) read from the payment terms.
    pub annual_fees: Option<Located<Money>>,
    /// Whether the parties compete, as a person entered it (none: nobody said).
    pub competitors: Option<CompetitorContext>,
}

/// An exclusivity or non-compete restriction.
#[derive(Debug, Clone, PartialEq)]
pub struct Restriction {
    /// The sentence that states it (shortened).
    pub scope: String,
    /// How long: a period, "term", or "term + P12M"; `None` when not stated.
    pub duration: Option<String>,
}

static PERIODIC_FEE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    crate::text::re(
        r"\b(annual|yearly|quarterly|monthly)\s+(?:[a-z-]+\s+){0,3}?(?:fees?|charges?|subscription|payments?|licen[cs]e fees?)\s+(?:of\s+|is\s+|shall be\s+|amounting to\s+)?(eur|usd|gbp|chf|€|\$|£)\s?(\d[\d,]*(?:\.\d+)?)|(eur|usd|gbp|chf|€|\$|£)\s?(\d[\d,]*(?:\.\d+)?)\s*(?:\([^)]{0,40}\)\s*)?(?:per|a|each|every|for each)\s+(?:calendar\s+|contract\s+)?(year|annum|quarter|month)\b",
    )
});

/// Fees per year: "an annual fee of EUR 100,000", "EUR 25,000 per quarter" (the sum when
/// several recur), with the first one's sentence. Read here rather than in analysis, so the
/// analysis of every document does not pay for it.
fn annual_fees(text: &str) -> Option<Located<Money>> {
    // ASCII lowercasing keeps byte offsets valid for the original text.
    let lower = text.to_ascii_lowercase();
    let mut total: Option<Money> = None;
    let mut span = None;
    for c in PERIODIC_FEE.captures_iter(&lower) {
        let (cur, amount, every) = match (c.get(1), c.get(4)) {
            (Some(every), _) => (c.get(2), c.get(3), every.as_str()),
            (None, Some(cur)) => (Some(cur), c.get(5), c.get(6).map_or("", |m| m.as_str())),
            _ => continue,
        };
        let (Some(cur), Some(amount)) = (cur, amount) else {
            continue;
        };
        let code = match cur.as_str() {
            "€" => "EUR",
            "$" => "USD",
            "£" => "GBP",
            other => other,
        }
        .to_ascii_uppercase();
        let Ok(m) = Money::parse(amount.as_str(), &code) else {
            continue;
        };
        let per_year: u32 = match every {
            "quarterly" | "quarter" => 4,
            "monthly" | "month" => 12,
            _ => 1,
        };
        let yearly = m.amount * rust_decimal::Decimal::from(per_year);
        let Some(whole) = c.get(0) else { continue };
        match &mut total {
            None => {
                total = Money::new(yearly, m.currency).ok();
                span = Some(Span {
                    start: text[..whole.start()].chars().count(),
                    end: text[..whole.end()].chars().count(),
                });
            }
            Some(t) if t.currency == m.currency => t.amount += yearly,
            Some(_) => {}
        }
    }
    total.map(|value| Located { value, span })
}

fn span_of(v: &Value) -> Option<Span> {
    let e = v.get("evidence")?;
    let start = usize::try_from(e.get("start")?.as_u64()?).ok()?;
    let end = usize::try_from(e.get("end")?.as_u64()?).ok()?;
    Some(Span { start, end })
}

fn period(v: Option<&Value>) -> Option<Period> {
    v.and_then(Value::as_str)
        .and_then(|s| Period::parse(s).ok())
}

impl Subject {
    /// The subject of an analysis (its kind guess included).
    pub fn from_analysis(a: &Analysis) -> Subject {
        let record = a.record();
        let json = a.to_json();
        let clauses = record
            .clauses
            .into_iter()
            .map(|c| SubjectClause {
                number: c.number,
                heading: c.heading,
                start: c.start,
                end: c.end,
                text: c.text,
                categories: c.categories,
            })
            .collect();
        let terms = record
            .terms
            .into_iter()
            .map(|t| {
                (
                    t.field,
                    Located {
                        value: t.value,
                        span: Some(Span {
                            start: t.evidence.start,
                            end: t.evidence.end,
                        }),
                    },
                )
            })
            .collect();
        let obligations = record
            .obligations
            .into_iter()
            .map(|(o, e)| SubjectObligation {
                obligor: o.obligor,
                text: o.text,
                due: o.due,
                metric: o.metric,
                vague: o.vague,
                span: Some(Span {
                    start: e.start,
                    end: e.end,
                }),
            })
            .collect();
        let parties = json
            .get("parties")
            .and_then(Value::as_array)
            .map(|ps| {
                ps.iter()
                    .filter_map(|p| {
                        Some(SubjectParty {
                            jurisdiction: p
                                .get("jurisdiction")
                                .and_then(Value::as_str)
                                .map(str::to_owned),
                            name: p.get("name")?.as_str()?.to_owned(),
                            aliases: p
                                .get("aliases")
                                .and_then(Value::as_array)
                                .map(|a| {
                                    a.iter()
                                        .filter_map(|x| x.as_str().map(str::to_owned))
                                        .collect()
                                })
                                .unwrap_or_default(),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        let field = |k: &str| json.get(k).filter(|v| !v.is_null());
        let indemnity = field("indemnity").map(|v| Located {
            value: Indemnity {
                mutual: v["value"]["kind"].as_str() == Some("mutual"),
                by: v["value"]["by"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|x| x.as_str().map(str::to_owned))
                            .collect()
                    })
                    .unwrap_or_default(),
                one_way: v["value"]["one_way"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .enumerate()
                            .filter_map(|(k, x)| {
                                Some(Located {
                                    value: x.as_str()?.to_owned(),
                                    span: v["one_way_evidence"].get(k).and_then(|e| {
                                        span_of(&serde_json::json!({ "evidence": e }))
                                    }),
                                })
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
            },
            span: span_of(v),
        });
        let dispute = field("dispute_resolution").map(|v| Located {
            value: v["value"]["tiers"]
                .as_array()
                .map(|ts| {
                    ts.iter()
                        .filter_map(|t| {
                            Some(DisputeTier {
                                tier: Tier::parse(t.get("kind")?.as_str()?)?,
                                period: period(t.get("period")),
                            })
                        })
                        .collect()
                })
                .unwrap_or_default(),
            span: span_of(v),
        });
        let confidentiality = field("confidentiality").map(|v| Located {
            value: Confidentiality {
                duration: period(v["value"].get("duration")),
                survives: v["value"]["survives"].as_bool().unwrap_or(false),
                perpetual: v["value"]["perpetual"].as_bool().unwrap_or(false),
            },
            span: span_of(v),
        });
        let renewal = field("renewal").map(|v| Located {
            value: Renewal {
                automatic: v["value"]["automatic"].as_bool().unwrap_or(false),
                term: period(v["value"].get("term")),
            },
            span: span_of(v),
        });
        let convenience = field("termination_for_convenience").map(|v| Located {
            value: Convenience {
                by: v["value"]["by"].as_str().unwrap_or("unknown").to_owned(),
                notice: period(v["value"].get("notice")),
            },
            span: span_of(v),
        });
        let restriction = |k: &str| {
            field(k).map(|v| Located {
                value: Restriction {
                    scope: v["value"]["scope"].as_str().unwrap_or_default().to_owned(),
                    duration: v["value"]["duration"].as_str().map(str::to_owned),
                },
                span: span_of(v),
            })
        };
        let exclusivity = restriction("exclusivity");
        let non_compete = restriction("non_compete");
        let ip_ownership = field("ip_ownership").map(|v| Located {
            value: v["rules"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default(),
            span: span_of(v),
        });
        let annual_fees = annual_fees(a.text());
        let indefinite = field("expiration_date")
            .filter(|v| v["perpetual"].as_bool() == Some(true))
            .and_then(span_of);
        Subject {
            kind: record.kind,
            title: record.title,
            text: a.text().to_owned(),
            parties,
            clauses,
            terms,
            obligations,
            indemnity,
            dispute,
            confidentiality,
            renewal,
            convenience,
            indefinite,
            us: Vec::new(),
            exclusivity,
            non_compete,
            ip_ownership,
            annual_fees,
            competitors: None,
        }
    }

    /// Declares our own legal entities (the tenant's, a playbook's `us`, or `--us`).
    pub fn set_us(&mut self, names: &[String]) {
        self.us = names
            .iter()
            .map(|n| n.trim().to_owned())
            .filter(|n| !n.is_empty())
            .collect();
    }

    /// The party that is us, when we are declared and one party matches a declared name.
    pub fn our_party(&self) -> Option<usize> {
        if self.us.is_empty() {
            return None;
        }
        let norm = |s: &str| {
            s.to_lowercase()
                .replace([',', '.'], "")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        };
        let us: Vec<String> = self.us.iter().map(|u| norm(u)).collect();
        self.parties.iter().position(|p| {
            std::iter::once(&p.name)
                .chain(p.aliases.iter())
                .map(|n| norm(n))
                .any(|n| {
                    us.iter().any(|u| {
                        n == *u
                            || (u.len() >= 4
                                && (n.starts_with(u.as_str())
                                    || u.starts_with(n.as_str()) && n.len() >= 4))
                    })
                })
        })
    }

    /// Whether a party name (as analysis wrote it) is us: `None` when we are unknown.
    pub fn is_us(&self, name: &str) -> Option<bool> {
        let ours = self.our_party()?;
        Some(self.party_of(name) == Some(ours))
    }

    /// Lays the values a person entered over the extracted ones (they always win).
    pub fn apply_user_terms(&mut self, terms: &Terms) {
        for (f, s) in &terms.0 {
            if let Source::User { .. } = s.source {
                self.terms.insert(
                    *f,
                    Located {
                        value: s.value.clone(),
                        span: None,
                    },
                );
                match (f, &s.value) {
                    (TermField::AutoRenewal, TermValue::Bool(b)) => {
                        let term = self.renewal.as_ref().and_then(|r| r.value.term);
                        self.renewal = Some(Located {
                            value: Renewal {
                                automatic: *b,
                                term,
                            },
                            span: None,
                        });
                    }
                    (TermField::TerminationForConvenienceNotice, TermValue::Period(p)) => {
                        let by = self
                            .convenience
                            .as_ref()
                            .map_or_else(|| "unknown".to_owned(), |c| c.value.by.clone());
                        self.convenience = Some(Located {
                            value: Convenience {
                                by,
                                notice: Some(*p),
                            },
                            span: None,
                        });
                    }
                    (TermField::ConfidentialitySurvival, TermValue::Period(p)) => {
                        self.confidentiality = Some(Located {
                            value: Confidentiality {
                                duration: Some(*p),
                                survives: true,
                                perpetual: false,
                            },
                            span: None,
                        });
                    }
                    _ => {}
                }
            }
        }
    }

    /// A term's value.
    pub fn term(&self, f: TermField) -> Option<&Located<TermValue>> {
        self.terms.get(&f)
    }

    /// A period term.
    pub fn period(&self, f: TermField) -> Option<(Period, Option<Span>)> {
        match self.terms.get(&f) {
            Some(Located {
                value: TermValue::Period(p),
                span,
            }) => Some((*p, *span)),
            _ => None,
        }
    }

    /// The contract value, when known.
    pub fn contract_value(&self) -> Option<Money> {
        match self.terms.get(&TermField::ContractValue) {
            Some(Located {
                value: TermValue::Money(m),
                ..
            }) => Some(*m),
            _ => None,
        }
    }

    /// Clauses carrying any of `ids`.
    pub fn clauses_with<'a>(
        &'a self,
        ids: &'a [&'a str],
    ) -> impl Iterator<Item = (usize, &'a SubjectClause)> + 'a {
        self.clauses
            .iter()
            .enumerate()
            .filter(move |(_, c)| !c.is_heading_only() && ids.iter().any(|id| c.has(id)))
    }

    /// Whether any clause with a body (not a bare heading) carries `id`.
    pub fn has_category(&self, id: &str) -> bool {
        self.clauses
            .iter()
            .any(|c| c.has(id) && !c.is_heading_only())
    }

    /// The first clause carrying any of `ids`, as a span.
    pub fn first_clause_with(&self, ids: &[&str]) -> Option<Span> {
        self.clauses_with(ids).next().map(|(_, c)| Span {
            start: c.start,
            end: c.end,
        })
    }

    /// Where a reader should look for a topic: the first clause with a body carrying one of
    /// `ids`, else the first sub-clause under a bare heading that carries one ("3. Term" then
    /// "3.1 This Agreement … remains in force for the period in Schedule 3").
    pub fn first_clause_on(&self, ids: &[&str]) -> Option<Span> {
        if let Some(at) = self.first_clause_with(ids) {
            return Some(at);
        }
        let heading = self
            .clauses
            .iter()
            .position(|c| c.is_heading_only() && ids.iter().any(|id| c.has(id)))?;
        self.clauses[heading + 1..]
            .iter()
            .take_while(|c| !c.is_heading_only())
            .next()
            .map(|c| Span {
                start: c.start,
                end: c.end,
            })
    }

    /// The clause holding character `at`.
    pub fn clause_at(&self, at: usize) -> Option<usize> {
        let k = self.clauses.partition_point(|c| c.end <= at);
        (k < self.clauses.len() && self.clauses[k].start <= at).then_some(k)
    }

    /// The text of a character span, whitespace squashed, at most `max` characters.
    pub fn excerpt(&self, span: Span, max: usize) -> String {
        let raw: String = self
            .text
            .chars()
            .skip(span.start)
            .take(span.end.saturating_sub(span.start))
            .collect();
        let squashed = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        if squashed.chars().count() > max {
            let cut: String = squashed.chars().take(max.saturating_sub(1)).collect();
            format!("{}…", cut.trim_end())
        } else {
            squashed
        }
    }

    /// Every name a party goes by (legal names and aliases), longest first.
    pub fn party_names(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .parties
            .iter()
            .flat_map(|p| std::iter::once(p.name.clone()).chain(p.aliases.iter().cloned()))
            .filter(|n| n.chars().count() >= 2)
            .collect();
        v.sort_by_key(|n| std::cmp::Reverse(n.len()));
        v.dedup();
        v
    }

    /// Which party (index) a name belongs to.
    pub fn party_of(&self, name: &str) -> Option<usize> {
        let n = name.trim().to_lowercase();
        self.parties.iter().position(|p| {
            p.name.to_lowercase() == n || p.aliases.iter().any(|a| a.to_lowercase() == n)
        })
    }
}
