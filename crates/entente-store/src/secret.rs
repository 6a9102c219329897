//! Random secrets: webhook signing keys (`whsec_…`, Standard Webhooks format) and calendar
//! feed tokens, from the operating system's CSPRNG; feed tokens are stored only as hashes.

use crate::{Result, StoreError};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};

fn random(n: usize) -> Result<Vec<u8>> {
    let mut buf = vec![0u8; n];
    getrandom::fill(&mut buf)
        .map_err(|e| StoreError::Config(format!("the system random source failed: {e}")))?;
    Ok(buf)
}

/// A new webhook signing secret: `whsec_` + base64 of 32 random bytes.
pub(crate) fn webhook_secret() -> Result<String> {
    Ok(format!("whsec_{}", STANDARD.encode(random(32)?)))
}

/// A new calendar feed token (43 URL-safe characters, 256 bits).
pub(crate) fn feed_token() -> Result<String> {
    Ok(URL_SAFE_NO_PAD.encode(random(32)?))
}

/// The stored form of a feed token.
pub(crate) fn token_hash(token: &str) -> String {
    entente_domain::document::sha256_hex(token.as_bytes())
}

#[cfg(test)]
mod tests {
    #[test]
    fn secrets_are_fresh_and_well_formed() {
        let a = super::webhook_secret().unwrap();
        let b = super::webhook_secret().unwrap();
        assert!(a.starts_with("whsec_") && a != b);
        let t = super::feed_token().unwrap();
        assert_eq!(t.len(), 43);
        assert_eq!(super::token_hash(&t).len(), 64);
    }
}
