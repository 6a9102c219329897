//! Segmentation: splits an agreement's text into a hierarchy of clauses (title, preamble,
//! recitals, numbered articles/sections/sub-clauses, schedules, signature blocks).

use regex::Regex;
use serde::Serialize;
use std::sync::LazyLock;

/// What part of the agreement a segment is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SegmentKind {
    /// Title and cover matter.
    Title,
    /// Opening paragraph naming the parties.
    Preamble,
    /// WHEREAS / Background.
    Recitals,
    /// A definitions section.
    Definitions,
    /// An article, section or sub-clause of the body.
    Section,
    /// A schedule, exhibit, annex or appendix.
    Schedule,
    /// Signature block.
    Signature,
    /// Table of contents.
    Contents,
}

/// One segment, as byte offsets into the analysed text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Segment {
    pub(crate) kind: SegmentKind,
    pub(crate) number: Option<String>,
    pub(crate) heading: Option<String>,
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) level: u8,
    pub(crate) parent: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Article,
    Decimal(u8),
    LowerParen,
    UpperParen,
    RomanParen,
    DigitParen,
    LowerDot,
    UpperDot,
    RomanUpperDot,
    Schedule,
    /// A list numbered "1., 2. …" again under a heading-only item of a "1., 2. …" list,
    /// `n` deep: Word's multilevel lists whose sub-levels show only their own number
    /// ("1. Service" / "1. Access and Use" / "2. Support" / "2. Restrictions").
    Restart(u8),
}

struct Marker {
    style: Style,
    number: String,
    /// Byte offset (within the line) where the text after the number starts.
    rest: usize,
    /// The marker came with a keyword ("Article", "Section", "§", "Clause").
    keyword: bool,
}

static ARTICLE_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::text::regex(
        r"^(?i:article|art\.)\s+([IVXLC]+|[ivxlc]+|\d{1,3}|[A-Z])(?-u:\b)\.?(?:[\s:.\-–—]+|$)",
    )
    .unwrap_or_else(|e| panic!("{e}"))
});
static SECTION_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::text::regex(r"^(?:(?i:section|sec\.|clause)\s*|§\s*)(\d{1,3}(?:\.\d{1,3}){0,4}|[IVXLC]+)\.?(?:[\s:.\-–—]+|$)")
        .unwrap_or_else(|e| panic!("{e}"))
});
static DECIMAL_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::text::regex(r"^(\d{1,3}(?:\.\d{1,3}){0,4})(\.|\))?(?:\s+|\t|$)")
        .unwrap_or_else(|e| panic!("{e}"))
});
static PAREN_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::text::regex(r"^\(([a-z]{1,4}|[A-Z]{1,4}|\d{1,3})\)\s*").unwrap_or_else(|e| panic!("{e}"))
});
static DOT_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::text::regex(r"^([a-z]|[A-Z]|[IVX]{1,5})[.)]\s+").unwrap_or_else(|e| panic!("{e}"))
});
static SCHEDULE_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::text::regex(
        r"^(?i:schedule|exhibit|annex|appendix|attachment|addendum)(?-u:\b)\s*([A-Z0-9][\w.\-]*)?",
    )
    .unwrap_or_else(|e| panic!("{e}"))
});

fn is_roman(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| matches!(c.to_ascii_lowercase(), 'i' | 'v' | 'x' | 'l' | 'c'))
}

fn letter_before(s: &str) -> Option<char> {
    let c = s.chars().next()?;
    char::from_u32(c as u32 - 1)
}

fn detect_marker(line: &str, last_lower: Option<&str>, last_upper: Option<&str>) -> Option<Marker> {
    // Cheap gate before any regex: markers start with a digit, "(", "§", a keyword or a
    // letter/roman numeral followed by "." or ")".
    let b = line.as_bytes();
    let first = *b.first()?;
    let keyword = {
        let head: String = line
            .chars()
            .take(10)
            .collect::<String>()
            .to_ascii_lowercase();
        [
            "article",
            "art.",
            "section",
            "sec.",
            "clause",
            "schedule",
            "exhibit",
            "annex",
            "appendix",
            "attachment",
            "addendum",
        ]
        .iter()
        .any(|k| head.starts_with(k))
    };
    let letter_marker = first.is_ascii_alphabetic()
        && b.iter()
            .take(7)
            .position(|c| *c == b'.' || *c == b')')
            .is_some_and(|p| b[..p].iter().all(u8::is_ascii_alphabetic));
    if !(first.is_ascii_digit()
        || first == b'('
        || line.starts_with('§')
        || keyword
        || letter_marker)
    {
        return None;
    }
    if let Some(c) = ARTICLE_RE.captures(line) {
        let m = c.get(0)?;
        return Some(Marker {
            style: Style::Article,
            number: c.get(1)?.as_str().to_owned(),
            rest: m.end(),
            keyword: true,
        });
    }
    if let Some(c) = SECTION_RE.captures(line) {
        let m = c.get(0)?;
        let n = c.get(1)?.as_str();
        if cross_reference(&line[m.end()..]) {
            return None;
        }
        let depth = if is_roman(n) {
            1
        } else {
            n.split('.').filter(|p| !p.is_empty()).count() as u8
        };
        return Some(Marker {
            style: Style::Decimal(depth),
            number: n.to_owned(),
            rest: m.end(),
            keyword: true,
        });
    }
    if let Some(c) = SCHEDULE_RE.captures(line) {
        let m = c.get(0)?;
        let short = line.len() < 120;
        let rest = line[m.end()..].trim_start();
        // "Exhibit A" alone, "SCHEDULE 2 – Fees", "ANNEX I: Work Plan": a heading line, not
        // a sentence that merely mentions an exhibit.
        let heading_like = rest.is_empty()
            || rest.starts_with(['-', '–', '—', ':', '.'])
            || line
                .chars()
                .filter(|c| c.is_alphabetic())
                .all(|c| !c.is_lowercase())
            || (rest.split_whitespace().count() <= 8 && !rest.ends_with('.'));
        if short && heading_like && c.get(1).is_some()
            || (short && line.trim() == m.as_str().trim())
        {
            return Some(Marker {
                style: Style::Schedule,
                number: m.as_str().trim().to_owned(),
                rest: m.end(),
                keyword: true,
            });
        }
    }
    if let Some(c) = DECIMAL_RE.captures(line) {
        let m = c.get(0)?;
        let n = c.get(1)?.as_str();
        let rest = &line[m.end()..];
        let first = rest.chars().next();
        let dotted = n.contains('.');
        let term = c.get(2).map(|t| t.as_str());
        let top: u32 = n.split('.').next()?.parse().ok()?;
        let plausible = top <= 200
            && first.is_some_and(|f| f.is_uppercase() || f == '(' || f == '"' || f == '“')
            && (dotted || term.is_some() || first.is_some_and(char::is_uppercase));
        if plausible {
            if term == Some(")") && !dotted {
                return Some(Marker {
                    style: Style::DigitParen,
                    number: format!("{n})"),
                    rest: m.end(),
                    keyword: false,
                });
            }
            let depth = n.split('.').filter(|p| !p.is_empty()).count() as u8;
            return Some(Marker {
                style: Style::Decimal(depth),
                number: n.to_owned(),
                rest: m.end(),
                keyword: false,
            });
        }
    }
    if let Some(c) = PAREN_RE.captures(line) {
        let m = c.get(0)?;
        let n = c.get(1)?.as_str();
        let style = if n.chars().all(|c| c.is_ascii_digit()) {
            Style::DigitParen
        } else if n.chars().all(|c| c.is_ascii_lowercase()) {
            let roman = is_roman(n)
                && !(n.len() == 1
                    && last_lower.is_some_and(|l| {
                        l.len() == 1 && letter_before(n).is_some_and(|p| l.starts_with(p))
                    }));
            if roman && (n.len() > 1 || matches!(n, "i" | "v" | "x")) {
                Style::RomanParen
            } else if n.len() <= 2 {
                Style::LowerParen
            } else {
                return None;
            }
        } else if n.chars().all(|c| c.is_ascii_uppercase()) && n.len() <= 2 {
            Style::UpperParen
        } else {
            return None;
        };
        return Some(Marker {
            style,
            number: format!("({n})"),
            rest: m.end(),
            keyword: false,
        });
    }
    if let Some(c) = DOT_RE.captures(line) {
        let m = c.get(0)?;
        let n = c.get(1)?.as_str();
        let rest = &line[m.end()..];
        if !rest
            .chars()
            .next()
            .is_some_and(|c| c.is_uppercase() || c == '(')
        {
            return None;
        }
        let style = if n.chars().all(|c| c.is_ascii_lowercase()) {
            Style::LowerDot
        } else if n.len() > 1
            || (matches!(n, "I" | "V" | "X")
                && !last_upper.is_some_and(|l| letter_before(n).is_some_and(|p| l.starts_with(p))))
        {
            Style::RomanUpperDot
        } else {
            Style::UpperDot
        };
        // Initials in names ("J. Smith") are not markers: require some length after.
        if rest.len() < 4 {
            return None;
        }
        return Some(Marker {
            style,
            number: n.to_owned(),
            rest: m.end(),
            keyword: false,
        });
    }
    None
}

/// Whether the text after "Section 3" goes on as a sentence that cites the section
/// ("(Trademark License) will immediately terminate", "of this Agreement", "(Payment &
/// Taxes) for fees accrued", "and 4"): a wrapped line that starts with a reference, where
/// a heading would start with its title.
fn cross_reference(rest: &str) -> bool {
    let r = rest.trim_start();
    if let Some(inner) = r.strip_prefix('(') {
        let Some(close) = inner.find(')') else {
            return false;
        };
        let after = inner[close + 1..].trim_start();
        return after.starts_with([',', ';'])
            || after
                .split_whitespace()
                .next()
                .is_some_and(|w| w.starts_with(|c: char| c.is_ascii_lowercase()));
    }
    // Without a parenthesis a lowercase word may still start a title ("§ 3 element 5's
    // Service Fee"): only the words that carry a citing sentence on count.
    const GOES_ON: &[&str] = &[
        "of", "or", "and", "to", "in", "as", "shall", "will", "may", "must", "does", "do", "is",
        "are", "has", "have", "applies", "apply", "above", "below", "hereof", "herein", "hereto",
        "thereof", "which", "that",
    ];
    r.split_whitespace()
        .next()
        .is_some_and(|w| GOES_ON.contains(&w.trim_end_matches([',', ';', ':'])))
}

/// The number of a "N." or "N)" item of `line` (a one-part decimal with its stop: "75
/// Canal Street" is an address, not item 75).
fn plain_number(m: &Marker, line: &str) -> Option<u32> {
    if m.style != Style::Decimal(1) || m.keyword {
        return None;
    }
    let marker = line.get(..m.rest)?.trim_end();
    if !marker.ends_with(['.', ')']) {
        return None;
    }
    m.number.trim_end_matches(['.', ')']).parse().ok()
}

/// Whether the text after a marker is a heading and nothing more ("Service",
/// "Restrictions & Obligations"), not a clause that starts with one.
fn heading_only(rest: &str) -> bool {
    let r = rest.trim();
    !r.is_empty() && !r.ends_with(['.', ';', ',', ':']) && r.split_whitespace().nth(8).is_none()
}

/// The list a "N." item belongs to. Word's multilevel lists often show each level's own
/// number only, so a heading-only "1. Service" is followed by its sub-clauses "1.", "2." …
/// and then by "2. Restrictions": a "1." right after a heading-only item of such a list
/// opens a list nested in it, and a later number continues the innermost open list it
/// follows on from (the one whose last number it is one above), else the innermost. When
/// it follows on from two, a heading-only item goes with the list of heading-only items.
fn list_level(
    m: &Marker,
    line: &str,
    stack: &[(Style, usize)],
    segs: &[Segment],
    numbered: &[(usize, u32, bool)],
) -> Style {
    let Some(n) = plain_number(m, line) else {
        return m.style;
    };
    let info = |idx: usize| numbered.iter().rev().find(|x| x.0 == idx).copied();
    let lists: Vec<(Style, usize)> = stack
        .iter()
        .rev()
        .filter(|(s, _)| matches!(s, Style::Decimal(1) | Style::Restart(_)))
        .copied()
        .collect();
    let Some(&(top_style, top_idx)) = lists.first() else {
        return m.style;
    };
    let top_is_last =
        segs.len().checked_sub(1) == Some(top_idx) && stack.last().is_some_and(|x| x.1 == top_idx);
    if n == 1 && top_is_last && info(top_idx).is_some_and(|x| x.2) {
        let depth = match top_style {
            Style::Restart(d) => d.saturating_add(1),
            _ => 1,
        };
        return Style::Restart(depth);
    }
    if lists.len() < 2 {
        return m.style;
    }
    let follows: Vec<(Style, bool)> = lists
        .iter()
        .filter_map(|&(s, idx)| info(idx).filter(|x| x.1 + 1 == n).map(|x| (s, x.2)))
        .collect();
    let this_heading_only = heading_only(&line[m.rest.min(line.len())..]);
    match follows.as_slice() {
        [] => top_style,
        [(s, _)] => *s,
        [(inner, inner_heading), rest @ ..] => {
            if this_heading_only && !inner_heading {
                rest.iter().find(|x| x.1).map_or(*inner, |x| x.0)
            } else {
                *inner
            }
        }
    }
}

/// Splits a marker line's remainder into (heading, body) where a short heading leads.
fn split_heading(rest: &str) -> Option<String> {
    let r = rest.trim();
    if r.is_empty() {
        return None;
    }
    // Marker lines are often whole paragraphs: count no further than the limit.
    let words = r.split_whitespace().take(13).count();
    let mostly_caps = || {
        let (mut letters, mut upper) = (0usize, 0usize);
        for c in r.chars().filter(|c| c.is_alphabetic()) {
            letters += 1;
            upper += usize::from(c.is_uppercase());
        }
        upper * 10 >= letters * 8
    };
    // The whole line is a heading: short, no sentence punctuation at the end, or all caps.
    if words <= 12
        && (!r.ends_with(['.', ';', ',']) || (words <= 10 && mostly_caps()))
        && !r.contains(" shall ")
        && r.chars().next().is_some_and(|c| c.is_uppercase())
    {
        return Some(
            r.trim_end_matches(['.', ':', '-', '–', '—'])
                .trim()
                .to_owned(),
        );
    }
    // "Term. The term of ..." / "TERM AND TERMINATION: ..." / "Confidentiality – Each ..."
    let cut = r
        .char_indices()
        .find(|&(i, c)| {
            (c == '.' || c == ':' || c == '–' || c == '—')
                && i > 2
                && r[i + c.len_utf8()..].starts_with(' ')
        })
        .map(|(i, _)| i)?;
    let head = &r[..cut];
    let hw = head.split_whitespace().count();
    if hw == 0 || hw > 8 || head.contains(" shall ") || head.contains(',') {
        return None;
    }
    // Headings are Title Case or CAPS: most words start with a capital.
    let caps = head
        .split_whitespace()
        .filter(|w| {
            w.chars()
                .next()
                .is_some_and(|c| c.is_uppercase() || !c.is_alphabetic())
        })
        .count();
    let small = head
        .split_whitespace()
        .filter(|w| {
            matches!(
                *w,
                "and" | "of" | "or" | "the" | "to" | "for" | "in" | "on" | "a" | "by" | "with"
            )
        })
        .count();
    if caps + small >= hw && head.chars().next().is_some_and(char::is_uppercase) {
        Some(head.trim().to_owned())
    } else {
        None
    }
}

/// A short line in capitals (or Title Case without final stop) that reads as a heading.
fn unnumbered_heading(line: &str) -> bool {
    let t = line.trim();
    // A note set in capitals inside brackets ("(IF HIPAA APPLIES TO THIS AGREEMENT, …") is
    // part of the clause it follows, not a heading.
    if t.len() < 4 || t.len() > 80 || t.ends_with([',', ';']) || t.starts_with(['(', '[']) {
        return false;
    }
    let letters: Vec<char> = t.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.len() < 4 {
        return false;
    }
    let upper = letters.iter().filter(|c| c.is_uppercase()).count();
    let words = t.split_whitespace().count();
    if upper == letters.len() && words <= 8 {
        return !t.starts_with("IN WITNESS");
    }
    false
}

fn is_noise(line: &str) -> bool {
    let t = line.trim();
    if t.is_empty() {
        return true;
    }
    // Page numbers, "- 3 -", "Page 3 of 10", and dot leaders of a table of contents.
    let digits_only = t
        .trim_matches(|c: char| c == '-' || c == '–' || c.is_whitespace())
        .chars()
        .all(|c| c.is_ascii_digit());
    digits_only
        || starts_ci(t, "page ") && t.len() < 20
        || t.contains(".....")
        || t.contains("_____")
        || t.contains("· · ·")
}

/// A flattened table of contents: many "N.N Heading PAGE" entries and no sentences.
fn is_toc_line(line: &str) -> bool {
    static TOC_RE: LazyLock<Regex> = LazyLock::new(|| {
        crate::text::regex(r"(?:(?-u:\b)(?:ARTICLE|Article|SECTION|Section)\s+)?(?-u:\b)\d{1,2}(?:\.\d{1,2})*\.?\s+[A-Z][A-Za-z ,;&/\-\[\]*]{2,70}?\s+\d{1,3}(?-u:\b)")
            .unwrap_or_else(|e| panic!("{e}"))
    });
    if line.len() < 60 || line.contains(" shall ") || line.contains(" will ") {
        return false;
    }
    // Cheap prefilter: a contents line holds many numbers.
    let groups = line
        .as_bytes()
        .windows(2)
        .filter(|w| w[0] == b' ' && w[1].is_ascii_digit())
        .count();
    if groups < 6 {
        return false;
    }
    TOC_RE.find_iter(line).take(4).count() >= 4
}

/// The lower-case view used by the line scanner.
/// Whether `line` opens with "In witness whereof" (or "thereof"), however the words are spaced:
/// justified text spaces them unevenly ("IN WITNESS  WHEREOF").
fn opens_testimonium(line: &str) -> bool {
    let mut words = line.split_ascii_whitespace();
    words.next().is_some_and(|w| w.eq_ignore_ascii_case("in"))
        && words
            .next()
            .is_some_and(|w| w.eq_ignore_ascii_case("witness"))
        && words
            .next()
            .is_some_and(|w| starts_ci(w, "whereof") || starts_ci(w, "thereof"))
}

fn starts_ci(s: &str, prefix: &str) -> bool {
    s.len() >= prefix.len() && s.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

/// Segments `text` into clauses.
#[cfg(test)]
pub(crate) fn segment(text: &str) -> Vec<Segment> {
    segment_with(text, &text.to_ascii_lowercase())
}

/// Segments `text`; `lower` is its ASCII-lowercased copy (same byte offsets).
pub(crate) fn segment_with(text: &str, lower: &str) -> Vec<Segment> {
    let mut segs: Vec<Segment> = Vec::new();
    let mut stack: Vec<(Style, usize)> = Vec::new(); // style, segment index
    // (segment index, number, line holds only a heading) of items numbered "N.".
    let mut numbered: Vec<(usize, u32, bool)> = Vec::new();
    let mut last_lower: Option<String> = None;
    let mut last_upper: Option<String> = None;
    let mut in_body = false;
    let mut in_recitals = false;
    let mut in_signature = false;
    let mut in_definitions_top: Option<u8> = None;
    let mut prev_blank = true;
    let mut pos = 0usize;
    let mut seen_preamble = false;
    let mut pending_heading_for: Option<usize> = None;
    let mut article_seen = false;

    let open = |segs: &mut Vec<Segment>,
                kind: SegmentKind,
                start: usize,
                number: Option<String>,
                heading: Option<String>,
                level: u8,
                parent: Option<usize>| {
        if let Some(last) = segs.last_mut() {
            last.end = start;
        }
        segs.push(Segment {
            kind,
            number,
            heading,
            start,
            end: start,
            level,
            parent,
        });
    };

    for raw in text.split_inclusive('\n') {
        let line_start = pos;
        pos += raw.len();
        let lead = raw.len() - raw.trim_start().len();
        let line = raw.trim();
        if line.is_empty() {
            prev_blank = true;
            continue;
        }
        let start = line_start + lead;
        let ll: &str = &lower[start..start + line.len()];
        let was_blank = prev_blank;
        prev_blank = false;

        if segs.is_empty() {
            open(&mut segs, SegmentKind::Title, start, None, None, 0, None);
        }
        if is_toc_line(line) {
            if segs.last().map(|s| s.kind) != Some(SegmentKind::Contents) {
                open(
                    &mut segs,
                    SegmentKind::Contents,
                    start,
                    None,
                    Some("Contents".into()),
                    0,
                    None,
                );
            }
            continue;
        }
        if is_noise(line) {
            if line.contains(".....")
                && !in_body
                && segs.last().map(|s| s.kind) != Some(SegmentKind::Contents)
            {
                open(
                    &mut segs,
                    SegmentKind::Contents,
                    start,
                    None,
                    Some("Contents".into()),
                    0,
                    None,
                );
            }
            continue;
        }
        let lower_head: &str = &ll[..crate::text::floor_boundary(ll, 40)];

        // "PARTIES" / "BETWEEN:" headings belong to the preamble.
        if !in_body
            && matches!(
                lower_head.trim_end_matches(':').trim(),
                "parties" | "between" | "by and between" | "the parties"
            )
        {
            if !seen_preamble {
                open(
                    &mut segs,
                    SegmentKind::Preamble,
                    start,
                    None,
                    Some("Preamble".into()),
                    0,
                    None,
                );
                seen_preamble = true;
            }
            continue;
        }
        // Table-of-contents heading.
        if !in_body && (lower_head.starts_with("table of contents") || lower_head == "contents") {
            open(
                &mut segs,
                SegmentKind::Contents,
                start,
                None,
                Some("Table of Contents".into()),
                0,
                None,
            );
            continue;
        }
        if segs.last().map(|s| s.kind) == Some(SegmentKind::Contents) && !in_body {
            // Stay in the contents while lines look like entries (short, end in a page number).
            let ends_num = line
                .trim_end()
                .chars()
                .last()
                .is_some_and(|c| c.is_ascii_digit());
            if line.len() < 120
                && (ends_num || line.split_whitespace().count() <= 8)
                && !starts_ci(line, "this ")
            {
                continue;
            }
            // A long line after the contents is body text: the (second) preamble of a
            // cover page + contents + agreement layout, or the first unnumbered section.
            if line.len() >= 120 && detect_marker(line, None, None).is_none() {
                let preamble_like = (ll.contains("agreement") || ll.contains("contract"))
                    && (ll.contains(" between ")
                        || ll.contains(" among ")
                        || ll.contains("entered into")
                        || ll.contains(" made "));
                if preamble_like {
                    open(
                        &mut segs,
                        SegmentKind::Preamble,
                        start,
                        None,
                        Some("Preamble".into()),
                        0,
                        None,
                    );
                    seen_preamble = true;
                } else {
                    open(&mut segs, SegmentKind::Section, start, None, None, 1, None);
                    in_body = true;
                }
                continue;
            }
        }

        // Signature block: "IN WITNESS WHEREOF", or, late in the text, the parties' names in
        // capitals over the fields to sign ("CONTRIBUTOR HARVARD" / "| Print Name: | …").
        let labels_over_fields = || {
            pos * 5 > text.len() * 3
                && unnumbered_heading(line)
                && text[pos..]
                    .lines()
                    .map(|l| l.trim_start_matches(['|', ' ']).to_ascii_lowercase())
                    .find(|l| !l.trim().is_empty())
                    .is_some_and(|l| {
                        ["by:", "name:", "print name", "signature", "signed"]
                            .iter()
                            .any(|p| l.starts_with(p))
                    })
        };
        // "SIGNED for Ridgeview College by its authorised representative on 14 September
        // 2022:" after the last clause opens an execution block.
        let signed_for = || {
            line.len() < 200
                && pos * 2 > text.len()
                && [
                    "signed for ",
                    "signed on behalf of ",
                    "executed for ",
                    "executed on behalf of ",
                ]
                .iter()
                .any(|p| starts_ci(line, p))
        };
        if opens_testimonium(line)
            || starts_ci(line, "signed by") && !in_body
            || !in_signature && (labels_over_fields() || signed_for())
        {
            open(
                &mut segs,
                SegmentKind::Signature,
                start,
                None,
                Some("Signatures".into()),
                0,
                None,
            );
            in_signature = true;
            in_recitals = false;
            stack.clear();
            continue;
        }
        // Recitals.
        if !in_body
            && (starts_ci(line, "whereas")
                || starts_ci(line, "recitals")
                || starts_ci(line, "background")
                || starts_ci(line, "witnesseth")
                || starts_ci(line, "preliminary statement"))
            && (line.len() > 14 || unnumbered_heading(line) || line.ends_with(':'))
        {
            if !in_recitals {
                open(
                    &mut segs,
                    SegmentKind::Recitals,
                    start,
                    None,
                    Some("Recitals".into()),
                    0,
                    None,
                );
                in_recitals = true;
            }
            continue;
        }
        if in_recitals
            && (starts_ci(line, "now, therefore")
                || starts_ci(line, "now therefore")
                || starts_ci(line, "it is agreed")
                || starts_ci(line, "the parties agree"))
        {
            // Belongs to the recitals; the body starts after it.
            in_recitals = false;
            in_body = true;
            continue;
        }

        let marker = detect_marker(line, last_lower.as_deref(), last_upper.as_deref());
        // Recital items "(A) Alpha is ..." / "A. Whereas" stay inside the recitals.
        if in_recitals
            && let Some(m) = &marker
            && matches!(
                m.style,
                Style::UpperParen | Style::UpperDot | Style::LowerParen | Style::DigitParen
            )
        {
            continue;
        }
        if let Some(m) = marker {
            // Before the body starts, only keyworded or clearly numbered lines open sections.
            let accept = in_body
                || m.keyword
                || matches!(m.style, Style::Decimal(_) | Style::RomanUpperDot)
                || (matches!(m.style, Style::UpperDot) && seen_preamble);
            // "Exhibit 10.2" atop an SEC filing is cover matter, not a schedule.
            let cover_label =
                m.style == Style::Schedule && !in_body && !seen_preamble && !in_recitals;
            if accept && !cover_label && !(in_signature && m.style != Style::Schedule) {
                if m.style == Style::Schedule {
                    in_signature = false;
                    stack.clear();
                    in_definitions_top = None;
                }
                in_body = true;
                in_recitals = false;
                match m.style {
                    Style::LowerParen => {
                        last_lower = Some(m.number.trim_matches(['(', ')']).to_owned())
                    }
                    Style::UpperDot | Style::UpperParen => {
                        last_upper = Some(m.number.trim_matches(['(', ')', '.']).to_owned())
                    }
                    Style::Article => {
                        article_seen = true;
                        last_lower = None;
                    }
                    Style::Decimal(_) => last_lower = None,
                    _ => {}
                }
                let style = list_level(&m, line, &stack, &segs, &numbered);
                // Place the style in the nesting stack.
                if let Some(p) = stack.iter().position(|(s, _)| *s == style) {
                    stack.truncate(p);
                } else if let Style::Decimal(d) = style {
                    // A shallower decimal closes deeper ones.
                    if let Some(p) = stack
                        .iter()
                        .position(|(s, _)| matches!(s, Style::Decimal(x) if *x > d))
                    {
                        stack.truncate(p);
                    }
                } else if m.style == Style::Article {
                    stack.clear();
                }
                if m.style == Style::Schedule {
                    stack.clear();
                }
                let parent = stack.last().map(|(_, i)| *i);
                let level = stack.len() as u8 + 1;
                let rest = &line[m.rest.min(line.len())..];
                // "APPENDIX A – DATA SHARING TERMS": the heading follows the dash.
                let heading = split_heading(
                    rest.trim_start()
                        .trim_start_matches(['-', '–', '—', ':'])
                        .trim_start(),
                );
                let mut number = m.number.clone();
                if m.style == Style::Article {
                    number = format!("Article {number}");
                }
                // A restarted sub-list is cited with its parent's number ("2.1"), as the
                // text's own cross-references cite it.
                if let (Style::Restart(_), Some(p)) = (style, parent)
                    && let Some(pn) = segs.get(p).and_then(|x| x.number.as_deref())
                {
                    number = format!(
                        "{}.{}",
                        pn.trim_end_matches('.'),
                        number.trim_end_matches(['.', ')'])
                    );
                }
                let lh = heading.as_deref().unwrap_or("").to_ascii_lowercase();
                let defs = lh.contains("definition") || lh.contains("interpretation");
                if defs {
                    in_definitions_top = Some(level);
                } else if in_definitions_top.is_some_and(|l| level <= l) {
                    in_definitions_top = None;
                }
                let kind = if m.style == Style::Schedule {
                    SegmentKind::Schedule
                } else if in_definitions_top.is_some() {
                    SegmentKind::Definitions
                } else {
                    SegmentKind::Section
                };
                open(
                    &mut segs,
                    kind,
                    start,
                    Some(number),
                    heading.clone(),
                    level,
                    parent,
                );
                let idx = segs.len() - 1;
                // The next line may hold the heading, unless this one is a sentence of its own
                // ("§7.5 You agree to notify Us … in any respect." is followed by a signature
                // label, "§3.3 … with the right to transfer … or" by its list's first item).
                pending_heading_for = (rest.trim().is_empty()
                    || heading.is_none()
                        && !rest.trim_end().ends_with(['.', ';'])
                        && rest.split_whitespace().nth(8).is_none())
                .then_some(idx);
                if let Some(n) = plain_number(&m, line) {
                    numbered.push((idx, n, heading_only(rest)));
                }
                stack.push((style, idx));
                continue;
            }
        }
        // A heading on the line after "ARTICLE 5".
        if let Some(idx) = pending_heading_for.take()
            && (unnumbered_heading(line)
                || (line.split_whitespace().count() <= 6 && !line.ends_with('.')))
        {
            if segs[idx].heading.is_none() {
                segs[idx].heading = Some(line.trim_end_matches(['.', ':']).to_owned());
                let lh = ll;
                if lh.contains("definition") {
                    segs[idx].kind = SegmentKind::Definitions;
                    in_definitions_top = Some(segs[idx].level);
                }
            }
            continue;
        }
        // Unnumbered CAPS heading after a blank line opens a section at the current top.
        let cover_heading = !in_body && {
            ll.contains("agreement")
                || matches!(ll.trim(), "between" | "and" | "among" | "by and between")
        };
        if was_blank
            && (in_body || seen_preamble)
            && !in_signature
            && !cover_heading
            && unnumbered_heading(line)
            && !article_seen
        {
            stack.clear();
            in_body = true;
            in_recitals = false;
            let kind = if ll.contains("definition") {
                SegmentKind::Definitions
            } else {
                SegmentKind::Section
            };
            open(&mut segs, kind, start, None, Some(line.to_owned()), 1, None);
            continue;
        }
        // Preamble starts with the first line that names parties or says "This Agreement".
        if !seen_preamble && !in_body && !in_recitals {
            let l = lower_head;
            if l.starts_with("this ")
                || l.starts_with("the parties")
                || l.starts_with("between")
                || l.starts_with("by and between")
                || l.starts_with("parties")
                || l.starts_with("party a")
                || l.starts_with("made ")
                || l.starts_with("dear ")
                || ll.contains(" is made ")
                || ll.contains(" entered into ")
                || {
                    (ll.contains("agreement") || ll.contains("contract"))
                        && (ll.contains(" between ")
                            || ll.contains(" among ")
                            || ll.contains(" by and "))
                }
            {
                open(
                    &mut segs,
                    SegmentKind::Preamble,
                    start,
                    None,
                    Some("Preamble".into()),
                    0,
                    None,
                );
                seen_preamble = true;
                continue;
            }
        }
        // A paragraph after the preamble in an unnumbered agreement opens the body.
        if seen_preamble
            && !in_body
            && !in_recitals
            && was_blank
            && segs.last().map(|s| s.kind) == Some(SegmentKind::Preamble)
        {
            let l = lower_head;
            if l.starts_with("now, therefore")
                || l.starts_with("now therefore")
                || l.starts_with("it is agreed")
                || l.starts_with("the parties agree")
                || l.starts_with("in consideration")
            {
                in_body = true;
                continue;
            }
        }
        // Unnumbered bodies: each paragraph of a document without any structure is a clause.
        let _ = was_blank;
    }
    if let Some(last) = segs.last_mut() {
        last.end = text.len();
    }
    // Trim each span's trailing whitespace; drop empty segments.
    for s in &mut segs {
        let body = &text[s.start..s.end];
        s.end = s.start + body.trim_end().len();
    }
    let mut keep_map = vec![usize::MAX; segs.len()];
    let mut out: Vec<Segment> = Vec::with_capacity(segs.len());
    for (i, s) in segs.into_iter().enumerate() {
        if s.end > s.start {
            keep_map[i] = out.len();
            out.push(s);
        }
    }
    for s in &mut out {
        s.parent = s
            .parent
            .and_then(|p| (keep_map[p] != usize::MAX).then(|| keep_map[p]));
    }
    split_long_paragraph_segments(text, out)
}

/// Paragraph-per-clause fallback and inline headings for documents flattened into a few
/// long lines (common in text converted from PDF).
fn split_long_paragraph_segments(text: &str, segs: Vec<Segment>) -> Vec<Segment> {
    static INLINE_RE: LazyLock<Regex> = LazyLock::new(|| {
        crate::text::regex(r"(?:[.:;]\s+|\s{2,})((?:ARTICLE|Article|SECTION|Section)\s+(?:[IVXL]+|\d{1,2}(?:\.\d{1,2})?)\.?\s+[A-Z][A-Za-z,&/\- ]+?[.:]|(?:\d{1,2}\.\d{1,2}|\d{1,2}\.)\s+[A-Z][A-Za-z&/\- ]+?\.|[A-Z][A-Z ,&/\-]{4,}\.)\s")
            .unwrap_or_else(|e| panic!("{e}"))
    });
    let mut out = Vec::with_capacity(segs.len());
    for s in segs {
        let len = s.end - s.start;
        if len < 4000 || matches!(s.kind, SegmentKind::Signature | SegmentKind::Contents) {
            out.push(s);
            continue;
        }
        // Blank-line paragraphs first.
        let body = &text[s.start..s.end];
        let mut cuts: Vec<(usize, Option<String>, Option<String>)> = Vec::new();
        for m in INLINE_RE.captures_iter(body) {
            let Some(g) = m.get(1) else { continue };
            let h = g.as_str().trim_end_matches(['.', ':']).trim();
            // Split "2. Term" into number and heading.
            let (num, head) = match h.split_once(' ') {
                Some((n, rest)) if n.chars().next().is_some_and(|c| c.is_ascii_digit()) => (
                    Some(n.trim_end_matches('.').to_owned()),
                    rest.trim().to_owned(),
                ),
                Some((kw, rest))
                    if kw.eq_ignore_ascii_case("article") || kw.eq_ignore_ascii_case("section") =>
                {
                    match rest.split_once(' ') {
                        Some((n, hh)) => (
                            Some(format!("{kw} {}", n.trim_end_matches('.'))),
                            hh.trim().to_owned(),
                        ),
                        None => (None, h.to_owned()),
                    }
                }
                _ => (None, h.to_owned()),
            };
            if head.split_whitespace().count() > 9 {
                continue;
            }
            cuts.push((s.start + g.start(), num, Some(head)));
        }
        if cuts.len() < 2 {
            out.push(s);
            continue;
        }
        let parent_idx = out.len();
        let first_cut = cuts[0].0;
        let mut head_seg = s.clone();
        head_seg.end = first_cut;
        let (a, z) = crate::text::trim_span(text, head_seg.start, head_seg.end);
        if z > a {
            head_seg.end = z;
            out.push(head_seg);
        }
        let parent = if out.len() > parent_idx {
            Some(parent_idx)
        } else {
            s.parent
        };
        for (k, (at, num, head)) in cuts.iter().enumerate() {
            let end = cuts.get(k + 1).map_or(s.end, |c| c.0);
            let (a, z) = crate::text::trim_span(text, *at, end);
            if z <= a {
                continue;
            }
            out.push(Segment {
                kind: SegmentKind::Section,
                number: num.clone(),
                heading: head.clone(),
                start: a,
                end: z,
                level: s.level + 1,
                parent,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outline(t: &str) -> Vec<(SegmentKind, Option<String>, Option<String>, u8)> {
        segment(t)
            .into_iter()
            .map(|s| (s.kind, s.number, s.heading, s.level))
            .collect()
    }

    #[test]
    fn numbered_agreement_outline() {
        let t = "COLLABORATION AGREEMENT\n\nThis Collaboration Agreement is made between Alpha Inc. (\"Alpha\") and Beta Ltd (\"Beta\").\n\nRECITALS\n\nWHEREAS, Alpha makes things;\n\nNOW, THEREFORE, the parties agree as follows:\n\nARTICLE I\nDEFINITIONS\n\n1.1 \"Product\" means the thing.\n\nARTICLE II - TERM\n\n2.1 Term. This Agreement starts today.\n\n(a) first;\n\n(b) second;\n\n(i) nested;\n\n2.2 Renewal. It renews.\n\nIN WITNESS WHEREOF the parties sign.\n\nBy: ____\n\nEXHIBIT A\n\nWork plan.\n";
        let o = outline(t);
        let kinds: Vec<_> = o.iter().map(|x| x.0).collect();
        assert_eq!(kinds[0], SegmentKind::Title);
        assert_eq!(kinds[1], SegmentKind::Preamble);
        assert_eq!(kinds[2], SegmentKind::Recitals);
        assert!(
            o.iter()
                .any(|x| x.1.as_deref() == Some("Article I")
                    && x.2.as_deref() == Some("DEFINITIONS"))
        );
        assert!(
            o.iter()
                .any(|x| x.0 == SegmentKind::Definitions && x.1.as_deref() == Some("1.1"))
        );
        let term = o.iter().find(|x| x.1.as_deref() == Some("2.1")).unwrap();
        assert_eq!(term.2.as_deref(), Some("Term"));
        assert_eq!(term.3, 2);
        let nested = o.iter().find(|x| x.1.as_deref() == Some("(i)")).unwrap();
        assert_eq!(nested.3, 4);
        let renewal = o.iter().find(|x| x.1.as_deref() == Some("2.2")).unwrap();
        assert_eq!(renewal.3, 2);
        assert!(kinds.contains(&SegmentKind::Signature));
        assert_eq!(kinds.last(), Some(&SegmentKind::Schedule));
    }

    #[test]
    fn a_testimonium_opens_the_signatures_however_its_words_are_spaced() {
        for witness in [
            "IN WITNESS WHEREOF,",
            "IN WITNESS  WHEREOF",
            "In  Witness Thereof:",
        ] {
            let t = format!(
                "SUPPLY AGREEMENT\n\nThis Agreement is made between Alpha Inc. (\"Alpha\") and Beta Ltd (\"Beta\").\n\n1. Supply\n\n1.1 Alpha shall supply.\n\n{witness} the parties sign.\n\nBy: ____\n"
            );
            let o = outline(&t);
            assert_eq!(
                o.last().map(|x| x.0),
                Some(SegmentKind::Signature),
                "{witness}: {o:?}"
            );
        }
        // "In witness" alone, or of something else, opens nothing.
        let o = outline(
            "SUPPLY AGREEMENT\n\nThis Agreement is made between Alpha Inc. (\"Alpha\") and Beta Ltd (\"Beta\").\n\n1. Supply\n\n1.1 Alpha shall supply.\n\nIn witness statements the parties describe the goods.\n",
        );
        assert!(!o.iter().any(|x| x.0 == SegmentKind::Signature), "{o:?}");
    }

    /// (number, level) of the numbered segments.
    fn numbers(t: &str) -> Vec<(String, u8)> {
        outline(t)
            .into_iter()
            .filter_map(|x| Some((x.1?, x.3)))
            .collect()
    }

    #[test]
    fn lists_restarted_under_heading_only_items_nest() {
        let t = "SERVICE AGREEMENT\n\nThis Agreement is made between Alpha Inc. (\"Alpha\") and Beta Ltd (\"Beta\").\n\n1. Service\n\n1. Access. Beta may use the service.\n\n2. Support. Alpha will support Beta.\n\n2. Restrictions & Obligations\n\n1. Restrictions. Beta will not copy the service.\n\n3. Privacy\n\n1. Data. Each party will protect data.\n";
        let want: Vec<(String, u8)> = [
            ("1", 1),
            ("1.1", 2),
            ("1.2", 2),
            ("2", 1),
            ("2.1", 2),
            ("3", 1),
            ("3.1", 2),
        ]
        .iter()
        .map(|(n, l)| ((*n).to_owned(), *l))
        .collect();
        assert_eq!(numbers(t), want);
        // "2." follows on from both lists; a heading-only "2." goes with the headings.
        let t = "1. Service\n\n1. Access. Beta may use the service.\n\n2. Restrictions & Obligations\n\n1. Restrictions. Beta will not copy it.\n";
        let got = numbers(t);
        assert_eq!(got[2], ("2".to_owned(), 1), "{got:?}");
        assert_eq!(got[3], ("2.1".to_owned(), 2), "{got:?}");
        // A "1." after a clause that holds a sentence is its sibling, as before.
        let t = "1. Scope. Alpha will build.\n\n1. Price. Beta will pay.\n";
        assert!(numbers(t).iter().all(|(_, l)| *l == 1), "{:?}", numbers(t));
        // An address is no heading-only item: "75 Canal Street" opens no list.
        let t = "75 Canal Street, Buffalo\n\n1. Terms. The parties agree.\n\n2. Law. New York law governs.\n";
        let got = numbers(t);
        assert!(got.iter().any(|(n, l)| n == "2" && *l == 1), "{got:?}");
    }

    #[test]
    fn a_line_that_starts_with_a_citation_is_no_clause() {
        let t = "1. Term\n\nThe licence in\nSection 3 (Trademark License) will immediately terminate.\nSection 2 (Payment), Section 8 and\nSection 4.2 of this Agreement survive.\n\n§ 3 element 5\u{2019}s Service Fee\n\nA fee applies.\n";
        let got = numbers(t);
        let ns: Vec<&str> = got.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(ns, ["1", "3"], "{got:?}");
    }

    #[test]
    fn letters_h_then_i_stay_letters() {
        let t = "1. Scope\n\n(g) gee;\n\n(h) aitch;\n\n(i) eye;\n\n(j) jay.\n";
        let o = outline(t);
        let i = o.iter().find(|x| x.1.as_deref() == Some("(i)")).unwrap();
        let h = o.iter().find(|x| x.1.as_deref() == Some("(h)")).unwrap();
        assert_eq!(i.3, h.3);
    }

    #[test]
    fn section_symbol_and_clause_keywords() {
        let t = "This Agreement is made between A and B.\n\n§ 1 Subject\nText.\n\n§ 2 Term\nText.\n\nClause 3 Fees\nText.\n";
        let o = outline(t);
        assert!(
            o.iter()
                .any(|x| x.1.as_deref() == Some("1") && x.2.as_deref() == Some("Subject"))
        );
        assert!(
            o.iter()
                .any(|x| x.1.as_deref() == Some("3") && x.2.as_deref() == Some("Fees"))
        );
    }

    #[test]
    fn segments_never_overlap_and_cover_in_order() {
        let t = "A\n\n1. One\n\ntext\n\n2. Two\n\n(a) x\n";
        let s = segment(t);
        for w in s.windows(2) {
            assert!(w[0].end <= w[1].start);
        }
    }
}
