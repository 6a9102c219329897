//! What an agreement still lacks (parties, effective date, unfilled placeholders), read from
//! its record and its latest document, for the CLI, the API and the web page alike.

use crate::Result;
use entente_domain::AgreementId;
use entente_domain::agreement::Agreement;
use entente_domain::completeness::{Gap, gaps};
use entente_store::{Actor, Store};

/// The gaps of agreement `id` as it stands now: completing a value clears its gap.
pub async fn agreement_gaps(store: &Store, actor: &Actor, id: AgreementId) -> Result<Vec<Gap>> {
    let a = store.get_agreement(actor, id).await?;
    gaps_of(store, actor, &a).await
}

/// The gaps of an agreement already read.
pub async fn gaps_of(store: &Store, actor: &Actor, a: &Agreement) -> Result<Vec<Gap>> {
    let latest = store.list_versions(actor, a.id).await?.pop();
    let text = match latest {
        Some(v) => Some(store.version_text(actor, v.id).await?),
        None => None,
    };
    Ok(gaps(a, text.as_deref()))
}
