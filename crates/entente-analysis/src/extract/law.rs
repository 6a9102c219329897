//! Governing law and venue: finds the "governed by the laws of …" and forum clauses and
//! names the jurisdiction canonically ("the State of New York" → "New York").

use super::{Doc, Found};
use regex::Regex;
use std::sync::LazyLock;

/// Canonical jurisdiction names and the spellings that mean them (lowercase).
const PLACES: &[(&str, &[&str])] = &[
    (
        "England and Wales",
        &["england and wales", "england & wales", "english"],
    ),
    ("England", &["england"]),
    ("Scotland", &["scotland", "scottish"]),
    ("Northern Ireland", &["northern ireland"]),
    ("Ireland", &["ireland", "irish", "republic of ireland"]),
    ("United Kingdom", &["united kingdom", "the uk", "u.k."]),
    (
        "Germany",
        &["germany", "german", "federal republic of germany"],
    ),
    ("France", &["france", "french"]),
    ("Switzerland", &["switzerland", "swiss"]),
    (
        "Netherlands",
        &["netherlands", "the netherlands", "dutch", "holland"],
    ),
    ("Belgium", &["belgium", "belgian"]),
    ("Luxembourg", &["luxembourg"]),
    ("Austria", &["austria", "austrian"]),
    ("Italy", &["italy", "italian"]),
    ("Spain", &["spain", "spanish"]),
    ("Portugal", &["portugal", "portuguese"]),
    ("Sweden", &["sweden", "swedish"]),
    ("Norway", &["norway", "norwegian"]),
    ("Denmark", &["denmark", "danish"]),
    ("Finland", &["finland", "finnish"]),
    ("Poland", &["poland", "polish"]),
    ("Czech Republic", &["czech republic", "czech"]),
    ("Greece", &["greece", "greek"]),
    ("Israel", &["israel", "israeli"]),
    ("Japan", &["japan", "japanese"]),
    (
        "China",
        &[
            "people's republic of china",
            "people’s republic of china",
            "prc",
            "china",
            "chinese",
        ],
    ),
    ("Hong Kong", &["hong kong"]),
    ("Taiwan", &["taiwan", "republic of china"]),
    ("Singapore", &["singapore"]),
    (
        "South Korea",
        &["korea", "republic of korea", "south korea"],
    ),
    ("India", &["india", "indian"]),
    ("Australia", &["australia", "australian"]),
    ("New Zealand", &["new zealand"]),
    ("Canada", &["canada", "canadian"]),
    ("Ontario", &["ontario", "province of ontario"]),
    ("Quebec", &["quebec", "québec"]),
    ("British Columbia", &["british columbia"]),
    ("Alberta", &["alberta"]),
    ("Mexico", &["mexico", "mexican"]),
    ("Brazil", &["brazil", "brazilian"]),
    ("Argentina", &["argentina"]),
    (
        "Republic of South Africa",
        &["republic of south africa", "south africa"],
    ),
    ("Cayman Islands", &["cayman islands"]),
    ("Bermuda", &["bermuda"]),
    ("British Virgin Islands", &["british virgin islands"]),
    ("Puerto Rico", &["puerto rico"]),
    (
        "United States",
        &[
            "united states of america",
            "united states",
            "u.s.",
            "usa",
            "federal law",
        ],
    ),
    ("Alabama", &["alabama"]),
    ("Alaska", &["alaska"]),
    ("Arizona", &["arizona"]),
    ("Arkansas", &["arkansas"]),
    ("California", &["california"]),
    ("Colorado", &["colorado"]),
    ("Connecticut", &["connecticut"]),
    ("Delaware", &["delaware"]),
    ("District of Columbia", &["district of columbia"]),
    ("Florida", &["florida"]),
    ("Georgia", &["georgia"]),
    ("Hawaii", &["hawaii"]),
    ("Idaho", &["idaho"]),
    ("Illinois", &["illinois"]),
    ("Indiana", &["indiana"]),
    ("Iowa", &["iowa"]),
    ("Kansas", &["kansas"]),
    ("Kentucky", &["kentucky"]),
    ("Louisiana", &["louisiana"]),
    ("Maine", &["maine"]),
    ("Maryland", &["maryland"]),
    ("Massachusetts", &["massachusetts"]),
    ("Michigan", &["michigan"]),
    ("Minnesota", &["minnesota"]),
    ("Mississippi", &["mississippi"]),
    ("Missouri", &["missouri"]),
    ("Montana", &["montana"]),
    ("Nebraska", &["nebraska"]),
    ("Nevada", &["nevada"]),
    ("New Hampshire", &["new hampshire"]),
    ("New Jersey", &["new jersey"]),
    ("New Mexico", &["new mexico"]),
    ("New York", &["new york"]),
    ("North Carolina", &["north carolina"]),
    ("North Dakota", &["north dakota"]),
    ("Ohio", &["ohio"]),
    ("Oklahoma", &["oklahoma"]),
    ("Oregon", &["oregon"]),
    ("Pennsylvania", &["pennsylvania"]),
    ("Rhode Island", &["rhode island"]),
    ("South Carolina", &["south carolina"]),
    ("South Dakota", &["south dakota"]),
    ("Tennessee", &["tennessee"]),
    ("Texas", &["texas"]),
    ("Utah", &["utah"]),
    ("Vermont", &["vermont"]),
    ("Virginia", &["virginia", "commonwealth of virginia"]),
    ("Washington", &["washington", "state of washington"]),
    ("West Virginia", &["west virginia"]),
    ("Wisconsin", &["wisconsin"]),
    ("Wyoming", &["wyoming"]),
];

/// The canonical name of a place ("the State of New York" → "New York").
pub(crate) fn canonical_place(raw: &str) -> Option<String> {
    let l = raw.trim().to_ascii_lowercase();
    let l = strip_place_prefix(&l);
    let mut best: Option<(&str, usize)> = None;
    for (canon, names) in PLACES {
        for n in *names {
            if let Some(rest) = l.strip_prefix(n) {
                let after = rest.chars().next();
                if after.is_none_or(|c| !c.is_alphanumeric()) && best.is_none_or(|b| n.len() > b.1)
                {
                    best = Some((canon, n.len()));
                }
            }
        }
    }
    best.map(|b| b.0.to_owned())
}

/// Whether `name` is a canonical name of `PLACES` (case-insensitive).
pub(crate) fn is_canonical(name: &str) -> bool {
    PLACES
        .iter()
        .any(|(canon, _)| canon.eq_ignore_ascii_case(name.trim()))
}

/// The country a jurisdiction belongs to: states of the United States, the nations of the
/// United Kingdom and the provinces of Canada map to their country; a country to itself.
pub(crate) fn country_of(place: &str) -> Option<String> {
    let canon = canonical_place(place)?;
    let us = PLACES
        .iter()
        .position(|(c, _)| *c == "United States")
        .is_some_and(|i| PLACES[i + 1..].iter().any(|(c, _)| *c == canon));
    Some(match canon.as_str() {
        _ if us => "United States".to_owned(),
        "England and Wales" | "England" | "Scotland" | "Northern Ireland" => {
            "United Kingdom".to_owned()
        }
        "Ontario" | "Quebec" | "British Columbia" | "Alberta" => "Canada".to_owned(),
        _ => canon,
    })
}

fn strip_place_prefix(l: &str) -> &str {
    let mut s = l.trim_start();
    loop {
        let before = s.len();
        for p in [
            "the ",
            "state of ",
            "commonwealth of ",
            "province of ",
            "kingdom of ",
            "laws of ",
            "law of ",
            "substantive laws of ",
            "internal laws of ",
        ] {
            if let Some(r) = s.strip_prefix(p) {
                s = r.trim_start();
            }
        }
        if s.len() == before {
            return s;
        }
    }
}

static LAW_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::text::regex(r"(?:governed by|construed|interpreted|enforced|governing law|subject to|in accordance with|applicable law)[^.;]{0,160}?(?-u:\b)laws?\s+(?:of|in)\s+(?:and (?:enforced|construed)[^.;]{0,40})?")
        .unwrap_or_else(|e| panic!("{e}"))
});

static LAW_ADJ_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::text::regex(r"(?:governed (?:exclusively |solely )?by|subject to|in accordance with|construed under|governed under)\s+(?:the\s+)?(?:substantive\s+)?([a-z][a-z .]{2,30}?)\s+laws?(?-u:\b)")
        .unwrap_or_else(|e| panic!("{e}"))
});

/// "the laws of the United States of America and of the State of Texas": federal law applies
/// anyway; the state's law is the choice the parties made.
fn federal_and_state(after: &str, place: String) -> String {
    if place != "United States" {
        return place;
    }
    let head = &after[..crate::text::floor_boundary(after, after.len().min(60))];
    let Some(i) = head.find(" and ") else {
        return place;
    };
    let rest = after[i + 5..].trim_start();
    let rest = rest.strip_prefix("of ").unwrap_or(rest).trim_start();
    let rest_plain = rest.strip_prefix("the ").unwrap_or(rest);
    if !(rest_plain.starts_with("state of ") || rest_plain.starts_with("commonwealth of ")) {
        return place;
    }
    canonical_place(rest).unwrap_or(place)
}

/// The governing law.
#[inline(never)]
pub(crate) fn governing_law(doc: &Doc<'_>) -> Option<Found<String>> {
    let mut best: Option<Found<String>> = None;
    let candidates: Vec<(usize, usize)> = doc
        .hits("governing_law")
        .map(|h| (h.start, h.end))
        .collect();
    for (a, z) in candidates {
        // Justified text spaces words unevenly ("construed in             accordance with
        // English law", "the State  of North Carolina"); the place is read from the sentence
        // with each run of whitespace made one space (the evidence stays the sentence).
        let squashed = crate::text::squash(&doc.lower[a..z]);
        let s = squashed.as_str();
        let mut found: Option<String> = None;
        for m in LAW_RE.find_iter(s) {
            let after = &s[m.end()..];
            if let Some(p) = canonical_place(after) {
                found = Some(federal_and_state(after, p));
                break;
            }
        }
        if found.is_none() {
            // "subject to applicable law … governed by English law": the first adjective that
            // names a place.
            found = LAW_ADJ_RE
                .captures_iter(s)
                .find_map(|c| c.get(1).and_then(|m| canonical_place(m.as_str())));
        }
        if let Some(p) = found {
            let heading_bonus = doc
                .segment_at(a)
                .and_then(|i| doc.segs[i].heading.as_deref())
                .is_some_and(|h| h.to_ascii_lowercase().contains("law"));
            let conf = if heading_bonus { 0.95 } else { 0.85 };
            if best.as_ref().is_none_or(|b| conf > b.confidence) {
                best = Some(Found::new(p, (a, z), conf));
            }
        }
    }
    best.or_else(|| governing_law_wide(doc))
}

static LAW_WIDE_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::text::regex(r"(?:(?-u:\b)laws?|judicial decisions),?\s+(?:in force\s+)?(?:of|in)\s+|(?-u:\b)(?:made|entered into|executed|deemed to have been entered into)\s+in\s+(?:the\s+)?(?:state|commonwealth|province)\s+of\s+")
        .unwrap_or_else(|e| panic!("{e}"))
});

/// Law clauses the clause rules do not see: "The laws of the State of New York … govern",
/// "governed by the internal laws, and not by the laws regarding conflicts of laws, of the
/// State of North Carolina", "determined in accordance with the laws of the State of
/// Michigan", "made in the State of California and … governed by … the laws thereof".
/// Read outside the opening only (where "organized under the laws of" describes a party),
/// and only in a sentence that chooses a law for the agreement.
fn governing_law_wide(doc: &Doc<'_>) -> Option<Found<String>> {
    const CHOOSES: &[&str] = &[
        "govern",
        "constru",
        "interpret",
        "in accordance with",
        "controlled by",
        "applied pursuant",
        "application of",
        "pursuant to the laws",
    ];
    const DESCRIBES: &[&str] = &[
        "organized",
        "organised",
        "incorporated",
        "existing under",
        "formed under",
        "comply",
        "complian",
        "violat",
        "licensed",
        "registered",
        "bankrupt",
        "insolven",
    ];
    let (_, front_end) = doc.front_region();
    for m in LAW_WIDE_RE.find_iter(&doc.lower) {
        if m.start() < front_end {
            continue;
        }
        let window = crate::text::floor_boundary(&doc.lower, (m.end() + 200).min(doc.lower.len()));
        let after = crate::text::squash(&doc.lower[m.end()..window]);
        let Some(place) = canonical_place(&after).map(|p| federal_and_state(&after, p)) else {
            continue;
        };
        let Some(k) = doc.sentence_at(m.start()) else {
            continue;
        };
        let (a, z) = doc.sents[k];
        let s = &doc.lower[a..z];
        // A place of signing names the law only when the sentence refers back to it.
        let made_in =
            !s[m.start() - a..].starts_with("law") && !s[m.start() - a..].starts_with("jud");
        if made_in && !(s.contains("laws thereof") || s.contains("laws of such state")) {
            continue;
        }
        if !CHOOSES.iter().any(|w| s.contains(w)) || DESCRIBES.iter().any(|w| s.contains(w)) {
            continue;
        }
        if !(s.contains("agreement") || s.contains("contract") || s.contains("hereunder")) {
            continue;
        }
        return Some(Found::new(place, (a, z), 0.75));
    }
    None
}

static VENUE_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::text::regex(r"(?:courts?|tribunals?)\s+(?:of|located in|sitting in|in|for|situated in|having jurisdiction (?:over|in))\s+(?:the\s+)?((?:(?:city|county|borough|state|district|province|commonwealth) of\s+)?[A-Za-z][A-Za-z .]{1,40}?(?:,\s*[A-Za-z][A-Za-z ]{1,30}?)?)(?:\s*[,;.(]|\s+(?:and|or|shall|will|with|for|in|to|having|over|as|which|located|sitting)(?-u:\b))|(?:venue|seat|place) of (?:the )?(?:arbitration|proceedings?|any (?:action|suit|proceeding))?[^.;]{0,30}?(?:shall|will) be(?: in)?\s+((?:the )?[A-Za-z][A-Za-z .]{1,40}?)(?:\s*[,;.(]|\s+(?:and|or|shall|will|with|under)(?-u:\b))|(?:arbitration|proceedings?)[^.;]{0,80}?(?:held|conducted|take place|seated) in\s+([A-Za-z][A-Za-z .]{1,40}?(?:,\s*[A-Za-z][A-Za-z ]{1,30}?)?)(?:\s*[,;.(]|\s+(?:and|or|under|in accordance|by|before|administered)(?-u:\b))")
        .unwrap_or_else(|e| panic!("{e}"))
});

/// The forum for disputes (courts or seat of arbitration), as written ("Wilmington, Delaware").
#[inline(never)]
pub(crate) fn venue(doc: &Doc<'_>) -> Option<Found<String>> {
    let mut spans: Vec<(usize, usize)> = doc
        .hits("jurisdiction_venue")
        .chain(doc.hits("arbitration"))
        .map(|h| (h.start, h.end))
        .collect();
    spans.sort_unstable();
    spans.dedup();
    for (a, z) in spans {
        let s = &doc.text[a..z];
        for c in VENUE_RE.captures_iter(s) {
            let Some(m) = c.get(1).or(c.get(2)).or(c.get(3)) else {
                continue;
            };
            let v = crate::text::squash(m.as_str());
            let v = v
                .trim_start_matches("the ")
                .trim_end_matches(['.', ','])
                .trim()
                .to_owned();
            let lv = v.to_ascii_lowercase();
            let generic = [
                "competent jurisdiction",
                "any jurisdiction",
                "law",
                "equity",
                "the parties",
                "any court",
                "such jurisdiction",
                "appropriate jurisdiction",
                "any competent",
                "general jurisdiction",
                "a court",
            ];
            if v.len() < 3 || generic.iter().any(|g| lv.starts_with(g)) {
                continue;
            }
            if !v.chars().next().is_some_and(char::is_uppercase) {
                continue;
            }
            let v = tidy_venue(&v);
            return Some(Found::new(v, (a, z), 0.75));
        }
    }
    None
}

fn tidy_venue(v: &str) -> String {
    let mut s = v.to_owned();
    for p in [
        "State of ",
        "Commonwealth of ",
        "City of ",
        "County of ",
        "Borough of ",
    ] {
        if let Some(r) = s.strip_prefix(p) {
            s = r.to_owned();
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn place_names_are_canonical() {
        assert_eq!(
            canonical_place("the State of New York, without").as_deref(),
            Some("New York")
        );
        assert_eq!(
            canonical_place("England and Wales").as_deref(),
            Some("England and Wales")
        );
        assert_eq!(canonical_place("england").as_deref(), Some("England"));
        assert_eq!(
            canonical_place("the Federal Republic of Germany").as_deref(),
            Some("Germany")
        );
        assert_eq!(
            canonical_place("West Virginia").as_deref(),
            Some("West Virginia")
        );
        assert_eq!(canonical_place("Virginia").as_deref(), Some("Virginia"));
        assert_eq!(canonical_place("Nowhere"), None);
        assert_eq!(country_of("Delaware").as_deref(), Some("United States"));
        assert_eq!(country_of("a Delaware corporation"), None);
        assert_eq!(
            country_of("England and Wales").as_deref(),
            Some("United Kingdom")
        );
        assert_eq!(
            country_of("the Netherlands").as_deref(),
            Some("Netherlands")
        );
        assert!(is_canonical("england and wales") && !is_canonical("Holland"));
    }

    #[test]
    fn governing_law_and_venue() {
        let t = "12. Governing Law. This Agreement shall be governed by and construed in accordance with the laws of the State of Delaware, without regard to conflicts of law.\n\n13. Venue. The parties submit to the exclusive jurisdiction of the state and federal courts located in Wilmington, Delaware.\n";
        let d = Doc::new(t);
        assert_eq!(
            governing_law(&d).map(|f| f.value).as_deref(),
            Some("Delaware")
        );
        assert_eq!(
            venue(&d).map(|f| f.value).as_deref(),
            Some("Wilmington, Delaware")
        );
        let d = Doc::new("This Agreement is governed by German law.\n");
        assert_eq!(
            governing_law(&d).map(|f| f.value).as_deref(),
            Some("Germany")
        );
    }

    fn law_of(body: &str) -> Option<String> {
        let t = format!(
            "SERVICES AGREEMENT\n\nThis Services Agreement (the \"Agreement\") is made on March 1, 2024 between Northwind Inc., a corporation organized under the laws of the State of Ohio, with offices at 200 Lake Street, Columbus, Ohio (\"Northwind\"), and Helix LLC, a Texas limited liability company (\"Helix\").\n\n1. Services. Helix shall provide the services described in Exhibit A.\n\n2. Miscellaneous. {body}\n"
        );
        governing_law(&Doc::new(&t)).map(|f| f.value)
    }

    #[test]
    fn law_clauses_in_less_usual_wording() {
        for (body, want) in [
            (
                "The laws of the State of New York (excluding any laws that direct the application of another jurisdiction's law) govern all matters arising out of or relating to this Agreement.",
                "New York",
            ),
            (
                "This Agreement shall be governed by the internal laws, and not by the laws regarding conflicts of laws, of the State of North Carolina.",
                "North Carolina",
            ),
            (
                "Any controversy between the parties arising under this Agreement and not resolved by the parties shall be determined in accordance with the laws of the State of Michigan.",
                "Michigan",
            ),
            (
                "This Agreement has been made in the State of California and shall be governed by and construed in accordance with the laws thereof without regard to principles of conflicts of laws.",
                "California",
            ),
            (
                "This Agreement, its interpretation and construction, and the remedies for its enforcement or breach are to be applied in accordance with the laws of the State of New Jersey.",
                "New Jersey",
            ),
            // Justified text, unevenly spaced, in the clause and in the wider reading.
            (
                "This Agreement shall be            governed by and construed in accordance with the substantive laws of the State  of\nNorth Carolina.",
                "North Carolina",
            ),
            (
                "Any controversy between the parties arising under this Agreement shall be determined in accordance with the laws of the   State of    New  Jersey.",
                "New Jersey",
            ),
            // Federal law with a state's: the state is the choice.
            (
                "This Distributor Agreement shall be exclusively governed, construed, enforced and controlled by the laws of the United States of America and of the State of Texas.",
                "Texas",
            ),
            (
                "This Agreement shall be governed in all respects by the laws of the United States and the State of Florida, except for conflict of laws provisions.",
                "Florida",
            ),
            (
                "This Agreement shall be governed by the laws of the United States of America and of the Commonwealth of Pennsylvania.",
                "Pennsylvania",
            ),
            // Federal law alone stays federal law.
            (
                "This Agreement shall be governed by the laws of the United States of America and the parties submit to the courts of Delaware.",
                "United States",
            ),
        ] {
            assert_eq!(law_of(body).as_deref(), Some(want), "{body}");
        }
    }

    #[test]
    fn a_party_organized_under_a_law_is_no_choice_of_law() {
        // The opening's "organized under the laws of the State of Ohio" describes a party,
        // and a duty to comply with laws chooses nothing.
        assert_eq!(
            law_of(
                "Helix shall comply with the laws of the State of Texas in performing the services under this Agreement."
            ),
            None
        );
    }
}
