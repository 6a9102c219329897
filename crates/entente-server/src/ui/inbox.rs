//! The alerts inbox: the signed-in person's in-app alerts, newest first (the store call behind
//! `GET /api/inbox`).

use super::{Shell, UiResult, Viewer, render};
use crate::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use entente_domain::access::Permission;
use entente_store::InboxItem;

#[derive(Template, WebTemplate)]
#[template(path = "alerts.html")]
struct InboxPage {
    shell: Shell,
    items: Vec<InboxItem>,
    unread: usize,
}

pub(crate) async fn inbox(State(s): State<AppState>, v: Viewer) -> UiResult {
    let actor = v.caller.require(Permission::Read)?;
    let items = s
        .store
        .inbox(actor, &v.caller.principal.email, false)
        .await?;
    let unread = items.iter().filter(|i| i.read_at.is_none()).count();
    Ok(render(InboxPage {
        shell: v.shell("alerts"),
        items,
        unread,
    }))
}
