//! The clause taxonomy: the category ids analysis assigns to clauses and playbooks refer to.
//! Documented in docs/taxonomy.md; includes every clause category of the CUAD labelling scheme.

/// One category of the taxonomy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Category {
    /// Stable id, e.g. `cap_on_liability`.
    pub id: &'static str,
    /// Display name.
    pub name: &'static str,
    /// Group for display (e.g. "Risk allocation").
    pub group: &'static str,
}

/// Every category, grouped for display.
pub const CATEGORIES: &[Category] = &[
    Category {
        id: "scope_objectives",
        name: "Scope & objectives",
        group: "Cooperation",
    },
    Category {
        id: "term",
        name: "Term",
        group: "Term & exit",
    },
    Category {
        id: "renewal",
        name: "Renewal",
        group: "Term & exit",
    },
    Category {
        id: "termination",
        name: "Termination",
        group: "Term & exit",
    },
    Category {
        id: "confidentiality",
        name: "Confidentiality",
        group: "Information",
    },
    Category {
        id: "cap_on_liability",
        name: "Cap on liability",
        group: "Risk allocation",
    },
    Category {
        id: "uncapped_liability",
        name: "Uncapped liability",
        group: "Risk allocation",
    },
    Category {
        id: "governing_law",
        name: "Governing law",
        group: "Enforcement",
    },
];

/// Looks a category up by id.
pub fn category(id: &str) -> Option<&'static Category> {
    CATEGORIES.iter().find(|c| c.id == id)
}
