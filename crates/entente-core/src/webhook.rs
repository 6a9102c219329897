//! Registering a webhook endpoint: the URL is checked against the target policy and its host
//! resolved, so an endpoint that names the server's own network is refused before it is stored.

use crate::Result;
use entente_domain::ValidationError;
use entente_domain::alerting::{
    WebhookTargets, check_webhook_target, forbidden_address, parse_webhook_url, webhook_host,
};
use entente_store::{Actor, Store, Webhook};

/// Registers `url` for the actor's tenant after checking where it leads; returns the endpoint
/// and its signing secret (shown only now). Deliveries check the resolved addresses again, so
/// a name that later resolves to a private address is refused then too.
pub async fn register(
    store: &Store,
    actor: &Actor,
    url: &str,
    description: Option<&str>,
    targets: WebhookTargets,
) -> Result<(Webhook, String)> {
    check_webhook_target(url, targets)?;
    if targets == WebhookTargets::PublicHttps {
        check_resolved(url).await?;
    }
    Ok(store.create_webhook(actor, url, description).await?)
}

/// Resolves the URL's host and refuses it when any address it resolves to is not public.
async fn check_resolved(url: &str) -> std::result::Result<(), ValidationError> {
    let t = parse_webhook_url(url)?;
    let rest = t.strip_prefix("https://").unwrap_or(&t);
    let host = webhook_host(rest)
        .trim_start_matches('[')
        .trim_end_matches(']');
    if host.parse::<std::net::IpAddr>().is_ok() {
        return Ok(()); // Literal addresses were checked by the policy.
    }
    let addrs = tokio::net::lookup_host((host, 443)).await.map_err(|e| {
        ValidationError::new("url", format!("the host {host:?} cannot be resolved: {e}"))
    })?;
    for a in addrs {
        if let Some(why) = forbidden_address(a.ip()) {
            return Err(ValidationError::new(
                "url",
                format!(
                    "the host {host:?} resolves to {} ({why}); webhooks go to public addresses only",
                    a.ip()
                ),
            ));
        }
    }
    Ok(())
}
