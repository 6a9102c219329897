//! The competitor context of an agreement as use-cases: read it, and set it (validated, audited)
//! and re-check the agreement so its stored check and the portfolio reflect it.

use crate::Result;
use entente_domain::AgreementId;
use entente_domain::competition::{CompetitorContext, CompetitorInput};
use entente_store::{Actor, Store, StoredCompetitors};

/// The agreement's competitor context, `None` when nobody entered one.
pub async fn competitors(
    store: &Store,
    actor: &Actor,
    id: AgreementId,
) -> Result<Option<StoredCompetitors>> {
    Ok(store.competitors(actor, id).await?)
}

/// Validates and stores the competitor context (nothing is stored when a field is wrong), then
/// re-checks the agreement's text, when it has one, so the stored check uses it.
pub async fn set_competitors(
    store: &Store,
    actor: &Actor,
    id: AgreementId,
    input: CompetitorInput,
) -> Result<StoredCompetitors> {
    let c = CompetitorContext::try_from(input)?;
    let stored = store.set_competitors(actor, id, &c).await?;
    if store.text_version(actor, id).await?.is_some()
        && let Err(e) = crate::check::check_agreement(store, actor, id, None, None, true).await
    {
        // The context is stored; the next check (or `entente check --portfolio --refresh`)
        // picks it up.
        tracing::warn!(agreement.id = %id, error.cause = %crate::error_chain(&e), "re-check after a competitor context change failed");
    }
    Ok(stored)
}
