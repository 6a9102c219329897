//! Drafting from templates: a clause library with preferred and fallback positions, templates
//! with typed variables, validation, conditional clauses and computed values, assembled into a
//! document for entente-render plus the parties, terms and obligations the draft creates.

mod assemble;
mod builtin;
pub mod library;
pub mod template;
pub mod values;

pub use assemble::{ChosenPosition, Draft, DraftParty, DraftRequest, DraftTerm};
pub use library::{Clause, ClauseLibrary, Position};
pub use template::Template;

/// A library or template file that does not load: where and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}:{column}: {message}")]
pub struct LoadError {
    /// The file.
    pub file: String,
    /// 1-based line (0 when unknown).
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// The problem.
    pub message: String,
}

/// A variable with a bad value.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct VariableError {
    /// The variable (or `positions.<clause>`).
    pub variable: String,
    /// What is wrong.
    pub message: String,
}

/// A draft that cannot be assembled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DraftError {
    /// Variables are missing or invalid.
    #[error("invalid variables: {}", .0.iter().map(|e| format!("{}: {}", e.variable, e.message)).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<VariableError>),
    /// A clause's text failed to render (an undefined name, a runaway loop).
    #[error("clause {clause}: {message}")]
    Text {
        /// The clause (or `preamble`, `subtitle`).
        clause: String,
        /// The problem.
        message: String,
    },
}

/// A minijinja error in one line: its kind, detail and line.
pub(crate) fn jinja_message(e: &minijinja::Error) -> String {
    let mut s = e
        .detail()
        .map_or_else(|| e.kind().to_string(), |d| format!("{}: {d}", e.kind()));
    if let Some(l) = e.line() {
        s.push_str(&format!(" (line {l} of the text)"));
    }
    s
}

/// The clause library and the templates, as shipped or as an organisation edits them.
#[derive(Debug, Clone)]
pub struct Catalogue {
    /// The clauses.
    pub library: ClauseLibrary,
    templates: Vec<Template>,
}

impl Catalogue {
    /// The clause library and the five templates shipped with Entente.
    pub fn builtin() -> Result<Self, LoadError> {
        let library = ClauseLibrary::builtin()?;
        let mut templates = Vec::new();
        for (name, src) in builtin::TEMPLATE_FILES {
            templates.push(Template::parse(name, src, &library)?);
        }
        Ok(Self { library, templates })
    }

    /// Adds (or replaces, by id) a template read from a file.
    pub fn add_template(&mut self, file: &str, source: &str) -> Result<&Template, LoadError> {
        let t = Template::parse(file, source, &self.library)?;
        self.templates.retain(|x| x.id != t.id);
        self.templates.push(t);
        // The vector is not empty: a template was pushed on the line above.
        Ok(self.templates.last().expect("just pushed"))
    }

    /// A template by id.
    pub fn template(&self, id: &str) -> Option<&Template> {
        self.templates.iter().find(|t| t.id == id)
    }

    /// Every template.
    pub fn templates(&self) -> &[Template] {
        &self.templates
    }
}
