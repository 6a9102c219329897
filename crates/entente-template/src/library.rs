//! The clause library: clauses by taxonomy category, each with a preferred position, fallback
//! positions, guidance for negotiators and a version, read from TOML files lawyers edit.

use crate::LoadError;
use serde::Deserialize;
use std::collections::BTreeMap;

/// One position a clause can take: its wording and what it concedes.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Position {
    /// `preferred`, or the fallback's id.
    pub id: String,
    /// What this position says, in one line (for the negotiator choosing it).
    pub summary: String,
    /// The wording: paragraphs separated by blank lines, with template expressions.
    pub text: String,
    /// Variable values this position sets (a 2× cap multiple, a longer notice), applied
    /// before computed values.
    pub values: BTreeMap<String, String>,
}

/// A clause of the library.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Clause {
    /// Stable id (`liability.cap`).
    pub id: String,
    /// The taxonomy category (`cap_on_liability`).
    pub category: String,
    /// Display title.
    pub title: String,
    /// Version of the wording, raised when the text changes.
    pub version: String,
    /// Guidance for negotiators: when to concede, what never to accept.
    pub guidance: String,
    /// The preferred position first, then the fallbacks in the order to concede them.
    pub positions: Vec<Position>,
    /// The file it was read from.
    pub file: String,
}

impl Clause {
    /// A position by id.
    pub fn position(&self, id: &str) -> Option<&Position> {
        self.positions.iter().find(|p| p.id == id)
    }
}

/// Every clause, by id.
#[derive(Debug, Clone, Default)]
pub struct ClauseLibrary {
    clauses: BTreeMap<String, Clause>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileDoc {
    category: String,
    #[serde(default)]
    clause: Vec<toml::Spanned<ClauseDoc>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClauseDoc {
    id: String,
    title: String,
    version: String,
    guidance: String,
    #[serde(default)]
    category: Option<String>,
    preferred: PositionDoc,
    #[serde(default)]
    fallback: Vec<PositionDoc>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PositionDoc {
    #[serde(default)]
    id: Option<String>,
    summary: String,
    text: String,
    #[serde(default)]
    values: BTreeMap<String, String>,
}

/// The 1-based line and column of a byte offset.
pub(crate) fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let before = &source[..offset.min(source.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// Turns a TOML error into a load error naming the file, line and column.
pub(crate) fn toml_error(file: &str, source: &str, e: &toml::de::Error) -> LoadError {
    let (line, column) = e.span().map_or((0, 0), |s| line_col(source, s.start));
    LoadError {
        file: file.to_owned(),
        line,
        column,
        message: e.message().to_owned(),
    }
}

impl ClauseLibrary {
    /// The clauses shipped with Entente.
    pub fn builtin() -> Result<Self, LoadError> {
        let mut lib = Self::default();
        for (name, src) in crate::builtin::CLAUSE_FILES {
            lib.add_file(name, src)?;
        }
        Ok(lib)
    }

    /// Reads one clause file into the library. A clause id already present is replaced, so
    /// an organisation's files can override the shipped wording.
    pub fn add_file(&mut self, file: &str, source: &str) -> Result<(), LoadError> {
        let doc: FileDoc = toml::from_str(source).map_err(|e| toml_error(file, source, &e))?;
        let at = |offset: usize, message: String| {
            let (line, column) = line_col(source, offset);
            LoadError {
                file: file.to_owned(),
                line,
                column,
                message,
            }
        };
        if entente_domain::taxonomy::category(&doc.category).is_none() {
            return Err(at(
                source.find("category").unwrap_or(0),
                format!(
                    "category {:?} is not in the clause taxonomy (docs/taxonomy.md)",
                    doc.category
                ),
            ));
        }
        let mut seen = std::collections::BTreeSet::new();
        for spanned in doc.clause {
            let start = spanned.span().start;
            let c = spanned.into_inner();
            let category = c.category.unwrap_or_else(|| doc.category.clone());
            if entente_domain::taxonomy::category(&category).is_none() {
                return Err(at(
                    start,
                    format!(
                        "clause {:?}: category {category:?} is not in the clause taxonomy",
                        c.id
                    ),
                ));
            }
            if c.id.trim().is_empty() || c.id.contains(char::is_whitespace) {
                return Err(at(
                    start,
                    format!(
                        "clause id {:?} must be one word such as liability.cap",
                        c.id
                    ),
                ));
            }
            if !seen.insert(c.id.clone()) {
                return Err(at(
                    start,
                    format!("clause {:?} is defined twice in this file", c.id),
                ));
            }
            let mut positions = vec![Position {
                id: "preferred".into(),
                summary: c.preferred.summary,
                text: c.preferred.text,
                values: c.preferred.values,
            }];
            for f in c.fallback {
                let Some(id) = f.id.filter(|i| !i.trim().is_empty()) else {
                    return Err(at(
                        start,
                        format!("clause {:?}: every fallback needs an id", c.id),
                    ));
                };
                if positions.iter().any(|p| p.id == id) {
                    return Err(at(
                        start,
                        format!("clause {:?}: position {id:?} is defined twice", c.id),
                    ));
                }
                positions.push(Position {
                    id,
                    summary: f.summary,
                    text: f.text,
                    values: f.values,
                });
            }
            for p in &positions {
                if p.text.trim().is_empty() {
                    return Err(at(
                        start,
                        format!("clause {:?}: position {:?} has no text", c.id, p.id),
                    ));
                }
                // Syntax errors show when the library loads, not when a draft is made.
                if let Err(e) = minijinja::Environment::new().template_from_str(&p.text) {
                    return Err(at(
                        start,
                        format!(
                            "clause {:?}, position {:?}: {}",
                            c.id,
                            p.id,
                            crate::jinja_message(&e)
                        ),
                    ));
                }
            }
            self.clauses.insert(
                c.id.clone(),
                Clause {
                    id: c.id,
                    category,
                    title: c.title,
                    version: c.version,
                    guidance: c.guidance,
                    positions,
                    file: file.to_owned(),
                },
            );
        }
        Ok(())
    }

    /// A clause by id.
    pub fn get(&self, id: &str) -> Option<&Clause> {
        self.clauses.get(id)
    }

    /// Every clause, by id.
    pub fn clauses(&self) -> impl Iterator<Item = &Clause> {
        self.clauses.values()
    }
}
