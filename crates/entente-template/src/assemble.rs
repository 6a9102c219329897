//! Assembly: checks the variables given, applies the chosen positions, computes derived
//! values with the domain's date and money types, renders each clause's text and builds the
//! document, the parties, the terms and the obligations of the draft.

use crate::library::ClauseLibrary;
use crate::template::{ClauseRef, Op, Template};
use crate::values::{PartyValue, Value, date_text, percent_text, period_text};
use crate::{DraftError, VariableError};
use entente_domain::obligation::{DueRule, Event, Frequency, NewObligation};
use entente_domain::terms::{LiabilityCap, TermField, TermValue};
use entente_domain::{Money, Period};
use entente_render::{Block, Document, Level, Signatory};
use serde::Serialize;
use std::collections::BTreeMap;

/// Fuel for one template expression or clause: generous for any clause a person writes,
/// small enough that a runaway loop stops in milliseconds.
const FUEL: u64 = 200_000;

/// The template engine every text is rendered with: undefined variables are errors, and
/// every evaluation has a fuel limit.
pub(crate) fn environment() -> minijinja::Environment<'static> {
    let mut env = minijinja::Environment::new();
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    env.set_fuel(Some(FUEL));
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
    env
}

/// What to draft: the variables and, per clause, the position to use (default preferred).
#[derive(Debug, Clone, Default)]
pub struct DraftRequest {
    /// Variable values by name.
    pub values: serde_json::Map<String, serde_json::Value>,
    /// Clause id → position id.
    pub positions: BTreeMap<String, String>,
}

impl DraftRequest {
    /// Reads a variables file: each top-level key is a variable; an optional `[positions]`
    /// table maps clause ids to positions. Errors name the file's line.
    pub fn from_toml(file: &str, source: &str) -> Result<Self, crate::LoadError> {
        let mut table: toml::Table =
            toml::from_str(source).map_err(|e| crate::library::toml_error(file, source, &e))?;
        let mut positions = BTreeMap::new();
        if let Some(p) = table.remove("positions") {
            let toml::Value::Table(p) = p else {
                return Err(crate::LoadError {
                    file: file.to_owned(),
                    line: 0,
                    column: 0,
                    message: "positions must be a table of clause id = position id".into(),
                });
            };
            for (k, v) in p {
                let Some(v) = v.as_str() else {
                    return Err(crate::LoadError {
                        file: file.to_owned(),
                        line: 0,
                        column: 0,
                        message: format!("positions.{k} must be a position id in quotes"),
                    });
                };
                positions.insert(k, v.to_owned());
            }
        }
        let values = table
            .iter()
            .map(|(k, v)| (k.clone(), crate::template::toml_to_json(v)))
            .collect();
        Ok(Self { values, positions })
    }
}

/// A party of the draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DraftParty {
    /// Legal name.
    pub legal_name: String,
    /// Defined short name.
    pub short_name: String,
    /// Role.
    pub role: String,
    /// Jurisdiction.
    pub jurisdiction: String,
    /// The variable it came from.
    pub variable: String,
}

/// A term of the draft and the variable it came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DraftTerm {
    /// The field.
    pub field: TermField,
    /// Its value.
    pub value: TermValue,
    /// The variable or computed value.
    pub variable: String,
}

/// The position a clause takes in the draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChosenPosition {
    /// Clause id.
    pub clause: String,
    /// Its title.
    pub title: String,
    /// Version of the clause's wording.
    pub version: String,
    /// `preferred` or a fallback's id.
    pub position: String,
    /// What the position says.
    pub summary: String,
}

/// An assembled draft, ready to render and store.
#[derive(Debug, Clone)]
pub struct Draft {
    /// Template id.
    pub template: String,
    /// Template version.
    pub template_version: String,
    /// Agreement title.
    pub title: String,
    /// Agreement kind.
    pub kind: String,
    /// The document.
    pub document: Document,
    /// Parties with their roles.
    pub parties: Vec<DraftParty>,
    /// Terms from the variables.
    pub terms: Vec<DraftTerm>,
    /// Obligations the text creates.
    pub obligations: Vec<NewObligation>,
    /// The position of every clause included.
    pub positions: Vec<ChosenPosition>,
    /// Every variable and computed value as the text shows it.
    pub values: BTreeMap<String, serde_json::Value>,
}

fn party_json(p: &PartyValue) -> serde_json::Value {
    let description = p
        .description
        .clone()
        .unwrap_or_else(|| format!("a company organised under the laws of {}", p.jurisdiction));
    serde_json::json!({
        "legal_name": p.legal_name,
        "short_name": p.short_name,
        "jurisdiction": p.jurisdiction,
        "address": p.address,
        "notice_email": p.notice_email,
        "description": description,
        "country": p.country.clone().unwrap_or_else(|| p.jurisdiction.clone()),
    })
}

/// How a value reads in the text.
fn display(v: &Value) -> serde_json::Value {
    match v {
        Value::Text(s) => s.clone().into(),
        Value::Party(p) => party_json(p),
        Value::Parties(ps) => ps.iter().map(party_json).collect(),
        Value::Date(d) => date_text(*d).into(),
        Value::Duration(p) => period_text(*p).into(),
        Value::Money(m) => m.grouped().into(),
        Value::Percentage(d) => percent_text(*d).into(),
        Value::Number(d) => d.normalize().to_string().into(),
        Value::Boolean(b) => (*b).into(),
        Value::List(l) => l.clone().into(),
    }
}

/// A JSON value as a template value.
fn jinja_value(v: &serde_json::Value) -> minijinja::Value {
    match v {
        serde_json::Value::Null => minijinja::Value::from(()),
        serde_json::Value::Bool(b) => minijinja::Value::from(*b),
        serde_json::Value::Number(n) => n
            .as_i64()
            .map(minijinja::Value::from)
            .unwrap_or_else(|| minijinja::Value::from(n.to_string())),
        serde_json::Value::String(s) => minijinja::Value::from(s.as_str()),
        serde_json::Value::Array(a) => {
            minijinja::Value::from(a.iter().map(jinja_value).collect::<Vec<_>>())
        }
        serde_json::Value::Object(m) => minijinja::Value::from(
            m.iter()
                .map(|(k, v)| (k.clone(), jinja_value(v)))
                .collect::<BTreeMap<String, minijinja::Value>>(),
        ),
    }
}

fn eval(
    env: &minijinja::Environment<'_>,
    expr: &str,
    ctx: &minijinja::Value,
) -> Result<bool, String> {
    let e = env
        .compile_expression(expr)
        .map_err(|e| crate::jinja_message(&e))?;
    e.eval(ctx)
        .map(|v| v.is_true())
        .map_err(|e| crate::jinja_message(&e))
}

/// Splits rendered clause text into blocks: paragraphs separated by blank lines; `- ` starts
/// a lettered item, `> ` unnumbered text, a paragraph of `|` lines a table.
pub(crate) fn blocks(text: &str) -> Vec<Block> {
    let mut out = Vec::new();
    for chunk in text.split("\n\n") {
        let chunk = chunk.trim();
        if chunk.is_empty() {
            continue;
        }
        let lines: Vec<&str> = chunk
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        if lines.iter().all(|l| l.starts_with('|')) {
            let cells = |l: &str| -> Vec<String> {
                l.trim_matches('|')
                    .split('|')
                    .map(|c| c.trim().to_owned())
                    .collect()
            };
            let mut rows = lines
                .iter()
                .filter(|l| !l.chars().all(|c| matches!(c, '|' | '-' | ':' | ' ')))
                .map(|l| cells(l));
            let header = rows.next().unwrap_or_default();
            let rows: Vec<Vec<String>> = rows
                .map(|mut r| {
                    r.resize(header.len(), String::new());
                    r
                })
                .collect();
            out.push(Block::Table { header, rows });
            continue;
        }
        let joined = lines.join(" ");
        let (level, body) = if let Some(r) = joined.strip_prefix("- ") {
            (Level::Item, r)
        } else if let Some(r) = joined.strip_prefix("> ") {
            (Level::Body, r)
        } else {
            (Level::Clause, joined.as_str())
        };
        out.push(Block::Paragraph {
            level,
            runs: entente_render::runs(body),
        });
    }
    out
}

fn frequency(s: &str) -> Option<Frequency> {
    Frequency::parse(s).ok()
}

impl Template {
    /// Checks the request and assembles the draft. Every invalid variable is reported, each
    /// naming the variable; nothing is assembled unless all are valid.
    pub fn draft(&self, library: &ClauseLibrary, req: &DraftRequest) -> Result<Draft, DraftError> {
        let mut errors: Vec<VariableError> = Vec::new();
        let bad = |errors: &mut Vec<VariableError>, variable: &str, message: String| {
            errors.push(VariableError {
                variable: variable.to_owned(),
                message,
            });
        };
        for k in req.values.keys() {
            if !self.variables.iter().any(|v| &v.name == k) {
                bad(
                    &mut errors,
                    k,
                    format!("is not a variable of template {:?}", self.id),
                );
            }
        }
        // Positions: each names a clause of this template and one of its positions.
        let used = self.clause_ids();
        let mut overrides: BTreeMap<String, (String, String)> = BTreeMap::new();
        for (clause, pos) in &req.positions {
            let field = format!("positions.{clause}");
            let Some(c) = library
                .get(clause)
                .filter(|_| used.contains(&clause.as_str()))
            else {
                bad(
                    &mut errors,
                    &field,
                    format!("{clause:?} is not a clause of template {:?}", self.id),
                );
                continue;
            };
            match c.position(pos) {
                Some(p) => {
                    for (k, v) in &p.values {
                        overrides.insert(k.clone(), (v.clone(), field.clone()));
                    }
                }
                None => {
                    let ids: Vec<&str> = c.positions.iter().map(|p| p.id.as_str()).collect();
                    bad(
                        &mut errors,
                        &field,
                        format!(
                            "{pos:?} is not a position of this clause (one of: {})",
                            ids.join(", ")
                        ),
                    );
                }
            }
        }
        let mut typed: BTreeMap<String, Value> = BTreeMap::new();
        for v in &self.variables {
            let given = match overrides.get(&v.name) {
                Some((value, _)) => Some(serde_json::Value::String(value.clone())),
                None => req
                    .values
                    .get(&v.name)
                    .cloned()
                    .or_else(|| v.default.clone()),
            };
            let Some(given) = given else {
                bad(&mut errors, &v.name, format!("is required ({})", v.label));
                continue;
            };
            match v.ty.parse(&given) {
                Ok(x) => {
                    typed.insert(v.name.clone(), x);
                }
                Err(e) => bad(&mut errors, &v.name, e),
            }
        }
        // Computed values and checks run even when some variables are invalid, so one answer
        // names every problem (an end before its start along with a missing party); a value
        // whose operand is invalid is skipped, that operand's error already given.
        for c in &self.computed {
            let (a, b) = (typed.get(&c.args[0]), typed.get(&c.args[1]));
            if (a.is_none() || b.is_none()) && !errors.is_empty() {
                continue;
            }
            let r = match (c.op, a, b) {
                (Op::DatePlus, Some(Value::Date(d)), Some(Value::Duration(p))) => {
                    Ok(Value::Date(p.after(*d)))
                }
                (Op::DateMinus, Some(Value::Date(d)), Some(Value::Duration(p))) => {
                    Ok(Value::Date(p.before(*d)))
                }
                (
                    Op::MoneyTimes,
                    Some(Value::Money(m)),
                    Some(Value::Number(n) | Value::Percentage(n)),
                ) => {
                    let factor = if matches!(b, Some(Value::Percentage(_))) {
                        *n / rust_decimal::Decimal::from(100)
                    } else {
                        *n
                    };
                    m.amount
                        .checked_mul(factor)
                        .ok_or_else(|| "the product is too large".to_owned())
                        .and_then(|amount| {
                            Money::new(amount.round_dp(2), m.currency).map_err(|e| e.message)
                        })
                        .map(Value::Money)
                }
                _ => Err(format!(
                    "cannot compute {:?} from {} and {}",
                    c.op, c.args[0], c.args[1]
                )),
            };
            match r {
                Ok(v) => {
                    typed.insert(c.name.clone(), v);
                }
                Err(e) => bad(&mut errors, &c.name, e),
            }
        }
        for ch in &self.checks {
            if let (Some(Value::Date(later)), Some(Value::Date(earlier))) =
                (typed.get(&ch.later), typed.get(&ch.earlier))
                && later <= earlier
            {
                bad(
                    &mut errors,
                    &ch.later,
                    format!(
                        "{} must be after {} ({})",
                        date_text(*later),
                        ch.earlier,
                        date_text(*earlier)
                    ),
                );
            }
        }
        if !errors.is_empty() {
            return Err(DraftError::Invalid(errors));
        }
        let values: BTreeMap<String, serde_json::Value> =
            typed.iter().map(|(k, v)| (k.clone(), display(v))).collect();
        let ctx = jinja_value(&serde_json::Value::Object(
            values.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        ));
        let env = environment();
        let render = |what: &str, text: &str| {
            env.render_str(text, &ctx).map_err(|e| DraftError::Text {
                clause: what.to_owned(),
                message: crate::jinja_message(&e),
            })
        };
        let cond = |what: &str, expr: &str| {
            eval(&env, expr, &ctx).map_err(|message| DraftError::Text {
                clause: what.to_owned(),
                message,
            })
        };
        let mut doc_blocks = Vec::new();
        for b in blocks(&render("preamble", &self.preamble)?) {
            doc_blocks.push(match b {
                Block::Paragraph { runs, .. } => Block::Paragraph {
                    level: Level::Body,
                    runs,
                },
                other => other,
            });
        }
        let mut positions = Vec::new();
        for s in &self.sections {
            if let Some(w) = &s.when
                && !cond(&s.heading, w)?
            {
                continue;
            }
            let mut section_blocks = Vec::new();
            for c in &s.clauses {
                if let ClauseRef::When { when, id } = c
                    && !cond(id, when)?
                {
                    continue;
                }
                // The template was checked against the library when it loaded.
                let Some(clause) = library.get(c.id()) else {
                    return Err(DraftError::Text {
                        clause: c.id().to_owned(),
                        message: "is not in the clause library".into(),
                    });
                };
                let pos_id = req
                    .positions
                    .get(c.id())
                    .map_or("preferred", String::as_str);
                let Some(pos) = clause.position(pos_id) else {
                    return Err(DraftError::Text {
                        clause: c.id().to_owned(),
                        message: format!("has no position {pos_id:?}"),
                    });
                };
                section_blocks.extend(blocks(&render(c.id(), &pos.text)?));
                positions.push(ChosenPosition {
                    clause: clause.id.clone(),
                    title: clause.title.clone(),
                    version: clause.version.clone(),
                    position: pos.id.clone(),
                    summary: pos.summary.clone(),
                });
            }
            if section_blocks.is_empty() {
                continue;
            }
            doc_blocks.push(Block::Heading {
                numbered: s.numbered,
                text: s.heading.clone(),
            });
            doc_blocks.extend(section_blocks);
        }
        let mut parties = Vec::new();
        let mut signatories = Vec::new();
        for v in &self.variables {
            let role = v.role.clone().unwrap_or_else(|| v.name.clone());
            let list: Vec<&PartyValue> = match typed.get(&v.name) {
                Some(Value::Party(p)) => vec![p],
                Some(Value::Parties(ps)) => ps.iter().collect(),
                _ => continue,
            };
            for p in list {
                parties.push(DraftParty {
                    legal_name: p.legal_name.clone(),
                    short_name: p.short_name.clone(),
                    role: role.clone(),
                    jurisdiction: p.jurisdiction.clone(),
                    variable: v.name.clone(),
                });
            }
        }
        for s in &self.signatures {
            let list: Vec<&PartyValue> = match typed.get(s) {
                Some(Value::Party(p)) => vec![p],
                Some(Value::Parties(ps)) => ps.iter().collect(),
                _ => Vec::new(),
            };
            for p in list {
                signatories.push(Signatory {
                    party: p.legal_name.clone(),
                    lines: vec!["Name:".into(), "Title:".into(), "Date:".into()],
                });
            }
        }
        if !signatories.is_empty() {
            doc_blocks.push(Block::Paragraph {
                level: Level::Body,
                runs: entente_render::runs("Signed by the duly authorised representatives of the Parties on the dates written below."),
            });
            doc_blocks.push(Block::Signatures(signatories));
        }
        let mut terms = Vec::new();
        for (field, name) in &self.terms {
            let Ok(f) = TermField::parse(field) else {
                continue;
            };
            let value = match (f, typed.get(name)) {
                (TermField::LiabilityCap, Some(Value::Money(m))) => {
                    TermValue::Cap(LiabilityCap::Amount(*m))
                }
                (_, Some(Value::Money(m))) => TermValue::Money(*m),
                (_, Some(Value::Date(d))) => TermValue::Date(*d),
                (_, Some(Value::Duration(p))) => TermValue::Period(*p),
                (_, Some(Value::Boolean(b))) => TermValue::Bool(*b),
                (_, Some(Value::Text(t))) => TermValue::Text(t.clone()),
                (_, Some(Value::List(l))) => TermValue::List(l.clone()),
                _ => continue,
            };
            terms.push(DraftTerm {
                field: f,
                value,
                variable: name.clone(),
            });
        }
        let mut obligations = Vec::new();
        for o in &self.obligations {
            if let Some(w) = &o.when
                && !cond("obligation", w)?
            {
                continue;
            }
            let obligor = match typed.get(&o.obligor) {
                Some(Value::Party(p)) => p.short_name.clone(),
                _ if o.obligor.contains("{{") => {
                    render("obligation", &o.obligor)?.trim().to_owned()
                }
                _ => "each".to_owned(),
            };
            let period = |s: &str, what: &str| {
                Period::parse(s).map_err(|e| DraftError::Text {
                    clause: format!("obligation {what}"),
                    message: e.message,
                })
            };
            let due = if let Some(every) = &o.due.every {
                let Some(frequency) = frequency(every) else {
                    return Err(DraftError::Text {
                        clause: "obligation".into(),
                        message: format!("{every:?} is not a frequency"),
                    });
                };
                DueRule::Recurring {
                    frequency,
                    offset: o
                        .due
                        .offset
                        .as_deref()
                        .map(|s| period(s, "offset"))
                        .transpose()?,
                    alignment: None,
                    final_partial: false,
                }
            } else if let Some(w) = &o.due.within {
                DueRule::After {
                    period: period(w, "within")?,
                    event: Event::Effective,
                }
            } else if let Some(Value::Date(d)) = o.due.on.as_ref().and_then(|n| typed.get(n)) {
                DueRule::On { date: *d }
            } else {
                DueRule::None
            };
            obligations.push(NewObligation {
                obligor,
                beneficiary: None,
                text: render("obligation", &o.text)?.trim().to_owned(),
                due,
                metric: None,
                status: None,
                owner: None,
                vague: false,
                survives: o.survives,
            });
        }
        let title = self.title.clone();
        let subtitle = match &self.subtitle {
            Some(s) => Some(render("subtitle", s)?.trim().to_owned()),
            None => None,
        };
        let dated = self
            .terms
            .get("effective_date")
            .and_then(|n| match typed.get(n) {
                Some(Value::Date(d)) => {
                    let (y, m, d) = d.ymd();
                    Some((i32::from(y), u8::try_from(m).ok()?, u8::try_from(d).ok()?))
                }
                _ => None,
            });
        Ok(Draft {
            template: self.id.clone(),
            template_version: self.version.clone(),
            title: title.clone(),
            kind: self.kind.clone(),
            document: Document {
                title,
                subtitle,
                header: Some(format!("Draft from template {} v{}", self.id, self.version)),
                date: dated,
                blocks: doc_blocks,
            },
            parties,
            terms,
            obligations,
            positions,
            values,
        })
    }
}
