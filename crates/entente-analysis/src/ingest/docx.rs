//! DOCX reading: paragraphs, headings, automatic numbering, tables and footnotes from the
//! WordprocessingML parts of the ZIP container, with zip-bomb and encryption guards.

use super::{IngestError, Ingested, Limits};

pub(crate) fn read(_bytes: &[u8], _limits: &Limits) -> Result<Ingested, IngestError> {
    Err(IngestError::Unsupported {
        what: "DOCX (reader not built yet)".into(),
    })
}
