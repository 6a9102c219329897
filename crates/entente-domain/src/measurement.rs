//! Performance measurements against an obligation's threshold ("monthly uptime 99.95%"):
//! validated input, breach judgement, and the CSV import format.

use crate::error::Collector;
use crate::obligation::{Comparator, Metric};
use crate::{Date, ObligationId, ValidationError, ValidationErrors};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// A measurement as it arrives from the API or the CLI.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct MeasurementInput {
    /// The day measured, or the last day of the period measured (YYYY-MM-DD).
    #[schema(value_type = crate::Date)]
    pub measured_on: String,
    /// The measured value, e.g. `"99.95"` (a JSON number is accepted too).
    #[schema(value_type = String)]
    pub value: serde_json::Value,
    /// Unit; when given it must match the threshold's unit.
    #[serde(default)]
    pub unit: Option<String>,
    /// Free note, e.g. where the figure comes from.
    #[serde(default)]
    pub note: Option<String>,
}

/// A validated measurement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMeasurement {
    /// Day measured.
    pub measured_on: Date,
    /// Value.
    pub value: Decimal,
    /// Unit as given.
    pub unit: Option<String>,
    /// Note.
    pub note: Option<String>,
}

/// Parses a decimal measurement value; a trailing `%` is allowed.
pub fn parse_value(s: &str) -> Result<Decimal, ValidationError> {
    let t = s.trim().trim_end_matches('%').trim();
    if t.is_empty() {
        return Err(ValidationError::new(
            "value",
            "is required (a decimal number)",
        ));
    }
    Decimal::from_str(t).map_err(|_| {
        ValidationError::new(
            "value",
            format!("{s:?} is not a decimal number (e.g. 99.95)"),
        )
    })
}

impl MeasurementInput {
    /// Validates every field, reporting each bad one.
    pub fn validate(&self) -> Result<NewMeasurement, ValidationErrors> {
        let mut c = Collector::default();
        let measured_on = c.take("measured_on", Date::parse(&self.measured_on));
        let value = match &self.value {
            serde_json::Value::String(s) => keep(&mut c, parse_value(s)),
            serde_json::Value::Number(n) => keep(&mut c, parse_value(&n.to_string())),
            other => {
                c.push(ValidationError::new(
                    "value",
                    format!("expected a decimal number, got {other}"),
                ));
                None
            }
        };
        let unit = clean(&self.unit, "unit", 40, &mut c);
        let note = clean(&self.note, "note", 2000, &mut c);
        c.finish()?;
        match (measured_on, value) {
            (Some(measured_on), Some(value)) => Ok(NewMeasurement {
                measured_on,
                value,
                unit,
                note,
            }),
            _ => Err(ValidationError::new("", "invalid measurement").into()),
        }
    }
}

fn keep<T>(c: &mut Collector, r: Result<T, ValidationError>) -> Option<T> {
    r.map_err(|e| c.push(e)).ok()
}

fn clean(s: &Option<String>, field: &str, max: usize, c: &mut Collector) -> Option<String> {
    let t = s.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
    if t.chars().count() > max || t.chars().any(char::is_control) {
        c.push(ValidationError::new(
            field,
            format!("must be at most {max} characters, without control characters"),
        ));
        return None;
    }
    Some(t.to_owned())
}

/// The verdict on one measurement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Judgement {
    /// True when the threshold was missed.
    pub breach: bool,
    /// In words: "99.5 % against a threshold of at least 99.9 %: breach".
    pub summary: String,
}

fn same_unit(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        let l = s.trim().to_lowercase();
        match l.as_str() {
            "%" | "percent" | "per cent" | "pct" => "%".to_owned(),
            "h" | "hr" | "hrs" | "hour" => "hours".to_owned(),
            "business hour" => "business hours".to_owned(),
            "day" => "days".to_owned(),
            _ => l,
        }
    };
    norm(a) == norm(b)
}

/// Judges a measurement against a threshold; a unit that differs from the threshold's is an
/// error rather than a silent comparison of unlike figures.
pub fn judge(metric: &Metric, m: &NewMeasurement) -> Result<Judgement, ValidationError> {
    if let Some(u) = &m.unit
        && !same_unit(u, &metric.unit)
    {
        return Err(ValidationError::new(
            "unit",
            format!(
                "{u:?} does not match the threshold's unit {:?}",
                metric.unit
            ),
        ));
    }
    let cmp = match metric.comparator {
        Comparator::AtLeast => "at least",
        Comparator::AtMost => "at most",
        Comparator::Above => "more than",
        Comparator::Below => "less than",
    };
    let breach = !metric.is_met_by(m.value);
    Ok(Judgement {
        breach,
        summary: format!(
            "{} {} against a threshold of {cmp} {} {}: {}",
            m.value,
            metric.unit,
            metric.value,
            metric.unit,
            if breach { "breach" } else { "met" }
        ),
    })
}

/// One row of a measurement CSV.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvMeasurement {
    /// The obligation measured.
    pub obligation_id: ObligationId,
    /// The measurement.
    pub measurement: NewMeasurement,
}

/// Most rows one CSV import may carry.
pub const MAX_CSV_ROWS: usize = 10_000;

/// Parses a measurement CSV with a header row naming `obligation_id`, `measured_on`, `value`
/// and optionally `unit` and `note` (any order). Errors name the row and column, e.g.
/// `row 3.value`; nothing is returned unless every row is valid.
pub fn parse_csv(text: &str) -> Result<Vec<CsvMeasurement>, ValidationErrors> {
    let rows = split_csv(text).map_err(ValidationErrors::from)?;
    let mut it = rows.into_iter();
    let header = it
        .next()
        .ok_or_else(|| ValidationError::new("csv", "is empty; expected a header row"))?;
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    };
    let mut c = Collector::default();
    let (Some(i_ob), Some(i_on), Some(i_val)) =
        (col("obligation_id"), col("measured_on"), col("value"))
    else {
        return Err(ValidationError::new(
            "csv",
            "the header must name obligation_id, measured_on and value (unit and note are optional)",
        )
        .into());
    };
    let (i_unit, i_note) = (col("unit"), col("note"));
    let mut out = Vec::new();
    for (n, row) in it.enumerate() {
        let at = format!("row {}", n + 2);
        if row.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if out.len() >= MAX_CSV_ROWS {
            c.push(ValidationError::new(
                at,
                format!("at most {MAX_CSV_ROWS} rows per import"),
            ));
            break;
        }
        let get = |i: usize| row.get(i).cloned().unwrap_or_default();
        let ob = c.take(
            &at,
            get(i_ob)
                .parse::<ObligationId>()
                .map_err(|e| ValidationError::new("obligation_id", e.message)),
        );
        let input = MeasurementInput {
            measured_on: get(i_on),
            value: serde_json::Value::String(get(i_val)),
            unit: i_unit.map(get),
            note: i_note.map(get),
        };
        match input.validate() {
            Ok(m) => {
                if let Some(ob) = ob {
                    out.push(CsvMeasurement {
                        obligation_id: ob,
                        measurement: m,
                    });
                }
            }
            Err(errs) => {
                for e in errs.0 {
                    c.push(e.within(&at));
                }
            }
        }
    }
    c.finish()?;
    Ok(out)
}

/// Splits RFC 4180 CSV into rows of fields (quoted fields may hold commas, quotes, newlines).
fn split_csv(text: &str) -> Result<Vec<Vec<String>>, ValidationError> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut chars = text.trim_start_matches('\u{feff}').chars().peekable();
    let mut quoted = false;
    let mut line = 1;
    while let Some(ch) = chars.next() {
        if quoted {
            match ch {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                '\n' => {
                    line += 1;
                    field.push(ch);
                }
                _ => field.push(ch),
            }
            continue;
        }
        match ch {
            '"' if field.is_empty() => quoted = true,
            ',' => row.push(std::mem::take(&mut field)),
            '\r' => {}
            '\n' => {
                line += 1;
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            _ => field.push(ch),
        }
    }
    if quoted {
        return Err(ValidationError::new(
            "csv",
            format!("a quoted field opened before line {line} is never closed"),
        ));
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uptime() -> Metric {
        Metric {
            comparator: Comparator::AtLeast,
            value: "99.9".parse().unwrap(),
            unit: "%".into(),
        }
    }

    fn m(v: &str, unit: Option<&str>) -> NewMeasurement {
        MeasurementInput {
            measured_on: "2026-10-31".into(),
            value: serde_json::json!(v),
            unit: unit.map(Into::into),
            note: None,
        }
        .validate()
        .unwrap()
    }

    #[test]
    fn a_value_below_the_threshold_is_a_breach() {
        let j = judge(&uptime(), &m("99.5", Some("percent"))).unwrap();
        assert!(j.breach);
        assert_eq!(
            j.summary,
            "99.5 % against a threshold of at least 99.9 %: breach"
        );
        assert!(!judge(&uptime(), &m("99.95%", None)).unwrap().breach);
    }

    #[test]
    fn a_unit_that_differs_from_the_threshold_is_rejected() {
        let e = judge(&uptime(), &m("3", Some("hours"))).unwrap_err();
        assert_eq!(e.field, "unit");
    }

    #[test]
    fn bad_measurements_name_every_field() {
        let input = MeasurementInput {
            measured_on: "2026-02-30".into(),
            value: serde_json::json!("lots"),
            unit: Some("x".repeat(41)),
            note: None,
        };
        let fields: Vec<_> = input
            .validate()
            .unwrap_err()
            .0
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["measured_on", "value", "unit"]);
        let n = MeasurementInput {
            measured_on: "2026-01-31".into(),
            value: serde_json::json!(99.2),
            ..Default::default()
        };
        assert_eq!(
            n.validate().unwrap().value,
            "99.2".parse::<Decimal>().unwrap()
        );
        let b = MeasurementInput {
            measured_on: "2026-01-31".into(),
            value: serde_json::json!(true),
            ..Default::default()
        };
        assert_eq!(b.validate().unwrap_err().0[0].field, "value");
    }

    #[test]
    fn csv_rows_parse_with_quotes_and_any_column_order() {
        let id = ObligationId::new();
        let text = format!(
            "value,obligation_id,measured_on,note\r\n99.95,{id},2026-09-30,\"from the status page, \"\"public\"\"\"\n\n99.7,{id},2026-10-31,\n"
        );
        let rows = parse_csv(&text).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(
            rows[0].measurement.note.as_deref(),
            Some("from the status page, \"public\"")
        );
        assert_eq!(
            rows[1].measurement.measured_on,
            Date::parse("2026-10-31").unwrap()
        );
    }

    #[test]
    fn csv_errors_name_row_and_column_and_nothing_is_returned() {
        let id = ObligationId::new();
        let text =
            format!("obligation_id,measured_on,value\n{id},2026-09-30,99.9\nnope,2026-09-31,x\n");
        let errs = parse_csv(&text).unwrap_err();
        let fields: Vec<_> = errs.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["row 3.obligation_id", "row 3.measured_on", "row 3.value"]
        );
        assert_eq!(parse_csv("a,b\n1,2").unwrap_err().0[0].field, "csv");
        assert_eq!(parse_csv("\"open").unwrap_err().0[0].field, "csv");
    }
}
