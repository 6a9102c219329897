//! Text utilities shared by the pipeline: byte↔character offsets, sentence splitting,
//! whitespace-tolerant trimming. Everything works on byte offsets of one analysed string.

/// Lazy-DFA cache of each pattern, per thread. The default (2 MiB) is too small for the
/// patterns with bounded gaps (`[^.;]{0,80}`), long alternations or Unicode classes: their
/// caches filled and were cleared over and over, rebuilding the same states for every
/// document (a cache grows only as far as the text needs, so this is a ceiling, not a cost).
const REGEX_CACHE: usize = 16 << 20;

/// Compiles an analysis pattern with a lazy-DFA cache large enough not to thrash.
pub(crate) fn regex(pattern: &str) -> Result<regex::Regex, regex::Error> {
    regex::RegexBuilder::new(pattern)
        .dfa_size_limit(REGEX_CACHE)
        .build()
}

/// [`regex`] over bytes.
pub(crate) fn bytes_regex(pattern: &str) -> Result<regex::bytes::Regex, regex::Error> {
    regex::bytes::RegexBuilder::new(pattern)
        .dfa_size_limit(REGEX_CACHE)
        .build()
}

/// Converts byte offsets of one string into character offsets, in O(log n) per lookup.
#[derive(Debug, Clone, Default)]
pub(crate) struct CharIndex {
    /// (byte offset just after a multi-byte char, extra bytes seen so far)
    steps: Vec<(usize, usize)>,
}

impl CharIndex {
    pub(crate) fn new(text: &str) -> Self {
        if text.is_ascii() {
            return Self::default();
        }
        let mut steps = Vec::new();
        let mut extra = 0usize;
        for (i, c) in text.char_indices() {
            let l = c.len_utf8();
            if l > 1 {
                extra += l - 1;
                steps.push((i + l, extra));
            }
        }
        Self { steps }
    }

    /// Character offset of byte offset `b` (which must sit on a char boundary).
    pub(crate) fn char_of(&self, b: usize) -> usize {
        if self.steps.is_empty() {
            return b;
        }
        let k = self.steps.partition_point(|&(at, _)| at <= b);
        if k == 0 { b } else { b - self.steps[k - 1].1 }
    }
}

/// Lowercases ASCII letters only, so byte offsets stay identical to the original.
pub(crate) fn ascii_lower(text: &str) -> String {
    text.to_ascii_lowercase()
}

/// Moves `i` back to the nearest char boundary of `s`.
pub(crate) fn floor_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Collapses runs of whitespace to one space and trims.
pub(crate) fn squash(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// Trims whitespace from a byte span of `text`, returning the narrowed span.
pub(crate) fn trim_span(text: &str, start: usize, end: usize) -> (usize, usize) {
    let s = &text[start..end];
    let lead = s.len() - s.trim_start().len();
    let tail = s.len() - s.trim_end().len();
    if lead == s.len() {
        return (start, start);
    }
    (start + lead, end - tail)
}

const ABBREVIATIONS: &[&str] = &[
    "inc", "ltd", "co", "corp", "no", "nos", "mr", "mrs", "ms", "dr", "st", "u.s", "e.g", "i.e",
    "etc", "vs", "sec", "secs", "art", "para", "approx", "s.a", "n.v", "b.v", "l.p", "l.l.c",
    "llc", "jr", "sr", "cf", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
    "nov", "dec", "p.c", "s.p.a", "a.g", "u.k", "pty", "ph.d", "viz", "incl", "dept", "n.d", "ave",
    "blvd", "fig", "v", "s.l", "s.r.l", "e.u", "u.s.a", "plc", "gmbh", "sa", "ag",
];

fn is_abbreviation(text: &str, dot: usize) -> bool {
    // The word before the dot.
    let before = &text[..dot];
    let word_start = before
        .rfind(|c: char| c.is_whitespace() || c == '(' || c == '"' || c == ',')
        .map_or(0, |i| i + 1);
    let word = &before[word_start..];
    if word.is_empty() {
        return false;
    }
    // Single letters ("A." in "John A. Smith") and numbers ("Section 2.") are not ends.
    if word.chars().count() == 1 && word.chars().all(char::is_alphabetic) {
        return true;
    }
    if word.bytes().all(|b| b.is_ascii_digit() || b == b'.') && word.len() <= 6 {
        // "Section 2." / "No. 5." and list numbers at a line start are not sentence ends.
        let prev = before[..word_start].trim_end();
        let pw = prev
            .rsplit(|c: char| c.is_whitespace())
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        let at_line_start =
            prev.is_empty() || prev.ends_with('\n') || before[..word_start].ends_with('\n');
        // "until March 18. 2021": a day of the month mistyped with a dot before its year.
        let year_next = {
            let after = text[dot + 1..].trim_start();
            after.len() >= 4
                && after.as_bytes()[..4].iter().all(u8::is_ascii_digit)
                && after.as_bytes().get(4).is_none_or(|b| !b.is_ascii_digit())
        };
        let month = pw.trim_end_matches('.');
        let month_before = crate::extract::values::is_month_name(month);
        return at_line_start
            || (year_next && month_before && word.len() <= 2)
            || matches!(
                pw.as_str(),
                "section"
                    | "sections"
                    | "article"
                    | "clause"
                    | "no."
                    | "paragraph"
                    | "schedule"
                    | "exhibit"
                    | "item"
                    | "§"
                    | "and"
                    | "or"
                    | "of"
            );
    }
    let lw = word.to_ascii_lowercase();
    ABBREVIATIONS.contains(&lw.as_str()) || month_dot_day(&lw, &text[dot + 1..])
}

/// "April. 1st 2019": a month mistyped with a dot before its day and year is no sentence end.
fn month_dot_day(word: &str, after: &str) -> bool {
    // The cheap test first: this runs at every full stop of every text.
    let after = after.trim_start().as_bytes();
    let digits = after.iter().take_while(|b| b.is_ascii_digit()).count();
    if !(1..=2).contains(&digits) || !crate::extract::values::is_month_name(word) {
        return false;
    }
    let rest = &after[digits..];
    let rest = ["st", "nd", "rd", "th"]
        .iter()
        .find_map(|s| rest.strip_prefix(s.as_bytes()))
        .unwrap_or(rest);
    let rest = rest.strip_prefix(b",").unwrap_or(rest);
    let rest = rest.trim_ascii_start();
    rest.len() >= 4
        && rest[..4].iter().all(u8::is_ascii_digit)
        && rest.get(4).is_none_or(|b| !b.is_ascii_digit())
}

/// Splits `text[start..end]` into sentences (byte spans, trimmed). A sentence ends at
/// `.`, `?`, `!`, `;` before whitespace and a capital/digit/opening mark, at a blank line, or
/// at the end of a table row.
pub(crate) fn sentences(text: &str, start: usize, end: usize) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut s = start;
    let mut i = start;
    let push = |out: &mut Vec<(usize, usize)>, a: usize, z: usize| {
        let (a, z) = trim_span(text, a, z);
        if z > a {
            out.push((a, z));
        }
    };
    while i < end {
        let c = b[i];
        // Most bytes are letters: skip them before the checks below.
        if !matches!(c, b'\n' | b'.' | b'?' | b'!' | b';') {
            i += 1;
            continue;
        }
        if c == b'\n' {
            // blank line → boundary
            let mut j = i + 1;
            while j < end && (b[j] == b' ' || b[j] == b'\t' || b[j] == b'\r') {
                j += 1;
            }
            if j < end && b[j] == b'\n' {
                push(&mut out, s, i);
                s = j;
                i = j;
                continue;
            }
            // A table row is a unit of its own: a value in one row never belongs to the next
            // row's sentence ("| End Date | two years … |" above "| Confidentiality | … |").
            let row_ends = text[s..i].trim_end().ends_with('|');
            if row_ends || (j < end && b[j] == b'|') {
                push(&mut out, s, i);
                s = j;
                i = j;
                continue;
            }
        } else if (c == b'.' || c == b'?' || c == b'!' || c == b';')
            && i + 1 < end
            && (b[i + 1] == b' ' || b[i + 1] == b'\n' || b[i + 1] == b'\t')
        {
            let mut j = i + 1;
            while j < end && b[j].is_ascii_whitespace() {
                j += 1;
            }
            let next_ok = j < end
                && (b[j].is_ascii_uppercase()
                    || b[j].is_ascii_digit()
                    || b[j] == b'('
                    || b[j] == b'"'
                    || b[j] >= 0x80);
            let long_enough = i - s > 12;
            if next_ok && long_enough && (c != b'.' || !is_abbreviation(text, i)) {
                push(&mut out, s, i + 1);
                s = j;
                i = j;
                continue;
            }
        }
        i += 1;
    }
    push(&mut out, s, end);
    // Cap runaway sentences (tables, lists without punctuation) at ~3000 bytes.
    let mut capped = Vec::with_capacity(out.len());
    for (a, z) in out {
        let mut a2 = a;
        while z - a2 > 3000 {
            let mut cut = floor_boundary(text, a2 + 3000);
            if let Some(p) = text[a2..cut].rfind([' ', '\n'])
                && p > 0
            {
                cut = a2 + p;
            }
            capped.push((a2, cut));
            a2 = cut;
            while a2 < z && b[a2].is_ascii_whitespace() {
                a2 += 1;
            }
        }
        if z > a2 {
            capped.push((a2, z));
        }
    }
    capped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_index_maps_bytes_to_chars() {
        let t = "a€b“c”d";
        let ci = CharIndex::new(t);
        for (ci_expected, (b, _)) in t.char_indices().enumerate() {
            assert_eq!(ci.char_of(b), ci_expected);
        }
        assert_eq!(ci.char_of(t.len()), t.chars().count());
    }

    #[test]
    fn a_day_mistyped_with_a_dot_before_its_year_ends_no_sentence() {
        let t = "This Agreement shall be in effect until March 18. 2021, unless sooner terminated. Section 4. 2021 Fees apply.";
        let s: Vec<_> = sentences(t, 0, t.len())
            .into_iter()
            .map(|(a, b)| &t[a..b])
            .collect();
        assert_eq!(
            s,
            [
                "This Agreement shall be in effect until March 18. 2021, unless sooner terminated.",
                "Section 4. 2021 Fees apply."
            ]
        );
        let t = "The fee is due on the 18. 2021 was a good year for the Parties.";
        assert_eq!(sentences(t, 0, t.len()).len(), 2);
    }

    #[test]
    fn a_month_typed_with_a_dot_before_its_day_ends_no_sentence() {
        let t =
            "\"Service Period\" means April. 1st 2019 through to March 30, 2020. The fee is due.";
        let s = sentences(t, 0, t.len());
        assert_eq!(s.len(), 2, "{s:?}");
        assert!(t[s[0].0..s[0].1].ends_with("March 30, 2020."));
        // A month at the end of a sentence before a number that is no day and year still ends it.
        let t = "The report is due in April. 12 copies are sent to the Board of Directors.";
        assert_eq!(sentences(t, 0, t.len()).len(), 2);
    }

    #[test]
    fn sentences_skip_abbreviations() {
        let t = "Acme Inc. shall pay the fee. Beta Ltd. will deliver on Jan. 5. Done now.";
        let s: Vec<_> = sentences(t, 0, t.len())
            .into_iter()
            .map(|(a, b)| &t[a..b])
            .collect();
        assert_eq!(
            s,
            [
                "Acme Inc. shall pay the fee.",
                "Beta Ltd. will deliver on Jan. 5.",
                "Done now."
            ]
        );
    }
}
