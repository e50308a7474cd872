//! TOTP (RFC 6238) for employee logins, through totp-rs: 6 digits, 30-second steps,
//! SHA-1 (what authenticator apps support). A code is accepted for the current step and
//! the one before, and never twice: the caller keeps the last step used.

use totp_rs::{Algorithm, Secret, TOTP};
use zeroize::Zeroizing;

use crate::{CryptoError, fill_random};

pub const STEP_SECONDS: u64 = 30;
pub const DIGITS: usize = 6;

/// A TOTP secret (160 bits). `Debug` never shows it.
#[derive(Clone)]
pub struct TotpSecret(Zeroizing<Vec<u8>>);

impl std::fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpSecret(<redacted>)")
    }
}

impl TotpSecret {
    pub fn generate() -> Result<Self, CryptoError> {
        let mut s = Zeroizing::new(vec![0u8; 20]);
        fill_random(&mut s)?;
        Ok(TotpSecret(s))
    }

    pub fn from_bytes(bytes: &[u8]) -> Self {
        TotpSecret(Zeroizing::new(bytes.to_vec()))
    }

    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    /// RFC 4648 base32 without padding, as authenticator apps expect.
    pub fn base32(&self) -> Zeroizing<String> {
        match Secret::Raw(self.0.to_vec()).to_encoded() {
            Secret::Encoded(s) => Zeroizing::new(s.trim_end_matches('=').to_owned()),
            Secret::Raw(_) => Zeroizing::new(String::new()),
        }
    }

    /// `otpauth://` URI for enrolment (shown once, as text and QR code).
    pub fn otpauth_uri(&self, issuer: &str, account: &str) -> Zeroizing<String> {
        let enc = |s: &str| -> String {
            s.bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                        (b as char).to_string()
                    }
                    _ => format!("%{b:02X}"),
                })
                .collect()
        };
        Zeroizing::new(format!(
            "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}",
            enc(issuer),
            enc(account),
            &*self.base32(),
            enc(issuer)
        ))
    }
}

/// The code for unix time `t` with explicit algorithm and digits (for known answers).
pub fn code_at(secret: &[u8], algorithm: &str, digits: usize, t: u64) -> Result<String, CryptoError> {
    let alg = match algorithm {
        "SHA1" => Algorithm::SHA1,
        "SHA256" => Algorithm::SHA256,
        "SHA512" => Algorithm::SHA512,
        _ => return Err(CryptoError::InvalidParameter("TOTP algorithm")),
    };
    let totp = TOTP::new_unchecked(alg, digits, 0, STEP_SECONDS, secret.to_vec());
    Ok(totp.generate(t))
}

/// Checks `code` at unix time `now` against the current step and the one before, and
/// refuses a step at or before `last_used_step`. Returns the step that matched, which the
/// caller must store as the new last used step.
pub fn verify(
    secret: &TotpSecret,
    code: &str,
    now: u64,
    last_used_step: Option<u64>,
) -> Result<u64, CryptoError> {
    let code = code.trim();
    if code.len() != DIGITS || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CryptoError::Integrity);
    }
    let current = now / STEP_SECONDS;
    let mut matched = None;
    for step in [current, current.saturating_sub(1)] {
        let expected = code_at(secret.expose(), "SHA1", DIGITS, step * STEP_SECONDS)?;
        // Compare every candidate in constant time, whatever matched before.
        if aws_lc_rs::constant_time::verify_slices_are_equal(expected.as_bytes(), code.as_bytes()).is_ok()
            && matched.is_none()
        {
            matched = Some(step);
        }
    }
    match (matched, last_used_step) {
        (Some(step), Some(last)) if step <= last => Err(CryptoError::Integrity),
        (Some(step), _) => Ok(step),
        (None, _) => Err(CryptoError::Integrity),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn current_and_previous_step_once_each() {
        let s = TotpSecret::generate().unwrap();
        let now = 1_795_000_000u64;
        let code = code_at(s.expose(), "SHA1", 6, now).unwrap();
        let step = verify(&s, &code, now, None).unwrap();
        assert_eq!(step, now / 30);
        // replay of the same step is refused
        assert!(verify(&s, &code, now, Some(step)).is_err());
        // the previous step's code is still accepted once (clock drift)
        let prev = code_at(s.expose(), "SHA1", 6, now - 30).unwrap();
        if prev != code {
            assert_eq!(verify(&s, &prev, now, None).unwrap(), now / 30 - 1);
        }
        // two steps back, or a future step, is refused
        let old = code_at(s.expose(), "SHA1", 6, now - 60).unwrap();
        let future = code_at(s.expose(), "SHA1", 6, now + 30).unwrap();
        if old != code && old != prev {
            assert!(verify(&s, &old, now, None).is_err());
        }
        if future != code && future != prev {
            assert!(verify(&s, &future, now, None).is_err());
        }
        assert!(verify(&s, "12345", now, None).is_err());
        assert!(verify(&s, "abcdef", now, None).is_err());
    }

    #[test]
    fn uri_and_debug() {
        let s = TotpSecret::from_bytes(b"12345678901234567890");
        assert_eq!(&*s.base32(), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        let uri = s.otpauth_uri("Sekretess", "anna@example.com");
        assert!(uri.starts_with(
            "otpauth://totp/Sekretess:anna%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&"
        ));
        assert_eq!(format!("{s:?}"), "TotpSecret(<redacted>)");
    }
}
