//! HTTP API integration tests: each test spawns the real server on port 0 against a fresh
//! database, on SQLite and (with ENTENTE_TEST_POSTGRES) on PostgreSQL.

mod access;
mod agreements;
mod bad_input;
mod helpers;
mod openapi;
