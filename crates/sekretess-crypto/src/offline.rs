//! The online half of the offline key: sealing restricted values and export bundles to the
//! public key (an age X25519 recipient) of a key pair whose private half never comes online.
//!
//! This module can only encrypt. The identity (private key) type and the code that opens
//! what is sealed here live in the `sekretess-offline` crate, which only the CLI links: the
//! server cannot name it. The wire forms that both sides share ([`SealedValue`],
//! [`Bundle`]) are defined here, once.

use std::io::Write;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

/// What went wrong, without detail that could leak a key or a value.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum OfflineSealError {
    #[error("not an age X25519 recipient (age1...)")]
    BadRecipient,
    #[error("the age encryption failed")]
    Encrypt,
}

/// The offline key's public half (`age1…`), as configured on the server.
#[derive(Clone, Debug)]
pub struct OfflineRecipient(age::x25519::Recipient);

impl OfflineRecipient {
    pub fn parse(text: &str) -> Result<Self, OfflineSealError> {
        age::x25519::Recipient::from_str(text.trim())
            .map(OfflineRecipient)
            .map_err(|_| OfflineSealError::BadRecipient)
    }
}

impl std::fmt::Display for OfflineRecipient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// Encrypts `plain` to `recipient` (the binary age format: a header whose MAC covers it,
/// then STREAM chunks that each authenticate; any changed byte fails the open).
pub fn seal(recipient: &OfflineRecipient, plain: &[u8]) -> Result<Vec<u8>, OfflineSealError> {
    let encryptor = age::Encryptor::with_recipients(std::iter::once(&recipient.0 as &dyn age::Recipient))
        .map_err(|_| OfflineSealError::Encrypt)?;
    let mut out = Vec::with_capacity(plain.len() + 256);
    let mut w = encryptor.wrap_output(&mut out).map_err(|_| OfflineSealError::Encrypt)?;
    w.write_all(plain).map_err(|_| OfflineSealError::Encrypt)?;
    w.finish().map_err(|_| OfflineSealError::Encrypt)?;
    Ok(out)
}

/// The plaintext sealed for one restricted value: the value with what it belongs to, so
/// that a value moved to another customer, field or group is named as such offline.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SealedValue {
    /// Always [`SEALED_VALUE_FORMAT`].
    pub format: String,
    pub group_id: u32,
    pub code: String,
    pub field: String,
    pub value: String,
}

impl std::fmt::Debug for SealedValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SealedValue")
            .field("code", &self.code)
            .field("field", &self.field)
            .finish_non_exhaustive()
    }
}

impl Drop for SealedValue {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.value);
    }
}

pub const SEALED_VALUE_FORMAT: &str = "sekretess-offline-value/1";
pub const BUNDLE_FORMAT: &str = "sekretess-offline-bundle/1";

/// Seals one restricted value (already validated and normalized) of `code`'s `field` in
/// group `group_id`.
pub fn seal_value(
    recipient: &OfflineRecipient,
    group_id: u32,
    code: &str,
    field: &str,
    value: &str,
) -> Result<Vec<u8>, OfflineSealError> {
    let inner = SealedValue {
        format: SEALED_VALUE_FORMAT.to_owned(),
        group_id,
        code: code.to_owned(),
        field: field.to_owned(),
        value: value.to_owned(),
    };
    let plain = Zeroizing::new(serde_json::to_vec(&inner).map_err(|_| OfflineSealError::Encrypt)?);
    seal(recipient, &plain)
}

/// An export bundle's content, before it is sealed as a whole to the offline key. It holds
/// the restricted values still sealed one by one ([`SealedValue`]), never a plain value.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bundle {
    /// Always [`BUNDLE_FORMAT`].
    pub format: String,
    /// Random id, also in the audit entries of the export.
    pub export_id: String,
    pub group: String,
    pub group_id: u32,
    /// Unix seconds.
    pub created_at: i64,
    /// Who exported (the audit log's actor).
    pub exported_by: String,
    pub purpose: String,
    pub customers: Vec<BundleCustomer>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundleCustomer {
    pub code: String,
    /// (field name, age ciphertext of a [`SealedValue`] in base64), sorted by name.
    pub fields: Vec<BundleField>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundleField {
    pub name: String,
    pub sealed: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recipients_parse_and_sealing_hides_the_value() {
        // A recipient from the age specification's test vectors would do as well; any
        // valid age1 string is one.
        let r = OfflineRecipient::parse("age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p")
            .unwrap();
        assert!(OfflineRecipient::parse("age1nope").is_err());
        let sealed = seal_value(&r, 7, "K7Q4M92DJ3X8", "tax_id", "19900101-1234").unwrap();
        let text = String::from_utf8_lossy(&sealed);
        assert!(!text.contains("19900101"));
        assert!(!text.contains("K7Q4M92DJ3X8"));
        assert!(sealed.starts_with(b"age-encryption.org/v1\n"));
        // Two seals of one value differ (fresh file key each time).
        assert_ne!(sealed, seal_value(&r, 7, "K7Q4M92DJ3X8", "tax_id", "19900101-1234").unwrap());
    }
}
