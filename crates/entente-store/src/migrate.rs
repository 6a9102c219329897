//! Embedded, forward-only migrations per backend, run through sqlx's migrator. Built from
//! `include_str!` so the binary needs no files at run time and no build-time database.

use crate::Backend;
use sqlx::SqlSafeStr;
use sqlx::migrate::{Migration, MigrationType, Migrator};
use std::borrow::Cow;

// One line per migration; versions may leave gaps (each feature owns its number).
#[rustfmt::skip]
const SQLITE: &[(i64, &str, &str)] = &[
    (1, "core", include_str!("../migrations/sqlite/0001_core.sql")),
    (2, "alerts", include_str!("../migrations/sqlite/0002_alerts.sql")),
    (3, "playbook", include_str!("../migrations/sqlite/0003_playbook.sql")),
    (4, "access", include_str!("../migrations/sqlite/0004_access.sql")),
    (5, "governance", include_str!("../migrations/sqlite/0005_governance.sql")),
    (6, "listing", include_str!("../migrations/sqlite/0006_listing.sql")),
    (7, "accounts", include_str!("../migrations/sqlite/0007_accounts.sql")),
    (8, "feeds", include_str!("../migrations/sqlite/0008_feeds.sql")),
    (9, "counterparty", include_str!("../migrations/sqlite/0009_counterparty.sql")),
    (10, "key_date_listing", include_str!("../migrations/sqlite/0010_key_date_listing.sql")),
    (11, "key_date_check", include_str!("../migrations/sqlite/0011_key_date_check.sql")),
    (12, "tracking", include_str!("../migrations/sqlite/0012_tracking.sql")),
    (13, "endings", include_str!("../migrations/sqlite/0013_endings.sql")),
    (14, "approval_version", include_str!("../migrations/sqlite/0014_approval_version.sql")),
    (15, "amendment_kind", include_str!("../migrations/sqlite/0015_amendment_kind.sql")),
    (16, "org_revision", include_str!("../migrations/sqlite/0016_org_revision.sql")),
    (18, "review", include_str!("../migrations/sqlite/0018_review.sql")),
    (19, "own_entities", include_str!("../migrations/sqlite/0019_own_entities.sql")),
    (20, "agreement_calendar", include_str!("../migrations/sqlite/0020_agreement_calendar.sql")),
    (21, "email_opt_out", include_str!("../migrations/sqlite/0021_email_opt_out.sql")),
    (22, "reconcile", include_str!("../migrations/sqlite/0022_reconcile.sql")),
    (23, "version_reconciliation", include_str!("../migrations/sqlite/0023_version_reconciliation.sql")),
    (24, "idempotency", include_str!("../migrations/sqlite/0024_idempotency.sql")),
    (25, "competitor_context", include_str!("../migrations/sqlite/0025_competitor_context.sql")),
    (26, "template_draft", include_str!("../migrations/sqlite/0026_template_draft.sql")),
    (28, "next_key_dates", include_str!("../migrations/sqlite/0028_next_key_dates.sql")),
    (29, "next_term_end_index", include_str!("../migrations/sqlite/0029_next_term_end_index.sql")),
    (30, "counts_in_sql", include_str!("../migrations/sqlite/0030_counts_in_sql.sql")),
];
#[rustfmt::skip]
const POSTGRES: &[(i64, &str, &str)] = &[
    (1, "core", include_str!("../migrations/postgres/0001_core.sql")),
    (2, "alerts", include_str!("../migrations/postgres/0002_alerts.sql")),
    (3, "playbook", include_str!("../migrations/postgres/0003_playbook.sql")),
    (4, "access", include_str!("../migrations/postgres/0004_access.sql")),
    (5, "governance", include_str!("../migrations/postgres/0005_governance.sql")),
    (6, "listing", include_str!("../migrations/postgres/0006_listing.sql")),
    (7, "accounts", include_str!("../migrations/postgres/0007_accounts.sql")),
    (8, "feeds", include_str!("../migrations/postgres/0008_feeds.sql")),
    (9, "counterparty", include_str!("../migrations/postgres/0009_counterparty.sql")),
    (10, "key_date_listing", include_str!("../migrations/postgres/0010_key_date_listing.sql")),
    (11, "key_date_check", include_str!("../migrations/postgres/0011_key_date_check.sql")),
    (12, "tracking", include_str!("../migrations/postgres/0012_tracking.sql")),
    (13, "endings", include_str!("../migrations/postgres/0013_endings.sql")),
    (14, "approval_version", include_str!("../migrations/postgres/0014_approval_version.sql")),
    (15, "amendment_kind", include_str!("../migrations/postgres/0015_amendment_kind.sql")),
    (16, "org_revision", include_str!("../migrations/postgres/0016_org_revision.sql")),
    (18, "review", include_str!("../migrations/postgres/0018_review.sql")),
    (19, "own_entities", include_str!("../migrations/postgres/0019_own_entities.sql")),
    (20, "agreement_calendar", include_str!("../migrations/postgres/0020_agreement_calendar.sql")),
    (21, "email_opt_out", include_str!("../migrations/postgres/0021_email_opt_out.sql")),
    (22, "reconcile", include_str!("../migrations/postgres/0022_reconcile.sql")),
    (23, "version_reconciliation", include_str!("../migrations/postgres/0023_version_reconciliation.sql")),
    (24, "idempotency", include_str!("../migrations/postgres/0024_idempotency.sql")),
    (25, "competitor_context", include_str!("../migrations/postgres/0025_competitor_context.sql")),
    (26, "template_draft", include_str!("../migrations/postgres/0026_template_draft.sql")),
    (28, "next_key_dates", include_str!("../migrations/postgres/0028_next_key_dates.sql")),
    (29, "next_term_end_index", include_str!("../migrations/postgres/0029_next_term_end_index.sql")),
    (30, "counts_in_sql", include_str!("../migrations/postgres/0030_counts_in_sql.sql")),
];

/// The migrator for `backend`.
pub(crate) fn migrator(backend: Backend) -> Migrator {
    let list = match backend {
        Backend::Sqlite => SQLITE,
        Backend::Postgres => POSTGRES,
    };
    Migrator::with_migrations(
        list.iter()
            .map(|(v, d, sql)| {
                Migration::new(
                    *v,
                    Cow::Borrowed(*d),
                    MigrationType::Simple,
                    sql.into_sql_str(),
                    false,
                )
            })
            .collect(),
    )
}
