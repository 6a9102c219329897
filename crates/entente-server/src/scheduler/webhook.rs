//! Signed webhook deliveries in the Standard Webhooks format: `webhook-id`,
//! `webhook-timestamp` and `webhook-signature: v1,<base64 HMAC-SHA256(id.timestamp.body)>`.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use entente_domain::alerting::{WebhookTargets, check_webhook_target, forbidden_address};
use entente_store::DeliveryOutcome;
use hmac::{Hmac, KeyInit, Mac};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::connect::dns::Name;
use sha2::Sha256;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

/// Why a signature could not be made.
#[derive(Debug, thiserror::Error)]
pub enum SignError {
    /// The stored secret is not `whsec_<base64>`.
    #[error("the webhook secret is not in whsec_<base64> form")]
    BadSecret,
}

/// The key bytes of a `whsec_…` secret.
fn key(secret: &str) -> Result<Vec<u8>, SignError> {
    let b64 = secret.strip_prefix("whsec_").ok_or(SignError::BadSecret)?;
    STANDARD.decode(b64).map_err(|_| SignError::BadSecret)
}

/// The `webhook-signature` header value for a message.
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &str) -> Result<String, SignError> {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(&key(secret)?).map_err(|_| SignError::BadSecret)?;
    mac.update(format!("{id}.{timestamp}.{body}").as_bytes());
    Ok(format!(
        "v1,{}",
        STANDARD.encode(mac.finalize().into_bytes())
    ))
}

/// An HTTP(S) client for webhook deliveries: rustls with the ring provider and the Mozilla
/// root store, HTTP/1.1, no redirects (a redirect is a failed delivery, not a new target),
/// and a resolver that only hands out addresses the target policy allows.
pub(crate) type HttpClient = hyper_util::client::legacy::Client<
    hyper_rustls::HttpsConnector<HttpConnector<GuardedResolver>>,
    http_body_util::Full<bytes::Bytes>,
>;

/// Resolves a delivery's host name and keeps only the addresses webhooks may reach, so a name
/// registered while public that now resolves to a private address is refused at delivery
/// (literal addresses never reach a resolver: `deliver` checks those).
#[derive(Debug, Clone, Copy)]
pub(crate) struct GuardedResolver {
    targets: WebhookTargets,
}

impl tower_service::Service<Name> for GuardedResolver {
    type Response = std::vec::IntoIter<SocketAddr>;
    type Error = std::io::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, name: Name) -> Self::Future {
        let targets = self.targets;
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let all: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if targets == WebhookTargets::AnyForDevelopment {
                return Ok(all.into_iter());
            }
            let mut refused = None;
            let allowed: Vec<SocketAddr> = all
                .into_iter()
                .filter(|a| match forbidden_address(a.ip()) {
                    Some(why) => {
                        refused = Some((a.ip(), why));
                        false
                    }
                    None => true,
                })
                .collect();
            match (allowed.is_empty(), refused) {
                (true, Some((ip, why))) => Err(std::io::Error::new(
                    std::io::ErrorKind::PermissionDenied,
                    format!("{host} resolves to {ip}, {why}; webhooks go to public addresses only"),
                )),
                _ => Ok(allowed.into_iter()),
            }
        })
    }
}

/// Builds the webhook client for a target policy.
pub(crate) fn client(targets: WebhookTargets) -> Result<HttpClient, String> {
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let mut http = HttpConnector::new_with_resolver(GuardedResolver { targets });
    // The TLS layer decides the scheme; the policy check in `deliver` refuses http:// first.
    http.enforce_http(false);
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_provider_and_webpki_roots(provider)
        .map_err(|e| format!("cannot set up TLS for webhooks: {e}"))?
        .https_or_http()
        .enable_http1()
        .wrap_connector(http);
    Ok(
        hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
            .build(https),
    )
}

/// Posts one delivery and classifies the answer: 2xx is sent; 410 Gone is permanent
/// (the receiver retired the endpoint); anything else is retried with backoff.
#[allow(clippy::too_many_arguments)] // One delivery's whole context, passed once.
pub(crate) async fn deliver(
    client: &HttpClient,
    targets: WebhookTargets,
    url: &str,
    secret: &str,
    id: &str,
    timestamp: i64,
    body: &str,
    timeout: Duration,
) -> DeliveryOutcome {
    let failed = |error: String, permanent: bool| DeliveryOutcome::Failed {
        http_status: None,
        error,
        permanent,
    };
    // Checked again at each delivery: an endpoint stored under another policy (or before
    // this check existed) never reaches the server's own network.
    if let Err(e) = check_webhook_target(url, targets) {
        return failed(e.message, true);
    }
    let signature = match sign(secret, id, timestamp, body) {
        Ok(s) => s,
        Err(e) => return failed(e.to_string(), true),
    };
    let req = axum::http::Request::post(url)
        .header("content-type", "application/json")
        .header(
            "user-agent",
            concat!("entente-webhooks/", env!("CARGO_PKG_VERSION")),
        )
        .header("webhook-id", id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        // Receivers that key on a conventional idempotency header get the same stable id.
        .header("idempotency-key", id)
        .body(http_body_util::Full::new(bytes::Bytes::from(
            body.to_owned(),
        )));
    let req = match req {
        Ok(r) => r,
        Err(e) => return failed(format!("cannot build the request for {url}: {e}"), true),
    };
    match tokio::time::timeout(timeout, client.request(req)).await {
        Ok(Ok(r)) if r.status().is_success() => DeliveryOutcome::Sent {
            http_status: Some(r.status().as_u16()),
        },
        Ok(Ok(r)) => DeliveryOutcome::Failed {
            http_status: Some(r.status().as_u16()),
            error: format!("the receiver answered HTTP {}", r.status().as_u16()),
            permanent: r.status() == axum::http::StatusCode::GONE,
        },
        // Errors name the URL's host at most; never the secret or the body.
        Ok(Err(e)) => failed(format!("request failed: {e}"), false),
        Err(_) => failed(format!("no answer within {} s", timeout.as_secs()), false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_match_the_standard_webhooks_test_vector() {
        // The reference vector from the Standard Webhooks specification's libraries.
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
        let ts = 1614265330;
        let body = r#"{"test": 2432232314}"#;
        assert_eq!(
            sign(secret, id, ts, body).unwrap(),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
        assert!(sign("not-a-secret", id, ts, body).is_err());
    }
}
