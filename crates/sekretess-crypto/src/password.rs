//! Employee passwords: Argon2id (RFC 9106) with explicit parameters, PHC strings.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, AssociatedData, ParamsBuilder, Version};

use crate::{CryptoError, fill_random};

/// Argon2id cost parameters. The default is OWASP's first recommendation:
/// m = 19 MiB, t = 2, p = 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PasswordParams {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

impl Default for PasswordParams {
    fn default() -> Self {
        PasswordParams { memory_kib: 19 * 1024, iterations: 2, parallelism: 1 }
    }
}

fn hasher(params: PasswordParams) -> Result<Argon2<'static>, CryptoError> {
    let p = ParamsBuilder::new()
        .m_cost(params.memory_kib)
        .t_cost(params.iterations)
        .p_cost(params.parallelism)
        .output_len(32)
        .build()
        .map_err(|_| CryptoError::InvalidParameter("Argon2id parameters"))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, p))
}

/// Hashes a password with a fresh 128-bit salt; returns the PHC string
/// (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`).
pub fn hash_password(password: &str, params: PasswordParams) -> Result<String, CryptoError> {
    let mut salt = [0u8; 16];
    fill_random(&mut salt)?;
    let salt = SaltString::encode_b64(&salt).map_err(|_| CryptoError::InvalidParameter("salt"))?;
    let hash = hasher(params)?
        .hash_password(password.as_bytes(), &salt)
        .map_err(|_| CryptoError::InvalidParameter("Argon2id hashing"))?;
    Ok(hash.to_string())
}

/// What a successful verification says about the stored hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verified {
    Current,
    /// Correct password, but the hash used other parameters: store a new hash.
    NeedsRehash,
}

/// Verifies a password against a PHC string (with the parameters written in it).
/// A wrong password or a damaged hash is [`CryptoError::Integrity`].
pub fn verify_password(password: &str, phc: &str, current: PasswordParams) -> Result<Verified, CryptoError> {
    let parsed = PasswordHash::new(phc).map_err(|_| CryptoError::Integrity)?;
    if parsed.algorithm.as_str() != "argon2id" {
        return Err(CryptoError::Integrity);
    }
    Argon2::default().verify_password(password.as_bytes(), &parsed).map_err(|_| CryptoError::Integrity)?;
    let used = |name: &str| parsed.params.get_decimal(name);
    let same = used("m") == Some(current.memory_kib)
        && used("t") == Some(current.iterations)
        && used("p") == Some(current.parallelism);
    Ok(if same { Verified::Current } else { Verified::NeedsRehash })
}

/// Raw Argon2id with secret and associated data, for the RFC 9106 known answer.
pub fn argon2id_raw(
    password: &[u8],
    salt: &[u8],
    secret: &[u8],
    associated_data: &[u8],
    params: PasswordParams,
    out_len: usize,
) -> Result<Vec<u8>, CryptoError> {
    let bad = |_| CryptoError::InvalidParameter("Argon2id parameters");
    let p = ParamsBuilder::new()
        .m_cost(params.memory_kib)
        .t_cost(params.iterations)
        .p_cost(params.parallelism)
        .output_len(out_len)
        .data(AssociatedData::new(associated_data).map_err(bad)?)
        .build()
        .map_err(bad)?;
    let a = Argon2::new_with_secret(secret, Algorithm::Argon2id, Version::V0x13, p).map_err(bad)?;
    let mut out = vec![0u8; out_len];
    a.hash_password_into(password, salt, &mut out).map_err(bad)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Small parameters keep unit tests fast; the defaults are checked separately.
    const FAST: PasswordParams = PasswordParams { memory_kib: 64, iterations: 2, parallelism: 1 };

    #[test]
    fn hash_verify_and_rehash() {
        let h = hash_password("correct horse battery staple", FAST).unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=64,t=2,p=1$"));
        assert_eq!(verify_password("correct horse battery staple", &h, FAST), Ok(Verified::Current));
        assert_eq!(verify_password("correct horse battery stapl", &h, FAST), Err(CryptoError::Integrity));
        let stronger = PasswordParams { memory_kib: 128, ..FAST };
        assert_eq!(verify_password("correct horse battery staple", &h, stronger), Ok(Verified::NeedsRehash));
        assert_eq!(verify_password("x", "not a hash", FAST), Err(CryptoError::Integrity));
    }

    #[test]
    fn long_unicode_passwords_are_not_truncated() {
        let long = "ö".repeat(100);
        let h = hash_password(&long, FAST).unwrap();
        let mut almost = long.clone();
        almost.pop();
        almost.push('o');
        assert!(verify_password(&long, &h, FAST).is_ok());
        assert!(verify_password(&almost, &h, FAST).is_err());
    }

    #[test]
    fn defaults_meet_the_policy() {
        let d = PasswordParams::default();
        assert!(d.memory_kib >= 19 * 1024 && d.iterations >= 2);
    }
}
