//! `entente list`: the portfolio as a table (or JSON), with the filters people ask for.

use super::{Ctx, Outcome};
use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};
use entente_store::{AgreementFilter, Page};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Status (draft, active, …).
    #[arg(long)]
    status: Option<String>,
    /// Kind (collaboration, joint_development, …).
    #[arg(long)]
    kind: Option<String>,
    /// Owner e-mail.
    #[arg(long)]
    owner: Option<String>,
    /// Tag.
    #[arg(long)]
    tag: Option<String>,
    /// Counterparty (part of a party name).
    #[arg(long)]
    party: Option<String>,
    /// Part of the title.
    #[arg(long)]
    search: Option<String>,
    /// Ends (without automatic renewal) within N days (0 to 36600).
    #[arg(long, value_name = "DAYS", value_parser = clap::value_parser!(u32).range(0..=36_600))]
    expiring_within: Option<u32>,
    /// Renews automatically within N days (0 to 36600).
    #[arg(long, value_name = "DAYS", value_parser = clap::value_parser!(u32).range(0..=36_600))]
    renewing_within: Option<u32>,
    /// The next last day to give notice of non-renewal is within N days (0 to 36600).
    #[arg(long, value_name = "DAYS", value_parser = clap::value_parser!(u32).range(0..=36_600))]
    notice_within: Option<u32>,
    /// The day the windows and the next key dates count from (YYYY-MM-DD; default: today in
    /// the tenant's time zone). The whole command runs as on that day.
    #[arg(long, value_parser = parse_today)]
    today: Option<entente_domain::Date>,
    /// Liability cap: amount, formula, uncapped or none.
    #[arg(long)]
    liability_cap: Option<String>,
    /// Governing law.
    #[arg(long)]
    law: Option<String>,
    /// Order: updated, title, effective_date, expiration_date, notice_deadline.
    #[arg(long)]
    sort: Option<String>,
    /// Rows to show.
    #[arg(long, default_value_t = 100)]
    limit: u32,
    /// Rows to skip.
    #[arg(long, default_value_t = 0)]
    offset: u32,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// `--today`: a real calendar date, checked before anything is opened.
fn parse_today(s: &str) -> Result<entente_domain::Date, String> {
    entente_domain::Date::parse(s).map_err(|e| e.message)
}

impl Args {
    pub(crate) async fn run(self, ctx: Ctx) -> anyhow::Result<Outcome> {
        let (store, actor) = ctx.open_on(self.today).await?;
        let filter = AgreementFilter {
            status: self.status,
            kind: self.kind,
            owner: self.owner,
            tag: self.tag,
            party: self.party,
            q: self.search,
            expiring_within_days: self.expiring_within,
            renewing_within_days: self.renewing_within,
            notice_within_days: self.notice_within,
            liability_cap: self.liability_cap,
            governing_law: self.law,
            today: self.today.map(|d| d.to_string()),
            sort: self.sort,
        };
        let (rows, total) = store
            .list_agreements(
                &actor,
                &filter,
                Page {
                    limit: self.limit,
                    offset: self.offset,
                },
            )
            .await?;
        store.close().await;
        if self.json {
            println!(
                "{}",
                serde_json::to_string_pretty(
                    &serde_json::json!({ "total": total, "items": rows })
                )?
            );
            return Ok(Outcome::Ok);
        }
        let mut t = Table::new();
        t.load_preset(UTF8_FULL_CONDENSED);
        t.set_header([
            "id",
            "title",
            "kind",
            "status",
            "parties",
            "expires",
            "notice by",
            "cap",
            "owner",
        ]);
        for r in &rows {
            let dash = || "—".to_owned();
            t.add_row([
                short_id(&r.id.to_string()),
                r.title.clone(),
                r.kind.to_string(),
                r.status.to_string(),
                r.parties.join("; "),
                r.expiration_date.map_or_else(dash, |d| d.to_string())
                    + if r.auto_renewal == Some(true) {
                        " ↻"
                    } else {
                        ""
                    },
                r.notice_deadline.map_or_else(dash, |d| d.to_string()),
                r.liability_cap.clone().unwrap_or_else(dash),
                r.owner.clone().unwrap_or_else(dash),
            ]);
        }
        println!("{t}");
        println!(
            "{} of {total} agreements (↻ renews automatically; `show` takes the short id)",
            rows.len()
        );
        Ok(Outcome::Ok)
    }
}

/// The last 8 hex digits of an id: UUIDv7 ids begin with a timestamp, so their ends are
/// what tells them apart.
pub(crate) fn short_id(id: &str) -> String {
    id[id.len().saturating_sub(8)..].to_owned()
}
