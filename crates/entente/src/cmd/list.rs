//! `entente list`: the portfolio as a table (or JSON), with the filters people ask for.

use super::{Ctx, Outcome};
use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};
use entente_domain::query::{
    AgreementQuery, AgreementSort, CapFilter, DayWindow, distinct_lowercase,
};
use entente_domain::{AgreementKind, AgreementStatus};
use entente_store::Page;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Status (draft, active, …); repeat it for any of several.
    #[arg(long, value_parser = |s: &str| AgreementStatus::parse(s).map_err(|e| e.message))]
    status: Vec<AgreementStatus>,
    /// Kind (collaboration, joint_development, …); repeatable.
    #[arg(long, value_parser = |s: &str| AgreementKind::parse(s).map_err(|e| e.message))]
    kind: Vec<AgreementKind>,
    /// Owner e-mail; repeatable.
    #[arg(long)]
    owner: Vec<String>,
    /// Tag; repeatable.
    #[arg(long)]
    tag: Vec<String>,
    /// Counterparty (part of a party name).
    #[arg(long)]
    party: Option<String>,
    /// Part of the title.
    #[arg(long)]
    search: Option<String>,
    /// Ends (without automatic renewal) within N days (0 to 36600).
    #[arg(long, value_name = "DAYS", value_parser = window)]
    expiring_within: Option<DayWindow>,
    /// Renews automatically within N days (0 to 36600).
    #[arg(long, value_name = "DAYS", value_parser = window)]
    renewing_within: Option<DayWindow>,
    /// The next last day to give notice of non-renewal is within N days (0 to 36600).
    #[arg(long, value_name = "DAYS", value_parser = window)]
    notice_within: Option<DayWindow>,
    /// The day the windows and the next key dates count from (YYYY-MM-DD; default: today in
    /// the tenant's time zone). The whole command runs as on that day.
    #[arg(long, value_parser = |s: &str| entente_domain::Date::parse(s).map_err(|e| e.message))]
    today: Option<entente_domain::Date>,
    /// Liability cap: amount, formula, uncapped or none; repeatable.
    #[arg(long, value_parser = |s: &str| CapFilter::parse(s).map_err(|e| e.message))]
    liability_cap: Vec<CapFilter>,
    /// Governing law; repeatable.
    #[arg(long)]
    law: Vec<String>,
    /// Order: updated, title, effective_date, expiration_date, notice_deadline; `-` before it
    /// reverses the order (`--sort=-title`).
    #[arg(long, allow_hyphen_values = true, value_parser = sort_order)]
    sort: Option<(AgreementSort, bool)>,
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

/// An order and whether it is reversed (`-title`).
fn sort_order(s: &str) -> Result<(AgreementSort, bool), String> {
    let (name, reverse) = match s.trim().strip_prefix('-') {
        Some(rest) => (rest, true),
        None => (s.trim(), false),
    };
    AgreementSort::parse(name)
        .map(|sort| (sort, reverse))
        .map_err(|e| e.message)
}

/// A day window (0 to 36600 days), checked before anything is opened.
fn window(s: &str) -> Result<DayWindow, String> {
    let n: u32 = s
        .parse()
        .map_err(|_| format!("{s:?} is not a whole number of days (0 to 36600)"))?;
    DayWindow::new(n).map_err(|e| e.message)
}

impl Args {
    pub(crate) async fn run(self, ctx: Ctx) -> anyhow::Result<Outcome> {
        let (store, actor) = ctx.open_on(self.today).await?;
        let filter = AgreementQuery {
            status: self.status,
            kind: self.kind,
            owner: distinct_lowercase(self.owner.iter().map(String::as_str)),
            tag: distinct_lowercase(self.tag.iter().map(String::as_str)),
            party: self.party,
            text: self.search,
            expiring_within: self.expiring_within,
            renewing_within: self.renewing_within,
            notice_within: self.notice_within,
            liability_cap: self.liability_cap,
            governing_law: distinct_lowercase(self.law.iter().map(String::as_str)),
            today: self.today,
            sort: self.sort.map(|(s, _)| s).unwrap_or_default(),
            reverse: self.sort.is_some_and(|(_, r)| r),
            updated_since: None,
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
                super::json::pretty(&serde_json::json!({ "total": total, "items": rows }))?
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
                if r.pending_start {
                    // In force on paper, binding from its effective date.
                    format!(
                        "signed, starts {}",
                        r.effective_date.map(|d| d.to_string()).unwrap_or_default()
                    )
                } else {
                    r.status.to_string()
                },
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
            "{} agreements (↻ renews automatically; `show` takes the short id)",
            shown(self.offset, rows.len(), total)
        );
        Ok(Outcome::Ok)
    }
}

/// Which rows of the whole a page holds: "21–24 of 24", "0 of 24" past the end.
fn shown(offset: u32, rows: usize, total: u64) -> String {
    if rows == 0 {
        return format!("0 of {total}");
    }
    let first = u64::from(offset) + 1;
    format!("{first}–{} of {total}", first + rows as u64 - 1)
}

/// The last 8 hex digits of an id: UUIDv7 ids begin with a timestamp, so their ends are
/// what tells them apart.
pub(crate) fn short_id(id: &str) -> String {
    id[id.len().saturating_sub(8)..].to_owned()
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_page_says_which_rows_it_holds() {
        assert_eq!(super::shown(20, 4, 24), "21–24 of 24");
        assert_eq!(super::shown(0, 20, 24), "1–20 of 24");
        assert_eq!(super::shown(40, 0, 24), "0 of 24");
    }
}
