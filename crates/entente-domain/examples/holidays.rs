//! Prints every holiday of the built-in calendars for a range of years as JSON lines, one
//! calendar per line, for the comparison with an independent holiday list (scripts/holiday-oracle).
//!
//! Usage: `cargo run -p entente-domain --example holidays -- [FROM UNTIL] [CODE…]`
//! (default 2000 2060 and every built-in calendar).

use entente_domain::Date;
use entente_domain::calendar::BusinessCalendar;
use std::io::Write;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (years, codes) = match args.as_slice() {
        [a, b, rest @ ..] if a.parse::<i16>().is_ok() => {
            ((a.parse::<i16>()?, b.parse::<i16>()?), rest.to_vec())
        }
        rest => ((2000, 2060), rest.to_vec()),
    };
    let codes: Vec<String> = if codes.is_empty() {
        BusinessCalendar::builtin_ids()
            .into_iter()
            .filter(|c| BusinessCalendar::builtin_code(c) == Some(c))
            .map(str::to_owned)
            .collect()
    } else {
        codes
    };
    let from = Date::from_ymd(years.0, 1, 1)?;
    let until = Date::from_ymd(years.1, 12, 31)?;
    let mut out = std::io::stdout().lock();
    for code in codes {
        let cal = BusinessCalendar::builtin(&code)?;
        let days: Vec<_> = cal
            .holidays_between(from, until)
            .into_iter()
            .map(|(d, n)| serde_json::json!([d.to_string(), n, cal.is_business_day(d)]))
            .collect();
        let line = serde_json::json!({
            "code": cal.code(),
            "name": cal.name(),
            "file": cal.file(),
            "from": years.0,
            "until": years.1,
            "known_until": cal.known_until(),
            "weekend": cal.weekend(),
            "holidays": days,
            "workdays": cal.workdays_between(from, until).into_iter().map(|(d, n)| serde_json::json!([d.to_string(), n])).collect::<Vec<_>>(),
            "exceptions": cal.exceptions().iter().map(|e| serde_json::json!({
                "library": e.library,
                "date": e.date.map(|d| d.to_string()),
                "name": e.name,
                "from": e.from,
                "until": e.until,
                "note": e.note,
            })).collect::<Vec<_>>(),
        });
        writeln!(out, "{line}")?;
    }
    Ok(())
}
