//! HTTP API integration tests: each test spawns the real server on port 0 against a fresh
//! database, on SQLite and (with ENTENTE_TEST_POSTGRES) on PostgreSQL.

mod access;
mod accounts;
mod agreement_calendar;
mod agreements;
mod alert_mail;
mod alerts;
mod bad_input;
mod calendar;
mod checks;
mod competitors;
mod contract;
mod counterparty;
mod csv_export;
mod downloads;
mod drafting;
mod fresh_dates;
mod helpers;
mod incomplete;
mod input;
mod lifecycle;
mod openapi;
mod receivers;
mod signin;
mod sync;
mod tokens;
mod tracking;
mod visibility;
