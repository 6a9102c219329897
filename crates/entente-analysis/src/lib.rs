//! Contract intelligence for Entente: ingest agreements (TXT, Markdown, HTML, DOCX, PDF),
//! segment and classify their clauses, extract key terms and obligations with evidence.
//!
//! The pipeline is `ingest` → [`analyze_text`]; [`analyze_bytes`] does both. An [`Analysis`]
//! renders as the documented JSON (`docs/analysis-json.md`), as a text summary, or as a
//! domain-typed [`Record`] for storage.

mod analysis;
pub mod bench;
mod classify;
pub mod eval;
mod extract;
mod ingest;
mod json;
mod segment;
mod summary;
mod text;

pub use analysis::{Analysis, Evidence, ExtractedTerm, Record};
pub use ingest::{
    DEFAULT_MAX_MIB, IngestError, Ingested, Limits, MAX_CONFIGURABLE_MIB, MIB, SourceMap,
    SourceUnit, ingest,
};
pub use segment::SegmentKind;

/// Analyses normalised text. Pure and fast: no I/O, no allocation beyond the result.
pub fn analyze_text(text: &str) -> Analysis {
    Analysis::new(text, None)
}

/// Reads a file's bytes and analyses the text.
pub fn analyze_bytes(
    bytes: &[u8],
    filename: &str,
    limits: &Limits,
) -> Result<Analysis, IngestError> {
    let ing = ingest(bytes, filename, limits)?;
    Ok(Analysis::new(&ing.text, Some(ing.media_type)))
}

/// Every clause category id the classifier can assign (all are in the taxonomy).
pub fn category_ids() -> Vec<&'static str> {
    classify::emitted_ids()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_emitted_category_is_in_the_taxonomy() {
        for id in category_ids() {
            assert!(
                entente_domain::taxonomy::category(id).is_some(),
                "{id} is emitted but missing from the taxonomy"
            );
        }
    }
}
