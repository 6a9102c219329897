//! Parties of a tenant: resolved by id or by normalised legal name when agreements are
//! created, listed with their agreement counts, and corrected.

use crate::row::{json, parse_id, to_json};
use crate::{Actor, Result, Store, StoreError, Tx, audit};
use entente_domain::party::{
    NewAgreementParty, Party, PartyRef, match_key, normalise_name, parse_legal_name,
};
use entente_domain::{PartyId, ValidationError};
use serde::Deserialize;

/// Finds or creates the party a new agreement names.
pub(crate) async fn resolve(tx: &mut Tx, actor: &Actor, p: &NewAgreementParty) -> Result<PartyId> {
    let org = actor.org.to_string();
    match &p.party {
        PartyRef::Existing(id) => {
            let found: Option<String> = sqlx::query_scalar(
                "select party_id from party where organisation_id = $1 and party_id = $2",
            )
            .bind(&org)
            .bind(id.to_string())
            .fetch_optional(&mut **tx)
            .await?;
            found.map(|_| *id).ok_or_else(|| {
                ValidationError::new("party_id", format!("no party {id} in this organisation"))
                    .into()
            })
        }
        PartyRef::ByName(name) => {
            let key = normalise_name(name);
            let found: Option<String> = sqlx::query_scalar(
                "select party_id from party where organisation_id = $1 and name_key = $2",
            )
            .bind(&org)
            .bind(&key)
            .fetch_optional(&mut **tx)
            .await?;
            if let Some(id) = found {
                return parse_id(&id);
            }
            let id = PartyId::new();
            let now = tx.now_text();
            sqlx::query(
                "insert into party (party_id, organisation_id, legal_name, name_key, match_key, jurisdiction, identifiers, created_at, updated_at) \
                 values ($1, $2, $3, $4, $5, $6, '[]', $7, $7)",
            )
            .bind(id.to_string())
            .bind(&org)
            .bind(name)
            .bind(&key)
            .bind(match_key(name))
            .bind(p.jurisdiction.clone())
            .bind(&now)
            .execute(&mut **tx)
            .await?;
            audit::append(
                tx,
                actor,
                "party.create",
                "party",
                &id.to_string(),
                None,
                serde_json::json!({ "legal_name": name }),
            )
            .await?;
            Ok(id)
        }
    }
}

/// Corrections to a party.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct PartyPatch {
    /// New legal name.
    pub legal_name: Option<String>,
    /// New jurisdiction (empty clears).
    pub jurisdiction: Option<String>,
    /// Replacement identifiers (`scheme:value`).
    pub identifiers: Option<Vec<String>>,
}

fn party_from(row: (String, String, Option<String>, String)) -> Result<Party> {
    let (id, legal_name, jurisdiction, identifiers) = row;
    Ok(Party {
        id: parse_id(&id)?,
        legal_name,
        jurisdiction,
        identifiers: json(&identifiers)?,
    })
}

/// The SQL condition (on table `party`) limiting parties to those this actor may see, with
/// parameters numbered from `next`. The tenant's list of business partners is internal: a
/// counterparty user sees only the parties of agreements it sees. Other members see all.
fn shown_sql(actor: &Actor, next: usize) -> (String, Vec<String>) {
    if actor.visibility.party().is_none() {
        return ("1 = 1".to_owned(), Vec::new());
    }
    let (vis, binds) = actor.visible(next);
    (
        format!(
            "exists (select 1 from agreement_party sp join agreement a on a.agreement_id = sp.agreement_id \
             where sp.party_id = party.party_id and {vis})"
        ),
        binds,
    )
}

impl Store {
    /// Parties of the tenant, optionally filtered by part of the name.
    pub async fn list_parties(&self, actor: &Actor, q: Option<&str>) -> Result<Vec<Party>> {
        let pattern = crate::row::like_contains(q.unwrap_or(""));
        let (shown, shown_binds) = shown_sql(actor, 3);
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "select party_id, legal_name, jurisdiction, identifiers from party \
             where organisation_id = $1 and lower(legal_name) like $2 escape '\\' and {shown} order by legal_name limit 1000"
        )))
        .bind(actor.org.to_string())
        .bind(pattern);
        for b in shown_binds {
            q = q.bind(b);
        }
        let rows: Vec<(String, String, Option<String>, String)> = q.fetch_all(&self.pool).await?;
        rows.into_iter().map(party_from).collect()
    }

    /// One party.
    pub async fn get_party(&self, actor: &Actor, id: PartyId) -> Result<Party> {
        let (shown, shown_binds) = shown_sql(actor, 3);
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "select party_id, legal_name, jurisdiction, identifiers from party where organisation_id = $1 and party_id = $2 and {shown}"
        )))
        .bind(actor.org.to_string())
        .bind(id.to_string());
        for b in shown_binds {
            q = q.bind(b);
        }
        let row: Option<(String, String, Option<String>, String)> =
            q.fetch_optional(&self.pool).await?;
        party_from(row.ok_or_else(|| StoreError::not_found("party", id))?)
    }

    /// Corrects a party's name, jurisdiction or identifiers.
    pub async fn update_party(
        &self,
        actor: &Actor,
        id: PartyId,
        patch: &PartyPatch,
    ) -> Result<Party> {
        let mut errs = entente_domain::error::Collector::default();
        let name = errs
            .take(
                "legal_name",
                patch
                    .legal_name
                    .as_deref()
                    .map(parse_legal_name)
                    .transpose(),
            )
            .flatten();
        if let Some(ids) = &patch.identifiers {
            for (i, s) in ids.iter().enumerate() {
                let ok = s
                    .split_once(':')
                    .is_some_and(|(a, b)| !a.trim().is_empty() && !b.trim().is_empty())
                    && s.len() <= 200;
                if !ok {
                    errs.push(ValidationError::new(
                        format!("identifiers[{i}]"),
                        format!("{s:?} is not scheme:value (e.g. lei:5493001KJTIIGC8Y1R12)"),
                    ));
                }
            }
        }
        errs.finish()?;
        let mut tx = self.begin().await?;
        let cur = {
            let row: Option<(String, String, Option<String>, String)> = sqlx::query_as(
                "select party_id, legal_name, jurisdiction, identifiers from party where organisation_id = $1 and party_id = $2",
            )
            .bind(actor.org.to_string())
            .bind(id.to_string())
            .fetch_optional(&mut *tx)
            .await?;
            party_from(row.ok_or_else(|| StoreError::not_found("party", id))?)?
        };
        let legal_name = name.unwrap_or(cur.legal_name);
        let jurisdiction = match patch.jurisdiction.as_deref().map(str::trim) {
            Some("") => None,
            Some(j) => Some(j.to_owned()),
            None => cur.jurisdiction,
        };
        let identifiers = patch.identifiers.clone().unwrap_or(cur.identifiers);
        let now = self.now_text();
        sqlx::query(
            "update party set legal_name = $1, name_key = $2, match_key = $3, jurisdiction = $4, identifiers = $5, updated_at = $6 \
             where party_id = $7 and organisation_id = $8",
        )
        .bind(&legal_name)
        .bind(normalise_name(&legal_name))
        .bind(match_key(&legal_name))
        .bind(jurisdiction.clone())
        .bind(to_json(&identifiers))
        .bind(&now)
        .bind(id.to_string())
        .bind(actor.org.to_string())
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::on_unique(e, "another party already has this legal name"))?;
        audit::append(
            &mut tx,
            actor,
            "party.update",
            "party",
            &id.to_string(),
            None,
            serde_json::json!({
                "legal_name": legal_name, "jurisdiction": jurisdiction, "identifiers": identifiers
            }),
        )
        .await?;
        tx.commit().await?;
        Ok(Party {
            id,
            legal_name,
            jurisdiction,
            identifiers,
        })
    }
}

/// The SQL condition that a party (table alias `p`, with its agreement link `ap`) is one of the
/// tenant's own legal entities: its legal name's or its short name's match key is declared.
pub(crate) fn ours_sql(p: &str, ap: &str) -> String {
    format!(
        "exists (select 1 from own_entity oe where oe.organisation_id = {p}.organisation_id \
         and (oe.match_key = {p}.match_key or oe.match_key = {ap}.short_key))"
    )
}

/// Checks the names a tenant declares as its own: each 1 to 300 characters, at most 50;
/// names meeting the same match key count once (the first spelling is kept).
fn own_names(names: &[String]) -> Result<Vec<(String, String)>> {
    let mut errs = entente_domain::error::Collector::default();
    if names.len() > 50 {
        errs.push(ValidationError::new("names", "give at most 50 names"));
    }
    let mut out: Vec<(String, String)> = Vec::new();
    for (i, n) in names.iter().enumerate() {
        let n = n.trim();
        let key = match_key(n);
        if n.is_empty() || n.chars().count() > 300 || key.is_empty() {
            errs.push(ValidationError::new(
                format!("names[{i}]"),
                "must be 1 to 300 characters with a letter or digit",
            ));
        } else if !out.iter().any(|(k, _)| *k == key) {
            out.push((key, n.to_owned()));
        }
    }
    errs.finish()?;
    Ok(out)
}

impl Store {
    /// The tenant's own legal entities (names and aliases), as declared, in the order given.
    pub async fn own_entities(&self, actor: &Actor) -> Result<Vec<String>> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "select name from own_entity where organisation_id = $1 order by ordinal",
        )
        .bind(actor.org.to_string())
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(|(n,)| n).collect())
    }

    /// Replaces the tenant's own legal entities with `names` (legal names and aliases such as
    /// "Northwind"); parties meeting one of them are left out of counterparty filters and
    /// reports. Returns the names kept.
    pub async fn set_own_entities(&self, actor: &Actor, names: &[String]) -> Result<Vec<String>> {
        let names = own_names(names)?;
        let mut tx = self.begin().await?;
        let org = actor.org.to_string();
        sqlx::query("delete from own_entity where organisation_id = $1")
            .bind(&org)
            .execute(&mut *tx)
            .await?;
        let now = tx.now_text();
        for (i, (key, name)) in names.iter().enumerate() {
            sqlx::query(
                "insert into own_entity (organisation_id, match_key, name, ordinal, created_at) values ($1, $2, $3, $4, $5)",
            )
            .bind(&org)
            .bind(key)
            .bind(name)
            .bind(i as i64)
            .bind(&now)
            .execute(&mut *tx)
            .await?;
        }
        let kept: Vec<String> = names.into_iter().map(|(_, n)| n).collect();
        audit::append(
            &mut tx,
            actor,
            "organisation.own_entities",
            "organisation",
            &org,
            None,
            serde_json::json!({ "names": kept }),
        )
        .await?;
        tx.commit().await?;
        Ok(kept)
    }
}
