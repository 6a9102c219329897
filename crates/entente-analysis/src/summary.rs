//! The readable text summary printed by `entente analyze`: parties, key terms,
//! obligations and an outline of the clauses with their categories.

use crate::analysis::Analysis;
use entente_domain::obligation::DueRule;
use serde_json::Value;
use std::fmt::Write;

fn show(v: &Value) -> String {
    match v {
        Value::Null => "—".into(),
        Value::String(s) => s.clone(),
        Value::Array(a) => a.iter().map(show).collect::<Vec<_>>().join(", "),
        Value::Object(o) => o
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| format!("{k}: {}", show(v)))
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}

pub(crate) fn summary(a: &Analysis) -> String {
    let j = a.to_json();
    let mut out = String::new();
    let title = j["title"]["value"]
        .as_str()
        .unwrap_or("(untitled agreement)");
    let _ = writeln!(out, "{title}");
    let _ = writeln!(out, "{}", "=".repeat(title.chars().count().min(80)));
    let _ = writeln!(
        out,
        "Kind: {}    Clauses: {}    Obligations: {}",
        a.kind,
        a.clauses.len(),
        j["obligations"].as_array().map_or(0, Vec::len)
    );
    let _ = writeln!(out, "\nParties");
    if a.parties.is_empty() {
        let _ = writeln!(out, "  (none found)");
    }
    for p in &a.parties {
        let v = &p.value;
        let alias = if v.aliases.is_empty() {
            String::new()
        } else {
            format!(" (\"{}\")", v.aliases.join("\", \""))
        };
        let jur = v
            .jurisdiction
            .as_ref()
            .map(|j| format!(", {j}"))
            .unwrap_or_default();
        let _ = writeln!(out, "  - {}{alias} — {}{jur}", v.name, v.role);
    }
    let _ = writeln!(out, "\nKey terms");
    for (label, key) in [
        ("Agreement date", "agreement_date"),
        ("Effective date", "effective_date"),
        ("Initial term", "initial_term"),
        ("Expiration date", "expiration_date"),
        ("Renewal", "renewal"),
        (
            "Notice to stop renewal",
            "notice_period_to_terminate_renewal",
        ),
        ("Termination for convenience", "termination_for_convenience"),
        ("Cure period", "cure_period"),
        ("Governing law", "governing_law"),
        ("Venue", "venue"),
        ("Liability cap", "liability_cap"),
        ("Excluded damages", "excluded_damages"),
        ("Indemnity", "indemnity"),
        ("Confidentiality", "confidentiality"),
        ("IP ownership", "ip_ownership"),
        ("Dispute resolution", "dispute_resolution"),
        ("Termination fee", "termination_fee"),
        ("Review cycle", "review_cycle"),
        ("Contract value", "contract_value"),
    ] {
        let f = &j[key];
        if f.is_null() {
            let _ = writeln!(out, "  {label:<28} —");
            continue;
        }
        let mut v = show(&f["value"]);
        if key == "expiration_date" && f["perpetual"].as_bool() == Some(true) {
            v = "none (runs until terminated)".into();
        } else if key == "expiration_date" && f["computed"].as_bool() == Some(true) {
            v.push_str(" (computed)");
        }
        let clause = f["evidence"]["clause"]
            .as_u64()
            .and_then(|i| a.clauses.get(i as usize));
        let at = clause
            .and_then(|c| c.number.clone().or(c.heading.clone()))
            .map(|n| format!("  [§ {n}]"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  {label:<28} {v}{at}  ({:.0}%)",
            f["confidence"].as_f64().unwrap_or(0.0) * 100.0
        );
    }
    let _ = writeln!(out, "\nObligations");
    let mut n = 0;
    for f in &a.obligations {
        let o = &f.value;
        if o.negative {
            continue;
        }
        n += 1;
        if n > 40 {
            let _ = writeln!(out, "  … and more (see --json)");
            break;
        }
        let when = match &o.due {
            DueRule::None => String::new(),
            DueRule::On { date } => format!(" — by {date}"),
            DueRule::After { period, event } => {
                format!(" — within {} after {}", period.human(), event_name(event))
            }
            DueRule::Recurring {
                frequency, offset, ..
            } => match offset {
                Some(p) => format!(
                    " — {} (+{})",
                    serde_json::to_value(frequency)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default(),
                    p.human()
                ),
                None => format!(
                    " — {}",
                    serde_json::to_value(frequency)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default()
                ),
            },
        };
        let metric = o
            .metric
            .as_ref()
            .map(|m| {
                format!(
                    " [{} {} {}]",
                    serde_json::to_value(m.comparator)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default(),
                    m.value,
                    m.unit
                )
            })
            .unwrap_or_default();
        let flags = format!(
            "{}{}",
            if o.vague { " (vague)" } else { "" },
            if o.survives { " (survives)" } else { "" }
        );
        let _ = writeln!(out, "  - {}: {}{when}{metric}{flags}", o.obligor, o.action);
    }
    if n == 0 {
        let _ = writeln!(out, "  (none found)");
    }
    let _ = writeln!(out, "\nOutline");
    for c in &a.clauses {
        let indent = "  ".repeat(usize::from(c.level.min(6)) + 1);
        let label = match (&c.number, &c.heading) {
            (Some(n), Some(h)) => format!("{n} {h}"),
            (Some(n), None) => n.clone(),
            (None, Some(h)) => h.clone(),
            (None, None) => format!("({:?})", c.kind).to_lowercase(),
        };
        let cats: Vec<&str> = c.categories.iter().map(|x| x.0).collect();
        let cats = if cats.is_empty() {
            String::new()
        } else {
            format!("  [{}]", cats.join(", "))
        };
        let label: String = label.chars().take(70).collect();
        let _ = writeln!(out, "{indent}{label}{cats}");
    }
    out
}

fn event_name(e: &entente_domain::obligation::Event) -> String {
    use entente_domain::obligation::Event;
    match e {
        Event::Effective => "the effective date".into(),
        Event::Signature => "signature".into(),
        Event::Termination => "termination".into(),
        Event::TerminationBy { party, clause } => match clause {
            Some(c) => format!("termination by {party} under clause {c}"),
            None => format!("termination by {party}"),
        },
        Event::Invoice => "invoice".into(),
        Event::PeriodEnd => "each period end".into(),
        Event::Other(s) => s.clone(),
    }
}
