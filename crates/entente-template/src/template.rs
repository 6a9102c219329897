//! The template format: variables with types and defaults, computed values, validation rules,
//! sections composed from the clause library (conditionally), and how variables become the
//! agreement's terms, parties and obligations. See docs/templates.md.

use crate::LoadError;
use crate::library::{ClauseLibrary, line_col, toml_error};
use crate::values::VarType;
use entente_domain::terms::{TermField, ValueKind};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A variable of a template.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Variable {
    /// Name used in the text (`provider`, `effective_date`).
    pub name: String,
    /// Label for a form.
    pub label: String,
    /// Help for whoever fills it in.
    #[serde(default)]
    pub help: Option<String>,
    /// The type and its constraints.
    #[serde(flatten)]
    pub ty: VarType,
    /// The value when none is given; without a default the variable is required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<serde_json::Value>,
    /// For a party or parties: the role stored with the agreement (`provider`, `member`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
}

/// How a computed value is derived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    /// A date plus a duration (expiry from start and term).
    DatePlus,
    /// A date minus a duration (a notice deadline).
    DateMinus,
    /// Money times a number (a cap from annual value × multiple).
    MoneyTimes,
}

/// A value computed from others.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Computed {
    /// Its name in the text.
    pub name: String,
    /// How.
    pub op: Op,
    /// The two operands (variable or computed names).
    pub args: [String; 2],
}

/// A rule across variables: `later` must fall after `earlier`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Check {
    /// The date that must be later.
    pub later: String,
    /// The date it must follow.
    pub earlier: String,
}

/// A clause in a section, possibly conditional.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ClauseRef {
    /// Always included.
    Id(String),
    /// Included when the condition holds.
    When {
        /// The clause id.
        id: String,
        /// A template expression (`shares_personal_data`, `provider.jurisdiction != partner.jurisdiction`).
        when: String,
    },
}

impl ClauseRef {
    /// The clause id.
    pub fn id(&self) -> &str {
        match self {
            Self::Id(id) | Self::When { id, .. } => id,
        }
    }
    fn when(&self) -> Option<&str> {
        match self {
            Self::Id(_) => None,
            Self::When { when, .. } => Some(when),
        }
    }
}

/// A numbered section of the agreement.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    /// Its heading.
    pub heading: String,
    /// Whether it takes a number (default yes; schedules do not).
    #[serde(default = "yes")]
    pub numbered: bool,
    /// Included only when this template expression holds.
    #[serde(default)]
    pub when: Option<String>,
    /// Its clauses, in order.
    pub clauses: Vec<ClauseRef>,
}

fn yes() -> bool {
    true
}

/// When a template obligation falls due.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Due {
    /// Recurring: `monthly`, `quarterly`, `annually` …
    #[serde(default)]
    pub every: Option<String>,
    /// For a recurring duty: how long after each period end.
    #[serde(default)]
    pub offset: Option<String>,
    /// A period after the effective date (`30 days`).
    #[serde(default)]
    pub within: Option<String>,
    /// A date variable or computed value.
    #[serde(default)]
    pub on: Option<String>,
}

/// An obligation the agreement creates, stored with the draft.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObligationDef {
    /// A party variable (its short name owes it), `each`, or a template giving a name
    /// (`{{ members[0].short_name }}`).
    pub obligor: String,
    /// The duty in words (a template).
    pub text: String,
    /// When it falls due.
    #[serde(default)]
    pub due: Due,
    /// Included only when this holds.
    #[serde(default)]
    pub when: Option<String>,
    /// Whether it survives termination.
    #[serde(default)]
    pub survives: bool,
}

/// A template.
#[derive(Debug, Clone, Serialize)]
pub struct Template {
    /// Stable id (`technology-integration`).
    pub id: String,
    /// Version of the template.
    pub version: String,
    /// Title of the agreement.
    pub title: String,
    /// Agreement kind (`collaboration`, `co_marketing` …).
    pub kind: String,
    /// What it is for.
    pub description: String,
    /// Line under the title (a template).
    pub subtitle: Option<String>,
    /// The opening paragraphs naming the parties (a template).
    pub preamble: String,
    /// Variables, in form order.
    pub variables: Vec<Variable>,
    /// Computed values, in order of computation.
    pub computed: Vec<Computed>,
    /// Rules across variables.
    pub checks: Vec<Check>,
    /// Sections.
    pub sections: Vec<Section>,
    /// Term field → variable or computed name.
    pub terms: BTreeMap<String, String>,
    /// Obligations.
    pub obligations: Vec<ObligationDef>,
    /// Party variables whose signature blocks close the agreement.
    pub signatures: Vec<String>,
    /// The file it was read from.
    pub file: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Doc {
    id: String,
    version: String,
    title: String,
    kind: String,
    description: String,
    #[serde(default)]
    subtitle: Option<String>,
    preamble: String,
    #[serde(default, rename = "variable")]
    variables: Vec<toml::Spanned<toml::Table>>,
    #[serde(default)]
    computed: Vec<Computed>,
    #[serde(default, rename = "check")]
    checks: Vec<Check>,
    #[serde(rename = "section")]
    sections: Vec<toml::Spanned<Section>>,
    #[serde(default)]
    terms: BTreeMap<String, String>,
    #[serde(default, rename = "obligation")]
    obligations: Vec<ObligationDef>,
    signatures: Vec<String>,
}

/// A TOML value as JSON, dates as ISO text.
pub(crate) fn toml_to_json(v: &toml::Value) -> serde_json::Value {
    match v {
        toml::Value::String(s) => serde_json::Value::String(s.clone()),
        toml::Value::Integer(i) => serde_json::Value::from(*i),
        toml::Value::Float(f) => serde_json::Value::String(f.to_string()),
        toml::Value::Boolean(b) => serde_json::Value::Bool(*b),
        toml::Value::Datetime(d) => serde_json::Value::String(d.to_string()),
        toml::Value::Array(a) => serde_json::Value::Array(a.iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => serde_json::Value::Object(
            t.iter()
                .map(|(k, v)| (k.clone(), toml_to_json(v)))
                .collect(),
        ),
    }
}

impl Template {
    /// Reads a template, checking it against the clause library: every clause, variable,
    /// term field and expression it names must exist and parse. Errors name the file, line
    /// and problem.
    pub fn parse(file: &str, source: &str, library: &ClauseLibrary) -> Result<Self, LoadError> {
        let doc: Doc = toml::from_str(source).map_err(|e| toml_error(file, source, &e))?;
        let err = |offset: usize, message: String| {
            let (line, column) = line_col(source, offset);
            LoadError {
                file: file.to_owned(),
                line,
                column,
                message,
            }
        };
        // Where a name is written, for errors about it.
        let find = |needle: &str| source.find(needle).unwrap_or(0);
        entente_domain::agreement::AgreementKind::parse(&doc.kind)
            .map_err(|e| err(find("kind"), format!("kind: {}", e.message)))?;
        let mut variables: Vec<Variable> = Vec::new();
        for spanned in &doc.variables {
            let start = spanned.span().start;
            let json = toml_to_json(&toml::Value::Table(spanned.get_ref().clone()));
            let v: Variable =
                serde_json::from_value(json).map_err(|e| err(start, format!("variable: {e}")))?;
            if variables.iter().any(|x| x.name == v.name) {
                return Err(err(
                    start,
                    format!("variable {:?} is defined twice", v.name),
                ));
            }
            if let Some(d) = &v.default {
                v.ty.parse(d)
                    .map_err(|e| err(start, format!("variable {:?}: default: {e}", v.name)))?;
            }
            variables.push(v);
        }
        let mut known: Vec<String> = variables.iter().map(|v| v.name.clone()).collect();
        let types: BTreeMap<&str, &VarType> =
            variables.iter().map(|v| (v.name.as_str(), &v.ty)).collect();
        for c in &doc.computed {
            for a in &c.args {
                if !known.contains(a) {
                    return Err(err(
                        find(&c.name),
                        format!(
                            "computed {:?}: {a:?} is not a variable or an earlier computed value",
                            c.name
                        ),
                    ));
                }
            }
            if known.contains(&c.name) {
                return Err(err(
                    find(&c.name),
                    format!("computed {:?} has the name of a variable", c.name),
                ));
            }
            known.push(c.name.clone());
        }
        for c in &doc.checks {
            for n in [&c.later, &c.earlier] {
                if !known.contains(n) {
                    return Err(err(
                        find(n),
                        format!("check: {n:?} is not a variable or computed value"),
                    ));
                }
            }
        }
        let env = crate::assemble::environment();
        let compile = |what: &str, expr: &str| {
            env.compile_expression(expr)
                .map(|_| ())
                .map_err(|e| err(find(expr), format!("{what}: {}", crate::jinja_message(&e))))
        };
        for s in &doc.sections {
            let start = s.span().start;
            let s = s.get_ref();
            if let Some(w) = &s.when {
                compile(&format!("section {:?}", s.heading), w)?;
            }
            for c in &s.clauses {
                if library.get(c.id()).is_none() {
                    return Err(err(
                        start,
                        format!(
                            "section {:?}: clause {:?} is not in the clause library",
                            s.heading,
                            c.id()
                        ),
                    ));
                }
                if let Some(w) = c.when() {
                    compile(&format!("clause {:?}", c.id()), w)?;
                }
            }
        }
        for (field, name) in &doc.terms {
            let f = TermField::parse(field)
                .map_err(|e| err(find(field), format!("terms: {}", e.message)))?;
            if !known.contains(name) {
                return Err(err(
                    find(name),
                    format!("terms.{field}: {name:?} is not a variable or computed value"),
                ));
            }
            // The variable's type must fit the field.
            if let Some(t) = types.get(name.as_str()) {
                let fits = matches!(
                    (f.kind(), t),
                    (ValueKind::Date, VarType::Date)
                        | (ValueKind::Period, VarType::Duration)
                        | (ValueKind::Bool, VarType::Boolean)
                        | (ValueKind::Text, VarType::Text { .. } | VarType::Enum { .. })
                        | (ValueKind::Money | ValueKind::Cap, VarType::Money)
                        | (ValueKind::List, VarType::List { .. })
                );
                if !fits {
                    return Err(err(
                        find(field),
                        format!(
                            "terms.{field}: variable {name:?} has the wrong type for this field"
                        ),
                    ));
                }
            }
        }
        let party_vars: Vec<&str> = variables
            .iter()
            .filter(|v| matches!(v.ty, VarType::Party | VarType::Parties { .. }))
            .map(|v| v.name.as_str())
            .collect();
        for o in &doc.obligations {
            if o.obligor != "each"
                && !o.obligor.contains("{{")
                && !party_vars.contains(&o.obligor.as_str())
            {
                return Err(err(
                    find(&o.obligor),
                    format!(
                        "obligation: obligor {:?} is not a party variable or \"each\"",
                        o.obligor
                    ),
                ));
            }
            if let Some(w) = &o.when {
                compile("obligation", w)?;
            }
            if let Some(on) = &o.due.on
                && !known.contains(on)
            {
                return Err(err(
                    find(on),
                    format!("obligation: due.on {on:?} is not a date variable"),
                ));
            }
        }
        for s in &doc.signatures {
            if !party_vars.contains(&s.as_str()) {
                return Err(err(
                    find(s),
                    format!("signatures: {s:?} is not a party variable"),
                ));
            }
        }
        Ok(Self {
            id: doc.id,
            version: doc.version,
            title: doc.title,
            kind: doc.kind,
            description: doc.description,
            subtitle: doc.subtitle,
            preamble: doc.preamble,
            variables,
            computed: doc.computed,
            checks: doc.checks,
            sections: doc
                .sections
                .into_iter()
                .map(toml::Spanned::into_inner)
                .collect(),
            terms: doc.terms,
            obligations: doc.obligations,
            signatures: doc.signatures,
            file: file.to_owned(),
        })
    }

    /// The clause ids the template may use, in order.
    pub fn clause_ids(&self) -> Vec<&str> {
        self.sections
            .iter()
            .flat_map(|s| s.clauses.iter().map(ClauseRef::id))
            .collect()
    }
}
