//! `entente search WORDS`: full-text search over the clauses of each agreement's current
//! text, a page at a time, with the total number of hits (as `GET /api/search`).

use super::{Ctx, Outcome};
use entente_store::Page;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Words to find (all must occur; stemmed).
    #[arg(required = true)]
    words: Vec<String>,
    /// Hits per page, 1..=200.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=200))]
    limit: u32,
    /// Hits to skip, best first.
    #[arg(long, default_value_t = 0)]
    offset: u32,
    /// Print JSON (`{hits, total, limit, offset}`).
    #[arg(long)]
    json: bool,
}

impl Args {
    pub(crate) async fn run(self, ctx: Ctx) -> anyhow::Result<Outcome> {
        let (store, actor) = ctx.open().await?;
        let page = Page {
            limit: self.limit,
            offset: self.offset,
        };
        let (hits, total) = store
            .search_clauses(&actor, &self.words.join(" "), page)
            .await?;
        store.close().await;
        if self.json {
            println!(
                "{}",
                serde_json::json!({ "hits": hits, "total": total, "limit": self.limit, "offset": self.offset })
            );
            return Ok(Outcome::Ok);
        }
        let first = u64::from(self.offset) + 1;
        let last = u64::from(self.offset) + hits.len() as u64;
        if hits.is_empty() {
            println!("no hits on this page ({total} in all)");
        } else {
            println!("hits {first}–{last} of {total}");
        }
        for h in &hits {
            let short = h.agreement_id.to_string();
            println!(
                "{}  {} (version {}), clause {}: {}",
                &short[short.len() - 8..],
                h.title,
                h.version_number,
                h.number.as_deref().unwrap_or("—"),
                h.snippet.replace('\n', " ")
            );
        }
        if last < total {
            println!("more: --offset {last}");
        }
        Ok(Outcome::Ok)
    }
}
