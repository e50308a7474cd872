//! Enrolment codes, session tokens, and the rules for passwords, logins and names.

use super::*;

// ---------------------------------------------------------------------------------------
// Secrets handed out once

/// A one-time enrolment code (160 random bits, Crockford base32 in groups of four). Shown
/// once to the inviting officer; only its SHA-256 is stored.
#[derive(Clone)]
pub struct EnrolmentCode(Zeroizing<String>);

impl EnrolmentCode {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for EnrolmentCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EnrolmentCode(<redacted>)")
    }
}

/// An opaque session token (`sks_` + 256 random bits in hex). Only its SHA-256 is stored.
#[derive(Clone)]
pub struct SessionToken(Zeroizing<String>);

impl SessionToken {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SessionToken(<redacted>)")
    }
}

pub(super) const ENROLMENT_BYTES: usize = 20;
pub(super) const SESSION_PREFIX: &str = "sks_";
pub(super) const SESSION_BYTES: usize = 32;

pub(super) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub(super) fn random<const N: usize>() -> Result<Zeroizing<[u8; N]>, PeopleError> {
    let mut b = Zeroizing::new([0u8; N]);
    fill_random(&mut b[..])?;
    Ok(b)
}

pub(super) fn new_enrolment_code() -> Result<(EnrolmentCode, [u8; 32]), PeopleError> {
    let bytes = random::<ENROLMENT_BYTES>()?;
    let symbols = Zeroizing::new(crockford::encode(&bytes[..]));
    let grouped: Vec<&str> =
        symbols.as_bytes().chunks(4).map(|c| std::str::from_utf8(c).unwrap_or_default()).collect();
    let code = EnrolmentCode(Zeroizing::new(grouped.join("-")));
    Ok((code, enrolment_hash(&bytes[..])))
}

pub(super) fn enrolment_hash(bytes: &[u8]) -> [u8; 32] {
    let mut msg = Zeroizing::new(b"sekretess/v1/enrolment\0".to_vec());
    msg.extend_from_slice(bytes);
    digest::sha256(&msg)
}

/// The hash of a typed code (case, dashes, spaces and look-alikes forgiven), or `None`
/// for anything that cannot be a code.
pub(super) fn parse_enrolment_code(text: &str) -> Option<[u8; 32]> {
    let symbols: Zeroizing<String> =
        Zeroizing::new(text.chars().filter(|c| !matches!(c, '-' | ' ')).collect());
    let bytes = Zeroizing::new(crockford::decode(&symbols, ENROLMENT_BYTES)?);
    Some(enrolment_hash(&bytes))
}

pub(super) fn new_session_token() -> Result<(SessionToken, [u8; 32]), PeopleError> {
    let bytes = random::<SESSION_BYTES>()?;
    let token = Zeroizing::new(format!("{SESSION_PREFIX}{}", hex(&bytes[..])));
    let hash = digest::sha256(token.as_bytes());
    Ok((SessionToken(token), hash))
}

/// The hash of a presented session token, or `None` if it is not shaped like one.
pub(super) fn session_hash(token: &str) -> Option<[u8; 32]> {
    let body = token.strip_prefix(SESSION_PREFIX)?;
    if body.len() != SESSION_BYTES * 2 || !body.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return None;
    }
    Some(digest::sha256(token.as_bytes()))
}

// ---------------------------------------------------------------------------------------
// Password rules

pub(super) const COMMON_PASSWORDS: &str = include_str!("../../data/common-passwords.txt");

pub(super) fn common_passwords() -> &'static std::collections::HashSet<String> {
    static SET: OnceLock<std::collections::HashSet<String>> = OnceLock::new();
    SET.get_or_init(|| {
        COMMON_PASSWORDS
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_lowercase)
            .collect()
    })
}

pub const MIN_PASSWORD_CHARS: usize = 12;
pub const MAX_PASSWORD_CHARS: usize = 128;

/// Checks a new password: 12 to 128 characters (Unicode scalar values; nothing is
/// truncated: Argon2id hashes every byte), not one character repeated, not containing the
/// login name, and not a common password (case-insensitive, also with trailing digits,
/// spaces and punctuation removed).
pub fn check_password(password: &str, login: &str) -> Result<(), PasswordRule> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(PasswordRule::TooShort);
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(PasswordRule::TooLong);
    }
    let mut it = password.chars();
    if let Some(first) = it.next()
        && it.all(|c| c == first)
    {
        return Err(PasswordRule::Repetitive);
    }
    let lower = Zeroizing::new(password.to_lowercase());
    let login = login.trim().to_lowercase();
    let login_name = login.split('@').next().unwrap_or_default();
    if login_name.chars().count() >= 4 && lower.contains(login_name) {
        return Err(PasswordRule::ContainsLogin);
    }
    let list = common_passwords();
    let stripped =
        lower.trim_end_matches(|c: char| c.is_ascii_digit() || c.is_ascii_punctuation() || c.is_whitespace());
    if list.contains(lower.as_str()) || (stripped.chars().count() >= 4 && list.contains(stripped)) {
        return Err(PasswordRule::Common);
    }
    Ok(())
}

/// Checks and normalizes a login (also used before init, which must not fail half-way).
pub fn check_login(login: &str) -> Result<String, PeopleError> {
    let login = login.trim().to_lowercase();
    let bad = |rule| PeopleError::InvalidInput { what: "login", rule };
    if login.is_empty() || login.len() > 254 {
        return Err(bad("1 to 254 characters"));
    }
    if !login.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'@' | b'+')) {
        return Err(bad("letters a-z, digits and . _ - @ + only"));
    }
    Ok(login)
}

/// Checks a display name.
pub fn check_display_name(name: &str) -> Result<String, PeopleError> {
    let name = name.trim();
    let bad = |rule| PeopleError::InvalidInput { what: "display name", rule };
    if name.is_empty() || name.chars().count() > 100 {
        return Err(bad("1 to 100 characters"));
    }
    if name.chars().any(char::is_control) {
        return Err(bad("no control characters"));
    }
    Ok(name.to_owned())
}
