//! Party extraction: legal names, defined short names, roles and jurisdictions of
//! incorporation from the preamble ("by and between A, a Delaware corporation ("A"), and B").

use super::{Doc, Found};
use crate::segment::SegmentKind;
use regex::Regex;
use std::sync::LazyLock;

/// A party as the agreement names it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PartyFound {
    pub(crate) name: String,
    pub(crate) aliases: Vec<String>,
    pub(crate) role: String,
    pub(crate) jurisdiction: Option<String>,
}

static ANCHOR_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::text::regex(r"(?i)(?-u:\b)(?:by and between|by and among|between|among(?:st)?|entered into by|made by|parties:|(?-i:PARTIES)[ \t]+(?:\(1\)|1\.)|party a\s*[:：]|(?m:^\s*parties\s*:?\s*$)|the parties to this agreement are:?)\s*[:：]?")
        .unwrap_or_else(|e| panic!("{e}"))
});

static STOP_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::text::regex(r#"(?i)(?-u:\b)(?:whereas|recitals|witnesseth|now,? therefore|background(?-u:\b)|it is (?:hereby )?agreed|the parties (?:hereby )?agree|in consideration of|(?:each|individually) (?:referred to as )?(?:a|the) ["“]party|(?:collectively|together)[^.;]{0,40}["“]parties|hereinafter (?:collectively|jointly) referred|table of contents|(?-i:\n\s*(?:DATED|Dated)(?-u:\b)))|(?-i:\n\s*\n\s*(?:\d+\.?\s+)?[A-Z][A-Z]{2,}(?:[ \t]+[A-Z&]{2,})*[ \t]*:?[ \t]*\n)"#)
        .unwrap_or_else(|e| panic!("{e}"))
});

static QUOTED_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::text::regex(r#"["“”″]+\s*([^"“”″\n]{1,60}?)\s*["“”″]+|['‘’]{1,2}\s*([A-Z][^'‘’\n]{0,40}?)\s*['‘’]{1,2}"#)
        .unwrap_or_else(|e| panic!("{e}"))
});

static SUFFIX_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::text::regex(r"(?i)(?:(?-u:\b)(?:inc|incorporated|corp|corporation|company|co|llc|l\.l\.c|ltd|limited|plc|lp|l\.p|llp|l\.l\.p|gmbh|ag|sa|s\.a|nv|n\.v|bv|b\.v|s\.p\.a|spa|srl|s\.r\.l|sas|sarl|pty|kk|k\.k|oy|ab|se|kg|pte|bhd|group|holdings|partners|trust|university|institute|foundation|association|bank|center|centre|laboratories|labs)\.?|(?-u:\b)s\.\s?a\.|(?-u:\b)l\.\s?p\.)\s*$")
        .unwrap_or_else(|e| panic!("{e}"))
});

static DATE_LIKE_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::text::regex(r"(?-u:\b)\d{1,2}/\d{1,2}/\d{2,4}(?-u:\b)").unwrap_or_else(|e| panic!("{e}"))
});

static JURIS_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::text::regex(r"(?:(?:organi[sz]ed|incorporated|existing|registered|formed|established|constituted)(?: and existing)?(?: under the laws of| in| pursuant to the laws of)|under the laws of|a company (?:registered|incorporated) in)\s+(?:the\s+)?(?:State of |Commonwealth of |Province of |Republic of |Kingdom of )?([A-Z][A-Za-z.]*(?:[ -](?:of |and )?[A-Z][A-Za-z.]*){0,4})|(?-u:\b)(?:an?|the)\s+([A-Z][a-z]+(?: [A-Z][a-z]+)?)\s+(?:corporation|limited liability company|limited partnership|general partnership|company|public limited company|private limited company|société|gesellschaft|statutory trust|banking corporation|not-for-profit corporation|nonprofit corporation|professional corporation|business trust)")
        .unwrap_or_else(|e| panic!("{e}"))
});

const ROLES: &[&str] = &[
    "licensor",
    "licensee",
    "supplier",
    "customer",
    "distributor",
    "company",
    "agent",
    "partner",
    "sponsor",
    "member",
    "consultant",
    "contractor",
    "manufacturer",
    "reseller",
    "provider",
    "service provider",
    "client",
    "franchisee",
    "franchisor",
    "developer",
    "collaborator",
    "lead",
    "coordinator",
    "purchaser",
    "buyer",
    "seller",
    "vendor",
    "investor",
    "sponsor",
    "institution",
    "university",
    "shipper",
    "transporter",
    "owner",
    "manager",
    "operator",
    "publisher",
    "affiliate",
    "lender",
    "borrower",
    "employer",
    "party a",
    "party b",
    "party c",
    "first party",
    "second party",
];

const NOT_ALIASES: &[&str] = &[
    "agreement",
    "party",
    "parties",
    "effective date",
    "this agreement",
    "execution date",
    "closing date",
    "affiliates",
    "affiliate",
];

fn clean_name(s: &str) -> String {
    let mut t = crate::text::squash(s);
    loop {
        let before = t.len();
        for p in [
            "and ", "And ", "AND ", ", ", ": ", "; ", "(1) ", "(2) ", "(3) ", "(4) ", "(5) ",
            "1. ", "2. ", "3. ", "4. ", "(a) ", "(b) ", "(c) ", "(i) ", "(ii) ", "(iii) ", "- ",
            "– ", "by ", "BY ", ":", ",",
        ] {
            if let Some(r) = t.strip_prefix(p) {
                t = r.trim_start().to_owned();
            }
        }
        if t.len() == before {
            break;
        }
    }

    // "on the one hand ABG-Shaq", "Of the one part, SOLARIA IBÉRICA, S.L.".
    for p in [
        "on the one hand ",
        "on the other hand ",
        "On the one hand ",
        "On the other hand ",
        "Of the one part, ",
        "Of the other part, ",
        "of the one part, ",
        "of the other part, ",
        "on the one hand, ",
        "on the other hand, ",
        "On the one hand, ",
        "On the other hand, ",
        "WHEREAS, ",
        "Whereas, ",
    ] {
        if let Some(r) = t.strip_prefix(p) {
            t = r.trim_start().to_owned();
        }
    }
    // A description before the name: "professional golfer, TOM WATSON".
    if t.starts_with(|c: char| c.is_ascii_lowercase())
        && let Some(i) = t.find(", ")
        && i <= 40
        && t[..i].bytes().all(|b| b.is_ascii_lowercase() || b == b' ')
        && t[i + 2..].starts_with(|c: char| c.is_uppercase())
    {
        t = t[i + 2..].to_owned();
    }
    // "the TOWN OF VINTON, VIRGINIA": the article before a name in capitals of two words or
    // more ("the COMPANY" stays a defined term).
    if let Some(r) = t.strip_prefix("the ") {
        let words: Vec<&str> = r.split_whitespace().take(2).collect();
        let caps = |w: &str| {
            w.chars().filter(|c| c.is_alphabetic()).count() >= 2
                && !w.chars().any(char::is_lowercase)
        };
        if words.len() == 2 && words.iter().all(|w| caps(w)) {
            t = r.to_owned();
        }
    }
    // A sentence running on after the name: "GSI and Sony are referred to …", "Shipper
    // shall", "Nigel Crockett of" (an address on the next line).
    if let Some(m) = RUN_ON_RE.find(&t) {
        t.truncate(m.start());
    }
    // "Jaguar Investments, Inc. and its affiliates": the party is the company.
    for tail in [
        " and its affiliates",
        " and its subsidiaries",
        " and its Affiliates",
    ] {
        if let Some(head) = t.strip_suffix(tail) {
            t = head.to_owned();
        }
    }
    t.replace("..", ".")
        .trim_end_matches([',', ';', ':', ' ', '-', '–'])
        .trim_matches(|c: char| c == '"' || c == '“' || c == '”')
        .to_owned()
}

static RUN_ON_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::text::regex(
        r"\s+of$|\s+(?:are|is|shall|may|will|hereby|wishes|desires|agrees?)(?:\s.*)?$",
    )
    .unwrap_or_else(|e| panic!("{e}"))
});

fn is_plausible_name(n: &str) -> bool {
    let len = n.chars().count();
    if !(2..=160).contains(&len) {
        return false;
    }
    let first = n.chars().next().unwrap_or(' ');
    if !(first.is_uppercase() || first.is_ascii_digit() || SUFFIX_RE.is_match(n)) {
        return false;
    }
    let l = n.to_ascii_lowercase();
    let bad = [
        "the parties",
        "each of",
        "the undersigned",
        "this agreement",
        "agreement",
        "the company and",
        "whereas",
        "party",
        "parties",
        "dated",
        "effective",
        // Headings a party list can run into ("2. INTERPRETATION AND DEFINITIONS").
        "definitions",
        "interpretation",
        "recitals",
        "recordal",
    ];
    if bad
        .iter()
        .any(|b| l == *b || l.starts_with(&format!("{b} ")))
        && !SUFFIX_RE.is_match(n)
    {
        return false;
    }
    if n.split_whitespace().count() > 16 {
        return false;
    }
    let suffix = SUFFIX_RE.is_match(n);
    // A defined term ("the Company"), a document ("Maintenance Agreement"), a filing's
    // footer ("S-1, 1/12/2018") or words of a clause ("INCLUDING THE LIMITED WARRANTY",
    // "all other documents attached hereto") name no party.
    if l.starts_with("the ") && n.starts_with('t') && n.split_whitespace().count() <= 2 {
        return false;
    }
    if !suffix
        && (l.ends_with(" agreement")
            || DATE_LIKE_RE.is_match(n)
            || [
                "including ",
                "disclaimer",
                "warrant",
                "limitations of liability",
                " hereto",
                " herein",
                " thereof",
                " therein",
                // A clause ("making and use of additional copies is limited to …") or a
                // document part ("Attachment B Hosting Components") is no name either.
                " is ",
                " are ",
                " shall ",
                " will ",
                "attachment ",
                "exhibit ",
                "schedule ",
                "appendix ",
                "annex ",
            ]
            .iter()
            .any(|w| l.starts_with(w.trim_start()) || l.contains(w)))
    {
        return false;
    }
    // A possessive before a word in lower case is a phrase about a party, not its name
    // ("GitHub's transmission of a Detection Notification"; "McDonald's Corporation" is one).
    let phrase = n
        .split_whitespace()
        .collect::<Vec<_>>()
        .windows(2)
        .any(|w| {
            (w[0].ends_with("'s") || w[0].ends_with("’s"))
                && w[1].starts_with(|c: char| c.is_lowercase())
        });
    if phrase {
        return false;
    }
    // Something besides the legal form ("corporation" alone is not a name).
    let core = SUFFIX_RE.replace(n, "");
    core.chars().any(char::is_alphabetic)
}

/// Drops what precedes a party's name: "and", separators, enumerators "(1)", "2.".
fn strip_lead(chunk: &str) -> &str {
    static LEAD_RE: LazyLock<Regex> = LazyLock::new(|| {
        crate::text::regex(r"^(?:\s|,|;|:|and(?-u:\b)|AND(?-u:\b)|And(?-u:\b)|between(?-u:\b)|BETWEEN(?-u:\b)|Between(?-u:\b)|among(?-u:\b)|AMONG(?-u:\b)|\(\s*(?:\d{1,2}|[a-zA-Z]|[ivx]{1,4})\s*\)|\d{1,2}[.)]\s|[-–•])*")
            .unwrap_or_else(|e| panic!("{e}"))
    });
    match LEAD_RE.find(chunk) {
        Some(m) => &chunk[m.end()..],
        None => chunk,
    }
}

/// Cuts a party chunk at the start of its description: ", a Delaware corporation", "(".
fn name_part(chunk: &str) -> &str {
    static CUT_RE: LazyLock<Regex> = LazyLock::new(|| {
        crate::text::regex(r#"(?i),?\s+(?:an?\s+(?:[a-z]|[A-Z][a-z]+)|having|with (?:its|a|offices)|whose|organi[sz]ed|incorporated|existing|located|registered|duly|which|acting|represented|address|hereinafter|herein|a company|a corporation|the company|on behalf|doing business|established|company (?:no|number|registration)|\(?(?:company|registration|reg\.) (?:no|number)|each|individually|collectively|formerly|also known|its principal|with principal|having its|with an address|of\s+\d|at\s+\d|of the (?:first|second|third|one|other) part|\d{2,5}\s+[A-Z][a-z])(?-u:\b)|\s*\(|\s*["“]|,\s*(?:[A-Z][a-z]+,\s*)?(?:[A-Z][a-z]+ )?\d{3,}|,\s*(?:the\s+)?["“]"#)
            .unwrap_or_else(|e| panic!("{e}"))
    });
    static DATE_CUT_RE: LazyLock<Regex> = LazyLock::new(|| {
        crate::text::regex(r"\s+(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan\.|Feb\.|Oct\.|Nov\.|Dec\.)\s+\d|\s{2,}|\s+(?:TABLE OF CONTENTS|Table of Contents|dated|DATED|means|shall mean|has the meaning)(?-u:\b)")
            .unwrap_or_else(|e| panic!("{e}"))
    });
    // All-caps parentheticals inside a name ("SYSTEMS (AFRICA) (PTY) LIMITED") are kept.
    let mut from = 0;
    let cut = loop {
        let Some(m) = CUT_RE.find_at(chunk, from) else {
            break chunk.len();
        };
        let tail = &chunk[m.start()..];
        let tt = tail.trim_start();
        if let Some(inner) = tt.strip_prefix('(')
            && let Some(close) = inner.find(')')
        {
            let content = &inner[..close];
            let after = inner[close + 1..].trim_start();
            let caps = !content.is_empty()
                && content.len() <= 20
                && content
                    .chars()
                    .all(|c| c.is_uppercase() || c == ' ' || c == '.');
            if caps && after.starts_with(|c: char| c.is_uppercase() || c == '(') {
                from = m.start() + (tail.len() - tt.len()) + 1 + close + 1;
                continue;
            }
        }
        break m.start();
    };
    let head = &chunk[..cut];
    let head = match DATE_CUT_RE.find(head) {
        Some(m) => &head[..m.start()],
        None => head,
    };
    // An address straight after the legal form: "Acme AG Alter Postplatz 2 …".
    if let Some(m) = SUFFIX_AT_RE.find(head) {
        let rest = head[m.end()..].trim_start();
        if !rest.is_empty()
            && !rest.starts_with(',')
            && !SUFFIX_START_RE.is_match(rest)
            && rest.chars().any(|c| c.is_ascii_digit())
        {
            return &head[..m.end()];
        }
    }
    head
}

static SUFFIX_AT_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::text::regex(r"(?-u:\b)(?:Inc\.?|Incorporated|Corp\.?|Corporation|LLC|L\.L\.C\.|Ltd\.?|Limited|GmbH|AG|S\.A\.|plc|PLC|N\.V\.|B\.V\.|S\.p\.A\.|LP|L\.P\.)")
        .unwrap_or_else(|e| panic!("{e}"))
});
static SUFFIX_START_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::text::regex(r"^(?:Inc|Incorporated|Corp|Corporation|LLC|L\.L\.C|Ltd|Limited|GmbH|AG|S\.A|plc|PLC|N\.V|B\.V|LP|L\.P|Co\.|Company|&)")
        .unwrap_or_else(|e| panic!("{e}"))
});

/// Whether a party chunk reads "the ALIAS named …" (or identified, specified, listed, set
/// forth, indicated, designated): the party is named elsewhere, by its defined name here.
fn named_elsewhere(lead: &str, alias: &str) -> bool {
    let starts = |s: &str, p: &str| s.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p));
    if !starts(lead, "the ") || !starts(&lead[4..], alias) {
        return false;
    }
    let rest = &lead[4 + alias.len()..];
    [
        " named ",
        " identified ",
        " specified ",
        " listed ",
        " set forth ",
        " indicated ",
        " designated ",
    ]
    .iter()
    .any(|w| starts(rest, w))
}

/// Splits the text after "between" into one chunk per party, at top-level separators.
fn split_chunks(s: &str) -> Vec<(usize, usize)> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    let mut i = 0;
    let mut seen_desc = false; // the current chunk has a parenthetical or a description
    // Parties listed as "(1) …; (2) …" or "1. …\n2. …" split only at their numbers.
    let enumerated = s.contains("(2)") || s.contains("\n2.") || s.contains("\n2)");
    while i < b.len() {
        let c = b[i];
        match c {
            b'(' => {
                // Enumerators "(1)", "(2)" at top level start a new party.
                let enumer = depth == 0
                    && s[i..].len() > 3
                    && (s[i + 1..].starts_with(|ch: char| ch.is_ascii_digit())
                        || s[i + 1..].starts_with(['a', 'b', 'c', 'i'])
                            && s[i + 2..].starts_with(')'))
                    && s[i..].find(')').is_some_and(|p| p <= 4)
                    && s[..i].trim_end().ends_with([';', ':', '\n', ','])
                        | (s[..i].trim().is_empty());
                if enumer && i > start && !s[start..i].trim().is_empty() {
                    out.push((start, i));
                    start = i;
                    seen_desc = false;
                }
                depth += 1;
                // A parenthetical that defines a name ("("Alpha")") closes a party.
                let inner_end = s[i..].find(')').map_or(s.len(), |p| i + p);
                if !enumer
                    && (s[i..inner_end].contains(['"', '“', '”'])
                        || bare_alias(&s[i..], &s[..i]).is_some())
                {
                    seen_desc = true;
                }
            }
            b')' => depth = (depth - 1).max(0),
            // A name defined without its opening parenthesis: `hereinafter "X"`, `19087
            // hereinafter referred to as "CUTANEA"),`.
            b'"' if depth == 0 && {
                let before = s[..i].to_ascii_lowercase();
                before.ends_with("hereinafter ")
                    || before.ends_with(" as ")
                        && before[crate::text::floor_boundary(&before, i.saturating_sub(40))..]
                            .contains("hereinafter")
            } =>
            {
                seen_desc = true;
            }
            // A comma or a sentence's end after a defined name closes the party ("…
            // ("Alpha"), Beta …", "… ("Solaria"). Of the other part, TEJO …").
            b',' | b'.'
                if depth == 0
                    && seen_desc
                    && s[..i].trim_end().ends_with(')')
                    && (c == b',' || s[i + 1..].starts_with(char::is_whitespace))
                    && s[i + 1..]
                        .trim_start()
                        .starts_with(|ch: char| ch.is_uppercase()) =>
            {
                out.push((start, i));
                start = i + 1;
                seen_desc = false;
            }
            b';' if depth == 0 => {
                out.push((start, i));
                start = i + 1;
                seen_desc = false;
            }
            b'\n' if depth == 0 && s[i + 1..].trim_start().starts_with(['(']) => {}
            _ if depth == 0 => {
                let rest = &s[i..];
                let at_and = (rest.starts_with(" and ")
                    || rest.starts_with(" AND ")
                    || rest.starts_with(" And ")
                    || rest.starts_with("\nand ")
                    || rest.starts_with(", and "))
                    && i > start;
                if at_and {
                    let before = s[start..i].trim_end_matches([',', ' ']);
                    let after = rest
                        .trim_start_matches([',', ' ', '\n'])
                        .trim_start_matches("and ")
                        .trim_start_matches("AND ")
                        .trim_start_matches("And ")
                        .trim_start();
                    let place = [
                        "Wales",
                        "Tobago",
                        "Herzegovina",
                        "Caicos",
                        "Nevis",
                        "Miquelon",
                        "Barbuda",
                        "Principe",
                        "Grenadines",
                        "Futuna",
                        "McDonald",
                    ]
                    .iter()
                    .any(|p| after.starts_with(p));
                    // "President and Fellows of Harvard College", "Chancellor and Scholars of
                    // …": one title word joined to an "X of Y" body is one institution's name.
                    let institution = before.trim_start_matches("The ").split_whitespace().count()
                        == 1
                        && after.split_whitespace().nth(1).is_some_and(|w| w == "of")
                        && after.starts_with(|c: char| c.is_uppercase());
                    // Inside an address ("registered offices located at Berlin and
                    // Munich") "and" joins places, unless a company follows.
                    let in_address = !seen_desc
                        && in_address(&s[start..i])
                        && !SUFFIX_RE.is_match(
                            name_part(&crate::text::squash(after)).trim_end_matches([',', ' ']),
                        );
                    // "a not-for-profit research and services institution": words in
                    // lower case after "and" describe, they name no party.
                    // Names in lower case have a mark of their own: "e-centives, Inc.",
                    // "eBay", "drkoop.com".
                    let described = !seen_desc
                        && after
                            .strip_prefix("the ")
                            .unwrap_or(after)
                            .split_whitespace()
                            .next()
                            .is_some_and(|w| w.bytes().all(|b| b.is_ascii_lowercase()));
                    let split = !enumerated
                        && !place
                        && !institution
                        && !in_address
                        && !described
                        && (seen_desc
                            || SUFFIX_RE.is_match(before)
                            || before.contains(", a ")
                            || before.contains(", an ")
                            || (after.starts_with(|c: char| c.is_uppercase())
                                && before.split_whitespace().count() <= 6
                                && before.trim().starts_with(|c: char| c.is_uppercase())));
                    if split {
                        out.push((start, i));
                        start = i + 1;
                        seen_desc = false;
                    }
                } else if c == b','
                    && SUFFIX_RE.is_match(s[start..i].trim_end())
                    // "… office at 132 Menachem Begin Road, Azrieli Center, Tel Aviv": a
                    // building named like a company is part of the address.
                    && (seen_desc || !in_address(&s[start..i]))
                    && s[i + 1..]
                        .trim_start()
                        .starts_with(|ch: char| ch.is_uppercase())
                    && !s[i + 1..].trim_start().starts_with("Inc")
                    && !s[i + 1..].trim_start().starts_with("LLC")
                    && !s[i + 1..].trim_start().starts_with("Ltd")
                    && !s[i + 1..].trim_start().starts_with("L.")
                    && !s[i + 1..].trim_start().starts_with("S.")
                    && !s[i + 1..].trim_start().starts_with("N.")
                    && !s[i + 1..].trim_start().starts_with("B.")
                    && !s[i + 1..].trim_start().starts_with("GmbH")
                    && !s[i + 1..].trim_start().starts_with("AG")
                    && !s[i + 1..].trim_start().starts_with("SA")
                    && !s[i + 1..].trim_start().starts_with("PLC")
                    && !s[i + 1..].trim_start().starts_with("Limited")
                    && !s[i + 1..].trim_start().starts_with("Corp")
                    && !s[i + 1..].trim_start().starts_with("Co.")
                    && !s[i + 1..].trim_start().starts_with("LP")
                {
                    // "Alpha Inc., Beta LLC and Gamma Ltd"
                    let nxt = s[i + 1..].trim_start();
                    let desc = nxt.starts_with("a ") || nxt.starts_with("an ");
                    if !desc && !nxt.to_ascii_lowercase().starts_with("a ") {
                        let word = nxt.split_whitespace().next().unwrap_or("");
                        let is_desc_word = matches!(
                            word.to_ascii_lowercase().as_str(),
                            "a" | "an"
                                | "the"
                                | "having"
                                | "with"
                                | "whose"
                                | "organized"
                                | "incorporated"
                        );
                        if !is_desc_word {
                            out.push((start, i));
                            start = i + 1;
                            seen_desc = false;
                        }
                    }
                }
            }
            _ => {}
        }
        i += 1;
        while i < b.len() && !s.is_char_boundary(i) {
            i += 1;
        }
    }
    if start < s.len() {
        out.push((start, s.len()));
    }
    out
}

/// Whether a party chunk has gone on from the name to its address ("with its registered
/// office at …"), where places and buildings follow that read like names (until a defined
/// name closes the party).
fn in_address(chunk: &str) -> bool {
    static ADDRESS_RE: LazyLock<Regex> = LazyLock::new(|| {
        crate::text::regex(r"(?i)(?-u:\b)(?:address|offices?|located|place of business|residing|resident|domiciled|residence)(?: is| are)? (?:at|in)\s")
            .unwrap_or_else(|e| panic!("{e}"))
    });
    ADDRESS_RE.is_match(chunk)
}

fn role_of(aliases: &[String]) -> String {
    for a in aliases {
        let l = a.to_ascii_lowercase();
        if let Some(r) = ROLES.iter().find(|r| l == **r) {
            return (*r).to_owned();
        }
    }
    for a in aliases {
        let l = a.to_ascii_lowercase();
        let ends_with_word = |r: &str| l.strip_suffix(r).is_some_and(|head| head.ends_with(' '));
        if let Some(r) = ROLES.iter().find(|r| ends_with_word(r)) {
            return (*r).to_owned();
        }
    }
    "party".to_owned()
}

fn jurisdiction_of(chunk: &str) -> Option<String> {
    let c = JURIS_RE.captures(chunk)?;
    let raw = c.get(1).or(c.get(2))?.as_str().trim();
    let raw = raw
        .trim_end_matches(['.', ','])
        .trim_end_matches(" and")
        .trim_end_matches(" with")
        .trim();
    if raw.is_empty() {
        return None;
    }
    let canon = super::law::canonical_place(raw);
    let generic = ["Company", "Corporation", "Limited", "Nevada Limited"];
    if generic.contains(&raw) {
        return None;
    }
    Some(canon.unwrap_or_else(|| raw.to_owned()))
}

/// Whether the quoted `name` at `at` is a collective one ("(each a "Partner" and together the
/// "Partners")"): it names every party, not the one whose chunk holds it. `Some(true)` for a
/// plural ("together the "Partners""), `Some(false)` for a singular ("each a "Partner"").
/// A party's own name defined with such words stays its own: "ABC Inc. (with its
/// affiliates, individually and collectively, "Licensee")" is neither "each a" nor a plural.
fn collective_at(chunk: &str, at: usize, name: &str) -> Option<bool> {
    static COLLECTIVE_RE: LazyLock<Regex> = LazyLock::new(|| {
        crate::text::regex(r#"(?i)(?:^|[(,;])\s*(?:hereinafter\s+)?(?:(?:each|individually|collectively|jointly|both)(?-u:\b)|together(?:\s+(?:the|as|referred|hereinafter)(?-u:\b)|\s*["“,]))[^()]*$"#)
            .unwrap_or_else(|e| panic!("{e}"))
    });
    let from = crate::text::floor_boundary(chunk, at.saturating_sub(80));
    let before = &chunk[from..at];
    // From the nearest separator before the name, else from the parenthesis it is in.
    let seg = [before.rfind([',', ';']), before.rfind(['(', ';'])]
        .into_iter()
        .map(|s| &before[s.unwrap_or(0)..])
        .find(|seg| COLLECTIVE_RE.is_match(seg))?;
    // The nearest collective word says which: "each a "Partner" and together the "Partners"".
    let seg = seg.to_ascii_lowercase();
    let last = |w: &str| seg.rfind(w).map_or(-1, |i| i as i64);
    let plural = last("each").max(last("individually"))
        < last("together")
            .max(last("collectively"))
            .max(last("jointly"))
            .max(last("both"));
    let fits = if plural {
        name.trim().ends_with(['s', 'S'])
    } else {
        let t = seg.trim_end();
        t.ends_with(" a") || t.ends_with(" an")
    };
    fits.then_some(plural)
}

/// The collective names the opening defines for the parties, in lower case, each with
/// whether it is plural: "(each a "Partner" and together the "Partners")".
pub(crate) fn collective_names(doc: &Doc<'_>) -> Vec<(String, bool)> {
    let (fa, fz) = doc.front_region();
    let region = &doc.text[fa..fz];
    let mut out: Vec<(String, bool)> = Vec::new();
    for c in QUOTED_RE.captures_iter(region) {
        let (Some(q), Some(m)) = (c.get(0), c.get(1).or(c.get(2))) else {
            continue;
        };
        if let Some(plural) = collective_at(region, q.start(), m.as_str()) {
            let name = crate::text::squash(m.as_str()).to_ascii_lowercase();
            if !name.is_empty() && !out.iter().any(|(n, _)| *n == name) {
                out.push((name, plural));
            }
        }
    }
    out
}

/// A defined name in parentheses without quotes, right after a party's name:
/// "Great Lakes Gas Transmission Limited Partnership (Transporter) and …", "JOHN ROGERS
/// (the Executive)". `at` starts at the "("; `before` is the text before it. One to three
/// capitalised words, closing the party (nothing capitalised follows, which would make it
/// part of the name, as in "SYSTEMS (AFRICA) LIMITED").
fn bare_alias<'a>(at: &'a str, before: &str) -> Option<&'a str> {
    let inner = &at[1..at.find(')')?];
    let after = at[inner.len() + 2..].trim_start();
    if after.starts_with(|c: char| c.is_uppercase()) && !after.starts_with("AND") {
        return None;
    }
    // After the party's name itself, not after a description ("… Street (Suite 4)").
    if !before
        .trim_end()
        .ends_with(|c: char| c.is_alphanumeric() || c == '.')
    {
        return None;
    }
    let inner = inner.trim();
    let name = inner
        .trim_start_matches("the ")
        .trim_start_matches("The ")
        .trim_start_matches("hereinafter ");
    let words: Vec<&str> = name.split_whitespace().collect();
    // A role ("Transporter"), an acronym ("ITS") or a name given with the article ("the
    // Executive"); a bare capitalised word is more often a heading ("(Support)").
    let defined = name.len() < inner.len()
        || ROLES.contains(&name.to_ascii_lowercase().as_str())
        || !name.chars().any(char::is_lowercase);
    let ok = defined
        && (1..=3).contains(&words.len())
        && words.iter().all(|w| {
            w.starts_with(|c: char| c.is_uppercase())
                && w.chars().all(|c| c.is_alphabetic() || c == '-' || c == '&')
        })
        && !NOT_ALIASES.contains(&name.to_ascii_lowercase().as_str())
        && super::law::canonical_place(name).is_none();
    ok.then_some(name)
}

fn aliases_in(chunk: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    if !QUOTED_RE.is_match(chunk)
        && let Some(i) = chunk.find('(')
        && let Some(a) = bare_alias(&chunk[i..], &chunk[..i])
    {
        out.push(a.to_owned());
    }
    for c in QUOTED_RE.captures_iter(chunk) {
        let Some(m) = c.get(1).or(c.get(2)) else {
            continue;
        };
        if c.get(0)
            .is_some_and(|q| collective_at(chunk, q.start(), m.as_str()).is_some())
        {
            continue;
        }
        let a = crate::text::squash(m.as_str());
        let a = a
            .trim_start_matches("the ")
            .trim_start_matches("The ")
            .trim_matches([',', '.', ' '])
            .to_owned();
        if a.is_empty() || a.chars().count() > 50 {
            continue;
        }
        if NOT_ALIASES.contains(&a.to_ascii_lowercase().as_str()) {
            continue;
        }
        if !a.chars().next().is_some_and(|c| c.is_alphanumeric()) {
            continue;
        }
        if !out.contains(&a) {
            out.push(a);
        }
    }
    out
}

/// Finds the parties in the preamble (or, failing that, the opening of the document).
pub(crate) fn extract(doc: &Doc<'_>) -> Vec<Found<PartyFound>> {
    let mut found = extract_all(doc);
    if !found.is_empty() {
        let notes = drafting_notes(doc.text);
        found.retain(|p| !notes.iter().any(|&(a, z)| a <= p.start && p.start < z));
    }
    found
}

/// The spans of a template's drafting notes ("[Drafting note: … For example, "Cloud Service
/// Agreement between Rose Apothecaries, Inc. and …"]"): their names are examples, not parties.
fn drafting_notes(text: &str) -> Vec<(usize, usize)> {
    static NOTE_RE: LazyLock<Regex> = LazyLock::new(|| {
        crate::text::regex(r"\[\s*(?i:drafting note|note to draft)[^\]]*\]?")
            .unwrap_or_else(|e| panic!("{e}"))
    });
    NOTE_RE
        .find_iter(text)
        .map(|m| (m.start(), m.end()))
        .collect()
}

fn extract_all(doc: &Doc<'_>) -> Vec<Found<PartyFound>> {
    let (fa, fz) = doc.front_region();
    let text = doc.text;
    let region = &text[fa..fz];
    // "Party A: …" lists.
    let listed = party_lines(doc, fa, fz);
    if listed.len() >= 2 {
        return listed;
    }
    // Try each "between/among" anchor of the opening and keep the best-formed list.
    let mut best: Vec<Found<PartyFound>> = Vec::new();
    let mut best_score = 0usize;
    for anchor in ANCHOR_RE
        .find_iter(region)
        // "As between Licensee and Licensor, Licensor is the owner …" compares, it does not
        // introduce the parties.
        .filter(|a| !doc.lower[..fa + a.start()].trim_end().ends_with(" as"))
        .take(6)
    {
        let found = parties_after(doc, fa + anchor.end());
        let score: usize = found
            .iter()
            .map(|p| {
                2 * usize::from(!p.value.aliases.is_empty())
                    + usize::from(SUFFIX_RE.is_match(&p.value.name))
            })
            .sum::<usize>()
            + if found.len() >= 2 { 3 } else { 0 };
        if score > best_score {
            best_score = score;
            best = found;
        }
    }
    if best.len() < 2 {
        let fb = fallback(doc, fa, fz);
        if fb.len() > best.len() {
            best = fb;
        }
    }
    if best.is_empty() {
        best = defined_by_means(doc);
    }
    if best.is_empty() {
        best = heading_company(doc);
    }
    if best.is_empty() {
        best = we_company(doc);
    }
    if best.is_empty() {
        best = late_opening(doc, fz);
    }
    // A preamble that names one party, or none ("the Parties signatory hereto"), leaves the
    // others to the signature block.
    if best.len() < 2 {
        for p in signature_parties(doc) {
            let key = entente_domain::party::match_key(&p.value.name);
            let known = best.iter().any(|b| {
                let bk = entente_domain::party::match_key(&b.value.name);
                bk.contains(&key)
                    || key.contains(&bk)
                    || b.value
                        .aliases
                        .iter()
                        .any(|a| entente_domain::party::match_key(a) == key)
            });
            if !known {
                best.push(p);
            }
        }
    }
    drop_repeats(best)
}

/// The parties of an opening the segmentation did not take for one: "This OPERATIONS AND
/// MAINTENANCE AGREEMENT dated … is made and entered into by and between …" run on from the
/// last line of a table of contents, or under a heading of its own. The first sentence in
/// the first 60,000 bytes after the front region (`fz`) that calls itself an agreement made,
/// entered into or dated between parties ("This …" or "The …", capitalised as an opening
/// is, or a title in capitals at the start of a line: "TRANSFER AND SERVICING AGREEMENT,
/// dated as of …, among …"), outside any table of contents, is read as the opening.
fn late_opening(doc: &Doc<'_>, fz: usize) -> Vec<Found<PartyFound>> {
    static OPENING_RE: LazyLock<Regex> = LazyLock::new(|| {
        crate::text::regex(r"(?:(?-u:\b)(?:This|THIS|The|THE)\s+(?i:[^.;]{0,120}?(?:agreement|contract)(?-u:\b))|(?m:^)[ \t]*[A-Z][A-Z0-9 ,&'-]{0,100}?(?:AGREEMENT|CONTRACT),)(?i:[^.;]{0,300}?(?:made|entered\s+into|dated|executed)(?-u:\b)[^.;]{0,300}?(?-u:\b)(?:by\s+and\s+between|by\s+and\s+among|between|among)(?-u:\b))")
            .unwrap_or_else(|e| panic!("{e}"))
    });
    let text = doc.text;
    let end = crate::text::floor_boundary(text, (fz + 60_000).min(text.len()));
    let Some(m) = OPENING_RE
        .find_iter(&text[fz..end])
        .map(|m| (fz + m.start(), fz + m.end()))
        .find(|&(a, _)| {
            doc.segment_at(a)
                .is_none_or(|i| doc.segs[i].kind != SegmentKind::Contents)
                || !text[a..]
                    .lines()
                    .next()
                    .is_some_and(|l| l.trim_end().ends_with(char::is_numeric))
        })
    else {
        return Vec::new();
    };
    // A template's "between Company and Contractor, each as identified on the SOW" names
    // roles, not parties.
    let mut found = parties_after(doc, m.1);
    found.retain(|p| !ROLES.contains(&p.value.name.to_ascii_lowercase().as_str()));
    found
}

/// Drops a later "party" that only repeats an earlier one by its defined name or role
/// ("Sony" after "Sony Electronics Inc. ("Sony")", "Shipper" after "… ("Shipper")").
fn drop_repeats(list: Vec<Found<PartyFound>>) -> Vec<Found<PartyFound>> {
    let key = |s: &str| entente_domain::party::normalise_name(s);
    let mut out: Vec<Found<PartyFound>> = Vec::new();
    for p in list {
        let k = key(&p.value.name);
        let repeat = out
            .iter()
            .any(|o| key(&o.value.name) == k || o.value.aliases.iter().any(|a| key(a) == k));
        if !repeat {
            out.push(p);
        }
    }
    out
}

/// The run of capitalised words ending a cell, when text in other case precedes it: a
/// signatory's name and title on the line before the company's ("Jane Roe, CEO ACME INC.").
fn capitals_tail(cell: &str) -> &str {
    let caps = |w: &str| w.chars().any(char::is_alphabetic) && !w.chars().any(char::is_lowercase);
    let words: Vec<(usize, &str)> = cell
        .split_whitespace()
        .map(|w| (w.as_ptr() as usize - cell.as_ptr() as usize, w))
        .collect();
    let tail = words.iter().rev().take_while(|(_, w)| caps(w)).count();
    if tail >= 2 && tail < words.len() {
        &cell[words[words.len() - tail].0..]
    } else {
        cell
    }
}

/// The parties named in the signature block after "IN WITNESS WHEREOF": "For and on behalf
/// of Name", or a name with a legal form (or in capitals) just above "By:" / "Per:".
fn signature_parties(doc: &Doc<'_>) -> Vec<Found<PartyFound>> {
    static END_RE: LazyLock<Regex> = LazyLock::new(|| {
        crate::text::regex(r"(?m)^[ \t]*(?:SCHEDULE|EXHIBIT|ANNEX|APPENDIX|ATTACHMENT|Schedule|Exhibit|Annex|Appendix|Attachment)(?-u:\b)")
            .unwrap_or_else(|e| panic!("{e}"))
    });
    // A cell ends at a line end, a run of spaces, or the signing words that follow a name.
    static CELL_RE: LazyLock<Regex> = LazyLock::new(|| {
        crate::text::regex(r"[^\n]+?(?:\n|[ \t]{2,}|$|\s+(?:By|BY|Per|PER|Name|NAME|Signature|SIGNATURE|For and on behalf of|FOR AND ON BEHALF OF|For|FOR)\s*[:/]|\s+For\s|\s+/s/)")
            .unwrap_or_else(|e| panic!("{e}"))
    });
    static SIGN_RE: LazyLock<Regex> = LazyLock::new(|| {
        crate::text::regex(
            r"^[\s_\-]*(?:By|BY|Per|PER|Signature|SIGNATURE|Signed|SIGNED|Name|NAME|/s/)(?-u:\b)",
        )
        .unwrap_or_else(|e| panic!("{e}"))
    });
    static TAIL_RE: LazyLock<Regex> = LazyLock::new(|| {
        crate::text::regex(r"(?:\s+(?:By|BY|Per|PER|Name|NAME|Signature|SIGNATURE|For and on behalf of|FOR AND ON BEHALF OF|For|FOR)\s*[:/]?|\s+/s/)\s*$")
            .unwrap_or_else(|e| panic!("{e}"))
    });
    static ON_BEHALF_RE: LazyLock<Regex> = LazyLock::new(|| {
        crate::text::regex(r"^(?i:(?:for\s+)?(?:and\s+)?on behalf of|for)\s+")
            .unwrap_or_else(|e| panic!("{e}"))
    });
    let text = doc.text;
    let Some(w) = super::TESTIMONIUM_RE.find(&doc.lower) else {
        return Vec::new();
    };
    // Past the witness sentence itself.
    let from = text[w.end()..]
        .find(['.', ':'])
        .filter(|&i| i < 400)
        .map_or(w.end(), |i| w.end() + i + 1);
    let mut to = crate::text::floor_boundary(text, (from + 12_000).min(text.len()));
    if let Some(m) = END_RE.find(&text[from..to]) {
        to = from + m.start();
    }
    let block = &text[from..to];
    let mut out: Vec<Found<PartyFound>> = Vec::new();
    let mut pending_behalf = false;
    for c in CELL_RE.find_iter(block) {
        let raw = c.as_str();
        let after = &block[c.end()..];
        let cell = raw.trim();
        if cell.is_empty() {
            continue;
        }
        // "For and on behalf of" in a column of its own: the name is the next cell.
        let label_only = cell.eq_ignore_ascii_case("for and on behalf of")
            || cell.eq_ignore_ascii_case("on behalf of");
        let after_label = std::mem::replace(&mut pending_behalf, label_only);
        if label_only {
            continue;
        }
        let (cell, behalf) = match ON_BEHALF_RE.find(cell) {
            Some(m) => (&cell[m.end()..], true),
            None => (cell, after_label),
        };
        // Drop the signing words the cell ended at.
        let cell = match TAIL_RE.find(cell) {
            Some(m) => &cell[..m.start()],
            None => cell,
        };
        if cell.ends_with(':') {
            continue; // a label ("LICENSOR:")
        }
        // A signatory's name or title is not a party ("By: /s/ JOHN SMITH").
        let lead = block[..c.start()].trim_end().to_ascii_lowercase();
        if !behalf
            && ["/s/", "by:", "by", "name:", "per:", "title:", "signature:"]
                .iter()
                .any(|w| lead.ends_with(w))
        {
            continue;
        }
        let name = clean_name(name_part(capitals_tail(
            cell.trim_end_matches(['_', '-', ' ']),
        )));
        if !is_plausible_name(&name)
            || name.contains(['[', ']', '$', '@', '"'])
            || name.starts_with(|c: char| c.is_lowercase())
        {
            continue;
        }
        let words = name.split_whitespace().count();
        let letters: Vec<char> = name.chars().filter(|c| c.is_alphabetic()).collect();
        let capitals = letters.len() >= 3 && letters.iter().all(|c| c.is_uppercase());
        let suffix = SUFFIX_RE.is_match(&name);
        let signs_next = SIGN_RE.is_match(after) || raw.trim_end().ends_with(':');
        let lower = name.to_ascii_lowercase();
        let label = ROLES.contains(&lower.as_str())
            || lower.starts_with("approved")
            || lower.starts_with("accepted")
            || lower.starts_with("agreed")
            || lower.starts_with("witness")
            || lower.starts_with("title")
            || lower.starts_with("date")
            || lower.starts_with("its ")
            || lower.contains("signature")
            || lower.contains("agreement");
        let ok = !label
            && words <= 10
            && (behalf && (suffix || capitals || words <= 6)
                || signs_next && (suffix || capitals && words >= 2));
        if !ok {
            continue;
        }
        let key = entente_domain::party::match_key(&name);
        if out
            .iter()
            .any(|p| entente_domain::party::match_key(&p.value.name) == key)
        {
            continue;
        }
        let at = from + c.start();
        out.push(Found::new(
            PartyFound {
                name,
                aliases: Vec::new(),
                role: "party".into(),
                jurisdiction: None,
            },
            crate::text::trim_span(text, at, from + c.end()),
            0.55,
        ));
    }
    out
}

/// Parses the party list that starts at byte `body_start` (just after "between").
fn parties_after(doc: &Doc<'_>, body_start: usize) -> Vec<Found<PartyFound>> {
    static AND_LINE_RE: LazyLock<Regex> = LazyLock::new(|| {
        crate::text::regex(r"\n[ \t]*(?:and|AND|And)[ \t]*:?[ \t]*\n")
            .unwrap_or_else(|e| panic!("{e}"))
    });
    static AND_COLON_RE: LazyLock<Regex> = LazyLock::new(|| {
        crate::text::regex(r"\s(?:AND|And|and):\s").unwrap_or_else(|e| panic!("{e}"))
    });
    let text = doc.text;
    let mut out: Vec<Found<PartyFound>> = Vec::new();
    // "between the following parties (each a "Member", together the "Parties"):" introduces
    // a list: the parties start after the colon, and the collective name inside the
    // introduction must not end the list before it begins.
    let body_start = body_start + list_intro_len(&text[body_start..]);
    let mut body_end = crate::text::floor_boundary(text, (body_start + 2500).min(text.len()));
    // "AND:" on a line of its own separates two parties; it is no heading.
    if let Some(stop) = STOP_RE.find_iter(&text[body_start..body_end]).find(|m| {
        let w = m.as_str().trim().trim_end_matches(':').trim_end();
        w != "AND"
    }) {
        body_end = body_start + stop.start();
    }
    let body = cut_at_sentence_end(&text[body_start..body_end]);
    // "A\n\nAND\n\nB" → "A and B" (same length keeps offsets).
    let body_norm = AND_LINE_RE.replace_all(body, |c: &regex::Captures<'_>| {
        let m = c.get(0).map_or("", |m| m.as_str());
        let pad = m.len().saturating_sub(5);
        format!(" and{} ", " ".repeat(pad))
    });
    let body_norm = AND_COLON_RE.replace_all(&body_norm, |c: &regex::Captures<'_>| {
        let m = c.get(0).map_or("", |m| m.as_str());
        format!(" and{}", " ".repeat(m.len().saturating_sub(4)))
    });
    let body_n: &str = &body_norm;
    for (a, z) in split_chunks(body_n) {
        let chunk = &body_n[a..z];
        // Definitions ("X means …") are not parties.
        if chunk.contains(" means ")
            || chunk.contains("shall mean")
            || chunk.contains("has the meaning")
        {
            continue;
        }
        let lead = strip_lead(chunk);
        // Block layout: the name alone on the first line, the address below it.
        let lead = match lead.find('\n') {
            Some(nl)
                if nl < 100
                    && lead[nl..]
                        .trim_start()
                        .starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit()) =>
            {
                &lead[..nl]
            }
            _ => lead,
        };
        let mut name = clean_name(name_part(lead));
        let aliases = aliases_in(chunk);
        // A template's blank ("___________, a _______ corporation ("Licensee")") is still a
        // party: it goes by its defined name until the blank is filled in. So is "the Agent
        // named on the signature page hereof (the "Agent")".
        let placeholder = aliases
            .first()
            .filter(|a| !crate::extract::obligations::is_generic_alias(a))
            .filter(|a| {
                let lead = lead.trim_start();
                (lead.starts_with("___") && name.chars().all(|c| c == '_' || c.is_whitespace()))
                    || named_elsewhere(lead, a)
            });
        if let Some(alias) = placeholder {
            name = alias.clone();
        } else if !is_plausible_name(&name) {
            continue;
        }
        // "Ballast Route Optimisation Limited, Galway, Ireland ("Ballast")": the place split
        // off the name is the address of the party before it, and so is its defined name.
        let last_part = name.rsplit(',').next().unwrap_or("").trim();
        let is_place = !SUFFIX_RE.is_match(&name)
            && name.split_whitespace().count() <= 4
            && super::law::canonical_place(last_part)
                .is_some_and(|c| c.eq_ignore_ascii_case(last_part));
        if is_place && let Some(prev) = out.last_mut() {
            if prev.value.aliases.is_empty() {
                prev.value.role = role_of(&aliases);
                prev.value.aliases = aliases;
            }
            continue;
        }
        let role = role_of(&aliases);
        let jurisdiction = jurisdiction_of(chunk);
        let (s, e) = if body_n.len() == body.len() {
            crate::text::trim_span(text, body_start + a, body_start + z)
        } else {
            (body_start, body_start + body.len())
        };
        let conf = if SUFFIX_RE.is_match(&name) || !aliases.is_empty() {
            0.9
        } else {
            0.6
        };
        if out.iter().any(|p| {
            entente_domain::party::normalise_name(&p.value.name)
                == entente_domain::party::normalise_name(&name)
        }) {
            continue;
        }
        out.push(Found::new(
            PartyFound {
                name,
                aliases,
                role,
                jurisdiction,
            },
            (s, e),
            conf,
        ));
    }
    out
}

/// The length of a lead-in that introduces the party list rather than naming a party: words
/// in lower case ("the following parties", "the persons listed below") up to a colon that
/// ends its line, outside parentheses, within one line. Zero when `s` starts otherwise.
fn list_intro_len(s: &str) -> usize {
    let lead = s.len() - s.trim_start_matches([' ', '\t']).len();
    if !s[lead..].starts_with(|c: char| c.is_lowercase()) {
        return 0;
    }
    let mut depth = 0i32;
    for (i, c) in s.char_indices().take_while(|&(i, _)| i < 400) {
        match c {
            '\n' => return 0,
            '(' => depth += 1,
            ')' => depth = (depth - 1).max(0),
            ':' | '：' if depth == 0 => {
                let end = i + c.len_utf8();
                let rest = &s[end..];
                let trimmed = rest.trim_start_matches([' ', '\t']);
                return if trimmed.is_empty() || trimmed.starts_with(['\n', '\r']) {
                    end
                } else {
                    0
                };
            }
            _ => {}
        }
    }
    0
}

/// "Party A: Name … Party B: Name …" (common in translated agreements).
fn party_lines(doc: &Doc<'_>, fa: usize, fz: usize) -> Vec<Found<PartyFound>> {
    static PL_RE: LazyLock<Regex> = LazyLock::new(|| {
        crate::text::regex(r"(?i)(?-u:\b)(party [a-e]|first party|second party)(?:\s*[(（]\s*([^)）\n]{1,30}?)\s*[)）])?\s*[:：]\s*")
            .unwrap_or_else(|e| panic!("{e}"))
    });
    static END_RE: LazyLock<Regex> = LazyLock::new(|| {
        crate::text::regex(r"(?i)\s{2,}|\n|(?-u:\b)(?:party [a-e]\s*(?:[(（][^)）\n]{1,30}[)）]\s*)?[:：]|address|legal representative|authori[sz]ed|contact|registered|tel(?:ephone)?|fax|\(seal\)|signature)").unwrap_or_else(|e| panic!("{e}"))
    });
    let text = doc.text;
    let region = &text[fa..fz];
    let mut out: Vec<Found<PartyFound>> = Vec::new();
    for c in PL_RE.captures_iter(region) {
        let (Some(m), Some(label)) = (c.get(0), c.get(1)) else {
            continue;
        };
        let rest = &region[m.end()..];
        let end = END_RE.find(rest).map_or(rest.len().min(150), |e| e.start());
        let name = clean_name(&rest[..end]);
        if !is_plausible_name(&name) {
            continue;
        }
        let alias = crate::text::squash(label.as_str());
        let alias = alias
            .split(' ')
            .map(|w| {
                let mut cs = w.chars();
                cs.next().map_or(String::new(), |f| {
                    f.to_uppercase().collect::<String>() + cs.as_str()
                })
            })
            .collect::<Vec<_>>()
            .join(" ");
        if out.iter().any(|p| p.value.aliases.first() == Some(&alias)) {
            continue;
        }
        // "Party A (Shipper): …": the role in brackets names the party too.
        let mut aliases = vec![alias];
        aliases.extend(c.get(2).map(|r| crate::text::squash(r.as_str())));
        out.push(Found::new(
            PartyFound {
                name,
                aliases,
                role: "party".into(),
                jurisdiction: None,
            },
            (fa + m.start(), fa + m.end() + end),
            0.75,
        ));
    }
    out
}

/// Stops the party list at the end of its sentence: a full stop after a closing parenthesis
/// or quote, followed by a capitalised word.
fn cut_at_sentence_end(body: &str) -> &str {
    // The numbered body starting on a new line ("1. DEFINITIONS", "ARTICLE I") ends the
    // party block, when what precedes it closes a party (a defined name, a full stop).
    static NUMBERED_RE: LazyLock<Regex> = LazyLock::new(|| {
        crate::text::regex(r"^\s*(?:\d{1,2}(?:\.\d{1,2})*\.?\s+[A-Z]|(?:ARTICLE|Article|SECTION|Section)\s+(?:\d|[IVX]))")
            .unwrap_or_else(|e| panic!("{e}"))
    });
    let b = body.as_bytes();
    let mut depth = 0i32;
    for i in 0..b.len() {
        match b[i] {
            b'\n' if depth == 0 => {
                let prev = body[..i].trim_end();
                if prev.ends_with([')', '.', '"', '”']) && NUMBERED_RE.is_match(&body[i..]) {
                    return prev;
                }
            }
            b'(' => depth += 1,
            b')' => depth = (depth - 1).max(0),
            b'.' if depth == 0 => {
                let prev = body[..i].trim_end();
                let next = body[i + 1..].trim_start();
                let closes = prev.ends_with(')') || prev.ends_with('"') || prev.ends_with('”');
                let next_cap = next.starts_with(|c: char| c.is_uppercase());
                let abbrev = SUFFIX_RE.is_match(prev) || prev.ends_with(" Inc") || prev.len() < 3;
                // "Of the one part, A … ("A"). Of the other part, B …": one list.
                let other_part = ["Of the other part", "On the other hand", "And of the other"]
                    .iter()
                    .any(|p| next.starts_with(p));
                if closes
                    && next_cap
                    && !abbrev
                    && !other_part
                    && i + 1 < b.len()
                    && b[i + 1].is_ascii_whitespace()
                {
                    return &body[..i];
                }
            }
            _ => {}
        }
    }
    body
}

/// Without "between": lines such as `Party A: Name`, or a name with a defined alias
/// ("Acme Inc., a Delaware corporation ("Acme")") in the opening text.
/// A company the definitions name by pronouns or a short name, where no opening names it
/// (`"We" or "Us" means Forschungszentrum Jülich GmbH.`): a contributor agreement's other
/// side. Only a name with a legal form, read from the first pages.
fn defined_by_means(doc: &Doc<'_>) -> Vec<Found<PartyFound>> {
    static MEANS_RE: LazyLock<Regex> = LazyLock::new(|| {
        crate::text::regex(r#"["“”]([A-Z][\w ]{0,30}?)["”](?:\s*(?:or|and|,)\s*["“”]([A-Z][\w ]{0,30}?)["”])?\s+(?:means|shall mean)\s+([A-Z][^.;:\n]{2,100})"#)
            .unwrap_or_else(|e| panic!("{e}"))
    });
    let text = &doc.text[..crate::text::floor_boundary(doc.text, doc.text.len().min(20_000))];
    for c in MEANS_RE.captures_iter(text) {
        let Some(name) = c.get(3) else { continue };
        let n = clean_name(name.as_str().trim_end_matches(['.', ',']));
        if !SUFFIX_RE.is_match(&n) || !is_plausible_name(&n) {
            continue;
        }
        let aliases: Vec<String> = [c.get(1), c.get(2)]
            .into_iter()
            .flatten()
            .map(|m| crate::text::squash(m.as_str()))
            .collect();
        return vec![Found::new(
            PartyFound {
                role: role_of(&aliases),
                name: n,
                aliases,
                jurisdiction: None,
            },
            (c.get(0).map_or(0, |m| m.start()), name.end()),
            0.55,
        )];
    }
    Vec::new()
}

/// A company named with its legal form at the head of a text that names no party otherwise
/// ("Corsha, Inc. – Corsha API Scanner Tool (CAST)" over a contributor agreement whose other
/// side is "You"): the name before a dash, from the first three lines.
fn heading_company(doc: &Doc<'_>) -> Vec<Found<PartyFound>> {
    let mut at = 0;
    for line in doc.text.split_inclusive('\n').take(6) {
        let start = at;
        at += line.len();
        let head = [" – ", " — ", " - "]
            .iter()
            .filter_map(|d| line.find(d))
            .min()
            .map_or(line.trim_end(), |i| &line[..i]);
        let name = clean_name(head.trim());
        if name.split_whitespace().count() <= 6
            && SUFFIX_RE.is_match(&name)
            && is_plausible_name(&name)
        {
            let lead = line.len() - line.trim_start().len();
            return vec![Found::new(
                PartyFound {
                    role: "party".into(),
                    name,
                    aliases: Vec::new(),
                    jurisdiction: None,
                },
                (start + lead, start + lead + head.trim().len()),
                0.4,
            )];
        }
    }
    Vec::new()
}

/// The company that speaks as "we" in the opening of a text that names no party otherwise
/// ("At Cogo Labs, we require everyone who takes part in our open source projects to sign
/// this Agreement"), or that the undersigned provide to, when the text names it again at
/// least twice.
fn we_company(doc: &Doc<'_>) -> Vec<Found<PartyFound>> {
    static AT_WE_RE: LazyLock<Regex> = LazyLock::new(|| {
        crate::text::regex(
            r"(?:^|\n|[.!?]\s+)At ((?:[A-Z][\w&'’.-]*)(?:\s[A-Z][\w&'’.-]*){0,3}),\s+we(?-u:\b)",
        )
        .unwrap_or_else(|e| panic!("{e}"))
    });
    // "I/we the undersigned (the data provider) are providing the following dataset to
    // UNEP-WCMC": the organisation the signatory gives to.
    static UNDERSIGNED_TO_RE: LazyLock<Regex> = LazyLock::new(|| {
        crate::text::regex(
            r"(?i:the undersigned)[^.]{0,120}?(?i:providing|provide|submitting|submit|granting|grant|delivering|deliver)[^.]{0,80}?(?-u:\b)to ((?:[A-Z][\w&'’.-]*)(?:\s[A-Z][\w&'’.-]*){0,3})",
        )
        .unwrap_or_else(|e| panic!("{e}"))
    });
    let head = &doc.text[..crate::text::floor_boundary(doc.text, 2000.min(doc.text.len()))];
    let Some(c) = AT_WE_RE
        .captures(head)
        .or_else(|| UNDERSIGNED_TO_RE.captures(head))
    else {
        return Vec::new();
    };
    let Some(m) = c.get(1) else {
        return Vec::new();
    };
    let name = clean_name(m.as_str());
    if !is_plausible_name(&name) || doc.text.matches(name.as_str()).count() < 3 {
        return Vec::new();
    }
    vec![Found::new(
        PartyFound {
            role: "party".into(),
            name,
            aliases: Vec::new(),
            jurisdiction: None,
        },
        (m.start(), m.end()),
        0.4,
    )]
}

/// The name at the end of a run of words: what follows the last word in lower case that
/// cannot be part of a name ("Thank you for your interest in contributing to GrammaTech,
/// Inc." → "GrammaTech, Inc."; "President and Fellows of Harvard College" stays whole).
fn proper_tail(s: &str) -> &str {
    let mut start = 0;
    let mut at = 0;
    for w in s.split_inclusive(' ') {
        let word = w.trim().trim_matches(|c: char| !c.is_alphanumeric());
        at += w.len();
        if word.starts_with(char::is_lowercase)
            && !matches!(
                word,
                "and" | "of" | "the" | "for" | "de" | "du" | "des" | "der" | "und" | "für"
            )
        {
            start = at;
        }
    }
    &s[start..]
}

fn fallback(doc: &Doc<'_>, fa: usize, fz: usize) -> Vec<Found<PartyFound>> {
    static PARTY_LINE_RE: LazyLock<Regex> = LazyLock::new(|| {
        crate::text::regex(r"(?im)^\s*(party [a-d]|licensor|licensee|supplier|customer|company|client|consultant|partner|contractor|vendor|distributor|sponsor)\s*[:：]\s*([^\n]{2,120})")
            .unwrap_or_else(|e| panic!("{e}"))
    });
    static DEFINED_RE: LazyLock<Regex> = LazyLock::new(|| {
        crate::text::regex(r#"([A-Z][A-Za-z0-9&.,'\- ]{1,80}?(?:Inc\.?|Corporation|Corp\.?|LLC|L\.L\.C\.|Ltd\.?|Limited|GmbH|AG|S\.A\.|plc|PLC|LP|L\.P\.|N\.V\.|B\.V\.|Company|Co\.))(?:['’]s)?(?:\s*,\s*(?:[A-Z][\w.\-]*\s*){1,3}){0,2}(?:\s+and\s+its\s+(?:affiliates|subsidiaries))?\s*,?\s*(?:an?\s+[^()"“]{0,120}?)?\(\s*(?:hereinafter[^"“]{0,30})?(?:the\s+)?["“]([^"”]{1,40})["”]"#)
            .unwrap_or_else(|e| panic!("{e}"))
    });
    let text = doc.text;
    let region = &text[fa..fz];
    let mut out: Vec<Found<PartyFound>> = Vec::new();
    for c in PARTY_LINE_RE.captures_iter(region) {
        let (Some(role), Some(name)) = (c.get(1), c.get(2)) else {
            continue;
        };
        let name_s = clean_name(name_part(name.as_str()));
        if !is_plausible_name(&name_s) {
            continue;
        }
        out.push(Found::new(
            PartyFound {
                name: name_s,
                aliases: vec![crate::text::squash(role.as_str())],
                role: role.as_str().to_ascii_lowercase(),
                jurisdiction: None,
            },
            (fa + name.start(), fa + name.end()),
            0.7,
        ));
    }
    if out.len() >= 2 {
        return out;
    }
    let mut out2: Vec<Found<PartyFound>> = Vec::new();
    for c in DEFINED_RE.captures_iter(region) {
        let (Some(name), Some(alias)) = (c.get(1), c.get(2)) else {
            continue;
        };
        let n = clean_name(proper_tail(name.as_str()));
        if !is_plausible_name(&n) {
            continue;
        }
        let aliases = vec![crate::text::squash(alias.as_str())];
        if out2.iter().any(|p| p.value.name == n) {
            continue;
        }
        out2.push(Found::new(
            PartyFound {
                role: role_of(&aliases),
                name: n,
                aliases,
                jurisdiction: None,
            },
            (
                fa + name.start(),
                fa + c.get(0).map_or(name.end(), |m| m.end()),
            ),
            0.6,
        ));
    }
    if out2.len() > out.len() { out2 } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parties(t: &str) -> Vec<(String, Vec<String>, String, Option<String>)> {
        let d = Doc::new(t);
        extract(&d)
            .into_iter()
            .map(|p| {
                (
                    p.value.name,
                    p.value.aliases,
                    p.value.role,
                    p.value.jurisdiction,
                )
            })
            .collect()
    }

    #[test]
    fn the_company_that_speaks_as_we_is_a_party_when_named_again() {
        let t = "Contributor License Agreement\n\nAt Nimbus Works, we ask every contributor to sign this Agreement. You grant Nimbus Works a licence to Your Contributions.\n\n1. Licence. Nimbus Works may use the Contributions.\n";
        let names: Vec<String> = parties(t).into_iter().map(|p| p.0).collect();
        assert_eq!(names, ["Nimbus Works"]);
        // Named once only, or not a name at all: no party.
        for t in [
            "Contributor License Agreement\n\nAt Nimbus Works, we ask every contributor to sign this Agreement.\n\n1. Licence. You grant a licence.\n",
            "Contributor License Agreement\n\nAt the same time, we ask every contributor to sign.\n\n1. Licence. You grant a licence.\n",
        ] {
            assert!(parties(t).is_empty(), "{t}: {:?}", parties(t));
        }
    }

    #[test]
    fn a_cover_between_two_names_defers_to_the_preamble_after_the_contents() {
        let t = "Manufacturing Agreement\n\nBetween\n\nSonos, Inc.\n\nAnd\n\nIAC\n\n\n\nTABLE OF CONTENTS 1.0 DEFINITIONS 3 2.0 SCOPE OF RELATIONSHIP 8 3.0 OWNERSHIP; GRANT OF RIGHTS; TRADEMARKS USAGE 8 4.0 MANUFACTURING OPERATIONS; COMPLIANCE 9 Page 2 of 38\n\n\n\nManufacturing Agreement\n\nThis Manufacturing Agreement, including the Exhibits (\"Agreement\"), effective as of September 4, 2014 (\"Effective Date\"), is by and between Sonos, Inc., a Delaware corporation, having its principal offices at 223 E. De La Guerra Street, Santa Barbara, CA, 93101, USA (\"Sonos\"), and Inventec Appliances Corporation, having principal offices at 37, Wugong 5th Road, New Taipei City, Taiwan (\"IAC\").\n\nRECITALS\n\nA. Sonos designs products.\n\n1.0 DEFINITIONS\n\n1.1 \"Products\" means the products of Sonos.\n";
        let p = parties(t);
        let names: Vec<&str> = p.iter().map(|x| x.0.as_str()).collect();
        assert_eq!(
            names,
            ["Sonos, Inc.", "Inventec Appliances Corporation"],
            "{p:?}"
        );
        assert_eq!(p[1].1, ["IAC"]);
    }

    #[test]
    fn a_capitalised_title_dated_among_parties_after_the_contents_is_the_opening() {
        let t = "Exhibit 10.4\n\nFORM OF TRANSFER AND SERVICING AGREEMENT\n\namong\n\nNORTHWIND OWNER TRUST 2020-A, as Issuer,\n\nNORTHWIND ABS LLC, as Depositor\n\nand\n\nCOPPER PARTNERSHIP, as Servicer and Marketing Agent\n\nDated as of January 29, 2020\n\nTABLE OF CONTENTS\n\nARTICLE VI SERVICER AND MARKETING AGENT 25 Section 6.1 Servicer's and Marketing Agent's Representations and Warranties 25 Section 6.2 Liability of Servicer 29\n\nSchedule A Schedule of Initial Receivables SA-1 Appendix A Usage and Definitions AA-1\n\n\n\nTRANSFER AND SERVICING AGREEMENT, dated as of January 29, 2020 (this \"Agreement\"), among NORTHWIND OWNER TRUST 2020-A, a Delaware statutory trust, as issuer (the \"Issuer\"), NORTHWIND ABS LLC, a Delaware limited liability company, as depositor (the \"Depositor\"), and Copper Partnership, a Delaware general partnership (\"Copper\"), as servicer (the \"Servicer\").\n\nARTICLE I USAGE AND DEFINITIONS\n\nSection 1.1 Usage. Capitalised terms are defined in Appendix A.\n";
        let p = parties(t);
        let names: Vec<&str> = p.iter().map(|x| x.0.as_str()).collect();
        assert_eq!(
            names,
            [
                "NORTHWIND OWNER TRUST 2020-A",
                "NORTHWIND ABS LLC",
                "Copper Partnership"
            ],
            "{p:?}"
        );
        assert_eq!(p[1].1, ["Depositor"]);
        // A capitalised heading that is no opening ("DISTRIBUTION AGREEMENT, SCHEDULE A")
        // names nobody.
        let t = "SCHEDULE\n\nDISTRIBUTION AGREEMENT, SCHEDULE A lists the products.\n\n1. Products. The products are listed.\n";
        assert!(parties(t).is_empty(), "{:?}", parties(t));
    }

    #[test]
    fn a_blank_party_of_a_template_goes_by_its_defined_name() {
        let t = "DISTRIBUTION AGREEMENT\n\nThis Agreement is made by and between STAAR SURGICAL AG, a Swiss corporation (\"STAAR\"), and _______________, a corporation organized and existing under the laws of _________________, with its principal place of business at _______________________ (\"Distributor\").\n\n1. Appointment. STAAR appoints Distributor.\n";
        let p = parties(t);
        let names: Vec<&str> = p.iter().map(|x| x.0.as_str()).collect();
        assert_eq!(names, ["STAAR SURGICAL AG", "Distributor"], "{p:?}");
        assert_eq!(p[1].1, ["Distributor"]);
        // A party named elsewhere, "the Agent named on the signature page hereof".
        let t = "AGENCY AGREEMENT\n\nThis Agreement is made as of March 29, 1999, by and between Biopure Corporation, a Delaware corporation (the \"Company\") and the Agent named on the signature page hereof (the \"Agent\").\n\n1. Appointment. The Company appoints the Agent.\n";
        let names: Vec<String> = parties(t).into_iter().map(|p| p.0).collect();
        assert_eq!(names, ["Biopure Corporation", "Agent"]);
        // A blank defined only as "a Party" is left out.
        let t = "SERVICES AGREEMENT\n\nThis Agreement is made by and between Beta Services LLC (\"Provider\") and ______________ (a \"Party\").\n\n1. Services. Provider serves.\n";
        let names: Vec<String> = parties(t).into_iter().map(|p| p.0).collect();
        assert_eq!(names, ["Beta Services LLC"]);
    }

    #[test]
    fn a_description_or_an_article_before_a_name_in_capitals() {
        let t = "ENDORSEMENT AGREEMENT\n\nThis Agreement is entered into on January 13, 2005 between professional golfer, TOM WATSON, (hereinafter referred to as \"CONSULTANT\") and ADAMS GOLF, LTD. (hereinafter referred to as \"ADAMS GOLF\").\n\n1. Term. Two years.\n";
        let names: Vec<String> = parties(t).into_iter().map(|p| p.0).collect();
        assert_eq!(names, ["TOM WATSON", "ADAMS GOLF, LTD."]);
        let t = "GAS FRANCHISE AGREEMENT\n\nTHIS AGREEMENT (\"Agreement\"), made and entered into this 17th day of November, 2015, by and between the TOWN OF VINTON, VIRGINIA, a Virginia municipal corporation (\"Grantor\"), and ROANOKE GAS COMPANY, a Virginia corporation (\"Grantee\").\n\n1. GRANT. Grantor grants a franchise.\n";
        let names: Vec<String> = parties(t).into_iter().map(|p| p.0).collect();
        assert_eq!(names, ["TOWN OF VINTON, VIRGINIA", "ROANOKE GAS COMPANY"]);
        // A defined term of one word in capitals stays no name.
        let t = "SERVICES AGREEMENT\n\nThis Agreement is made between the COMPANY and Beta Services LLC (\"Provider\").\n\n1. Services. Provider serves.\n";
        let names: Vec<String> = parties(t).into_iter().map(|p| p.0).collect();
        assert_eq!(names, ["Beta Services LLC"]);
    }

    #[test]
    fn a_name_defined_without_its_opening_parenthesis_closes_the_party() {
        let t = "SUPPLY AGREEMENT\n\nThis Supply Agreement is made by and between Cutanea Life Sciences, Inc., a corporation of the State of Delaware with its principal place of business at 1500 Liberty Ridge Drive, Wayne, PA 19087 hereinafter referred to as \"CUTANEA\"), and Ferrer Internacional, S.A., a Spanish corporation with its principal place of business at Av. Diagonal, 549, 08029 Barcelona (Spain) (hereinafter indistinctly referred to as \"Ferrer\" and/or \"Supplier\").\n\n1. Term. This Agreement runs for two years.\n";
        let names: Vec<String> = parties(t).into_iter().map(|p| p.0).collect();
        assert_eq!(
            names,
            ["Cutanea Life Sciences, Inc.", "Ferrer Internacional, S.A."]
        );
    }

    #[test]
    fn the_organisation_the_undersigned_provide_to_is_a_party() {
        let t = "Data Contributor Agreement\n\nOn behalf of [insert name], I/we the undersigned (the data provider) are providing the following dataset to Terra Atlas for integration into the Atlas. Terra Atlas will keep the data. Terra Atlas will not share personal data.\n";
        let names: Vec<String> = parties(t).into_iter().map(|p| p.0).collect();
        assert_eq!(names, ["Terra Atlas"]);
        // A recipient named once is not enough.
        let t = "Data Contributor Agreement\n\nI/we the undersigned are providing the following dataset to Terra Atlas.\n";
        assert!(parties(t).is_empty(), "{:?}", parties(t));
    }

    #[test]
    fn the_numbered_body_ends_the_party_list() {
        // Definitions right after the preamble hold " means ": they must not swallow the
        // last party's chunk.
        let p = parties(
            "CO-BRANDING AGREEMENT\n\nTHIS AGREEMENT is made as of June 21, 1999 by and between I-ESCROW, INC., with its principal place of business at 1730 S. Amphlett Blvd., San Mateo, California 94402 (\"i-Escrow\"), and 2THEMART.COM, INC. having its principal place of business at 18301 Von Karman Avenue, Irvine, California 92612 (\"2TheMart\").\n1. DEFINITIONS.\n(a) \"CONTENT\" means all content provided by a party.\n",
        );
        let names: Vec<&str> = p.iter().map(|x| x.0.as_str()).collect();
        assert_eq!(names, ["I-ESCROW, INC.", "2THEMART.COM, INC."], "{p:?}");
        assert_eq!(p[1].1, ["2TheMart"]);
    }

    /// (name, aliases) of each party found in `t`.
    fn names_and_aliases(t: &str) -> Vec<(String, Vec<String>)> {
        parties(t).into_iter().map(|p| (p.0, p.1)).collect()
    }

    fn named(list: &[(&str, &str)]) -> Vec<(String, Vec<String>)> {
        list.iter()
            .map(|(n, a)| ((*n).to_owned(), vec![(*a).to_owned()]))
            .collect()
    }

    #[test]
    fn defined_terms_documents_footers_and_clause_words_are_no_names() {
        for n in [
            "the Company",
            "Maintenance Agreement",
            "S-1, 1/12/2018",
            "INCLUDING THE LIMITED WARRANTY",
            "DISCLAIMER",
            "Conditions, Schedules, and all other documents attached hereto",
            "DEFINITIONS",
            "Attachment B - Hosting Components",
            "THE MAKING AND USE OF ADDITIONAL COPIES IS LIMITED TO NECESSARY BACKUP PURPOSES ONLY.",
        ] {
            assert!(!is_plausible_name(n), "{n}");
        }
        for n in [
            "The Bon-Ton Stores, Inc.",
            "Warrant Holdings LLC",
            "Cano Petroleum, Inc.",
            "T-Mobile Netherlands B.V.",
            "Schedule Planning Systems, Inc.",
        ] {
            assert!(is_plausible_name(n), "{n}");
        }
        assert_eq!(
            clean_name("on the one hand, ABG-Shaq, LLC"),
            "ABG-Shaq, LLC"
        );
        assert_eq!(
            clean_name("WHEREAS, Movado Group, Inc."),
            "Movado Group, Inc."
        );
        assert_eq!(
            clean_name("Jaguar Investments, Inc. and its affiliates"),
            "Jaguar Investments, Inc."
        );
    }

    #[test]
    fn party_lines_with_a_role_in_brackets() {
        let got = names_and_aliases(
            "Road Transportation Agreement\n\nParty A (Shipper): ZTO Express Co., Ltd. Address: Building 1, Huazhi Road, Shanghai\nParty B (Carrier): Tonglu Tongze Logistics Ltd. Address: 12 Floor, HSBC Tower, Tonglu County\n\nDue to the need for logistics business, Party A and Party B enter into this Agreement.\n\n1. Transportation\n",
        );
        let want = [
            ("ZTO Express Co., Ltd.", ["Party A", "Shipper"]),
            ("Tonglu Tongze Logistics Ltd.", ["Party B", "Carrier"]),
        ]
        .map(|(n, a)| (n.to_owned(), a.map(str::to_owned).to_vec()));
        assert_eq!(got, want);
    }

    #[test]
    fn places_and_buildings_in_an_address_are_no_parties() {
        // A building named like a company ("Azrieli Center", "Near HDFC Bank") and two
        // towns joined by "and" lie inside the address; the defined name is the party's.
        for (t, want) in [
            (
                "MANUFACTURING AGREEMENT\n\nThis Agreement is made as of the Effective Date by and between DEXCEL LTD., with its registered address at 1 Dexcel Street, Israel (\"Dexcel\") and KITOV Pharma Ltd., with its registered office at 132 Menachem Begin Road, Azrieli Center, Tel Aviv, 6701101, Israel (\"Kitov\"). Dexcel and Kitov are the \"Parties\".\n\n1. Definitions\n",
                named(&[("DEXCEL LTD.", "Dexcel"), ("KITOV Pharma Ltd.", "Kitov")]),
            ),
            (
                "SERVICE AGREEMENT\n\nThis Service Agreement is entered into on April 1, 2019 by and between: PC Financial Services Private Limited, a India company with an address at Building RZ-2, G/F Kapashera, Near HDFC Bank, New Delhi (\"PC Financial\"), a registered Non-banking Financial Company in India; and Mobimagic Co., Ltd., a company with its principal place of business at No.18 East Road, Beijing City (\"Mobimagic\").\n\n1. Definitions\n",
                named(&[
                    ("PC Financial Services Private Limited", "PC Financial"),
                    ("Mobimagic Co., Ltd.", "Mobimagic"),
                ]),
            ),
            (
                "DISTRIBUTOR AGREEMENT\n\nThis Agreement is entered into by and between ACCURAY INC., a Delaware corporation with its executive offices located at 1310 Chesapeake Terrace, Sunnyvale, California 94089, USA (\"Accuray\"), and SIEMENS AKTIENGESELLSCHAFT, a corporation formed under the laws of Germany, with its registered offices located at Berlin and Munich (\"Siemens\"), as of June 8, 2010.\n\n1. Definitions\n",
                named(&[
                    ("ACCURAY INC.", "Accuray"),
                    ("SIEMENS AKTIENGESELLSCHAFT", "Siemens"),
                ]),
            ),
            (
                // A company after "and" still starts a party, even inside an address.
                "SPONSORSHIP AGREEMENT\n\nTHIS AGREEMENT made this 5th day of December, 2007, between R. C. Boyd Enterprises, LLC, a Texas limited liability company, whose principal place of business is located at 2003 Navasota Cove, Westlake, Texas, referred to in this Agreement as \"Boyd\", and Cano Petroleum,  Inc., a Delaware corporation, whose principal place of business is located at 801 Cherry Street, Fort Worth, Texas 76102, referred to in this agreement as \"Cano\".\n\nWHEREAS, Boyd owns a show.\n",
                // (A wide gap ends a name, as between the columns of a laid-out page.)
                named(&[
                    ("R. C. Boyd Enterprises, LLC", "Boyd"),
                    ("Cano Petroleum", "Cano"),
                ]),
            ),
        ] {
            assert_eq!(names_and_aliases(t), want, "{t}");
        }
    }

    #[test]
    fn words_in_lower_case_after_and_describe_the_party() {
        let got = names_and_aliases(
            "SUPPLY AGREEMENT\n\nThis Supply Agreement is made between Northgate Probe Institute, a not-for-profit research and services institution with offices located at Hamilton University, Nuclear Research Building, Hamilton, Canada (\"NPI\"), and FUSION Pharmaceuticals Inc. (\"FUSION\").\n\n1. Supply\n",
        );
        assert_eq!(
            got,
            named(&[
                ("Northgate Probe Institute", "NPI"),
                ("FUSION Pharmaceuticals Inc.", "FUSION")
            ])
        );
        // A name in lower case with a mark of its own still starts a party.
        let got = names_and_aliases(
            "CO-BRANDING AGREEMENT\n\nThis Agreement is entered into by and between At Home Corporation, a Delaware corporation (\"Excite\") and e-centives, Inc., a Delaware corporation (\"Provider\").\n\n1. Definitions\n",
        );
        assert_eq!(
            got,
            named(&[
                ("At Home Corporation", "Excite"),
                ("e-centives, Inc.", "Provider")
            ])
        );
    }

    #[test]
    fn parties_of_the_one_part_and_of_the_other_part() {
        let got = names_and_aliases(
            "STRATEGIC ALLIANCE AGREEMENT\n\nIn Madrid, on 3 March 2025.\n\nBY AND BETWEEN\n\nOf the one part, SOLARIA IBÉRICA DE INSTALACIONES, S.L., a Spanish limited liability company with registered office at Calle de Alcalá 250, 28028 Madrid, Spain (\"Solaria\").\n\nOf the other part, TEJO ENERGIA RENOVÁVEL, LDA., a Portuguese private limited company with registered office at Avenida da Liberdade 180, 1250-146 Lisboa, Portugal (\"Tejo\").\n\nRECITALS\n\nI. Things.\n",
        );
        assert_eq!(
            got,
            named(&[
                ("SOLARIA IBÉRICA DE INSTALACIONES, S.L.", "Solaria"),
                ("TEJO ENERGIA RENOVÁVEL, LDA.", "Tejo")
            ])
        );
    }

    #[test]
    fn a_town_and_country_after_the_name_is_an_address() {
        let p = parties(
            "PARTNERSHIP AGREEMENT\n\nThis Partnership Agreement is made on 3 March 2025 between Ballast Route Optimisation Limited, Galway, Ireland (\"Ballast\") and Corran Fleet Telematics Limited, Cork, Ireland (\"Corran\").\n\n1. The Partnership\n\n1.1 The parties will connect their platforms.\n",
        );
        let got: Vec<(&str, &[String])> =
            p.iter().map(|x| (x.0.as_str(), x.1.as_slice())).collect();
        assert_eq!(
            got,
            [
                (
                    "Ballast Route Optimisation Limited",
                    &["Ballast".to_owned()][..]
                ),
                (
                    "Corran Fleet Telematics Limited",
                    &["Corran".to_owned()][..]
                ),
            ]
        );
    }

    #[test]
    fn us_style_preamble() {
        let p = parties(
            "STRATEGIC ALLIANCE AGREEMENT\n\nThis Strategic Alliance Agreement (this \"Agreement\") is entered into as of the 26th day of May, 2017, by and between Cool Technologies Inc., a Nevada corporation (hereinafter referred to as \"COOL TECH\"), and VETERAN TECHNOLOGY GROUP, LLC, a Missouri corporation (hereinafter referred to as \"VET TECH\"). WITNESSETH: stuff.\n",
        );
        assert_eq!(p.len(), 2, "{p:?}");
        assert_eq!(p[0].0, "Cool Technologies Inc.");
        assert_eq!(p[0].1, ["COOL TECH"]);
        assert_eq!(p[0].3.as_deref(), Some("Nevada"));
        assert_eq!(p[1].0, "VETERAN TECHNOLOGY GROUP, LLC");
    }

    #[test]
    fn uk_style_numbered_parties() {
        let p = parties(
            "THIS AGREEMENT is dated 3 March 2025\n\nPARTIES\n\n(1) ALPHA SYSTEMS LIMITED, a company incorporated in England and Wales with company number 01234567 whose registered office is at 1 High Street, London (\"Alpha\"); and\n\n(2) BETA GMBH, a company registered in Germany (the \"Partner\").\n\nBACKGROUND\n\n(A) Things.\n",
        );
        assert_eq!(p.len(), 2, "{p:?}");
        assert_eq!(p[0].0, "ALPHA SYSTEMS LIMITED");
        assert_eq!(p[0].1, ["Alpha"]);
        assert_eq!(p[0].3.as_deref(), Some("England and Wales"));
        assert_eq!(p[1].0, "BETA GMBH");
        assert_eq!(p[1].2, "partner");
    }

    #[test]
    fn parties_signatory_hereto_are_read_from_the_signature_block() {
        // Justified text spaces the testimonium's words unevenly ("IN WITNESS  WHEREOF").
        for witness in [
            "IN WITNESS WHEREOF",
            "IN WITNESS  WHEREOF",
            "In  Witness\tWhereof",
        ] {
            let p = parties(&format!(
                "SUBMARINE CABLE AGREEMENT\n\nTHIS AGREEMENT is made on 3 March 2025 between and among the Parties signatory hereto (collectively \"Parties\"), which are listed in Schedule A.\n\nWHEREAS the Parties wish to build a cable;\n\n1. Definitions\n\n1.1 The Parties shall build the cable.\n\n{witness}, the Parties have signed this Agreement.\n\n     For and on behalf of      Northwind Telecom plc\n\n     ---------------------------\n\n     For and on behalf of      Globex Carrier Services Inc.\n\n        By:\n\n        For and on behalf of Initech Networks Ltd.         By:\n\nSCHEDULE A\n\nPARTIES\n",
            ));
            let names: Vec<&str> = p.iter().map(|x| x.0.as_str()).collect();
            assert_eq!(
                names,
                [
                    "Northwind Telecom plc",
                    "Globex Carrier Services Inc.",
                    "Initech Networks Ltd."
                ],
                "{witness}: {p:?}"
            );
        }
    }

    #[test]
    fn an_opening_run_on_from_the_contents_still_names_the_parties() {
        let toc = "OPERATION AND MAINTENANCE AGREEMENT\n\nTABLE OF CONTENTS\n\nArticle I DEFINITIONS 1\nArticle II SERVICES 4\n8.15 No Third Party Beneficiary 18\n8.16 Further Assurances 18\n\n";
        let p = parties(&format!(
            "{toc}OPERATION AND MAINTENANCE AGREEMENT      This OPERATIONS AND MAINTENANCE AGREEMENT dated this 3rd day of November, 2010 (the \"Effective Date\"), is made and entered into by and between MAGELLAN TERMINALS HOLDINGS, L.P., a Delaware limited partnership (\"Owner\"), and OMEGA REFINING, LLC, a Delaware limited liability company (\"Operator\").\n\nWITNESSETH:\n\nWHEREAS, Owner operates a rail facility;\n\nArticle I\nDEFINITIONS\n\n1.1 \"Facility\" means the rail facility.\n"
        ));
        let names: Vec<&str> = p.iter().map(|x| x.0.as_str()).collect();
        assert_eq!(
            names,
            ["MAGELLAN TERMINALS HOLDINGS, L.P.", "OMEGA REFINING, LLC"],
            "{p:?}"
        );
        // A body that only mentions an agreement between others names no party of its own.
        let p = parties(&format!(
            "{toc}Article I\nDEFINITIONS\n\n1.1 \"Lease\" means the lease agreement dated May 1, 2009 between the Port Authority of New Orleans and the Owner.\n"
        ));
        assert!(p.is_empty(), "{p:?}");
    }

    #[test]
    fn a_party_missing_from_the_preamble_is_taken_from_its_signature() {
        let p = parties(
            "SUPPLY AGREEMENT\n\nThis Supply Agreement is entered into as of May 1, 2020 by and between ACME WIDGETS, INC., a Delaware corporation (\"Acme\"), and its distributor.\n\n1. Supply\n\n1.1 Acme shall supply widgets.\n\nIN WITNESS WHEREOF, the parties have executed this Agreement as of the date first written above.\n\nACME WIDGETS, INC.            GLOBEX TRADING CORP.\n\nBy: /s/ JANE ROE                By: /s/ JOHN DOE\nName: Jane Roe                  Name: John Doe\n\nJane Roe, President NORTHWIND HOLDINGS LLC\nPer: Authorized Signatory\n",
        );
        let names: Vec<&str> = p.iter().map(|x| x.0.as_str()).collect();
        assert_eq!(
            names,
            [
                "ACME WIDGETS, INC.",
                "GLOBEX TRADING CORP.",
                "NORTHWIND HOLDINGS LLC"
            ],
            "{p:?}"
        );
    }

    #[test]
    fn a_list_introduced_by_a_colon_starts_after_it() {
        // As written in DOCX, and as a PDF text layer gives it (spaces inside the quotes and
        // before the commas): the first member follows the introduction's colon.
        for (q, c) in [("\"", ","), ("\" ", " ,")] {
            let (o, e) = (q, q.chars().rev().collect::<String>());
            let t = format!(
                "CONSORTIUM AGREEMENT\n\nThis Consortium Agreement is entered into as of 1 May 2027 by and between the following parties (each a {o}Member{e} and a {o}Party{e}, together the {o}Members{e} or the {o}Parties{e}):\n\nAlpha Grid SA{c} a public limited company organised under the laws of Belgium, with its registered office at Rue de la Loi 42, 1040 Brussels ({o}Alpha{e});\n\nBeta Systems Ltd{c} a company incorporated in England and Wales, with its registered office at 10 Finsbury Square, London ({o}Beta{e});\n\nGamma Lading AS{c} a private limited company organised under the laws of Norway ({o}Gamma{e}).\n\nBackground. The Members wish to work together.\n\n1. Definitions\n"
            );
            let p = parties(&t);
            let got: Vec<(&str, &[String], Option<&str>)> = p
                .iter()
                .map(|x| (x.0.as_str(), x.1.as_slice(), x.3.as_deref()))
                .collect();
            assert_eq!(
                got,
                [
                    ("Alpha Grid SA", &["Alpha".to_owned()][..], Some("Belgium")),
                    (
                        "Beta Systems Ltd",
                        &["Beta".to_owned()][..],
                        Some("England and Wales")
                    ),
                    ("Gamma Lading AS", &["Gamma".to_owned()][..], Some("Norway")),
                ],
                "quotes {q:?}"
            );
        }
    }

    #[test]
    fn collective_names_after_the_list_are_not_the_last_partys() {
        let t = "CONSORTIUM AGREEMENT\n\nbetween\n\n(1) ALPHA ROBOTICS LIMITED, a company incorporated in Scotland (\"Alpha\");\n\n(2) BETA SUBSEA LTD, a company incorporated in Scotland (together with its Affiliates, \"Beta\"); and\n\n(3) GAMMA MARINE LTD, a company incorporated in Scotland (\"Gamma\"),\n\n(each a \"Partner\" and together the \"Partners\").\n\nWHEREAS\n\n(A) Things.\n";
        let p = parties(t);
        let aliases: Vec<&[String]> = p.iter().map(|x| x.1.as_slice()).collect();
        assert_eq!(
            aliases,
            [
                &["Alpha".to_owned()][..],
                &["Beta".to_owned()][..],
                &["Gamma".to_owned()][..]
            ],
            "{p:?}"
        );
        assert_eq!(
            collective_names(&Doc::new(t)),
            [("partner".to_owned(), false), ("partners".to_owned(), true)]
        );
        let t = t.replace("and together the", "and together,");
        assert_eq!(
            collective_names(&Doc::new(&t)),
            [("partner".to_owned(), false), ("partners".to_owned(), true)]
        );
    }

    #[test]
    fn a_party_defined_individually_and_collectively_keeps_its_name() {
        let p = parties(
            "DISTRIBUTION AGREEMENT\n\nThis Agreement is made between Alpha Inc. (with its affiliates, individually and collectively, \"Licensee\") and Beta LLC (together with its subsidiaries, collectively the \"Company\").\n\n1. Grant\n",
        );
        let aliases: Vec<&[String]> = p.iter().map(|x| x.1.as_slice()).collect();
        assert_eq!(
            aliases,
            [&["Licensee".to_owned()][..], &["Company".to_owned()][..]],
            "{p:?}"
        );
    }

    #[test]
    fn a_colon_inside_the_first_party_is_not_an_introduction() {
        assert_eq!(list_intro_len(" the following parties:\nAlpha"), 23);
        assert_eq!(list_intro_len(" the parties (each a \"Party\"):  \n"), 30);
        // A capitalised start is a name; a colon followed by text on its line is not a list.
        assert_eq!(list_intro_len(" Alpha Inc.:\n"), 0);
        assert_eq!(list_intro_len(" the parties named below: Alpha Inc."), 0);
        assert_eq!(list_intro_len(" the parties\n(1) Alpha:\n"), 0);
    }

    #[test]
    fn three_parties_among() {
        let p = parties(
            "This Consortium Agreement is made among Alpha Inc. (\"Alpha\"), Beta LLC (\"Beta\") and Gamma AG (\"Gamma\").\n\n1. Purpose\n",
        );
        let names: Vec<_> = p.iter().map(|x| x.0.as_str()).collect();
        assert_eq!(names, ["Alpha Inc.", "Beta LLC", "Gamma AG"]);
    }
}
