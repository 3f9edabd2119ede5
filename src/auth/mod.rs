//! Credentials: argon2id password hashing off the async threads, random API tokens and
//! session ids stored only as SHA-256 hashes, and CSRF tokens bound to sessions.

use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::error::{AppError, AppResult};

/// Session lifetime.
pub const SESSION_SECONDS: i64 = 12 * 3600;
pub const SESSION_COOKIE: &str = "cp_session";

/// OWASP's minimum for argon2id: m = 19 MiB, t = 2, p = 1.
fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("static argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub async fn hash_password(password: String) -> AppResult<String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        argon2()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| AppError::Internal(format!("password hashing failed: {e}")))
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
}

/// A hash of a random password, verified against when the user does not exist, so an
/// unknown email costs the same time as a wrong password.
static DUMMY_HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();

pub async fn verify_password(password: String, hash: Option<String>) -> AppResult<bool> {
    let known = hash.is_some();
    let hash = match hash {
        Some(h) => h,
        None => match DUMMY_HASH.get() {
            Some(h) => h.clone(),
            None => {
                let h = hash_password(random_token(16)).await?;
                DUMMY_HASH.get_or_init(|| h).clone()
            }
        },
    };
    let ok = tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash)
            .map(|parsed| {
                argon2()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(ok && known)
}

/// `bytes` random bytes, URL-safe base64 without padding.
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::fill(&mut buf[..]);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf)
}

/// A new API token: the plain value (shown once) and the hash that is stored.
pub fn new_api_token() -> (String, String) {
    let plain = format!("cp_{}", random_token(32));
    let hash = hash_secret(&plain);
    (plain, hash)
}

/// SHA-256 of a high-entropy secret (API token, session id). Lookups go by this hash, so
/// the stored value is useless to a reader of the database.
pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Constant-time comparison for CSRF tokens.
pub fn tokens_match(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn passwords_round_trip_and_unknown_users_fail() {
        let hash = hash_password("correct horse".into()).await.expect("hash");
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(
            verify_password("correct horse".into(), Some(hash.clone()))
                .await
                .expect("verify")
        );
        assert!(
            !verify_password("wrong".into(), Some(hash))
                .await
                .expect("verify")
        );
        assert!(
            !verify_password("anything".into(), None)
                .await
                .expect("verify")
        );
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let (a, ha) = new_api_token();
        let (b, _) = new_api_token();
        assert_ne!(a, b);
        assert_eq!(ha, hash_secret(&a));
        assert!(tokens_match("abc", "abc"));
        assert!(!tokens_match("abc", "abd"));
    }
}
