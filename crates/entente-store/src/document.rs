//! Document versions and their clauses: import of a new agreement from a document, new
//! versions with re-analysis that never overwrites a person's values, and clause search.

use crate::agreement::{
    insert_agreement, load_terms, lock_agreement, refresh_derived, touch, upsert_term,
};
use crate::row::{parse_id, to_json, ts};
use crate::{Actor, Backend, Result, Store, StoreError, Tx, audit, reconcile};
use entente_domain::agreement::NewAgreement;
use entente_domain::amendment::{AmendmentText, TextInForce, texts_in_force};
use entente_domain::clause::{Clause, NewClause};
use entente_domain::document::{DocumentVersion, MediaType, sha256_hex};
use entente_domain::obligation::NewObligation;
use entente_domain::reconcile::ReconcileSummary;
use entente_domain::terms::{Evidence, Source, Sourced, TermField, TermValue, Terms};
use entente_domain::{AgreementId, ClauseId, Date, VersionId};
use serde::Serialize;
use sqlx::Row;

/// The original document of a version.
#[derive(Debug, Clone)]
pub struct NewVersion {
    /// File name as uploaded.
    pub filename: String,
    /// Detected format.
    pub media_type: MediaType,
    /// Original bytes.
    pub bytes: Vec<u8>,
    /// Extracted, normalised text (clause offsets point into it).
    pub text: String,
}

/// What analysis found in a version.
#[derive(Debug, Clone, Default)]
pub struct VersionAnalysis {
    /// Segmented, classified clauses.
    pub clauses: Vec<NewClause>,
    /// Extracted term values with their evidence.
    pub terms: Vec<(TermField, TermValue, Evidence)>,
    /// Extracted obligations with their evidence.
    pub obligations: Vec<(NewObligation, Evidence)>,
}

/// A full-text search hit.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ClauseHit {
    /// The clause.
    pub clause_id: ClauseId,
    /// Its agreement.
    pub agreement_id: AgreementId,
    /// Agreement title.
    pub title: String,
    /// Section number.
    pub number: Option<String>,
    /// Heading.
    pub heading: Option<String>,
    /// The version the clause is in: one of the agreement's current text (its latest
    /// version that is not an amendment letter, or a letter recorded since).
    pub version_number: u32,
    /// Matching excerpt with hits in [brackets].
    pub snippet: String,
}

impl Store {
    /// Creates an agreement from an analysed document, all in one transaction: either the
    /// agreement, its version, clauses, terms and obligations are stored, or nothing is.
    pub async fn import_agreement(
        &self,
        actor: &Actor,
        new: &NewAgreement,
        version: &NewVersion,
        analysis: &VersionAnalysis,
    ) -> Result<(AgreementId, VersionId)> {
        let mut tx = self.begin().await?;
        let id = insert_agreement(&mut tx, actor, new).await?;
        // A new agreement tracks nothing yet, so no duty is revised or retired and the day of
        // a change never matters: every obligation found is added.
        let (vid, _) = insert_version(
            &mut tx,
            self.backend,
            actor,
            id,
            version,
            analysis,
            Text::Agreement,
            Date::MIN,
        )
        .await?;
        tx.commit().await?;
        Ok((id, vid))
    }

    /// Adds a new version to an agreement and reconciles what analysis found with what is
    /// tracked (see `reconcile`); returns what changed. Before signature, a new version
    /// reopens approval in the same transaction: the round that approved (or was approving)
    /// the previous text is superseded and the new version needs its own round.
    pub async fn add_version(
        &self,
        actor: &Actor,
        id: AgreementId,
        version: &NewVersion,
        analysis: &VersionAnalysis,
    ) -> Result<(VersionId, ReconcileSummary)> {
        let today = self.today(actor).await?;
        let mut tx = self.begin().await?;
        let status = lock_agreement(&mut tx, actor, id).await?;
        let (vid, summary) = insert_version(
            &mut tx,
            self.backend,
            actor,
            id,
            version,
            analysis,
            Text::Agreement,
            today,
        )
        .await?;
        crate::governance::reopen_on_version(&mut tx, actor, id, status, today).await?;
        tx.commit().await?;
        Ok((vid, summary))
    }

    /// Versions of an agreement, oldest first.
    pub async fn list_versions(
        &self,
        actor: &Actor,
        id: AgreementId,
    ) -> Result<Vec<DocumentVersion>> {
        self.check_visible(actor, id).await?;
        let rows = sqlx::query(
            "select version_id, number, filename, media_type, sha256, size, author, created_at, length(body) as text_chars, reconciliation \
             from document_version where organisation_id = $1 and agreement_id = $2 order by number",
        )
        .bind(actor.org.to_string())
        .bind(id.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let number: i64 = r.try_get("number")?;
                let size: i64 = r.try_get("size")?;
                let chars: i64 = r.try_get("text_chars")?;
                Ok(DocumentVersion {
                    id: parse_id(&r.try_get::<String, _>("version_id")?)?,
                    agreement_id: id,
                    number: number as u32,
                    filename: r.try_get("filename")?,
                    media_type: MediaType::parse(&r.try_get::<String, _>("media_type")?)
                        .map_err(|e| StoreError::Corrupt(e.message))?,
                    sha256: r.try_get("sha256")?,
                    size: size as u64,
                    author: r.try_get("author")?,
                    created_at: ts(&r.try_get::<String, _>("created_at")?)?,
                    text_chars: chars as u64,
                    reconciliation: r
                        .try_get::<Option<String>, _>("reconciliation")?
                        .map(|j| crate::row::json(&j))
                        .transpose()?,
                })
            })
            .collect()
    }

    /// The original bytes of a version, with its file name and format.
    pub async fn version_content(
        &self,
        actor: &Actor,
        vid: VersionId,
    ) -> Result<(String, MediaType, Vec<u8>)> {
        let r = sqlx::query("select agreement_id, filename, media_type, content from document_version where organisation_id = $1 and version_id = $2")
            .bind(actor.org.to_string())
            .bind(vid.to_string())
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::not_found("version", vid))?;
        self.check_version_visible(actor, vid, &r.try_get::<String, _>("agreement_id")?)
            .await?;
        Ok((
            r.try_get("filename")?,
            MediaType::parse(&r.try_get::<String, _>("media_type")?)
                .map_err(|e| StoreError::Corrupt(e.message))?,
            r.try_get("content")?,
        ))
    }

    /// The extracted text of a version.
    pub async fn version_text(&self, actor: &Actor, vid: VersionId) -> Result<String> {
        let row: Option<(String, String)> = sqlx::query_as(
            "select agreement_id, body from document_version where organisation_id = $1 and version_id = $2",
        )
        .bind(actor.org.to_string())
        .bind(vid.to_string())
        .fetch_optional(&self.pool)
        .await?;
        let (agreement, body) = row.ok_or_else(|| StoreError::not_found("version", vid))?;
        self.check_version_visible(actor, vid, &agreement).await?;
        Ok(body)
    }

    /// A version is as visible as its agreement; hidden ones are simply not found.
    async fn check_version_visible(
        &self,
        actor: &Actor,
        vid: VersionId,
        agreement: &str,
    ) -> Result<()> {
        let id: AgreementId = parse_id(agreement)?;
        self.check_visible(actor, id)
            .await
            .map_err(|_| StoreError::not_found("version", vid))
    }

    /// Clauses of a version; by default those of the agreement's text as recorded: its latest
    /// full text (original or restated) followed by the amendment letters since, in version
    /// order.
    pub async fn list_clauses(
        &self,
        actor: &Actor,
        id: AgreementId,
        version: Option<VersionId>,
    ) -> Result<Vec<Clause>> {
        self.check_visible(actor, id).await?;
        let org = actor.org.to_string();
        let versions = match version {
            Some(v) => vec![v],
            None => {
                let texts = self.texts_in_force(actor, id, None).await?;
                if texts.is_empty() {
                    // An agreement without documents has no clauses; a missing one is an error.
                    self.get_agreement(actor, id).await?;
                }
                texts.into_iter().map(|(v, _)| v).collect()
            }
        };
        let mut out = Vec::new();
        for vid in versions {
            out.extend(version_clauses(&self.pool, &org, id, vid).await?);
        }
        Ok(out)
    }

    /// The latest version holding the agreement's own text, original or restated (amendment
    /// letters do not), if it has a document at all: what a check reads and where the
    /// agreement's clauses (dispute tiers, exit terms) are found.
    pub async fn text_version(
        &self,
        actor: &Actor,
        id: AgreementId,
    ) -> Result<Option<DocumentVersion>> {
        let texts = self.texts_in_force(actor, id, None).await?;
        let Some((vid, _)) = texts.iter().find(|(_, t)| t.letter.is_none()) else {
            return Ok(None);
        };
        Ok(self
            .list_versions(actor, id)
            .await?
            .into_iter()
            .find(|v| v.id == *vid))
    }

    /// The versions whose text is in force on `on` (`None`: with every recorded amendment),
    /// as [`texts_in_force`] decides, with their ids.
    pub(crate) async fn texts_in_force(
        &self,
        actor: &Actor,
        id: AgreementId,
        on: Option<entente_domain::Date>,
    ) -> Result<Vec<(VersionId, TextInForce)>> {
        let versions = self.list_versions(actor, id).await?;
        let amendments: Vec<AmendmentText> = self
            .amendments(actor, id)
            .await?
            .iter()
            .map(AmendmentText::from)
            .collect();
        let numbers: Vec<u32> = versions.iter().map(|v| v.number).collect();
        Ok(texts_in_force(&numbers, &amendments, on)
            .into_iter()
            .filter_map(|t| {
                versions
                    .iter()
                    .find(|v| v.number == t.version_number)
                    .map(|v| (v.id, t))
            })
            .collect())
    }

    /// Full-text search over the clauses of each agreement's current text in the tenant
    /// (its latest version that is not an amendment letter, and the letters recorded since;
    /// older versions are left out, so a clause kept across versions is found once). Words
    /// are ANDed; stemming applies. Returns the page of hits, best first, and their total.
    pub async fn search_clauses(
        &self,
        actor: &Actor,
        query: &str,
        page: crate::Page,
    ) -> Result<(Vec<ClauseHit>, u64)> {
        let words: Vec<String> = query
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .take(20)
            .map(str::to_lowercase)
            .collect();
        if words.is_empty() {
            return Err(entente_domain::ValidationError::new(
                "q",
                "give at least one word to search for",
            )
            .into());
        }
        let limit = i64::from(page.limit.clamp(1, 200));
        let offset = i64::from(page.offset);
        let (vis, vis_binds) = actor.visible(5);
        // The current text: versions from the latest that is not an amendment letter on.
        let current = "v.number >= (select max(v2.number) from document_version v2 \
             where v2.agreement_id = c.agreement_id and not exists (select 1 from amendment m \
             where m.version_id = v2.version_id and m.kind = 'letter'))";
        let (from, rank, snippet) = match self.backend {
            Backend::Sqlite => (
                "clause_fts f join clause c on c.clause_id = f.clause_id \
                 join agreement a on a.agreement_id = c.agreement_id \
                 join document_version v on v.version_id = c.version_id \
                 where clause_fts match $1 and f.organisation_id = $2",
                "bm25(clause_fts)",
                "snippet(clause_fts, 3, '[', ']', '…', 16)",
            ),
            Backend::Postgres => (
                "clause c join agreement a on a.agreement_id = c.agreement_id \
                 join document_version v on v.version_id = c.version_id, \
                 plainto_tsquery('english', $1) q \
                 where c.search @@ q and c.organisation_id = $2",
                "ts_rank(c.search, q) desc",
                "ts_headline('english', c.body, q, 'StartSel=[, StopSel=], MaxWords=24, MinWords=8')",
            ),
        };
        let filter = format!("from {from} and {current} and {vis}");
        let sql = format!(
            "select c.clause_id, c.agreement_id, a.title, c.number, c.heading, v.number as version_number, \
             {snippet} as snippet {filter} \
             order by {rank}, c.agreement_id, c.ordinal limit $3 offset $4"
        );
        // Same placeholders in the count ($3 and $4 compare to themselves, so both engines
        // see every bound value used).
        let count_sql = format!("select count(*) {filter} and $3 = $3 and $4 = $4");
        let text_query = match self.backend {
            // Quoting each word keeps user input out of FTS5's query syntax.
            Backend::Sqlite => words
                .iter()
                .map(|w| format!("\"{w}\""))
                .collect::<Vec<_>>()
                .join(" "),
            Backend::Postgres => words.join(" "),
        };
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(text_query.clone())
            .bind(actor.org.to_string())
            .bind(limit)
            .bind(offset);
        let mut cq = sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(count_sql))
            .bind(text_query)
            .bind(actor.org.to_string())
            .bind(limit)
            .bind(offset);
        for b in vis_binds {
            q = q.bind(b.clone());
            cq = cq.bind(b);
        }
        let total = cq.fetch_one(&self.pool).await?;
        let rows = q.fetch_all(&self.pool).await?;
        let hits = rows
            .iter()
            .map(|r| {
                let version: i64 = r.try_get("version_number")?;
                Ok(ClauseHit {
                    clause_id: parse_id(&r.try_get::<String, _>("clause_id")?)?,
                    agreement_id: parse_id(&r.try_get::<String, _>("agreement_id")?)?,
                    title: r.try_get("title")?,
                    number: r.try_get("number")?,
                    heading: r.try_get("heading")?,
                    version_number: version as u32,
                    snippet: r.try_get("snippet")?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok((hits, total as u64))
    }
}

/// The clauses of one version of agreement `id`, in document order.
async fn version_clauses(
    pool: &sqlx::AnyPool,
    org: &str,
    id: AgreementId,
    vid: VersionId,
) -> Result<Vec<Clause>> {
    let rows = sqlx::query(
        "select clause_id, version_id, ordinal, number, heading, body, start_pos, end_pos, categories, confidence \
         from clause where organisation_id = $1 and agreement_id = $2 and version_id = $3 order by ordinal",
    )
    .bind(org)
    .bind(id.to_string())
    .bind(vid.to_string())
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|r| {
            let ordinal: i64 = r.try_get("ordinal")?;
            let start: i64 = r.try_get("start_pos")?;
            let end: i64 = r.try_get("end_pos")?;
            let conf: f64 = r.try_get("confidence")?;
            Ok(Clause {
                id: parse_id(&r.try_get::<String, _>("clause_id")?)?,
                version_id: parse_id(&r.try_get::<String, _>("version_id")?)?,
                ordinal: ordinal as u32,
                number: r.try_get("number")?,
                heading: r.try_get("heading")?,
                text: r.try_get("body")?,
                start: start as usize,
                end: end as usize,
                categories: r
                    .try_get::<String, _>("categories")?
                    .split_whitespace()
                    .map(str::to_owned)
                    .collect(),
                confidence: conf as f32,
            })
        })
        .collect()
}

/// What a new version's text is to the agreement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Text {
    /// The agreement's own text (original, new draft or restated): what analysis found in it
    /// merges into the terms and obligations.
    Agreement,
    /// An amendment letter: its text and clauses are kept; it changes the agreement only by
    /// the amendment's stated changes, so nothing found in it merges (its own date is not
    /// the agreement's effective date, its parties' names are not new duties).
    Letter,
}

#[allow(clippy::too_many_arguments)] // The transaction's context and the version, passed once.
pub(crate) async fn insert_version(
    tx: &mut Tx,
    backend: Backend,
    actor: &Actor,
    id: AgreementId,
    v: &NewVersion,
    analysis: &VersionAnalysis,
    text: Text,
    today: Date,
) -> Result<(VersionId, ReconcileSummary)> {
    let org = actor.org.to_string();
    let now = tx.now_text();
    let vid = VersionId::new();
    let number: i64 = sqlx::query_scalar(
        "select coalesce(max(number), 0) + 1 from document_version where agreement_id = $1",
    )
    .bind(id.to_string())
    .fetch_one(&mut **tx)
    .await?;
    let sha = sha256_hex(&v.bytes);
    sqlx::query(
        "insert into document_version (version_id, organisation_id, agreement_id, number, filename, media_type, sha256, size, \
         content, body, author, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)",
    )
    .bind(vid.to_string())
    .bind(&org)
    .bind(id.to_string())
    .bind(number)
    .bind(&v.filename)
    .bind(v.media_type.as_str())
    .bind(&sha)
    .bind(v.bytes.len() as i64)
    .bind(v.bytes.clone())
    .bind(&v.text)
    .bind(&actor.name)
    .bind(&now)
    .execute(&mut **tx)
    .await
    .map_err(|e| StoreError::on_unique(e, "a version was added concurrently; retry"))?;

    let mut clause_ids = Vec::with_capacity(analysis.clauses.len());
    for (i, c) in analysis.clauses.iter().enumerate() {
        let cid = ClauseId::new();
        clause_ids.push(cid);
        sqlx::query(
            "insert into clause (clause_id, organisation_id, agreement_id, version_id, ordinal, number, heading, body, start_pos, \
             end_pos, categories, confidence, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)",
        )
        .bind(cid.to_string())
        .bind(&org)
        .bind(id.to_string())
        .bind(vid.to_string())
        .bind(i as i64)
        .bind(c.number.clone())
        .bind(c.heading.clone())
        .bind(&c.text)
        .bind(c.start as i64)
        .bind(c.end as i64)
        .bind(c.categories.join(" "))
        .bind(f64::from(c.confidence))
        .bind(&now)
        .execute(&mut **tx)
        .await?;
        if backend == Backend::Sqlite {
            sqlx::query("insert into clause_fts (clause_id, organisation_id, heading, body) values ($1, $2, $3, $4)")
                .bind(cid.to_string())
                .bind(&org)
                .bind(c.heading.clone().unwrap_or_default())
                .bind(&c.text)
                .execute(&mut **tx)
                .await?;
        }
    }

    let merges = text == Text::Agreement;
    let source = |e: &Evidence| Source::Extracted {
        version_id: vid,
        clause_id: e.clause.and_then(|i| clause_ids.get(i).copied()),
        start: e.start,
        end: e.end,
        confidence: e.confidence,
    };
    let mut found = Terms::default();
    for (f, value, e) in analysis.terms.iter().filter(|_| merges) {
        found.0.insert(
            *f,
            Sourced {
                value: value.clone(),
                source: source(e),
            },
        );
    }
    let mut current = load_terms(&mut **tx, &org, id).await?;
    let merge = current.merge_version(found);
    for f in &merge.changed {
        if let Some(s) = current.0.get(f) {
            upsert_term(tx, &org, id, *f, s, &now).await?;
        }
    }
    // Only a later version contradicts what a person set: values given with the first
    // document (an import's or the demo's) are the person's reading of that same text.
    let conflicts: &[(TermField, Sourced)] = if number > 1 { &merge.conflicts } else { &[] };
    for (f, said) in conflicts {
        sqlx::query("update term set conflict = $1 where agreement_id = $2 and field = $3")
            .bind(to_json(said))
            .bind(id.to_string())
            .bind(f.as_str())
            .execute(&mut **tx)
            .await?;
    }
    refresh_derived(tx, &org, id, &now).await?;
    let effective = current.date(TermField::EffectiveDate);
    let stored = reconcile::StoredVersion {
        id: vid,
        number: u32::try_from(number).unwrap_or(u32::MAX),
        clause_ids: &clause_ids,
        clause_numbers: analysis.clauses.iter().map(|c| c.number.clone()).collect(),
    };
    let changes = if merges {
        reconcile::obligations(
            tx,
            &org,
            id,
            &stored,
            &analysis.obligations,
            effective,
            today,
            &now,
        )
        .await?
    } else {
        reconcile::ObligationChanges::default()
    };
    let summary = ReconcileSummary {
        obligations_unchanged: changes.unchanged.len(),
        obligations_changed: changes.changed.len(),
        obligations_added: changes.added.len(),
        obligations_removed: changes.removed.len(),
        terms_changed: merge.changed.len(),
        terms_in_conflict: conflicts.len(),
    };
    if merges && number > 1 {
        sqlx::query("update document_version set reconciliation = $1 where version_id = $2")
            .bind(to_json(&summary))
            .bind(vid.to_string())
            .execute(&mut **tx)
            .await?;
    }
    touch(tx, id, &now).await?;
    audit::append(
        tx,
        actor,
        "version.add",
        "version",
        &vid.to_string(),
        Some(id),
        serde_json::json!({
            "number": number, "filename": v.filename, "sha256": sha, "clauses": analysis.clauses.len(),
            "terms_changed": merge.changed.iter().map(|f| f.as_str()).collect::<Vec<_>>(),
            "terms_in_conflict": conflicts.iter().map(|(f, _)| f.as_str()).collect::<Vec<_>>(),
            "obligations_added": changes.added.len(),
            "reconciliation": summary.to_string(),
            "obligations": changes,
            "letter": !merges,
        }),
    )
    .await?;
    Ok((vid, summary))
}
