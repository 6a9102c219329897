//! The clause files and templates shipped with Entente, compiled in.

/// Clause files: (file name, source).
pub(crate) const CLAUSE_FILES: &[(&str, &str)] = &[
    (
        "clauses/general.toml",
        include_str!("../clauses/general.toml"),
    ),
    ("clauses/term.toml", include_str!("../clauses/term.toml")),
    (
        "clauses/cooperation.toml",
        include_str!("../clauses/cooperation.toml"),
    ),
    (
        "clauses/confidentiality.toml",
        include_str!("../clauses/confidentiality.toml"),
    ),
    (
        "clauses/liability.toml",
        include_str!("../clauses/liability.toml"),
    ),
    (
        "clauses/disputes.toml",
        include_str!("../clauses/disputes.toml"),
    ),
];

/// Templates: (file name, source).
pub(crate) const TEMPLATE_FILES: &[(&str, &str)] = &[
    (
        "templates/technology-integration.toml",
        include_str!("../templates/technology-integration.toml"),
    ),
    (
        "templates/co-marketing.toml",
        include_str!("../templates/co-marketing.toml"),
    ),
    (
        "templates/joint-development.toml",
        include_str!("../templates/joint-development.toml"),
    ),
    (
        "templates/research-collaboration.toml",
        include_str!("../templates/research-collaboration.toml"),
    ),
    (
        "templates/consortium.toml",
        include_str!("../templates/consortium.toml"),
    ),
];
