//! Performance measurements: recorded one at a time or imported from CSV (all rows or none),
//! judged against the obligation's threshold; a breach becomes a finding and an alert.

use crate::agreement::lock_agreement;
use crate::alert::insert_alert;
use crate::{Actor, Result, Store, StoreError, Tx, audit};
use entente_domain::alert::{Breach, breach_alert};
use entente_domain::measurement::{Judgement, MeasurementInput, NewMeasurement, judge, parse_csv};
use entente_domain::obligation::ObligationStatus;
use entente_domain::{ObligationId, ValidationError, ValidationErrors};
use serde::Serialize;
use sqlx::Row;

/// A stored measurement and its verdict.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct MeasurementView {
    /// Identifier.
    pub id: String,
    /// The obligation measured.
    pub obligation_id: String,
    /// Day measured.
    #[schema(format = Date)]
    pub measured_on: String,
    /// Value (decimal text).
    pub value: String,
    /// Unit.
    pub unit: String,
    /// Verdict.
    pub judgement: Judgement,
    /// Note.
    pub note: Option<String>,
    /// `api`, `cli` or `csv`.
    pub source: String,
    /// Who recorded it.
    pub recorded_by: String,
    /// The breach alert raised, if any.
    pub alert_id: Option<String>,
}

/// A finding: a measurement that missed its threshold.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BreachView {
    /// Identifier.
    pub id: String,
    /// Agreement.
    pub agreement_id: String,
    /// Obligation.
    pub obligation_id: String,
    /// The measurement.
    pub measurement_id: String,
    /// In words.
    pub summary: String,
    /// When found.
    #[schema(format = DateTime)]
    pub created_at: String,
}

impl Store {
    /// Records one measurement against an obligation's threshold.
    pub async fn record_measurement(
        &self,
        actor: &Actor,
        id: ObligationId,
        input: &MeasurementInput,
        source: &str,
    ) -> Result<MeasurementView> {
        let m = input.validate()?;
        let mut tx = self.begin().await?;
        let v = self
            .insert_measurement(&mut tx, actor, id, &m, source)
            .await?;
        tx.commit().await?;
        Ok(v)
    }

    /// Imports measurements from CSV (`obligation_id,measured_on,value[,unit][,note]`): every
    /// row is validated first and either all are stored or none; errors name row and column.
    pub async fn import_measurements(
        &self,
        actor: &Actor,
        csv: &str,
    ) -> Result<Vec<MeasurementView>> {
        let rows = parse_csv(csv)?;
        let mut tx = self.begin().await?;
        let mut out = Vec::with_capacity(rows.len());
        for (i, r) in rows.iter().enumerate() {
            let v = self
                .insert_measurement(&mut tx, actor, r.obligation_id, &r.measurement, "csv")
                .await
                .map_err(|e| match e {
                    StoreError::Invalid(errs) => StoreError::Invalid(ValidationErrors(
                        errs.0
                            .into_iter()
                            .map(|e| e.within(&format!("row {}", i + 2)))
                            .collect(),
                    )),
                    StoreError::NotFound { entity, id } => ValidationError::new(
                        format!("row {}.obligation_id", i + 2),
                        format!("{entity} {id} not found"),
                    )
                    .into(),
                    other => other,
                })?;
            out.push(v);
        }
        tx.commit().await?;
        Ok(out)
    }

    async fn insert_measurement(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        id: ObligationId,
        m: &NewMeasurement,
        source: &str,
    ) -> Result<MeasurementView> {
        let org = actor.org.to_string();
        let ob = self.get_obligation(actor, id).await?;
        let today = self.today(actor).await?;
        if m.measured_on > today {
            return Err(ValidationError::new(
                "measured_on",
                format!(
                    "{} is after today ({today}): a measurement records what was measured",
                    m.measured_on
                ),
            )
            .into());
        }
        lock_agreement(tx, actor, ob.agreement_id).await?;
        let metric = ob.metric.as_ref().ok_or_else(|| {
            ValidationError::new(
                "obligation_id",
                format!("obligation {id} has no measurable threshold; add a metric first"),
            )
        })?;
        let j = judge(metric, m)?;
        // The occurrence this measurement answers: the one whose period holds the day
        // measured (a one-off duty's only occurrence).
        let (_, occs) = self
            .occurrences_of(
                actor,
                id,
                m.measured_on.plus_days(-400),
                m.measured_on.plus_days(800),
            )
            .await?;
        let answered = occs
            .iter()
            .find(|o| {
                o.period
                    .is_some_and(|p| p.start <= m.measured_on && m.measured_on <= p.end)
            })
            .or_else(|| occs.iter().find(|o| o.period.is_none()))
            .map(|o| (o.due, o.period));
        let mid = uuid::Uuid::now_v7().to_string();
        let now = self.now_text();
        let unit = m.unit.clone().unwrap_or_else(|| metric.unit.clone());
        sqlx::query(
            "insert into measurement (measurement_id, organisation_id, agreement_id, obligation_id, measured_on, value, unit, threshold, breach, note, source, recorded_by, created_at, updated_at) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)",
        )
        .bind(&mid)
        .bind(&org)
        .bind(ob.agreement_id.to_string())
        .bind(id.to_string())
        .bind(m.measured_on.to_string())
        .bind(m.value.to_string())
        .bind(&unit)
        .bind(serde_json::to_string(metric).unwrap_or_default())
        .bind(i64::from(j.breach))
        .bind(m.note.clone())
        .bind(source)
        .bind(&actor.name)
        .bind(&now)
        .execute(&mut **tx)
        .await
        .map_err(|e| StoreError::on_unique(e, &format!("obligation {id} already has a measurement for {}", m.measured_on)))?;
        audit::append(tx, actor, "measurement.record", "obligation", &id.to_string(), Some(ob.agreement_id), serde_json::json!({
            "measurement_id": mid, "measured_on": m.measured_on, "value": m.value.to_string(), "breach": j.breach,
            "occurrence": answered.map(|(due, _)| due),
        }))
        .await?;
        if let Some((due, period)) = answered {
            // Met, the occurrence is done; missed, breached; with several measurements in one
            // period, one miss is a breach.
            let (from, to) = period.map_or((m.measured_on, m.measured_on), |p| (p.start, p.end));
            let misses: i64 = sqlx::query_scalar(
                "select count(*) from measurement where obligation_id = $1 and measured_on >= $2 \
                 and measured_on <= $3 and breach = 1",
            )
            .bind(id.to_string())
            .bind(from.to_string())
            .bind(to.to_string())
            .fetch_one(&mut **tx)
            .await?;
            let status = if misses > 0 {
                ObligationStatus::Breached
            } else {
                ObligationStatus::Done
            };
            sqlx::query(
                "insert into occurrence (obligation_id, organisation_id, due_date, status, note, recorded_by, recorded_at, created_at, updated_at) \
                 values ($1, $2, $3, $4, $5, $6, $7, $7, $7) on conflict (obligation_id, due_date) do update set status = excluded.status, \
                 note = excluded.note, recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at, updated_at = excluded.updated_at",
            )
            .bind(id.to_string())
            .bind(&org)
            .bind(due.to_string())
            .bind(status.as_str())
            .bind(format!("measured {} on {}: {}", m.value, m.measured_on, j.summary))
            .bind(&actor.name)
            .bind(&now)
            .execute(&mut **tx)
            .await?;
        }
        let mut alert_id = None;
        if j.breach {
            sqlx::query(
                "insert into performance_breach (performance_breach_id, organisation_id, agreement_id, obligation_id, measurement_id, summary, created_at, updated_at) \
                 values ($1, $2, $3, $4, $5, $6, $7, $7)",
            )
            .bind(uuid::Uuid::now_v7().to_string())
            .bind(&org)
            .bind(ob.agreement_id.to_string())
            .bind(id.to_string())
            .bind(&mid)
            .bind(format!("{}: {}", ob.text, j.summary))
            .bind(&now)
            .execute(&mut **tx)
            .await?;
            let title: Option<String> =
                sqlx::query_scalar("select title from agreement where agreement_id = $1")
                    .bind(ob.agreement_id.to_string())
                    .fetch_optional(&mut **tx)
                    .await?;
            let title = title.unwrap_or_default();
            let owner_sql: Option<Option<String>> =
                sqlx::query_scalar("select owner from agreement where agreement_id = $1")
                    .bind(ob.agreement_id.to_string())
                    .fetch_optional(&mut **tx)
                    .await?;
            let owner = ob.owner.clone().or(owner_sql.flatten());
            let recipients = self
                .recipients_for(tx, &org, ob.agreement_id, owner)
                .await?;
            let webhooks = self.webhooks_in(tx, &org).await?;
            alert_id = insert_alert(
                tx,
                actor.org,
                &breach_alert(
                    &Breach {
                        agreement: (ob.agreement_id, title.as_str()),
                        obligation_id: id,
                        duty: &ob.text,
                        measurement_id: &mid,
                        measured_on: m.measured_on,
                        value: &m.value.to_string(),
                        unit: &unit,
                        summary: &j.summary,
                        threshold: serde_json::json!(metric),
                    },
                    recipients,
                ),
                &webhooks,
                &now,
            )
            .await?;
        }
        Ok(MeasurementView {
            id: mid,
            obligation_id: id.to_string(),
            measured_on: m.measured_on.to_string(),
            value: m.value.to_string(),
            unit,
            judgement: j,
            note: m.note.clone(),
            source: source.to_owned(),
            recorded_by: actor.name.clone(),
            alert_id,
        })
    }

    /// Measurements of one obligation, by date.
    pub async fn list_measurements(
        &self,
        actor: &Actor,
        id: ObligationId,
    ) -> Result<Vec<MeasurementView>> {
        let ob = self.get_obligation(actor, id).await?;
        let rows = sqlx::query(
            "select m.measurement_id, m.measured_on, m.value, m.unit, m.threshold, m.breach, m.note, m.source, m.recorded_by, \
             (select a.alert_id from alert a where a.organisation_id = m.organisation_id and a.alert_key = m.agreement_id || ':measurement:' || m.measurement_id || ':breach') as alert_id \
             from measurement m where m.organisation_id = $1 and m.obligation_id = $2 order by m.measured_on",
        )
        .bind(actor.org.to_string())
        .bind(id.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let value: String = r.try_get("value")?;
                let unit: String = r.try_get("unit")?;
                let threshold: entente_domain::obligation::Metric =
                    crate::row::json(&r.try_get::<String, _>("threshold")?)?;
                let measured_on: String = r.try_get("measured_on")?;
                let nm = NewMeasurement {
                    measured_on: entente_domain::Date::parse(&measured_on)
                        .map_err(|e| StoreError::Corrupt(e.message))?,
                    value: value
                        .parse()
                        .map_err(|_| StoreError::Corrupt(format!("measurement value {value:?}")))?,
                    unit: None,
                    note: None,
                };
                let judgement =
                    judge(&threshold, &nm).map_err(|e| StoreError::Corrupt(e.message))?;
                Ok(MeasurementView {
                    id: r.try_get("measurement_id")?,
                    obligation_id: ob.id.to_string(),
                    measured_on,
                    value,
                    unit,
                    judgement,
                    note: r.try_get("note")?,
                    source: r.try_get("source")?,
                    recorded_by: r.try_get("recorded_by")?,
                    alert_id: r.try_get("alert_id")?,
                })
            })
            .collect()
    }

    /// Performance breaches in the tenant, newest first.
    pub async fn list_breaches(&self, actor: &Actor) -> Result<Vec<BreachView>> {
        // Only breaches under agreements this actor may see.
        let (vis, vis_binds) = actor.visible(2);
        let mut q = sqlx::query(sqlx::AssertSqlSafe(format!(
            "select b.performance_breach_id, b.agreement_id, b.obligation_id, b.measurement_id, b.summary, b.created_at \
             from performance_breach b join agreement a on a.agreement_id = b.agreement_id \
             where b.organisation_id = $1 and {vis} order by b.created_at desc limit 1000"
        )))
        .bind(actor.org.to_string());
        for b in vis_binds {
            q = q.bind(b);
        }
        let rows = q.fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                Ok(BreachView {
                    id: r.try_get("performance_breach_id")?,
                    agreement_id: r.try_get("agreement_id")?,
                    obligation_id: r.try_get("obligation_id")?,
                    measurement_id: r.try_get("measurement_id")?,
                    summary: r.try_get("summary")?,
                    created_at: r.try_get("created_at")?,
                })
            })
            .collect()
    }
}
