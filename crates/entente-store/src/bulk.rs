//! Bulk loading: many agreements (with their obligations) per transaction, each still with
//! its audit event, for portfolio migrations and the `entente bench dates` benchmark.

use crate::agreement::insert_agreement;
use crate::{Actor, Result, Store};
use entente_domain::AgreementId;
use entente_domain::agreement::NewAgreement;
use entente_domain::obligation::NewObligation;
use entente_domain::terms::TermField;

impl Store {
    /// Creates agreements and their obligations, `chunk` agreements per transaction (all of a
    /// chunk or none of it is stored). Returns the new ids in input order.
    pub async fn create_agreements_bulk(
        &self,
        actor: &Actor,
        items: &[(NewAgreement, Vec<NewObligation>)],
        chunk: usize,
    ) -> Result<Vec<AgreementId>> {
        let mut ids = Vec::with_capacity(items.len());
        for part in items.chunks(chunk.max(1)) {
            let mut tx = self.begin().await?;
            let now = self.now_text();
            for (new, obligations) in part {
                let id = insert_agreement(&mut tx, actor, new).await?;
                let effective = new.terms.date(TermField::EffectiveDate);
                for o in obligations {
                    crate::obligation::insert(
                        &mut tx,
                        &actor.org.to_string(),
                        id,
                        o,
                        effective,
                        None,
                        &now,
                    )
                    .await?;
                }
                ids.push(id);
            }
            tx.commit().await?;
        }
        Ok(ids)
    }
}
