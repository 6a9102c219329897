//! One-click unsubscribe from alert e-mail (RFC 8058): links that carry the tenant and the
//! address, signed with the tenant's key, and the use-case that honours one.

use crate::{CoreError, Result};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use entente_domain::{OrganisationId, ValidationError};
use entente_store::Store;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// The path of the unsubscribe page (GET shows a button; POST opts out).
pub const PATH: &str = "/unsubscribe";

fn mac(key: &[u8]) -> Result<Hmac<Sha256>> {
    <Hmac<Sha256> as KeyInit>::new_from_slice(key).map_err(CoreError::internal)
}

/// The token for `email` in tenant `org`: `base64url(org "\n" email) "." base64url(HMAC)`.
/// It does not expire: an unsubscribe link must keep working in old messages.
pub fn token(key: &[u8], org: OrganisationId, email: &str) -> Result<String> {
    let payload = URL_SAFE_NO_PAD.encode(format!("{org}\n{}", email.trim().to_lowercase()));
    let mut m = mac(key)?;
    m.update(payload.as_bytes());
    Ok(format!(
        "{payload}.{}",
        URL_SAFE_NO_PAD.encode(m.finalize().into_bytes())
    ))
}

/// The absolute unsubscribe URL for `email`, under the public base URL `base`.
pub async fn link(store: &Store, base: &str, org: OrganisationId, email: &str) -> Result<String> {
    let key = store.mail_signing_key(org).await?;
    Ok(format!(
        "{}{PATH}?token={}",
        base.trim_end_matches('/'),
        token(&key, org, email)?
    ))
}

fn bad() -> CoreError {
    ValidationError::new("token", "is not a valid unsubscribe link").into()
}

/// The tenant and address a well-formed token names (its signature not yet checked).
fn open(token: &str) -> Result<(OrganisationId, String, &str, Vec<u8>)> {
    let (payload, sig) = token.trim().split_once('.').ok_or_else(bad)?;
    let text = URL_SAFE_NO_PAD
        .decode(payload.as_bytes())
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(bad)?;
    let (org, email) = text.split_once('\n').ok_or_else(bad)?;
    let org: OrganisationId = org.parse().map_err(|_| bad())?;
    let sig = URL_SAFE_NO_PAD.decode(sig.as_bytes()).map_err(|_| bad())?;
    if email.is_empty() || email.contains(['\n', '\r']) {
        return Err(bad());
    }
    Ok((org, email.to_owned(), payload, sig))
}

/// Checks `token` and returns the tenant and address it names, or a validation error naming
/// `token` (a forged, altered or truncated link). Nothing is written.
pub async fn verify(store: &Store, token: &str) -> Result<(OrganisationId, String)> {
    let (org, email, payload, sig) = open(token)?;
    let key = store
        .existing_mail_signing_key(org)
        .await?
        .ok_or_else(bad)?;
    let mut m = mac(&key)?;
    m.update(payload.as_bytes());
    // Constant-time comparison.
    m.verify_slice(&sig).map_err(|_| bad())?;
    Ok((org, email))
}

/// Honours an unsubscribe link: the address it names gets no more alert e-mail from its
/// tenant (the in-app inbox keeps every alert). Returns the address. Using a link twice is
/// not an error.
pub async fn opt_out(store: &Store, token: &str) -> Result<String> {
    let (org, email) = verify(store, token).await?;
    store.opt_out_of_email(org, &email).await?;
    Ok(email)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_names_its_tenant_and_address_and_any_change_breaks_it() {
        let org = OrganisationId::new();
        let t = token(
            b"0123456789abcdef0123456789abcdef",
            org,
            " Maria@Example.com",
        )
        .unwrap();
        let (o, email, payload, sig) = open(&t).unwrap();
        assert_eq!((o, email.as_str()), (org, "maria@example.com"));
        let mut m = mac(b"0123456789abcdef0123456789abcdef").unwrap();
        m.update(payload.as_bytes());
        assert!(m.verify_slice(&sig).is_ok());
        let mut other = mac(b"another key of thirty-two bytes!").unwrap();
        other.update(payload.as_bytes());
        assert!(other.verify_slice(&sig).is_err());
        let longer = format!("{t}x");
        for broken in ["", "abc", "abc.def", &t[1..], longer.as_str()] {
            let parsed = open(broken);
            let forged = parsed.is_err() || {
                let (_, _, p, s) = parsed.unwrap();
                let mut m = mac(b"0123456789abcdef0123456789abcdef").unwrap();
                m.update(p.as_bytes());
                m.verify_slice(&s).is_err()
            };
            assert!(forged, "{broken:?}");
        }
    }
}
