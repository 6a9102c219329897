//! Web UI tests: pages over plain HTTP with a cookie jar (no JavaScript), on SQLite and
//! PostgreSQL, and the main flow in real Chromium through WebDriver (see `browser.rs`).

mod browser;
mod csv;
mod drafting;
mod helpers;
mod nojs;
mod undetermined;
