//! Word-level redlines between two texts of an agreement: equal, inserted and
//! deleted segments, with renderings as coloured terminal text or plain wdiff-style markup.
//! The DOCX export with tracked changes lives in `entente-core`, which owns file formats.

use serde::{Deserialize, Serialize};
use similar::{Algorithm, DiffOp, capture_diff_slices};

/// What happened to a segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    /// In both texts.
    Equal,
    /// Only in the new text.
    Insert,
    /// Only in the old text.
    Delete,
}

/// A run of text with one operation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Segment {
    /// The operation.
    pub op: Op,
    /// The text, whitespace and line breaks included.
    pub text: String,
}

/// A structured diff of two texts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Redline {
    /// Segments in reading order; concatenating equal + delete gives the old text, equal +
    /// insert the new one.
    pub segments: Vec<Segment>,
    /// Words inserted.
    pub inserted_words: usize,
    /// Words deleted.
    pub deleted_words: usize,
}

/// Splits text into words, runs of whitespace, and single punctuation marks, so a change
/// of "ninety (90)" to "sixty (60)" marks the words and numbers, not the whole line.
pub fn tokens(s: &str) -> Vec<&str> {
    #[derive(PartialEq, Clone, Copy)]
    enum K {
        Word,
        Space,
        Punct,
    }
    let kind = |c: char| {
        if c.is_alphanumeric() || c == '_' {
            K::Word
        } else if c.is_whitespace() {
            K::Space
        } else {
            K::Punct
        }
    };
    let mut out = Vec::new();
    let mut start = 0;
    let mut prev: Option<K> = None;
    for (i, c) in s.char_indices() {
        let k = kind(c);
        // Punctuation never merges; words and spaces run on. An apostrophe or hyphen inside a
        // word ("party's", "co-marketing") stays part of it.
        let inside_word = prev == Some(K::Word)
            && matches!(c, '\'' | '’' | '-')
            && s[i + c.len_utf8()..]
                .chars()
                .next()
                .is_some_and(char::is_alphanumeric);
        let k = if inside_word { K::Word } else { k };
        if let Some(p) = prev
            && (p != k || k == K::Punct)
        {
            out.push(&s[start..i]);
            start = i;
        }
        prev = Some(k);
    }
    if start < s.len() {
        out.push(&s[start..]);
    }
    out
}

fn is_word(t: &str) -> bool {
    t.chars().any(char::is_alphanumeric)
}

/// Diffs two texts word by word (patience diff over the tokens).
pub fn redline(old: &str, new: &str) -> Redline {
    let a = tokens(old);
    let b = tokens(new);
    let ops = capture_diff_slices(Algorithm::Patience, &a, &b);
    let mut segments: Vec<Segment> = Vec::new();
    let mut push = |op: Op, text: String| {
        if text.is_empty() {
            return;
        }
        match segments.last_mut() {
            Some(last) if last.op == op => last.text.push_str(&text),
            _ => segments.push(Segment { op, text }),
        }
    };
    let (mut ins, mut del) = (0, 0);
    for op in ops {
        match op {
            DiffOp::Equal { old_index, len, .. } => {
                push(Op::Equal, a[old_index..old_index + len].concat());
            }
            DiffOp::Delete {
                old_index, old_len, ..
            } => {
                let s = &a[old_index..old_index + old_len];
                del += s.iter().filter(|t| is_word(t)).count();
                push(Op::Delete, s.concat());
            }
            DiffOp::Insert {
                new_index, new_len, ..
            } => {
                let s = &b[new_index..new_index + new_len];
                ins += s.iter().filter(|t| is_word(t)).count();
                push(Op::Insert, s.concat());
            }
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => {
                let o = &a[old_index..old_index + old_len];
                let n = &b[new_index..new_index + new_len];
                del += o.iter().filter(|t| is_word(t)).count();
                ins += n.iter().filter(|t| is_word(t)).count();
                push(Op::Delete, o.concat());
                push(Op::Insert, n.concat());
            }
        }
    }
    Redline {
        segments: merge_change_runs(segments),
        inserted_words: ins,
        deleted_words: del,
    }
}

/// Readability: changes separated only by spaces become one deletion and
/// one insertion ("[-may audit the other-]{+returns all data+}" rather than word by word).
/// Line breaks are never absorbed, so paragraphs stay apart. Both texts are unchanged.
fn merge_change_runs(segments: Vec<Segment>) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::with_capacity(segments.len());
    let (mut del, mut ins) = (String::new(), String::new());
    let flush = |out: &mut Vec<Segment>, del: &mut String, ins: &mut String| {
        if !del.is_empty() {
            out.push(Segment {
                op: Op::Delete,
                text: std::mem::take(del),
            });
        }
        if !ins.is_empty() {
            out.push(Segment {
                op: Op::Insert,
                text: std::mem::take(ins),
            });
        }
    };
    let n = segments.len();
    for (i, seg) in segments.into_iter().enumerate() {
        let in_change = !del.is_empty() || !ins.is_empty();
        match seg.op {
            Op::Delete => del.push_str(&seg.text),
            Op::Insert => ins.push_str(&seg.text),
            Op::Equal
                if in_change
                    && i + 1 < n
                    && !seg.text.contains('\n')
                    && seg.text.chars().all(char::is_whitespace) =>
            {
                del.push_str(&seg.text);
                ins.push_str(&seg.text);
            }
            Op::Equal => {
                flush(&mut out, &mut del, &mut ins);
                match out.last_mut() {
                    Some(last) if last.op == Op::Equal => last.text.push_str(&seg.text),
                    _ => out.push(seg),
                }
            }
        }
    }
    flush(&mut out, &mut del, &mut ins);
    out
}

impl Redline {
    /// The old text, rebuilt.
    pub fn old_text(&self) -> String {
        self.join(Op::Delete)
    }

    /// The new text, rebuilt.
    pub fn new_text(&self) -> String {
        self.join(Op::Insert)
    }

    fn join(&self, side: Op) -> String {
        self.segments
            .iter()
            .filter(|s| s.op == Op::Equal || s.op == side)
            .map(|s| s.text.as_str())
            .collect()
    }

    /// Whether the texts differ.
    pub fn has_changes(&self) -> bool {
        self.segments.iter().any(|s| s.op != Op::Equal)
    }

    /// Terminal rendering: deletions red and struck through, insertions green and underlined
    /// (ANSI escapes); without colour, wdiff-style `[-deleted-]{+inserted+}` markers.
    pub fn render(&self, colour: bool) -> String {
        let mut out = String::new();
        for s in &self.segments {
            match (s.op, colour) {
                (Op::Equal, _) => out.push_str(&s.text),
                (Op::Delete, true) => {
                    // Styles are reset at each line break so a pager does not smear them.
                    for (i, line) in s.text.split('\n').enumerate() {
                        if i > 0 {
                            out.push('\n');
                        }
                        if !line.is_empty() {
                            out.push_str(&format!("\x1b[31;9m{line}\x1b[0m"));
                        }
                    }
                }
                (Op::Insert, true) => {
                    for (i, line) in s.text.split('\n').enumerate() {
                        if i > 0 {
                            out.push('\n');
                        }
                        if !line.is_empty() {
                            out.push_str(&format!("\x1b[32;4m{line}\x1b[0m"));
                        }
                    }
                }
                (Op::Delete, false) => out.push_str(&format!("[-{}-]", s.text)),
                (Op::Insert, false) => out.push_str(&format!("{{+{}+}}", s.text)),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_changed_number_marks_the_words_not_the_line() {
        let r = redline(
            "Either party may give ninety (90) days' notice.",
            "Either party may give sixty (60) days' notice.",
        );
        assert_eq!(
            r.render(false),
            "Either party may give [-ninety-]{+sixty+} ([-90-]{+60+}) days' notice."
        );
        assert_eq!((r.inserted_words, r.deleted_words), (2, 2));
        assert!(r.render(true).contains("\x1b[31;9mninety\x1b[0m"));
    }

    #[test]
    fn neighbouring_changes_read_as_one_deletion_and_one_insertion() {
        let r = redline(
            "Each party may audit the other once a year.",
            "On termination each party returns all data within 30 days.",
        );
        assert_eq!(
            r.render(false),
            "[-Each-]{+On termination each+} party [-may audit the other once a year-]{+returns all data within 30 days+}."
        );
    }

    #[test]
    fn words_keep_inner_apostrophes_and_hyphens() {
        assert_eq!(
            tokens("party's co-marketing, (x)"),
            ["party's", " ", "co-marketing", ",", " ", "(", "x", ")"]
        );
    }

    #[test]
    fn identical_texts_have_no_changes() {
        let r = redline("same text\n\nhere", "same text\n\nhere");
        assert!(!r.has_changes());
        assert_eq!(r.segments.len(), 1);
    }

    proptest! {
        #[test]
        fn both_texts_are_rebuilt_from_the_segments(a in "[a-c ,.\n]{0,60}", b in "[a-c ,.\n]{0,60}") {
            let r = redline(&a, &b);
            prop_assert_eq!(r.old_text(), a);
            prop_assert_eq!(r.new_text(), b);
        }
    }
}
