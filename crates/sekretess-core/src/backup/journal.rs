//! The erasure journal: which customers were erased and when (codes, group ids, times; no
//! value), authenticated with HMAC-SHA256 under the journal key.
//!
//! An erasure destroys a customer's data key, but every older backup still holds it. The
//! journal carries the erasures forward: `sekretess backup erasures` exports it (the
//! scheduled backups write one beside each backup), and `sekretess restore --erasures`
//! drops every listed customer before anything is written, so the restored vault never
//! holds their data key again.
//!
//! The journal key is derived from the root key (`sekretess/v1/erasure-journal`), so only
//! an unsealed vault makes journals; every backup carries it (inside the age encryption),
//! so a restore checks a journal against the backup before the vault is unsealed. After a
//! rekey (a new root key) journals are made with a new key: take a new backup then, as the
//! operations guide says.

use serde::{Deserialize, Serialize};

use sekretess_crypto::Key32;
use sekretess_crypto::kdf;
use sekretess_crypto::mac::{hmac_sha256, hmac_sha256_verify};

use super::hex;

pub const KIND: &str = "sekretess-erasure-journal";
pub const LABEL: &str = "sekretess/v1/erasure-journal";

/// The journal key of a root key.
pub fn journal_key(root: &Key32) -> Result<Key32, sekretess_crypto::CryptoError> {
    kdf::derive_key(root, LABEL, b"")
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Erasure {
    pub code: String,
    pub group: u32,
    pub erased_at: i64,
}

/// A journal as written to a file (JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Journal {
    pub kind: String,
    pub format: u32,
    /// The vault's key id.
    pub key_id: String,
    /// When the journal was made (the vault's clock).
    pub created_at: i64,
    /// Every erasure on record at `created_at`, oldest first (ties by code).
    pub entries: Vec<Erasure>,
    /// HMAC-SHA256 (hex) over all of the above.
    pub mac: String,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum JournalError {
    #[error("not an erasure journal")]
    NotAJournal,
    #[error("the erasure journal belongs to another vault (key id {0})")]
    OtherVault(String),
    #[error("the erasure journal does not authenticate (changed, or made with another root key)")]
    BadMac,
}

fn canonical(key_id: &str, created_at: i64, entries: &[Erasure]) -> Vec<u8> {
    let mut buf = Vec::with_capacity(64 + entries.len() * 40);
    let mut put = |b: &[u8]| {
        buf.extend_from_slice(&(b.len() as u64).to_be_bytes());
        buf.extend_from_slice(b);
    };
    put(KIND.as_bytes());
    put(key_id.as_bytes());
    put(&created_at.to_be_bytes());
    put(&(entries.len() as u64).to_be_bytes());
    for e in entries {
        put(e.code.as_bytes());
        put(&e.group.to_be_bytes());
        put(&e.erased_at.to_be_bytes());
    }
    buf
}

impl Journal {
    /// Makes a journal of `entries` (sorted here) under `key`.
    pub fn new(key: &[u8], key_id: &str, created_at: i64, mut entries: Vec<Erasure>) -> Self {
        entries.sort_by(|a, b| a.erased_at.cmp(&b.erased_at).then_with(|| a.code.cmp(&b.code)));
        let mac = hex(&hmac_sha256(key, &canonical(key_id, created_at, &entries)));
        Journal { kind: KIND.into(), format: 1, key_id: key_id.into(), created_at, entries, mac }
    }

    pub fn parse(text: &[u8]) -> Result<Self, JournalError> {
        let j: Journal = serde_json::from_slice(text).map_err(|_| JournalError::NotAJournal)?;
        if j.kind != KIND || j.format != 1 {
            return Err(JournalError::NotAJournal);
        }
        Ok(j)
    }

    /// Checks the MAC with `key` and that the journal is `key_id`'s.
    pub fn verify(&self, key: &[u8], key_id: &str) -> Result<(), JournalError> {
        if self.key_id != key_id {
            return Err(JournalError::OtherVault(self.key_id.clone()));
        }
        let tag = unhex(&self.mac).ok_or(JournalError::BadMac)?;
        hmac_sha256_verify(key, &canonical(&self.key_id, self.created_at, &self.entries), &tag)
            .map_err(|_| JournalError::BadMac)
    }

    pub fn to_json(&self) -> Vec<u8> {
        let mut v = serde_json::to_vec_pretty(self).unwrap_or_default();
        v.push(b'\n');
        v
    }
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_journal_verifies_and_any_change_fails() {
        let key = [7u8; 32];
        let e = |c: &str, t| Erasure { code: c.into(), group: 1, erased_at: t };
        let j = Journal::new(&key, "abc", 100, vec![e("B", 5), e("A", 9)]);
        assert_eq!(j.entries[0].code, "B");
        let back = Journal::parse(&j.to_json()).unwrap();
        back.verify(&key, "abc").unwrap();
        assert_eq!(back.verify(&key, "abd"), Err(JournalError::OtherVault("abc".into())));
        assert_eq!(back.verify(&[8u8; 32], "abc"), Err(JournalError::BadMac));
        let mut cut = back.clone();
        cut.entries.pop();
        assert_eq!(cut.verify(&key, "abc"), Err(JournalError::BadMac));
        let mut later = back;
        later.created_at += 1;
        assert_eq!(later.verify(&key, "abc"), Err(JournalError::BadMac));
    }
}
