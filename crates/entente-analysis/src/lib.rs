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
pub mod learn;
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
    Analysis::new(text, None, learn::Model::builtin())
}

/// Analyses normalised text with a given model (the committed one is [`learn::Model::builtin`];
/// [`learn::Model::rules_only`] leaves everything to the rules).
pub fn analyze_text_with(text: &str, model: &learn::Model) -> Analysis {
    Analysis::new(text, None, model)
}

/// Reads a file's bytes and analyses the text.
pub fn analyze_bytes(
    bytes: &[u8],
    filename: &str,
    limits: &Limits,
) -> Result<Analysis, IngestError> {
    analyze_bytes_with(bytes, filename, limits, learn::Model::builtin())
}

/// Reads a file's bytes and analyses the text with a given model.
pub fn analyze_bytes_with(
    bytes: &[u8],
    filename: &str,
    limits: &Limits,
    model: &learn::Model,
) -> Result<Analysis, IngestError> {
    let ing = ingest(bytes, filename, limits)?;
    Ok(Analysis::new(&ing.text, Some(ing.media_type), model))
}

/// A jurisdiction's canonical name as analysis writes governing laws ("the laws of the State of
/// New York" → "New York", "English" → "England and Wales"), or `None` when unknown.
pub fn canonical_place(raw: &str) -> Option<String> {
    extract::law::canonical_place(raw)
}

/// Whether `name` is itself a canonical jurisdiction name (as `canonical_place` returns them).
pub fn is_canonical_place(name: &str) -> bool {
    extract::law::is_canonical(name)
}

/// The country of a jurisdiction ("Delaware" → "United States", "England and Wales" → "United
/// Kingdom"), for telling whether parties sit in different countries.
pub fn country_of(place: &str) -> Option<String> {
    extract::law::country_of(place)
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
