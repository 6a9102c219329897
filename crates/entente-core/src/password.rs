//! The password policy for new passwords: length, and no common, repetitive, sequential or
//! account-derived password (NIST SP 800-63B §5.1.1.2), checked offline against an embedded list.

use crate::Result;
use entente_domain::ValidationError;
use std::collections::HashSet;
use std::io::Read;
use std::sync::LazyLock;

/// Fewest characters a password may have.
pub const MIN_CHARS: usize = 12;
/// Most characters a password may have (Argon2 input stays bounded).
pub const MAX_CHARS: usize = 1024;

/// The embedded list (see `data/README.md`): compressed, because it ships inside the binary
/// and an online breach service is not reachable from most customer networks.
const COMMON_ZLIB: &[u8] = include_bytes!("../data/common-passwords.txt.zz");

static COMMON: LazyLock<HashSet<String>> = LazyLock::new(|| {
    let mut text = String::new();
    // The list is compiled in; if it could not be inflated every password would pass the
    // list check, so fail closed: an empty set is replaced by a set that still holds the
    // most common entries.
    if flate2::read::ZlibDecoder::new(COMMON_ZLIB)
        .read_to_string(&mut text)
        .is_err()
    {
        tracing::error!("the embedded common-password list cannot be read");
        text = "password\nqwerty\n123456\nletmein\nwelcome\nadmin\n".to_owned();
    }
    text.lines().map(str::to_owned).collect()
});

/// How many entries the embedded list holds.
pub fn common_list_len() -> usize {
    COMMON.len()
}

fn refuse(message: &str) -> crate::CoreError {
    ValidationError::new("password", message).into()
}

/// Checks only the length rule (for passwords that already exist, e.g. at login).
pub fn check_length(pw: &str) -> Result<()> {
    let n = pw.chars().count();
    if n < MIN_CHARS {
        return Err(refuse("must be at least 12 characters"));
    }
    if n > MAX_CHARS {
        return Err(refuse("must be at most 1024 characters"));
    }
    Ok(())
}

/// Checks a new password for the account `email`: the length rule, then that it is not a
/// common password, nor a common word wrapped in digits and symbols (`Password1234!`), nor
/// made of one to three characters repeated, nor a run of consecutive characters, nor built
/// from the e-mail address.
pub fn check_new_password(pw: &str, email: &str) -> Result<()> {
    check_length(pw)?;
    let lower = pw.to_lowercase();
    if COMMON.contains(lower.as_str()) {
        return Err(refuse(
            "is one of the most common passwords; choose another (a few unrelated words work well)",
        ));
    }
    let core = lower.trim_matches(|c: char| !c.is_alphabetic());
    if core.chars().count() < 4 || COMMON.contains(core) {
        return Err(refuse(
            "is a common password with digits or symbols added; choose another",
        ));
    }
    let distinct: HashSet<char> = lower.chars().collect();
    if distinct.len() < 4 {
        return Err(refuse("repeats too few characters; choose another"));
    }
    if is_sequence(&lower) {
        return Err(refuse("is a run of consecutive characters; choose another"));
    }
    let email = email.trim().to_lowercase();
    let (local, domain) = email.split_once('@').unwrap_or((email.as_str(), ""));
    let squashed: String = lower.chars().filter(|c| c.is_alphanumeric()).collect();
    let derived = [
        local,
        domain.split('.').next().unwrap_or_default(),
        "entente",
    ]
    .iter()
    .map(|w| {
        w.chars()
            .filter(|c| c.is_alphanumeric())
            .collect::<String>()
    })
    .any(|w| w.chars().count() >= 4 && squashed.contains(&w));
    if lower == email || derived {
        return Err(refuse(
            "is built from the e-mail address or the product name; choose another",
        ));
    }
    Ok(())
}

/// Whether every character follows the previous one by the same step of +1 or -1
/// (`abcdefghijkl`, `987654321098` with the wrap from 0 to 9 counted as a step).
fn is_sequence(s: &str) -> bool {
    let codes: Vec<i64> = s.chars().map(|c| i64::from(u32::from(c))).collect();
    [1, -1].iter().any(|step| {
        codes.windows(2).all(|w| {
            let d = w[1] - w[0];
            d == *step || (d == -9 * step && w[0].abs_diff('0' as i64) <= 9)
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(pw: &str, email: &str) -> bool {
        check_new_password(pw, email).is_err()
    }

    #[test]
    fn the_embedded_list_is_read() {
        assert!(common_list_len() > 50_000, "{}", common_list_len());
    }

    #[test]
    fn common_repetitive_sequential_and_derived_passwords_are_refused() {
        let e = "maria.lopez@northwind.example";
        for pw in [
            "password1234",
            "Password1234!",
            "qwertyuiop12",
            "1qaz2wsx3edc",
            "aaaaaaaaaaaa",
            "abababababab",
            "abcdefghijkl",
            "123456789012",
            "maria.lopez@northwind.example",
            "mariaLopez2026!",
            "northwind-2026-q4",
            "entente-admin-1",
            "!!!!2024!!!!",
        ] {
            assert!(refused(pw, e), "{pw} should be refused");
        }
    }

    #[test]
    fn long_unrelated_passphrases_pass() {
        let e = "maria.lopez@northwind.example";
        for pw in [
            "correct horse battery staple",
            "velvet-otter-morning-glass",
            "Tq8#mZ2!rW9p",
        ] {
            assert!(check_new_password(pw, e).is_ok(), "{pw}");
        }
    }

    #[test]
    fn the_error_names_the_field() {
        let err = check_new_password("password1234", "a@b.example").unwrap_err();
        assert!(err.to_string().contains("password"), "{err}");
        assert!(check_new_password("short", "a@b.example").is_err());
    }
}
