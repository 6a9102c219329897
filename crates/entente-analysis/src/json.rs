//! The JSON form of an analysis (`entente analyze --json`), documented field by field in
//! docs/analysis-json.md. Every value carries `value`, `evidence` and `confidence`.

use crate::analysis::Analysis;
use crate::extract::Found;
use crate::extract::terms::{Effective, Expiry, Fee};
use entente_domain::Period;
use entente_domain::obligation::DueRule;
use entente_domain::terms::LiabilityCap;
use serde_json::{Map, Value, json};

/// Schema identifier written into every document.
pub(crate) const SCHEMA: &str = "entente.analysis/1";

fn evidence(a: &Analysis, start: usize, end: usize) -> Value {
    let clause = a.clause_at(start);
    let text: String = a.text[start..end].chars().take(1200).collect();
    json!({
        "clause": clause,
        "start": a.chars.char_of(start),
        "end": a.chars.char_of(end),
        "text": crate::text::squash(&text),
    })
}

fn wrap<T>(a: &Analysis, f: &Found<T>, value: Value) -> Value {
    json!({
        "value": value,
        "evidence": evidence(a, f.start, f.end),
        "confidence": round(f.confidence),
    })
}

fn opt<T>(a: &Analysis, f: Option<&Found<T>>, v: impl Fn(&T) -> Value) -> Value {
    match f {
        Some(f) => wrap(a, f, v(&f.value)),
        None => Value::Null,
    }
}

fn round(x: f32) -> f64 {
    (f64::from(x) * 100.0).round() / 100.0
}

fn period(p: &Period) -> Value {
    Value::String(p.to_string())
}

fn cap(c: &LiabilityCap) -> Value {
    match c {
        LiabilityCap::Amount(m) => {
            json!({"kind": "amount", "amount": m.amount.to_string(), "currency": m.currency.code()})
        }
        LiabilityCap::Formula { text } => json!({"kind": "formula", "text": text}),
        LiabilityCap::Uncapped => json!({"kind": "uncapped"}),
    }
}

fn due(d: &DueRule) -> Value {
    match d {
        DueRule::None => json!({"kind": "none"}),
        DueRule::On { date } => json!({"kind": "on", "date": date.to_string()}),
        DueRule::After { period: p, event } => json!({
            "kind": "within",
            "period": p.to_string(),
            "business_days": crate::extract::obligations::is_business(p),
            "event": serde_json::to_value(event).unwrap_or(Value::Null),
        }),
        DueRule::Recurring {
            frequency,
            offset,
            alignment,
            final_partial,
        } => json!({
            "kind": "recurring",
            "frequency": serde_json::to_value(frequency).unwrap_or(Value::Null),
            "offset": offset.map(|p| p.to_string()),
            "alignment": alignment.map(|a| a.as_str()),
            "final_partial": final_partial,
        }),
    }
}

pub(crate) fn to_json(a: &Analysis) -> Value {
    let t = &a.terms;
    let mut m = Map::new();
    m.insert("schema".into(), json!(SCHEMA));
    m.insert("media_type".into(), json!(a.media_type.map(|x| x.as_str())));
    m.insert("characters".into(), json!(a.chars.char_of(a.text.len())));
    m.insert("title".into(), opt(a, a.title.as_ref(), |s| json!(s)));
    m.insert("kind".into(), json!(a.kind.as_str()));
    let parties: Vec<Value> = a
        .parties
        .iter()
        .map(|p| {
            json!({
                "name": p.value.name,
                "aliases": p.value.aliases,
                "role": p.value.role,
                "jurisdiction": p.value.jurisdiction,
                "evidence": evidence(a, p.start, p.end),
                "confidence": round(p.confidence),
            })
        })
        .collect();
    m.insert("parties".into(), Value::Array(parties));
    m.insert(
        "agreement_date".into(),
        opt(a, t.agreement_date.as_ref(), |d| json!(d.to_string())),
    );
    m.insert(
        "effective_date".into(),
        match &t.effective_date {
            Some(f) => {
                let (v, rule) = match f.value {
                    Effective::Date(d) => (json!(d.to_string()), "stated"),
                    Effective::LastSignature(d) => {
                        (json!(d.map(|d| d.to_string())), "date_of_last_signature")
                    }
                };
                let mut w = wrap(a, f, v);
                w["rule"] = json!(rule);
                w
            }
            None => Value::Null,
        },
    );
    m.insert(
        "expiration_date".into(),
        match &t.expiration_date {
            Some(f) => {
                let (v, perpetual, computed) = match f.value {
                    Expiry::Date { date, computed } => (json!(date.to_string()), false, computed),
                    Expiry::Perpetual => (Value::Null, true, false),
                };
                let mut w = wrap(a, f, v);
                w["perpetual"] = json!(perpetual);
                w["computed"] = json!(computed);
                w
            }
            None => Value::Null,
        },
    );
    m.insert(
        "initial_term".into(),
        opt(a, t.initial_term.as_ref(), period),
    );
    m.insert(
        "renewal".into(),
        opt(a, t.renewal.as_ref(), |r| {
            json!({"automatic": r.automatic, "term": r.term.map(|p| p.to_string()), "successive": r.successive})
        }),
    );
    m.insert(
        "notice_period_to_terminate_renewal".into(),
        opt(a, t.notice_non_renewal.as_ref(), period),
    );
    m.insert(
        "termination_for_convenience".into(),
        opt(
            a,
            t.termination_for_convenience.as_ref(),
            |c| json!({"by": c.by, "notice": c.notice.map(|p| p.to_string())}),
        ),
    );
    m.insert("cure_period".into(), opt(a, t.cure_period.as_ref(), period));
    m.insert(
        "governing_law".into(),
        opt(a, t.governing_law.as_ref(), |s| json!(s)),
    );
    m.insert("venue".into(), opt(a, t.venue.as_ref(), |s| json!(s)));
    m.insert(
        "liability_cap".into(),
        opt(a, t.liability_cap.as_ref(), cap),
    );
    m.insert(
        "excluded_damages".into(),
        opt(a, t.excluded_damages.as_ref(), |v| json!(v)),
    );
    m.insert(
        "indemnity".into(),
        match t.indemnity.as_ref() {
            Some(f) => {
                let i = &f.value;
                let names: Vec<&String> = i.one_way.iter().map(|(by, _)| by).collect();
                let mut w = wrap(
                    a,
                    f,
                    json!({"kind": if i.mutual { "mutual" } else { "one_way" }, "by": i.by, "one_way": names}),
                );
                // Evidence, not value: the sentence of each one-way indemnity.
                w["one_way_evidence"] = i
                    .one_way
                    .iter()
                    .map(|(_, (s, e))| evidence(a, *s, *e))
                    .collect();
                w
            }
            None => Value::Null,
        },
    );
    m.insert(
        "confidentiality".into(),
        opt(a, t.confidentiality.as_ref(), |c| {
            json!({"duration": c.duration.map(|p| p.to_string()), "survives": c.survives, "perpetual": c.perpetual})
        }),
    );
    m.insert(
        "ip_ownership".into(),
        match &t.ip_ownership {
            Some(f) => {
                let mut w = wrap(a, f, json!(f.value.join("; ")));
                w["rules"] = json!(f.value);
                w
            }
            None => Value::Null,
        },
    );
    m.insert(
        "dispute_resolution".into(),
        match t.dispute_resolution.as_ref() {
            Some(f) => {
                let list: Vec<Value> = f
                    .value
                    .iter()
                    .map(|t| json!({"kind": t.kind, "period": t.period.map(|p| p.to_string()), "detail": t.detail}))
                    .collect();
                let mut w = wrap(a, f, json!({"tiers": list}));
                // Evidence, not value: where each tier is stated (the clause numbering a
                // PDF and a DOCX of one text yield may differ).
                w["tier_clauses"] = f
                    .value
                    .iter()
                    .map(|t| {
                        a.clause_at(t.at)
                            .and_then(|i| a.clauses[i].number.as_deref())
                            .map(|n| n.trim_end_matches('.'))
                    })
                    .collect();
                w
            }
            None => Value::Null,
        },
    );
    m.insert(
        "termination_fee".into(),
        opt(a, t.termination_fee.as_ref(), |f| match f {
            Fee::Amount(m) => json!({"kind": "amount", "amount": m.amount.to_string(), "currency": m.currency.code()}),
            Fee::Formula(s) => json!({"kind": "formula", "text": s}),
        }),
    );
    m.insert(
        "exclusivity".into(),
        opt(
            a,
            t.exclusivity.as_ref(),
            |r| json!({"scope": r.scope, "duration": r.duration}),
        ),
    );
    m.insert(
        "non_compete".into(),
        opt(
            a,
            t.non_compete.as_ref(),
            |r| json!({"scope": r.scope, "duration": r.duration}),
        ),
    );
    m.insert(
        "review_cycle".into(),
        opt(a, t.review_cycle.as_ref(), period),
    );
    m.insert(
        "review_date".into(),
        opt(a, t.review_date.as_ref(), |d| json!(d.to_string())),
    );
    m.insert(
        "contract_value".into(),
        opt(a, t.contract_value.as_ref(), |v| {
            json!({"amount": v.money.amount.to_string(), "currency": v.money.currency.code(), "basis": v.basis})
        }),
    );
    let payments: Vec<Value> = t
        .payment
        .iter()
        .map(|f| {
            wrap(
                a,
                f,
                json!({
                    "kind": f.value.kind,
                    "period": f.value.period.map(|p| p.to_string()),
                    "percent": f.value.percent,
                    "amount": f.value.amount.map(|m| json!({"amount": m.amount.to_string(), "currency": m.currency.code()})),
                }),
            )
        })
        .collect();
    m.insert("payment".into(), Value::Array(payments));
    let clauses: Vec<Value> = a
        .clauses
        .iter()
        .enumerate()
        .map(|(i, c)| {
            json!({
                "index": i,
                "kind": c.kind,
                "number": c.number,
                "heading": c.heading,
                "level": c.level,
                "parent": c.parent,
                "start": c.start,
                "end": c.end,
                "categories": c.categories.iter().map(|x| x.0).collect::<Vec<_>>(),
                "confidence": c.categories.iter().map(|x| json!({"id": x.0, "confidence": round(x.1)})).collect::<Vec<_>>(),
            })
        })
        .collect();
    m.insert("clauses".into(), Value::Array(clauses));
    let mut obligations = Vec::new();
    let mut negatives = Vec::new();
    for f in &a.obligations {
        let o = &f.value;
        let v = json!({
            "obligor": o.obligor,
            "beneficiary": o.beneficiary,
            "action": o.action,
            "text": o.text,
            "timing": due(&o.due),
            "threshold": o.metric.as_ref().map(|m| json!({"comparator": serde_json::to_value(m.comparator).unwrap_or(Value::Null), "value": m.value.to_string(), "unit": m.unit})),
            "vague": o.vague,
            "survives": o.survives,
            "evidence": evidence(a, f.start, f.end),
            "confidence": round(f.confidence),
        });
        if o.negative {
            negatives.push(v);
        } else {
            obligations.push(v);
        }
    }
    m.insert("obligations".into(), Value::Array(obligations));
    m.insert("negative_covenants".into(), Value::Array(negatives));
    Value::Object(m)
}
