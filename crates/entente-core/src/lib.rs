//! Entente's use-cases: the steps that span analysis and storage (importing a document,
//! adding a version, loading the demo portfolio), shared by the CLI and the HTTP server.

pub mod account;
pub mod auth;
pub mod check;
pub mod competitors;
pub mod completeness;
pub mod demo;
pub mod docx;
pub mod draft;
mod error;
pub mod governance;
mod import;
pub mod password;
pub mod unsubscribe;
pub mod webhook;

pub use error::{CoreError, error_chain};
pub use import::{ImportOptions, Imported, add_version_document, import_document, import_today};

/// Result alias for use-cases.
pub type Result<T, E = CoreError> = std::result::Result<T, E>;
