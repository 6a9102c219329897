//! Document versions: the original bytes of an agreement, the text extracted from them,
//! and the fingerprint that signatures and amendments refer to.

use crate::{AgreementId, Timestamp, ValidationError, VersionId};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The formats Entente reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MediaType {
    /// Plain text.
    Text,
    /// Markdown.
    Markdown,
    /// HTML.
    Html,
    /// Word 2007+ document.
    Docx,
    /// PDF with a text layer.
    Pdf,
}

impl MediaType {
    /// The IANA media type.
    pub fn mime(self) -> &'static str {
        match self {
            Self::Text => "text/plain",
            Self::Markdown => "text/markdown",
            Self::Html => "text/html",
            Self::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Self::Pdf => "application/pdf",
        }
    }

    /// Stable short name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Markdown => "markdown",
            Self::Html => "html",
            Self::Docx => "docx",
            Self::Pdf => "pdf",
        }
    }

    /// Parses the short name.
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        match s {
            "text" => Ok(Self::Text),
            "markdown" => Ok(Self::Markdown),
            "html" => Ok(Self::Html),
            "docx" => Ok(Self::Docx),
            "pdf" => Ok(Self::Pdf),
            _ => Err(ValidationError::new(
                "media_type",
                format!("{s:?} is not a supported format"),
            )),
        }
    }
}

/// A stored version (without its bytes, which are fetched separately).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DocumentVersion {
    /// Identifier.
    pub id: VersionId,
    /// The agreement.
    pub agreement_id: AgreementId,
    /// 1-based version number within the agreement.
    pub number: u32,
    /// Original file name.
    pub filename: String,
    /// Format.
    pub media_type: MediaType,
    /// SHA-256 of the original bytes, hex.
    pub sha256: String,
    /// Size of the original bytes.
    pub size: u64,
    /// Who added it.
    pub author: String,
    /// When.
    pub created_at: Timestamp,
    /// Characters of extracted text.
    pub text_chars: u64,
    /// What storing this version did to what was tracked (obligations kept, revised,
    /// retired or added; terms changed or in conflict). Absent for a first version and for
    /// amendment letters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reconciliation: Option<crate::reconcile::ReconcileSummary>,
}

/// Hex SHA-256 of some bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}
