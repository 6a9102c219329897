//! Clauses segmented from a document version: number, heading, text, where they sit in the
//! version's text, and the categories analysis assigned them.

use crate::{ClauseId, VersionId};
use serde::{Deserialize, Serialize};

/// A stored clause.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Clause {
    /// Identifier.
    pub id: ClauseId,
    /// The version it was segmented from.
    pub version_id: VersionId,
    /// Position in the document (0-based).
    pub ordinal: u32,
    /// Section number as written ("12.2", "(a)", "Article IV").
    pub number: Option<String>,
    /// Heading, if any.
    pub heading: Option<String>,
    /// Clause text.
    pub text: String,
    /// Start offset (characters) in the version's text.
    pub start: usize,
    /// End offset (exclusive).
    pub end: usize,
    /// Category ids from the taxonomy.
    pub categories: Vec<String>,
    /// Classification confidence, 0..=1.
    pub confidence: f32,
}

/// A clause as analysis produces it, before it has an id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewClause {
    /// Section number.
    pub number: Option<String>,
    /// Heading.
    pub heading: Option<String>,
    /// Text.
    pub text: String,
    /// Start offset (characters).
    pub start: usize,
    /// End offset.
    pub end: usize,
    /// Category ids.
    pub categories: Vec<String>,
    /// Confidence.
    pub confidence: f32,
}
