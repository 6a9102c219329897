//! Signed webhook deliveries in the Standard Webhooks format: `webhook-id`,
//! `webhook-timestamp` and `webhook-signature: v1,<base64 HMAC-SHA256(id.timestamp.body)>`.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use entente_store::DeliveryOutcome;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
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
/// root store, HTTP/1.1, no redirects (a redirect is a failed delivery, not a new target).
pub(crate) type HttpClient = hyper_util::client::legacy::Client<
    hyper_rustls::HttpsConnector<hyper_util::client::legacy::connect::HttpConnector>,
    http_body_util::Full<bytes::Bytes>,
>;

/// Builds the webhook client.
pub(crate) fn client() -> Result<HttpClient, String> {
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_provider_and_webpki_roots(provider)
        .map_err(|e| format!("cannot set up TLS for webhooks: {e}"))?
        .https_or_http()
        .enable_http1()
        .build();
    Ok(
        hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
            .build(https),
    )
}

/// Posts one delivery and classifies the answer: 2xx is sent; 410 Gone is permanent
/// (the receiver retired the endpoint); anything else is retried with backoff.
pub(crate) async fn deliver(
    client: &HttpClient,
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
