//! The document model every format renders: numbered headings and clauses, paragraphs of
//! styled runs (defined terms in bold), tables and signature blocks.

/// A document to render.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Document {
    /// The title on the first page and in the file's metadata.
    pub title: String,
    /// A line under the title ("between … and …"), if any.
    pub subtitle: Option<String>,
    /// Text of the running header on every page (e.g. "Draft — not for signature").
    pub header: Option<String>,
    /// The document's date (year, month, day) for the file's metadata. PDF/A requires one:
    /// without it the PDF is written without the PDF/A-2b claim.
    pub date: Option<(i32, u8, u8)>,
    /// The body.
    pub blocks: Vec<Block>,
}

/// One block of the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A section heading. Numbered headings count 1, 2, 3 …; an unnumbered one (recitals,
    /// schedules) stands outside the count.
    Heading {
        /// Whether it takes the next section number.
        numbered: bool,
        /// Its text.
        text: String,
    },
    /// A paragraph at a numbering level: [`Level::Body`] is unnumbered text,
    /// [`Level::Clause`] is numbered `N.M` under the current section, [`Level::Item`] is
    /// lettered `(a)` under the current clause.
    Paragraph {
        /// Its level.
        level: Level,
        /// Its content.
        runs: Vec<Run>,
    },
    /// A table with a header row.
    Table {
        /// Column headings.
        header: Vec<String>,
        /// Rows of cells, each as long as the header.
        rows: Vec<Vec<String>>,
    },
    /// Signature blocks, one per party, laid out side by side where the format allows.
    Signatures(Vec<Signatory>),
}

/// The numbering level of a paragraph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Unnumbered body text.
    Body,
    /// A numbered clause (`1.1`).
    Clause,
    /// A lettered item under a clause (`(a)`).
    Item,
}

/// A run of text with one style.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    /// The text.
    pub text: String,
    /// Its style.
    pub style: Style,
}

/// How a run is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Plain text.
    Plain,
    /// Bold: a defined term where it is defined, or emphasis.
    Bold,
    /// Italic.
    Italic,
}

impl Run {
    /// Plain text.
    pub fn plain(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            style: Style::Plain,
        }
    }

    /// Bold text.
    pub fn bold(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            style: Style::Bold,
        }
    }

    /// Italic text.
    pub fn italic(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            style: Style::Italic,
        }
    }
}

/// Parses inline markup in text written by people: `**bold**` and `*italic*`; everything
/// else is literal. An unmatched marker is kept as text.
pub fn runs(text: &str) -> Vec<Run> {
    let mut out: Vec<Run> = Vec::new();
    let mut rest = text;
    let push = |out: &mut Vec<Run>, r: Run| {
        if r.text.is_empty() {
            return;
        }
        match out.last_mut() {
            Some(last) if last.style == r.style => last.text.push_str(&r.text),
            _ => out.push(r),
        }
    };
    while let Some(i) = rest.find('*') {
        let (before, after) = rest.split_at(i);
        let (marker, style) = if after.starts_with("**") {
            ("**", Style::Bold)
        } else {
            ("*", Style::Italic)
        };
        let inner = &after[marker.len()..];
        match inner.find(marker) {
            Some(j) if j > 0 => {
                push(&mut out, Run::plain(before));
                push(
                    &mut out,
                    Run {
                        text: inner[..j].to_owned(),
                        style,
                    },
                );
                rest = &inner[j + marker.len()..];
            }
            _ => {
                push(&mut out, Run::plain(&rest[..i + marker.len()]));
                rest = &rest[i + marker.len()..];
            }
        }
    }
    push(&mut out, Run::plain(rest));
    out
}

/// A party's signature block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signatory {
    /// The party's legal name.
    pub party: String,
    /// Lines to complete under the signature line ("Name:", "Title:", "Date:").
    pub lines: Vec<String>,
}

/// The number each heading and clause carries, counted the same way by every format:
/// numbered headings `1`, `2` …; clauses `1.1`, `1.2` … restarting under each heading;
/// items `(a)`, `(b)` … restarting under each clause.
#[derive(Debug, Default)]
pub(crate) struct Counter {
    section: u32,
    clause: u32,
    item: u32,
}

impl Counter {
    /// The label of a numbered heading (`"3."`), advancing the count.
    pub(crate) fn heading(&mut self) -> String {
        self.section += 1;
        self.clause = 0;
        self.item = 0;
        format!("{}.", self.section)
    }

    /// The label of a paragraph at `level`, advancing the count; `None` for body text.
    pub(crate) fn paragraph(&mut self, level: Level) -> Option<String> {
        match level {
            Level::Body => None,
            Level::Clause => {
                self.clause += 1;
                self.item = 0;
                Some(format!("{}.{}", self.section, self.clause))
            }
            Level::Item => {
                self.item += 1;
                Some(format!("({})", letter(self.item)))
            }
        }
    }
}

/// `1 → a`, `26 → z`, `27 → aa`, as Word's lowerLetter counts.
fn letter(n: u32) -> String {
    let c = char::from(b'a' + u8::try_from((n.max(1) - 1) % 26).unwrap_or(0));
    std::iter::repeat_n(c, ((n.max(1) - 1) / 26 + 1) as usize).collect()
}

/// The document's plain text with every number as the formats show it (used by tests and
/// by callers that check the text before rendering).
pub fn plain_text(doc: &Document) -> String {
    crate::markdown::text(doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_markup_becomes_runs_and_unmatched_markers_stay_text() {
        let r = runs("the **Agreement** and *this* text, 5 * 3");
        assert_eq!(
            r,
            vec![
                Run::plain("the "),
                Run::bold("Agreement"),
                Run::plain(" and "),
                Run::italic("this"),
                Run::plain(" text, 5 * 3"),
            ]
        );
        assert_eq!(runs("no markers"), vec![Run::plain("no markers")]);
    }

    #[test]
    fn counters_restart_under_each_heading_and_clause() {
        let mut c = Counter::default();
        assert_eq!(c.heading(), "1.");
        assert_eq!(c.paragraph(Level::Clause).unwrap(), "1.1");
        assert_eq!(c.paragraph(Level::Item).unwrap(), "(a)");
        assert_eq!(c.paragraph(Level::Item).unwrap(), "(b)");
        assert_eq!(c.paragraph(Level::Clause).unwrap(), "1.2");
        assert_eq!(c.paragraph(Level::Item).unwrap(), "(a)");
        assert_eq!(c.heading(), "2.");
        assert_eq!(c.paragraph(Level::Clause).unwrap(), "2.1");
        assert_eq!(c.paragraph(Level::Body), None);
        assert_eq!(letter(27), "aa");
    }
}
