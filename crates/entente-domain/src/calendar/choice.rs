//! Which business-day calendar governs an agreement's notices: the one a person set, else the
//! receiving party's jurisdiction, else the governing law, else the tenant's default.

use super::BusinessCalendar;

/// Places as agreements and party records name them, most specific first, with their
/// calendar codes. Matching is on whole words, case-insensitive.
const PLACES: &[(&str, &str)] = &[
    ("northern ireland", "gb-nir"),
    ("scotland", "gb-sct"),
    ("scottish", "gb-sct"),
    ("england and wales", "gb-eng"),
    ("england", "gb-eng"),
    ("english", "gb-eng"),
    ("wales", "gb-wls"),
    ("united kingdom", "gb-eng"),
    ("new york", "us-ny"),
    ("delaware", "us-de"),
    ("california", "us-ca"),
    ("texas", "us-tx"),
    ("illinois", "us-il"),
    ("massachusetts", "us-ma"),
    ("ohio", "us-oh"),
    ("pennsylvania", "us-pa"),
    ("washington state", "us-wa"),
    ("state of washington", "us-wa"),
    ("united states", "us"),
    ("usa", "us"),
    ("u.s.", "us"),
    ("us", "us"),
    ("austria", "at"),
    ("belgium", "be"),
    ("bulgaria", "bg"),
    ("croatia", "hr"),
    ("cyprus", "cy"),
    ("czech republic", "cz"),
    ("czechia", "cz"),
    ("denmark", "dk"),
    ("estonia", "ee"),
    ("finland", "fi"),
    ("france", "fr"),
    ("french", "fr"),
    ("germany", "de"),
    ("german", "de"),
    ("greece", "gr"),
    ("hungary", "hu"),
    ("ireland", "ie"),
    ("irish", "ie"),
    ("italy", "it"),
    ("latvia", "lv"),
    ("lithuania", "lt"),
    ("luxembourg", "lu"),
    ("malta", "mt"),
    ("the netherlands", "nl"),
    ("netherlands", "nl"),
    ("dutch", "nl"),
    ("poland", "pl"),
    ("portugal", "pt"),
    ("romania", "ro"),
    ("slovakia", "sk"),
    ("slovak republic", "sk"),
    ("slovenia", "si"),
    ("spain", "es"),
    ("sweden", "se"),
    ("swedish", "se"),
    ("iceland", "is"),
    ("liechtenstein", "li"),
    ("norway", "no"),
    ("switzerland", "ch"),
    ("swiss", "ch"),
    ("canada", "ca"),
    ("australia", "au"),
    ("japan", "jp"),
    ("singapore", "sg"),
    ("india", "in"),
    ("brazil", "br"),
];

/// The calendar code for a place or governing law as written ("the laws of England and
/// Wales" → `gb-eng`, "State of New York" → `us-ny`, "Delaware, US" → `us-de`,
/// "Netherlands" → `nl`), or `None` when no built-in calendar matches.
pub fn code_for_place(text: &str) -> Option<&'static str> {
    let lower = format!(
        " {} ",
        text.to_lowercase().replace([',', '(', ')', ';'], " ")
    );
    // A bare code ("nl", "gb-sct") as a party record may hold it.
    if let Some(code) = BusinessCalendar::builtin_code(text.trim())
        && text.trim().len() <= 6
    {
        return Some(code);
    }
    PLACES
        .iter()
        .filter_map(|(name, code)| {
            let pos = lower.find(&format!(" {name} ")).or_else(|| {
                // "Netherlands." at the end of a sentence.
                lower.find(&format!(" {name}. "))
            })?;
            Some((pos, name.len(), *code))
        })
        // The place named first wins; at one position, the longer name ("New York" over
        // "York", "England and Wales" over "England").
        .min_by_key(|(pos, len, _)| (*pos, usize::MAX - len))
        .map(|(_, _, code)| code)
}

/// The calendar an agreement's notices follow and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarChoice {
    pub calendar: BusinessCalendar,
    /// "calendar set on the agreement", "calendar from the governing law", …
    pub basis: String,
}

/// What the choice rests on for one agreement.
#[derive(Debug, Clone, Default)]
pub struct CalendarInputs<'a> {
    /// A calendar a person set on the agreement (a built-in code).
    pub set: Option<&'a str>,
    /// The parties who receive notice, as (name, jurisdiction): the other parties when a
    /// notice has been recorded, else every party.
    pub recipients: Vec<(&'a str, Option<&'a str>)>,
    /// The governing law as extracted or entered.
    pub governing_law: Option<&'a str>,
}

/// Chooses, in order: the calendar set on the agreement; the receiving parties' jurisdiction
/// when all of them with a known one map to the same calendar; the governing law; the
/// tenant's calendar (`tenant`).
pub fn choose(inputs: &CalendarInputs<'_>, tenant: &BusinessCalendar) -> CalendarChoice {
    if let Some(set) = inputs.set
        && let Ok(calendar) = BusinessCalendar::builtin(set)
    {
        return CalendarChoice {
            calendar,
            basis: "calendar set on the agreement".to_owned(),
        };
    }
    let mapped: Vec<(&str, &'static str)> = inputs
        .recipients
        .iter()
        .filter_map(|(name, j)| Some((*name, code_for_place((*j)?)?)))
        .collect();
    if let Some((name, code)) = mapped.first()
        && mapped.iter().all(|(_, c)| c == code)
        && let Ok(calendar) = BusinessCalendar::builtin(code)
    {
        let basis = if mapped.len() == 1 && inputs.recipients.len() == 1 {
            format!("calendar from the jurisdiction of {name}, who receives the notice")
        } else {
            "calendar from the parties' jurisdiction".to_owned()
        };
        return CalendarChoice { calendar, basis };
    }
    if let Some(code) = inputs.governing_law.and_then(code_for_place)
        && let Ok(calendar) = BusinessCalendar::builtin(code)
    {
        return CalendarChoice {
            calendar,
            basis: "calendar from the governing law".to_owned(),
        };
    }
    CalendarChoice {
        calendar: tenant.clone(),
        basis: "the organisation's default calendar".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_map_to_calendars() {
        for (text, code) in [
            ("the laws of England and Wales", Some("gb-eng")),
            ("England", Some("gb-eng")),
            ("Scotland", Some("gb-sct")),
            ("the laws of the State of New York", Some("us-ny")),
            ("Delaware, US", Some("us-de")),
            ("Netherlands", Some("nl")),
            ("the laws of the Federal Republic of Germany", Some("de")),
            ("Swiss law", Some("ch")),
            ("nl", Some("nl")),
            ("gb-sct", Some("gb-sct")),
            ("Atlantis", None),
            ("the laws of Narnia", None),
        ] {
            assert_eq!(code_for_place(text), code, "{text}");
        }
    }

    #[test]
    fn the_choice_follows_its_order_and_says_why() {
        let tenant = BusinessCalendar::weekends_only();
        let law = Some("the laws of England and Wales");
        // Parties in two countries and no notice recorded: the governing law decides.
        let both = CalendarInputs {
            recipients: vec![
                ("Helix Data Ltd", Some("England and Wales")),
                ("Northwind Systems GmbH", Some("Germany")),
            ],
            governing_law: law,
            ..Default::default()
        };
        let c = choose(&both, &tenant);
        assert_eq!(
            (c.calendar.code(), c.basis.as_str()),
            ("gb-eng", "calendar from the governing law")
        );
        // Northwind (Germany) gives notice to Helix (England): Helix's calendar.
        let to_helix = CalendarInputs {
            recipients: vec![("Helix Data Ltd", Some("England and Wales"))],
            governing_law: Some("the laws of Germany"),
            ..Default::default()
        };
        let c = choose(&to_helix, &tenant);
        assert_eq!(c.calendar.code(), "gb-eng");
        assert!(
            c.basis.contains("Helix Data Ltd, who receives the notice"),
            "{}",
            c.basis
        );
        // And the other way round.
        let to_northwind = CalendarInputs {
            recipients: vec![("Northwind Systems GmbH", Some("Germany"))],
            governing_law: law,
            ..Default::default()
        };
        assert_eq!(choose(&to_northwind, &tenant).calendar.code(), "de");
        // A calendar set on the agreement wins over everything.
        let set = CalendarInputs {
            set: Some("nl"),
            ..both.clone()
        };
        let c = choose(&set, &tenant);
        assert_eq!(
            (c.calendar.code(), c.basis.as_str()),
            ("nl", "calendar set on the agreement")
        );
        // Nothing known: the tenant's default.
        let c = choose(&CalendarInputs::default(), &tenant);
        assert_eq!(c.calendar, tenant);
        assert_eq!(c.basis, "the organisation's default calendar");
    }
}
