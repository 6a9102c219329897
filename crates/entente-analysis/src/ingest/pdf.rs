//! PDF reading: the text layer in reading order, repeated headers/footers and page numbers
//! removed, hyphenated line breaks joined; scanned PDFs are refused clearly.

use super::{IngestError, Ingested, Limits};

pub(crate) fn read(_bytes: &[u8], _limits: &Limits) -> Result<Ingested, IngestError> {
    Err(IngestError::Unsupported {
        what: "PDF (reader not built yet)".into(),
    })
}
