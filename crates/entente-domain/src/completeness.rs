//! Completeness: what an agreement still lacks before it can be relied on (parties, dates,
//! unfilled placeholders), each gap with the reason, so a person completes what import could not.

use crate::agreement::Agreement;
use crate::terms::TermField;
use serde::{Deserialize, Serialize};

/// One thing to complete or confirm on an agreement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Gap {
    /// What is missing or uncertain: `parties`, `effective_date` or `placeholders`.
    pub field: String,
    /// Why, in plain words.
    pub reason: String,
}

/// The tag an agreement imported as a template carries.
pub const TEMPLATE_TAG: &str = "template";

/// Most placeholders quoted in a reason; the count says how many there are in all.
const QUOTED: usize = 5;

/// The gaps of `a`, whose current text is `text` (none when it has no document).
pub fn gaps(a: &Agreement, text: Option<&str>) -> Vec<Gap> {
    let mut out = Vec::new();
    let template = a.tags.iter().any(|t| t == TEMPLATE_TAG);
    if a.parties.len() < 2 {
        out.push(Gap {
            field: "parties".into(),
            reason: format!(
                "{} in the document; an agreement needs at least two, add them",
                match a.parties.len() {
                    0 => "no party was found".to_owned(),
                    _ => format!("only one party ({}) was found", a.parties[0].legal_name),
                }
            ),
        });
    }
    if !template && a.terms.get(TermField::EffectiveDate).is_none() {
        out.push(Gap {
            field: "effective_date".into(),
            reason:
                "no effective date was found in the document; enter it so key dates can be computed"
                    .into(),
        });
    }
    if let Some(text) = text {
        let found = placeholders(text);
        if !found.is_empty() {
            let mut distinct: Vec<&str> = Vec::new();
            for p in &found {
                if !distinct.contains(p) {
                    distinct.push(p);
                }
            }
            let quoted: Vec<String> = distinct
                .iter()
                .take(QUOTED)
                .map(|p| format!("{p:?}"))
                .collect();
            out.push(Gap {
                field: "placeholders".into(),
                reason: format!(
                    "the text holds {} unfilled placeholder{} ({}{}){}",
                    found.len(),
                    if found.len() == 1 { "" } else { "s" },
                    quoted.join(", "),
                    if distinct.len() > QUOTED { ", …" } else { "" },
                    if template {
                        ": expected in a template, filled when drafting"
                    } else {
                        "; fill them in the document or confirm the values"
                    }
                ),
            });
        }
    }
    out
}

/// Unfilled placeholders in `text`, in order: `{name}`, `{{name}}`, bracketed capitals or
/// blanks such as `[DATE]` or `[Company Name]`, and runs of four or more underscores.
pub fn placeholders(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let found = match c {
            b'{' => closing(text, i, b'}')
                .filter(|&e| braced(&text[i + 1..e - 1]))
                // `{{ name }}`: the second closing brace belongs to it.
                .map(|e| e + usize::from(b.get(i + 1) == Some(&b'{') && b.get(e) == Some(&b'}'))),
            b'[' => closing(text, i, b']').filter(|&e| bracketed(&text[i + 1..e - 1])),
            b'_' => {
                let e = i + b[i..].iter().take_while(|&&x| x == b'_').count();
                (e - i >= 4).then_some(e)
            }
            _ => None,
        };
        match found {
            Some(e) => {
                out.push(&text[i..e]);
                i = e;
            }
            None => i += 1,
        }
    }
    out
}

/// The end (exclusive) of a bracket opened at `i`, on the same line and within 60 bytes.
fn closing(text: &str, i: usize, close: u8) -> Option<usize> {
    let b = text.as_bytes();
    let end = (i + 62).min(b.len());
    (i + 1..end)
        .take_while(|&k| b[k] != b'\n')
        .find(|&k| b[k] == close)
        .map(|k| k + 1)
}

/// `{company_name}`, `{{ date }}`: an identifier in braces.
fn braced(inner: &str) -> bool {
    let s = inner.trim_matches(['{', '}', ' ']);
    !s.is_empty()
        && s.chars().next().is_some_and(|c| c.is_alphabetic())
        && s.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | ' ' | '-'))
}

/// `[DATE]`, `[Company Name]`, `[●]`, `[   ]`: a blank to fill, not a citation such as `[1]`
/// or `[a]`, nor ordinary bracketed words (`[the Services]`).
fn bracketed(inner: &str) -> bool {
    let s = inner.trim();
    if s.is_empty() {
        return !inner.is_empty();
    }
    if s.chars().all(|c| matches!(c, '●' | '•' | '*' | '_' | 'X')) {
        return true;
    }
    let letters: Vec<char> = s.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.len() < 3
        || !s
            .chars()
            .all(|c| c.is_alphanumeric() || " _-/'’&,".contains(c))
    {
        return false;
    }
    let words: Vec<&str> = s.split_whitespace().collect();
    let all_caps = letters.iter().all(|c| c.is_uppercase());
    let title_case = words.len() <= 5
        && words
            .iter()
            .all(|w| w.chars().next().is_some_and(|c| c.is_uppercase()));
    let blank_word = [
        "name", "date", "address", "insert", "amount", "number", "title",
    ]
    .iter()
    .any(|k| s.to_lowercase().contains(k));
    all_caps || (title_case && blank_word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_found_and_citations_are_not() {
        let t = "This Agreement is made on [DATE] between {company_name} and [Customer Name], \
                 signed ________ by {{ signer }}. See [1], [a], [the Services] and [●].";
        assert_eq!(
            placeholders(t),
            [
                "[DATE]",
                "{company_name}",
                "[Customer Name]",
                "________",
                "{{ signer }}",
                "[●]"
            ]
        );
        assert!(placeholders("a_b and __init__ and {1} and [ii]").is_empty());
    }
}
